// The masked normalizations of torch/masked/_ops.py (2.13): cumsum, cumprod, softmax, log_softmax,
// softmin and normalize along one dim, with masked-out elements first replaced by the identity of
// the matching reduction (sum, prod, amax, amin), as Python does. Strided only, as in Python: other
// layouts get its "expects strided tensor" error.
import { aten } from '../call.js';
import { type DTypeLike } from '../dtype.js';
import { describe } from '../options.js';
import { type Tensor } from '../tensor.js';
import { bindMasked, canonicalDim, combineInputAndMask, dtypeArg, dtypeOf, maskArg, ndimOf, required, tensorInput, type IdentityOp } from './core.js';
import { maskedNorm, strided, type MaskedArg } from './reductions.js';

/** The options of torch.masked's normalizations along one dim. */
export interface MaskedNormalizationOptions {
  dim?: number;
  dtype?: DTypeLike | null;
  mask?: Tensor | null;
}
export interface MaskedNormalizeOptions extends MaskedNormalizationOptions { ord?: number; eps?: number }

// Each one-dim op: the identity its masked-out elements take, and the ATen call on the combined input.
const ALONG_DIM: Record<string, [IdentityOp, (x: Tensor, dim: number, dtype: unknown) => Tensor, string]> = {
  cumsum: ['sum', (x, dim, dtype) => (aten('cumsum', [x, dim, { dtype }]) as Tensor).to(dtype as never), 'cumsum'],
  cumprod: ['prod', (x, dim, dtype) => (aten('cumprod', [x, dim, { dtype }]) as Tensor).to(dtype as never), 'cumprod'],
  softmax: ['amax', (x, dim, dtype) => aten('softmax', [x, dim, dtype]) as Tensor, 'softmax'],
  logSoftmax: ['amax', (x, dim, dtype) => aten('log_softmax', [x, dim, dtype]) as Tensor, 'log_softmax'],
  softmin: ['amin', (x, dim, dtype) => aten('softmax', [x.neg(), dim, dtype]) as Tensor, 'softmin'], // F.softmin: (-input).softmax(dim, dtype=dtype)
};

function alongDim(name: keyof typeof ALONG_DIM, input: unknown, args: readonly unknown[]): Tensor {
  const fn = `masked.${name}`;
  const x = tensorInput(fn, input);
  const o = bindMasked(fn, args, ['dim'], ['dtype', 'mask']);
  const dim = required(fn, 'dim', o.dim);
  if (typeof dim !== 'number') throw new TypeError(`${fn}: dim must be an int, got ${describe(dim)}`);
  const dtype = dtypeArg(fn, o.dtype) ?? dtypeOf(x);
  const d = canonicalDim(dim, ndimOf(x))[0]!;
  const [identity, op, pyName] = ALONG_DIM[name]!;
  return op(strided(pyName, combineInputAndMask(identity, x, maskArg(fn, o.mask))), d, dtype);
}

/** torch.masked.cumsum(input, dim, { dtype, mask }). */
export const cumsum = (input: MaskedArg, ...args: (number | MaskedNormalizationOptions | undefined)[]): Tensor => alongDim('cumsum', input, args);
/** torch.masked.cumprod(input, dim, { dtype, mask }). */
export const cumprod = (input: MaskedArg, ...args: (number | MaskedNormalizationOptions | undefined)[]): Tensor => alongDim('cumprod', input, args);
/** torch.masked.softmax(input, dim, { dtype, mask }). */
export const softmax = (input: MaskedArg, ...args: (number | MaskedNormalizationOptions | undefined)[]): Tensor => alongDim('softmax', input, args);
/** torch.masked.log_softmax(input, dim, { dtype, mask }). */
export const logSoftmax = (input: MaskedArg, ...args: (number | MaskedNormalizationOptions | undefined)[]): Tensor => alongDim('logSoftmax', input, args);
/** torch.masked.softmin(input, dim, { dtype, mask }). */
export const softmin = (input: MaskedArg, ...args: (number | MaskedNormalizationOptions | undefined)[]): Tensor => alongDim('softmin', input, args);

/** torch.masked.normalize(input, ord, dim, { eps = 1e-12, dtype, mask }): input over max(masked norm, eps) along dim. */
export function normalize(input: MaskedArg, ...args: (number | MaskedNormalizeOptions | undefined)[]): Tensor {
  const fn = 'masked.normalize';
  const x = tensorInput(fn, input);
  const o = bindMasked(fn, args, ['ord', 'dim'], ['eps', 'dtype', 'mask']);
  const ord = required(fn, 'ord', o.ord);
  const dim = required(fn, 'dim', o.dim);
  const eps = o.eps ?? 1e-12;
  if (typeof eps !== 'number') throw new TypeError(`${fn}: eps must be a number, got ${describe(eps)}`);
  const dtype = dtypeArg(fn, o.dtype) ?? dtypeOf(x);
  const mask = maskArg(fn, o.mask);
  const combined = strided('normalize', combineInputAndMask('sum', x, mask));
  const nrm = maskedNorm(fn, x, ord, dim, true, dtype, mask);
  const denom = aten('maximum', [nrm, nrm.newFull([], eps)]) as Tensor;
  return combined.div(denom);
}
