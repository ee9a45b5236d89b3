// torch.nn's loss modules (torch/nn/modules/loss.py): each stores its options as attributes with
// PyTorch's meaning (camelCase names: ignoreIndex, labelSmoothing, logTarget, ...), registers `weight`
// (and `pos_weight`) as buffers as PyTorch does, so state_dict keys match, and its forward is one
// call of the functional form's resolved-argument entry point (no option parsing per call).
// Constructors take PyTorch's positional arguments in order, then one options object.
import { pyFloat } from './_format.js';
import { readOptions, isOptionsObject, describe as describeValue } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { warn } from '../../warnings.js';
import { bindArgs } from '../../functional/args.js';
import { declareForward, Module, requireForwardArgs } from '../module.js';
import type { LinearCrossEntropyOptions } from './linear_cross_entropy.js';
// PairwiseDistance and Linear belong to other families (distance.ts, linear.ts): looked up when a loss
// is built, so this file compiles whether or not they have landed (Python imports them the same way).
import * as distanceModules from './distance.js';
import * as linearModules from './linear.js';
import {
  binaryCrossEntropyImpl, binaryCrossEntropyWithLogitsImpl, cosineEmbeddingLossImpl, crossEntropyImpl, ctcLossImpl, gaussianNllLossImpl,
  hingeEmbeddingLossImpl, huberLossImpl, klDivImpl, l1LossImpl, marginRankingLossImpl, mseLossImpl, multiMarginLossImpl,
  multilabelMarginLossImpl, multilabelSoftMarginLossImpl, nllLossImpl, poissonNllLossImpl, reductionOf, smoothL1LossImpl,
  softMarginLossImpl, tripletMarginLossImpl, tripletMarginWithDistanceLossImpl, linearCrossEntropyImpl, linearCrossEntropyOptionsArg,
  type DistanceFunction, type Lengths, type Reduction, type ReductionOptions, type NllLossOptions, type CrossEntropyOptions,
  type PoissonNllLossOptions, type KlDivOptions, type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions, type MarginLossOptions,
  type SmoothL1LossOptions, type HuberLossOptions, type MultiMarginLossOptions, type TripletMarginLossOptions, type CtcLossOptions,
} from '../functional/_loss.js';

type Opt = Record<string, unknown>;
const LEGACY = ['sizeAverage', 'reduce', 'reduction'] as const;

/** Python's __init__ arguments: positional ones in PyTorch's order, then an options object (keyword-only names only there). */
function ctorArgs(cls: string, args: readonly unknown[], positional: readonly string[], keywordOnly: readonly string[] = []): Opt {
  if (keywordOnly.length === 0) return bindArgs(cls, args, positional);
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const options = n > 0 && isOptionsObject(args[n - 1]) ? readOptions(cls, args[--n], [...positional, ...keywordOnly]) : {};
  if (n > positional.length) throw new TypeError(`${cls}: takes ${positional.length} positional arguments but ${n} were given (${keywordOnly.join(', ')} are keyword-only)`);
  const out: Opt = Object.create(null) as Opt;
  for (let i = 0; i < n; i++) out[positional[i]!] = args[i];
  for (const [k, v] of Object.entries(options)) {
    if (k in out) throw new TypeError(`${cls}: got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out;
}

function optTensor(cls: string, name: string, v: unknown): Tensor | null {
  if (v === undefined || v === null) return null;
  if (!isTensor(v)) throw new TypeError(`${cls}: ${name} must be a Tensor or null, got ${describeValue(v)}`);
  return v;
}
function num(cls: string, name: string, v: unknown, fallback: number, integer = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || (integer && !Number.isInteger(v))) throw new TypeError(`${cls}: ${name} must be ${integer ? 'an integer' : 'a number'}, got ${describeValue(v)}`);
  return v;
}
function bool(cls: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${cls}: ${name} must be a boolean, got ${describeValue(v)}`);
  return v;
}

/** torch.nn.modules.loss._Loss: the reduction (from the legacy sizeAverage/reduce pair when given, with PyTorch's warning). */
export class _Loss extends Module {
  declare reduction: Reduction;
  constructor(o: Opt = {}) {
    super();
    this.reduction = reductionOf(new.target.name, o);
  }
}

/** torch.nn.modules.loss._WeightedLoss: a class-weight Tensor registered as the buffer `weight` (null: none). */
export class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;
  constructor(o: Opt = {}) {
    super(o);
    this.registerBuffer('weight', optTensor(new.target.name, 'weight', o.weight));
  }
}

/** nn.L1Loss(size_average=None, reduce=None, reduction='mean') */
export class L1Loss extends _Loss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    super(ctorArgs('L1Loss', args, LEGACY));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return l1LossImpl(input, target, this.reduction);
  }
}

/** nn.MSELoss(size_average=None, reduce=None, reduction='mean') */
export class MSELoss extends _Loss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    super(ctorArgs('MSELoss', args, LEGACY));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return mseLossImpl(input, target, this.reduction);
  }
}

/** nn.NLLLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean') */
export class NLLLoss extends _WeightedLoss {
  declare ignoreIndex: number;
  constructor(options?: NllLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs(new.target.name, args, ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction']);
    super(o);
    this.ignoreIndex = num(new.target.name, 'ignoreIndex', o.ignoreIndex, -100, true);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return nllLossImpl(input, target, this.weight, this.ignoreIndex, this.reduction);
  }
}

/** nn.NLLLoss2d: deprecated (FutureWarning), NLLLoss under another name. */
export class NLLLoss2d extends NLLLoss {
  constructor(options?: NllLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    warn(
      '`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.',
      'FutureWarning',
    );
    super(...args);
  }
}

/** nn.CrossEntropyLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0) */
export class CrossEntropyLoss extends _WeightedLoss {
  declare ignoreIndex: number;
  declare labelSmoothing: number;
  constructor(options?: CrossEntropyOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('CrossEntropyLoss', args, ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction', 'labelSmoothing']);
    super(o);
    this.ignoreIndex = num('CrossEntropyLoss', 'ignoreIndex', o.ignoreIndex, -100, true);
    this.labelSmoothing = num('CrossEntropyLoss', 'labelSmoothing', o.labelSmoothing, 0.0);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return crossEntropyImpl(input, target, this.weight, this.ignoreIndex, this.reduction, this.labelSmoothing);
  }
}

/** nn.PoissonNLLLoss(log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean') */
export class PoissonNLLLoss extends _Loss {
  declare logInput: boolean;
  declare full: boolean;
  declare eps: number;
  constructor(options?: PoissonNllLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('PoissonNLLLoss', args, ['logInput', 'full', 'sizeAverage', 'eps', 'reduce', 'reduction']);
    super(o);
    this.logInput = bool('PoissonNLLLoss', 'logInput', o.logInput, true);
    this.full = bool('PoissonNLLLoss', 'full', o.full, false);
    this.eps = num('PoissonNLLLoss', 'eps', o.eps, 1e-8);
  }
  override forward(logInput: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return poissonNllLossImpl(logInput, target, this.logInput, this.full, this.eps, this.reduction);
  }
}

/** nn.GaussianNLLLoss(*, full=False, eps=1e-6, reduction='mean'); forward(input, target, var) with var a Tensor or a number */
export class GaussianNLLLoss extends _Loss {
  declare full: boolean;
  declare eps: number;
  constructor(options: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    const o = ctorArgs('GaussianNLLLoss', [options], [], ['full', 'eps', 'reduction']);
    super({ reduction: o.reduction });
    this.full = bool('GaussianNLLLoss', 'full', o.full, false);
    this.eps = num('GaussianNLLLoss', 'eps', o.eps, 1e-6);
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor | number): Tensor {
    requireForwardArgs(this, arguments);
    return gaussianNllLossImpl(input, target, variance, this.full, this.eps, this.reduction);
  }
}

/** nn.KLDivLoss(size_average=None, reduce=None, reduction='mean', log_target=False) */
export class KLDivLoss extends _Loss {
  declare logTarget: boolean;
  constructor(options?: KlDivOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('KLDivLoss', args, [...LEGACY, 'logTarget']);
    super(o);
    this.logTarget = bool('KLDivLoss', 'logTarget', o.logTarget, false);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return klDivImpl(input, target, this.reduction, this.logTarget);
  }
}

/** nn.BCELoss(weight=None, size_average=None, reduce=None, reduction='mean') */
export class BCELoss extends _WeightedLoss {
  constructor(options?: BinaryCrossEntropyOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    super(ctorArgs('BCELoss', args, ['weight', ...LEGACY]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return binaryCrossEntropyImpl(input, target, this.weight, this.reduction);
  }
}

/** nn.BCEWithLogitsLoss(weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None): buffers `weight`, `pos_weight` */
export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(options?: BinaryCrossEntropyWithLogitsOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('BCEWithLogitsLoss', args, ['weight', ...LEGACY, 'posWeight']);
    super(o);
    this.registerBuffer('weight', optTensor('BCEWithLogitsLoss', 'weight', o.weight));
    this.registerBuffer('pos_weight', optTensor('BCEWithLogitsLoss', 'posWeight', o.posWeight));
  }
  /** The `pos_weight` buffer under its camelCase name. */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return binaryCrossEntropyWithLogitsImpl(input, target, this.weight, this.reduction, this.pos_weight);
  }
}

/** nn.HingeEmbeddingLoss(margin=1.0, size_average=None, reduce=None, reduction='mean') */
export class HingeEmbeddingLoss extends _Loss {
  declare margin: number;
  constructor(options?: MarginLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('HingeEmbeddingLoss', args, ['margin', ...LEGACY]);
    super(o);
    this.margin = num('HingeEmbeddingLoss', 'margin', o.margin, 1.0);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return hingeEmbeddingLossImpl(input, target, this.margin, this.reduction);
  }
}

/** nn.MultiLabelMarginLoss(size_average=None, reduce=None, reduction='mean') */
export class MultiLabelMarginLoss extends _Loss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    super(ctorArgs('MultiLabelMarginLoss', args, LEGACY));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return multilabelMarginLossImpl(input, target, this.reduction);
  }
}

/** nn.SmoothL1Loss(size_average=None, reduce=None, reduction='mean', beta=1.0) */
export class SmoothL1Loss extends _Loss {
  declare beta: number;
  constructor(options?: SmoothL1LossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('SmoothL1Loss', args, [...LEGACY, 'beta']);
    super(o);
    this.beta = num('SmoothL1Loss', 'beta', o.beta, 1.0);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return smoothL1LossImpl(input, target, this.reduction, this.beta);
  }
}

/** nn.HuberLoss(reduction='mean', delta=1.0) */
export class HuberLoss extends _Loss {
  declare delta: number;
  constructor(options?: Omit<HuberLossOptions, 'weight'>);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('HuberLoss', args, ['reduction', 'delta']);
    if (o.delta !== undefined && typeof o.delta !== 'number') throw new TypeError(`HuberLoss: delta must be a float or int, got: ${describeValue(o.delta)}`);
    super({ reduction: o.reduction });
    this.delta = num('HuberLoss', 'delta', o.delta, 1.0);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return huberLossImpl(input, target, this.reduction, this.delta);
  }
}

/** nn.SoftMarginLoss(size_average=None, reduce=None, reduction='mean') */
export class SoftMarginLoss extends _Loss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    super(ctorArgs('SoftMarginLoss', args, LEGACY));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return softMarginLossImpl(input, target, this.reduction);
  }
}

/** nn.MultiLabelSoftMarginLoss(weight=None, size_average=None, reduce=None, reduction='mean') */
export class MultiLabelSoftMarginLoss extends _WeightedLoss {
  constructor(options?: BinaryCrossEntropyOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    super(ctorArgs('MultiLabelSoftMarginLoss', args, ['weight', ...LEGACY]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return multilabelSoftMarginLossImpl(input, target, this.weight, this.reduction);
  }
}

/** nn.CosineEmbeddingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean') */
export class CosineEmbeddingLoss extends _Loss {
  declare margin: number;
  constructor(options?: MarginLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('CosineEmbeddingLoss', args, ['margin', ...LEGACY]);
    super(o);
    this.margin = num('CosineEmbeddingLoss', 'margin', o.margin, 0.0);
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return cosineEmbeddingLossImpl(input1, input2, target, this.margin, this.reduction);
  }
}

/** nn.MarginRankingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean') */
export class MarginRankingLoss extends _Loss {
  declare margin: number;
  constructor(options?: MarginLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('MarginRankingLoss', args, ['margin', ...LEGACY]);
    super(o);
    this.margin = num('MarginRankingLoss', 'margin', o.margin, 0.0);
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return marginRankingLossImpl(input1, input2, target, this.margin, this.reduction);
  }
}

/** nn.MultiMarginLoss(p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction='mean') */
export class MultiMarginLoss extends _WeightedLoss {
  declare p: number;
  declare margin: number;
  constructor(options?: MultiMarginLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('MultiMarginLoss', args, ['p', 'margin', 'weight', ...LEGACY]);
    super(o);
    const p = num('MultiMarginLoss', 'p', o.p, 1);
    if (p !== 1 && p !== 2) throw new TypeError('MultiMarginLoss: only p == 1 and p == 2 supported');
    if (this.weight !== null && this.weight.dim() !== 1)
      throw new RangeError(`MultiMarginLoss: expected weight to be None or 1D tensor, got ${this.weight.dim()}D instead`);
    this.p = p;
    this.margin = num('MultiMarginLoss', 'margin', o.margin, 1.0);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return multiMarginLossImpl(input, target, this.p, this.margin, this.weight, this.reduction);
  }
}

/** nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction='mean') */
export class TripletMarginLoss extends _Loss {
  declare margin: number;
  declare p: number;
  declare eps: number;
  declare swap: boolean;
  constructor(options?: TripletMarginLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('TripletMarginLoss', args, ['margin', 'p', 'eps', 'swap', ...LEGACY]);
    super(o);
    const margin = num('TripletMarginLoss', 'margin', o.margin, 1.0);
    if (margin <= 0) throw new RangeError(`TripletMarginLoss: expected margin to be greater than 0, got ${margin} instead`);
    this.margin = margin;
    this.p = num('TripletMarginLoss', 'p', o.p, 2.0);
    this.eps = num('TripletMarginLoss', 'eps', o.eps, 1e-6);
    this.swap = bool('TripletMarginLoss', 'swap', o.swap, false);
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return tripletMarginLossImpl(anchor, positive, negative, this.margin, this.p, this.eps, this.swap, this.reduction);
  }
}

type ModuleClass = new (...args: unknown[]) => Module;
const otherFamily = (ns: object, name: string): ModuleClass | undefined => (ns as Record<string, ModuleClass | undefined>)[name];
/** PyTorch's default distance: a PairwiseDistance() submodule (torch.pairwise_distance where nn.PairwiseDistance is absent). */
const defaultDistance = (): Module | null => {
  const PairwiseDistance = otherFamily(distanceModules, 'PairwiseDistance');
  return PairwiseDistance ? new PairwiseDistance() : null;
};

/**
 * nn.TripletMarginWithDistanceLoss(*, distance_function=None, margin=1.0, swap=False, reduction='mean'):
 * distanceFunction is a JS function of two tensors or a Module (registered as the submodule
 * `distance_function`, as PyTorch registers one); null means torch.pairwise_distance.
 */
export class TripletMarginWithDistanceLoss extends _Loss {
  declare margin: number;
  declare swap: boolean;
  declare distanceFunction: DistanceFunction | null;
  constructor(options: { distanceFunction?: DistanceFunction | Module | null; margin?: number; swap?: boolean; reduction?: Reduction } = {}) {
    const cls = 'TripletMarginWithDistanceLoss';
    const o = ctorArgs(cls, [options], [], ['distanceFunction', 'margin', 'swap', 'reduction']);
    super({ reduction: o.reduction });
    const margin = num(cls, 'margin', o.margin, 1.0);
    if (margin <= 0) throw new RangeError(`${cls}: expected margin to be greater than 0, got ${margin} instead`);
    const dist = o.distanceFunction ?? defaultDistance();
    if (dist instanceof Module) {
      this.registerModule('distance_function', dist);
      this.distanceFunction = (x1, x2) => dist.call(x1, x2) as Tensor;
    } else if (dist === null || typeof dist === 'function') {
      this.distanceFunction = dist as DistanceFunction | null;
    } else {
      throw new TypeError(`${cls}: distanceFunction must be a function, a Module or null, got ${describeValue(dist)}`);
    }
    this.margin = margin;
    this.swap = bool(cls, 'swap', o.swap, false);
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    return tripletMarginWithDistanceLossImpl(anchor, positive, negative, this.distanceFunction, this.margin, this.swap, this.reduction);
  }
}

/** nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False); forward(logProbs, targets, inputLengths, targetLengths), lengths as Tensors or arrays */
export class CTCLoss extends _Loss {
  declare blank: number;
  declare zeroInfinity: boolean;
  constructor(options?: CtcLossOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const o = ctorArgs('CTCLoss', args, ['blank', 'reduction', 'zeroInfinity']);
    super({ reduction: o.reduction });
    this.blank = num('CTCLoss', 'blank', o.blank, 0, true);
    this.zeroInfinity = bool('CTCLoss', 'zeroInfinity', o.zeroInfinity, false);
  }
  override forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    requireForwardArgs(this, arguments);
    return ctcLossImpl(logProbs, targets, inputLengths, targetLengths, this.blank, this.reduction, this.zeroInfinity);
  }
}

const pyTuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

/**
 * nn.LinearCrossEntropyLoss(in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
 * reduction='mean', weight=None, ignore_index=None, label_smoothing=0.0, options=None) (new in 2.13): a Linear
 * layer (submodule `linear`) and cross entropy in one module. `options`, an nn.LinearCrossEntropyOptions,
 * takes F.linearCrossEntropy's chunked path.
 */
/** LinearCrossEntropyLoss's keyword options (camelCase). */
export interface LinearCrossEntropyLossOptions {
  outFeatures?: number[];
  bias?: boolean;
  device?: unknown;
  dtype?: unknown;
  reduction?: Reduction;
  weight?: Tensor | null;
  ignoreIndex?: number | null;
  labelSmoothing?: number;
  options?: LinearCrossEntropyOptions | null;
}

export class LinearCrossEntropyLoss extends _WeightedLoss {
  declare numClasses: number;
  declare outFeatures: number[];
  declare ignoreIndex: number | null;
  declare labelSmoothing: number;
  declare options: LinearCrossEntropyOptions | null;
  declare linear: Module & { weight: Tensor; bias: Tensor | null; inFeatures: number };
  constructor(options: LinearCrossEntropyLossOptions & { inFeatures: number; numClasses: number });
  constructor(inFeatures: number, numClasses: number | (LinearCrossEntropyLossOptions & { numClasses: number }), options?: LinearCrossEntropyLossOptions);
  constructor(...args: unknown[]) {
    const cls = 'LinearCrossEntropyLoss';
    const o = ctorArgs(cls, args, ['inFeatures', 'numClasses'], ['outFeatures', 'bias', 'device', 'dtype', 'reduction', 'weight', 'ignoreIndex', 'labelSmoothing', 'options']);
    if (o.inFeatures === undefined || o.numClasses === undefined) throw new TypeError(`${cls}: missing required arguments inFeatures and numClasses`);
    const nIn = num(cls, 'inFeatures', o.inFeatures, 0, true);
    const nClasses = num(cls, 'numClasses', o.numClasses, 0, true);
    const weight = optTensor(cls, 'weight', o.weight);
    if (weight !== null && !(weight.dim() === 1 && weight.shape[0] === nClasses)) throw new RangeError(`${cls}: expected weight shape to be (${nClasses},), got ${pyTuple(weight.shape)}`);
    const labelSmoothing = num(cls, 'labelSmoothing', o.labelSmoothing, 0.0);
    if (labelSmoothing < 0 || labelSmoothing > 1.0) throw new RangeError(`${cls}: expected label_smoothing to be in range [0, 1], got ${pyFloat(labelSmoothing)}`);
    const chunked = linearCrossEntropyOptionsArg(cls, o.options);
    const outFeatures = (o.outFeatures ?? []) as number[];
    if (!Array.isArray(outFeatures) || !outFeatures.every((d) => Number.isInteger(d))) throw new TypeError(`${cls}: outFeatures must be an array of integers`);
    const Linear = otherFamily(linearModules, 'Linear');
    if (!Linear) throw new Error(`${cls}: needs nn.Linear, which this build lacks`);
    super({ weight, reduction: o.reduction });
    this.numClasses = nClasses;
    this.outFeatures = [...outFeatures];
    this.ignoreIndex = o.ignoreIndex === undefined || o.ignoreIndex === null ? null : num(cls, 'ignoreIndex', o.ignoreIndex, -100, true);
    this.labelSmoothing = labelSmoothing;
    const factory: Record<string, unknown> = { bias: bool(cls, 'bias', o.bias, false) };
    if (o.device !== undefined && o.device !== null) factory.device = o.device;
    if (o.dtype !== undefined && o.dtype !== null) factory.dtype = o.dtype;
    this.linear = new Linear(nIn, outFeatures.reduce((p, d) => p * d, nClasses), factory) as LinearCrossEntropyLoss['linear'];
    this.options = chunked;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    requireForwardArgs(this, arguments);
    const linearWeight = this.linear.weight.reshape(this.numClasses, ...this.outFeatures, this.linear.inFeatures);
    const linearBias = this.linear.bias === null ? null : this.linear.bias.reshape(this.numClasses, ...this.outFeatures);
    return linearCrossEntropyImpl(input, linearWeight, target, linearBias, this.weight, this.reduction, this.ignoreIndex, this.labelSmoothing, this.options);
  }
  override extraRepr(): string {
    return `in_features=${this.linear.inFeatures}, num_classes=${this.numClasses}, out_features=${pyTuple(this.outFeatures)}, bias=${this.linear.bias !== null ? 'True' : 'False'}, ` +
      `reduction=${this.reduction}, ignore_index=${this.ignoreIndex === null ? 'None' : this.ignoreIndex}, label_smoothing=${pyFloat(this.labelSmoothing)}, options=${this.options === null ? 'None' : String(this.options)}`;
  }
}

declareForward([L1Loss, MSELoss, NLLLoss, CrossEntropyLoss, KLDivLoss, BCELoss, BCEWithLogitsLoss, HingeEmbeddingLoss, MultiLabelMarginLoss,
  SmoothL1Loss, HuberLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, LinearCrossEntropyLoss], ['input', 'target']);
declareForward([PoissonNLLLoss], ['logInput', 'target']);
declareForward([GaussianNLLLoss], ['input', 'target', 'var']);
declareForward([CosineEmbeddingLoss, MarginRankingLoss], ['input1', 'input2', 'target']);
declareForward([TripletMarginLoss, TripletMarginWithDistanceLoss], ['anchor', 'positive', 'negative']);
declareForward([CTCLoss], ['logProbs', 'targets', 'inputLengths', 'targetLengths']);
