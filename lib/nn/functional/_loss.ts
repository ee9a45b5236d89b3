// torch.nn.functional's losses (exported from loss.ts), written as torch/nn/functional.py writes them: Python's argument
// handling (positional arguments in PyTorch's order, then one camelCase options object; the deprecated
// sizeAverage/reduce pair mapped as _Reduction.legacy_get_string maps it) over one ATen op each where
// PyTorch calls one, and the same tensor expressions where PyTorch composes them (bit-identical results).
// Each F function parses its arguments and calls a `*Impl` function with resolved values; the loss
// modules resolve their options once in the constructor and call the `*Impl` functions directly.
import { aten } from '../../call.js';
import { noGrad } from '../../autograd.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { pyFloat } from '../../print.js';
import { warn } from '../../warnings.js';
import { bindArgs } from '../../functional/args.js';
import { bind, REQUIRED, signature, type KeywordForms } from './_signature.js';
import { broadcastShapes, broadcastTensors } from '../../functional/shapes.js';
import { onesLike } from '../../creation.js';
import * as ops from '../../generated/functions.js';
import { int64, pySize } from '../../dtype.js';
import { isTracing } from '../../jit.js';
import { LinearCrossEntropyOptions as ChunkedOptions, linearCrossEntropyChunked } from '../modules/linear_cross_entropy.js';

/** A loss's reduction, as PyTorch spells it ('batchmean' only for klDiv; 'elementwise_mean' is deprecated). */
export type Reduction = 'none' | 'mean' | 'sum' | 'batchmean' | 'elementwise_mean';
/** The deprecated pair every older loss still takes: mapped to a reduction with PyTorch's warning. */
export interface LegacyReductionOptions { sizeAverage?: boolean | null; reduce?: boolean | null }
export interface ReductionOptions extends LegacyReductionOptions { reduction?: Reduction }
// The options objects of the F functions (Python's keyword arguments, camelCase).
export interface SmoothL1LossOptions extends ReductionOptions { beta?: number }
export interface HuberLossOptions { reduction?: Reduction; delta?: number; weight?: Tensor | null }
export interface NllLossOptions extends ReductionOptions { weight?: Tensor | null; ignoreIndex?: number }
export interface CrossEntropyOptions extends NllLossOptions { labelSmoothing?: number }
export interface PoissonNllLossOptions extends ReductionOptions { logInput?: boolean; full?: boolean; eps?: number }
export interface GaussianNllLossOptions { full?: boolean; eps?: number; reduction?: Reduction }
export interface KlDivOptions extends ReductionOptions { logTarget?: boolean }
export interface BinaryCrossEntropyOptions extends ReductionOptions { weight?: Tensor | null }
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions { posWeight?: Tensor | null }
export interface MarginLossOptions extends ReductionOptions { margin?: number }
export interface MultiMarginLossOptions extends MarginLossOptions { p?: number; weight?: Tensor | null }
export interface TripletMarginLossOptions extends MarginLossOptions { p?: number; eps?: number; swap?: boolean }
export interface CtcLossOptions { blank?: number; reduction?: Reduction; zeroInfinity?: boolean }
export interface TripletMarginWithDistanceLossOptions { distanceFunction?: DistanceFunction | null; margin?: number; swap?: boolean; reduction?: Reduction }

// ---------------------------------------------------------------------------------------------
// torch/nn/_reduction.py

/** _Reduction.get_enum: the ATen code of a reduction (0 none, 1 mean, 2 sum). */
export function reductionEnum(fn: string, reduction: unknown): number {
  switch (reduction) {
    case 'none': return 0;
    case 'mean': return 1;
    case 'sum': return 2;
    case 'elementwise_mean':
      warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.", 'UserWarning');
      return 1;
    default:
      if (typeof reduction !== 'string') throw new TypeError(`${fn}: reduction must be a string, got ${describe(reduction)}`);
      throw new TypeError(`${fn}: ${reduction} is not a valid value for reduction`);
  }
}

/** _Reduction.legacy_get_string: the reduction that sizeAverage/reduce stand for, with PyTorch's deprecation warning. */
export function legacyGetString(sizeAverage: unknown, reduce: unknown, emitWarning = true): 'mean' | 'sum' | 'none' {
  const avg = sizeAverage === undefined || sizeAverage === null ? true : Boolean(sizeAverage);
  const red = reduce === undefined || reduce === null ? true : Boolean(reduce);
  const ret = avg && red ? 'mean' : red ? 'sum' : 'none';
  if (emitWarning) warn(`size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`, 'UserWarning');
  return ret;
}

const given = (v: unknown): boolean => v !== undefined && v !== null;

/** The reduction string a call or constructor means: the legacy pair wins when either is given, as in PyTorch. */
export function reductionOf(fn: string, o: { sizeAverage?: unknown; reduce?: unknown; reduction?: unknown }, fallback: Reduction = 'mean'): Reduction {
  if (given(o.sizeAverage) || given(o.reduce)) return legacyGetString(o.sizeAverage, o.reduce);
  const r = o.reduction ?? fallback;
  if (typeof r !== 'string') throw new TypeError(`${fn}: reduction must be a string, got ${describe(r)}`);
  return r as Reduction;
}

// ---------------------------------------------------------------------------------------------
// Argument checks, with the function's Python name in each message

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function tensorArg(fn: string, name: string, v: unknown): Tensor {
  if (!isTensor(v)) throw new TypeError(`${fn}: argument '${name}' must be a Tensor, got ${describe(v)}`);
  return v;
}
function optTensor(fn: string, name: string, v: unknown): Tensor | null {
  return v === undefined || v === null ? null : tensorArg(fn, name, v);
}
function numberArg(fn: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`${fn}: argument '${name}' must be a number, got ${describe(v)}`);
  return v;
}
function intArg(fn: string, name: string, v: unknown, fallback: number): number {
  const n = numberArg(fn, name, v, fallback);
  if (!Number.isInteger(n)) throw new TypeError(`${fn}: argument '${name}' must be an integer, got ${n}`);
  return n;
}
function boolArg(fn: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: argument '${name}' must be a boolean, got ${describe(v)}`);
  return v;
}

/** The warning l1/mse/smooth_l1/huber give when target and input shapes differ (broadcasting follows). */
function warnSizeMismatch(input: Tensor, target: Tensor): void {
  if (!sameShape(target.shape, input.shape))
    warn(
      `Using a target size (${pySize(target.shape)}) that is different to the input size (${pySize(input.shape)}). ` +
        'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
      'UserWarning',
    );
}

/** Python's `loss.mean()` / `.sum()` / itself for an already-valid reduction string. */
function reduceBy(fn: string, loss: Tensor, reduction: string): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new TypeError(`${fn}: Invalid reduction mode: ${reduction}. Expected one of 'none', 'mean', 'sum'.`);
}

// Each F function's Python signature (torch/nn/functional.py, 2.13): every parameter by position or by keyword.
const INPUT_TARGET = { input: REQUIRED, target: REQUIRED };
const LEGACY = { sizeAverage: null, reduce: null, reduction: 'mean' };
const lossSignature = (js: string, def: string, params: Record<string, unknown>, positional?: number) => signature(js, params, { def, positional });
/** The calls of a loss on (input, target) that give either one by keyword. */
type InputTargetKeywords<O> = KeywordForms<[input: Tensor, target: Tensor], ['input', 'target'], O>;
/** The legacy pair and the reduction, as reductionOf reads them. */
const reductionArgs = (sizeAverage: unknown, reduce: unknown, reduction: unknown) => ({ sizeAverage, reduce, reduction });
const TRIPLET = { anchor: REQUIRED, positive: REQUIRED, negative: REQUIRED };
/** The calls of a triplet loss that give some of its tensors by keyword. */
type AnchorPositiveNegativeKeywords<O> = KeywordForms<[anchor: Tensor, positive: Tensor, negative: Tensor], ['anchor', 'positive', 'negative'], O>;
const L1_LOSS = lossSignature('l1Loss', 'l1_loss', { ...INPUT_TARGET, ...LEGACY, weight: null });
const MSE_LOSS = lossSignature('mseLoss', 'mse_loss', { ...INPUT_TARGET, ...LEGACY, weight: null });
const SMOOTH_L1_LOSS = lossSignature('smoothL1Loss', 'smooth_l1_loss', { ...INPUT_TARGET, ...LEGACY, beta: 1.0 });
const HUBER_LOSS = lossSignature('huberLoss', 'huber_loss', { ...INPUT_TARGET, reduction: 'mean', delta: 1.0, weight: null });
const NLL_LOSS = lossSignature('nllLoss', 'nll_loss', { ...INPUT_TARGET, weight: null, sizeAverage: null, ignoreIndex: -100, reduce: null, reduction: 'mean' });
const CROSS_ENTROPY = lossSignature('crossEntropy', 'cross_entropy', { ...INPUT_TARGET, weight: null, sizeAverage: null, ignoreIndex: -100, reduce: null, reduction: 'mean', labelSmoothing: 0.0 });
const POISSON_NLL_LOSS = lossSignature('poissonNllLoss', 'poisson_nll_loss', { ...INPUT_TARGET, logInput: true, full: false, sizeAverage: null, eps: 1e-8, reduce: null, reduction: 'mean' });
const GAUSSIAN_NLL_LOSS = lossSignature('gaussianNllLoss', 'gaussian_nll_loss', { ...INPUT_TARGET, var: REQUIRED, full: false, eps: 1e-6, reduction: 'mean' });
const KL_DIV = lossSignature('klDiv', 'kl_div', { ...INPUT_TARGET, ...LEGACY, logTarget: false });
const BINARY_CROSS_ENTROPY = lossSignature('binaryCrossEntropy', 'binary_cross_entropy', { ...INPUT_TARGET, weight: null, ...LEGACY });
const BINARY_CROSS_ENTROPY_WITH_LOGITS = lossSignature('binaryCrossEntropyWithLogits', 'binary_cross_entropy_with_logits', { ...INPUT_TARGET, weight: null, ...LEGACY, posWeight: null });
const SOFT_MARGIN_LOSS = lossSignature('softMarginLoss', 'soft_margin_loss', { ...INPUT_TARGET, ...LEGACY });
const MULTILABEL_MARGIN_LOSS = lossSignature('multilabelMarginLoss', 'multilabel_margin_loss', { ...INPUT_TARGET, ...LEGACY });
const MULTILABEL_SOFT_MARGIN_LOSS = lossSignature('multilabelSoftMarginLoss', 'multilabel_soft_margin_loss', { ...INPUT_TARGET, weight: null, ...LEGACY });
const MARGIN_RANKING_LOSS = lossSignature('marginRankingLoss', 'margin_ranking_loss', { input1: REQUIRED, input2: REQUIRED, target: REQUIRED, margin: 0, ...LEGACY });
const HINGE_EMBEDDING_LOSS = lossSignature('hingeEmbeddingLoss', 'hinge_embedding_loss', { ...INPUT_TARGET, margin: 1.0, ...LEGACY });
const COSINE_EMBEDDING_LOSS = lossSignature('cosineEmbeddingLoss', 'cosine_embedding_loss', { input1: REQUIRED, input2: REQUIRED, target: REQUIRED, margin: 0, ...LEGACY });
const MULTI_MARGIN_LOSS = lossSignature('multiMarginLoss', 'multi_margin_loss', { ...INPUT_TARGET, p: 1, margin: 1.0, weight: null, ...LEGACY });
const TRIPLET_MARGIN_LOSS = lossSignature('tripletMarginLoss', 'triplet_margin_loss', { ...TRIPLET, margin: 1.0, p: 2, eps: 1e-6, swap: false, ...LEGACY });
const TRIPLET_MARGIN_WITH_DISTANCE_LOSS = lossSignature('tripletMarginWithDistanceLoss', 'triplet_margin_with_distance_loss', { ...TRIPLET, distanceFunction: null, margin: 1.0, swap: false, reduction: 'mean' }, 3);
const CTC_LOSS = lossSignature('ctcLoss', 'ctc_loss', { logProbs: REQUIRED, targets: REQUIRED, inputLengths: REQUIRED, targetLengths: REQUIRED, blank: 0, reduction: 'mean', zeroInfinity: false });

// ---------------------------------------------------------------------------------------------
// Regression losses: l1, mse, smooth_l1, huber (optional elementwise weight in 2.13)

export interface WeightedRegressionOptions extends ReductionOptions { weight?: Tensor | null }

function weightedRegression(fn: string, op: string, input: Tensor, target: Tensor, reduction: Reduction, weight: Tensor | null, extra: number[]): Tensor {
  warnSizeMismatch(input, target);
  const [ein, etg] = broadcastTensors(input, target) as [Tensor, Tensor];
  if (weight === null) return aten(op, [ein, etg, reductionEnum(fn, reduction), ...extra]) as Tensor;
  if (!sameShape(weight.shape, input.shape)) throw new RangeError(`${fn}: Weights and input must have the same size.`);
  return weightedReduce(fn, op, ein, etg, weight, reduction, extra);
}

// l1/mse: sum(weighted) / sum(weight) for 'mean'; huber: the mean of the weighted losses.
function weightedReduce(fn: string, op: string, ein: Tensor, etg: Tensor, weight: Tensor, reduction: string, extra: number[]): Tensor {
  let weighted: Tensor;
  if (op === 'l1_loss') weighted = ops.abs(ein.sub(etg)).mul(weight);
  else if (op === 'mse_loss') weighted = ops.pow(ein.sub(etg), 2).mul(weight);
  else weighted = (aten(op, [ein, etg, 0, ...extra]) as Tensor).mul(weight);
  if (reduction === 'mean' && op !== 'huber_loss') return ops.sum(weighted).div(ops.sum(weight));
  return reduceBy(fn, weighted, reduction);
}

export function l1LossImpl(input: Tensor, target: Tensor, reduction: Reduction = 'mean', weight: Tensor | null = null): Tensor {
  return weightedRegression('l1_loss', 'l1_loss', input, target, reduction, weight, []);
}
/** F.l1_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None) */
export function l1Loss(input: Tensor, target: Tensor, options?: WeightedRegressionOptions): Tensor;
export function l1Loss(...args: InputTargetKeywords<WeightedRegressionOptions>): Tensor;
export function l1Loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function l1Loss(...args: unknown[]): Tensor {
  const [input, target, sizeAverage, reduce, reduction, weight] = bind(L1_LOSS, args);
  const fn = 'l1_loss';
  return l1LossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)), optTensor(fn, 'weight', weight));
}

export function mseLossImpl(input: Tensor, target: Tensor, reduction: Reduction = 'mean', weight: Tensor | null = null): Tensor {
  return weightedRegression('mse_loss', 'mse_loss', input, target, reduction, weight, []);
}
/** F.mse_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None) */
export function mseLoss(input: Tensor, target: Tensor, options?: WeightedRegressionOptions): Tensor;
export function mseLoss(...args: InputTargetKeywords<WeightedRegressionOptions>): Tensor;
export function mseLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function mseLoss(...args: unknown[]): Tensor {
  const [input, target, sizeAverage, reduce, reduction, weight] = bind(MSE_LOSS, args);
  const fn = 'mse_loss';
  return mseLossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)), optTensor(fn, 'weight', weight));
}

export function smoothL1LossImpl(input: Tensor, target: Tensor, reduction: Reduction = 'mean', beta = 1.0): Tensor {
  warnSizeMismatch(input, target);
  const [ein, etg] = broadcastTensors(input, target) as [Tensor, Tensor];
  const r = reductionEnum('smooth_l1_loss', reduction);
  return (beta === 0 ? aten('l1_loss', [ein, etg, r]) : aten('smooth_l1_loss', [ein, etg, r, beta])) as Tensor;
}
/** F.smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0) */
export function smoothL1Loss(input: Tensor, target: Tensor, options?: SmoothL1LossOptions): Tensor;
export function smoothL1Loss(...args: InputTargetKeywords<SmoothL1LossOptions>): Tensor;
export function smoothL1Loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function smoothL1Loss(...args: unknown[]): Tensor {
  const [input, target, sizeAverage, reduce, reduction, beta] = bind(SMOOTH_L1_LOSS, args);
  const fn = 'smooth_l1_loss';
  return smoothL1LossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)), numberArg(fn, 'beta', beta, 1.0));
}

export function huberLossImpl(input: Tensor, target: Tensor, reduction: Reduction = 'mean', delta = 1.0, weight: Tensor | null = null): Tensor {
  return weightedRegression('huber_loss', 'huber_loss', input, target, reduction, weight, [delta]);
}
/** F.huber_loss(input, target, reduction='mean', delta=1.0, weight=None) */
export function huberLoss(input: Tensor, target: Tensor, options?: HuberLossOptions): Tensor;
export function huberLoss(...args: InputTargetKeywords<HuberLossOptions>): Tensor;
export function huberLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function huberLoss(...args: unknown[]): Tensor {
  const [input, target, reduction, delta, weight] = bind(HUBER_LOSS, args);
  const fn = 'huber_loss';
  return huberLossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), reductionOf(fn, { reduction }), numberArg(fn, 'delta', delta, 1.0), optTensor(fn, 'weight', weight));
}

// ---------------------------------------------------------------------------------------------
// Classification: nll, cross_entropy

export function nllLossImpl(input: Tensor, target: Tensor, weight: Tensor | null = null, ignoreIndex = -100, reduction: Reduction = 'mean'): Tensor {
  return aten('nll_loss_nd', [input, target, weight, reductionEnum('nll_loss', reduction), ignoreIndex]) as Tensor;
}
/** F.nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean') */
export function nllLoss(input: Tensor, target: Tensor, options?: NllLossOptions): Tensor;
export function nllLoss(...args: InputTargetKeywords<NllLossOptions>): Tensor;
export function nllLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function nllLoss(...args: unknown[]): Tensor {
  const [input, target, weight, sizeAverage, ignoreIndex, reduce, reduction] = bind(NLL_LOSS, args);
  const fn = 'nll_loss';
  return nllLossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), optTensor(fn, 'weight', weight), intArg(fn, 'ignoreIndex', ignoreIndex, -100), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)));
}

export function crossEntropyImpl(input: Tensor, target: Tensor, weight: Tensor | null = null, ignoreIndex = -100, reduction: Reduction = 'mean', labelSmoothing = 0.0): Tensor {
  return aten('cross_entropy_loss', [input, target, weight, reductionEnum('cross_entropy', reduction), ignoreIndex, labelSmoothing]) as Tensor;
}
/**
 * F.cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean', label_smoothing=0.0): class indices (int64) or class probabilities (float, input's shape).
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor;
export function crossEntropy(...args: InputTargetKeywords<CrossEntropyOptions>): Tensor;
export function crossEntropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function crossEntropy(...args: unknown[]): Tensor {
  const [input, target, weight, sizeAverage, ignoreIndex, reduce, reduction, labelSmoothing] = bind(CROSS_ENTROPY, args);
  const fn = 'cross_entropy';
  return crossEntropyImpl(
    tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), optTensor(fn, 'weight', weight),
    intArg(fn, 'ignoreIndex', ignoreIndex, -100), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)), numberArg(fn, 'labelSmoothing', labelSmoothing, 0.0),
  );
}

// ---------------------------------------------------------------------------------------------
// Likelihood losses: poisson_nll, gaussian_nll, kl_div

export function poissonNllLossImpl(input: Tensor, target: Tensor, logInput = true, full = false, eps = 1e-8, reduction: Reduction = 'mean'): Tensor {
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new TypeError(`poisson_nll_loss: ${String(reduction)} is not a valid value for reduction`);
  return ops.poissonNllLoss(input, target, logInput, full, eps, reductionEnum('poisson_nll_loss', reduction));
}
/** F.poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean') */
export function poissonNllLoss(input: Tensor, target: Tensor, options?: PoissonNllLossOptions): Tensor;
export function poissonNllLoss(...args: InputTargetKeywords<PoissonNllLossOptions>): Tensor;
export function poissonNllLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function poissonNllLoss(...args: unknown[]): Tensor {
  const [input, target, logInput, full, sizeAverage, eps, reduce, reduction] = bind(POISSON_NLL_LOSS, args);
  const fn = 'poisson_nll_loss';
  return poissonNllLossImpl(
    tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), boolArg(fn, 'logInput', logInput, true), boolArg(fn, 'full', full, false),
    numberArg(fn, 'eps', eps, 1e-8), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)),
  );
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI); // Python's 0.5 * math.log(2 * math.pi): the same double

export function gaussianNllLossImpl(input: Tensor, target: Tensor, variance: Tensor | number, full = false, eps = 1e-6, reduction: Reduction = 'mean'): Tensor {
  const fn = 'gaussian_nll_loss';
  let v: Tensor;
  if (typeof variance === 'number') {
    if (variance < 0) throw new RangeError(`${fn}: var has negative entry/entries`);
    v = onesLike(input).mul(variance);
  } else {
    if (ops.any(variance.lt(0)).item()) throw new RangeError(`${fn}: var has negative entry/entries`);
    v = variance;
  }
  if (!sameShape(v.shape, input.shape)) {
    const inShape = input.shape;
    const vShape = v.shape;
    if (sameShape(inShape.slice(0, -1), vShape)) v = ops.unsqueeze(v, -1); // homoscedastic: one variance per sample
    else if (!(inShape.length === vShape.length && inShape.reduce((s, d, i) => (d !== vShape[i] ? s + vShape[i]! : s), 0) === 1))
      throw new RangeError(`${fn}: var is of incorrect size`);
  }
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new TypeError(`${fn}: ${String(reduction)} is not valid`);
  v = v.clone();
  const clamped = v;
  noGrad(() => clamped.clamp_({ min: eps })); // clamp for stability, outside the graph as PyTorch does
  const loss = ops.log(v).add(ops.pow(input.sub(target), 2).div(v)).mul(0.5);
  if (full) loss.add_(HALF_LOG_2PI);
  return reduceBy(fn, loss, reduction);
}
/** F.gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'); var: a Tensor or a number */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor | number, options?: GaussianNllLossOptions): Tensor;
export function gaussianNllLoss(...args: KeywordForms<[input: Tensor, target: Tensor, variance: Tensor | number], ['input', 'target', 'var'], GaussianNllLossOptions>): Tensor;
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor | number, ...args: unknown[]): Tensor;
export function gaussianNllLoss(...args: unknown[]): Tensor {
  const [input, target, variance, full, eps, reduction] = bind(GAUSSIAN_NLL_LOSS, args);
  const fn = 'gaussian_nll_loss';
  if (typeof variance !== 'number') tensorArg(fn, 'var', variance);
  return gaussianNllLossImpl(
    tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), variance as Tensor | number, boolArg(fn, 'full', full, false), numberArg(fn, 'eps', eps, 1e-6), reductionOf(fn, { reduction }),
  );
}

/** klDiv's reduction: the legacy pair, or the string ('mean' warns as PyTorch does; 'batchmean' sums then divides by the batch size). */
export function klDivImpl(input: Tensor, target: Tensor, reduction: Reduction = 'mean', logTarget = false, legacy = false): Tensor {
  const fn = 'kl_div';
  if (!legacy && reduction === 'mean')
    warn(
      "reduction: 'mean' divides the total loss by both the batch size and the support size." +
        "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
        "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
      'UserWarning',
    );
  const r = reduction === 'batchmean' ? 2 : reductionEnum(fn, reduction);
  const reduced = ops.klDiv(input, target, r, { logTarget });
  return reduction === 'batchmean' && input.dim() !== 0 ? reduced.div(input.shape[0]!) : reduced;
}
/** F.kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False) */
export function klDiv(input: Tensor, target: Tensor, options?: KlDivOptions): Tensor;
export function klDiv(...args: InputTargetKeywords<KlDivOptions>): Tensor;
export function klDiv(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function klDiv(...args: unknown[]): Tensor {
  const [input, target, sizeAverage, reduce, reduction, logTarget] = bind(KL_DIV, args);
  const fn = 'kl_div';
  const legacy = given(sizeAverage) || given(reduce);
  return klDivImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)), boolArg(fn, 'logTarget', logTarget, false), legacy);
}

// ---------------------------------------------------------------------------------------------
// Binary classification: binary_cross_entropy (with logits), soft margin, multilabel

export function binaryCrossEntropyImpl(input: Tensor, target: Tensor, weight: Tensor | null = null, reduction: Reduction = 'mean'): Tensor {
  const fn = 'binary_cross_entropy';
  const r = reductionEnum(fn, reduction);
  if (!sameShape(target.shape, input.shape))
    throw new RangeError(`${fn}: Using a target size (${pySize(target.shape)}) that is different to the input size (${pySize(input.shape)}) is deprecated. Please ensure they have the same size.`);
  const w = weight === null ? null : weight.expand(broadcastShapes(target.shape, weight.shape));
  return aten('binary_cross_entropy', [input, target, w, r]) as Tensor;
}
/** F.binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean') */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BinaryCrossEntropyOptions): Tensor;
export function binaryCrossEntropy(...args: InputTargetKeywords<BinaryCrossEntropyOptions>): Tensor;
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function binaryCrossEntropy(...args: unknown[]): Tensor {
  const [input, target, weight, sizeAverage, reduce, reduction] = bind(BINARY_CROSS_ENTROPY, args);
  const fn = 'binary_cross_entropy';
  return binaryCrossEntropyImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), optTensor(fn, 'weight', weight), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)));
}

export function binaryCrossEntropyWithLogitsImpl(input: Tensor, target: Tensor, weight: Tensor | null = null, reduction: Reduction = 'mean', posWeight: Tensor | null = null): Tensor {
  const fn = 'binary_cross_entropy_with_logits';
  const r = reductionEnum(fn, reduction);
  if (!sameShape(target.shape, input.shape)) throw new RangeError(`${fn}: Target size (${pySize(target.shape)}) must be the same as input size (${pySize(input.shape)})`);
  return ops.binaryCrossEntropyWithLogits(input, target, weight, posWeight, r);
}
/** F.binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None) */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: BinaryCrossEntropyWithLogitsOptions): Tensor;
export function binaryCrossEntropyWithLogits(...args: InputTargetKeywords<BinaryCrossEntropyWithLogitsOptions>): Tensor;
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function binaryCrossEntropyWithLogits(...args: unknown[]): Tensor {
  const [input, target, weight, sizeAverage, reduce, reduction, posWeight] = bind(BINARY_CROSS_ENTROPY_WITH_LOGITS, args);
  const fn = 'binary_cross_entropy_with_logits';
  return binaryCrossEntropyWithLogitsImpl(
    tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), optTensor(fn, 'weight', weight), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)), optTensor(fn, 'posWeight', posWeight),
  );
}

export function softMarginLossImpl(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return aten('soft_margin_loss', [input, target, reductionEnum('soft_margin_loss', reduction)]) as Tensor;
}
/** F.soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean') */
export function softMarginLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function softMarginLoss(...args: InputTargetKeywords<ReductionOptions>): Tensor;
export function softMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function softMarginLoss(...args: unknown[]): Tensor {
  const [input, target, sizeAverage, reduce, reduction] = bind(SOFT_MARGIN_LOSS, args);
  const fn = 'soft_margin_loss';
  return softMarginLossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)));
}

export function multilabelMarginLossImpl(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return aten('multilabel_margin_loss', [input, target, reductionEnum('multilabel_margin_loss', reduction)]) as Tensor;
}
/** F.multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction='mean') */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function multilabelMarginLoss(...args: InputTargetKeywords<ReductionOptions>): Tensor;
export function multilabelMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function multilabelMarginLoss(...args: unknown[]): Tensor {
  const [input, target, sizeAverage, reduce, reduction] = bind(MULTILABEL_MARGIN_LOSS, args);
  const fn = 'multilabel_margin_loss';
  return multilabelMarginLossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)));
}

export function multilabelSoftMarginLossImpl(input: Tensor, target: Tensor, weight: Tensor | null = null, reduction: Reduction = 'mean'): Tensor {
  const fn = 'multilabel_soft_margin_loss';
  const logSigmoid = (x: Tensor): Tensor => aten('log_sigmoid', [x]) as Tensor;
  let loss = target.mul(logSigmoid(input)).add(ops.rsub(target, 1).mul(logSigmoid(input.neg()))).neg();
  if (weight !== null) loss = loss.mul(weight);
  const classDim = input.dim() - 1;
  loss = loss.sum(classDim).div(input.size(classDim)); // only N loss values
  if (reduction === 'none') return loss;
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  throw new TypeError(`${fn}: ${String(reduction)} is not valid`);
}
/** F.multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction='mean') */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options?: BinaryCrossEntropyOptions): Tensor;
export function multilabelSoftMarginLoss(...args: InputTargetKeywords<BinaryCrossEntropyOptions>): Tensor;
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function multilabelSoftMarginLoss(...args: unknown[]): Tensor {
  const [input, target, weight, sizeAverage, reduce, reduction] = bind(MULTILABEL_SOFT_MARGIN_LOSS, args);
  const fn = 'multilabel_soft_margin_loss';
  return multilabelSoftMarginLossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), optTensor(fn, 'weight', weight), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)));
}

// ---------------------------------------------------------------------------------------------
// Margin and embedding losses

export function marginRankingLossImpl(input1: Tensor, input2: Tensor, target: Tensor, margin = 0, reduction: Reduction = 'mean'): Tensor {
  const fn = 'margin_ranking_loss';
  const r = reductionEnum(fn, reduction);
  if (input1.dim() !== input2.dim() || input1.dim() !== target.dim())
    throw new RangeError(`${fn} : All input tensors should have same dimension but got sizes: input1: ${pySize(input1.shape)}, input2: ${pySize(input2.shape)}, target: ${pySize(target.shape)} `);
  return ops.marginRankingLoss(input1, input2, target, margin, r);
}
/** F.margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean') */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: MarginLossOptions): Tensor;
export function marginRankingLoss(...args: KeywordForms<[input1: Tensor, input2: Tensor, target: Tensor], ['input1', 'input2', 'target'], MarginLossOptions>): Tensor;
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function marginRankingLoss(...args: unknown[]): Tensor {
  const [input1, input2, target, margin, sizeAverage, reduce, reduction] = bind(MARGIN_RANKING_LOSS, args);
  const fn = 'margin_ranking_loss';
  return marginRankingLossImpl(
    tensorArg(fn, 'input1', input1), tensorArg(fn, 'input2', input2), tensorArg(fn, 'target', target), numberArg(fn, 'margin', margin, 0), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)),
  );
}

export function hingeEmbeddingLossImpl(input: Tensor, target: Tensor, margin = 1.0, reduction: Reduction = 'mean'): Tensor {
  return ops.hingeEmbeddingLoss(input, target, margin, reductionEnum('hinge_embedding_loss', reduction));
}
/** F.hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction='mean') */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options?: MarginLossOptions): Tensor;
export function hingeEmbeddingLoss(...args: InputTargetKeywords<MarginLossOptions>): Tensor;
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function hingeEmbeddingLoss(...args: unknown[]): Tensor {
  const [input, target, margin, sizeAverage, reduce, reduction] = bind(HINGE_EMBEDDING_LOSS, args);
  const fn = 'hinge_embedding_loss';
  return hingeEmbeddingLossImpl(tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), numberArg(fn, 'margin', margin, 1.0), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)));
}

export function cosineEmbeddingLossImpl(input1: Tensor, input2: Tensor, target: Tensor, margin = 0, reduction: Reduction = 'mean'): Tensor {
  return ops.cosineEmbeddingLoss(input1, input2, target, margin, reductionEnum('cosine_embedding_loss', reduction));
}
/** F.cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean') */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: MarginLossOptions): Tensor;
export function cosineEmbeddingLoss(...args: KeywordForms<[input1: Tensor, input2: Tensor, target: Tensor], ['input1', 'input2', 'target'], MarginLossOptions>): Tensor;
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function cosineEmbeddingLoss(...args: unknown[]): Tensor {
  const [input1, input2, target, margin, sizeAverage, reduce, reduction] = bind(COSINE_EMBEDDING_LOSS, args);
  const fn = 'cosine_embedding_loss';
  return cosineEmbeddingLossImpl(
    tensorArg(fn, 'input1', input1), tensorArg(fn, 'input2', input2), tensorArg(fn, 'target', target), numberArg(fn, 'margin', margin, 0), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)),
  );
}

export function multiMarginLossImpl(input: Tensor, target: Tensor, p = 1, margin = 1.0, weight: Tensor | null = null, reduction: Reduction = 'mean'): Tensor {
  const fn = 'multi_margin_loss';
  const r = reductionEnum(fn, reduction);
  if (p !== 1 && p !== 2) throw new TypeError(`${fn}: only p == 1 and p == 2 supported`);
  if (weight !== null && weight.dim() !== 1) throw new RangeError(`${fn}: weight must be one-dimensional`);
  return aten('multi_margin_loss', [input, target, p, margin, weight, r]) as Tensor;
}
/** F.multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction='mean') */
export function multiMarginLoss(input: Tensor, target: Tensor, options?: MultiMarginLossOptions): Tensor;
export function multiMarginLoss(...args: InputTargetKeywords<MultiMarginLossOptions>): Tensor;
export function multiMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor;
export function multiMarginLoss(...args: unknown[]): Tensor {
  const [input, target, p, margin, weight, sizeAverage, reduce, reduction] = bind(MULTI_MARGIN_LOSS, args);
  const fn = 'multi_margin_loss';
  return multiMarginLossImpl(
    tensorArg(fn, 'input', input), tensorArg(fn, 'target', target), numberArg(fn, 'p', p, 1), numberArg(fn, 'margin', margin, 1.0), optTensor(fn, 'weight', weight),
    reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)),
  );
}

export function tripletMarginLossImpl(anchor: Tensor, positive: Tensor, negative: Tensor, margin = 1.0, p = 2, eps = 1e-6, swap = false, reduction: Reduction = 'mean'): Tensor {
  const fn = 'triplet_margin_loss';
  const r = reductionEnum(fn, reduction);
  if (margin <= 0) throw new RangeError(`${fn}: margin must be greater than 0, got ${pyFloat(margin)}`);
  return ops.tripletMarginLoss(anchor, positive, negative, margin, p, eps, swap, r);
}
/** F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None, reduce=None, reduction='mean') */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginLossOptions): Tensor;
export function tripletMarginLoss(...args: AnchorPositiveNegativeKeywords<TripletMarginLossOptions>): Tensor;
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: unknown[]): Tensor;
export function tripletMarginLoss(...args: unknown[]): Tensor {
  const [anchor, positive, negative, margin, p, eps, swap, sizeAverage, reduce, reduction] = bind(TRIPLET_MARGIN_LOSS, args);
  const fn = 'triplet_margin_loss';
  return tripletMarginLossImpl(
    tensorArg(fn, 'anchor', anchor), tensorArg(fn, 'positive', positive), tensorArg(fn, 'negative', negative),
    numberArg(fn, 'margin', margin, 1.0), numberArg(fn, 'p', p, 2), numberArg(fn, 'eps', eps, 1e-6), boolArg(fn, 'swap', swap, false), reductionOf(fn, reductionArgs(sizeAverage, reduce, reduction)),
  );
}

/** A distance between two batches of vectors, as TripletMarginWithDistanceLoss takes (a JS function or a module's `call`). */
export type DistanceFunction = (x1: Tensor, x2: Tensor) => Tensor;

export function tripletMarginWithDistanceLossImpl(anchor: Tensor, positive: Tensor, negative: Tensor, distanceFunction: DistanceFunction | null = null, margin = 1.0, swap = false, reduction: Reduction = 'mean'): Tensor {
  const fn = 'triplet_margin_with_distance_loss';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') throw new TypeError(`${fn}: ${String(reduction)} is not a valid value for reduction`);
  if (margin <= 0) throw new RangeError(`${fn}: margin must be greater than 0, got ${pyFloat(margin)}`);
  const [aDim, pDim, nDim] = [anchor.dim(), positive.dim(), negative.dim()];
  if (!(aDim === pDim && pDim === nDim))
    throw new RangeError(
      `${fn}: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${aDim}D, positive ${pDim}D, and negative ${nDim}D inputs`,
    );
  const distance = distanceFunction ?? ((x1: Tensor, x2: Tensor): Tensor => ops.pairwiseDistance(x1, x2));
  const distPos = distance(anchor, positive);
  let distNeg = distance(anchor, negative);
  if (swap) distNeg = ops.minimum(distNeg, distance(positive, negative)); // Balntas et al.'s distance swap
  const loss = ops.clampMin(distPos.add(margin).sub(distNeg), 0);
  return reduceBy(fn, loss, reduction);
}
/** F.triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False, reduction='mean') */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginWithDistanceLossOptions): Tensor;
export function tripletMarginWithDistanceLoss(...args: AnchorPositiveNegativeKeywords<TripletMarginWithDistanceLossOptions>): Tensor;
export function tripletMarginWithDistanceLoss(...args: unknown[]): Tensor {
  const [anchor, positive, negative, dist, margin, swap, reduction] = bind(TRIPLET_MARGIN_WITH_DISTANCE_LOSS, args);
  const fn = 'triplet_margin_with_distance_loss';
  if (dist !== null && typeof dist !== 'function') throw new TypeError(`${fn}: distanceFunction must be a function or null, got ${describe(dist)}`);
  return tripletMarginWithDistanceLossImpl(
    tensorArg(fn, 'anchor', anchor), tensorArg(fn, 'positive', positive), tensorArg(fn, 'negative', negative),
    dist as DistanceFunction | null, numberArg(fn, 'margin', margin, 1.0), boolArg(fn, 'swap', swap, false), reductionOf(fn, { reduction }),
  );
}

// ---------------------------------------------------------------------------------------------
// CTC

/** Lengths as CTC takes them: an int64 Tensor or an array of integers (Python's tuple or list). */
export type Lengths = Tensor | readonly number[];

export function ctcLossImpl(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, blank = 0, reduction: Reduction = 'mean', zeroInfinity = false): Tensor {
  // The labels in use are checked natively (op_checks.cc), for every path to the CTC kernels.
  return aten('ctc_loss', [logProbs, targets, inputLengths, targetLengths, blank, reductionEnum('ctc_loss', reduction), zeroInfinity]) as Tensor;
}
/** F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False) */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, options?: CtcLossOptions): Tensor;
export function ctcLoss(
  ...args: KeywordForms<[logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths], ['logProbs', 'targets', 'inputLengths', 'targetLengths'], CtcLossOptions>
): Tensor;
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, ...args: unknown[]): Tensor;
export function ctcLoss(...args: unknown[]): Tensor {
  const [logProbs, targets, inputLengths, targetLengths, blank, reduction, zeroInfinity] = bind(CTC_LOSS, args);
  const fn = 'ctc_loss';
  const lengths = (name: string, v: unknown): Lengths => {
    if (isTensor(v) || (Array.isArray(v) && v.every((n) => Number.isInteger(n)))) return v as Lengths;
    throw new TypeError(`${fn}: ${name} must be a Tensor or an array of integers, got ${describe(v)}`);
  };
  return ctcLossImpl(
    tensorArg(fn, 'log_probs', logProbs), tensorArg(fn, 'targets', targets), lengths('input_lengths', inputLengths), lengths('target_lengths', targetLengths),
    intArg(fn, 'blank', blank, 0), reductionOf(fn, { reduction }), boolArg(fn, 'zeroInfinity', zeroInfinity, false),
  );
}

// ---------------------------------------------------------------------------------------------
// linear_cross_entropy (new in 2.13): cross_entropy of a linear layer's logits

export interface LinearCrossEntropyOptions {
  linearBias?: Tensor | null;
  weight?: Tensor | null;
  reduction?: Reduction;
  ignoreIndex?: number | null;
  labelSmoothing?: number;
  /** An nn.LinearCrossEntropyOptions: the chunked path; null (the default): the reference path. */
  options?: ChunkedOptions | null;
}

/** The `options` argument of linear_cross_entropy: an nn.LinearCrossEntropyOptions or null. */
export function linearCrossEntropyOptionsArg(fn: string, v: unknown): ChunkedOptions | null {
  if (v === undefined || v === null) return null;
  if (v instanceof ChunkedOptions) return v;
  throw new TypeError(`${fn}: options must be an nn.LinearCrossEntropyOptions or null, got ${describe(v)}`);
}

export function linearCrossEntropyImpl(
  input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, reduction: Reduction, ignoreIndex: number | null,
  labelSmoothing: number, options: ChunkedOptions | null = null,
): Tensor {
  const fn = 'linear_cross_entropy';
  if (input.dim() < 1 || input.dim() > 2) throw new RangeError(`${fn}: expected input with dimensionality 1 or 2, got ${input.dim()}`);
  if (linearWeight.dim() < 2) throw new RangeError(`${fn}: expected linear_weight with dimensionality at least 2, got ${linearWeight.dim()}`);
  const numBatches = input.shape.slice(0, -1);
  const inFeatures = input.shape[input.dim() - 1]!;
  const ws = linearWeight.shape;
  if (inFeatures !== ws[ws.length - 1])
    throw new RangeError(`${fn}: expected equal input and linear_weight last dimensions (in_features), got ${inFeatures} and ${ws[ws.length - 1]}, respectively`);
  const numClasses = ws[0]!;
  const outFeatures = ws.slice(1, -1);
  const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`); // Python's tuple repr
  if (linearBias !== null && !sameShape(linearBias.shape, [numClasses, ...outFeatures]))
    throw new RangeError(`${fn}: expected linear_bias shape ${tuple([numClasses, ...outFeatures])}, got ${tuple(linearBias.shape)}`);
  if (outFeatures.length > 0 && numBatches.length === 0)
    throw new RangeError(
      `${fn}: K-dimensional loss defined by linear_weight shape ${tuple(ws)} requires batched input, (N, ${inFeatures}), got unbatched input with shape ${tuple(input.shape)}`,
    );
  const logitsShape = [...numBatches, numClasses, ...outFeatures];
  if (sameShape(target.shape, logitsShape) && ignoreIndex !== null) throw new RangeError(`${fn}: ignore_index cannot be specified when target contains probabilities`);
  if (options !== null) {
    // the chunked path (lib/nn/modules/linear_cross_entropy.ts) where it applies; else the reference
    // path below, with Python's warning (the K-dim loss falls back: the chunked op softmaxes over all rows)
    const tracing = isTracing();
    const chunkable = outFeatures.length === 0 && (reduction === 'mean' || reduction === 'sum' || reduction === 'none') && labelSmoothing === 0 && target.dtype === int64 && !tracing;
    if (chunkable) return linearCrossEntropyChunked(input, linearWeight, target, linearBias, weight, reduction, ignoreIndex ?? -100, labelSmoothing, options);
    warn(
      `${fn}: \`\`options\`\` ignored; chunked path needs reduction in {'mean','sum','none'}, label_smoothing == 0, target.dtype == int64, out_features == (). ` +
        `Got reduction='${reduction}', label_smoothing=${pyFloat(labelSmoothing)}, target.dtype=${String(target.dtype)}, out_features=${tuple(outFeatures)}, ` +
        `tracing=${tracing ? 'True' : 'False'}, linear_bias.shape=${linearBias === null ? 'None' : tuple(linearBias.shape)}.`,
    );
  }
  let w = linearWeight;
  let b = linearBias;
  if (outFeatures.length > 0) {
    const rows = outFeatures.reduce((p, d) => p * d, numClasses);
    w = w.reshape(rows, inFeatures);
    if (b !== null) b = b.reshape(rows);
  }
  const logits = (aten('linear', [input, w, b]) as Tensor).reshape(logitsShape);
  return crossEntropyImpl(logits, target, weight, ignoreIndex ?? -100, reduction, labelSmoothing);
}
// Python's `f(a, b, c, *, ...)`: a fourth positional argument is a TypeError, not an option silently lost.
const KEYWORD_ONLY_AFTER_3 = { count: 0, leading: 3 } as const;
/**
 * F.linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction='mean',
 * ignore_index=None, label_smoothing=0.0, options=None): cross_entropy(linear(input, linear_weight, linear_bias), target).
 * `options` (an nn.LinearCrossEntropyOptions) takes the chunked path, which never materialises the whole
 * logits; a call it cannot take (label smoothing, probability targets, out_features) warns and falls back.
 */
export function linearCrossEntropy(input: Tensor, linearWeight: Tensor, target: Tensor, ...options: [LinearCrossEntropyOptions?]): Tensor {
  const fn = 'linear_cross_entropy';
  const a = bindArgs(fn, options, ['linearBias', 'weight', 'reduction', 'ignoreIndex', 'labelSmoothing', 'options'], KEYWORD_ONLY_AFTER_3) as Partial<Record<keyof LinearCrossEntropyOptions, unknown>>;
  const chunked = linearCrossEntropyOptionsArg(fn, a.options);
  const ignoreIndex = a.ignoreIndex === undefined || a.ignoreIndex === null ? null : intArg(fn, 'ignoreIndex', a.ignoreIndex, -100);
  return linearCrossEntropyImpl(
    tensorArg(fn, 'input', input), tensorArg(fn, 'linear_weight', linearWeight), tensorArg(fn, 'target', target), optTensor(fn, 'linearBias', a.linearBias),
    optTensor(fn, 'weight', a.weight), reductionOf(fn, a), ignoreIndex, numberArg(fn, 'labelSmoothing', a.labelSmoothing, 0.0), chunked,
  );
}
