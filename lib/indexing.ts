// Python's indexing: x[0, :, 1:3] as x.index(0, ':', '1:3') and x[mask] = v as x.indexPut_([mask], v),
// with basic items as views and tensor items through aten::index / index_put_ (PyTorch's applySlicing).
import { aten } from './call.js';
import { indexingTensorFromData } from './creation.js';
import { bool as boolDType, int64 as int64DType, uint8 as uint8DType } from './dtype.js';
import { native } from './native.js';
import { describe } from './options.js';
import { isTensor as isTensorObject, Tensor, type IndexItem, type NestedArray, type TensorOrScalar } from './tensor.js';

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

// Python's applySelect: x[i] as a select view, IndexError (a RangeError) where i is past the dim; realDim is the item's place.
function applySelect(fn: string, view: Tensor, dim: number, index: number | bigint, realDim: number): Tensor {
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

// Numbers, bools and BigInts, in arrays nested to any depth (ragged ones are refused by the conversion).
function isIndexData(v: unknown): v is NestedArray<number | bigint | boolean> {
  return Array.isArray(v) && v.every((e) => typeof e === 'number' || typeof e === 'bigint' || typeof e === 'boolean' || isIndexData(e));
}

// Python's applySlicing: basic items become select/slice/unsqueeze views in order; tensor items are
// collected per dim. `finish` then applies them: aten::index to read, index_put_/copy_ to write.
function applyIndex(self: Tensor, items: IndexItem[], fn: string, finish: (view: Tensor, advanced: (Tensor | null)[]) => Tensor): Tensor {
  // Python's count_specified_dimensions: None, Ellipsis and bools take no dim; a bool tensor takes its dims.
  const consumes = (it: IndexItem): number => (it === null || it === '...' || typeof it === 'boolean' ? 0 : isTensorObject(it) && isMask(it) ? it.dim() : 1);
  const specified = items.reduce((n: number, it) => n + consumes(it), 0);
  // x[i] on a 0-d tensor: Python's getitem takes an int straight to applySelect, before counting dims
  if (self.dim() === 0 && items.length === 1 && (typeof items[0] === 'number' || typeof items[0] === 'bigint') && Number.isInteger(Number(items[0])))
    applySelect(fn, self, 0, items[0], 0);
  if (items.filter((it) => it === '...').length > 1) throw new RangeError(`${fn}: an index can only have a single ellipsis ('...')`);
  if (specified > self.dim()) throw new RangeError(`${fn}: too many indices for tensor of dimension ${self.dim()}`);
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
        const stepSize = m[3] === undefined ? 1 : Number(m[3]);
        if (stepSize === 0) throw new RangeError(`${fn}: slice step cannot be zero`);
        if (stepSize < 0) throw new RangeError(`${fn}: step must be greater than zero`);
        const start = m[1] === undefined ? null : Number(m[1]);
        const stop = m[2] === undefined ? null : Number(m[2]);
        // applySlice's shortcut: a slice of the whole dim is no op at all (x[:, idx] runs index only)
        const whole = (start === null || start === 0) && (stop === null || stop >= result.shape[dim]!) && stepSize === 1;
        if (!whole) step(aten('slice', [result, dim, start, stop, stepSize]) as Tensor);
        dim++;
      } else {
        let t: Tensor;
        if (isTensorObject(it)) t = it;
        else if (Array.isArray(it)) {
          // Python's sequenceToVariable: a list of numbers and bools, nested or not, as one index tensor
          if (!isIndexData(it)) throw new TypeError(`${fn}: only integers, slices, null, ..., and integer or boolean arrays/tensors are valid indices`);
          t = indexingTensorFromData(it, fn);
          made.push(t);
        } else if (ArrayBuffer.isView(it) && !(it instanceof DataView)) {
          // A TypedArray as a NumPy array in Python: its own dtype (uint8 indexes as a mask, as there).
          t = new Tensor(native.fromTypedArray(it, [(it as unknown as ArrayLike<unknown>).length], null));
          made.push(t);
        } else throw new TypeError(`${fn}: unsupported index item ${describe(it)}`);
        record(t, isMask(t) ? t.dim() : 1);
      }
    }
    const out = finish(result, advanced);
    if (result !== out) made.push(result);
    result = out;
    return out;
  } finally {
    for (const t of made) if (t !== result && t !== self) t.dispose();
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
  applyIndex(self, items, 'indexPut_', (view, advanced) => writeIndex(self, view, advanced, values, accumulate));
}
