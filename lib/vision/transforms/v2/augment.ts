// torchvision.transforms.v2's JPEG and RandomErasing (v2/_augment.py): one draw of the parameters per
// sample, applied to every image and video of it (tensors, tv_tensors, vision.Images); masks, boxes and
// keypoints pass through (RandomErasing warns, as v2).
import * as torch from '../../../index.js';
import { float, v2Repr } from '../_repr.js';
import type { Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { randint1 } from '../_random.js';
import * as v1 from './_v1.js';
import { erase, jpeg } from './_augment.js';
import { checkRandomApplyP, type LeafKind, queryChw, V2BuiltIn, v2Forward, v2Of } from './_transform.js';
import { RANDOM_ERASING } from '../random_erasing.js';
import { warn } from '../../../warnings.js';

const JPEG_SIG = signature('JPEG', { quality: REQUIRED });

/** JPEG's quality as v2 checks it: an integer, or a [min, max] pair, within 1 to 100. */
function jpegQuality(quality: unknown): [number, number] {
  if (typeof quality === 'boolean') throw new TypeError("JPEG: quality can't be bool");
  let q: unknown[];
  if (typeof quality === 'number' && Number.isInteger(quality)) q = [quality, quality];
  else if (!Array.isArray(quality)) throw new TypeError(`JPEG: quality should be a sequence of length 2. Got ${describe(quality)}`);
  else if (quality.length !== 2) throw new RangeError('JPEG: quality should be a sequence of length 2.');
  else q = quality;
  const [lo, hi] = q;
  if (!(typeof lo === 'number' && typeof hi === 'number' && Number.isInteger(lo) && Number.isInteger(hi) && 1 <= lo && lo <= hi && hi <= 100)) {
    throw new RangeError(`JPEG: quality must be an integer from 1 to 100, got quality =[${q.map(String).join(', ')}]`);
  }
  return [lo, hi];
}

/**
 * Compresses the sample's images and videos as JPEG and decompresses them (uint8 (..., 3 or 1, H, W)
 * tensors, tv_tensors, vision.Images), with `quality` from 1 to 100, or drawn per sample from a
 * [min, max] range (both ends included) with `torch.randint`, as v2.
 */
export class JPEG extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly quality: [number, number];
  constructor(...args: PyArgs<[quality: number | readonly number[]], { quality?: number | readonly number[] }>);
  constructor(...args: unknown[]) {
    super();
    const [quality] = bind(JPEG_SIG, args) as [unknown];
    this.quality = jpegQuality(quality);
    this.workerArgs = [this.quality];
  }
  /** v2's make_params: `torch.randint(min, max + 1, ()).item()`, drawn even when min equals max. */
  makeParams(): number { return randint1(this.quality[0], this.quality[1] + 1); }
  forward(input: unknown): unknown { return this.call(input); }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      makeParams: () => this.makeParams(),
      transform: (x, kind, quality) => (kind === 'Image' || kind === 'Video' ? jpeg(x, quality) : x),
    });
  }
  override toString(): string { return `JPEG(quality=[${this.quality.join(', ')}])`; }
}

const PASSED_THROUGH: readonly LeafKind[] = ['BoundingBoxes', 'KeyPoints', 'Mask'];

/**
 * v2's RandomErasing: with probability p, one random box (drawn as v1's) erased in every image and
 * video of the sample, vision.Images included (through their uint8 tensor, as v2's PIL kernel); no box
 * erased when none of the 10 tries fits (v1 then returns a copy).
 */
export class RandomErasing extends v2Of(v1.RandomErasing) {
  static override readonly sourceModule = import.meta.url;
  constructor(...args: ConstructorParameters<typeof v1.RandomErasing>);
  constructor(...args: unknown[]) {
    checkRandomApplyP(bind(RANDOM_ERASING, args)[0]);  // v2 checks p first, with _RandomApplyTransform's message
    super(...(args as []));
  }
  override forward(img: any): any { return this.call(img); }
  override toString(): string {
    // v2 keeps value as a list of floats ('random' as None, which its repr leaves out)
    const value = this.value === 'random' ? null : float(typeof this.value === 'number' ? [this.value] : this.value);
    return v2Repr('RandomErasing', { p: this.p, scale: this.reprArgs.scale, ratio: this.reprArgs.ratio, value, inplace: this.inplace });
  }
  override call(...inputs: unknown[]): any {
    let drawn: Tensor | null = null;
    try {
      return v2Forward(inputs, {
        p: this.p,
        makeParams: (leaves) => {
          const chw = queryChw(leaves);
          const value = this.value === 'random' ? null : typeof this.value === 'number' ? [this.value] : this.value;
          if (value !== null && value.length !== 1 && value.length !== chw[0]) {
            throw new RangeError(`RandomErasing: If value is a sequence, it should have either a single value or ${chw[0]} (number of inpt channels)`);
          }
          const params = torch.tidy(() => v1.RandomErasing.paramsForChw(chw, this.scale, this.ratio, value));
          drawn = params[4];
          return params;
        },
        transform: (x, kind, [i, j, h, w, v]) => {
          if (v === null) return x;
          if (PASSED_THROUGH.includes(kind)) {
            warn(`RandomErasing() is currently passing through inputs of type tv_tensors.${kind}. This will likely change in the future.`);
            return x;
          }
          return erase(x, i, j, h, w, v, this.inplace);
        },
      });
    } finally {
      (drawn as Tensor | null)?.dispose();
    }
  }
}
