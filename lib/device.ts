// torch.device: a type ('cpu', 'cuda', ...) and an optional index.
export class Device {
  readonly type: string;
  readonly index: number | null;
  constructor(type: string, index: number | null = null) {
    const m = /^([a-z]+)(?::(\d+))?$/.exec(type);
    if (!m) throw new TypeError(`invalid device string '${type}'`);
    if (m[2] !== undefined && index !== null) throw new TypeError(`device '${type}' already has an index`);
    if (index !== null && (!Number.isInteger(index) || index < 0)) throw new RangeError(`device index must be a non-negative integer, got ${index}`);
    this.type = m[1]!;
    this.index = m[2] !== undefined ? Number(m[2]) : index;
    Object.freeze(this);
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

export function toDevice(d: DeviceLike): Device {
  return d instanceof Device ? d : new Device(d);
}
