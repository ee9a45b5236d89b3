// transforms.ElasticTransform.
import { bind, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { enumMember, float, transformRepr } from './_repr.js';
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { checkInterpolation, elasticTransform, gaussianBlur, getDimensions, type ImageLike, type InterpolationArg, type InterpolationMode } from './functional.js';
import { checkFillOption } from './_checks.js';
import { Transform } from './transform.js';

type Pair = number | readonly number[];
export interface ElasticTransformOptions { alpha?: Pair; sigma?: Pair; interpolation?: InterpolationArg; fill?: number | readonly number[] }
const ELASTIC_TRANSFORM = signature('ElasticTransform', { alpha: 50.0, sigma: 5.0, interpolation: 'bilinear', fill: 0 });

function pair(value: Pair, name: string): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) throw new TypeError(`ElasticTransform: ${name} should be float or a sequence of floats. Got ${typeof value}`);
  if (value.length === 1) return [value[0]!, value[0]!];
  if (value.length !== 2) throw new RangeError(`ElasticTransform: If ${name} is a sequence its length should be 2. Got ${value.length}`);
  return [value[0]!, value[1]!];
}

/** Displaces every pixel by smoothed random offsets (Simard et al.), drawn as torchvision's ElasticTransform. */
export class ElasticTransform extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly alpha: [number, number];
  readonly sigma: [number, number];
  readonly interpolation: InterpolationMode;
  readonly fill: number[];
  readonly #fillRepr: unknown;
  constructor(...args: PyArgs<[alpha: Pair, sigma: Pair, interpolation: InterpolationArg, fill: number | readonly number[]], ElasticTransformOptions>);
  constructor(...args: unknown[]) {
    super();
    const [alpha, sigma, interpolation, fill] = bind(ELASTIC_TRANSFORM, args);
    this.alpha = pair(alpha as Pair, 'alpha');
    this.sigma = pair(sigma as Pair, 'sigma');
    this.interpolation = checkInterpolation(interpolation, ELASTIC_TRANSFORM.fn);
    const checked = checkFillOption(ELASTIC_TRANSFORM.fn, fill);
    this.fill = typeof checked === 'number' ? [checked] : checked;
    this.#fillRepr = float(this.fill);  // torchvision keeps [float(fill)], or [float(f) for f in fill]
    this.workerArgs = [this.alpha, this.sigma, this.interpolation, checked];  // the fill as given, for the repr
  }

  /** torchvision's get_params: two uniform fields in [-1, 1), Gaussian-smoothed (by `blur`: v2 passes its kernel), scaled by alpha and the size: 1 x H x W x 2. */
  static getParams(alpha: readonly [number, number], sigma: readonly [number, number], size: readonly [number, number], blur: typeof gaussianBlur = gaussianBlur): Tensor {
    const field = (k: 0 | 1): Tensor => {
      let d = torch.rand([1, 1, ...size]).mul(2).sub(1);
      if (sigma[k] > 0.0) {
        let ks = Math.trunc(8 * sigma[k] + 1);
        if (ks % 2 === 0) ks += 1; // the kernel must be odd
        d = blur(d, [ks, ks], [...sigma]);
      }
      return d.mul(alpha[k]).div(size[1 - k]!); // x is normalized by the width, y by the height
    };
    return torch.tidy(() => { const dx = field(0); const dy = field(1); return torch.cat([dx, dy], 1).permute(0, 2, 3, 1); });
  }

  forward<T extends ImageLike>(img: T): T {
    const [, height, width] = getDimensions(img);
    return torch.tidy(() => elasticTransform(img, ElasticTransform.getParams(this.alpha, this.sigma, [height, width]), this.interpolation, this.fill)) as T;
  }
  override toString(): string {
    // torchvision keeps alpha and sigma as float lists, a number fill as [float(fill)], the mode as the enum
    return transformRepr('ElasticTransform', { alpha: float(this.alpha), sigma: float(this.sigma), interpolation: enumMember('InterpolationMode', this.interpolation), fill: this.#fillRepr });
  }
}
