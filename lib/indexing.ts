// Python's indexing: x[0, :, 1:3] as x.index(0, ':', '1:3') and x[mask] = v as x.indexPut_([mask], v),
// with basic items as views and tensor items through aten::index / index_put_ (PyTorch's applySlicing).
import { aten } from './call.js';
import { indexingTensorFromData, tensor as tensorFromData, type TensorData } from './creation.js';
import { bool as boolDType, int64 as int64DType, uint8 as uint8DType } from './dtype.js';
import { native } from './native.js';
import { describe } from './options.js';
import { isTensor as isTensorObject, Tensor, type IndexItem, type NestedArray, type TensorOrScalar } from './tensor.js';
import { warn } from './warnings.js';

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

// libtorch's error with the caller's name in front instead of the op's (`select: ...` as `index: ...`).
function renamed(e: unknown, op: string, fn: string): unknown {
  if (e instanceof Error && e.message.startsWith(`${op}: `)) e.message = `${fn}: ${e.message.slice(op.length + 2)}`;
  return e;
}

// A nested tensor has no sizes: Python's indexing then skips its shape checks and shortcuts (NOTE [nested tensor size for indexing]).
const isNestedTensor = (t: Tensor): boolean => (t as { isNested?: boolean }).isNested === true;

// Python's __PySlice_Unpack: a bound is clamped to Py_ssize_t, then one below SymInt's smallest
// (-2^62) is raised to it with a warning; huge bounds stay exact as BigInts, aten::slice clamps them.
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const SYMINT_MIN = -(2n ** 62n);
function sliceBound(text: string | undefined): number | bigint | null {
  if (text === undefined) return null;
  let v = BigInt(text);
  if (v > INT64_MAX) v = INT64_MAX;
  if (v < INT64_MIN) v = INT64_MIN;
  if (v < SYMINT_MIN) {
    warn('Truncating the start/stop/step of slice. This is likely because of saved old models when the start/stop/step were larger.');
    v = SYMINT_MIN;
  }
  return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
}

// Python's treatSequenceAsTuple (python_variable_indexing.cpp): a lone list shorter than 32 with a
// tensor, a sequence (a list, a TypedArray as a NumPy array, a string), a slice, Ellipsis or None
// in it is read as a tuple of items, x[[[0, 1], [1, 0]]] as x[[0, 1], [1, 0]], with a deprecation warning.
function treatSequenceAsTuple(seq: unknown[]): boolean {
  if (seq.length >= 32) return false;
  return seq.some((e) => e === null || typeof e === 'string' || Array.isArray(e) || isTensorObject(e) || (ArrayBuffer.isView(e) && !(e instanceof DataView)));
}
const SEQUENCE_AS_TUPLE =
  'Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. ' +
  'In pytorch 2.9 this will be interpreted as tensor index, x[torch.tensor(seq)], which will result either in an error or a different result';

// Python's applySelect: x[i] as a select view, IndexError (a RangeError) where i is past the dim; realDim is the item's place.
function applySelect(fn: string, view: Tensor, dim: number, index: number | bigint, realDim: number): Tensor {
  if (isNestedTensor(view)) {
    // no sizes to check against: aten::select raises, as in Python (nt[5]: index 5 is out of bounds ...)
    try {
      return aten('select', [view, dim, index]) as Tensor;
    } catch (e) {
      throw renamed(e, 'select', fn);
    }
  }
  const i = Number(index);
  if (i === 0 && dim === 0 && view.dim() === 0)
    throw new RangeError(`${fn}: invalid index of a 0-dim tensor. Use \`tensor.item()\` in Python or \`tensor.item<T>()\` in C++ to convert a 0-dim tensor to a number`);
  const size = dim < view.dim() ? view.shape[dim]! : 0; // past the last dim (after a list mask), Python reports size 0
  if (!(size > -1 - i && size > i)) throw new RangeError(`${fn}: index ${String(index)} is out of bounds for dimension ${realDim} with size ${size}`);
  return aten('select', [view, dim, index]) as Tensor;
}

// A 0-d integer (not uint8) index tensor is a basic index in Python (x[torch.tensor(1)] is a select view); a 0-d bool/uint8 one is x[True]/x[False].
const isIntegerScalarIndex = (t: Tensor): boolean => t.dim() === 0 && !t.dtype.isFloatingPoint && !t.dtype.isComplex && !isMask(t);
// bool and uint8 index tensors are masks: each takes as many dims as it has (count_specified_dimensions).
const isMask = (t: Tensor): boolean => t.dtype === boolDType || t.dtype === uint8DType;
const isBoolScalarIndex = (t: Tensor): boolean => t.dim() === 0 && isMask(t);

// Numbers, bools, BigInts and tensors, in arrays nested to any depth (ragged ones are refused by the conversion).
function isIndexData(v: unknown): v is NestedArray<number | bigint | boolean | Tensor> {
  return Array.isArray(v) && v.every((e) => typeof e === 'number' || typeof e === 'bigint' || typeof e === 'boolean' || isTensorObject(e) || isIndexData(e));
}
function tensorsIn(v: unknown, out: Tensor[] = []): Tensor[] {
  if (isTensorObject(v)) out.push(v);
  else if (Array.isArray(v)) for (const e of v) tensorsIn(e, out);
  return out;
}

// Python's indexing_tensor_from_data for a list with tensors in it ([torch.tensor(0), 2]): each tensor
// is one element (unpacked as a Python int: a single integer or bool value), the inferred dtype
// decides (bool or uint8 is a mask, anything else int64): torch.tensor's own data path.
function indexingTensorWithTensors(data: NestedArray<number | bigint | boolean | Tensor>, fn: string): Tensor {
  for (const t of tensorsIn(data))
    if (t.numel() !== 1 || t.dtype.isFloatingPoint || t.dtype.isComplex) throw new TypeError(`${fn}: only integer tensors of a single element can be converted to an index`);
  try {
    const probe = tensorFromData(data as TensorData);
    if (isMask(probe) || probe.dtype === int64DType) return probe;
    probe.dispose();
    return tensorFromData(data as TensorData, { dtype: int64DType }); // from the values themselves: [torch.tensor(0), 1.7] is [0, 1]
  } catch (e) {
    throw renamed(e, 'tensor', fn);
  }
}

// Python's indexing_tensor_from_data for a NumPy array: uint8 (a mask) keeps its dtype, any other becomes int64 (fractions truncated).
function indexingTensorFromTypedArray(data: ArrayBufferView, fn: string): Tensor {
  const keepsDtype = data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof BigInt64Array; // a mask, or int64 already
  try {
    return tensorFromData(data as TensorData, keepsDtype ? {} : { dtype: int64DType }); // one conversion
  } catch (e) {
    throw renamed(e, 'tensor', fn);
  }
}

// Python's applySlicing: basic items become select/slice/unsqueeze views in order; tensor items are
// collected per dim. `finish` then applies them: aten::index to read, index_put_/copy_ to write.
function applyIndex(self: Tensor, items: IndexItem[], fn: string, finish: (view: Tensor, advanced: (Tensor | null)[]) => Tensor): Tensor {
  // x[a:b] alone: Python's get_item slices even the whole dim (a[:] is a SliceBackward0 view, a[:, :] an alias);
  // setitem keeps the shortcut. Neither counts dims first: a 0-d tensor gets aten::slice's own error.
  const loneSlice = items.length === 1 && typeof items[0] === 'string' && items[0] !== '...';
  const items0 = items[0];
  if (items.length === 1 && Array.isArray(items0) && treatSequenceAsTuple(items0)) {
    warn(SEQUENCE_AS_TUPLE);
    items = items0 as IndexItem[];
  }
  // Python's count_specified_dimensions: None, Ellipsis and bools take no dim; a bool tensor takes its dims.
  const consumes = (it: IndexItem): number => (it === null || it === '...' || typeof it === 'boolean' ? 0 : isTensorObject(it) && isMask(it) ? it.dim() : 1);
  const specified = items.reduce((n: number, it) => n + consumes(it), 0);
  // x[i] on a 0-d tensor: Python's getitem takes an int straight to applySelect, before counting dims
  if (self.dim() === 0 && items.length === 1 && (typeof items[0] === 'number' || typeof items[0] === 'bigint') && Number.isInteger(Number(items[0])))
    applySelect(fn, self, 0, items[0], 0);
  if (specified > self.dim() && !loneSlice) throw new RangeError(`${fn}: too many indices for tensor of dimension ${self.dim()}`);
  let result = self;
  let dim = 0;
  // aten::index expands a k-dim mask in place into k index tensors: an entry of `advanced` stands for
  // dim `dim` less the extra dims of the masks before it (x[mask2d, idx] is [mask2d, idx], not [mask2d, null, idx])
  let maskExtraDims = 0;
  const advanced: (Tensor | null)[] = [];
  const record = (t: Tensor, dims: number): void => {
    while (advanced.length < dim - maskExtraDims) advanced.push(null);
    advanced[dim - maskExtraDims] = t;
    dim += dims;
    maskExtraDims += dims - 1;
  };
  const made: Tensor[] = []; // intermediate views and index tensors, disposed at the end
  let ok = false;
  const step = (t: Tensor): Tensor => {
    if (result !== self) made.push(result);
    return (result = t);
  };
  try {
    // x[True] / x[False]: a new dim of size 1, indexed by [0] or by nothing (applySlicing's boolToIndexingTensor).
    const boolIndex = (value: boolean): void => {
      step(aten('unsqueeze', [result, dim]) as Tensor);
      const t = new Tensor(native.fromTypedArray(new Float64Array(value ? [0] : []), [value ? 1 : 0], int64DType.code));
      made.push(t);
      record(t, 1);
    };
    for (const [realDim, it] of items.entries()) {
      if (typeof it === 'number' || typeof it === 'bigint') {
        if (typeof it === 'number' && !Number.isInteger(it))
          throw new RangeError(`${fn}: only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got float)`);
        step(applySelect(fn, result, dim, it, realDim));
      } else if (typeof it === 'boolean') {
        boolIndex(it);
      } else if (isTensorObject(it) && isIntegerScalarIndex(it)) {
        step(applySelect(fn, result, dim, it.item() as number | bigint, realDim));
      } else if (isTensorObject(it) && isBoolScalarIndex(it)) {
        boolIndex(Boolean(it.item()));
      } else if (it === null) {
        step(aten('unsqueeze', [result, dim]) as Tensor);
        dim++;
      } else if (it === '...') {
        dim += self.dim() - specified;
      } else if (typeof it === 'string') {
        const m = SLICE.exec(it);
        if (!m) throw new TypeError(`${fn}: '${it}' is not a slice like '1:3', '::2' or ':'`);
        const stepSize = sliceBound(m[3]) ?? 1;
        const start = sliceBound(m[1]);
        const stop = sliceBound(m[2]);
        if (stepSize === 0) throw new RangeError(`${fn}: slice step cannot be zero`);
        if (stepSize < 0) throw new RangeError(`${fn}: step must be greater than zero`);
        // applySlice's shortcut: a slice of the whole dim is no op at all (x[:, idx] runs index only);
        // not for a lone slice read, a 0-d or a nested tensor
        const whole =
          !(loneSlice && fn === 'index') && result.dim() > 0 && !isNestedTensor(result) &&
          (start === null || start === 0) && (stop === null || stop >= result.shape[dim]!) && stepSize === 1;
        if (!whole) {
          try {
            step(aten('slice', [result, dim, start, stop, stepSize]) as Tensor);
          } catch (e) {
            throw result.dim() === 0 ? renamed(e, 'slice', fn) : e; // slice() cannot be applied to a 0-dim tensor.
          }
        }
        dim++;
      } else {
        let t: Tensor;
        if (isTensorObject(it)) t = it;
        else if (Array.isArray(it)) {
          // Python's sequenceToVariable: a list of numbers, bools and one-element tensors, nested or not, as one index tensor
          if (!isIndexData(it)) throw new TypeError(`${fn}: only integers, slices, null, ..., and integer or boolean arrays/tensors are valid indices`);
          t = tensorsIn(it).length ? indexingTensorWithTensors(it, fn) : indexingTensorFromData(it as NestedArray<number | bigint | boolean>, fn);
          made.push(t);
        } else if (ArrayBuffer.isView(it) && !(it instanceof DataView)) {
          // A TypedArray as a NumPy array in Python: uint8 indexes as a mask, any other dtype as int64 (fractions truncated).
          t = indexingTensorFromTypedArray(it, fn);
          made.push(t);
        } else throw new TypeError(`${fn}: unsupported index item ${describe(it)}`);
        record(t, isMask(t) ? t.dim() : 1);
      }
    }
    const out = finish(result, advanced);
    if (result !== out) made.push(result);
    result = out;
    ok = true;
    return out;
  } finally {
    if (!ok && result !== self) made.push(result); // the view reached when an item failed
    for (const t of made) if ((!ok || t !== result) && t !== self) t.dispose();
  }
}

function readIndex(self: Tensor, view: Tensor, advanced: (Tensor | null)[]): Tensor {
  if (advanced.length) return aten('index', [view, advanced]) as Tensor;
  return view === self ? (aten('alias', [self]) as Tensor) : view; // x[...] is a new view, as in Python
}

// Python's slicePrefix1sSize: setitem drops the value's leading dims of size 1 (x[0] = ones(1, 4) on rows of 4).
function withoutLeadingOnes(values: Tensor): Tensor {
  const shape = values.shape;
  let k = 0;
  while (k < shape.length && shape[k] === 1) k++;
  return k === 0 ? values : (aten('view', [values, shape.slice(k)]) as Tensor);
}

// Python's setitem: index_put_ on the sliced view when there are tensor indices, else copy_/fill_.
function writeIndex(self: Tensor, view: Tensor, advanced: (Tensor | null)[], values: TensorOrScalar, accumulate: boolean): Tensor {
  if (isTensorObject(values)) {
    const sliced = withoutLeadingOnes(values);
    try {
      if (advanced.length) aten('index_put_', [view, advanced, sliced, accumulate]);
      else if (accumulate) view.add_(sliced);
      else aten('copy_', [view, sliced]);
    } finally {
      if (sliced !== values) sliced.dispose();
    }
    return self;
  }
  if (typeof values !== 'number' && typeof values !== 'boolean' && typeof values !== 'bigint')
    throw new TypeError(`indexPut_: values must be a Tensor or a number, got ${describe(values)}`);
  if (!advanced.length) {
    if (accumulate) view.add_(values);
    else aten('fill_', [view, values]);
    return self;
  }
  const scalar = aten('full', [[], values, { dtype: self.dtype, device: self.device }]) as Tensor;
  try {
    aten('index_put_', [view, advanced, scalar, accumulate]);
  } finally {
    scalar.dispose();
  }
  return self;
}

/** x[...items] (a view where Python gives one). */
export function indexTensor(self: Tensor, items: IndexItem[]): Tensor {
  return applyIndex(self, items, 'index', (view, advanced) => readIndex(self, view, advanced));
}

/** x[...items] = values (accumulate adds instead). */
export function indexPutTensor(self: Tensor, items: IndexItem[], values: TensorOrScalar, accumulate: boolean): void {
  if (isNestedTensor(self)) {
    if (items.length === 1 && items[0] === false) return; // Python's setitem does nothing for x[False] = v, before reading the sizes
    try {
      void self.shape; // Python's set_item reads the sizes first: a nested tensor raises there
    } catch (e) {
      throw renamed(e, 'shape', 'indexPut_');
    }
  }
  applyIndex(self, items, 'indexPut_', (view, advanced) => writeIndex(self, view, advanced, values, accumulate));
}
