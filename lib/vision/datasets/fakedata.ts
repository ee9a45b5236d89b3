// torchvision.datasets.FakeData: random images, the same for an index on every run (each drawn from
// the default generator seeded index + randomOffset, whose state is restored afterwards).
import { randint, randn } from '../../creation.js';
import { getRngState, setRngState } from '../../generator.js';
import { manualSeed } from '../../runtime.js';
import { tidy } from '../../scope.js';
import { bind, signature } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';
import type { Image } from '../image.js';
import { toPILImage } from '../transforms/functional.js';
import { VisionDataset } from './vision_dataset.js';
import type { TransformLike } from '../transforms/transform.js';

export interface FakeDataOptions {
  size?: number;
  /** [channels (1 or 3), height, width]. Default [3, 224, 224]. */
  imageSize?: readonly [number, number, number];
  numClasses?: number;
  transform?: TransformLike | null;
  targetTransform?: TransformLike | null;
  /** Added to the index to seed each image's draw. Default 0. */
  randomOffset?: number;
}

const ARGS = signature('FakeData', { size: 1000, imageSize: [3, 224, 224], numClasses: 10, transform: null, targetTransform: null, randomOffset: 0 });

export class FakeData extends VisionDataset<any, any> {
  static readonly sourceModule: string = import.meta.url;
  readonly size: number;
  readonly imageSize: readonly [number, number, number];
  readonly numClasses: number;
  readonly randomOffset: number;

  /** FakeData(size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None, random_offset=0). */
  constructor(...args: [size?: number | FakeDataOptions, imageSize?: readonly [number, number, number] | FakeDataOptions, numClasses?: number | FakeDataOptions, options?: FakeDataOptions]);
  constructor(...args: unknown[]) {
    const [size, imageSize, numClasses, transform, targetTransform, randomOffset] = bind(ARGS, args) as [unknown, unknown, unknown, TransformLike | null, TransformLike | null, unknown];
    super(null, { transform, targetTransform }, 'FakeData');
    if (!Number.isInteger(size) || (size as number) < 0) throw new TypeError(`FakeData: size must be a non-negative integer, got ${describe(size)}`);
    if (!Array.isArray(imageSize) || imageSize.length !== 3 || !imageSize.every((d) => Number.isInteger(d) && d >= 0) || (imageSize[0] !== 1 && imageSize[0] !== 3)) {
      throw new TypeError(`FakeData: imageSize must be [channels (1 or 3), height, width], got ${describe(imageSize)}`);
    }
    if (!Number.isInteger(numClasses) || (numClasses as number) < 1) throw new TypeError(`FakeData: numClasses must be a positive integer, got ${describe(numClasses)}`);
    if (!Number.isInteger(randomOffset)) throw new TypeError(`FakeData: randomOffset must be an integer, got ${describe(randomOffset)}`);
    this.size = size as number;
    this.imageSize = [...imageSize] as [number, number, number];
    this.numClasses = numClasses as number;
    this.randomOffset = randomOffset as number;
    this.workerArgs = [{ size, imageSize: this.imageSize, numClasses, transform, targetTransform, randomOffset }];
  }

  get length(): number { return this.size; }

  /** As torchvision: any index below size (a negative one seeds with its own value), IndexError (RangeError) at size and above. */
  protected override checkIndex(index: number): number {
    if (!Number.isInteger(index)) throw new TypeError(`FakeData.getItem: index must be an integer, got ${String(index)}`);
    if (index >= this.size) throw new RangeError('FakeData index out of range');
    return index;
  }

  protected rawItem(index: number): [Image, number] {
    const state = getRngState();
    try {
      manualSeed(index + this.randomOffset);
      return tidy(() => {
        const img = randn([...this.imageSize]);
        const target = randint(0, this.numClasses, [1]).item();
        return [toPILImage(img), target] as [Image, number];
      });
    } finally {
      setRngState(state);
      state.dispose();
    }
  }
}
