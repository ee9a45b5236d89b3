// @ts-nocheck: plain JS, loaded by worker threads as well as by the tests
// Datasets for test/data-*.test.ts that DataLoader workers rebuild from this module (workerSource()).
import * as torch from '../../dist/index.js';

const { data } = torch;
const here = import.meta.url;

/** Sample i: [i, the worker's seed (or 'main'), one float64 draw of the worker's RNG] (scripts/make-data-fixtures.py SeedProbe). */
export class SeedProbe extends data.Dataset {
  get length() {
    return 12;
  }
  getItem(i) {
    const info = data.getWorkerInfo();
    const draw = torch.rand([], { dtype: torch.float64, generator: data.threadGenerator() }).item();
    return [i, info ? String(info.seed) : 'main', draw];
  }
  workerSource() {
    return { module: here, export: 'SeedProbe' };
  }
}

/** Faults on chosen samples: 'throw', 'exit' (the worker thread dies), 'hang' (blocks forever), 'async-throw'. */
export class Faulty extends data.Dataset {
  constructor(n, fault, at) {
    super();
    Object.assign(this, { n, fault, at });
  }
  get length() {
    return this.n;
  }
  getItem(i) {
    if (i === this.at) {
      if (this.fault === 'throw') throw new RangeError(`bad sample ${i}`);
      if (this.fault === 'exit') process.exit(7);
      if (this.fault === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      if (this.fault === 'async-throw') return Promise.reject(new TypeError(`async bad sample ${i}`));
    }
    return this.fault === 'mixed' && i === 3 ? 'three' : torch.full([2], i);
  }
  workerSource() {
    return { module: here, export: 'Faulty', args: [this.n, this.fault, this.at] };
  }
}

/** Async getItem: a promise of {x, y}. */
export class AsyncSquares extends data.Dataset {
  get length() {
    return 7;
  }
  async getItem(i) {
    await new Promise((r) => setImmediate(r));
    return { x: torch.tensor([i, i * i], { dtype: torch.float32 }), y: i };
  }
  workerSource() {
    return { module: here, export: 'AsyncSquares' };
  }
}

/** An iterable dataset of [start, end) that each worker shards by its id (PyTorch's documented pattern). */
export class Range extends data.IterableDataset {
  constructor(start, end) {
    super();
    Object.assign(this, { start, end });
  }
  get length() {
    return this.end - this.start;
  }
  *[Symbol.iterator]() {
    const info = data.getWorkerInfo();
    const step = info ? info.numWorkers : 1;
    for (let i = this.start + (info ? info.id : 0); i < this.end; i += step) yield i;
  }
  workerSource() {
    return { module: here, export: 'Range', args: [this.start, this.end] };
  }
}

/** An async stream. */
export class AsyncRange extends data.AsyncIterableDataset {
  constructor(n) {
    super();
    this.n = n;
  }
  async *[Symbol.asyncIterator]() {
    for (let i = 0; i < this.n; i++) {
      await new Promise((r) => setImmediate(r));
      yield torch.tensor([i]);
    }
  }
}

/** A factory export (workerDataset: { module, export: 'makeTensorDataset', args }). */
export function makeTensorDataset(n) {
  return new data.TensorDataset(torch.arange(n * 2).view(n, 2), torch.arange(n));
}

/** A workerInitFn: records that it ran, with the worker id. */
export function markInit(id) {
  globalThis.initRan = id;
}
/** A Dataset that reports what workerInitFn left. */
export class InitProbe extends data.Dataset {
  get length() {
    return 4;
  }
  getItem(i) {
    return [i, globalThis.initRan ?? -1, data.getWorkerInfo()?.id ?? -1];
  }
  workerSource() {
    return { module: here, export: 'InitProbe' };
  }
}

/** A collateFn that runs in the worker: sums each batch's samples. */
export function sumCollate(batch) {
  return torch.stack(batch.map((s) => s[0])).sum(0);
}

/** Sample i: an int64 0-d tensor for even i (odd i when !intFirst), else a float32 one of i + 0.5. */
export class MixedDtypes extends data.Dataset {
  constructor(intFirst) {
    super();
    this.intFirst = intFirst;
  }
  get length() {
    return 4;
  }
  getItem(i) {
    return (i % 2 === 0) === this.intFirst ? torch.tensor(i) : torch.tensor(i + 0.5);
  }
  workerSource() {
    return { module: here, export: 'MixedDtypes', args: [this.intFirst] };
  }
}

/** 0..n-1 from an iterator that throws when asked again after its end, as a closed file or socket may (scripts/make-data-fixtures.py Reader). */
export class Reader extends data.IterableDataset {
  constructor(n) {
    super();
    this.n = n;
  }
  [Symbol.iterator]() {
    let i = 0;
    let closed = false;
    return {
      next: () => {
        if (closed) throw new Error('read after end of stream');
        if (i < this.n) return { value: i++, done: false };
        closed = true;
        return { value: undefined, done: true };
      },
    };
  }
  workerSource() {
    return { module: here, export: 'Reader', args: [this.n] };
  }
}

/** Sample i: samples[i] (a plain object) as a Map, Python's Mapping. */
export class MapSamples extends data.Dataset {
  constructor(samples) {
    super();
    Object.assign(this, { samples });
  }
  get length() {
    return this.samples.length;
  }
  getItem(i) {
    return new Map(Object.entries(this.samples[i]));
  }
  workerSource() {
    return { module: here, export: 'MapSamples', args: [this.samples] };
  }
}
