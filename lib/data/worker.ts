// The DataLoader worker thread: rebuilds the dataset, seeds itself as PyTorch's _worker_loop does,
// fetches and collates the batches the main thread asks for and posts them back (tensor memory transferred).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

import '../index.js'; // the whole library, as the user's dataset module sees it (tensor methods included)
import { defaultGenerator } from '../generator.js';
import { manualSeed } from '../runtime.js';
import * as pyrandom from '../pyrandom.js';
import { collateBatch, defaultCollate, defaultConvert, setCollateIntoArrayBuffers } from './collate.js';
import { encode } from './codec.js';
import { setWorkerInfo } from './worker_info.js';
import { buildSource } from './worker_source.js';
import { awaitInOrder, type MapDataset, type StreamDataset } from './dataset.js';

/** What the main thread passes each worker (see dataloader.ts). */
export interface WorkerInit {
  id: number;
  numWorkers: number;
  baseSeed: bigint;
  dataset: unknown; // a packed WorkerSource
  kind: 'map' | 'stream';
  autoCollation: boolean;
  dropLast: boolean;
  collate: 'default' | 'convert' | 'main' | unknown; // 'main': the main thread's collateFn runs there
  initFn: unknown; // a packed WorkerSource, or null
  port: MessagePort;
  signal: SharedArrayBuffer; // [message counter, alive flag of each worker]
}

export type FetchRequest = { type: 'fetch'; task: number; epoch: number; indices: number[] | null; count: number } | { type: 'reset'; epoch: number } | { type: 'stop' };

const init = workerData as WorkerInit;
const signal = new Int32Array(init.signal);
const port = init.port;

/** Posts to the main thread and wakes it if it is blocked in Atomics.wait (sync iteration). */
function post(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function errorFields(e: unknown): Record<string, unknown> {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, stack: err.stack };
}

process.on('uncaughtException', (e) => {
  post({ type: 'fatal', ...errorFields(e) });
  process.exit(1);
});

let dataset: MapDataset | StreamDataset;
let stream: Iterator<unknown> | AsyncIterator<unknown> | null = null;
let streamEnded = false; // the stream reported done: not called again this epoch (Python's _IterableDatasetFetcher.ended)
let collate: (batch: unknown[]) => unknown = (b) => b;
let epoch = 0;

async function start(): Promise<void> {
  const seed = init.baseSeed + BigInt(init.id);
  // as PyTorch's _worker_loop: random.seed and torch.manual_seed(base_seed + id); this thread's own generators
  pyrandom.seed(seed);
  manualSeed(seed);
  const generator = defaultGenerator;
  dataset = (await buildSource(init.dataset)) as MapDataset | StreamDataset;
  setWorkerInfo({ id: init.id, numWorkers: init.numWorkers, seed, dataset, generator });
  if (init.collate === 'default') {
    setCollateIntoArrayBuffers(true);
    collate = init.autoCollation ? (defaultCollate as (b: unknown[]) => unknown) : defaultConvert;
  } else if (init.collate === 'convert') collate = defaultConvert as (b: unknown[]) => unknown;
  else if (init.collate !== 'main') collate = (await buildSource(init.collate, true)) as (b: unknown[]) => unknown;
  if (typeof collate !== 'function') throw new TypeError('DataLoader worker: the collateFn source did not give a function');
  if (init.initFn) {
    const fn = await buildSource(init.initFn, true);
    if (typeof fn !== 'function') throw new TypeError('DataLoader worker: the workerInitFn source did not give a function');
    await fn(init.id);
  }
}

function openStream(): void {
  const d = dataset as StreamDataset;
  stream = Symbol.asyncIterator in d ? (d as AsyncIterable<unknown>)[Symbol.asyncIterator]() : (d as Iterable<unknown>)[Symbol.iterator]();
}

/** The batch of task `indices` (map-style) or the next `count` stream items; null when the stream ended. */
async function fetch(req: Extract<FetchRequest, { type: 'fetch' }>): Promise<{ data: unknown } | null> {
  if (init.kind === 'map') {
    const map = dataset as MapDataset;
    const indices = req.indices as number[];
    if (!init.autoCollation) return { data: collate(await map.getItem(indices[0]) as never) };
    const samples: unknown[] = [];
    if (map.getItems) samples.push(...(await awaitInOrder(await map.getItems(indices))));
    else for (const i of indices) samples.push(await fetchOne(map, i));
    return { data: init.collate === 'main' ? samples : collateBatch(collate, samples, indices) };
  }
  if (streamEnded) return null;
  if (!stream) openStream();
  const samples: unknown[] = [];
  for (let k = 0; k < req.count; k++) {
    const r = await (stream as AsyncIterator<unknown>).next();
    if ((streamEnded = r.done === true)) break;
    samples.push(r.value);
  }
  if (samples.length === 0 || (init.dropLast && samples.length < req.count)) return null;
  if (!init.autoCollation) return { data: init.collate === 'main' ? samples[0] : collate(samples[0] as never) };
  return { data: init.collate === 'main' ? samples : collate(samples) };
}

/** One sample; an error names its index. */
async function fetchOne(map: MapDataset, index: number): Promise<unknown> {
  try {
    return await map.getItem(index);
  } catch (e) {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { sampleIndex: index });
  }
}

// Requests are handled one at a time, in order (a worker is one Python process in PyTorch).
let started = true; // false once start() failed: the fatal message is the only answer
let queue: Promise<void> = start().then(
  () => post({ type: 'ready' }),
  (e) => {
    started = false;
    post({ type: 'fatal', ...errorFields(e) });
    setImmediate(() => process.exit(1));
  },
);

parentPort!.on('message', (req: FetchRequest) => {
  queue = queue.then(async () => {
    if (!started) return;
    if (req.type === 'stop') {
      process.exit(0);
    } else if (req.type === 'reset') {
      epoch = req.epoch;
      stream = null; // PyTorch's _ResumeIteration: a fresh iterator over the dataset copy
      streamEnded = false;
    } else if (req.epoch === epoch) {
      try {
        const result = await fetch(req);
        if (result === null) return post({ type: 'end', task: req.task, epoch });
        const transfer: ArrayBuffer[] = [];
        const data = encode(result.data, transfer);
        post({ type: 'data', task: req.task, epoch, data }, transfer);
      } catch (e) {
        const index = (e as { sampleIndex?: number }).sampleIndex ?? null;
        post({ type: 'error', task: req.task, epoch, index, ...errorFields(e) });
      }
    }
  });
});
