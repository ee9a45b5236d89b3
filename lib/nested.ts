// torch.nested with the strided layout (libtorch's NestedTensorImpl), ported from
// torch/nested/__init__.py. The torch.jagged layout is a Python tensor subclass (NestedTensor in
// torch/nested/_internal), not a libtorch type, so it is refused with an explanation.
import { noGrad } from './autograd.js';
import { aten } from './call.js';
import { tensor as tensorFrom, type TensorData } from './creation.js';
import { type DeviceLike } from './device.js';
import { native } from './native.js';
import { describe, isOptionsObject, readOptions } from './options.js';
import { layoutCode, type DTypeLike, type LayoutLike } from './dtype.js';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

const STRIDED = 0;
const JAGGED = 7;

// Returns true when the layout asks for the strided nested tensor; explains why jagged cannot be had.
function stridedLayout(layout: unknown, fn: string): void {
  if (layout === undefined || layout === null) return;
  const code = layoutCode(layout, fn);
  if (code === JAGGED)
    throw new Error(`${fn}: the torch.jagged layout is a Python tensor subclass (torch.nested._internal.NestedTensor) that libtorch does not have; torchnode supports layout torch.strided`);
  if (code !== STRIDED) throw new Error(`${fn}: Specified layout is unsupported for nested tensors: torch.${String(layout).replace(/^torch\./, '')}`);
}

export interface NestedTensorOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  layout?: LayoutLike | null;
  requiresGrad?: boolean;
  pinMemory?: boolean;
}

/**
 * torch.nested.nested_tensor(tensorList, { dtype, device, requiresGrad, layout: torch.strided }):
 * copies each item (a Tensor or data torch.tensor takes) into a new leaf nested tensor.
 */
export function nestedTensor(tensorList: readonly (Tensor | TensorData)[], options: NestedTensorOptions = {}): Tensor {
  const fn = 'nested.nestedTensor';
  if (!Array.isArray(tensorList)) throw new TypeError(`${fn}: expected an array of tensors or data, got ${describe(tensorList)}`);
  const o = readOptions(fn, options, ['dtype', 'device', 'layout', 'requiresGrad', 'pinMemory']);
  stridedLayout(o.layout, fn);
  if (o.requiresGrad !== undefined && typeof o.requiresGrad !== 'boolean') throw new TypeError(`${fn}: requiresGrad must be a boolean, got ${describe(o.requiresGrad)}`);
  const made: Tensor[] = [];
  try {
    // Python's nested_tensor_ctor: tensors are detached, other data goes through torch.tensor with the dtype and device asked for.
    const items = tensorList.map((item) => {
      if (isTensor(item)) {
        if (isNested(item)) throw new Error(`${fn}: We do not accept nested tensors as input to nested tensors`);
        if (item.layout.name !== 'strided') throw new Error(`${fn}: We do not accept non-strided layouts as input to nested tensors`);
      }
      const dataOptions = { ...(o.dtype != null && { dtype: o.dtype as DTypeLike }), ...(o.device != null && { device: o.device as DeviceLike }) };
      const t = isTensor(item) ? item.detach() : tensorFrom(item as TensorData, dataOptions);
      made.push(t);
      return t;
    });
    const nt = aten('_nested_tensor_from_tensor_list', [items, o.dtype ?? null, null, o.device ?? null, o.pinMemory ?? null]) as Tensor;
    try {
      if (o.requiresGrad) nt.requiresGrad_(true);
    } catch (e) {
      nt.dispose(); // e.g. integer data: nothing is left behind
      throw e;
    }
    return nt;
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * torch.nested.as_nested_tensor(ts, dtype?, device?, layout?): keeps autograd history (a list of
 * tensors) or views a tensor's leading dimension (a tensor with dim > 1).
 */
export function asNestedTensor(
  ts: Tensor | readonly Tensor[],
  dtype?: DTypeLike | null | { dtype?: DTypeLike | null; device?: DeviceLike | null; layout?: LayoutLike | null },
  device?: DeviceLike | null,
  layout?: LayoutLike | null,
): Tensor {
  const fn = 'nested.asNestedTensor';
  if (isOptionsObject(dtype)) {
    const o = readOptions(fn, dtype, ['dtype', 'device', 'layout']);
    return asNestedTensor(ts, (o.dtype as DTypeLike | null) ?? null, (o.device as DeviceLike | null) ?? null, (o.layout as LayoutLike | null) ?? null);
  }
  const isList = Array.isArray(ts) && ts.every((t) => isTensor(t));
  if (!isTensor(ts) && !isList) throw new TypeError(`${fn}: Expected first argument to be a tensor or a list / tuple of tensors `);
  if (isTensor(ts)) {
    if (isNested(ts)) {
      stridedLayout(layout ?? STRIDED_NAME, fn);
      return ts.to({ ...(dtype != null ? { dtype } : {}), ...(device != null ? { device } : {}) });
    }
    if (ts.dim() < 2) throw new Error(`${fn}: Expected tensor argument to have dim() > 1`);
  }
  stridedLayout(layout, fn);
  if (isTensor(ts)) {
    const buffer = aten('to', [ts.reshape(-1), { dtype: dtype ?? null, device: device ?? null }]) as Tensor;
    const sizes = tensorFrom(Array.from({ length: ts.shape[0]! }, () => ts.shape.slice(1)));
    const [strides, offsets] = aten('_nested_compute_contiguous_strides_offsets', [sizes]) as [Tensor, Tensor];
    return aten('_nested_view_from_buffer', [buffer, sizes, strides, offsets]) as Tensor;
  }
  return aten('_nested_tensor_from_tensor_list', [ts, dtype ?? null, null, device ?? null, null]) as Tensor;
}
const STRIDED_NAME = 'strided';

/** torch.nested.to_padded_tensor(input, padding, outputSize?): a dense tensor, gaps filled with padding. */
export function toPaddedTensor(input: Tensor, padding: number | { padding: number; outputSize?: number[] | null }, outputSize?: number[] | null | { outputSize?: number[] | null }): Tensor {
  if (isOptionsObject(padding)) {
    const o = readOptions('nested.toPaddedTensor', padding, ['padding', 'outputSize']);
    return toPaddedTensor(input, o.padding as number, (o.outputSize as number[] | null | undefined) ?? null);
  }
  const size = isOptionsObject(outputSize) ? readOptions('nested.toPaddedTensor', outputSize, ['outputSize']).outputSize : outputSize;
  return aten('nested_to_padded_tensor', [input, padding, size ?? null]) as Tensor;
}

/** torch.nested.narrow(tensor, dim, start, length, layout = torch.strided): libtorch narrows strided nested tensors on dim 0 only. */
export function narrow(tensor: Tensor, dim: number, start: number, length: number, layout: LayoutLike = STRIDED_NAME): Tensor {
  stridedLayout(layout, 'nested.narrow');
  if (!Number.isInteger(start) || !Number.isInteger(length)) throw new TypeError('nested.narrow: start and length must be integers for the strided layout NT impl');
  const parts = aten('unbind', [tensor]) as Tensor[];
  try {
    return aten('narrow', [asNestedTensor(parts, { layout: STRIDED_NAME }), dim, start, length]) as Tensor;
  } finally {
    for (const p of parts) p.dispose();
  }
}

const jaggedOnly = (name: string) => (): never => {
  throw new Error(`nested.${name}: needs the torch.jagged layout, a Python tensor subclass that libtorch does not have; torchnode supports torch.strided nested tensors only`);
};

/** The torch.nested namespace. */
export const nested = {
  nestedTensor,
  asNestedTensor,
  toPaddedTensor,
  narrow,
  nestedTensorFromJagged: jaggedOnly('nestedTensorFromJagged'),
  maskedSelect: jaggedOnly('maskedSelect'),
};

// ---- Tensor members -----------------------------------------------------------------------------

/** True for a nested tensor: libtorch's NestedTensorImpl has no single size. */
function isNested(t: Tensor): boolean {
  const h = handleOfTensor(t);
  return !native.isDisposed(h) && native.isNested(h);
}

declare module './tensor.js' {
  interface Tensor {
    /** True for a nested tensor (Python's x.is_nested). */
    readonly isNested: boolean;
  }
}

// Python prints a nested tensor as its unbound parts (torch/_tensor_str.py), under no_grad.
function nestedString(nt: Tensor): string {
  return noGrad(() => {
    const parts = aten('unbind', [nt, 0]) as Tensor[];
    try {
      const body = parts.map((p) => String(p).split('\n').map((line) => `  ${line}`).join('\n')).join(',\n');
      const suffixes: string[] = [];
      const device = String(nt.device);
      if (device !== 'cpu') suffixes.push(`device='${device}'`);
      const gradFn = nt.gradFn;
      if (gradFn) suffixes.push(`grad_fn=<${gradFn.name()}>`);
      else if (nt.requiresGrad) suffixes.push('requires_grad=True');
      return `nested_tensor([\n${body}\n]${suffixes.map((s) => `, ${s}`).join('')})`;
    } finally {
      for (const p of parts) p.dispose();
    }
  });
}

const plainToString = Object.getOwnPropertyDescriptor(Tensor.prototype, 'toString')!.value as (this: Tensor) => string;
const plainSize = Object.getOwnPropertyDescriptor(Tensor.prototype, 'size')!.value as (this: Tensor, dim?: number) => number[] | number;
Object.defineProperties(Tensor.prototype, {
  isNested: { get(this: Tensor): boolean { return isNested(this); }, configurable: true },
  // A nested tensor has sizes only in its regular dims: x.size(0) works, x.size() does not (as in
  // Python). Plain tensors take the usual path first, so it costs them nothing.
  size: {
    value(this: Tensor, dim?: number): number[] | number {
      try {
        return plainSize.call(this, dim);
      } catch (e) {
        if (dim !== undefined && isNested(this)) return aten('size', [this, dim]) as number;
        throw e;
      }
    },
    writable: true,
    configurable: true,
  },
  toString: {
    value(this: Tensor): string {
      try {
        return plainToString.call(this);
      } catch (e) {
        if (isNested(this)) return nestedString(this);
        throw e;
      }
    },
    writable: true,
    configurable: true,
  },
});
