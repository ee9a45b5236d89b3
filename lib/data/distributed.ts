// torch.utils.data.DistributedSampler: each of numReplicas processes takes every numReplicas-th index
// of one permutation (the same on all, from seed + epoch), padded or cut to an equal share; the same
// indices as PyTorch's for the same arguments. torchnode has no process group yet, so numReplicas and
// rank are passed explicitly (torchrun sets WORLD_SIZE and RANK for them).
import { randperm } from '../creation.js';
import { Generator } from '../generator.js';
import { readOptions } from '../options.js';
import { lengthOf } from './dataset.js';
import { boolean, Sampler } from './sampler.js';

interface Sized {
  readonly length: number;
}

export interface DistributedSamplerOptions {
  numReplicas?: number | null;
  rank?: number | null;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

function wholeNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`DistributedSampler: ${name} must be an integer, got ${String(v)}`);
  return v;
}

export class DistributedSampler extends Sampler<number> {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Set with setEpoch before each epoch, so that each epoch's permutation differs (the same on every replica). */
  epoch = 0;
  /** The indices each replica gets per epoch. */
  readonly numSamples: number;
  readonly totalSize: number;

  /** `new DistributedSampler(dataset, { numReplicas, rank, shuffle, seed, dropLast })` or Python's positional order. */
  constructor(readonly dataset: Sized, numReplicasOrOptions: number | DistributedSamplerOptions | null = {}, rank?: number | null, shuffle = true, seed = 0, dropLast = false) {
    super();
    const o: DistributedSamplerOptions = typeof numReplicasOrOptions === 'object' && numReplicasOrOptions !== null
      ? (readOptions('DistributedSampler', numReplicasOrOptions, ['numReplicas', 'rank', 'shuffle', 'seed', 'dropLast']) as DistributedSamplerOptions)
      : { numReplicas: numReplicasOrOptions, rank, shuffle, seed, dropLast };
    if (o.numReplicas === undefined || o.numReplicas === null || o.rank === undefined || o.rank === null)
      throw new Error('DistributedSampler: pass numReplicas and rank (torchnode has no torch.distributed process group to read them from yet)');
    this.numReplicas = wholeNumber('numReplicas', o.numReplicas);
    this.rank = wholeNumber('rank', o.rank);
    if (this.rank >= this.numReplicas || this.rank < 0)
      throw new RangeError(`Invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    this.shuffle = boolean('DistributedSampler', 'shuffle', o.shuffle ?? true);
    this.seed = wholeNumber('seed', o.seed ?? 0);
    this.dropLast = boolean('DistributedSampler', 'dropLast', o.dropLast ?? false);
    const n = lengthOf('DistributedSampler', dataset); // as Python, which takes len(dataset) here: a dataset without one is refused
    // + 0: Python's math.ceil(-0.5) is 0, JS's -0 (fewer items than replicas, dropping the tail).
    this.numSamples = (this.dropLast && n % this.numReplicas !== 0 ? Math.ceil((n - this.numReplicas) / this.numReplicas) : Math.ceil(n / this.numReplicas)) + 0;
    this.totalSize = this.numSamples * this.numReplicas;
  }

  get length(): number {
    return this.numSamples;
  }

  /** Python's set_epoch: the permutation of the next iteration is drawn from seed + epoch. */
  setEpoch(epoch: number): void {
    this.epoch = wholeNumber('epoch', epoch);
  }

  /**
   * This rank's indices, computed here, when the iterator is made (Python's `__iter__` is an ordinary function, not a
   * generator): a setEpoch after `[Symbol.iterator]()` changes the next iterator's order, not this one's.
   */
  [Symbol.iterator](): Iterator<number> {
    const n = lengthOf('DistributedSampler', this.dataset);
    let indices: number[];
    if (this.shuffle) {
      const perm = randperm(n, { generator: new Generator().manualSeed(this.seed + this.epoch) });
      indices = perm.tolist() as number[];
      perm.dispose();
    } else {
      indices = Array.from({ length: n }, (_, i) => i);
    }
    if (!this.dropLast) {
      const padding = this.totalSize - indices.length;
      // Python's math.ceil(padding_size / len(indices)) on a dataset that has emptied since the constructor
      if (padding > 0 && n === 0) throw new RangeError(`DistributedSampler: the dataset is now empty, so it cannot be padded to totalSize ${this.totalSize} (division by zero)`);
      const source = indices.slice();
      for (let i = 0; i < padding; i++) indices.push(source[i % source.length]!);  // repeats the list as often as needed
    } else {
      indices = indices.slice(0, this.totalSize);
    }
    // Python's assertion: a dataset that has shrunk since the constructor (dropping the tail) is too short
    if (indices.length !== this.totalSize) throw new Error(`DistributedSampler: Number of indices (${indices.length}) does not match totalSize (${this.totalSize})`);
    const mine: number[] = [];
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) mine.push(indices[i]!);
    return mine[Symbol.iterator]();
  }
}
