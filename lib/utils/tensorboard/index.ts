// torch.utils.tensorboard: SummaryWriter (TensorBoard event files).
export { SummaryWriter, type SummaryWriterOptions, type AddHparamsOptions } from './writer.js';
export type { ScalarOptions, Bins, DataFormats } from './summary.js';
export { readEvents } from './read.js';
