// Tensor methods and properties that PyTorch implements in Python or its binding layer (torch/_tensor.py,
// python_variable.cpp): type(), newTensor, elementSize, layout, ..., and the dunders spelled the JS
// way: x.length is len(x), `for (const row of x)` iterates dim 0, Number(x) is float(x).
import { aten } from '../call.js';
import { toDevice } from '../device.js';
import { DType, toDType, type DTypeLike } from '../dtype.js';
import { tensor, type TensorData, type TensorOptions } from '../creation.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { Tensor } from '../tensor.js';
import { installMethods } from './args.js';

// c10's ScalarType names, which Python's legacy type strings ('torch.FloatTensor') are made of.
const C10_NAMES: Record<string, string> = {
  float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16', uint8: 'Byte', int8: 'Char', int16: 'Short',
  int32: 'Int', int64: 'Long', bool: 'Bool', complex32: 'ComplexHalf', complex64: 'ComplexFloat', complex128: 'ComplexDouble',
  uint16: 'UInt16', uint32: 'UInt32', uint64: 'UInt64', qint8: 'QInt8', quint8: 'QUInt8', qint32: 'QInt32', quint4x2: 'QUInt4x2', quint2x4: 'QUInt2x4',
};
const c10Name = (d: DType): string => C10_NAMES[d.name] ?? d.name[0]!.toUpperCase() + d.name.slice(1);
const TYPE_STRING = /^torch\.(?:(cuda|meta|mps|xpu)\.)?(?:(sparse)\.)?(\w+)Tensor$/;

/** Python's x.type(): 'torch.FloatTensor', 'torch.cuda.LongTensor', 'torch.sparse.DoubleTensor', ... */
function typeString(t: Tensor): string {
  const device = t.device.type;
  const sparse = t.layout.name === 'sparse_coo' ? 'sparse.' : '';
  return `torch.${device === 'cpu' ? '' : `${device}.`}${sparse}${c10Name(t.dtype)}Tensor`;
}

// x.type(dtype): a dtype (or its name), or a type string, which may name a device too.
function typeTarget(type: unknown): { dtype: DType; device: string | null } {
  if (typeof type === 'string') {
    const m = TYPE_STRING.exec(type);
    if (m) {
      const name = Object.keys(C10_NAMES).find((k) => C10_NAMES[k] === m[3]);
      if (!name || m[2]) throw new TypeError(`type: invalid type: '${type}'`);
      return { dtype: toDType(name, 'type'), device: m[1] ?? 'cpu' };
    }
  }
  return { dtype: toDType(type, 'type'), device: null };
}

declare module '../tensor.js' {
  interface Tensor {
    /** Python's x.type(): the legacy type string, e.g. 'torch.FloatTensor'. */
    type(): string;
    /** x.type(dtype) converts (x itself if it already is that type); a type string may name the device: 'torch.cuda.FloatTensor'. */
    type(dtype: DTypeLike, nonBlocking?: boolean | { nonBlocking?: boolean }): Tensor;
    /** A new tensor from data with this tensor's dtype and device unless the options say otherwise. */
    newTensor(data: TensorData, options?: TensorOptions): Tensor;
    /** Bytes per element. */
    elementSize(): number;
    /** The number of elements (numel). */
    nelement(): number;
    /** The number of dims (dim). */
    ndimension(): number;
    readonly isCpu: boolean;
    readonly isQuantized: boolean;
    readonly isMeta: boolean;
    /** Whether retainGrad() was called on this non-leaf tensor. */
    readonly retainsGrad: boolean;
    /** Which output of its gradFn this tensor is. */
    readonly outputNr: number;
    /** len(x): the size of dim 0; TypeError for a 0-d tensor. */
    readonly length: number;
    /** iter(x): the sub-tensors along dim 0 (x.unbind(0)); undefined for a 0-d tensor, which is not iterable (TypeError). */
    readonly [Symbol.iterator]: () => Iterator<Tensor>;
  }
}

installMethods({
  type(this: Tensor, dtype?: unknown, nonBlocking?: unknown): string | Tensor {
    if (dtype === undefined || isOptionsObject(dtype)) {
      if (isOptionsObject(dtype)) readOptions('type', dtype, []);
      return typeString(this);
    }
    const nb = isOptionsObject(nonBlocking) ? (readOptions('type', nonBlocking, ['nonBlocking']).nonBlocking ?? false) : (nonBlocking ?? false);
    if (typeof nb !== 'boolean') throw new TypeError(`type: nonBlocking must be a boolean, got ${describe(nb)}`);
    const target = typeTarget(dtype);
    const device = target.device === null ? this.device : toDevice(target.device === 'cuda' && this.isCuda ? this.device : target.device, 'type');
    if (target.dtype === this.dtype && device.type === this.device.type) return this;
    return aten('to', [this, { dtype: target.dtype, device, nonBlocking: nb }]) as Tensor;
  },
  newTensor(this: Tensor, data: TensorData, options: TensorOptions = {}): Tensor {
    const o = readOptions('newTensor', options, ['dtype', 'device', 'requiresGrad']) as TensorOptions;
    return tensor(data, { dtype: o.dtype ?? this.dtype, device: o.device ?? this.device, ...(o.requiresGrad === undefined ? {} : { requiresGrad: o.requiresGrad }) });
  },
  elementSize(this: Tensor): number {
    return this.dtype.itemsize;
  },
  nelement(this: Tensor): number {
    return this.numel();
  },
  ndimension(this: Tensor): number {
    return this.dim();
  },
  // float(x) for Number(x) / +x; printing for `${x}` and string concatenation.
  [Symbol.toPrimitive](this: Tensor, hint: 'number' | 'string' | 'default'): number | string {
    if (hint !== 'number') return this.toString();
    if (this.numel() !== 1) throw new RangeError('only one element tensors can be converted to Python scalars');
    return Number(this.item());
  },
} as unknown as Record<string | symbol, (this: Tensor, ...args: never[]) => unknown>);

const getters: Record<string, (this: Tensor) => unknown> = {
  isCpu(this: Tensor): boolean {
    return this.device.type === 'cpu';
  },
  isQuantized(this: Tensor): boolean {
    return this.dtype.kind === 'quantized';
  },
  isMeta(this: Tensor): boolean {
    return this.device.type === 'meta';
  },
  retainsGrad(this: Tensor): boolean {
    return aten('retains_grad', [this]) as boolean;
  },
  outputNr(this: Tensor): number {
    return aten('output_nr', [this]) as number;
  },
  length(this: Tensor): number {
    if (this.dim() === 0) throw new TypeError('len() of a 0-d tensor');
    return this.size(0);
  },
};
for (const [name, get] of Object.entries(getters)) Object.defineProperty(Tensor.prototype, name, { get, configurable: true });

function* rows(this: Tensor): Generator<Tensor> {
  yield* aten('unbind', [this, 0]) as Tensor[];
}
// iter(x): a 0-d (or disposed) tensor has no iterator, so `for...of` and spreading raise a TypeError as
// Python's iteration does, and deep-equality helpers (vitest, jest) that probe for one do not iterate it.
Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  get(this: Tensor) {
    return this.isDisposed || this.dim() === 0 ? undefined : rows;
  },
  configurable: true,
});
