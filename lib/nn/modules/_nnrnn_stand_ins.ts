// TEMPORARY stand-ins for nn.Linear, nn.LayerNorm and nn.Dropout (owned by the nnconv and nnact branches),
// private to MultiheadAttention and the Transformer family until those classes land on main: same
// construction (same RNG use), same repr, same ATen calls. Not exported from the nn index. When the real
// classes land, delete this file and import Linear from './linear.js', LayerNorm from './normalization.js'
// and Dropout from './dropout.js' in attention.ts and transformer.ts.
import { aten } from '../../call.js';
import { empty, ones, zeros } from '../../creation.js';
import type { DType } from '../../dtype.js';
import type { DeviceLike } from '../../device.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

type Factory = { device?: DeviceLike; dtype?: DType };
function factoryOf(o: { device?: unknown; dtype?: unknown }): Factory {
  const out: Factory = {};
  if (o.device !== undefined && o.device !== null) out.device = o.device as DeviceLike;
  if (o.dtype !== undefined && o.dtype !== null) out.dtype = o.dtype as DType;
  return out;
}
const pyBool = (b: boolean): string => (b ? 'True' : 'False');
function pyFloat(x: number): string {
  const exponent = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  if (exponent < -4 || exponent >= 16) return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

export class Linear extends Module {
  inFeatures: number;
  outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;
  constructor(inFeatures: number, outFeatures: number, ...rest: unknown[]) {
    const o = bindArgs('Linear', rest, ['bias', 'device', 'dtype']);
    super();
    const f = factoryOf(o);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, inFeatures], f));
    if (boolArg('Linear', 'bias', o.bias, true)) this.bias = new Parameter(empty([outFeatures], f));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  override forward(input: Tensor): Tensor {
    return aten('linear', [input, this.weight, this.bias]) as Tensor;
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

export class LayerNorm extends Module {
  normalizedShape: number[];
  eps: number;
  elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  constructor(normalizedShape: number | number[], ...rest: unknown[]) {
    const o = bindArgs('LayerNorm', rest, ['eps', 'elementwiseAffine', 'bias', 'device', 'dtype']);
    super();
    const f = factoryOf(o);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = (o.eps ?? 1e-5) as number;
    this.elementwiseAffine = boolArg('LayerNorm', 'elementwiseAffine', o.elementwiseAffine, true);
    if (this.elementwiseAffine) {
      this.weight = new Parameter(ones(this.normalizedShape, f));
      if (boolArg('LayerNorm', 'bias', o.bias, true)) this.bias = new Parameter(zeros(this.normalizedShape, f));
      else this.registerParameter('bias', null);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
  }
  override forward(input: Tensor): Tensor {
    return aten('layer_norm', [input, this.normalizedShape, this.weight, this.bias, this.eps]) as Tensor;
  }
  override extraRepr(): string {
    const shape = `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''})`;
    return `${shape}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}, bias=${pyBool(this.bias !== null)}`;
  }
}

export class Dropout extends Module {
  p: number;
  inplace: boolean;
  constructor(p = 0.5, inplace = false) {
    super();
    this.p = p;
    this.inplace = inplace;
  }
  override forward(input: Tensor): Tensor {
    return aten(this.inplace ? 'dropout_' : 'dropout', [input, this.p, this.training]) as Tensor;
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
