// torch.nn activation layers (torch/nn/modules/activation.py, 2.13; MultiheadAttention lives in
// attention.ts). Options are read once in the constructor; forward is one call of the parsed
// functional form (lib/nn/functional/activation.ts), so a layer costs what F costs.
import { empty, type FactoryOptions } from '../../creation.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import {
  activationImpl, checkTensor, geluImpl, gluImpl, hardshrink, hardtanhImpl, implicitSoftmaxDim, logsigmoid, numArg, prelu,
  rreluImpl, softplus, softshrink, softsign, tanhshrink, thresholdImpl, type Call,
} from '../functional/activation.js';
import * as init from '../init.js';
import { declareForward, Module } from '../module.js';
import { ModuleList, Sequential } from './container.js';
import { Linear } from './linear.js';
import { ownedParameter, Parameter } from '../parameter.js';
import { factoryOptions, pyFloat, pyOptInt, pyRepr } from './_format.js';
import { pySize } from '../../dtype.js';
import { warn } from '../../warnings.js';

const inplaceRepr = (inplace: boolean, lead: boolean): string => (inplace ? (lead ? ', inplace=True' : 'inplace=True') : '');
type InplaceArgs = Call<[boolean], { inplace?: boolean }>;

/** A layer whose only option is `inplace` (ReLU, SiLU, Mish, Hardsigmoid, Hardswish, SELU). */
abstract class InplaceActivation extends Module {
  inplace: boolean;
  constructor(name: string, args: unknown[]) {
    super();
    this.inplace = boolArg(name, 'inplace', bindArgs(name, args, ['inplace']).inplace, false);
  }
}

/** nn.Threshold(threshold, value, inplace=False) */
export class Threshold extends Module {
  threshold: number;
  value: number;
  inplace: boolean;
  constructor(...args: Call<[number, number, boolean], { threshold?: number; value?: number; inplace?: boolean }>) {
    super();
    const a = bindArgs('Threshold', args, ['threshold', 'value', 'inplace']);
    this.threshold = numArg('Threshold', 'threshold', a.threshold);
    this.value = numArg('Threshold', 'value', a.value);
    this.inplace = boolArg('Threshold', 'inplace', a.inplace, false);
  }
  override forward(input: Tensor): Tensor {
    return thresholdImpl(input, this.threshold, this.value, this.inplace);
  }
  override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceRepr(this.inplace, true)}`;
  }
}

/** nn.ReLU(inplace=False) */
export class ReLU extends InplaceActivation {
  constructor(...args: InplaceArgs) { super('ReLU', args); }
  override forward(input: Tensor): Tensor { return activationImpl('relu', input, [], this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace, false); }
}

/** nn.RReLU(lower=1/8, upper=1/3, inplace=False): random slopes in training, their mean in eval. */
export class RReLU extends Module {
  lower: number;
  upper: number;
  inplace: boolean;
  constructor(...args: Call<[number, number, boolean], { lower?: number; upper?: number; inplace?: boolean }>) {
    super();
    const a = bindArgs('RReLU', args, ['lower', 'upper', 'inplace']);
    this.lower = numArg('RReLU', 'lower', a.lower, 1 / 8);
    this.upper = numArg('RReLU', 'upper', a.upper, 1 / 3);
    this.inplace = boolArg('RReLU', 'inplace', a.inplace, false);
  }
  override forward(input: Tensor): Tensor {
    return rreluImpl(input, this.lower, this.upper, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceRepr(this.inplace, true)}`;
  }
}

/** nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False) (min_value/max_value: deprecated spellings) */
export class Hardtanh extends Module {
  minVal: number;
  maxVal: number;
  inplace: boolean;
  constructor(...args: Call<[number, number, boolean], { minVal?: number; maxVal?: number; inplace?: boolean; minValue?: number | null; maxValue?: number | null }>) {
    super();
    const name = new.target.name;
    const a = bindArgs(name, args, ['minVal', 'maxVal', 'inplace', 'minValue', 'maxValue']);
    let minVal = numArg(name, 'minVal', a.minVal, -1);
    let maxVal = numArg(name, 'maxVal', a.maxVal, 1);
    if (a.minValue !== undefined && a.minValue !== null) {
      warn('keyword argument `min_value` is deprecated and renamed to `min_val`', 'FutureWarning');
      minVal = numArg(name, 'minValue', a.minValue);
    }
    if (a.maxValue !== undefined && a.maxValue !== null) {
      warn('keyword argument `max_value` is deprecated and renamed to `max_val`', 'FutureWarning');
      maxVal = numArg(name, 'maxValue', a.maxValue);
    }
    this.minVal = minVal;
    this.maxVal = maxVal;
    this.inplace = boolArg(name, 'inplace', a.inplace, false);
    if (this.maxVal <= this.minVal) throw new RangeError(`${name}: max_val (${pyFloat(this.maxVal)}) must be greater than min_val (${pyFloat(this.minVal)})`);
  }
  override forward(input: Tensor): Tensor {
    return hardtanhImpl(input, this.minVal, this.maxVal, this.inplace);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceRepr(this.inplace, true)}`;
  }
}

/** nn.ReLU6(inplace=False): Hardtanh(0, 6) */
export class ReLU6 extends Hardtanh {
  constructor(...args: InplaceArgs) {
    const inplace = boolArg('ReLU6', 'inplace', bindArgs('ReLU6', args, ['inplace']).inplace, false);
    super(0, 6, inplace);
  }
  override extraRepr(): string { return inplaceRepr(this.inplace, false); }
}

/** nn.Sigmoid() */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor { return input.sigmoid(); }
}
/** nn.Tanh() */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor { return input.tanh(); }
}
/** nn.Hardsigmoid(inplace=False) (Python prints no inplace) */
export class Hardsigmoid extends InplaceActivation {
  constructor(...args: InplaceArgs) { super('Hardsigmoid', args); }
  override forward(input: Tensor): Tensor { return activationImpl('hardsigmoid', input, [], this.inplace); }
}
/** nn.SiLU(inplace=False) */
export class SiLU extends InplaceActivation {
  constructor(...args: InplaceArgs) { super('SiLU', args); }
  override forward(input: Tensor): Tensor { return activationImpl('silu', input, [], this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace, false); }
}
/** nn.Mish(inplace=False) */
export class Mish extends InplaceActivation {
  constructor(...args: InplaceArgs) { super('Mish', args); }
  override forward(input: Tensor): Tensor { return activationImpl('mish', input, [], this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace, false); }
}
/** nn.Hardswish(inplace=False) (Python prints no inplace) */
export class Hardswish extends InplaceActivation {
  constructor(...args: InplaceArgs) { super('Hardswish', args); }
  override forward(input: Tensor): Tensor { return activationImpl('hardswish', input, [], this.inplace); }
}
/** nn.SELU(inplace=False) */
export class SELU extends InplaceActivation {
  constructor(...args: InplaceArgs) { super('SELU', args); }
  override forward(input: Tensor): Tensor { return activationImpl('selu', input, [], this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace, false); }
}

type AlphaArgs = Call<[number, boolean], { alpha?: number; inplace?: boolean }>;
/** ELU and CELU: alpha and inplace. */
abstract class AlphaActivation extends Module {
  alpha: number;
  inplace: boolean;
  constructor(name: string, args: unknown[]) {
    super();
    const a = bindArgs(name, args, ['alpha', 'inplace']);
    this.alpha = numArg(name, 'alpha', a.alpha, 1);
    this.inplace = boolArg(name, 'inplace', a.inplace, false);
  }
  // On the prototype, not a #private field: a deep copy (copy.deepcopy's Reflect.construct) keeps it.
  protected abstract get _op(): 'elu' | 'celu';
  override forward(input: Tensor): Tensor { return activationImpl(this._op, input, [this.alpha], this.inplace); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${inplaceRepr(this.inplace, true)}`; }
}
/** nn.ELU(alpha=1.0, inplace=False) */
export class ELU extends AlphaActivation {
  constructor(...args: AlphaArgs) { super('ELU', args); }
  protected override get _op(): 'elu' { return 'elu'; }
}
/** nn.CELU(alpha=1.0, inplace=False) */
export class CELU extends AlphaActivation {
  constructor(...args: AlphaArgs) { super('CELU', args); }
  protected override get _op(): 'celu' { return 'celu'; }
}

/** nn.GLU(dim=-1) */
export class GLU extends Module {
  dim: number;
  constructor(...args: Call<[number], { dim?: number }>) {
    super();
    this.dim = numArg('GLU', 'dim', bindArgs('GLU', args, ['dim']).dim, -1);
  }
  override forward(input: Tensor): Tensor { return gluImpl(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** nn.GELU(approximate='none') */
export class GELU extends Module {
  approximate: 'none' | 'tanh';
  constructor(...args: Call<['none' | 'tanh'], { approximate?: 'none' | 'tanh' }>) {
    super();
    const approximate = bindArgs('GELU', args, ['approximate']).approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') throw new TypeError(`GELU: approximate must be 'none' or 'tanh', got ${String(approximate)}`);
    this.approximate = approximate;
  }
  override forward(input: Tensor): Tensor { return geluImpl(input, this.approximate); }
  override extraRepr(): string { return `approximate=${pyRepr(this.approximate)}`; }
}

/** Hardshrink and Softshrink: lambd, printed bare. */
abstract class Shrink extends Module {
  lambd: number;
  constructor(name: string, args: unknown[]) {
    super();
    this.lambd = numArg(name, 'lambd', bindArgs(name, args, ['lambd']).lambd, 0.5);
  }
  override extraRepr(): string { return pyFloat(this.lambd); }
}
/** nn.Hardshrink(lambd=0.5) */
export class Hardshrink extends Shrink {
  constructor(...args: Call<[number], { lambd?: number }>) { super('Hardshrink', args); }
  override forward(input: Tensor): Tensor { return hardshrink(input, this.lambd); }
}
/** nn.Softshrink(lambd=0.5) */
export class Softshrink extends Shrink {
  constructor(...args: Call<[number], { lambd?: number }>) { super('Softshrink', args); }
  override forward(input: Tensor): Tensor { return softshrink(input, this.lambd); }
}

/** nn.LeakyReLU(negative_slope=0.01, inplace=False) */
export class LeakyReLU extends Module {
  negativeSlope: number;
  inplace: boolean;
  constructor(...args: Call<[number, boolean], { negativeSlope?: number; inplace?: boolean }>) {
    super();
    const a = bindArgs('LeakyReLU', args, ['negativeSlope', 'inplace']);
    this.negativeSlope = numArg('LeakyReLU', 'negativeSlope', a.negativeSlope, 0.01);
    this.inplace = boolArg('LeakyReLU', 'inplace', a.inplace, false);
  }
  override forward(input: Tensor): Tensor { return activationImpl('leakyRelu', input, [this.negativeSlope], this.inplace); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceRepr(this.inplace, true)}`; }
}

/** nn.LogSigmoid() */
export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor { return logsigmoid(input); }
}

/** nn.Softplus(beta=1.0, threshold=20.0) */
export class Softplus extends Module {
  beta: number;
  threshold: number;
  constructor(...args: Call<[number, number], { beta?: number; threshold?: number }>) {
    super();
    const a = bindArgs('Softplus', args, ['beta', 'threshold']);
    this.beta = numArg('Softplus', 'beta', a.beta, 1);
    this.threshold = numArg('Softplus', 'threshold', a.threshold, 20);
  }
  override forward(input: Tensor): Tensor { return softplus(input, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`; }
}

/** nn.PReLU(num_parameters=1, init=0.25, device=None, dtype=None): a learnt slope per channel. */
export class PReLU extends Module {
  numParameters: number;
  init: number;
  declare weight: Parameter;
  constructor(...args: Call<[number, number], { numParameters?: number; init?: number; device?: FactoryOptions['device']; dtype?: FactoryOptions['dtype'] }>) {
    super();
    const a = bindArgs('PReLU', args, ['numParameters', 'init', 'device', 'dtype']);
    this.numParameters = numArg('PReLU', 'numParameters', a.numParameters, 1);
    this.init = numArg('PReLU', 'init', a.init, 0.25);
    this.weight = ownedParameter(empty([this.numParameters], factoryOptions(a)));
    this.resetParameters();
  }
  resetParameters(): void { init.constant_(this.weight, this.init); }
  override forward(input: Tensor): Tensor { return prelu(input, this.weight); }
  override extraRepr(): string { return `num_parameters=${this.numParameters}`; }
}

/** nn.Softsign() */
export class Softsign extends Module {
  override forward(input: Tensor): Tensor { return softsign(input); }
}
/** nn.Tanhshrink() */
export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor { return tanhshrink(input); }
}

/** Softmax, Softmin, LogSoftmax: dim (None: Python's deprecated implicit choice, with its warning). */
abstract class SoftmaxLayer extends Module {
  dim: number | null;
  constructor(name: string, args: unknown[]) {
    super();
    const dim = bindArgs(name, args, ['dim']).dim;
    this.dim = dim === undefined || dim === null ? null : numArg(name, 'dim', dim);
  }
  protected dimFor(input: Tensor, py: string): number {
    checkTensor(this.constructor.name, input);
    return this.dim ?? implicitSoftmaxDim(py, input.dim());
  }
  override extraRepr(): string { return `dim=${pyOptInt(this.dim)}`; }
}
/** nn.Softmin(dim=None) */
export class Softmin extends SoftmaxLayer {
  constructor(...args: Call<[number | null], { dim?: number | null }>) { super('Softmin', args); }
  override forward(input: Tensor): Tensor { return input.neg().softmax(this.dimFor(input, 'softmin')); }
}
/** nn.Softmax(dim=None) */
export class Softmax extends SoftmaxLayer {
  constructor(...args: Call<[number | null], { dim?: number | null }>) { super('Softmax', args); }
  override forward(input: Tensor): Tensor { return input.softmax(this.dimFor(input, 'softmax')); }
}
/** nn.LogSoftmax(dim=None) */
export class LogSoftmax extends SoftmaxLayer {
  constructor(...args: Call<[number | null], { dim?: number | null }>) { super('LogSoftmax', args); }
  override forward(input: Tensor): Tensor { return input.logSoftmax(this.dimFor(input, 'log_softmax')); }
}
/** nn.Softmax2d(): softmax over the channels of a 3-D or 4-D input. */
export class Softmax2d extends Module {
  override forward(input: Tensor): Tensor {
    checkTensor('Softmax2d', input);
    if (input.dim() !== 3 && input.dim() !== 4) throw new RangeError(`Softmax2d: expected input to be 3D or 4D, got ${input.dim()}D instead`);
    return input.softmax(-3);
  }
}

// ---- AdaptiveLogSoftmaxWithLoss (torch/nn/modules/adaptive.py) --------------------------------

/** Python's float floor division a // b (fmod-based, so 8 // 6.25 is 1.0 exactly as in Python). */
function pyFloorDiv(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

/** AdaptiveLogSoftmaxWithLoss's result, Python's namedtuple _ASMoutput(output, loss): an array with named fields. */
export type ASMoutput = [Tensor, Tensor] & { output: Tensor; loss: Tensor };

/**
 * nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
 * Grave et al.'s adaptive softmax; call(input, target) returns { output, loss } as Python's _ASMoutput.
 */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  inFeatures: number;
  nClasses: number;
  cutoffs: number[];
  divValue: number;
  headBias: boolean;
  shortlistSize: number;
  nClusters: number;
  headSize: number;
  head: Linear;
  tail: ModuleList;
  constructor(...args: Call<[number, number, number[], number, boolean], { inFeatures?: number; nClasses?: number; cutoffs?: number[]; divValue?: number; headBias?: boolean; device?: unknown; dtype?: unknown }>) {
    super();
    const n = 'AdaptiveLogSoftmaxWithLoss';
    const a = bindArgs(n, args, ['inFeatures', 'nClasses', 'cutoffs', 'divValue', 'headBias', 'device', 'dtype']);
    const inFeatures = numArg(n, 'inFeatures', a.inFeatures);
    const nClasses = numArg(n, 'nClasses', a.nClasses);
    if (!Array.isArray(a.cutoffs)) throw new TypeError(`${n}: cutoffs must be an array of ints, got ${String(a.cutoffs)}`);
    const cutoffs = [...(a.cutoffs as number[])];
    if (cutoffs.length === 0) throw new RangeError(`${n}: cutoffs should be a sequence of length larger than 0`);
    const sorted = cutoffs.every((c, i) => i === 0 || cutoffs[i - 1]! <= c);
    if (!sorted || Math.min(...cutoffs) <= 0 || Math.max(...cutoffs) > nClasses - 1 || new Set(cutoffs).size !== cutoffs.length || cutoffs.some((c) => !Number.isInteger(c)))
      throw new RangeError(`${n}: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1`);
    this.inFeatures = inFeatures;
    this.nClasses = nClasses;
    this.cutoffs = [...cutoffs, nClasses];
    this.divValue = numArg(n, 'divValue', a.divValue, 4);
    this.headBias = boolArg(n, 'headBias', a.headBias, false);
    this.shortlistSize = this.cutoffs[0]!;
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const factory = factoryOptions(a);
    this.head = new Linear(inFeatures, this.headSize, { bias: this.headBias, ...factory });
    this.tail = new ModuleList();
    for (let i = 0; i < this.nClusters; i++) {
      const hsz = Math.trunc(pyFloorDiv(inFeatures, this.divValue ** (i + 1)));
      const osz = this.cutoffs[i + 1]! - this.cutoffs[i]!;
      this.tail.append(new Sequential(new Linear(inFeatures, hsz, { bias: false, ...factory }), new Linear(hsz, osz, { bias: false, ...factory })));
    }
  }

  resetParameters(): void {
    const reset = (m: Module): void => (m as unknown as { resetParameters(): void }).resetParameters();
    reset(this.head);
    for (const projection of this.tail) for (const layer of projection as Sequential) reset(layer);
  }

  override forward(input_: Tensor, target_: Tensor): ASMoutput {
    checkTensor('AdaptiveLogSoftmaxWithLoss', input_);
    checkTensor('AdaptiveLogSoftmaxWithLoss', target_, 'target');
    const targDim = target_.dim();
    if (targDim === 1) {
      if (input_.size(0) !== target_.size(0)) throw new Error('AdaptiveLogSoftmaxWithLoss: Input and target should have the same size in the batch dimension.');
      if (input_.dim() !== 2) throw new Error(`AdaptiveLogSoftmaxWithLoss: 1D target tensor expects 2D input tensors, but found inputs with size ${pySize(input_.shape)}`);
    } else if (targDim === 0) {
      if (input_.dim() !== 1) throw new Error(`AdaptiveLogSoftmaxWithLoss: 0D target tensor expects 1D input tensors, but found inputs with size ${pySize(input_.shape)}`);
    } else throw new Error('AdaptiveLogSoftmaxWithLoss: 0D or 1D target tensor expected, multi-target not supported');
    const isBatched = targDim > 0;
    const input = isBatched ? input_ : input_.unsqueeze(0);
    const target = isBatched ? target_ : target_.unsqueeze(0);
    let usedRows = 0;
    const batchSize = target.size(0);
    let output = input.newZeros([batchSize]);
    const gatherInds = target.newEmpty([batchSize]);
    const cutoffValues = [0, ...this.cutoffs];
    for (let i = 0; i < cutoffValues.length - 1; i++) {
      const low = cutoffValues[i]!;
      const high = cutoffValues[i + 1]!;
      const targetMask = target.ge(low).bitwiseAnd(target.lt(high));
      const rowIndices = targetMask.nonzero().squeeze();
      if (rowIndices.numel() === 0) continue;
      if (i === 0) {
        gatherInds.indexCopy_(0, rowIndices, target.index(targetMask));
      } else {
        const relativeTarget = target.index(targetMask).sub(low);
        const inputSubset = input.indexSelect(0, rowIndices);
        const clusterOutput = (this.tail.at(i - 1) as Module).call(inputSubset) as Tensor;
        gatherInds.indexFill_(0, rowIndices, this.shortlistSize + i - 1);
        const clusterLogprob = clusterOutput.logSoftmax(1);
        const localLogprob = clusterLogprob.gather(1, relativeTarget.unsqueeze(1));
        output.indexCopy_(0, rowIndices, localLogprob.squeeze(1));
      }
      usedRows += rowIndices.numel();
    }
    if (usedRows !== batchSize)
      throw new Error(`AdaptiveLogSoftmaxWithLoss: Target values should be in [0, ${this.nClasses - 1}], but values in range [${target.min().item()}, ${target.max().item()}] were found. `);
    const headOutput = this.head.call(input) as Tensor;
    const headLogprob = headOutput.logSoftmax(1);
    output = output.add_(headLogprob.gather(1, gatherInds.unsqueeze(1)).squeeze());
    const loss = output.neg().mean();
    if (!isBatched) output = output.squeeze(0);
    return Object.assign([output, loss] as [Tensor, Tensor], { output, loss });
  }

  // Python's _get_full_log_prob: every class's log-probability from the head and the clusters.
  private fullLogProb(input: Tensor, headOutput: Tensor): Tensor {
    const out = input.newEmpty([headOutput.size(0), this.nClasses]);
    const headLogprob = headOutput.logSoftmax(1);
    out.narrow(1, 0, this.shortlistSize).copy_(headLogprob.narrow(1, 0, this.shortlistSize));
    for (let i = 0; i < this.cutoffs.length - 1; i++) {
      const [start, stop] = [this.cutoffs[i]!, this.cutoffs[i + 1]!];
      const clusterLogprob = ((this.tail.at(i) as Module).call(input) as Tensor).logSoftmax(1);
      out.narrow(1, start, stop - start).copy_(clusterLogprob.add(headLogprob.select(1, this.shortlistSize + i).unsqueeze(1)));
    }
    return out;
  }

  /** log_prob(input): log-probabilities of every class, (N, n_classes). */
  logProb(input: Tensor): Tensor {
    return this.fullLogProb(input, this.head.call(input) as Tensor);
  }

  /** predict(input): the most likely class of each row, computing the full distribution only where the head says a cluster. */
  predict(input: Tensor): Tensor {
    const headOutput = this.head.call(input) as Tensor;
    const output = headOutput.argmax(1);
    const notInShortlist = output.ge(this.shortlistSize);
    if (!notInShortlist.any().item()) return output;
    if (notInShortlist.all().item()) return this.fullLogProb(input, headOutput).argmax(1);
    const logProb = this.fullLogProb(input.index(notInShortlist), headOutput.index(notInShortlist));
    output.indexPut_([notInShortlist], logProb.argmax(1));
    return output;
  }
}

declareForward([Threshold, ReLU, RReLU, Hardtanh, Sigmoid, Tanh, Hardsigmoid, SiLU, Mish, Hardswish, SELU, ELU, CELU, GLU, GELU, Hardshrink,
  Softshrink, LeakyReLU, LogSigmoid, Softplus, PReLU, Softsign, Tanhshrink, Softmin, Softmax, LogSoftmax, Softmax2d], ['input']); // ReLU6's is Hardtanh's
declareForward([AdaptiveLogSoftmaxWithLoss], ['input_', 'target_']);
