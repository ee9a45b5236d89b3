// C's math, as Python's: Python's math.cos, float ** and math.log are the C library's (glibc); V8's Math.cos, ** and
// Math.log are its own fdlibm ports and differ in the last bit for ~3-10% of inputs, which would break
// bit-identical learning rates. These helpers reach glibc through ATen kernels that call std:: on a
// one-element tensor (the scalar tail of the vectorized loop): polar (std::cos), pow.Tensor_Tensor
// (std::pow) and xlogy (std::log). torch.cos/torch.log are no use here: they go through MKL's VML.
import { aten } from './call.js';
import { tensor } from './creation.js';
import type { Tensor } from './tensor.js';

const F64 = { dtype: 'float64' } as const;

function scalarOp(name: string, a: number, b: number, real = false): number {
  const ta = tensor(a, F64);
  const tb = tensor(b, F64);
  const out = aten(name, [ta, tb]) as Tensor;
  try {
    if (!real) return out.item();
    const re = out.real;
    try {
      return re.item();
    } finally {
      re.dispose();
    }
  } finally {
    out.dispose();
    ta.dispose();
    tb.dispose();
  }
}

// Results by argument: a schedule asks for the same values again (every group, every cycle); a
// native call costs tens of microseconds, a lookup nothing, and the value is the same either way.
const MEMO_LIMIT = 4096;
function memo(cache: Map<string | number, number>, arg: string | number, compute: () => number): number {
  const key = Object.is(arg, -0) ? '-0' : arg;  // a Map takes -0 and +0 for one key; sin(-0) is -0, sin(0) is 0
  let v = cache.get(key);
  if (v === undefined) {
    v = compute();
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(key, v);
  }
  return v;
}
const cosCache = new Map<string | number, number>();
const powCache = new Map<string | number, number>();

/** math.cos(x), bit-identical to Python. */
export function cos(x: number): number {
  return memo(cosCache, x, () => scalarOp('polar', 1, x, true));
}

const sinCache = new Map<string | number, number>();

/** math.sin(x), bit-identical to Python (the imaginary part of std::polar(1, x)). */
export function sin(x: number): number {
  return memo(sinCache, x, () => {
    const ta = tensor(1, F64), tb = tensor(x, F64);
    const out = aten('polar', [ta, tb]) as Tensor;
    const im = out.imag;
    try {
      return im.item();
    } finally {
      for (const t of [im, out, ta, tb]) t.dispose();
    }
  });
}

/** Python's float `base ** exponent` (C pow), bit-identical to Python. */
export function pow(base: number, exponent: number): number {
  if (exponent === 0 || base === 1) return 1;
  if (exponent === 1) return base;
  if (base === 0 && exponent < 0) throw new RangeError('0.0 cannot be raised to a negative power');
  return memo(powCache, `${base}|${exponent}`, () => scalarOp('pow', base, exponent));
}

/** math.log(x, base) = log(x) / log(base), bit-identical to Python. */
export function log(x: number, base: number): number {
  if (!(x > 0) || !(base > 0)) throw new RangeError('math domain error');
  return scalarOp('xlogy', 1, x) / scalarOp('xlogy', 1, base);
}

/** Python's round() of a float: a half goes to the even neighbour (torchvision's int(round(x)) and PyTorch's scripts use it). */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
