// One TensorBoard event file: events.out.tfevents.<secs>.<host>.<pid>.<n><suffix> in a log directory,
// opened with the file_version record; later records wait in a queue of at most maxQueue and go to
// disk when it fills, every flushSecs, on flush()/close() and at process exit (as tensorboard's
// EventFileWriter; writes are synchronous here instead of a writer thread).
import { closeSync, openSync, writeSync } from 'node:fs';
import { makeDirs } from '../../paths.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeMessage } from './proto.js';
import { frameRecord } from './record.js';

export interface FileWriterOptions {
  maxQueue?: number;
  flushSecs?: number;
  filenameSuffix?: string;
}

// A queued record: its bytes, or a promise of them (images are PNG-encoded off the main thread).
interface Slot { bytes: Buffer | null; failed: boolean }

// File name counter shared by every writer of the process (tensorboard's _global_uid).
let globalUid = 0;
// Writers with records still in memory: written out when the process exits.
const openWriters = new Set<EventFileWriter>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    // no later turn will finish a pending image: what is ready is written, past the pending ones too
    for (const w of openWriters) w.flushReady(true);
  });
}

export class EventFileWriter {
  readonly logDir: string;
  readonly fileName: string;
  readonly #maxQueue: number;
  #fd: number | null;
  #queue: Slot[] = [];
  #timer: NodeJS.Timeout | null = null;
  #waiters = new Set<Promise<void>>();

  constructor(logDir: string, { maxQueue = 10, flushSecs = 120, filenameSuffix = '' }: FileWriterOptions = {}) {
    this.logDir = logDir;
    this.#maxQueue = maxQueue;
    makeDirs(logDir);
    const now = Date.now() / 1000;
    this.fileName = join(logDir, `events.out.tfevents.${String(Math.trunc(now)).padStart(10, '0')}.${hostname()}.${process.pid}.${globalUid++}`) + filenameSuffix;
    this.#fd = openSync(this.fileName, 'w');
    this.addEvent({ wall_time: now, file_version: 'brain.Event:2', source_metadata: { writer: 'torchnode.utils.tensorboard' } });
    this.flushReady();
    if (flushSecs > 0 && Number.isFinite(flushSecs)) {
      // setInterval takes at most 2^31 - 1 ms (24.8 days); a longer period would become 1 ms
      this.#timer = setInterval(() => this.flushReady(), Math.min(flushSecs * 1000, 2 ** 31 - 1));
      this.#timer.unref();
    }
    openWriters.add(this);
    installExitHook();
  }

  get closed(): boolean {
    return this.#fd === null;
  }

  /** Queues one Event (a plain object with the .proto's field names). */
  addEvent(event: Record<string, unknown>): void {
    this.#enqueue(frameRecord(encodeMessage('tensorboard.Event', event)));
  }

  /** Queues an Event whose contents are still being made (an image being encoded); order is kept. */
  addPendingEvent(event: Promise<Record<string, unknown>>): Promise<void> {
    this.#checkOpen();
    const slot: Slot = { bytes: null, failed: false };
    this.#queue.push(slot);
    const done = event.then(
      (e) => {
        slot.bytes = frameRecord(encodeMessage('tensorboard.Event', e));
        this.#afterEnqueue();
      },
      (err: unknown) => {
        slot.failed = true;
        this.#afterEnqueue();
        throw err;
      },
    );
    const waiter = done.catch(() => {}).finally(() => this.#waiters.delete(waiter));
    this.#waiters.add(waiter);
    return done;
  }

  /**
   * Writes every record that is ready to disk now: those before the first pending one (records keep
   * their order), or with `pastPending` (at process exit) every ready one, the pending ones left queued.
   */
  flushReady(pastPending = false): void {
    if (this.#fd === null) return;
    const ready: Buffer[] = [];
    const kept: Slot[] = [];
    let n = 0;
    for (; n < this.#queue.length; n++) {
      const slot = this.#queue[n];
      if (slot.failed) continue;
      if (!slot.bytes) {
        if (!pastPending) break;
        kept.push(slot);
        continue;
      }
      ready.push(slot.bytes);
    }
    this.#queue.splice(0, n, ...kept);
    if (ready.length > 0) {
      const data = Buffer.concat(ready);
      for (let off = 0; off < data.length; ) off += writeSync(this.#fd, data, off);
    }
  }

  /** Waits for pending records (images), then writes everything. */
  async flush(): Promise<void> {
    while (this.#waiters.size > 0) await Promise.all(this.#waiters);
    this.flushReady();
  }

  /** Writes what is ready at once; closes the file when pending records are done. */
  close(): Promise<void> {
    this.flushReady();
    openWriters.delete(this);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const finish = (): void => {
      if (this.#fd === null) return;
      this.flushReady();
      closeSync(this.#fd);
      this.#fd = null;
    };
    if (this.#waiters.size === 0) {
      finish();
      return Promise.resolve();
    }
    // Records still pending keep the file open until they are written.
    openWriters.add(this);
    return this.flush().then(() => {
      openWriters.delete(this);
      finish();
    });
  }

  #checkOpen(): void {
    if (this.#fd === null) throw new Error(`SummaryWriter: the event file ${this.fileName} is closed`);
  }

  #enqueue(bytes: Buffer): void {
    this.#checkOpen();
    this.#queue.push({ bytes, failed: false });
    this.#afterEnqueue();
  }

  #afterEnqueue(): void {
    if (this.#queue.length >= this.#maxQueue) this.flushReady();
  }
}
