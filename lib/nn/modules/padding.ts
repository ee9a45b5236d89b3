// Padding layers as torch/nn/modules/padding.py: Reflection/Replication/Zero/Constant/Circular
// Pad1d/2d/3d, each storing `padding` as a 2n-tuple and calling F.pad in its mode.
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, REQUIRED, signature } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';
import { ntuple } from '../functional/_signature.js';
import { pyStr } from './_format.js';

type IntOrList = number | readonly number[];
type Mode = 'reflect' | 'replicate' | 'circular' | 'constant';

/** The padding layers' common part: `padding` (left, right[, top, bottom[, front, back]]) and the F.pad mode. */
abstract class PadNd extends Module {
  padding: number[];
  protected constructor(name: string, n: number, padding: unknown) {
    super();
    this.padding = ntuple(bind(padSignature(name), [padding])[0] as IntOrList, 2 * n);
  }
  protected abstract get mode(): Mode;
  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, this.mode);
  }
  override extraRepr(): string {
    return pyStr(this.padding);
  }
}
const SIGNATURES = new Map<string, ReturnType<typeof signature>>();
const padSignature = (name: string) => SIGNATURES.get(name) ?? SIGNATURES.set(name, signature(name, { padding: REQUIRED })).get(name)!;

/** CircularPad{n}d: checks the input's rank as PyTorch does before padding. */
abstract class CircularPadNd extends PadNd {
  protected get mode(): Mode { return 'circular'; }
  protected abstract get dims(): number;
  override forward(input: Tensor): Tensor {
    const n = this.dims;
    if (input.dim() !== n + 1 && input.dim() !== n + 2) throw new RangeError(`${this.constructor.name}: expected ${n + 1}D or ${n + 2}D input (got ${input.dim()}D input)`);
    return F.pad(input, this.padding, 'circular');
  }
}
abstract class ReflectionPadNd extends PadNd { protected get mode(): Mode { return 'reflect'; } }
abstract class ReplicationPadNd extends PadNd { protected get mode(): Mode { return 'replicate'; } }

/** `nn.CircularPad1d(padding)`. */
export class CircularPad1d extends CircularPadNd { protected get dims(): number { return 1; } constructor(padding: IntOrList) { super('CircularPad1d', 1, padding); } }
/** `nn.CircularPad2d(padding)`. */
export class CircularPad2d extends CircularPadNd { protected get dims(): number { return 2; } constructor(padding: IntOrList) { super('CircularPad2d', 2, padding); } }
/** `nn.CircularPad3d(padding)`. */
export class CircularPad3d extends CircularPadNd { protected get dims(): number { return 3; } constructor(padding: IntOrList) { super('CircularPad3d', 3, padding); } }
/** `nn.ReflectionPad1d(padding)`. */
export class ReflectionPad1d extends ReflectionPadNd { constructor(padding: IntOrList) { super('ReflectionPad1d', 1, padding); } }
/** `nn.ReflectionPad2d(padding)`. */
export class ReflectionPad2d extends ReflectionPadNd { constructor(padding: IntOrList) { super('ReflectionPad2d', 2, padding); } }
/** `nn.ReflectionPad3d(padding)`. */
export class ReflectionPad3d extends ReflectionPadNd { constructor(padding: IntOrList) { super('ReflectionPad3d', 3, padding); } }
/** `nn.ReplicationPad1d(padding)`. */
export class ReplicationPad1d extends ReplicationPadNd { constructor(padding: IntOrList) { super('ReplicationPad1d', 1, padding); } }
/** `nn.ReplicationPad2d(padding)`. */
export class ReplicationPad2d extends ReplicationPadNd { constructor(padding: IntOrList) { super('ReplicationPad2d', 2, padding); } }
/** `nn.ReplicationPad3d(padding)`. */
export class ReplicationPad3d extends ReplicationPadNd { constructor(padding: IntOrList) { super('ReplicationPad3d', 3, padding); } }

/** ConstantPad{n}d: pads with `value`. */
abstract class ConstantPadNd extends Module {
  padding: number[];
  value: number;
  protected constructor(name: string, n: number, args: unknown[]) {
    super();
    const [padding, value] = bind(constantSignature(name), args) as [IntOrList, number];
    this.value = value;
    this.padding = ntuple(padding, 2 * n);
  }
  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, 'constant', this.value);
  }
  override extraRepr(): string {
    return `padding=${pyStr(this.padding)}, value=${pyStr(this.value)}`;
  }
}
const CONSTANT_SIGNATURES = new Map<string, ReturnType<typeof signature>>();
const constantSignature = (name: string) =>
  CONSTANT_SIGNATURES.get(name) ?? CONSTANT_SIGNATURES.set(name, signature(name, { padding: REQUIRED, value: REQUIRED })).get(name)!;

/** `nn.ConstantPad1d(padding, value)`. */
export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: IntOrList, value: number | { value: number });
  constructor(...args: unknown[]) { super(new.target === ZeroPad1d ? 'ZeroPad1d' : 'ConstantPad1d', 1, args); }
}
/** `nn.ConstantPad2d(padding, value)`. */
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: IntOrList, value: number | { value: number });
  constructor(...args: unknown[]) { super(new.target === ZeroPad2d ? 'ZeroPad2d' : 'ConstantPad2d', 2, args); }
}
/** `nn.ConstantPad3d(padding, value)`. */
export class ConstantPad3d extends ConstantPadNd {
  constructor(padding: IntOrList, value: number | { value: number });
  constructor(...args: unknown[]) { super(new.target === ZeroPad3d ? 'ZeroPad3d' : 'ConstantPad3d', 3, args); }
}
/** `nn.ZeroPad1d(padding)`: ConstantPad1d with value 0. */
export class ZeroPad1d extends ConstantPad1d {
  constructor(padding: IntOrList) { super(padding, 0.0); }
  override extraRepr(): string { return pyStr(this.padding); }
}
/** `nn.ZeroPad2d(padding)`: ConstantPad2d with value 0. */
export class ZeroPad2d extends ConstantPad2d {
  constructor(padding: IntOrList) { super(padding, 0.0); }
  override extraRepr(): string { return pyStr(this.padding); }
}
/** `nn.ZeroPad3d(padding)`: ConstantPad3d with value 0. */
export class ZeroPad3d extends ConstantPad3d {
  constructor(padding: IntOrList) { super(padding, 0.0); }
  override extraRepr(): string { return pyStr(this.padding); }
}

declareForward([CircularPadNd], ['input'], [], '_CircularPadNd');
declareForward([ReflectionPadNd], ['input'], [], '_ReflectionPadNd');
declareForward([ReplicationPadNd], ['input'], [], '_ReplicationPadNd');
declareForward([ConstantPadNd], ['input'], [], '_ConstantPadNd');
