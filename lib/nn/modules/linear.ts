// Linear layers as torch/nn/modules/linear.py builds them: Identity, Linear, Bilinear, LazyLinear.
import { empty } from '../../creation.js';
import type { DeviceLike } from '../../device.js';
import type { DTypeLike } from '../../dtype.js';
import { noGrad } from '../../autograd.js';
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, REQUIRED, signature } from '../functional/_signature.js';
import * as init from '../init.js';
import { declareForward, Module } from '../module.js';
import { ownedParameter, Parameter, UninitializedParameter } from '../parameter.js';
import { factoryOptions, pyRepr } from './_format.js';
import { hasUninitializedParams, installLazyHooks, uninitializedParameter } from './_lazy.js';

/** Options of Linear, Bilinear and LazyLinear. */
export interface LinearOptions { bias?: boolean; device?: DeviceLike | null; dtype?: DTypeLike | null }


/** `nn.Identity(*args, **kwargs)`: returns its input; any arguments are ignored, as PyTorch does. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

const LINEAR = signature('Linear', { inFeatures: REQUIRED, outFeatures: REQUIRED, bias: true, device: null, dtype: null });

/** `nn.Linear(in_features, out_features, bias=True, device=None, dtype=None)`: y = x Wᵀ + b. */
export class Linear extends Module {
  inFeatures: number;
  outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, bias?: boolean | LinearOptions, options?: LinearOptions);
  constructor(...args: unknown[]) {
    super();
    const [inFeatures, outFeatures, bias, device, dtype] = bind(LINEAR, args) as [number, number, boolean, unknown, unknown];
    const factory = factoryOptions({ device, dtype });
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = ownedParameter(empty([outFeatures, inFeatures], factory));
    if (bias) this.bias = ownedParameter(empty([outFeatures], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** kaiming_uniform_(weight, a=√5); bias uniform in ±1/√fan_in, as PyTorch. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}

const BILINEAR = signature('Bilinear', { in1Features: REQUIRED, in2Features: REQUIRED, outFeatures: REQUIRED, bias: true, device: null, dtype: null });

/** `nn.Bilinear(in1_features, in2_features, out_features, bias=True, device=None, dtype=None)`: y = x1ᵀ A x2 + b. */
export class Bilinear extends Module {
  in1Features: number;
  in2Features: number;
  outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, bias?: boolean | LinearOptions, options?: LinearOptions);
  constructor(...args: unknown[]) {
    super();
    const [in1, in2, out, bias, device, dtype] = bind(BILINEAR, args) as [number, number, number, boolean, unknown, unknown];
    const factory = factoryOptions({ device, dtype });
    this.in1Features = in1;
    this.in2Features = in2;
    this.outFeatures = out;
    this.weight = ownedParameter(empty([out, in1, in2], factory));
    if (bias) this.bias = ownedParameter(empty([out], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** weight and bias uniform in ±1/√in1_features, as PyTorch. */
  resetParameters(): void {
    if (this.in1Features <= 0) throw new RangeError(`Bilinear: in1_features must be > 0, but got (in1_features=${this.in1Features})`);
    const bound = 1 / Math.sqrt(this.weight.shape[1]!);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}

const LAZY_LINEAR = signature('LazyLinear', { outFeatures: REQUIRED, bias: true, device: null, dtype: null });

/** `nn.LazyLinear(out_features, bias=True, device=None, dtype=None)`: in_features from the first input, then a Linear. */
export class LazyLinear extends Linear {
  constructor(outFeatures: number, bias?: boolean | LinearOptions, options?: LinearOptions);
  constructor(...args: unknown[]) {
    const [outFeatures, bias, device, dtype] = bind(LAZY_LINEAR, args) as [number, boolean, unknown, unknown];
    super(0, 0, false); // as PyTorch: an empty Linear, then lazy parameters in its place
    const factory = factoryOptions({ device, dtype });
    this.weight = uninitializedParameter(factory) as Parameter;
    this.outFeatures = outFeatures;
    if (bias) this.bias = uninitializedParameter(factory) as Parameter;
    installLazyHooks(this, Linear);
  }

  override resetParameters(): void {
    if (!hasUninitializedParams(this) && this.inFeatures !== 0) super.resetParameters();
  }

  /** Infers in_features from the input's last dimension, materializes weight and bias and resets them. */
  initializeParameters(input: Tensor): void {
    if (hasUninitializedParams(this)) {
      noGrad(() => {
        this.inFeatures = input.shape[input.dim() - 1]!;
        (this.weight as UninitializedParameter).materialize([this.outFeatures, this.inFeatures]);
        if (this.bias !== null) (this.bias as UninitializedParameter).materialize([this.outFeatures]);
        this.resetParameters();
      });
    }
    if (this.inFeatures === 0) {
      const last = input.shape[input.dim() - 1]!;
      if (last !== this.weight.shape[this.weight.dim() - 1]) {
        throw new Error(`LazyLinear: The in_features inferred from input: ${last} is not equal to in_features from self.weight: ${this.weight.shape[this.weight.dim() - 1]}`);
      }
      this.inFeatures = last;
    }
  }
}

declareForward([Identity, Linear], ['input']);
declareForward([Bilinear], ['input1', 'input2']);
