// Upsample, UpsamplingNearest2d and UpsamplingBilinear2d, as torch/nn/modules/upsampling.py.
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, signature, type PyArgs } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';
import { pyRepr } from './_format.js';

type SizeLike = number | readonly number[];
type Scale = number | readonly number[];
/** Options of Upsample. */
export interface UpsampleOptions { size?: SizeLike | null; scaleFactor?: Scale | null; mode?: F.InterpolateMode; alignCorners?: boolean | null; recomputeScaleFactor?: boolean | null }
type UpsamplingArgs = PyArgs<[size: SizeLike | null, scaleFactor: Scale | null], { size?: SizeLike | null; scaleFactor?: Scale | null }>;
const UPSAMPLE = signature('Upsample', { size: null, scaleFactor: null, mode: 'nearest', alignCorners: null, recomputeScaleFactor: null });
const UPSAMPLING = (name: string) => signature(name, { size: null, scaleFactor: null });
const NEAREST2D = UPSAMPLING('UpsamplingNearest2d');
const BILINEAR2D = UPSAMPLING('UpsamplingBilinear2d');

/** `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None)`: F.interpolate as a layer. */
export class Upsample extends Module {
  name: string;
  size: SizeLike | null;
  scaleFactor: number | number[] | null;
  mode: F.InterpolateMode;
  alignCorners: boolean | null;
  recomputeScaleFactor: boolean | null;
  constructor(...args: PyArgs<[size: SizeLike | null, scaleFactor: Scale | null, mode: F.InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null], UpsampleOptions>);
  constructor(...args: unknown[]) {
    super();
    const sub = new.target === UpsamplingNearest2d ? NEAREST2D : new.target === UpsamplingBilinear2d ? BILINEAR2D : null;
    const [size, scaleFactor, mode, alignCorners, recomputeScaleFactor] = sub === null
      ? bind(UPSAMPLE, args)
      : [...bind(sub, args), sub === NEAREST2D ? 'nearest' : 'bilinear', sub === NEAREST2D ? null : true, null];
    this.name = new.target.name;
    this.size = size as SizeLike | null;
    // PyTorch stores the scale factor as float (a tuple of floats when given a tuple); 0 reads as None there.
    this.scaleFactor = Array.isArray(scaleFactor) ? [...scaleFactor as number[]] : scaleFactor ? (scaleFactor as number) : null;
    this.mode = mode as F.InterpolateMode;
    this.alignCorners = alignCorners as boolean | null;
    this.recomputeScaleFactor = recomputeScaleFactor as boolean | null;
  }
  override forward(input: Tensor): Tensor {
    return F.interpolate(input, this.size, this.scaleFactor, this.mode, this.alignCorners, this.recomputeScaleFactor);
  }
  override extraRepr(): string {
    const info = this.scaleFactor !== null ? `scale_factor=${pyRepr(this.scaleFactor, true)}` : `size=${pyRepr(this.size)}`;
    return `${info}, mode=${pyRepr(this.mode)}`;
  }
}

/** `nn.UpsamplingNearest2d(size=None, scale_factor=None)`: Upsample with mode 'nearest'. */
export class UpsamplingNearest2d extends Upsample {
  constructor(...args: UpsamplingArgs);
  constructor(...args: unknown[]) { super(...(args as [SizeLike])); }
}
/** `nn.UpsamplingBilinear2d(size=None, scale_factor=None)`: Upsample with mode 'bilinear', align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(...args: UpsamplingArgs);
  constructor(...args: unknown[]) { super(...(args as [SizeLike])); }
}

declareForward([Upsample], ['input']); // UpsamplingNearest2d's and UpsamplingBilinear2d's are Upsample's
