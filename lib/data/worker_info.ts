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
  /** A torch.Generator seeded with `seed`: use it for random transforms in the worker (see the README). */
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
 * The generator random data code (transforms, augmentations) should draw from: in a DataLoader worker
 * its own generator (seeded base_seed + id, as PyTorch seeds a worker process), elsewhere
 * torch.defaultGenerator. libtorch's default generator is one per process, shared by all threads, so a
 * worker thread must not draw from (or reseed) it: that would disturb the main thread's stream.
 */
export function threadGenerator(): Generator {
  return current?.generator ?? defaultGenerator;
}
