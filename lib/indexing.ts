// Python's indexing: x[0, :, 1:3] as x.index(0, ':', '1:3') and x[mask] = v as x.indexPut_([mask], v),
// with basic items as views and tensor items through aten::index / index_put_ (PyTorch's applySlicing).
import { aten } from './call.js';
import { bool as boolDType, int64 as int64DType } from './dtype.js';
import { native } from './native.js';
import { describe } from './options.js';
import { isTensor as isTensorObject, Tensor, type IndexItem, type TensorOrScalar } from './tensor.js';

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

// Python's applySlicing: basic items become select/slice/unsqueeze views in order; tensor items are
// collected per dim. `finish` then applies them: aten::index to read, index_put_/copy_ to write.
function applyIndex(self: Tensor, items: IndexItem[], fn: string, finish: (view: Tensor, advanced: (Tensor | null)[]) => Tensor): Tensor {
  // Python's count_specified_dimensions: None, Ellipsis and bools take no dim; a bool tensor takes its dims.
  const consumes = (it: IndexItem): number => (it === null || it === '...' || typeof it === 'boolean' ? 0 : isTensorObject(it) && it.dtype === boolDType ? it.dim() : 1);
  const specified = items.reduce((n: number, it) => n + consumes(it), 0);
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
    for (const it of items) {
      if (typeof it === 'number' || typeof it === 'bigint') {
        step(aten('select', [result, dim, it]) as Tensor);
      } else if (typeof it === 'boolean') {
        // x[True] / x[False]: a new dim of size 1, indexed by [0] or by nothing (applySlicing's boolToIndexingTensor).
        step(aten('unsqueeze', [result, dim]) as Tensor);
        const t = new Tensor(native.fromTypedArray(new Float64Array(it ? [0] : []), [it ? 1 : 0], int64DType.code));
        made.push(t);
        record(t, 1);
      } else if (it === null) {
        step(aten('unsqueeze', [result, dim]) as Tensor);
        dim++;
      } else if (it === '...') {
        dim += self.dim() - specified;
      } else if (typeof it === 'string') {
        const m = SLICE.exec(it);
        if (!m) throw new TypeError(`${fn}: '${it}' is not a slice like '1:3', '::2' or ':'`);
        const stepSize = m[3] === undefined ? 1 : Number(m[3]);
        if (stepSize <= 0) throw new RangeError(`${fn}: step must be greater than zero`);
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
          const bools = it.length > 0 && it.every((v) => typeof v === 'boolean');
          if (!bools && !it.every((v) => Number.isInteger(v) || typeof v === 'bigint'))
            throw new TypeError(`${fn}: only integers, slices, null, ..., and integer or boolean arrays/tensors are valid indices`);
          t = it.some((v) => typeof v === 'bigint')
            ? new Tensor(native.fromTypedArray(BigInt64Array.from(it as (number | bigint)[], (v) => BigInt(v)), [it.length], int64DType.code))
            : new Tensor(native.fromTypedArray(Float64Array.from(it as (number | boolean)[], Number), [it.length], (bools ? boolDType : int64DType).code));
          made.push(t);
        } else if (ArrayBuffer.isView(it) && !(it instanceof DataView)) {
          // A TypedArray as a NumPy array in Python: its own dtype (uint8 indexes as a mask, as there).
          t = new Tensor(native.fromTypedArray(it, [(it as unknown as ArrayLike<unknown>).length], null));
          made.push(t);
        } else throw new TypeError(`${fn}: unsupported index item ${describe(it)}`);
        record(t, t.dtype === boolDType ? t.dim() : 1);
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

// Python's setitem: index_put_ on the sliced view when there are tensor indices, else copy_/fill_.
function writeIndex(self: Tensor, view: Tensor, advanced: (Tensor | null)[], values: TensorOrScalar, accumulate: boolean): Tensor {
  if (isTensorObject(values)) {
    if (advanced.length) aten('index_put_', [view, advanced, values, accumulate]);
    else if (accumulate) view.add_(values);
    else aten('copy_', [view, values]);
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
