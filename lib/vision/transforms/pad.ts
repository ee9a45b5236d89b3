// transforms.Pad.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { transformRepr } from './_repr.js';
import { pad, type ImageLike, type PaddingMode } from './functional.js';
import { Transform } from './transform.js';

const MODES: readonly string[] = ['constant', 'edge', 'reflect', 'symmetric'];
const PAD = signature('Pad', { padding: REQUIRED, fill: 0, paddingMode: 'constant' });
type Padding = number | readonly number[];

/** Pads every side (1, 2 or 4 numbers: all; left/right, top/bottom; left, top, right, bottom), as torchvision's Pad. */
export class Pad extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly padding: number | number[];
  readonly fill: number | number[];
  readonly paddingMode: PaddingMode;
  constructor(...args: PyArgs<[padding: Padding, fill: number | readonly number[], paddingMode: PaddingMode], { padding?: Padding; fill?: number | readonly number[]; paddingMode?: PaddingMode }>);
  constructor(...args: unknown[]) {
    super();
    const [padding, fill, paddingMode] = bind(PAD, args) as [Padding, number | readonly number[], PaddingMode];
    if (typeof padding !== 'number' && !Array.isArray(padding)) throw new TypeError('Pad: Got inappropriate padding arg');
    if (typeof fill !== 'number' && !(Array.isArray(fill) && fill.every((v) => typeof v === 'number'))) throw new TypeError('Pad: Got inappropriate fill arg (a number, or one per channel)');
    if (!MODES.includes(paddingMode)) throw new RangeError('Pad: Padding mode should be either constant, edge, reflect or symmetric');
    if (Array.isArray(padding) && ![1, 2, 4].includes(padding.length))
      throw new RangeError(`Pad: Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`);
    this.padding = typeof padding === 'number' ? padding : [...padding];
    this.fill = typeof fill === 'number' ? fill : [...fill];
    this.paddingMode = paddingMode;
    this.workerArgs = [this.padding, this.fill, paddingMode];
  }
  forward<T extends ImageLike>(img: T): T { return pad(img, this.padding, this.fill, this.paddingMode); }
  override toString(): string { return transformRepr('Pad', { padding: this.padding, fill: this.fill, padding_mode: this.paddingMode }); }
}
