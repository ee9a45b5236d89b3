// torch functions that PyTorch implements in Python (torch/functional.py) over ATen operators,
// ported with the same dispatch, so results and grad_fn match. Also installed as Tensor methods.
import { type DTypeLike } from './dtype.js';
import { aten, Tensor } from './tensor.js';

export interface NormOptions {
  p?: number | 'fro' | 'nuc' | null;
  dim?: number | number[] | null;
  keepdim?: boolean;
  dtype?: DTypeLike | null;
}

/** torch.norm(input, p='fro', dim=null, keepdim=false, { dtype }), as torch/functional.py does it. */
export function norm(input: Tensor, p?: NormOptions['p'] | NormOptions, dim?: NormOptions['dim'] | NormOptions, keepdim?: boolean | NormOptions, options: NormOptions = {}): Tensor {
  const args = [p, dim, keepdim];
  const opts = args.find((a): a is NormOptions => typeof a === 'object' && a !== null && !Array.isArray(a)) ?? options;
  const pos = args.slice(0, args.indexOf(opts as never) < 0 ? 3 : args.indexOf(opts as never));
  const pv = (pos[0] as NormOptions['p']) ?? opts.p ?? 'fro';
  const dv = (pos[1] as NormOptions['dim']) ?? opts.dim ?? null;
  const kd = (pos[2] as boolean | undefined) ?? opts.keepdim ?? false;
  const dtype = opts.dtype ?? null;
  const ndim = input.dim();
  const all = Array.from({ length: ndim }, (_, i) => i);
  if (dv === null && dtype === null && pv !== null) {
    if (pv === 'fro') return aten('frobenius_norm', [input, [], kd]) as Tensor;
    if (typeof pv === 'number') return aten('norm', [input, pv, all, kd]) as Tensor;
  }
  const dims = dv === null ? null : typeof dv === 'number' ? [dv] : dv;
  if (pv === 'fro') {
    if (dtype !== null) throw new Error('norm: dtype argument is not supported in frobenius norm');
    return aten('frobenius_norm', [input, dims ?? all, kd]) as Tensor;
  }
  if (pv === 'nuc') {
    if (dtype !== null) throw new Error('norm: dtype argument is not supported in nuclear norm');
    return aten('nuclear_norm', dims === null ? [input, kd] : [input, dims, kd]) as Tensor;
  }
  if (typeof pv !== 'number') throw new Error(`norm: only valid string values are 'fro' and 'nuc', found ${String(pv)}`);
  return aten('norm', dtype === null ? [input, pv, dims ?? all, kd] : [input, pv, dims ?? all, kd, { dtype }]) as Tensor;
}

declare module './tensor.js' {
  interface Tensor {
    norm(p?: NormOptions['p'] | NormOptions, dim?: NormOptions['dim'] | NormOptions, keepdim?: boolean | NormOptions, options?: NormOptions): Tensor;
    /** x.where(condition, y) is torch.where(condition, x, y). */
    where(condition: Tensor, other: Tensor | number | boolean): Tensor;
    /** x.polygamma(n) is torch.polygamma(n, x). */
    polygamma(n: number): Tensor;
    /** Named tensors: x.rename('N', 'C'), x.rename(['N', null]), x.rename({ N: 'batch' }), x.rename(null). */
    rename(...names: (string | null)[] | [(string | null)[] | Record<string, string> | null]): Tensor;
    rename_(...names: (string | null)[] | [(string | null)[] | Record<string, string> | null]): Tensor;
  }
}

// Methods whose ATen operator does not take `self` first.
const methods: Record<string, (this: Tensor, ...args: never[]) => Tensor> = {
  norm(this: Tensor, ...args: [NormOptions['p'] | NormOptions, NormOptions['dim'] | NormOptions, boolean | NormOptions, NormOptions]) {
    return norm(this, ...args);
  },
  where(this: Tensor, condition: Tensor, other: Tensor | number | boolean) {
    return aten('where', [condition, this, other]) as Tensor;
  },
  polygamma(this: Tensor, n: number) {
    return aten('polygamma', [n, this]) as Tensor;
  },
  rename(this: Tensor, ...names: unknown[]) {
    return aten('rename', [this, newNames(this, names, 'rename')]) as Tensor;
  },
  rename_(this: Tensor, ...names: unknown[]) {
    return aten('rename_', [this, newNames(this, names, 'rename_')]) as Tensor;
  },
};

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
