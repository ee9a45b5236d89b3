// Loads the native addon: the binary the install script recorded (compiled here or a matching
// prebuild), else a local build. Declares the native surface the TS layer uses.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/** An opaque native tensor handle (a Node-API External). */
export type Handle = object & { readonly __handle: unique symbol };

export interface NativeAddon {
  callOp(id: number, options: Record<string, unknown> | undefined, ...args: unknown[]): unknown;
  callMethod(id: number, options: Record<string, unknown> | undefined, self: unknown, ...args: unknown[]): unknown;
  opOptionKeys(id: number): string[];
  camelCase(name: string): string;
  optionMessage(key: string, allowed: readonly string[], undefinedValue: boolean): string;
  opId(name: string): number;
  opSchemas(id: number): string[];
  opNames(): string[];
  dispose(h: Handle): void;
  isDisposed(h: Handle): boolean;
  /** reportedBytes: bytes of accounted storages alive; v8ExternalBytes: what V8 was told (>= 1 MiB steps, applied outside GC). */
  handleStats(): { boxes: number; tensors: number; reportedBytes: number; v8ExternalBytes: number; handleChunks: number; handlesPerChunk: number };
  fromTypedArray(data: ArrayBufferView, shape: number[], dtype: number | null): Handle;
  toTypedArray(h: Handle, share?: boolean): Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array | Uint16Array | Uint32Array | BigUint64Array;
  item(h: Handle): number | boolean | bigint;
  shape(h: Handle): number[];
  stride(h: Handle): number[];
  storageOffset(h: Handle): number;
  getDevice(h: Handle): number;
  dtype(h: Handle): number;
  device(h: Handle): string;
  layout(h: Handle): string;
  numel(h: Handle): number;
  dim(h: Handle): number;
  isNested(h: Handle): boolean;
  names(h: Handle): (string | null)[] | null;
  fromBuffer(buffer: ArrayBuffer, byteOffset: number, count: number, dtype: number): Handle;
  isContiguous(h: Handle, memoryFormat: unknown): boolean;
  /** One engine run from every root; null gradients are implicit ones; inputs: accumulate into these only. */
  backward(tensors: Handle | (Handle | [Handle, number])[], grads: Handle | (Handle | null)[] | null, retainGraph: boolean | null, createGraph: boolean | null, inputs?: Handle | (Handle | [Handle, number])[] | null): void;
  grad(h: Handle): Handle | null;
  setGrad(h: Handle, g: Handle | null): void;
  requiresGrad(h: Handle): boolean;
  setRequiresGrad(h: Handle, flag: boolean): void;
  isLeaf(h: Handle): boolean;
  /** The tensor's version counter (0 for inference tensors). */
  version(h: Handle): number;
  gradFn(h: Handle): string | null;
  retainGrad(h: Handle): void;
  setGradEnabled(on: boolean): void;
  isGradEnabled(): boolean;
  enterInferenceMode(on: boolean): void;
  exitInferenceMode(): void;
  setFwdGradEnabled(on: boolean): void;
  isFwdGradEnabled(): boolean;
  setMultithreadingEnabled(on: boolean): void;
  isMultithreadingEnabled(): boolean;
  setGradLayoutEnforcementEnabled(on: boolean): void;
  isGradLayoutEnforcementEnabled(): boolean;
  enterDualLevel(forCall?: boolean): number;
  exitDualLevel(level: number): void;
  /** torch.func.functionalize's pieces (native/src/functionalize.cc): a transform level, wrappers in and out. */
  functionalizeRun<R>(reapplyViews: boolean, fn: (level: number) => R): R;
  functionalWrap(h: Handle, level: number): Handle;
  functionalUnwrap(h: Handle, reapplyViews: boolean): Handle | undefined;
  functionalPropagateMutation(unwrapped: Handle, wrapped: Handle): void;
  isFunctionalTensor(h: Handle): boolean;
  areTransformsActive(): boolean;
  /** Streams, events and torch.accelerator (native/src/streams.cc); streams and events are opaque Externals. */
  streamNew(device: string, priority: number): object;
  streamCurrent(device: string): object;
  streamDefault(device: string): object;
  streamExchange(stream: object): object;
  /** [streamId, deviceIndex, deviceType name, c10::DeviceType number] */
  streamInfo(stream: object): [number, number, string, number];
  streamQuery(stream: object): boolean;
  streamSynchronize(stream: object): void;
  streamIsCapturing(stream: object): boolean;
  streamNativeHandle(stream: object): number | bigint;
  streamWaitEvent(stream: object, event: object): void;
  streamWaitStream(stream: object, other: object): void;
  eventNew(device: string, enableTiming: boolean): object;
  eventRecord(event: object, stream: object): void;
  eventQuery(event: object): boolean;
  eventSynchronize(event: object): void;
  eventElapsedTime(start: object, end: object): number;
  /** [deviceType name, deviceIndex (-1 until recorded), timing, eventId] */
  eventInfo(event: object): [string, number, boolean, number | bigint];
  tensorRecordStream(h: Handle, stream: object): void;
  acceleratorType(): string | null;
  acceleratorGetDeviceIndex(): number;
  acceleratorExchangeDevice(index: number): number;
  acceleratorSetStream(stream: object): void;
  acceleratorCurrentStream(index: number): object;
  acceleratorSynchronize(index: number): void;
  add(a: Handle, b: Handle | number, alpha?: number): Handle;
  sub(a: Handle, b: Handle | number, alpha?: number): Handle;
  mul(a: Handle, b: Handle | number): Handle;
  div(a: Handle, b: Handle | number): Handle;
  add_(a: Handle, b: Handle | number, alpha?: number): void;
  sub_(a: Handle, b: Handle | number, alpha?: number): void;
  mul_(a: Handle, b: Handle | number): void;
  div_(a: Handle, b: Handle | number): void;
  matmul(a: Handle, b: Handle): Handle;
  zero_(a: Handle): void;
  manualSeed(seed: number | bigint): void;
  initialSeed(): number | bigint;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  cudaMemoryStat(device: number | null, stat: 'allocated' | 'allocatedPeak' | 'reserved' | 'reservedPeak'): number;
  cudaResetPeakMemoryStats(device: number | null): void;
  cudaEmptyCache(): void;
  cudaCurrentDevice(): number;
  cudaSetDevice(device: number): void;
  cudaSynchronize(device: number | null): void;
  cudaGetDeviceName(device: number | null): string;
  cpuMemoryCached(): number;
  emptyCpuCache(): number;
  generatorNew(device: string): Handle;
  defaultGenerator(device: string): Handle;
  generatorManualSeed(g: Handle, seed: bigint): void;
  generatorSeed(g: Handle): number | bigint;
  generatorInitialSeed(g: Handle): number | bigint;
  generatorGetState(g: Handle): Handle;
  generatorSetState(g: Handle, state: Handle): void;
  generatorDevice(g: Handle): string;
  /** outputs and inputs: tensor handles, or GradientEdges as [node handle, outputNr]. */
  autogradGrad(outputs: (Handle | [Handle, number])[], inputs: (Handle | [Handle, number])[], gradOutputs: (Handle | null)[] | null, retainGraph: boolean | null, createGraph: boolean, allowUnused: boolean, isGradsBatched: boolean): (Handle | null)[];
  setAnomalyEnabled(on: boolean, checkNan?: boolean): void;
  isAnomalyEnabled(): boolean;
  isAnomalyCheckNanEnabled(): boolean;
  registerHook(t: Handle, fn: (grad: Handle) => Handle | null): number;
  attachFunction(name: string, inputs: Handle[], outputs: Handle[], dirty: Handle[], nonDifferentiable: Handle[], saved: (Handle | null)[],
    backward: (grads: (Handle | null)[], saved: (Handle | null)[] | null) => (Handle | null)[],
    jvp?: ((tangents: (Handle | null)[]) => (Handle | null)[]) | null, executable?: boolean, materializeGrads?: boolean): (Handle | null)[];
  removeHook(t: Handle, id: number): void;
  registerPostAccGradHook(t: Handle, fn: (tensor: Handle) => void): number;
  removePostAccGradHook(t: Handle, id: number): void;
  /** torch.autograd.graph (autograd_graph.cc): node handles, their hooks and metadata, saved-tensors hooks. */
  gradFnNode(t: Handle): Handle | null;
  nodeInfo(node: Handle): [name: string, key: number];
  nodeNextFunctions(node: Handle): [Handle | null, number][];
  nodeVariable(node: Handle): Handle | undefined;
  nodeMetadata(node: Handle): Record<string, unknown>;
  nodeRegisterHook(node: Handle, fn: (...grads: (Handle | null)[][]) => (Handle | null)[] | null, pre: boolean): number;
  nodeRemoveHook(node: Handle, id: number, pre: boolean): void;
  currentGraphTaskId(): number;
  incrementVersion(tensors: Handle | Handle[]): void;
  willEngineExecuteNode(node: Handle): boolean;
  pushSavedTensorsHooks(pack: (t: Handle) => unknown, unpack: (packed: never) => Handle): void;
  popSavedTensorsHooks(): void;
  setSavedTensorsHooksDisabled(message: string | null): string | null;
  /** allowMutationOnSavedTensors on this thread, from enter to leave. */
  enterMutationContext(): void;
  leaveMutationContext(): void;
  /** Selective checkpointing: the storage two regions share; a region (policy: the forward's, null: the recomputation's) from enter to leave. */
  sacNewStorage(): Handle;
  sacEnter(storage: Handle, policy: ((output: unknown, op: string, args: unknown[]) => boolean) | null, allowCacheEntryMutation: boolean): void;
  sacLeave(): void;
  /** Tensors saved as ctx.saveForBackward saves inputs (through the saved-tensors hooks, versions recorded); unpacked with libtorch's checks. */
  saveInputs(tensors: (Handle | null)[]): Handle;
  unpackInputs(saved: Handle): (Handle | null)[];
  /** False inside a backward that computes only some inputs' gradients (Python's _is_checkpoint_valid). */
  isCheckpointValid(): boolean;
  checkpointLogNew(): Handle;
  checkpointLogEnter(log: Handle): void;
  /** [op lines, JS stacks], one each per op logged. */
  checkpointLogRead(log: Handle): [string[], string[]];
  /** The address of t's first element (0n without memory). */
  dataPtr(t: Handle): bigint;
  /** A uint8 tensor over every byte of t's storage. */
  storageBytes(t: Handle): Handle;
  storageDataPtr(t: Handle): bigint;
  storageNbytes(t: Handle): number;
  isShared(t: Handle): boolean;
  shareMemory(t: Handle): void;
  /** Reads (or sets, then reads) a leaf's grad dtype code; null: any dtype. */
  gradDtype(t: Handle, set?: number | null): number | null;
  setWarningHandler(fn: ((message: string, category: string) => void) | null): void;
  /** Writes one line through libtorch's C++ log (c10's LOG), as libtorch's own code does: for tests of its routing. */
  writeCppLog(severity: 'info' | 'warning' | 'error', message: string): void;
  deviceTypes(): string[];
  dtypes(): {
    code: number; name: string; c10Name: string; aliases: string[]; itemsize: number; kind: string; signed: boolean; toReal: number; toComplex: number | string;
    finfo?: { bits: number; eps: number; max: number; min: number; tiny: number; resolution: number; dtype: string };
    iinfo?: { bits: number; min: bigint; max: bigint; dtype: string };
  }[];
  /** Each TypedArray kind (its constructor's name) and the dtype code it holds (tensor_data.cc). */
  typedArrays(): { name: string; dtype: number }[];
  layouts(): { code: number; name: string }[];
  memoryFormats(): { code: number; name: string }[];
  qschemes(): { code: number; name: string }[];
  buildInfo(): { torchVersion: string; libtorchDir: string | null; cuda: boolean; cudaVersion: string | null; cudnnVersion: number | null; gcFinalizers: boolean; config: string; cxx11Abi: boolean; features: { namedTensors: boolean; gradLayoutPolicy: boolean } };
  setDefaultDtype(code: number): void;
  getDefaultDtype(): number;
  setDeterministicAlgorithms(mode: boolean, warnOnly: boolean): void;
  /** Reads (value undefined) or sets an at::globalContext() switch; returns the value in effect. */
  contextFlag(name: string, value?: boolean): boolean;
  /** scaled_dot_product_attention's backend order (SDPBackend numbers); set first when given. */
  sdpPriorityOrder(order?: number[]): number[];
  setFloat32MatmulPrecision(precision: string): void;
  getFloat32MatmulPrecision(): string;
  setNumInteropThreads(n: number): void;
  getNumInteropThreads(): number;
  cpuCapability(): string;
  cpuCapabilities(): Record<string, boolean | number | string> | null;
  initNumThreads(): void;
  /** Sets flush-to-zero of denormals; false where the CPU cannot. */
  setFlushDenormal(on: boolean): boolean;
  /** This thread's autocast switch for a device type; sets it when `enabled` is given. */
  autocastEnabled(deviceType: string, enabled?: boolean): boolean;
  /** This thread's autocast dtype code for a device type; sets it when `code` is given. */
  autocastDtype(deviceType: string, code?: number): number;
  /** +1 or -1 on this thread's autocast nesting depth; returns the new depth. */
  autocastNesting(delta: 1 | -1): number;
  autocastAvailable(deviceType: string): boolean;
  clearAutocastCache(): void;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function binaryPath(): string {
  // Another build of the addon, by path: the sanitizer build of scripts/sanitize-check.sh.
  const override = process.env.TORCHNODE_BINARY;
  if (override) {
    if (!existsSync(override)) throw new Error(`torchnode: TORCHNODE_BINARY names no file: ${override}`);
    return resolve(override);
  }
  const record = join(packageRoot, 'build', 'libtorch.json');
  if (existsSync(record)) {
    const { binary } = JSON.parse(readFileSync(record, 'utf8')) as { binary: string };
    const file = resolve(packageRoot, binary);
    if (existsSync(file)) return file;
  }
  const local = join(packageRoot, 'build', 'Release', 'torchnode.node');
  if (existsSync(local)) return local;
  throw new Error(
    'torchnode: the native addon is not built. Run `npm rebuild torchnode` (or `npm run build:native` in a checkout); ' +
      'it needs a supported libtorch (README, Install), e.g. PyTorch in a venv: `python3 -m venv .venv && .venv/bin/pip install torch==2.13.0`.',
  );
}

export const native = createRequire(import.meta.url)(binaryPath()) as NativeAddon;
// A worker thread gets its own default CPU generator (native/src/thread_generator.h), as each of
// Python's worker processes has its own: its seeds and draws leave the main thread's stream alone.
if (!isMainThread) (native as unknown as { useThreadGenerator(): void }).useThreadGenerator();
