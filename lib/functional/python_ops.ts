// torch.norm and torch.numel as torch/functional.py writes them over ATen operators, and the Tensor
// methods whose operator does not take `self` first (where, polygamma, norm, rename).
import { type DTypeLike } from '../dtype.js';
import { bindArgs, onlyTensorArg } from './args.js';
import { requireNamedTensors, version } from '../runtime.js';
import { aten } from '../call.js';
import { Tensor } from '../tensor.js';

export interface NormOptions {
  p?: number | 'fro' | 'nuc' | null;
  dim?: number | number[] | null;
  keepdim?: boolean;
  dtype?: DTypeLike | null;
  out?: Tensor | null;
}

/** Tensor.norm's options: torch.norm's without out. */
export type TensorNormOptions = Omit<NormOptions, 'out'>;

// The devices whose strided tensors take the linalg path (torch/functional.py's list; not MPS).
const LINALG_NORM_DEVICES = new Set(['cpu', 'cuda', 'xpu', 'meta']);

/**
 * torch.norm(input, p='fro', dim=null, keepdim=false, out=null, dtype=null), as torch/functional.py (2.x) does
 * it: for strided tensors, vector norms through linalg.vector_norm and 'nuc' and matrix p through
 * matrix_norm; for the others (sparse), the older frobenius_norm, nuclear_norm and norm operators.
 */
export function norm(input: Tensor, ...args: [p?: NormOptions['p'] | NormOptions, dim?: NormOptions['dim'] | NormOptions, keepdim?: boolean | NormOptions, out?: Tensor | null | NormOptions, dtype?: DTypeLike | null | NormOptions, options?: NormOptions]): Tensor {
  return normOf(input, bindArgs('norm', args, ['p', 'dim', 'keepdim', 'out', 'dtype']) as NormOptions);
}

function normOf(input: Tensor, a: NormOptions): Tensor {
  const pv = a.p === undefined ? 'fro' : a.p;
  const dv = a.dim ?? null;
  const kd = a.keepdim ?? false;
  const dtype = a.dtype ?? null;
  const out = a.out ?? null;
  const withOut = (o: Record<string, unknown>): Record<string, unknown> => (out === null ? o : { ...o, out });
  const dims = dv === null ? null : typeof dv === 'number' ? [dv] : dv;
  if (input.layout.name === 'strided' && LINALG_NORM_DEVICES.has(input.device.type)) {
    if (typeof pv === 'string') {
      if (pv === 'fro' && (dims === null || dims.length <= 2)) return aten('linalg_vector_norm', [input, 2, dims, kd, withOut({ dtype })]) as Tensor;
      const all = dims ?? Array.from({ length: input.dim() }, (_, i) => i);
      return aten('linalg_matrix_norm', [input, pv, all, kd, withOut({ dtype })]) as Tensor;
    }
    return aten('linalg_vector_norm', [input, pv ?? 2, dims, kd, withOut({ dtype })]) as Tensor;
  }
  const every = Array.from({ length: input.dim() }, (_, i) => i);
  if (dims === null && out === null && dtype === null && pv !== null) {
    if (pv === 'fro') return aten('frobenius_norm', [input, [], kd]) as Tensor;
    if (typeof pv !== 'string') return aten('norm', [input, pv, every, kd]) as Tensor;
  }
  if (typeof pv === 'string') {
    if (pv === 'fro') {
      if (dtype !== null) throw new RangeError('norm: dtype argument is not supported in frobenius norm');
      return aten('frobenius_norm', [input, dims ?? every, kd, withOut({})]) as Tensor;
    }
    if (pv === 'nuc') {
      if (dtype !== null) throw new RangeError('norm: dtype argument is not supported in nuclear norm');
      return aten('nuclear_norm', dims === null ? [input, kd, withOut({})] : [input, dims, kd, withOut({})]) as Tensor;
    }
    throw new Error(`norm: only valid string values are 'fro' and 'nuc', found ${String(pv)}`);
  }
  return aten('norm', [input, pv, dims ?? every, kd, withOut(dtype === null ? {} : { dtype })]) as Tensor;
}

/** torch.get_device(input): the index of its device, -1 on the CPU. */
export function getDevice(input: Tensor): number {
  return onlyTensorArg('getDevice', arguments).getDevice();
}

/** torch.numel(input): the number of elements. */
export function numel(input: Tensor): number {
  return onlyTensorArg('numel', arguments).numel();
}

declare module '../tensor.js' {
  interface Tensor {
    norm(p?: NormOptions['p'] | TensorNormOptions, dim?: NormOptions['dim'] | TensorNormOptions, keepdim?: boolean | TensorNormOptions, dtype?: DTypeLike | null | TensorNormOptions, options?: TensorNormOptions): Tensor;
    /** x.where(condition, y) is torch.where(condition, x, y). */
    where(condition: Tensor, other: Tensor | number | boolean): Tensor;
    where(condition: Tensor, options: { other: Tensor | number | boolean }): Tensor;
    where(options: { condition: Tensor; other: Tensor | number | boolean }): Tensor;
    /** x.polygamma(n) is torch.polygamma(n, x). */
    polygamma(n: number): Tensor;
    polygamma(options: { n: number }): Tensor;
    /** Named tensors: x.rename('N', 'C'), x.rename(['N', null]), x.rename({ N: 'batch' }), x.rename(null). */
    rename(...names: (string | null)[] | [(string | null)[] | Record<string, string> | null]): Tensor;
    rename_(...names: (string | null)[] | [(string | null)[] | Record<string, string> | null]): Tensor;
    /** Named tensors (libtorch < 2.13 only; elsewhere these throw). */
    refineNames(...names: (string | null)[]): Tensor;
    alignTo(...names: string[]): Tensor;
    alignAs(other: Tensor): Tensor;
  }
}

// Methods whose ATen operator does not take `self` first.
const methods: Record<string, (this: Tensor, ...args: never[]) => Tensor> = {
  // Tensor.norm(p='fro', dim=None, keepdim=False, dtype=None): dtype 4th, no out (torch.norm's order differs)
  norm(this: Tensor, ...args: unknown[]) {
    return normOf(this, bindArgs('norm', args, ['p', 'dim', 'keepdim', 'dtype']) as NormOptions);
  },
  where(this: Tensor, ...args: unknown[]) {
    const { condition, other } = bindArgs('where', args, ['condition', 'other']);
    return aten('where', [condition, this, other]) as Tensor;
  },
  polygamma(this: Tensor, ...args: unknown[]) {
    return aten('polygamma', [bindArgs('polygamma', args, ['n']).n, this]) as Tensor;
  },
  rename(this: Tensor, ...names: unknown[]) {
    requireNamedTensors('rename');
    return aten('rename', [this, newNames(this, names, 'rename')]) as Tensor;
  },
  rename_(this: Tensor, ...names: unknown[]) {
    requireNamedTensors('rename_');
    return aten('rename_', [this, newNames(this, names, 'rename_')]) as Tensor;
  },
};
// Named-tensor methods: their operators where libtorch has named tensors (the generated surface comes
// from 2.13's schemas, which lack them), else a clear error. null is the unnamed wildcard ('*' in ATen).
if (version.features.namedTensors) {
  methods.refineNames = function (this: Tensor, ...names: (string | null)[]) {
    return aten('refine_names', [this, names.map((n) => n ?? '*')]) as Tensor;
  };
  methods.alignTo = function (this: Tensor, ...names: string[]) {
    const ellipsis = names.indexOf('...');
    if (ellipsis < 0) return aten('align_to', [this, names]) as Tensor;
    return aten('align_to', [this, names.filter((n) => n !== '...'), ellipsis]) as Tensor;
  };
  methods.alignAs = function (this: Tensor, other: Tensor) {
    return aten('align_as', [this, other]) as Tensor;
  };
} else {
  for (const name of ['refineNames', 'alignTo', 'alignAs'])
    methods[name] = function (this: Tensor): Tensor {
      requireNamedTensors(name);
      throw new Error('unreachable');
    };
}

// Python's Tensor.rename arguments: names (null = unnamed, '*' in ATen), a { old: new } map, or null.
function newNames(t: Tensor, args: unknown[], fn: string): string[] | null {
  const first = args[0];
  if (args.length === 1 && first === null) return null;
  if (args.length === 1 && typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const map = first as Record<string, string>;
    const current = t.names;
    for (const k of Object.keys(map)) if (!current.includes(k)) throw new RangeError(`${fn}: tried to rename dim '${k}' but the tensor has names ${JSON.stringify(current)}`);
    return current.map((n) => (n === null ? '*' : (map[n] ?? n)));
  }
  const list = args.length === 1 && Array.isArray(first) ? (first as unknown[]) : args;
  return list.map((n, i) => {
    if (n === null) return '*';
    if (typeof n !== 'string') throw new TypeError(`${fn}: name ${i} must be a string or null, got ${typeof n}`);
    return n;
  });
}
for (const [name, value] of Object.entries(methods))
  Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true });
