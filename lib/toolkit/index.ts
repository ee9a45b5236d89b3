// The training toolkit: progress bars, curve plots, checkpoints, early stopping.
export {};
