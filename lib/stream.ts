// torch.Stream and torch.Event: device-generic queues of work and markers in them (native/src/streams.cc,
// over c10's guard interface, so CUDA's streams on a CUDA build and the CPU's no-op ones on any). The
// scopes that stand in for Python's `with stream:` live here too, with torch.cuda's stream functions.
import { withMode } from './autograd.js';
import { Device, toDevice, type DeviceLike } from './device.js';
import { native } from './native.js';
import { describe, readOptions } from './options.js';
import { cuda, cudaIndex } from './runtime.js';

// The native stream and event of each JS object; also the brand test for arguments.
const streamHandles = new WeakMap<Stream, object>();
const eventHandles = new WeakMap<Event, object>();

function streamHandle(stream: unknown, fn: string): object {
  const h = typeof stream === 'object' && stream !== null ? streamHandles.get(stream as Stream) : undefined;
  if (h === undefined) throw new TypeError(`${fn}: expected a torch.Stream, got ${describe(stream)}`);
  return h;
}

function eventHandle(event: unknown, fn: string): object {
  const h = typeof event === 'object' && event !== null ? eventHandles.get(event as Event) : undefined;
  if (h === undefined) throw new TypeError(`${fn}: expected a torch.Event, got ${describe(event)}`);
  return h;
}

function priorityOf(fn: string, options: unknown): number {
  const { priority = 0 } = readOptions(fn, options, ['priority']);
  if (typeof priority !== 'number' || !Number.isInteger(priority)) throw new TypeError(`${fn}: priority must be an integer, got ${typeof priority === 'number' ? priority : describe(priority)}`);
  return priority;
}

// The device a stream or event gets when none is given: the accelerator libtorch was built for, else the CPU.
function defaultDevice(): string {
  return native.acceleratorType() ?? 'cpu';
}

// Gives a JS object of class cls the native stream h.
function adoptStream<S extends Stream>(cls: abstract new (...args: never[]) => S, h: object): S {
  const s = Object.create(cls.prototype) as S;
  initStream(s, h);
  return s;
}

function initStream(s: Stream, h: object): void {
  const [streamId, deviceIndex, type, deviceType] = native.streamInfo(h);
  streamHandles.set(s, h);
  Object.defineProperties(s, {
    streamId: { value: streamId, enumerable: true },
    deviceIndex: { value: deviceIndex, enumerable: true },
    deviceType: { value: deviceType, enumerable: true },
    device: { value: new Device(type, deviceIndex < 0 ? null : deviceIndex), enumerable: true },
  });
}

/**
 * torch.Stream(device?, { priority }): a new in-order queue of work on `device` (by default the
 * accelerator libtorch was built for, else the CPU). CUDA streams are real ones; the CPU runs work as it
 * is issued, so its stream is always idle and has no events, as in Python.
 */
export class Stream {
  declare readonly streamId: number;
  declare readonly deviceIndex: number;
  /** The c10::DeviceType number (0 for the CPU, 1 for CUDA), as Python's device_type. */
  declare readonly deviceType: number;
  declare readonly device: Device;
  constructor(device?: DeviceLike | null, options: { priority?: number } = {}) {
    const priority = priorityOf('Stream', options);
    const d = device === undefined || device === null ? defaultDevice() : String(toDevice(device, 'Stream'));
    initStream(this, native.streamNew(d, priority));
  }
  /** Whether all work queued so far has finished. */
  query(): boolean {
    return native.streamQuery(streamHandle(this, 'Stream.query'));
  }
  /** Waits until all work queued so far has finished. */
  synchronize(): void {
    native.streamSynchronize(streamHandle(this, 'Stream.synchronize'));
  }
  /** Work queued on this stream from now on waits for `event`. */
  waitEvent(event: Event): void {
    native.streamWaitEvent(streamHandle(this, 'Stream.waitEvent'), eventHandle(event, 'Stream.waitEvent'));
  }
  /** Work queued on this stream from now on waits for the work queued on `stream` so far. */
  waitStream(stream: Stream): void {
    native.streamWaitStream(streamHandle(this, 'Stream.waitStream'), streamHandle(stream, 'Stream.waitStream'));
  }
  /** Records `event` (a new one when not given) at this point of the stream and returns it. */
  recordEvent(event?: Event | null): Event {
    const e = event ?? new Event(this.device.type);
    native.eventRecord(eventHandle(e, 'Stream.recordEvent'), streamHandle(this, 'Stream.recordEvent'));
    return e;
  }
  /** Whether a CUDA graph is being captured on this stream. */
  isCapturing(): boolean {
    return native.streamIsCapturing(streamHandle(this, 'Stream.isCapturing'));
  }
  /** The backend's handle (a cudaStream_t's address), as Python's native_handle; the CPU has none. */
  get nativeHandle(): number | bigint {
    return native.streamNativeHandle(streamHandle(this, 'Stream.nativeHandle'));
  }
  /** Python's ==: the same stream of the same device. */
  equals(other: unknown): boolean {
    return other instanceof Stream && other.streamId === this.streamId && other.deviceIndex === this.deviceIndex && other.deviceType === this.deviceType;
  }
  /**
   * Python's `with stream:`: fn runs with this stream (and its device) current, and the previous ones come
   * back when fn returns or throws. A stream of a device that is not the accelerator (the CPU's) changes
   * nothing, as in Python.
   */
  run<T>(fn: () => T): T {
    const h = streamHandle(this, 'Stream.run');
    if (this.device.type !== native.acceleratorType()) return withMode('Stream.run', () => {}, () => {}, fn);
    let previousDevice = -1;
    let previousStream: object | null = null;
    return withMode(
      'Stream.run',
      () => {
        previousDevice = native.acceleratorExchangeDevice(this.deviceIndex);
        previousStream = native.streamExchange(h);
      },
      () => {
        if (previousStream !== null) native.streamExchange(previousStream);
        native.acceleratorExchangeDevice(previousDevice);
      },
      fn,
    );
  }
  toString(): string {
    return `torch.Stream device_type=${this.device.type}, device_index=${this.deviceIndex}, stream_id=${this.streamId}`;
  }
}

export interface EventOptions {
  /** Whether the event can measure elapsed time (default false). */
  enableTiming?: boolean;
  /** Accepted, as Python's torch.Event, and without effect: synchronize() waits the same way. */
  blocking?: boolean;
  /** Sharing between processes is not supported (Python's torch.Event does not either). */
  interprocess?: boolean;
}

function timingOf(fn: string, options: unknown): boolean {
  const { enableTiming = false, blocking = false, interprocess = false } = readOptions(fn, options, ['enableTiming', 'blocking', 'interprocess']);
  for (const [name, v] of [['enableTiming', enableTiming], ['blocking', blocking], ['interprocess', interprocess]] as const)
    if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean, got ${describe(v)}`);
  if (interprocess) throw new Error(`${fn}: interprocess events are not supported (torch.Event ipc is not supported in PyTorch either)`);
  return enableTiming as boolean;
}

/**
 * torch.Event(device?, { enableTiming }): a marker that record() puts in a stream; query, synchronize
 * and wait then refer to the work before it. An event never recorded counts as complete.
 */
export class Event {
  constructor(device?: DeviceLike | null, options: EventOptions = {}) {
    const timing = timingOf('Event', options);
    const d = device === undefined || device === null ? defaultDevice() : String(toDevice(device, 'Event'));
    eventHandles.set(this, native.eventNew(d, timing));
  }
  /** The device the event was recorded on (its type only until then). */
  get device(): Device {
    const [type, index] = native.eventInfo(eventHandle(this, 'Event.device'));
    return new Device(type, index < 0 ? null : index);
  }
  /** Python's event_id: the backend's event (its address), 0 until recorded. */
  get eventId(): number | bigint {
    return native.eventInfo(eventHandle(this, 'Event.eventId'))[3];
  }
  /** Marks the point `stream` (by default the current stream of the current device) has reached. */
  record(stream?: Stream | null): void {
    const h = eventHandle(this, 'Event.record');
    native.eventRecord(h, stream === undefined || stream === null ? currentStreamOf(h) : streamHandle(stream, 'Event.record'));
  }
  /** Work queued on `stream` (by default the current one) from now on waits for this event. */
  wait(stream?: Stream | null): void {
    const h = eventHandle(this, 'Event.wait');
    native.streamWaitEvent(stream === undefined || stream === null ? currentStreamOf(h) : streamHandle(stream, 'Event.wait'), h);
  }
  /** Whether the work before the event has finished (true for an event never recorded). */
  query(): boolean {
    return native.eventQuery(eventHandle(this, 'Event.query'));
  }
  /** Waits until the work before the event has finished. */
  synchronize(): void {
    native.eventSynchronize(eventHandle(this, 'Event.synchronize'));
  }
  /** Milliseconds from this event to `end`; both recorded, both made with enableTiming. */
  elapsedTime(end: Event): number {
    return native.eventElapsedTime(eventHandle(this, 'Event.elapsedTime'), eventHandle(end, 'Event.elapsedTime'));
  }
  /** Python's ipc_handle(): not supported, as in PyTorch's torch.Event. */
  ipcHandle(): never {
    throw new Error('Event.ipcHandle: torch.Event ipc is not supported yet, as in PyTorch');
  }
  toString(): string {
    const [type, index, timing, id] = native.eventInfo(eventHandle(this, 'Event.toString'));
    return `torch.Event device_type=${type}, device_index=${index}, event_flag=${timing ? 1 : 0}, event_id=${id}`;
  }
}

// The current stream of the current device of the event's device type, as Python's record() and wait() take.
function currentStreamOf(event: object): object {
  return native.streamCurrent(native.eventInfo(event)[0]);
}

// ---------- torch.cuda's streams and events ----------

function cudaDevice(device: number | DeviceLike | null | undefined, fn: string): string {
  const index = cudaIndex(device ?? null, fn);
  return index === null || index < 0 ? 'cuda' : `cuda:${index}`;
}

/** torch.cuda.Stream(device?, { priority }): a stream from CUDA's pool on `device` (an index, 'cuda:N' or a Device; the current GPU by default). */
export class CudaStream extends Stream {
  constructor(device?: number | DeviceLike | null, options: { priority?: number } = {}) {
    super(cudaDevice(device, 'cuda.Stream'), options);
  }
  /** The cudaStream_t's address, as Python's cuda_stream. */
  get cudaStream(): number | bigint {
    return this.nativeHandle;
  }
}

/** torch.cuda.Event({ enableTiming }): a CUDA event, placed on a GPU when first recorded. */
export class CudaEvent extends Event {
  constructor(options: EventOptions = {}) {
    super('cuda', options);
  }
}

/** torch.cuda.current_stream(device?): this thread's current stream on a GPU (the current GPU by default). */
export function currentStream(device: number | DeviceLike | null = null): CudaStream {
  return adoptStream(CudaStream, native.streamCurrent(cudaDevice(device, 'cuda.currentStream')));
}

/** torch.cuda.default_stream(device?): a GPU's default (null) stream. */
export function defaultStream(device: number | DeviceLike | null = null): CudaStream {
  return adoptStream(CudaStream, native.streamDefault(cudaDevice(device, 'cuda.defaultStream')));
}

/** torch.cuda.set_stream(stream): makes the stream's GPU current and the stream current on it; null does nothing. */
export function setStream(stream: Stream | null): void {
  if (stream === null) return;
  const h = streamHandle(stream, 'cuda.setStream');
  if (stream.device.type !== 'cuda') throw new TypeError(`cuda.setStream: expected a CUDA stream, got one on '${String(stream.device)}'`);
  if (cuda.currentDevice() !== stream.deviceIndex) cuda.setDevice(stream.deviceIndex);
  native.streamExchange(h);
}

/**
 * torch.cuda.stream(stream, fn): fn runs with `stream` current (and its GPU), and the previous stream and
 * GPU come back when fn returns or throws; a null stream, or no usable GPU, runs fn as it is (Python's
 * StreamContext).
 */
export function stream<T>(target: Stream | null, fn: () => T): T {
  if (target !== null) streamHandle(target, 'cuda.stream');
  if (target === null || !cuda.isAvailable()) return withMode('cuda.stream', () => {}, () => {}, fn);
  let sourcePrevious: CudaStream | null = null;
  let destinationPrevious: CudaStream | null = null;
  return withMode(
    'cuda.stream',
    () => {
      sourcePrevious = currentStream();
      if (sourcePrevious.deviceIndex !== target.deviceIndex) destinationPrevious = currentStream(target.deviceIndex);
      setStream(target);
    },
    () => {
      if (destinationPrevious !== null) setStream(destinationPrevious);
      if (sourcePrevious !== null) setStream(sourcePrevious);
    },
    fn,
  );
}

/** torch.cuda.is_current_stream_capturing(): whether a CUDA graph is being captured on the current stream (false without CUDA). */
export function isCurrentStreamCapturing(): boolean {
  return cuda.isAvailable() && currentStream().isCapturing();
}

// ---------- torch.cpu's streams: the CPU's one stream, which never waits ----------

/** torch.cpu.Stream({ priority }): Python's stand-in for device-agnostic code; the CPU runs work as it is issued, so every method does nothing. */
export class CpuStream {
  constructor(options: { priority?: number } = {}) {
    priorityOf('cpu.Stream', options);
  }
  waitStream(_stream: unknown): void {}
  recordEvent(): void {}
  waitEvent(_event: unknown): void {}
}

/** torch.cpu.Event(): Python's stand-in for device-agnostic code; always complete. */
export class CpuEvent {
  query(): boolean {
    return true;
  }
  record(_stream?: unknown): void {}
  synchronize(): void {}
  wait(_stream?: unknown): void {}
}

/** torch.cpu.current_stream(): the CPU's stream. */
export function cpuCurrentStream(): Stream {
  return adoptStream(Stream, native.streamCurrent('cpu'));
}

/** torch.cpu.stream(stream, fn): runs fn; the CPU has one stream, so there is nothing to switch (as in Python). */
export function cpuStream<T>(stream: Stream | null, fn: () => T): T {
  if (stream !== null) streamHandle(stream, 'cpu.stream');
  return withMode('cpu.stream', () => {}, () => {}, fn);
}

/** The stream of a torch.Stream, for the native calls that take one (Tensor.recordStream). */
export function nativeStream(stream: unknown, fn: string): object {
  return streamHandle(stream, fn);
}

/** A torch.Stream for a native stream (torch.accelerator.currentStream). */
export function wrapStream(h: object): Stream {
  return adoptStream(Stream, h);
}
