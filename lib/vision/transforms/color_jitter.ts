// transforms.ColorJitter.
import { bind, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { float, transformRepr, tuple } from './_repr.js';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, type ImageLike } from './functional.js';
import { randperm, uniform1 } from './_random.js';
import { Transform } from './transform.js';

type Range = [number, number] | null;
type Jitter = number | readonly number[];
export interface ColorJitterOptions { brightness?: Jitter; contrast?: Jitter; saturation?: Jitter; hue?: Jitter }
const COLOR_JITTER = signature('ColorJitter', { brightness: 0, contrast: 0, saturation: 0, hue: 0 });

/** torchvision's _check_input: a number v gives [center - v, center + v]; null when it changes nothing. */
function checkInput(value: Jitter, name: string, center = 1, bound: [number, number] = [0, Infinity], clipFirstOnZero = true): Range {
  let range: [number, number];
  if (typeof value === 'number') {
    if (value < 0) throw new RangeError(`ColorJitter: If ${name} is a single number, it must be non negative.`);
    range = [center - value, center + value];
    if (clipFirstOnZero) range[0] = Math.max(range[0], 0.0);
  } else if (Array.isArray(value) && value.length === 2) {
    range = [value[0]!, value[1]!];
  } else {
    throw new TypeError(`ColorJitter: ${name} should be a single number or a list/tuple with length 2.`);
  }
  if (!(bound[0] <= range[0] && range[0] <= range[1] && range[1] <= bound[1])) {
    throw new RangeError(`ColorJitter: ${name} values should be between (${bound[0]}, ${bound[1] === Infinity ? 'inf' : bound[1]}), but got [${range.join(', ')}].`);
  }
  return range[0] === center && range[1] === center ? null : range;
}

/** The four adjustments, in the index order of torchvision's fn_idx. */
const ADJUSTMENTS = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue] as const;

/** Randomly changes brightness, contrast, saturation and hue, in a random order (as torchvision draws them). */
export class ColorJitter extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly brightness: Range;
  readonly contrast: Range;
  readonly saturation: Range;
  readonly hue: Range;
  constructor(...args: PyArgs<[brightness: Jitter, contrast: Jitter, saturation: Jitter, hue: Jitter], ColorJitterOptions>);
  constructor(...args: unknown[]) {
    super();
    const [brightness, contrast, saturation, hue] = bind(COLOR_JITTER, args) as Jitter[];
    this.brightness = checkInput(brightness!, 'brightness');
    this.contrast = checkInput(contrast!, 'contrast');
    this.saturation = checkInput(saturation!, 'saturation');
    this.hue = checkInput(hue!, 'hue', 0, [-0.5, 0.5], false);
    this.workerArgs = [brightness, contrast, saturation, hue];
  }

  /** torchvision's get_params: a permutation of the four adjustments, then one factor per enabled one. */
  static getParams(brightness: Range, contrast: Range, saturation: Range, hue: Range): [number[], ...(number | null)[]] {
    const order = randperm(4);
    const factors = [brightness, contrast, saturation, hue].map((r) => (r === null ? null : uniform1(r[0], r[1])));
    return [order, ...factors];
  }

  forward<T extends ImageLike>(img: T): T {
    const [order, ...factors] = ColorJitter.getParams(this.brightness, this.contrast, this.saturation, this.hue);
    let x: ImageLike = img;
    for (const k of order) {
      const factor = factors[k];
      if (factor !== null && factor !== undefined) x = ADJUSTMENTS[k]!(x, factor);
    }
    return x as T;
  }
  override toString(): string {
    const show = (r: Range) => (r === null ? null : float(tuple(r)));
    return transformRepr('ColorJitter', { brightness: show(this.brightness), contrast: show(this.contrast), saturation: show(this.saturation), hue: show(this.hue) });
  }
}
