// torch.utils.data.DataLoader: batches from a dataset, in the main thread or in worker threads, drawing
// its seeds from the torch RNG in the order dataloader.py does (base seed at iter(), then the sampler's).
import { startWorkerThread } from '../worker_threads.js';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

import { Generator as TorchGenerator } from '../generator.js';
import { cuda } from '../runtime.js';
import { isTensor, type Tensor } from '../tensor.js';
import { warn } from '../warnings.js';
import { isOptionsObject } from '../options.js';
import { collateBatch, defaultCollate, defaultConvert } from './collate.js';
import { decode } from './codec.js';
import { awaitInOrder, isMapDataset, isStreamDataset, lengthOf, TensorDataset, type MapDataset, type StreamDataset } from './dataset.js';
import { BatchSampler, boolean, drawSeed, RandomSampler, SequentialSampler } from './sampler.js';
import type { FetchRequest, WorkerInit } from './worker.js';
import { hasWorkerSource, isWorkerSource, packSource, type WorkerSource } from './worker_source.js';

// A method's type, so that its parameter is checked bivariantly: a collate declared for a narrower batch type (`(batch: never) => ...`) still fits.
type CollateFn<Item, Batch> = { collate(items: Item[]): Batch }['collate'];

/** Item: what the dataset yields; Batch: what collateFn makes of a batch of them (any where nothing says). */
export interface DataLoaderOptions<Item = any, Batch = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Samples per batch (default 1); null turns automatic batching off (each sample goes through defaultConvert). */
  batchSize?: number | null;
  shuffle?: boolean | null;
  sampler?: (Iterable<number> & { length?: number }) | null;
  batchSampler?: (Iterable<number[]> & { length?: number }) | null;
  /** Worker threads loading in parallel (0: load in the calling thread). */
  numWorkers?: number;
  /** A function (runs on the main thread) or a WorkerSource (runs in each worker). Default: defaultCollate. With batchSize null it gets one item at a time. */
  collateFn?: CollateFn<Item, Batch> | WorkerSource | null;
  /** Pins batch tensors when an accelerator is present; otherwise a no-op that warns, as PyTorch. */
  pinMemory?: boolean;
  dropLast?: boolean;
  /** Seconds to wait for a batch from the workers (0: no limit). */
  timeout?: number;
  /** Called with the worker id in each worker, after seeding; a WorkerSource (functions cannot cross threads). */
  workerInitFn?: WorkerSource | null;
  /** Draws the base seed and the RandomSampler's seed (default: the global torch RNG). */
  generator?: TorchGenerator | null;
  /** Batches loaded in advance per worker (default 2 when numWorkers > 0). */
  prefetchFactor?: number | null;
  /** Keep the workers between iterations (the base seed is then drawn once, as in PyTorch). */
  persistentWorkers?: boolean;
  /** How workers rebuild the dataset, when it has no workerSource() method. */
  workerDataset?: WorkerSource | null;
}

type IndexSampler = Iterable<number[] | number> & { length?: number };
const workerEntry = new URL('./worker_boot.js', import.meta.url);
const BOOT_LIMIT_MS = 60_000; // a worker thread that never ran a line (only its 'error' event, unseen while blocked, would say why)

/** A loader worker thread, with the parent's flags as startWorkerThread passes them. */
function startWorker(workerData: WorkerInit, transferList: (ArrayBuffer | MessagePort)[]): Worker {
  return startWorkerThread(workerEntry, { workerData, transferList: transferList as never[] });
}
const liveWorkers = new Set<Worker>();

/** A pass's own pool (not a persistent one, which its loader owns), for the registry below. */
interface RunOwner {
  pool: WorkerPool | null;
}
/** What iter() drew and took, for the pass that begins at the first next(). */
interface RunPrep {
  pool: WorkerPool | null; // a persistent pool; null: the pass starts its own
  baseSeed: bigint | null;
  indices: Iterator<number[] | number> | null;
}
// An iterator left unfinished and then collected ends its workers, as the __del__ of PyTorch's iterator does
// (the threads are unref'd, so nothing else would end them before the process exits).
const abandonedRuns = new FinalizationRegistry<RunOwner>((owner) => void owner.pool?.shutdown());
// A loader with persistent workers, collected without close(), ends them.
const persistentPools = new FinalizationRegistry<WorkerPool>((pool) => void pool.shutdown());
let pinWarned = false;

function checkOptionKeys(options: object): void {
  const known = ['batchSize', 'shuffle', 'sampler', 'batchSampler', 'numWorkers', 'collateFn', 'pinMemory', 'dropLast', 'timeout', 'workerInitFn', 'generator', 'prefetchFactor', 'persistentWorkers', 'workerDataset', 'pinMemoryDevice', 'multiprocessingContext', 'inOrder'];
  for (const k of Object.keys(options)) if (!known.includes(k)) throw new TypeError(`DataLoader: unknown option '${k}'`);
}

export class DataLoader<Batch = any, Item = any> implements Iterable<Batch>, AsyncIterable<Batch> {
  readonly dataset: MapDataset | StreamDataset;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: (Iterable<number> & { length?: number }) | null;
  readonly batchSampler: (Iterable<number[]> & { length?: number }) | null;
  readonly numWorkers: number;
  readonly prefetchFactor: number | null;
  readonly pinMemory: boolean;
  readonly timeout: number;
  readonly generator: TorchGenerator | null;
  readonly persistentWorkers: boolean;
  readonly collateFn: ((batch: never) => unknown) | WorkerSource;
  readonly workerInitFn: WorkerSource | null;
  readonly #kind: 'map' | 'stream';
  readonly #workerDataset: WorkerSource | null;
  #pool: WorkerPool | null = null;
  #persistentPass: Pass | null = null; // with persistentWorkers: the one pass (Python's loader._iterator)
  #lengthCalled: number | null = null; // an iterable dataset's length, once len(loader) read it (Python's _IterableDataset_len_called)

  /** Worker threads of all DataLoaders that have not exited yet (a diagnostic: 0 once every loop has ended). */
  static get liveWorkerCount(): number {
    return liveWorkers.size;
  }

  /**
   * `new DataLoader(dataset, { batchSize, shuffle, ... })`, or `new DataLoader(dataset, 64, { shuffle })` as Python's
   * `DataLoader(ds, 64, shuffle=True)`; with a third argument the second is the batch size (undefined: the default 1).
   * `new DataLoader({ dataset, batchSize, ... })` is Python's `DataLoader(dataset=ds, batch_size=64)`.
   */
  constructor(options: DataLoaderOptions<Item, Batch> & { dataset: MapDataset<Item> | StreamDataset<Item> });
  constructor(dataset: MapDataset<Item> | StreamDataset<Item>, batchSizeOrOptions?: number | null | DataLoaderOptions<Item, Batch>, moreOptions?: DataLoaderOptions<Item, Batch>);
  constructor(datasetOrOptions: MapDataset | StreamDataset | (DataLoaderOptions & { dataset: MapDataset | StreamDataset }), batchSizeOrOptions?: number | null | DataLoaderOptions, moreOptions?: DataLoaderOptions) {
    let dataset = datasetOrOptions as MapDataset | StreamDataset;
    if (isOptionsObject(datasetOrOptions) && 'dataset' in datasetOrOptions && !isMapDataset(datasetOrOptions) && !isStreamDataset(datasetOrOptions)) {
      if (batchSizeOrOptions !== undefined || moreOptions !== undefined) throw new TypeError("DataLoader: got multiple values for argument 'dataset'");
      const { dataset: given, ...rest } = datasetOrOptions as DataLoaderOptions & { dataset: MapDataset | StreamDataset };
      dataset = given;
      batchSizeOrOptions = rest;
    }
    let options: DataLoaderOptions;
    if (moreOptions === undefined && typeof batchSizeOrOptions === 'object' && batchSizeOrOptions !== null) options = batchSizeOrOptions;
    else {
      if (typeof batchSizeOrOptions === 'object' && batchSizeOrOptions !== null) throw new TypeError('DataLoader: with options as the third argument, the second is the batch size (a number, null or undefined)');
      if (moreOptions !== undefined && (typeof moreOptions !== 'object' || moreOptions === null)) throw new TypeError('DataLoader: options must be an object');
      if (batchSizeOrOptions !== undefined && moreOptions !== undefined && 'batchSize' in moreOptions) throw new TypeError("DataLoader: got multiple values for argument 'batchSize'");
      options = { ...moreOptions, ...(batchSizeOrOptions === undefined ? {} : { batchSize: batchSizeOrOptions }) };
    }
    checkOptionKeys(options);
    if (isMapDataset(dataset)) this.#kind = 'map';
    else if (isStreamDataset(dataset)) this.#kind = 'stream';
    else throw new TypeError('DataLoader: dataset must be map-style (getItem and length) or iterable (Symbol.iterator or Symbol.asyncIterator)');
    this.dataset = dataset;
    const numWorkers = options.numWorkers ?? 0;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) throw new RangeError(`DataLoader: numWorkers option should be a non-negative integer; use numWorkers 0 to load in this thread (got ${numWorkers})`);
    const timeout = options.timeout ?? 0;
    if (typeof timeout !== 'number' || !(timeout >= 0)) throw new RangeError('DataLoader: timeout option should be non-negative');
    if (timeout > 0 && numWorkers === 0) throw new RangeError('DataLoader: timeout needs numWorkers > 0 (PyTorch asserts timeout == 0 for loading in the main process)');
    let prefetchFactor = options.prefetchFactor ?? null;
    if (numWorkers === 0 && prefetchFactor !== null) throw new RangeError('DataLoader: prefetchFactor option could only be specified with numWorkers > 0');
    if (numWorkers > 0 && prefetchFactor === null) prefetchFactor = 2;
    if (prefetchFactor !== null && (!Number.isInteger(prefetchFactor) || prefetchFactor < 1)) throw new RangeError('DataLoader: prefetchFactor option should be a positive integer');
    const persistentWorkers = options.persistentWorkers ?? false;
    if (persistentWorkers && numWorkers === 0) throw new RangeError('DataLoader: persistentWorkers option needs numWorkers > 0');
    const generator = options.generator ?? null;
    if (generator !== null && !(generator instanceof TorchGenerator)) throw new TypeError('DataLoader: generator must be a torch.Generator');

    let shuffle = options.shuffle ?? null;
    let sampler = options.sampler ?? null;
    let batchSampler = options.batchSampler ?? null;
    let batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    let dropLast = options.dropLast ?? false;
    if (this.#kind === 'stream') {
      if (shuffle !== null && shuffle !== false) throw new RangeError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${shuffle}`);
      if (sampler !== null) throw new RangeError('DataLoader with IterableDataset: expected unspecified sampler option');
      if (batchSampler !== null) throw new RangeError('DataLoader with IterableDataset: expected unspecified batchSampler option');
    } else shuffle = Boolean(shuffle);
    if (sampler !== null && shuffle) throw new RangeError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (batchSampler !== null) {
      if (batchSize !== 1 || shuffle || sampler !== null || dropLast) throw new RangeError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new RangeError('DataLoader: batchSize null disables auto-batching and is mutually exclusive with dropLast');
    }
    if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize <= 0)) throw new RangeError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    // Python builds BatchSampler(sampler, batch_size, drop_last) for both kinds of dataset, which checks drop_last
    if (batchSize !== null && batchSampler === null) boolean('DataLoader', 'dropLast', dropLast);
    if (this.#kind === 'map' && sampler === null) {
      const map = dataset as MapDataset;
      sampler = shuffle ? new RandomSampler(map, { generator }) : new SequentialSampler(map);
    }
    if (this.#kind === 'map' && batchSize !== null && batchSampler === null) batchSampler = new BatchSampler(sampler!, batchSize, dropLast);

    const collateFn = options.collateFn ?? (batchSize !== null || batchSampler !== null ? defaultCollate : defaultConvert);
    if (typeof collateFn !== 'function' && !isWorkerSource(collateFn)) throw new TypeError('DataLoader: collateFn must be a function or a WorkerSource');
    if (isWorkerSource(collateFn) && numWorkers === 0) throw new TypeError('DataLoader: a WorkerSource collateFn needs numWorkers > 0; pass the function itself');
    const workerInitFn = options.workerInitFn ?? null;
    if (typeof workerInitFn === 'function') {
      throw new TypeError('DataLoader: workerInitFn must be a WorkerSource { module, export } (a function cannot be sent to a worker thread: export it from a module)');
    }
    if (workerInitFn !== null && !isWorkerSource(workerInitFn)) throw new TypeError('DataLoader: workerInitFn must be a WorkerSource { module, export }');
    if (numWorkers > 0 && options.workerDataset == null && !hasWorkerSource(dataset)) {
      throw new TypeError(
        'DataLoader: numWorkers > 0 needs a dataset that a worker thread can rebuild (JS cannot pickle it): give its class a ' +
          "workerSource() method returning { module: import.meta.url, export: 'MyDataset', args }, or pass the option workerDataset: { module, export, args }",
      );
    }
    if (options.workerDataset != null && !isWorkerSource(options.workerDataset)) throw new TypeError('DataLoader: workerDataset must be a WorkerSource { module, export?, args? }');
    this.#workerDataset = options.workerDataset ?? null;

    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.numWorkers = numWorkers;
    this.prefetchFactor = prefetchFactor;
    this.pinMemory = options.pinMemory ?? false;
    this.timeout = timeout;
    this.generator = generator;
    this.persistentWorkers = persistentWorkers;
    this.collateFn = collateFn;
    this.workerInitFn = workerInitFn;
  }

  get #autoCollation(): boolean {
    return this.batchSampler !== null || (this.#kind === 'stream' && this.batchSize !== null);
  }
  get #indexSampler(): IndexSampler {
    return (this.batchSampler ?? this.sampler) as IndexSampler;
  }

  /** Batches per pass (Python's len(loader)); an iterable dataset needs a `length` of its own. */
  get length(): number {
    if (this.#kind === 'stream') {
      // as Python's __len__, the dataset's length is kept: a pass that yields more batches than it warns
      const n = (this.#lengthCalled = lengthOf('DataLoader.length', this.dataset));
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    return lengthOf('DataLoader.length', this.#indexSampler);
  }

  /** Ends persistent workers now (they also end with the process); a pass still going over them ends too. */
  close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    this.#persistentPass?.supersede('the loader was closed');
    if (pool) persistentPools.unregister(pool);
    return pool ? pool.shutdown() : Promise.resolve();
  }

  /** `await using loader = new DataLoader(...)` ends persistent workers at the block's end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * As Python's iter(loader): the index sampler's iterator is made first (a SequentialSampler or DistributedSampler
   * reads the dataset's length and computes its order here; one that throws leaves the RNG untouched), then the
   * base seed is drawn.
   *
   * As Python's iterator, a batch that throws (its dataset or collate function raised) throws from that next() only:
   * the pass goes on with the next batch. With persistentWorkers, the loader has one pass at a time, as Python's loader
   * has one iterator (iter(loader) resets it, and `iter(loader) is iter(loader)`): a new iterator restarts the pass,
   * and an older iterator of the loader then goes on with the new pass (its batches are shared, not repeated).
   */
  [Symbol.iterator](): Generator<Batch, void, undefined> {
    return new LoaderIterator<Batch>(this.#newPass()) as unknown as Generator<Batch, void, undefined>;
  }

  [Symbol.asyncIterator](): AsyncGenerator<Batch, void, undefined> {
    return new AsyncLoaderIterator<Batch>(this.#newPass()) as unknown as AsyncGenerator<Batch, void, undefined>;
  }

  /** What an iterator steps through: a pass of its own, or (persistent workers) whichever pass the loader has now. */
  #newPass(): Pass | (() => Pass) {
    if (this.numWorkers === 0) {
      const indices = this.#indexIterator();
      drawSeed(this.generator); // Python's base seed, drawn even without workers
      return this.#singlePass(indices);
    }
    const prep = this.#prepareRun();
    const owner: RunOwner = { pool: null };
    const pass = this.#workerPass(prep, owner);
    if (!this.persistentWorkers) {
      abandonedRuns.register(pass, owner, owner);
      return pass;
    }
    this.#persistentPass?.supersede(null);
    this.#persistentPass = pass;
    return () => this.#persistentPass ?? pass;
  }

  /** The length warning of Python's __next__: an iterable dataset gave more batches than len(loader) reported. */
  #lengthWarning(pass: Pass): void {
    if (pass.lengthCalled === null || pass.yielded <= pass.lengthCalled) return;
    let message =
      `Length of IterableDataset ${datasetRepr(this.dataset)} was reported to be ${pass.lengthCalled}` +
      `(when accessing len(dataloader)), but ${pass.yielded} samples have been fetched. `;
    if (this.numWorkers > 0) {
      message +=
        'For multiprocessing data-loading, this could be caused by not properly configuring the ' +
        'IterableDataset replica at each worker. Please see ' +
        'https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.';
    }
    warn(message, 'UserWarning');
  }

  // ---- loading in the calling thread ----

  #finish(data: unknown): Batch {
    return (this.pinMemory ? pin(data) : data) as Batch;
  }

  /** A pass in the calling thread (Python's _SingleProcessDataLoaderIter): each step loads one batch. */
  #singlePass(indices: Iterator<number[] | number> | null): Pass {
    const collate = this.collateFn as (b: unknown) => unknown;
    const want = this.batchSize ?? 1;
    const map = this.dataset as MapDataset;
    const stream = this.dataset as StreamDataset;
    let it: Iterator<unknown> | AsyncIterator<unknown> | null = null;
    let ended = false; // the stream reported done: not called again (Python's _IterableDatasetFetcher.ended)
    const streamBatch = (batch: unknown[]): IteratorResult<unknown> => {
      if (batch.length === 0 || (this.dropLast && batch.length < want)) {
        ended = true;
        return DONE;
      }
      return { done: false, value: this.#finish(collate(this.batchSize === null ? batch[0] : batch)) };
    };
    // A map-style step's indices, or its result when the sampler is done or the tensor fast path made the batch.
    const nextIndex = (): { index: number[] | number } | IteratorResult<unknown> => {
      const r = indices!.next();
      if (r.done) return DONE;
      const collated = this.#tensorBatch(r.value);
      return collated ? { done: false, value: this.#finish(collated) } : { index: r.value };
    };
    const mapBatch = (index: number[] | number, samples: unknown): IteratorResult<unknown> => ({
      done: false,
      value: this.#finish(collateBatch(collate as (b: never) => unknown, samples, this.#autoCollation ? (index as number[]) : null)),
    });
    const pass = new Pass(this.#kind === 'stream' ? this.#lengthCalled : null, (p) => this.#lengthWarning(p), () => Promise.resolve());
    pass.step = (): IteratorResult<unknown> => {
      if (this.#kind === 'stream') {
        if (!it) {
          if (!(Symbol.iterator in stream)) throw new TypeError('DataLoader: the dataset is asynchronous; iterate with for await');
          it = (stream as Iterable<unknown>)[Symbol.iterator]();
        }
        const batch: unknown[] = [];
        while (!ended && batch.length < want) {
          const r = (it as Iterator<unknown>).next();
          if ((ended = r.done === true)) break;
          batch.push(notPromise(r.value));
        }
        return streamBatch(batch);
      }
      const next = nextIndex();
      if (!('index' in next)) return next;
      const { index } = next;
      let samples: unknown;
      if (!this.#autoCollation) samples = notPromise(map.getItem(index as number));
      else samples = ((map.getItems ? notPromise(map.getItems(index as number[])) : (index as number[]).map((i) => map.getItem(i))) as unknown[]).map(notPromise);
      return mapBatch(index, samples);
    };
    pass.stepAsync = async (): Promise<IteratorResult<unknown>> => {
      if (this.#kind === 'stream') {
        it ??= Symbol.asyncIterator in stream ? (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]() : (stream as Iterable<unknown>)[Symbol.iterator]();
        const batch: unknown[] = [];
        while (!ended && batch.length < want) {
          const r = await it.next();
          if ((ended = r.done === true)) break;
          batch.push(r.value);
        }
        return streamBatch(batch);
      }
      const next = nextIndex();
      if (!('index' in next)) return next;
      const { index } = next;
      let samples: unknown;
      if (!this.#autoCollation) samples = await map.getItem(index as number);
      else if (map.getItems) samples = await awaitInOrder(await map.getItems(index as number[]));
      else {
        const list: unknown[] = [];
        for (const i of index as number[]) list.push(await map.getItem(i)); // one at a time: random transforms draw in order
        samples = list;
      }
      return mapBatch(index, samples);
    };
    return pass;
  }

  /**
   * A TensorDataset batch under the default collate, in one index_select per tensor (TensorDataset.collatedBatch);
   * else null. Not for a subclass that reads samples its own way (its getItem or getItems).
   */
  #tensorBatch(index: unknown): Tensor[] | null {
    if (!this.#autoCollation || this.collateFn !== defaultCollate || !(this.dataset instanceof TensorDataset)) return null;
    const d = this.dataset as TensorDataset & { getItems?: unknown };
    if (d.getItem !== TensorDataset.prototype.getItem || d.getItems !== undefined) return null;
    return d.collatedBatch(index as number[]);
  }
  // ---- loading in worker threads ----

  /**
   * What iter() does in PyTorch, short of starting threads: the base seed of a new pool is drawn (a persistent
   * pool draws it once), and the first prefetchFactor * numWorkers indices are taken from the sampler (so a
   * RandomSampler draws its seed here too). A persistent pool, owned by the loader, starts here; a pass's own
   * pool starts at the first next(), so that an iterator never started owns no thread.
   */
  #prepareRun(): RunPrep {
    // Python's _BaseDataLoaderIter makes the sampler's iterator before it draws the base seed: one that throws changes nothing
    const indices = this.#indexIterator();
    let pool = this.persistentWorkers && this.#pool && !this.#pool.broken ? this.#pool : null;
    let baseSeed: bigint | null = null;
    let started: WorkerPool | null = null;
    if (!pool) {
      baseSeed = drawSeed(this.generator);
      if (this.persistentWorkers) {
        pool = started = this.#startPool(baseSeed);
        this.#pool = pool;
        persistentPools.register(this, pool, pool); // a loader collected with its workers running ends them
      }
    }
    const taken: IteratorResult<number[] | number>[] = [];
    if (indices) {
      const inFlight = this.prefetchFactor! * this.numWorkers;
      try {
        while (taken.length < inFlight) {
          const r = indices.next();
          taken.push(r);
          if (r.done) break;
        }
      } catch (e) {
        // the sampler failed while prefetching (as Python's iter() would): a persistent pool started for this pass ends,
        // so that the next iter() starts afresh (Python's loader keeps no iterator then)
        if (started) {
          this.#pool = null;
          persistentPools.unregister(started);
          void started.shutdown();
        }
        throw e;
      }
    }
    const rest: Iterator<number[] | number> | null = indices && { next: () => taken.shift() ?? indices.next() };
    return { pool, baseSeed, indices: rest };
  }

  #startPool(baseSeed: bigint): WorkerPool {
    return new WorkerPool(this.numWorkers, (id, port, signal) => this.#workerInit(id, baseSeed, port, signal));
  }

  /** The pass begins (at the first next()): its own pool starts now, and the owner holds it for abandonedRuns. */
  #startRun(prep: RunPrep, owner: RunOwner): WorkerRun {
    let pool = prep.pool;
    if (!pool || pool.broken) {
      pool = this.#startPool(prep.baseSeed ?? drawSeed(this.generator));
      owner.pool = pool;
    }
    const mainThreadCollate = typeof this.collateFn === 'function' && this.collateFn !== defaultCollate && this.collateFn !== defaultConvert;
    const finish = (data: unknown): unknown => {
      const value = decode(data);
      return this.#finish(mainThreadCollate ? (this.collateFn as (b: unknown) => unknown)(value) : value);
    };
    return new WorkerRun(pool, prep.indices, this.#kind, this.#autoCollation ? this.batchSize ?? 1 : 1, {
      finish,
      timeout: this.timeout,
      inFlight: this.prefetchFactor! * this.numWorkers,
    });
  }

  #indexIterator(): Iterator<number[] | number> | null {
    return this.#kind === 'map' ? this.#indexSampler[Symbol.iterator]() : null;
  }

  #workerInit(id: number, baseSeed: bigint, port: MessagePort, signal: SharedArrayBuffer): { init: WorkerInit; transfer: (ArrayBuffer | MessagePort)[] } {
    const transfer: ArrayBuffer[] = [];
    const source = this.#workerDataset ?? (this.dataset as unknown as { workerSource(): WorkerSource }).workerSource();
    const collate = this.collateFn === defaultCollate ? 'default' : this.collateFn === defaultConvert ? 'convert' : typeof this.collateFn === 'function' ? 'main' : packSource(this.collateFn, transfer, 'collateFn');
    const init: WorkerInit = {
      id,
      numWorkers: this.numWorkers,
      baseSeed,
      dataset: packSource(source, transfer, 'dataset'),
      kind: this.#kind,
      autoCollation: this.#autoCollation,
      dropLast: this.dropLast,
      collate,
      initFn: this.workerInitFn ? packSource(this.workerInitFn, transfer, 'workerInitFn') : null,
      port,
      signal,
    };
    return { init, transfer: [...transfer, port] };
  }

  /** Ends a pass: a non-persistent (or failed) pool ends its workers. */
  #endRun(run: WorkerRun | null, owner: RunOwner, failed: boolean): Promise<void> {
    abandonedRuns.unregister(owner);
    owner.pool = null;
    if (!run) return Promise.resolve();
    if (this.persistentWorkers && !failed && this.#pool === run.pool) return Promise.resolve();
    if (this.#pool === run.pool) this.#pool = null;
    persistentPools.unregister(run.pool);
    return run.pool.shutdown();
  }

  /**
   * A pass over worker threads (Python's _MultiProcessingDataLoaderIter). A batch whose dataset or collate function
   * threw in a healthy worker throws from its next() and the pass goes on, workers kept; only a worker that died,
   * failed to start or timed out ends the pass and its pool (a persistent loader's next pass then starts fresh ones).
   */
  #workerPass(prep: RunPrep, owner: RunOwner): Pass {
    let run: WorkerRun | null = null;
    const pass = new Pass(this.#kind === 'stream' ? this.#lengthCalled : null, (p) => this.#lengthWarning(p), (failed) => this.#endRun(run, owner, failed));
    const started = (): WorkerRun => {
      if (run) return run;
      try {
        return (run = this.#startRun(prep, owner));
      } catch (e) {
        void pass.end(true);
        throw e;
      }
    };
    pass.step = () => {
      const r = started();
      try {
        return r.nextSync();
      } catch (e) {
        if (r.fatal && !pass.done) void pass.end(true);
        throw e;
      }
    };
    pass.stepAsync = async () => {
      const r = started();
      try {
        return await r.nextAsync();
      } catch (e) {
        if (r.fatal && !pass.done) await pass.end(true);
        throw e;
      }
    };
    pass.supersede = (reason) => {
      pass.done = true; // the pool is the loader's: it stays
      if (run) run.stale = `DataLoader: ${reason ?? 'a new iterator of this loader restarted its pass (with persistentWorkers the loader has one pass at a time, as Python\'s loader has one iterator)'} while this batch was awaited`;
    };
    return pass;
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** One pass over the data, between iter() and its end: a batch per step; a batch that throws leaves the pass going. */
class Pass {
  done = false;
  yielded = 0; // batches given (Python's _num_yielded)
  step: () => IteratorResult<unknown> = () => DONE;
  stepAsync: () => Promise<IteratorResult<unknown>> = async () => this.step();
  /** Ends the pass without ending the loader's persistent pool: a new pass took its place, or close(). */
  supersede: (reason: string | null) => void = () => void (this.done = true);
  readonly lengthCalled: number | null; // the dataset's length if len(loader) was read before iter() (an iterable dataset)
  readonly onYield: (pass: Pass) => void;
  readonly #end: (failed: boolean) => Promise<void>;
  #ending: Promise<void> | null = null;

  constructor(lengthCalled: number | null, onYield: (pass: Pass) => void, end: (failed: boolean) => Promise<void>) {
    this.lengthCalled = lengthCalled;
    this.onYield = onYield;
    this.#end = end;
  }

  /** Ends the pass (at its end, return(), or a failure of its workers); once. */
  end(failed: boolean): Promise<void> {
    this.done = true;
    return (this.#ending ??= this.#end(failed));
  }

  yieldedOne(): void {
    this.yielded++;
    if (this.lengthCalled !== null) this.onYield(this);
  }
}

/** The iterator of `for...of` over a loader: a pass of its own, or (persistent workers) the loader's current pass. */
class LoaderIterator<B> {
  readonly #pass: Pass | (() => Pass);

  constructor(pass: Pass | (() => Pass)) {
    this.#pass = pass;
  }

  get #current(): Pass {
    return typeof this.#pass === 'function' ? this.#pass() : this.#pass;
  }

  next(): IteratorResult<B, void> {
    const pass = this.#current;
    if (pass.done) return DONE;
    const r = pass.step();
    if (r.done) {
      void pass.end(false);
      return DONE;
    }
    pass.yieldedOne();
    return r as IteratorResult<B, void>;
  }

  /** Ends the pass (for...of calls it when a loop is left early): its own workers end, a persistent pool stays. */
  return(): IteratorResult<B, void> {
    const pass = this.#current;
    if (!pass.done) void pass.end(false);
    return DONE;
  }

  throw(e: unknown): IteratorResult<B, void> {
    this.return();
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.dispose](): void {
    this.return();
  }

  get [Symbol.toStringTag](): string {
    return 'DataLoaderIterator';
  }
}

/** The iterator of `for await` over a loader; calls run one after another, as an async generator's. */
class AsyncLoaderIterator<B> {
  readonly #pass: Pass | (() => Pass);
  #queue: Promise<unknown> = Promise.resolve();

  constructor(pass: Pass | (() => Pass)) {
    this.#pass = pass;
  }

  get #current(): Pass {
    return typeof this.#pass === 'function' ? this.#pass() : this.#pass;
  }

  #queued<T>(f: () => Promise<T>): Promise<T> {
    const r = this.#queue.then(f);
    this.#queue = r.catch(() => undefined);
    return r;
  }

  next(): Promise<IteratorResult<B, void>> {
    return this.#queued(async () => {
      const pass = this.#current;
      if (pass.done) return DONE;
      const r = await pass.stepAsync();
      if (r.done) {
        await pass.end(false);
        return DONE;
      }
      pass.yieldedOne();
      return r as IteratorResult<B, void>;
    });
  }

  /** Ends the pass and waits for its own workers to exit (a persistent pool stays). */
  return(): Promise<IteratorResult<B, void>> {
    return this.#queued(async () => {
      const pass = this.#current;
      if (!pass.done) await pass.end(false);
      return DONE;
    });
  }

  async throw(e: unknown): Promise<IteratorResult<B, void>> {
    await this.return();
    throw e;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  get [Symbol.toStringTag](): string {
    return 'DataLoaderAsyncIterator';
  }
}

/** Python's repr of a dataset in a warning: its own toString(), else `<Name object>`. */
function datasetRepr(d: object): string {
  const s = String(d);
  return s === '[object Object]' ? `<${d.constructor?.name ?? 'Object'} object>` : s;
}


function notPromise<T>(v: T): T {
  if (typeof (v as { then?: unknown } | null)?.then === 'function') throw new TypeError('DataLoader: the dataset returned a Promise; iterate with for await (or use numWorkers > 0)');
  return v;
}

function pin(data: unknown): unknown {
  if (!cuda.isAvailable()) {
    if (!pinWarned) warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory won't be used.");
    pinWarned = true;
    return data;
  }
  const walk = (v: unknown): unknown => {
    if (isTensor(v)) return (v as Tensor).pinMemory();
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, walk(x)]));
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(data);
}

interface WorkerMessage {
  type: 'ready' | 'data' | 'error' | 'end' | 'fatal' | 'exit';
  task?: number;
  epoch?: number;
  data?: unknown;
  index?: number | null;
  name?: string;
  message?: string;
  stack?: string;
  code?: number;
}

/** The worker threads of one loader: each posts to its own port and bumps a shared counter (so a blocked main thread wakes). */
class WorkerPool {
  readonly workers: Worker[] = [];
  readonly ports: MessagePort[] = [];
  readonly signal: Int32Array;
  readonly results = new Map<number, WorkerMessage>();
  readonly exited: (number | null)[];
  readonly fatal: (WorkerMessage | null)[];
  epoch = 0;
  broken = false;
  readonly startedAt = Date.now();
  #closed = false;

  constructor(n: number, makeInit: (id: number, port: MessagePort, signal: SharedArrayBuffer) => { init: WorkerInit; transfer: (ArrayBuffer | MessagePort)[] }) {
    const shared = new SharedArrayBuffer(4 * (1 + n));
    this.signal = new Int32Array(shared);
    this.exited = new Array(n).fill(null);
    this.fatal = new Array(n).fill(null);
    try {
      for (let id = 0; id < n; id++) {
        Atomics.store(this.signal, 1 + id, 1);
        const { port1, port2 } = new MessageChannel();
        const { init, transfer } = makeInit(id, port2, shared);
        const worker = startWorker(init, transfer);
        worker.unref(); // a loop left without return() must not keep the process alive
        port1.unref();
        liveWorkers.add(worker);
        worker.on('error', (e) => (this.fatal[id] ??= { type: 'fatal', name: e.name, message: e.message, stack: e.stack }));
        worker.on('exit', (code) => {
          liveWorkers.delete(worker);
          this.exited[id] ??= code;
          Atomics.add(this.signal, 0, 1);
          Atomics.notify(this.signal, 0);
        });
        this.workers.push(worker);
        this.ports.push(port1);
      }
    } catch (e) {
      void this.shutdown();
      throw e;
    }
  }

  send(id: number, req: FetchRequest): void {
    this.workers[id].postMessage(req);
  }

  /** Moves every waiting message into `results` (current epoch only) or the workers' state. */
  drain(): void {
    this.ports.forEach((port, id) => {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as WorkerMessage;
        if (msg.type === 'fatal') this.fatal[id] ??= msg;
        else if (msg.type === 'exit') this.exited[id] ??= msg.code ?? 0;
        else if (msg.type !== 'ready' && msg.epoch === this.epoch) this.results.set(msg.task!, msg);
      }
    });
  }

  /** An error if worker `id` failed or is gone (its exit was not asked for). */
  failure(id: number): Error | null {
    const f = this.fatal[id];
    if (f) return workerError(id, f);
    const state = Atomics.load(this.signal, 1 + id);
    if (state === 0 && this.exited[id] === null) this.drain(); // its exit message was posted before the flag
    const code = this.exited[id] ?? (state === 0 ? -1 : null);
    if (code !== null && !this.#closed) return new Error(`DataLoader worker ${id} exited unexpectedly${code >= 0 ? ` with code ${code}` : ''}`);
    if (state === 1 && Date.now() - this.startedAt > BOOT_LIMIT_MS) return new Error(`DataLoader worker ${id} did not start within ${BOOT_LIMIT_MS / 1000} s (iterate with for await to see the thread's own error)`);
    return null;
  }

  shutdown(): Promise<void> {
    this.#closed = true;
    this.broken = true;
    for (const p of this.ports) p.close();
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }
}

const STANDARD_ERRORS: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

/**
 * An error raised in worker `id`, as Python's ExceptionWrapper.reraise: the original's class where it is a standard
 * one (else Error), message `Caught <Name> in DataLoader worker process <id>.` and the worker's stack (JS has no
 * traceback); `cause` is the original error (its name, message and stack).
 */
function workerError(id: number, f: WorkerMessage): Error {
  const name = f.name ?? 'Error';
  const original = Object.assign(new Error(f.message), { name, stack: f.stack });
  const Class = Object.hasOwn(STANDARD_ERRORS, name) ? STANDARD_ERRORS[name] : Error;
  const trace = f.stack && f.stack.includes(f.message ?? '') ? f.stack : `${name}: ${f.message}${f.stack ? `\n${f.stack}` : ''}`;
  return new Class(`Caught ${name} in DataLoader worker process ${id}.\nOriginal Traceback (most recent call last):\n${trace}`, { cause: original });
}

interface RunSettings {
  finish: (data: unknown) => unknown; // decodes (and collates on the main thread) a batch from a worker
  timeout: number;
  inFlight: number; // prefetchFactor * numWorkers tasks out at once
}

const WAIT = Symbol('wait');
const SLICE_MS = 200; // a blocked wait looks at the workers' state this often

/** One pass over the data with a pool: PyTorch's _MultiProcessingDataLoaderIter (in-order results). */
class WorkerRun {
  readonly #settings: RunSettings;
  readonly pool: WorkerPool;
  readonly #indices: Iterator<number[] | number> | null;
  readonly #kind: 'map' | 'stream';
  readonly #count: number;
  readonly #taskWorker = new Map<number, number>();
  readonly #active: boolean[];
  #sendIdx = 0;
  #rcvdIdx = 0;
  #nextWorker = 0;
  #samplerDone = false;
  /** The error thrown was the pool's (a worker died, failed to start, timed out), not a batch's: the pass ends. */
  fatal = false;
  /** Set when a new pass of a persistent loader took the pool: a call still waiting throws this. */
  stale: string | null = null;

  constructor(pool: WorkerPool, indices: Iterator<number[] | number> | null, kind: 'map' | 'stream', count: number, settings: RunSettings) {
    this.#settings = settings;
    this.pool = pool;
    this.#indices = indices;
    this.#kind = kind;
    this.#count = count;
    this.#active = pool.workers.map(() => true);
    pool.epoch++;
    pool.results.clear();
    pool.workers.forEach((_, id) => pool.send(id, { type: 'reset', epoch: pool.epoch }));
    for (let k = 0; k < settings.inFlight; k++) this.#tryPut();
  }

  #tryPut(): void {
    if (this.#samplerDone) return;
    let worker = -1;
    for (let k = 0; k < this.#active.length; k++) {
      const w = this.#nextWorker;
      this.#nextWorker = (this.#nextWorker + 1) % this.#active.length;
      if (this.#active[w]) {
        worker = w;
        break;
      }
    }
    if (worker < 0) return;
    let indices: number[] | null = null;
    if (this.#kind === 'map') {
      const r = this.#indices!.next();
      if (r.done) {
        this.#samplerDone = true;
        return;
      }
      indices = typeof r.value === 'number' ? [r.value] : [...r.value];
    }
    this.pool.send(worker, { type: 'fetch', task: this.#sendIdx, epoch: this.pool.epoch, indices, count: this.#count });
    this.#taskWorker.set(this.#sendIdx++, worker);
  }

  /** The next batch, the end, or WAIT when the batch in line has not come back yet. */
  #step(): IteratorResult<unknown> | typeof WAIT {
    const pool = this.pool;
    if (this.stale !== null) this.#fail(new Error(this.stale));
    while (this.#rcvdIdx < this.#sendIdx) {
      const worker = this.#taskWorker.get(this.#rcvdIdx)!;
      const msg = pool.results.get(this.#rcvdIdx);
      if (!msg) {
        if (!this.#active[worker]) {
          this.#rcvdIdx++; // a task sent to a worker whose stream had already ended
          continue;
        }
        const failure = pool.failure(worker);
        if (failure) this.#fail(failure);
        return WAIT;
      }
      pool.results.delete(this.#rcvdIdx);
      this.#taskWorker.delete(this.#rcvdIdx++);
      if (msg.type === 'end') {
        this.#active[worker] = false;
        this.#tryPut();
        continue;
      }
      this.#tryPut();
      if (msg.type === 'error') throw workerError(worker, msg); // the dataset's (or collate's) error: the worker goes on
      return { done: false, value: this.#settings.finish(msg.data) };
    }
    return { done: true, value: undefined };
  }

  #deadline(): number {
    return this.#settings.timeout > 0 ? Date.now() + this.#settings.timeout * 1000 : Infinity;
  }
  #timedOut(): never {
    this.#fail(new Error(`DataLoader timed out after ${this.#settings.timeout} seconds`));
  }
  #fail(e: Error): never {
    this.fatal = true;
    throw e;
  }

  nextSync(): IteratorResult<unknown> {
    const deadline = this.#deadline();
    for (;;) {
      const seen = Atomics.load(this.pool.signal, 0);
      this.pool.drain();
      const r = this.#step();
      if (r !== WAIT) return r;
      const left = deadline - Date.now();
      if (left <= 0) this.#timedOut();
      Atomics.wait(this.pool.signal, 0, seen, Math.min(left, SLICE_MS));
    }
  }

  async nextAsync(): Promise<IteratorResult<unknown>> {
    const deadline = this.#deadline();
    for (;;) {
      const seen = Atomics.load(this.pool.signal, 0);
      this.pool.drain();
      const r = this.#step();
      if (r !== WAIT) return r;
      const left = deadline - Date.now();
      if (left <= 0) this.#timedOut();
      const waited = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<string> | string } }).waitAsync(this.pool.signal, 0, seen, Math.min(left, SLICE_MS));
      // waitAsync alone does not keep the event loop alive (the workers are unref'd); a timer does.
      if (waited.async) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, SLICE_MS));
        void (waited.value as Promise<string>).then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
