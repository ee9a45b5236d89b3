// torch.utils.data samplers: index streams drawn from the torch RNG exactly as sampler.py draws them,
// so the same seed gives the same indices as PyTorch.
import { asTensor } from '../functional/misc.js';
import { empty, randint, randperm } from '../creation.js';
import { float64, int64 } from '../dtype.js';
import { multinomial } from '../generated/functions.js';
import { Generator } from '../generator.js';
import type { Tensor } from '../tensor.js';
import { indexList, lengthOf } from './dataset.js';

/** torch.utils.data.Sampler: an iterable of indices (or of index batches), maybe with a length. */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
}

interface Sized {
  readonly length: number;
}

function positiveInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new RangeError(`${fn}: ${name} should be a positive integer value, but got ${name}=${String(value)}`);
  return value;
}
/** Python's check of a flag: a ValueError (RangeError) in most samplers, a TypeError in RandomSampler. */
export function boolean(fn: string, name: string, value: unknown, ErrorClass: new (message: string) => Error = RangeError): boolean {
  if (typeof value !== 'boolean') throw new ErrorClass(`${fn}: ${name} should be a boolean value, but got ${name}=${String(value)}`);
  return value;
}
function generatorOption(fn: string, g: unknown): Generator | null {
  if (g === undefined || g === null) return null;
  if (!(g instanceof Generator)) throw new TypeError(`${fn}: generator must be a torch.Generator`);
  return g;
}

/** torch.utils.data.SequentialSampler: 0, 1, ..., length - 1. */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: Sized) {
    super();
  }
  /** Python's `iter(range(len(data_source)))`: the length is read here, when the iterator is made, not at its first next(). */
  [Symbol.iterator](): Iterator<number> {
    return range(lengthOf('SequentialSampler', this.dataSource));
  }
  get length(): number {
    return lengthOf('SequentialSampler.length', this.dataSource);
  }
}

function* range(n: number): Iterator<number> {
  for (let i = 0; i < n; i++) yield i;
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  numSamples?: number | null;
  generator?: Generator | null;
}

/**
 * torch.utils.data.RandomSampler. Without a generator each iteration seeds a fresh Generator from
 * one int64 draw of the default torch RNG, when its first index is taken (as Python's generator does).
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | null;
  readonly #numSamples: number | null;
  /**
   * `new RandomSampler(ds, { replacement, numSamples, generator })` or Python's positional order; an argument after
   * the second makes it positional (`new RandomSampler(ds, undefined, 3, g)`: the default replacement, 3 samples, g).
   */
  constructor(
    readonly dataSource: Sized,
    replacementOrOptions?: boolean | RandomSamplerOptions,
    numSamples?: number | null,
    generator?: Generator | null,
  ) {
    super();
    const positional = numSamples !== undefined || generator !== undefined || typeof replacementOrOptions !== 'object' || replacementOrOptions === null;
    const options = positional ? { replacement: replacementOrOptions as boolean | undefined, numSamples, generator } : replacementOrOptions;
    this.replacement = boolean('RandomSampler', 'replacement', options.replacement ?? false, TypeError);
    this.#numSamples = options.numSamples ?? null;
    this.generator = generatorOption('RandomSampler', options.generator);
    positiveInteger('RandomSampler', 'numSamples', this.numSamples);
  }
  get numSamples(): number {
    return this.#numSamples ?? lengthOf('RandomSampler', this.dataSource);
  }
  get length(): number {
    return this.numSamples;
  }
  /** A generator, as Python's `__iter__`: the length is read, and the seed drawn, at the first next(). */
  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf('RandomSampler', this.dataSource);
    const generator = this.generator ?? new Generator().manualSeed(drawSeed(null));
    const draw = this.replacement ? (count: number) => randint(n, [count], { dtype: int64, generator }) : () => randperm(n, { generator });
    const chunk = this.replacement ? 32 : n;
    // Python's `self.num_samples // n`, after the seed is drawn
    if (chunk === 0) throw new RangeError(`RandomSampler: the dataset is empty, so ${this.numSamples} samples cannot be drawn without replacement (integer division or modulo by zero)`);
    for (let k = 0; k < Math.floor(this.numSamples / chunk); k++) yield* indices(draw(chunk));
    yield* indices(draw(this.numSamples % chunk)).slice(0, this.numSamples % chunk);
  }
}

/** `torch.empty((), dtype=torch.int64).random_(generator=g).item()`: a seed in [0, 2^63), as a bigint. */
export function drawSeed(generator: Generator | null): bigint {
  const t = empty([], { dtype: int64 });
  t.random_(generator ? { generator } : {});
  const seed = (t.toTypedArray() as BigInt64Array)[0];
  t.dispose();
  return seed;
}

function indices(t: Tensor): number[] {
  const list = t.tolist() as number[];
  t.dispose();
  return list;
}

/** torch.utils.data.SubsetRandomSampler: the given indices in a random order (randperm of their count). */
export class SubsetRandomSampler extends Sampler<number> {
  readonly generator: Generator | null;
  readonly indices: readonly number[];
  /** `indices`: an array, a typed array or a 1-D integer tensor (copied into an array of numbers). */
  constructor(indices: readonly number[] | ArrayLike<number | bigint> | Tensor, options: Generator | { generator?: Generator | null } | null = {}) {
    super();
    this.indices = indexList('SubsetRandomSampler', indices);
    this.generator = generatorOption('SubsetRandomSampler', options instanceof Generator ? options : options?.generator);
  }
  *[Symbol.iterator](): Iterator<number> {
    const order = indices(randperm(this.indices.length, this.generator ? { generator: this.generator } : {}));
    for (const i of order) yield this.indices[i];
  }
  get length(): number {
    return this.indices.length;
  }
}

export interface WeightedRandomSamplerOptions {
  replacement?: boolean;
  generator?: Generator | null;
}

/** torch.utils.data.WeightedRandomSampler: `torch.multinomial(weights (float64), numSamples, replacement)`. */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | null;
  /** `new WeightedRandomSampler(w, n, { replacement, generator })` or Python's positional order (a generator after the third makes it positional). */
  constructor(weights: readonly number[] | Tensor, numSamples: number, options?: WeightedRandomSamplerOptions | boolean, generator?: Generator | null) {
    super();
    const positional = generator !== undefined || typeof options !== 'object' || options === null;
    const opts = positional ? { replacement: options as boolean | undefined, generator } : options;
    this.numSamples = positiveInteger('WeightedRandomSampler', 'numSamples', numSamples);
    this.replacement = boolean('WeightedRandomSampler', 'replacement', opts.replacement ?? true);
    this.generator = generatorOption('WeightedRandomSampler', opts.generator);
    const w = asTensor(weights as number[], { dtype: float64 });
    if (w.dim() !== 1) throw new RangeError(`WeightedRandomSampler: weights should be a 1d sequence but given weights have shape [${w.shape.join(', ')}]`);
    this.weights = w;
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* indices(multinomial(this.weights, this.numSamples, this.replacement, this.generator ? { generator: this.generator } : {}));
  }
  get length(): number {
    return this.numSamples;
  }
}

/** torch.utils.data.BatchSampler: groups another sampler's indices into arrays of `batchSize`. */
export class BatchSampler extends Sampler<number[]> {
  readonly batchSize: number;
  readonly dropLast: boolean;
  constructor(
    readonly sampler: Iterable<number> & Partial<Sized>,
    batchSize: number,
    dropLast: boolean,
  ) {
    super();
    this.batchSize = positiveInteger('BatchSampler', 'batchSize', batchSize);
    this.dropLast = boolean('BatchSampler', 'dropLast', dropLast);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const index of this.sampler) {
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
  get length(): number {
    const n = lengthOf('BatchSampler.length', this.sampler);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
