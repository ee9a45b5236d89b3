// torch.Generator: an independent random stream (CPU), or a handle on a default generator.
import { Device, type DeviceLike } from './device.js';
import { native, type Handle } from './native.js';
import { isOptionsObject, readOptions } from './options.js';
import { Tensor, toHandle } from './tensor.js';

let adopting: Handle | null = null; // set while wrapping an existing native generator
let handleOfGenerator: (g: Generator) => Handle;

export class Generator {
  #h: Handle;

  /** `new torch.Generator()`, `new torch.Generator('cpu')` or `({ device })`: a fresh stream seeded with the default seed. */
  constructor(device: DeviceLike | { device?: DeviceLike } = 'cpu') {
    if (isOptionsObject(device)) device = (readOptions('Generator', device, ['device']).device ?? 'cpu') as DeviceLike;
    this.#h = adopting ?? (native.generatorNew(String(device)) as Handle);
  }

  static {
    handleOfGenerator = (g: Generator): Handle => g.#h;
  }

  get device(): Device {
    return new Device(native.generatorDevice(this.#h));
  }
  /** Seeds this generator; returns it, as PyTorch does. */
  manualSeed(seed: number | bigint): this {
    native.generatorManualSeed(this.#h, seedValue(seed, 'Generator.manualSeed', true));
    return this;
  }
  /** Seeds from a non-deterministic source; returns the seed. */
  seed(): bigint {
    return BigInt.asUintN(64, BigInt(native.generatorSeed(this.#h)));
  }
  initialSeed(): bigint {
    return BigInt.asUintN(64, BigInt(native.generatorInitialSeed(this.#h)));
  }
  /** The generator's state as a uint8 tensor (a copy). */
  getState(): Tensor {
    return new Tensor(native.generatorGetState(this.#h));
  }
  setState(state: Tensor): this {
    native.generatorSetState(this.#h, toHandle(state, 'Generator.setState: state'));
    return this;
  }
  /** Python's g.clone_state(): a new Generator on the same device with this one's state (seed included). */
  cloneState(): Generator {
    const g = new Generator(this.device);
    const state = native.generatorGetState(this.#h) as Handle;
    native.generatorSetState(g.#h, state);
    return g;
  }
}

/** The native handle of a Generator, for the generic call path. */
export function generatorHandle(g: Generator): Handle {
  return handleOfGenerator(g);
}

/**
 * Checks a seed the way Python does (any int in [-2^63, 2^64)) and gives its 64 bits. A float is truncated
 * as torch.manual_seed's int(seed) does, except when strict (Generator.manual_seed takes ints only).
 */
export function seedValue(seed: unknown, fn: string, strict = false): bigint {
  if (typeof seed === 'number' && !Number.isInteger(seed)) {
    if (strict) throw new TypeError(`${fn}: seed must be an integer, got ${seed}`);
    if (!Number.isFinite(seed)) throw new RangeError(`${fn}: cannot convert float ${Number.isNaN(seed) ? 'NaN' : 'infinity'} to integer`);
    seed = Math.trunc(seed);
  }
  if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new TypeError(`${fn}: seed must be an integer, got ${typeof seed}`);
  const big = BigInt(seed);
  if (big < -(2n ** 63n) || big >= 2n ** 64n) throw new RangeError(`${fn}: Overflow when unpacking long (${big})`);
  return BigInt.asIntN(64, big);
}

function adopt(h: Handle): Generator {
  adopting = h;
  try {
    return new Generator();
  } finally {
    adopting = null;
  }
}

/** A device's default generator (shared with libtorch, not a copy): 'cuda:0' is torch.cuda.default_generators[0]. */
export function deviceDefaultGenerator(device: string): Generator {
  return adopt(native.defaultGenerator(device) as Handle);
}

/** torch.default_generator: the CPU generator that torch.manualSeed seeds. */
export const defaultGenerator: Generator = adopt(native.defaultGenerator('cpu') as Handle);

/** torch.get_rng_state / set_rng_state / seed, on the default CPU generator. */
export function getRngState(): Tensor {
  return defaultGenerator.getState();
}
export function setRngState(state: Tensor): void {
  defaultGenerator.setState(state);
}
export function seed(): bigint {
  return defaultGenerator.seed();
}
