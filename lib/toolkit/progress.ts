// Progress bars for training loops, drawn by cli-progress on a terminal; on anything else (a pipe, a
// CI log, a file) plain lines: one every `logEvery` steps and one per epoch.
import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';

// cli-progress is loaded when a bar is first drawn on a terminal.
const require = createRequire(import.meta.url);
const cli = (): typeof CliProgress => require('cli-progress') as typeof CliProgress;

export type Metrics = Record<string, number | string | null | undefined>;

export interface ProgressBarOptions {
  /** Steps in all (batches of an epoch, epochs of a run). */
  total: number;
  /** Text before the bar ("train", "epoch 2/10"). */
  desc?: string;
  /** Where to draw; default process.stderr (as tqdm). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Redraw in place (cli-progress) or write lines; default: whether the stream is a terminal. */
  tty?: boolean;
  /**
   * Without a terminal: a line every logEvery steps (default a tenth of total, a positive integer), one
   * when the count reaches the total, and on close() one with the final count if no line showed it yet.
   */
  logEvery?: number;
}

/** "0.1234" for losses, "97.50%" for accuracies in [0, 1] (a key with "acc"), strings as they are. */
export function formatMetrics(metrics: Metrics): string {
  return Object.entries(metrics)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => {
      if (typeof v !== 'number') return `${k} ${v}`;
      if (/acc/i.test(k) && v >= 0 && v <= 1) return `${k} ${(v * 100).toFixed(2)}%`;
      return `${k} ${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)}`;
    })
    .join(' ');
}

/** 75 -> "1m15s", 3700 -> "1h01m40s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

function checkTotal(fn: string, total: unknown, name = 'total'): number {
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${String(total)}`);
  return total;
}

// logEvery 0 would divide by zero (a line per update at best), a negative or NaN one never prints.
function checkLogEvery(fn: string, logEvery: unknown): number | undefined {
  if (logEvery !== undefined && !(typeof logEvery === 'number' && Number.isInteger(logEvery) && logEvery > 0)) throw new RangeError(`${fn}: logEvery must be a positive integer, got ${String(logEvery)}`);
  return logEvery;
}

// The bar's text, the same on a terminal and in the plain lines. The rate counts the steps done since
// startMs (count - initial: a resumed run's epochs before the resume took no time here, as tqdm's initial=).
function statusText(count: number, total: number, startMs: number, metrics: Metrics, initial = 0): string {
  const elapsed = (performance.now() - startMs) / 1000;
  const rate = elapsed > 0 ? Math.max(0, count - initial) / elapsed : 0;
  const eta = rate > 0 ? (total - count) / rate : NaN;
  const m = formatMetrics(metrics);
  return `${count}/${total}${m ? ` ${m}` : ''} ${rate.toFixed(1)} it/s ETA ${formatDuration(eta)}`;
}

// One line-mode or cli-progress bar (inside a MultiBar when one is given).
class Bar {
  count = 0;
  total: number;
  desc: string;
  metrics: Metrics = {};
  startMs = performance.now();
  initial = 0; // the count the timing started from (see statusText)
  readonly #bar: CliProgress.SingleBar | null;
  readonly #write: ((line: string) => void) | null;
  readonly #logEvery: number;
  #printed = -1; // line mode: the count the last line showed (-1: none yet)

  constructor(total: number, desc: string, logEvery: number | undefined, sink: { multi?: CliProgress.MultiBar; stream: NodeJS.WritableStream; tty: boolean }) {
    this.total = total;
    this.desc = desc;
    this.#logEvery = logEvery ?? Math.max(1, Math.round(total / 10));
    if (sink.tty) {
      const payload = { text: statusText(0, total, this.startMs, {}), desc }; // drawn before the first update
      this.#bar = sink.multi ? sink.multi.create(Math.max(total, 1), 0, payload) : new (cli().SingleBar)(barOptions(sink.stream));
      if (!sink.multi) this.#bar.start(Math.max(total, 1), 0, payload);
      this.#write = null;
    } else {
      this.#bar = null;
      this.#write = (line) => sink.stream.write(`${line}\n`);
    }
  }

  text(): string {
    return `${this.desc ? `${this.desc} ` : ''}${statusText(this.count, this.total, this.startMs, this.metrics, this.initial)}`;
  }

  /** Moves the count to `count` without counting the steps in between as done here (a resumed run). */
  jump(count: number): void {
    this.initial += count - this.count;
    this.count = count;
    this.#bar?.update(this.count, { text: statusText(this.count, this.total, this.startMs, this.metrics, this.initial), desc: this.desc });
  }

  update(n: number, metrics?: Metrics): void {
    const before = this.count;
    this.count += n;
    if (metrics) this.metrics = { ...this.metrics, ...metrics };
    if (this.#bar) this.#bar.update(this.count, { text: statusText(this.count, this.total, this.startMs, this.metrics, this.initial), desc: this.desc });
    // a line when the count passes a multiple of logEvery or reaches the total (steps of any size; none for update(0))
    else if (n > 0 && (Math.floor(this.count / this.#logEvery) > Math.floor(before / this.#logEvery) || (before < this.total && this.count >= this.total)))
      this.#line();
  }

  #line(): void {
    this.#write!(this.text());
    this.#printed = this.count;
  }

  reset(total: number, desc: string): void {
    this.count = 0;
    this.total = total;
    this.desc = desc;
    this.metrics = {};
    this.startMs = performance.now();
    this.initial = 0;
    this.#printed = -1;
    this.#bar?.start(Math.max(total, 1), 0, { text: statusText(0, total, this.startMs, {}), desc });
  }

  // As tqdm's close(): the final state stays on screen. In line mode that is one more line when the
  // last one showed another count (a loop left early, a count between two logEvery lines), none when
  // it already showed this one (so closing twice prints once).
  stop(): void {
    if (this.#bar) this.#bar.stop();
    else if (this.#printed !== this.count) this.#line();
  }
}

function barOptions(stream: NodeJS.WritableStream): CliProgress.Options {
  return {
    stream,
    format: (options, params, payload: { desc?: string; text?: string }) => {
      const size = options.barsize ?? 30;
      const done = Math.round(params.progress * size);
      return `${payload.desc ? `${payload.desc} ` : ''}[${'='.repeat(done)}${'-'.repeat(size - done)}] ${payload.text ?? ''}`;
    },
    barsize: 30,
    // No SIGINT/SIGTERM listeners (cli-progress' gracefulExit): a listener replaces Node's default of
    // dying by the signal, so Ctrl-C would only stop the bar and training would go on. Then the cursor
    // stays visible, since a process killed by a signal could not show it again.
    hideCursor: false,
    clearOnComplete: false,
    stopOnComplete: false,
    gracefulExit: false,
  };
}

function resolveSink(fn: string, options: { stream?: NodeJS.WritableStream & { isTTY?: boolean }; tty?: boolean }): { stream: NodeJS.WritableStream; tty: boolean } {
  const stream = options.stream ?? process.stderr;
  if (typeof (stream as NodeJS.WritableStream).write !== 'function') throw new TypeError(`${fn}: stream must be a writable stream`);
  return { stream, tty: options.tty ?? (stream as { isTTY?: boolean }).isTTY === true };
}

/**
 * A progress bar (tqdm's role): `bar.update(1, { loss })` per step, `bar.close()` at the end. Shows
 * count/total, the metrics, it/s and the ETA.
 */
export class ProgressBar {
  readonly #bar: Bar;

  constructor(options: ProgressBarOptions) {
    const fn = 'ProgressBar';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: expected an options object { total, desc, stream, tty, logEvery }`);
    const total = checkTotal(fn, options.total);
    this.#bar = new Bar(total, options.desc ?? '', checkLogEvery(fn, options.logEvery), resolveSink(fn, options));
  }

  get count(): number {
    return this.#bar.count;
  }
  get total(): number {
    return this.#bar.total;
  }

  /** Advances by n steps (default 1) and merges the metrics shown after the count. */
  update(n = 1, metrics?: Metrics): void {
    this.#bar.update(n, metrics);
  }

  /** Sets the metrics without advancing (tqdm's set_postfix). */
  setPostfix(metrics: Metrics): void {
    this.#bar.update(0, metrics);
  }

  /** The bar's current text (what a plain line shows). */
  toString(): string {
    return this.#bar.text();
  }

  /** Ends the bar; without a terminal, writes the final count unless the last line showed it. */
  close(): void {
    this.#bar.stop();
  }
}

/** Wraps an iterable (an array, a DataLoader, an async iterator) with a progress bar, as tqdm(iterable). */
export function track<T>(iterable: Iterable<T> & { length?: number }, options?: Partial<ProgressBarOptions>): Generator<T>;
export function track<T>(iterable: AsyncIterable<T> & { length?: number }, options?: Partial<ProgressBarOptions>): AsyncGenerator<T>;
export function track<T>(iterable: (Iterable<T> | AsyncIterable<T>) & { length?: number }, options: Partial<ProgressBarOptions> = {}): Generator<T> | AsyncGenerator<T> {
  const total = options.total ?? iterable.length;
  if (total === undefined) throw new TypeError('track: the iterable has no length; pass { total }');
  const bar = new ProgressBar({ ...options, total });
  if (Symbol.iterator in iterable)
    return (function* () {
      try {
        for (const x of iterable as Iterable<T>) {
          yield x;
          bar.update(1);
        }
      } finally {
        bar.close();
      }
    })();
  return (async function* () {
    try {
      for await (const x of iterable as AsyncIterable<T>) {
        yield x;
        bar.update(1);
      }
    } finally {
      bar.close();
    }
  })();
}

export interface TrainingProgressOptions {
  epochs: number;
  /** Batches per epoch (loader.length). */
  batches: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  tty?: boolean;
  /** Without a terminal: a batch line every logEvery batches (default a tenth of an epoch). */
  logEvery?: number;
}

/**
 * Two bars for a training run: epochs, and the batches of the current epoch with running loss,
 * accuracy, it/s and ETA; one summary line per finished epoch stays above them (or, without a
 * terminal, plain lines).
 *
 *   const progress = new toolkit.TrainingProgress({ epochs, batches: loader.length });
 *   for (let epoch = 0; epoch < epochs; epoch++) {
 *     progress.startEpoch(epoch);
 *     for (const [x, y] of loader) { ...; progress.step({ loss, accuracy }); }
 *     progress.endEpoch({ loss, accuracy, val_loss, val_accuracy });
 *   }
 *   progress.close();
 */
export class TrainingProgress {
  readonly epochs: number;
  readonly batches: number;
  readonly #stream: NodeJS.WritableStream;
  readonly #multi: CliProgress.MultiBar | null;
  readonly #epochBar: Bar;
  readonly #batchBar: Bar;
  #epoch = 0;
  #epochStart = performance.now();
  #inEpoch = false; // steps since the last endEpoch: a loop left early shows where it stopped on close()

  constructor(options: TrainingProgressOptions) {
    const fn = 'TrainingProgress';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: expected an options object { epochs, batches, stream, tty, logEvery }`);
    this.epochs = checkTotal(fn, options.epochs, 'epochs');
    this.batches = checkTotal(fn, options.batches, 'batches');
    const logEvery = checkLogEvery(fn, options.logEvery);
    const { stream, tty } = resolveSink(fn, options);
    this.#stream = stream;
    this.#multi = tty ? new (cli().MultiBar)(barOptions(stream)) : null;
    const sink = { stream, tty, multi: this.#multi ?? undefined };
    // Line mode prints epochs through endEpoch's summary, so the epoch bar itself writes nowhere.
    const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
    this.#epochBar = new Bar(this.epochs, 'epochs', undefined, tty ? sink : { stream: quiet, tty: false });
    this.#batchBar = new Bar(this.batches, this.#desc(), logEvery, sink);
  }

  #desc(): string {
    return `epoch ${this.#epoch + 1}/${this.epochs}`;
  }

  /** Starts epoch `epoch` (0-based; default the next one): the batch bar restarts. */
  startEpoch(epoch = this.#epochBar.count): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`TrainingProgress.startEpoch: epoch must be a non-negative integer, got ${epoch}`);
    this.#epoch = epoch;
    if (this.#epochBar.count !== epoch) this.#epochBar.jump(epoch); // resumed runs start later: their rate and ETA count from here
    this.#epochStart = performance.now();
    this.#batchBar.reset(this.batches, this.#desc());
    this.#inEpoch = true;
  }

  /** One batch (or n) done, with the running metrics to show. */
  step(metrics?: Metrics, n = 1): void {
    this.#batchBar.update(n, metrics);
    this.#inEpoch = true;
  }

  /** Ends the epoch: a summary line (metrics and time) that stays, and the epoch bar advances. */
  endEpoch(metrics: Metrics = {}): string {
    const seconds = (performance.now() - this.#epochStart) / 1000;
    const m = formatMetrics(metrics);
    const line = `epoch ${this.#epoch + 1}/${this.epochs}${m ? ` ${m}` : ''} (${formatDuration(seconds)})`;
    if (this.#multi) {
      this.#multi.log(`${line}\n`);
      this.#multi.update(); // draw now: the log waits for the next redraw otherwise
    } else this.#stream.write(`${line}\n`);
    this.#epochBar.update(1, {});
    this.#inEpoch = false;
    return line;
  }

  /** Ends the display; an epoch left without endEpoch keeps its last batch count on screen (a line without a terminal). */
  close(): void {
    if (this.#multi) this.#multi.stop();
    else if (this.#inEpoch) this.#batchBar.stop();
    this.#inEpoch = false;
  }
}
