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
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { factoryOptions, pyFloat, pyOptInt, pyStr } from './_layer_util.js';

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
      process.emitWarning('keyword argument `min_value` is deprecated and renamed to `min_val`', 'FutureWarning');
      minVal = numArg(name, 'minValue', a.minValue);
    }
    if (a.maxValue !== undefined && a.maxValue !== null) {
      process.emitWarning('keyword argument `max_value` is deprecated and renamed to `max_val`', 'FutureWarning');
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
  readonly #op: 'elu' | 'celu';
  constructor(name: string, op: 'elu' | 'celu', args: unknown[]) {
    super();
    const a = bindArgs(name, args, ['alpha', 'inplace']);
    this.alpha = numArg(name, 'alpha', a.alpha, 1);
    this.inplace = boolArg(name, 'inplace', a.inplace, false);
    this.#op = op;
  }
  override forward(input: Tensor): Tensor { return activationImpl(this.#op, input, [this.alpha], this.inplace); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${inplaceRepr(this.inplace, true)}`; }
}
/** nn.ELU(alpha=1.0, inplace=False) */
export class ELU extends AlphaActivation {
  constructor(...args: AlphaArgs) { super('ELU', 'elu', args); }
}
/** nn.CELU(alpha=1.0, inplace=False) */
export class CELU extends AlphaActivation {
  constructor(...args: AlphaArgs) { super('CELU', 'celu', args); }
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
  override extraRepr(): string { return `approximate=${pyStr(this.approximate)}`; }
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
    this.weight = new Parameter(empty([this.numParameters], factoryOptions(a)));
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
