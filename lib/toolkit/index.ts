// The training toolkit: progress bars, curve plots, checkpoints, early stopping.
export { ProgressBar, TrainingProgress, track, formatMetrics, formatDuration, type Metrics, type ProgressBarOptions, type TrainingProgressOptions } from './progress.js';
export { plotCurves, curvesSpec, curvesToSVG, saveChart, chartToSVG, type PlotCurvesOptions, type Series } from './plot.js';
export { saveCheckpoint, loadCheckpoint, checkpointDict, CheckpointManager, type Checkpoint, type CheckpointParts, type CheckpointManagerOptions, type SaveCheckpointOptions, type LoadCheckpointOptions, type Stateful } from './checkpoint.js';
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStoppingState } from './early_stopping.js';
