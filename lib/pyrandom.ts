// Python's `random` module: CPython's Mersenne Twister (MT19937), seeded and drawn from exactly as
// CPython 3 does, so that code which mixes torch's generator with Python's (torchvision's RandomChoice
// and RandomOrder, DataLoader workers, `random.seed(seed)` in a training script) draws the same numbers.
// One generator per thread, like a Python process's module-level one.
import { createHash, randomBytes } from 'node:crypto';
import { describe } from './options.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

const mt = new Uint32Array(N);
let mti = N + 1;
let gaussNext: number | null = null;

function initGenrand(s: number): void {
  mt[0] = s >>> 0;
  for (let i = 1; i < N; i++) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  mti = N;
}

function initByArray(key: readonly number[]): void {
  initGenrand(19650218);
  let i = 1, j = 0;
  for (let k = Math.max(N, key.length); k > 0; k--) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
    i++; j++;
    if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
    if (j >= key.length) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
    i++;
    if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
  }
  mt[0] = 0x80000000;
}

function genrandUint32(): number {
  if (mti >= N) {
    if (mti === N + 1) seed(null); // never seeded: fresh entropy, as CPython seeds its module generator at import
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    mti = 0;
  }
  let y = mt[mti++]!;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y >>> 0;
}

/** A non-negative big integer as CPython's seed key: 32-bit words, least significant first ([0] for 0). */
function keyOf(n: bigint): number[] {
  const key: number[] = [];
  for (let v = n; v > 0n; v >>= 32n) key.push(Number(v & 0xffffffffn));
  return key.length ? key : [0];
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/**
 * `random.seed(a)`: an integer (number or bigint; its absolute value, as CPython), a string or bytes
 * (hashed with SHA-512 as CPython's version 2 does), or nothing for fresh entropy.
 */
export function seed(a: number | bigint | boolean | string | Uint8Array | null = null): void {
  let n: bigint;
  if (a === null || a === undefined) n = bytesToBigInt(randomBytes(2500));
  else if (typeof a === 'bigint') n = a < 0n ? -a : a;
  else if (typeof a === 'boolean') n = a ? 1n : 0n; // Python's bool is an int
  else if (typeof a === 'number') {
    // CPython hashes a float seed; that hash is not ported, so only integers are taken
    if (!Number.isSafeInteger(a)) throw new TypeError(`random.seed: expected an integer, a string or bytes, got ${a}`);
    n = BigInt(Math.abs(a));
  } else if (typeof a === 'string' || a instanceof Uint8Array) {
    const bytes = typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a);
    n = bytesToBigInt(Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]));
  } else throw new TypeError(`random.seed: expected an integer, a string or bytes, got ${describe(a)}`);
  initByArray(keyOf(n));
  gaussNext = null;
}

/** `random.random()`: a float in [0, 1) with 53 random bits. */
export function random(): number {
  const a = genrandUint32() >>> 5, b = genrandUint32() >>> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/** `random.getrandbits(k)`: a non-negative integer of k random bits (a bigint above 53 bits). */
export function getrandbits(k: number): number | bigint {
  if (!Number.isInteger(k) || k < 0) throw new RangeError('number of bits must be non-negative');
  if (k <= 32) return k === 0 ? 0 : genrandUint32() >>> (32 - k);
  let out = 0n;
  for (let shift = 0n, left = k; left > 0; left -= 32, shift += 32n) {
    let word = genrandUint32();
    if (left < 32) word >>>= 32 - left;
    out |= BigInt(word) << shift;
  }
  return k <= 53 ? Number(out) : out;
}

/** CPython's _randbelow_with_getrandbits: uniform in [0, n) by rejection. */
function randbelow(n: number): number {
  if (n <= 0) return 0;
  const k = n.toString(2).length;
  let r = Number(getrandbits(k));
  while (r >= n) r = Number(getrandbits(k));
  return r;
}

/** `random.randrange(start, stop, step)` (or `randrange(stop)`), for integers within 2^53. */
export function randrange(start: number, stop: number | null = null, step = 1): number {
  if (![start, step].every(Number.isSafeInteger) || (stop !== null && !Number.isSafeInteger(stop))) throw new TypeError('randrange: integer arguments expected');
  if (stop === null) {
    if (start > 0) return randbelow(start);
    throw new RangeError('empty range for randrange()');
  }
  const width = stop - start;
  if (step === 1) {
    if (width > 0) return start + randbelow(width);
    throw new RangeError(`empty range in randrange(${start}, ${stop})`);
  }
  if (step === 0) throw new RangeError('zero step for randrange()');
  const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
  if (n <= 0) throw new RangeError(`empty range in randrange(${start}, ${stop}, ${step})`);
  return start + step * randbelow(n);
}

/** `random.randint(a, b)`: an integer in [a, b]. */
export function randint(a: number, b: number): number {
  return randrange(a, b + 1);
}

/** `random.uniform(a, b)`. */
export function uniform(a: number, b: number): number {
  return a + (b - a) * random();
}

/** `random.choice(seq)`. */
export function choice<T>(seq: readonly T[]): T {
  if (!seq.length) throw new RangeError('Cannot choose from an empty sequence');
  return seq[randbelow(seq.length)]!;
}

/** `random.shuffle(x)`, in place. */
export function shuffle<T>(x: T[]): void {
  for (let i = x.length - 1; i > 0; i--) {
    const j = randbelow(i + 1);
    [x[i], x[j]] = [x[j]!, x[i]!];
  }
}

/** Python's bisect.bisect_right over [lo, hi). */
function bisectRight(a: readonly number[], x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface ChoicesOptions { weights?: readonly number[] | null; cumWeights?: readonly number[] | null; k?: number }

/** `random.choices(population, weights=None, *, cum_weights=None, k=1)`: k draws with replacement. */
export function choices<T>(population: readonly T[], options: ChoicesOptions = {}): T[] {
  const { weights = null, cumWeights = null, k = 1 } = options;
  const n = population.length;
  // an empty population: Python's population[i] raises IndexError (a RangeError here), after one random() draw
  const at = (i: number): T => { if (i >= n) throw new RangeError('list index out of range'); return population[i]!; };
  if (cumWeights === null && weights === null) return Array.from({ length: k }, () => at(Math.floor(random() * n)));
  if (cumWeights !== null && weights !== null) throw new TypeError('Cannot specify both weights and cumulative weights');
  let cum = cumWeights;
  if (cum === null) {
    let total = 0;
    cum = weights!.map((w) => (total += w));
  }
  if (cum.length !== n) throw new RangeError('The number of weights does not match the population');
  if (n === 0) throw new RangeError('list index out of range');  // Python's cum_weights[-1] of an empty list: IndexError
  const total = cum[n - 1]! + 0.0;
  if (!(total > 0.0)) throw new RangeError('Total of weights must be greater than zero');
  if (!Number.isFinite(total)) throw new RangeError('Total of weights must be finite');
  return Array.from({ length: k }, () => population[bisectRight(cum, random() * total, 0, n - 1)]!);
}

/** `random.sample(population, k)`: k distinct elements, in CPython's selection order. */
export function sample<T>(population: readonly T[], k: number): T[] {
  const n = population.length;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError('Sample larger than population or is negative');
  const result = new Array<T>(k);
  let setsize = 21;
  if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
  if (n <= setsize) {
    const pool = [...population];
    for (let i = 0; i < k; i++) {
      const j = randbelow(n - i);
      result[i] = pool[j]!;
      pool[j] = pool[n - i - 1]!;
    }
  } else {
    const selected = new Set<number>();
    for (let i = 0; i < k; i++) {
      let j = randbelow(n);
      while (selected.has(j)) j = randbelow(n);
      selected.add(j);
      result[i] = population[j]!;
    }
  }
  return result;
}

/** `random.gauss(mu, sigma)`: CPython's pair-caching Box-Muller variant. */
export function gauss(mu = 0.0, sigma = 1.0): number {
  let z = gaussNext;
  gaussNext = null;
  if (z === null) {
    const x2pi = random() * 2 * Math.PI;
    const g2rad = Math.sqrt(-2.0 * Math.log(1.0 - random()));
    z = Math.cos(x2pi) * g2rad;
    gaussNext = Math.sin(x2pi) * g2rad;
  }
  return mu + z * sigma;
}

/** `random.getstate()`: [3, the 625 words of the state, gauss_next], CPython's layout. */
export function getstate(): [3, number[], number | null] {
  if (mti === N + 1) seed(null);
  return [3, [...mt, mti], gaussNext];
}

/** `random.setstate(state)` from getstate(). */
export function setstate(state: readonly [number, readonly number[], number | null]): void {
  const [version, words, gauss] = state;
  if (version !== 3 || !Array.isArray(words) || words.length !== N + 1) throw new TypeError('random.setstate: expected a state from getstate()');
  for (let i = 0; i < N; i++) mt[i] = words[i]! >>> 0;
  const index = words[N]!;
  if (!Number.isInteger(index) || index < 0 || index > N) throw new RangeError('random.setstate: invalid state');
  mti = index;
  gaussNext = gauss;
}
