// transforms.RandomErasing.
import { bind, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { asGiven, givenOrDefault, transformRepr } from './_repr.js';
import * as torch from '../../index.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { describe } from '../../options.js';
import { erase } from './functional.js';
import { rand1, randint1, uniform1 } from './_random.js';
import { checkProbability } from './_checks.js';
import { Transform } from './transform.js';
import { pyRound } from '../../libm.js';

export interface RandomErasingOptions { p?: number; scale?: readonly number[]; ratio?: readonly number[]; value?: number | readonly number[] | 'random'; inplace?: boolean }
export const RANDOM_ERASING = signature('RandomErasing', { p: 0.5, scale: [0.02, 0.33], ratio: [0.3, 3.3], value: 0, inplace: false });
type EraseValue = number | readonly number[] | 'random';

/** Erases a random rectangle of a tensor image with probability p (Zhong et al.), drawn as torchvision's RandomErasing. */
export class RandomErasing extends Transform<Tensor, Tensor> {
  static readonly sourceModule = import.meta.url;
  readonly p: number;
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly value: number | number[] | 'random';
  readonly inplace: boolean;
  readonly #repr: { scale: unknown; ratio: unknown };
  constructor(...args: PyArgs<[p: number, scale: readonly number[], ratio: readonly number[], value: EraseValue, inplace: boolean], RandomErasingOptions>);
  constructor(...args: unknown[]) {
    super();
    const [pArg, scale, ratio, value, inplace] = bind(RANDOM_ERASING, args) as [unknown, number[], number[], EraseValue, boolean];
    const p = checkProbability(RANDOM_ERASING.fn, pArg);
    if (typeof value !== 'number' && value !== 'random' && !Array.isArray(value)) {
      if (typeof value === 'string') throw new RangeError("RandomErasing: If value is str, it should be 'random'");
      throw new TypeError('RandomErasing: Argument value should be either a number or str or a sequence');
    }
    if (!Array.isArray(scale)) throw new TypeError('RandomErasing: Scale should be a sequence');
    if (!Array.isArray(ratio)) throw new TypeError('RandomErasing: Ratio should be a sequence');
    if (scale[0]! > scale[1]! || ratio[0]! > ratio[1]!) process.emitWarning('Scale and ratio should be of kind (min, max)', 'UserWarning');
    if (scale[0]! < 0 || scale[1]! > 1) throw new RangeError('RandomErasing: Scale should be between 0 and 1');
    if (p < 0 || p > 1) throw new RangeError('RandomErasing: Random erasing probability should be between 0 and 1');
    this.p = p;
    this.scale = [scale[0]!, scale[1]!];
    this.ratio = [ratio[0]!, ratio[1]!];
    this.value = typeof value === 'object' ? [...value] : value;
    this.inplace = inplace;
    this.workerArgs = [p, givenOrDefault(RANDOM_ERASING, 'scale', scale), givenOrDefault(RANDOM_ERASING, 'ratio', ratio), this.value, inplace];  // as given, for the repr
    this.#repr = { scale: asGiven(RANDOM_ERASING, 'scale', scale), ratio: asGiven(RANDOM_ERASING, 'ratio', ratio) };
  }

  /** torchvision's get_params: [i, j, h, w, v], up to 10 tries of a box; the whole image (and itself as v) when none fits. */
  static getParams(img: Tensor, scale: readonly [number, number], ratio: readonly [number, number], value: number[] | null = null): [number, number, number, number, Tensor] {
    const [imgC, imgH, imgW] = img.shape.slice(-3) as [number, number, number];
    const [i, j, h, w, v] = RandomErasing.paramsForChw([imgC, imgH, imgW], scale, ratio, value);
    return [i, j, h, w, v ?? img];
  }

  /** The same draws for an image of [channels, height, width] (v2's make_params): v is null when no box fits (v2 then erases nothing). */
  static paramsForChw([imgC, imgH, imgW]: readonly [number, number, number], scale: readonly [number, number], ratio: readonly [number, number], value: number[] | null = null): [number, number, number, number, Tensor | null] {
    const area = imgH * imgW;
    const [logLo, logHi] = torch.tidy(() => torch.log(torch.tensor([...ratio])).tolist() as number[]);
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * uniform1(scale[0], scale[1]);
      const aspectRatio = torch.tidy(() => torch.exp(torch.empty(1).uniform_(logLo!, logHi!)).item());
      const h = pyRound(Math.sqrt(eraseArea * aspectRatio));
      const w = pyRound(Math.sqrt(eraseArea / aspectRatio));
      if (!(h < imgH && w < imgW)) continue;
      const v = value === null ? torch.empty([imgC, h, w], { dtype: torch.float32 }).normal_() : torch.tensor(value, { dtype: torch.getDefaultDtype() }).view(-1, 1, 1);
      const i = randint1(0, imgH - h + 1);
      const j = randint1(0, imgW - w + 1);
      return [i, j, h, w, v];
    }
    return [0, 0, imgH, imgW, null];
  }

  forward(img: Tensor): Tensor {
    if (!isTensor(img)) throw new TypeError(`RandomErasing: img should be a Tensor image (RandomErasing follows ToTensor), got ${describe(img)}`);
    if (!(rand1() < Math.fround(this.p))) return img; // `torch.rand(1) < self.p` compares in float32
    const value = this.value === 'random' ? null : typeof this.value === 'number' ? [this.value] : this.value;
    const channels = img.size(-3);
    if (value !== null && value.length !== 1 && value.length !== channels)
      throw new RangeError(`RandomErasing: If value is a sequence, it should have either a single value or ${channels} (number of input channels)`);
    return torch.tidy(() => {
      const [i, j, h, w, v] = RandomErasing.getParams(img, this.scale, this.ratio, value);
      return erase(img, i, j, h, w, v, this.inplace);
    });
  }
  /** @internal scale and ratio as torchvision keeps them (for v2's repr). */
  get reprArgs(): { readonly scale: unknown; readonly ratio: unknown } { return this.#repr; }
  override toString(): string {
    return transformRepr('RandomErasing', { p: this.p, scale: this.#repr.scale, ratio: this.#repr.ratio, value: this.value, inplace: this.inplace });
  }
}
