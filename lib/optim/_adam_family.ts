// What Adam, AdamW, Adamax, NAdam and RAdam share: their constructors' checks (torch/optim/<name>.py,
// with Python's messages). Not exported from optim.
import { isTensor, type Tensor } from '../tensor.js';
import { checkBetas, checkFlag, checkImplementation, checkNonNegative, type ParamGroup } from './optimizer.js';

/** Python's `betas = tuple(map(_to_scalar, betas))` of Adam's __init__: a 1-element Tensor beta becomes its 0-dim view. */
export function scalarBetas(defaults: Record<string, unknown>): Record<string, unknown> {
  const betas = defaults.betas;
  if (Array.isArray(betas)) defaults.betas = betas.map((b) => (isTensor(b) && b.dim() !== 0 && b.numel() === 1 ? b.squeeze() : b));
  return defaults;
}

// Python's defaults dict of Adam, in its order (AdamW shares it, with weight_decay 1e-2 and decoupled_weight_decay True).
export const ADAM_DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: null, decoupledWeightDecay: false } as const;
/** Adam's and AdamW's positional arguments after params, in PyTorch's order. */
export const ADAM_POSITIONAL = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] as const;

/** Which of the family's options an optimizer has, beyond lr, betas, eps, weightDecay, maximize, capturable. */
export interface FamilyTraits {
  /** Adam/AdamW: foreach without capturable refuses a Tensor lr (Python's ValueError). */
  tensorLrNeedsCapturable?: boolean;
  /** Adam/AdamW: betas may be two 1-element Tensors (not with foreach unless capturable). */
  tensorBetas?: boolean;
  amsgrad?: boolean;
  decoupledWeightDecay?: boolean;
  momentumDecay?: boolean;
  fused?: boolean;
}

/**
 * Python's __init__ checks of the Adam family, in Python's order, for the constructor's options
 * (`isDefaults`); for a group, of which Python checks nothing, only the types the native step needs.
 */
export function validateAdamFamily(cls: string, g: ParamGroup, traits: FamilyTraits, isDefaults: boolean): void {
  const range = isDefaults;
  if (isTensor(g.lr)) {
    if (range && traits.tensorLrNeedsCapturable && g.foreach === true && g.capturable !== true)
      throw new Error(`${cls}: lr as a Tensor is not supported for capturable=False and foreach=True`);
    if (g.lr.numel() !== 1) throw new Error(`${cls}: Tensor lr must be 1-element`);
  }
  checkNonNegative(cls, 'learning rate', g.lr, range);
  checkNonNegative(cls, 'epsilon value', g.eps, range);
  const tensorAt = Array.isArray(g.betas) ? g.betas.map((b) => isTensor(b)) : [];
  // Python types the betas of Adamax, NAdam and RAdam as floats only
  if (!traits.tensorBetas && tensorAt.some(Boolean)) throw new TypeError(`${cls}: betas must be two numbers (Tensor betas are taken by Adam and AdamW only)`);
  tensorAt.forEach((t, i) => {
    if (t && (g.betas as Tensor[])[i]!.numel() !== 1) throw new Error(`${cls}: Tensor betas[${i}] must be 1-element`);
  });
  checkBetas(cls, g.betas, range);
  // Adam and AdamW compute with a Tensor weight_decay (differentiable steps differentiate through it); the others take floats
  if (isTensor(g.weightDecay) && !traits.tensorBetas) throw new TypeError(`${cls}: weight_decay must be a number, got Tensor`);
  checkNonNegative(cls, 'weight_decay value', g.weightDecay, range);
  if (range && tensorAt.length === 2 && tensorAt[0] !== tensorAt[1]) throw new Error(`${cls}: betas must be either both floats or both Tensors`);
  tensorAt.forEach((t, i) => {
    if (range && t && g.capturable !== true && g.foreach === true) throw new Error(`${cls}: betas[${i}] as a Tensor is not supported for capturable=False and foreach=True`);
  });
  if (traits.momentumDecay) checkNonNegative(cls, 'momentum_decay value', g.momentumDecay, range);
  if (traits.amsgrad) checkFlag(cls, 'amsgrad', g.amsgrad);
  if (traits.decoupledWeightDecay) checkFlag(cls, 'decoupled_weight_decay', g.decoupledWeightDecay);
  checkFlag(cls, 'maximize', g.maximize);
  checkFlag(cls, 'capturable', g.capturable);
  checkImplementation(cls, g, traits.fused ?? false, isDefaults);
}
