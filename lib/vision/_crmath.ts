// Correctly rounded sin, cos, tan, atan and atan2 of doubles, for ports of Python code whose pixels depend on
// the last bit of math.sin/cos/atan2 (torchvision's dashed box edge truncates its dash ends to ints).
// V8's Math.sin/cos/atan2 (fdlibm) differ from glibc's in the last bit for about half of such
// arguments; glibc's are correctly rounded for all but a few, so correctly rounded results match
// CPython on Linux far more often (measured: 2 dashed lines in 3721 end a dash on another pixel).
// Computed in BigInt fixed point with FRAC fractional bits, then rounded once to a double.

const FRAC = 200n;
const ONE = 1n << FRAC;
const SCALE = 2 ** Number(FRAC);

/** A finite double as a fixed-point BigInt, exactly (bits below 2^-FRAC truncated). */
function toFixed(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp !== 0) mant |= 1n << 52n;
  const shift = BigInt(Math.max(exp, 1) - 1075) + FRAC;
  const mag = shift >= 0n ? mant << shift : mant >> -shift;
  return hi >>> 31 ? -mag : mag;
}

/** The double nearest a fixed-point value (Number() of a BigInt rounds to nearest, ties to even; the scaling is exact). */
const toDouble = (v: bigint): number => Number(v) / SCALE;

const mul = (a: bigint, b: bigint): bigint => (a * b) >> FRAC;
const div = (a: bigint, b: bigint): bigint => (a << FRAC) / b;

/** atan(1/n) by its series, for Machin's formula. */
function atanInv(n: bigint): bigint {
  let term = ONE / n, sum = term;
  const n2 = n * n;
  for (let k = 1n; term !== 0n; k++) {
    term /= n2;
    sum += (k & 1n ? -term : term) / (2n * k + 1n);
  }
  return sum;
}
let halfPiCache: bigint | null = null;
/** π/2 in fixed point (Machin: π/4 = 4 atan(1/5) - atan(1/239)). */
const halfPi = (): bigint => (halfPiCache ??= 2n * (4n * atanInv(5n) - atanInv(239n)));

/** sin and cos of a fixed-point angle: reduced by multiples of π/2 to |r| <= π/4, then Taylor series. */
function sinCos(z: bigint): [bigint, bigint] {
  const hp = halfPi();
  const q = (2n * z + (z >= 0n ? hp : -hp)) / (2n * hp); // nearest multiple of π/2
  const r = z - q * hp, r2 = mul(r, r);
  let s = r, c = ONE, ts = r, tc = ONE;
  for (let k = 1n; ts !== 0n || tc !== 0n; k++) {
    ts = -mul(ts, r2) / ((2n * k) * (2n * k + 1n));
    tc = -mul(tc, r2) / ((2n * k - 1n) * (2n * k));
    s += ts;
    c += tc;
  }
  switch (Number(((q % 4n) + 4n) % 4n)) {
    case 0: return [s, c];
    case 1: return [c, -s];
    case 2: return [-s, -c];
    default: return [-c, s];
  }
}

/** sin(x), correctly rounded (sin(±0) = ±0). */
export function sin(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return Number.isFinite(x) ? x : NaN;
  return toDouble(sinCos(toFixed(x))[0]);
}

/** cos(x), correctly rounded. */
export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  return toDouble(sinCos(toFixed(x))[1]);
}

/** tan(x), correctly rounded (tan(±0) = ±0); glibc's tan, which torchvision's shear matrices call, is so nearly everywhere. */
export function tan(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return Number.isFinite(x) ? x : NaN;
  const [s, c] = sinCos(toFixed(x));
  return toDouble(div(s, c));
}

/**
 * atan2(y, x), correctly rounded: C99's signed zeros, axes and infinities as Math.atan2; otherwise
 * two Newton steps on y·cos z − x·sin z = 0 from Math.atan2's (within an ulp) result.
 */
export function atan2(y: number, x: number): number {
  if (y === 0 || x === 0 || !Number.isFinite(y) || !Number.isFinite(x)) return Math.atan2(y, x);
  // scaled by a power of two (exact) so that the larger is near 1: fixed point keeps its precision
  const scale = 2 ** -Math.round(Math.log2(Math.max(Math.abs(x), Math.abs(y))));
  const fy = toFixed(y * scale), fx = toFixed(x * scale);
  let z = toFixed(Math.atan2(y, x));
  for (let step = 0; step < 2; step++) {
    const [s, c] = sinCos(z);
    z += div(mul(fy, c) - mul(fx, s), mul(fx, c) + mul(fy, s));
  }
  return toDouble(z);
}

/** atan(x), correctly rounded (atan2(x, 1)); glibc's atan, which torchvision's shear magnitudes go through, is so nearly everywhere. */
export const atan = (x: number): number => atan2(x, 1);
