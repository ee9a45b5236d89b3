// transforms.v2's random-size transforms for detection and segmentation recipes (images, masks, boxes):
// RandomZoomOut, ScaleJitter, RandomShortestSize and RandomResize, with v2's draws (float32 tensor
// arithmetic where Python mixes a float with torch.rand) so a seed gives torchvision's sizes.
import * as torch from '../../../index.js';
import { asGiven, copied, givenOrDefault, v2Repr } from '../_repr.js';
import type { Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { rand1, randint1 } from '../_random.js';
import { checkInterpolation, type ImageLike, type InterpolationArg, type InterpolationMode } from '../functional.js';
import * as F from './functional.js';
import { checkRandomApplyP, querySize, V2BuiltIn, v2Forward } from './_transform.js';
import { fillFor, isFillDict, setupFillDict, type FillArg, type FillDict, type FillOption } from './_fill.js';

type Fill = number | readonly number[];

const ZOOM_OUT = signature('RandomZoomOut', { fill: 0, sideRange: [1.0, 4.0], p: 0.5 });
const SCALE_JITTER = signature('ScaleJitter', { targetSize: REQUIRED, scaleRange: [0.1, 2.0], interpolation: 'bilinear', antialias: true });
const SHORTEST_SIZE = signature('RandomShortestSize', { minSize: REQUIRED, maxSize: null, interpolation: 'bilinear', antialias: true });
const RANDOM_RESIZE = signature('RandomResize', { minSize: REQUIRED, maxSize: REQUIRED, interpolation: 'bilinear', antialias: true });

/** A pair of numbers, or a TypeError naming the argument (v2's _check_sequence_input). */
function pairOf(v: unknown, fn: string, name: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new TypeError(`${fn}: ${name} should be a sequence of length 2, got ${describe(v)}`);
  }
  return [v[0], v[1]];
}

/** A Python `int` of a float32 tensor expression: its value truncated toward zero. */
const truncOf = (t: Tensor): number => Math.trunc(t.item());

/** Pads the image to a random larger canvas (SSD's zoom out): a side factor drawn from sideRange, the image placed at random. */
export class RandomZoomOut extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  /** The fill: one value, or one per type of input (a Map given is kept as the plain object). */
  readonly fill: Fill | FillDict;
  /** torchvision's _fill: the fill per type of input ({ others: fill } for one fill). */
  readonly fillDict: FillDict;
  readonly sideRange: [number, number];
  readonly p: number;
  readonly #sideRangeRepr: unknown;
  constructor(...args: PyArgs<[fill: FillArg, sideRange: readonly number[], p: number], { fill?: FillOption; sideRange?: readonly number[]; p?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [given, sideRange, p] = bind(ZOOM_OUT, args) as [unknown, unknown, unknown];
    checkRandomApplyP(p);  // v2's _RandomApplyTransform checks p first
    const fill = isFillDict(given) ? setupFillDict('RandomZoomOut', given) : copied(given ?? 0); // None pads with 0, as v2; a list copied
    if (!(isFillDict(fill) || typeof fill === 'number' || (Array.isArray(fill) && fill.length > 0 && fill.every((v) => typeof v === 'number')))) {
      throw new TypeError(`RandomZoomOut: fill must be a number or a list of numbers (one per channel), got ${describe(fill)}`);
    }
    const range = pairOf(sideRange, 'RandomZoomOut', 'side_range');
    if (range[0] < 1.0 || range[0] > range[1]) throw new RangeError(`RandomZoomOut: Invalid side range provided ${JSON.stringify(range)}.`);
    this.fill = fill as Fill | FillDict;
    this.fillDict = isFillDict(fill) ? (fill as FillDict) : { others: fill as Fill };
    this.sideRange = range;
    this.#sideRangeRepr = asGiven(ZOOM_OUT, 'sideRange', sideRange);
    this.p = p;
    this.workerArgs = [this.fill, givenOrDefault(ZOOM_OUT, 'sideRange', sideRange), p];  // as given, for the repr
  }
  forward<T extends ImageLike>(img: T): T {
    if (rand1() >= Math.fround(this.p)) return img;
    const [, h, w] = F.getDimensions(img);
    return this.apply(img, this.padding(h, w)) as T;
  }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, { p: this.p, makeParams: (leaves) => this.padding(...querySize(leaves)), transform: (x, _, padding) => this.apply(x, padding) });
  }
  private padding(h: number, w: number): [number, number, number, number] {
    const [lo, hi] = this.sideRange;
    const [left, top, canvasW, canvasH] = torch.tidy(() => {
      const r = torch.rand(1).mul(hi - lo).add(lo);
      const [cw, ch] = [truncOf(r.mul(w)), truncOf(r.mul(h))];
      const at = torch.rand(2);
      return [truncOf(at.index(0).mul(cw - w)), truncOf(at.index(1).mul(ch - h)), cw, ch];
    });
    return [left, top, canvasW - (left + w), canvasH - (top + h)];
  }
  private apply(x: unknown, padding: [number, number, number, number]): unknown {
    return F.pad(x as ImageLike, padding, fillFor(this.fillDict, x));  // a list fill is an Error for masks, as v2
  }
  override toString(): string {
    return v2Repr('RandomZoomOut', { p: this.p, fill: isFillDict(this.fill) ? undefined : this.fill, side_range: this.#sideRangeRepr });
  }
}

/** The options the resizing transforms share. */
interface ResizeChoice { interpolation: InterpolationMode; antialias: boolean | null }

function resizeChoice(fn: string, interpolation: unknown, antialias: unknown): ResizeChoice {
  if (antialias !== null && typeof antialias !== 'boolean') throw new TypeError(`${fn}: antialias must be true, false or null, got ${describe(antialias)}`);
  return { interpolation: checkInterpolation(interpolation, fn), antialias };
}

/** Large scale jitter: resizes to the target size's scale times a factor drawn from scaleRange, keeping the aspect ratio. */
export class ScaleJitter extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly targetSize: [number, number];
  readonly scaleRange: [number, number];
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean | null;
  readonly #scaleRangeRepr: unknown;
  constructor(...args: PyArgs<[targetSize: readonly number[], scaleRange: readonly number[], interpolation: InterpolationArg, antialias: boolean | null],
    { targetSize?: readonly number[]; scaleRange?: readonly number[]; interpolation?: InterpolationArg; antialias?: boolean | null }>);
  constructor(...args: unknown[]) {
    super();
    const [targetSize, scaleRange, interpolation, antialias] = bind(SCALE_JITTER, args) as unknown[];
    this.targetSize = pairOf(targetSize, 'ScaleJitter', 'target_size');
    this.scaleRange = pairOf(scaleRange, 'ScaleJitter', 'scale_range');
    this.#scaleRangeRepr = asGiven(SCALE_JITTER, 'scaleRange', scaleRange);
    ({ interpolation: this.interpolation, antialias: this.antialias } = resizeChoice('ScaleJitter', interpolation, antialias));
    this.workerArgs = [this.targetSize, givenOrDefault(SCALE_JITTER, 'scaleRange', scaleRange), this.interpolation, this.antialias];  // as given, for the repr
  }
  forward<T extends ImageLike>(img: T): T {
    const [, h, w] = F.getDimensions(img);
    return F.resize(img, this.newSize(h, w), this.interpolation, null, this.antialias);
  }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, { makeParams: (leaves) => this.newSize(...querySize(leaves)), transform: (x, _, size) => F.resize(x, size, this.interpolation, null, this.antialias) });
  }
  private newSize(h: number, w: number): [number, number] {
    const [lo, hi] = this.scaleRange;
    return torch.tidy(() => {
      const r = torch.rand(1).mul(hi - lo).add(lo).mul(Math.min(this.targetSize[1] / h, this.targetSize[0] / w));
      return [truncOf(r.mul(h)), truncOf(r.mul(w))];
    });
  }
  override toString(): string { return v2Repr('ScaleJitter', { target_size: this.targetSize, scale_range: this.#scaleRangeRepr, interpolation: this.interpolation, antialias: this.antialias }); }
}

/** Resizes the shorter side to a size drawn from minSize (the longer one capped at maxSize), keeping the aspect ratio. */
export class RandomShortestSize extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly minSize: number[];
  readonly maxSize: number | null;
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean | null;
  constructor(...args: PyArgs<[minSize: number | readonly number[], maxSize: number | null, interpolation: InterpolationArg, antialias: boolean | null],
    { minSize?: number | readonly number[]; maxSize?: number | null; interpolation?: InterpolationArg; antialias?: boolean | null }>);
  constructor(...args: unknown[]) {
    super();
    const [minSize, maxSize, interpolation, antialias] = bind(SHORTEST_SIZE, args) as unknown[];
    const sizes = typeof minSize === 'number' ? [minSize] : minSize;
    // sizes only scale a ratio (Python's int() of the products), so float sizes work as in Python
    if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
      throw new TypeError(`RandomShortestSize: min_size must be a positive size or a non-empty list of them, got ${describe(minSize)}`);
    }
    if (maxSize !== null && !(typeof maxSize === 'number' && Number.isFinite(maxSize) && maxSize > 0)) throw new TypeError(`RandomShortestSize: max_size must be a positive size or null, got ${describe(maxSize)}`);
    this.minSize = [...sizes] as number[];
    this.maxSize = maxSize as number | null;
    ({ interpolation: this.interpolation, antialias: this.antialias } = resizeChoice('RandomShortestSize', interpolation, antialias));
    this.workerArgs = [this.minSize, this.maxSize, this.interpolation, this.antialias];
  }
  forward<T extends ImageLike>(img: T): T {
    const [, h, w] = F.getDimensions(img);
    return F.resize(img, this.newSize(h, w), this.interpolation, null, this.antialias);
  }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, { makeParams: (leaves) => this.newSize(...querySize(leaves)), transform: (x, _, size) => F.resize(x, size, this.interpolation, null, this.antialias) });
  }
  private newSize(h: number, w: number): [number, number] {
    const minSize = this.minSize[randint1(0, this.minSize.length)]!;
    let r = minSize / Math.min(h, w);
    if (this.maxSize !== null) r = Math.min(r, this.maxSize / Math.max(h, w));
    return [Math.trunc(h * r), Math.trunc(w * r)];
  }
  override toString(): string { return v2Repr('RandomShortestSize', { min_size: this.minSize, max_size: this.maxSize, interpolation: this.interpolation, antialias: this.antialias }); }
}

/** Resizes the shorter side to a size drawn uniformly from [minSize, maxSize), keeping the aspect ratio. */
export class RandomResize extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly minSize: number;
  readonly maxSize: number;
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean | null;
  constructor(...args: PyArgs<[minSize: number, maxSize: number, interpolation: InterpolationArg, antialias: boolean | null],
    { minSize?: number; maxSize?: number; interpolation?: InterpolationArg; antialias?: boolean | null }>);
  constructor(...args: unknown[]) {
    super();
    const [minSize, maxSize, interpolation, antialias] = bind(RANDOM_RESIZE, args) as unknown[];
    if (!Number.isInteger(minSize) || !Number.isInteger(maxSize) || (minSize as number) < 1 || (maxSize as number) <= (minSize as number)) {
      throw new RangeError(`RandomResize: min_size and max_size must be integers with 1 <= min_size < max_size, got ${describe(minSize)} and ${describe(maxSize)}`);
    }
    this.minSize = minSize as number;
    this.maxSize = maxSize as number;
    ({ interpolation: this.interpolation, antialias: this.antialias } = resizeChoice('RandomResize', interpolation, antialias));
    this.workerArgs = [this.minSize, this.maxSize, this.interpolation, this.antialias];
  }
  forward<T extends ImageLike>(img: T): T {
    return F.resize(img, [randint1(this.minSize, this.maxSize)], this.interpolation, null, this.antialias);
  }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, { makeParams: () => [randint1(this.minSize, this.maxSize)], transform: (x, _, size) => F.resize(x, size, this.interpolation, null, this.antialias) });
  }
  override toString(): string { return v2Repr('RandomResize', { min_size: this.minSize, max_size: this.maxSize, interpolation: this.interpolation, antialias: this.antialias }); }
}
