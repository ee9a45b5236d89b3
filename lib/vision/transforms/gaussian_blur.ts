// transforms.GaussianBlur.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { asGiven, copied, givenOrDefault, sizeAsGiven, transformRepr, tuple } from './_repr.js';
import { gaussianBlur, setupSize, type ImageLike } from './functional.js';
import { uniform1 } from './_random.js';
import { Transform } from './transform.js';

const GAUSSIAN_BLUR = signature('GaussianBlur', { kernelSize: REQUIRED, sigma: [0.1, 2.0] });
type Pair = number | readonly number[];

/** Blurs with a Gaussian kernel whose sigma is drawn uniformly from [min, max] (one uniform_ draw per call). */
export class GaussianBlur extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly kernelSize: [number, number];
  readonly sigma: [number, number];
  readonly #repr: Record<string, unknown>;
  constructor(...args: PyArgs<[kernelSize: Pair, sigma: Pair], { kernelSize?: Pair; sigma?: Pair }>);
  constructor(...args: unknown[]) {
    super();
    const [kernelSize, sigma] = bind(GAUSSIAN_BLUR, args) as [Pair, Pair];
    this.kernelSize = setupSize(kernelSize, 'GaussianBlur', 'Kernel size should be a tuple/list of two integers');
    if (this.kernelSize.some((k) => !(k > 0) || k % 2 === 0)) throw new RangeError('GaussianBlur: Kernel size value should be an odd and positive number.');
    if (typeof sigma === 'number') {
      if (!(sigma > 0)) throw new RangeError('GaussianBlur: If sigma is a single number, it must be positive.');
      this.sigma = [sigma, sigma];
    } else if (Array.isArray(sigma) && sigma.length === 2) {
      if (!(sigma[0]! > 0 && sigma[0]! <= sigma[1]!)) throw new RangeError('GaussianBlur: sigma values should be positive and of the form (min, max).');
      this.sigma = [sigma[0]!, sigma[1]!];
    } else {
      throw new RangeError('GaussianBlur: sigma should be a single number or a list/tuple with length 2.');
    }
    this.workerArgs = [copied(kernelSize), givenOrDefault(GAUSSIAN_BLUR, 'sigma', sigma)];  // as given, for the repr
    // torchvision keeps a sigma list as given, a number as (sigma, sigma), the default (0.1, 2.0)
    this.#repr = { kernel_size: sizeAsGiven(kernelSize, this.kernelSize), sigma: typeof sigma === 'number' ? tuple(this.sigma) : asGiven(GAUSSIAN_BLUR, 'sigma', sigma) };
  }
  /** torchvision's get_params: sigma, a float32 uniform_ draw. */
  static getParams(sigmaMin: number, sigmaMax: number): number { return uniform1(sigmaMin, sigmaMax); }
  forward<T extends ImageLike>(img: T): T {
    const sigma = GaussianBlur.getParams(this.sigma[0], this.sigma[1]);
    return gaussianBlur(img, this.kernelSize, [sigma, sigma]);
  }
  /** @internal kernel_size as torchvision keeps it (for v2's repr). */
  get reprArgs(): { readonly kernel_size: unknown } { return { kernel_size: this.#repr.kernel_size }; }
  override toString(): string { return transformRepr('GaussianBlur', this.#repr); }
}
