// torch.nn.parallel: DataParallel and its pieces (scatter, gather); DistributedDataParallel comes with torch.distributed.
export { DataParallel, dataParallel, type DataParallelOptions } from './data_parallel.js';
export { gather, scatter } from './scatter_gather.js';
