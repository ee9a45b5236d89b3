// torch.device: a type ('cpu', 'cuda', ...) and an optional index.
import { native } from './native.js';

// The device types libtorch knows (c10::DeviceType names, from the addon), as torch.device checks them.
const DEVICE_TYPES = new Set(native.deviceTypes());

export class Device {
  readonly type: string;
  readonly index: number | null;
  constructor(type: string, index: number | null = null) {
    // c10's parser: letters and underscores, then ':' and an index without leading zeros.
    const m = /^([a-zA-Z_]+)(?::(0|[1-9]\d*))?$/.exec(type);
    if (!m) throw new TypeError(`device: invalid device string '${type}'`);
    if (!DEVICE_TYPES.has(m[1]!))
      throw new TypeError(`device: Expected one of ${[...DEVICE_TYPES].join(', ')} device type at start of device string: ${m[1]}`);
    if (m[2] !== undefined && index !== null) throw new TypeError(`device: '${type}' already has an index`);
    if (index !== null && (!Number.isInteger(index) || index < 0)) throw new RangeError(`device: index must be a non-negative integer, got ${index}`);
    this.type = m[1]!;
    this.index = m[2] !== undefined ? Number(m[2]) : index;
    Object.freeze(this);
  }
  /** Python's `==`: the same type and index ('cuda' and 'cuda:0' differ); false for anything not a Device. */
  equals(other: unknown): boolean {
    return other instanceof Device && other.type === this.type && other.index === this.index;
  }
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `device(type='${this.type}'${this.index === null ? '' : `, index=${this.index}`})`;
  }
}

export type DeviceLike = Device | string;

/** torch.device('cuda', 1) or torch.device('cuda:1'). */
export function device(type: string, index: number | null = null): Device {
  return new Device(type, index);
}

/** The Device for a string or Device; `fn` names the caller in errors. */
export function toDevice(d: unknown, fn = 'device'): Device {
  if (d instanceof Device) return d;
  if (typeof d === 'string') {
    try {
      return new Device(d);
    } catch (e) {
      (e as Error).message = (e as Error).message.replace(/^device: /, `${fn}: `);
      throw e;
    }
  }
  throw new TypeError(`${fn}: expected a device string like 'cuda:0' or a torch.device, got ${d === null ? 'null' : typeof d}`);
}
