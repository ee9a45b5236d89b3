// torch.nn.functional embedding, embedding_bag and one_hot, as torch/nn/functional.py (2.13) writes
// them: the Python checks, then torch.embedding / torch.embedding_bag / torch._C._nn.one_hot.
import { noGrad } from '../../autograd.js';
import { opFunction } from '../../call.js';
import { arange } from '../../creation.js';
import { boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, numArg, valueError, type Call } from './activation.js';
import { bind, REQUIRED, signature, type KeywordForms } from './_signature.js';
import { pySize } from '../../dtype.js';
import { warn } from '../../warnings.js';

type Op = (...args: unknown[]) => Tensor;
const embeddingOp = opFunction('embedding') as Op;
const embeddingBagOp = opFunction('embedding_bag') as (...args: unknown[]) => Tensor[];
const embeddingRenormOp = opFunction('embedding_renorm_') as Op;
const oneHotOp = opFunction('one_hot') as Op;

const optNumber = (fn: string, name: string, v: unknown): number | null => (v === undefined || v === null ? null : numArg(fn, name, v));
const optInt = (fn: string, name: string, v: unknown): number | null => {
  if (v === undefined || v === null) return null;
  if (!Number.isInteger(v)) throw new TypeError(`${fn}: ${name} must be an int or null, got ${String(v)}`);
  return v as number;
};

/** Python's _no_grad_embedding_renorm_: rescales the looked-up rows of `weight` in place. */
export function embeddingRenorm(weight: Tensor, input: Tensor, maxNorm: number, normType: number): void {
  noGrad(() => embeddingRenormOp(weight.detach(), input, maxNorm, normType));
}

/** padding_idx as F.embedding checks and normalises it (-1: none). */
export function embeddingPaddingIdx(paddingIdx: number | null, numEmbeddings: number): number {
  if (paddingIdx === null) return -1;
  if (paddingIdx > 0 && paddingIdx >= numEmbeddings) throw new Error('embedding: Padding_idx must be within num_embeddings');
  if (paddingIdx < 0) {
    if (paddingIdx < -numEmbeddings) throw new Error('embedding: Padding_idx must be within num_embeddings');
    return numEmbeddings + paddingIdx;
  }
  return paddingIdx;
}

export interface EmbeddingOptions { paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: boolean }
const EMBEDDING = signature('embedding', { input: REQUIRED, weight: REQUIRED, paddingIdx: null, maxNorm: null, normType: 2.0, scaleGradByFreq: false, sparse: false }, { def: 'embedding' });
/** F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False) */
export function embedding(input: Tensor, weight: Tensor, ...args: Call<[number | null, number | null, number, boolean, boolean], EmbeddingOptions>): Tensor;
export function embedding(...args: KeywordForms<[input: Tensor, weight: Tensor], ['input', 'weight'], EmbeddingOptions>): Tensor;
export function embedding(...args: unknown[]): Tensor {
  const fn = 'embedding';
  const [input, weight, paddingIdxArg, maxNorm, normType, scaleGradByFreq, sparse] = bind(EMBEDDING, args);
  checkTensor(fn, input);
  checkTensor(fn, weight, 'weight');
  const paddingIdx = embeddingPaddingIdx(optInt(fn, 'paddingIdx', paddingIdxArg), weight.size(0));
  return embeddingImpl(input, weight, paddingIdx, optNumber(fn, 'maxNorm', maxNorm), numArg(fn, 'normType', normType), boolArg(fn, 'scaleGradByFreq', scaleGradByFreq, false), boolArg(fn, 'sparse', sparse, false));
}
/** F.embedding with parsed arguments; paddingIdx already normalised (-1: none). */
export function embeddingImpl(input: Tensor, weight: Tensor, paddingIdx: number, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean): Tensor {
  if (maxNorm !== null) {
    input = input.contiguous();
    embeddingRenorm(weight, input, maxNorm, normType);
  }
  return embeddingOp(weight, input, paddingIdx, scaleGradByFreq, sparse);
}

export type EmbeddingBagMode = 'sum' | 'mean' | 'max';
export interface EmbeddingBagOptions {
  offsets?: Tensor | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; mode?: EmbeddingBagMode;
  sparse?: boolean; perSampleWeights?: Tensor | null; includeLastOffset?: boolean; paddingIdx?: number | null;
}
const EMBEDDING_BAG = signature('embeddingBag', {
  input: REQUIRED, weight: REQUIRED, offsets: null, maxNorm: null, normType: 2, scaleGradByFreq: false, mode: 'mean', sparse: false, perSampleWeights: null,
  includeLastOffset: false, paddingIdx: null,
}, { def: 'embedding_bag' });

/** F.embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None) */
export function embeddingBag(input: Tensor, weight: Tensor, ...args: Call<[Tensor | null, number | null, number, boolean, EmbeddingBagMode, boolean, Tensor | null, boolean, number | null], EmbeddingBagOptions>): Tensor;
export function embeddingBag(...args: KeywordForms<[input: Tensor, weight: Tensor], ['input', 'weight'], EmbeddingBagOptions>): Tensor;
export function embeddingBag(...args: unknown[]): Tensor {
  const fn = 'embeddingBag';
  const [input, weight, offsets, maxNorm, normType, scaleGradByFreq, mode, sparse, psw, includeLastOffset, paddingIdx] = bind(EMBEDDING_BAG, args);
  checkTensor(fn, input);
  checkTensor(fn, weight, 'weight');
  if (offsets !== null) checkTensor(fn, offsets, 'offsets');
  if (psw !== null) checkTensor(fn, psw, 'per_sample_weights');
  return embeddingBagImpl(
    input, weight, offsets as Tensor | null, optNumber(fn, 'maxNorm', maxNorm), numArg(fn, 'normType', normType),
    boolArg(fn, 'scaleGradByFreq', scaleGradByFreq, false), mode as string, boolArg(fn, 'sparse', sparse, false),
    psw as Tensor | null, boolArg(fn, 'includeLastOffset', includeLastOffset, false), optInt(fn, 'paddingIdx', paddingIdx),
  );
}
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** F.embedding_bag with parsed arguments (EmbeddingBag.forward calls this). */
export function embeddingBagImpl(
  input: Tensor, weight: Tensor, offsets: Tensor | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean,
  mode: string, sparse: boolean, perSampleWeights: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null,
): Tensor {
  const fn = 'embedding_bag';
  if (weight.dtype.name === 'int64' && input.isFloatingPoint()) {
    warn('Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.', 'UserWarning');
    [weight, input] = [input, weight];
  }
  if (perSampleWeights !== null && !sameShape(input.shape, perSampleWeights.shape))
    throw valueError(fn, `embedding_bag: If per_sample_weights (${pySize(perSampleWeights.shape)}) is not None, then it must have the same shape as the input (${pySize(input.shape)})`);
  if (weight.dim() !== 2) throw valueError(fn, `weight has to be a 2D Tensor, but got Tensor of dimension ${weight.dim()}`);
  if (input.dim() === 2) {
    if (offsets !== null)
      throw valueError(fn, "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>");
    offsets = arange(0, input.numel(), input.size(1), { dtype: input.dtype, device: input.device });
    includeLastOffset = false;
    input = input.reshape(-1);
    if (perSampleWeights !== null) perSampleWeights = perSampleWeights.reshape(-1);
  } else if (input.dim() === 1) {
    if (offsets === null) throw valueError(fn, 'offsets has to be a 1D Tensor but got None');
    if (offsets.dim() !== 1) throw valueError(fn, 'offsets has to be a 1D Tensor');
  } else {
    throw valueError(fn, `input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
  }
  let modeEnum: number;
  if (mode === 'sum') modeEnum = 0;
  else if (mode === 'mean') modeEnum = 1;
  else if (mode === 'max') {
    modeEnum = 2;
    if (scaleGradByFreq) throw valueError(fn, 'max mode does not support scaling the gradient by the frequency');
    if (sparse) throw valueError(fn, 'max mode does not support sparse weights');
  } else throw valueError(fn, 'mode has to be one of sum, mean or max');
  if (maxNorm !== null) embeddingRenorm(weight, input, maxNorm, normType);
  if (perSampleWeights !== null && mode !== 'sum')
    throw new Error(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`);
  return embeddingBagOp(weight, input, offsets, scaleGradByFreq, modeEnum, sparse, perSampleWeights, includeLastOffset, paddingIdx)[0]!;
}

/** F.one_hot(tensor, num_classes=-1) = torch._C._nn.one_hot */
export const oneHot = oneHotOp as (tensor: Tensor, ...args: Call<[number], { numClasses?: number }>) => Tensor;
