// torch.utils.data.get_worker_info: who this worker thread is, set once when a DataLoader worker starts.
import { defaultGenerator, type Generator } from '../generator.js';

/** What a DataLoader worker knows about itself (Python's WorkerInfo, plus its own seeded generator). */
export interface WorkerInfo {
  readonly id: number;
  readonly numWorkers: number;
  /** base_seed + id, as PyTorch; a bigint because it spans 64 bits. */
  readonly seed: bigint;
  /** The dataset copy this worker reads. */
  readonly dataset: unknown;
  /** This worker thread's default generator, seeded with `seed` (torch.defaultGenerator in the worker). */
  readonly generator: Generator;
}

let current: WorkerInfo | null = null;

/** The WorkerInfo in a DataLoader worker thread; null on the main thread (and with numWorkers 0). */
export function getWorkerInfo(): WorkerInfo | null {
  return current;
}

export function setWorkerInfo(info: WorkerInfo): void {
  current = Object.freeze(info);
}

/**
 * The default generator of the calling thread (torch.defaultGenerator): in a worker thread its own one
 * (a DataLoader worker's is seeded base_seed + id, as PyTorch seeds a worker process), so random ops
 * called without a generator in a worker never touch the main thread's stream.
 */
export function threadGenerator(): Generator {
  return current?.generator ?? defaultGenerator;
}
