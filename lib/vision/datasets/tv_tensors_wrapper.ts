// torchvision.datasets.wrap_dataset_for_transforms_v2 (torchvision/tv_tensors/_dataset_wrapper.py):
// a dataset whose targets carry tv_tensors (BoundingBoxes, Mask) for transforms.v2, the dataset's own
// transforms moved onto the wrapper so that they run after the wrapping.
import { tensor } from '../../creation.js';
import { stack } from '../../generated/functions.js';
import { tidy } from '../../scope.js';
import { float32 } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { describe } from '../../options.js';
import { Dataset } from '../../data/dataset.js';
import type { WorkerSource } from '../transforms/transform.js';
import { BoundingBoxes, Mask } from '../tv_tensors.js';
import { convertBoundingBoxFormat } from '../transforms/v2/_geometry.js';
import type { Image } from '../image.js';
import { CIFAR10, CIFAR100 } from './cifar.js';
import { applyJointTransform, CocoCaptions, CocoDetection, isFloatLiteralBbox, standardTransform, type JointTransformLike } from './coco.js';
import { segmentationToRle, rleDecode } from './coco_mask.js';
import { FakeData } from './fakedata.js';
import { DatasetFolder, ImageFolder } from './folder.js';
import { FashionMNIST, KMNIST, MNIST } from './mnist.js';
import { VisionDataset } from './vision_dataset.js';
import { VOCDetection, VOCSegmentation, type VOCNode } from './voc.js';

/** What `targetKeys` may be: null (the dataset's default), 'all', or a collection of key names. */
export type TargetKeys = null | 'all' | Iterable<string>;

export interface WrapOptions {
  /** The target keys to return for CocoDetection and VOCDetection. */
  targetKeys?: TargetKeys;
}

type Sample = [any, any];
type SampleWrapper = (index: number, sample: Sample) => Sample;
type WrapperFactory = (dataset: any, targetKeys: ReadonlySet<string> | 'all' | null) => SampleWrapper;

/** torchvision's VOC_DETECTION_CATEGORIES: the labels' names, background first. */
export const VOC_DETECTION_CATEGORIES: readonly string[] = Object.freeze([
  '__background__', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
]);

// The datasets torchvision exports (their "no wrapper" error asks for an issue).
const TORCHVISION_DATASETS = new Set<unknown>([MNIST, FashionMNIST, KMNIST, CIFAR10, CIFAR100, FakeData, DatasetFolder, ImageFolder,
  CocoDetection, CocoCaptions, VOCDetection, VOCSegmentation]);
const TARGET_KEYS_DATASETS = new Set<unknown>([CocoDetection, VOCDetection]);

const identityFactory: WrapperFactory = () => (_index, sample) => sample;

/** Python's KeyError, as an Error naming the key. */
const keyError = (key: string): Error => new Error(`KeyError: '${key}'`);

/** parse_target_keys: the default for null, every key for 'all'; unknown keys refused. */
function parseTargetKeys(keys: ReadonlySet<string> | 'all' | null, available: readonly string[], fallback: readonly string[]): Set<string> {
  const chosen = keys ?? new Set(fallback);
  if (chosen === 'all') return new Set(available);
  const extra = [...chosen].filter((k) => !available.includes(k)).sort();
  if (extra.length > 0) throw new RangeError(`Target keys [${extra.map((k) => `'${k}'`).join(', ')}] are not available`);
  return new Set(chosen);
}

/** list_of_dicts_to_dict_of_lists. */
function dictOfLists(dicts: readonly Record<string, unknown>[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const dict of dicts) for (const [key, value] of Object.entries(dict)) (out[key] ??= []).push(value);
  return out;
}

function required(batched: Record<string, unknown[]>, key: string): unknown[] {
  const values = batched[key];
  if (values === undefined) throw keyError(key);
  return values;
}

const segmentationFactory: WrapperFactory = () => (_index, [image, mask]) => [image, new Mask(mask)];

const COCO_NATIVE_KEYS = ['segmentation', 'area', 'iscrowd', 'image_id', 'bbox', 'category_id'];

/** A COCO segmentation decoded on the canvas: [h, w] uint8 (segmentation_to_mask). */
function segmentationToMask(segmentation: unknown, [h, w]: [number, number]): Tensor {
  const rle = segmentationToRle(segmentation, h, w);
  return tensor(rleDecode(rle)).reshape([rle.h, rle.w]);
}

const cocoFactory: WrapperFactory = (dataset: CocoDetection, targetKeys) => {
  const keys = parseTargetKeys(targetKeys, [...COCO_NATIVE_KEYS, 'boxes', 'masks', 'labels'], ['image_id', 'boxes', 'labels']);
  return (index, [image, annotations]: [Image, Record<string, unknown>[]]) => {
    const imageId = dataset.ids[index];
    if (annotations.length === 0) return [image, { image_id: imageId }];
    const canvasSize: [number, number] = [image.height, image.width];
    const batched = dictOfLists(annotations);
    const target: Record<string, unknown> = {};
    if (keys.has('image_id')) target.image_id = imageId;
    if (keys.has('boxes')) {
      const bboxes = required(batched, 'bbox') as number[][];
      const dtype = bboxes.some(isFloatLiteralBbox) ? { dtype: float32 } : {};  // Python's floats, even when integral
      const xywh = new BoundingBoxes(bboxes, { format: 'XYWH', canvasSize, ...dtype });
      target.boxes = tidy(() => convertBoundingBoxFormat(xywh, null, 'XYXY'));
    }
    if (keys.has('masks')) {
      target.masks = tidy(() => new Mask(stack(required(batched, 'segmentation').map((s) => segmentationToMask(s, canvasSize)))));
    }
    if (keys.has('labels')) target.labels = tensor(required(batched, 'category_id') as number[]);
    for (const key of COCO_NATIVE_KEYS) if (keys.has(key) && key !== 'image_id') target[key] = required(batched, key);
    return [image, target];
  };
};

/** Python's int() of a VOC coordinate string. */
function pythonInt(text: unknown): number {
  const s = String(text);
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(s)) throw new RangeError(`invalid literal for int() with base 10: '${s}'`);
  return Number(s.replace(/_/g, ''));
}

const vocDetectionFactory: WrapperFactory = (_dataset, targetKeys) => {
  const keys = parseTargetKeys(targetKeys, ['annotation', 'boxes', 'labels'], ['boxes', 'labels']);
  return (_index, [image, parsed]: [Image, VOCNode]) => {
    const objects = ((parsed.annotation as VOCNode).object ?? []) as Record<string, unknown>[];
    const batched = dictOfLists(objects);
    const target: Record<string, unknown> = keys.has('annotation') ? parsed : {};
    if (keys.has('boxes')) {
      const corners = (required(batched, 'bndbox') as Record<string, unknown>[]).map((box) => ['xmin', 'ymin', 'xmax', 'ymax'].map((part) => pythonInt(box[part])));
      target.boxes = new BoundingBoxes(corners, { format: 'XYXY', canvasSize: [image.height, image.width] });
    }
    if (keys.has('labels')) {
      target.labels = tensor((required(batched, 'name') as string[]).map((name) => {
        const label = VOC_DETECTION_CATEGORIES.indexOf(name);
        if (label < 0) throw keyError(name);
        return label;
      }));
    }
    return [image, target];
  };
};

// WRAPPER_FACTORIES: looked up along the dataset's class chain, nearest first.
const WRAPPER_FACTORIES = new Map<unknown, WrapperFactory>([
  [CIFAR10, identityFactory], [CIFAR100, identityFactory], [MNIST, identityFactory], [FashionMNIST, identityFactory],
  [DatasetFolder, identityFactory], [ImageFolder, identityFactory],
  [VOCSegmentation, segmentationFactory], [CocoDetection, cocoFactory], [CocoCaptions, identityFactory], [VOCDetection, vocDetectionFactory],
]);

/** `targetKeys` checked as torchvision checks it: null, 'all', or strings (a string other than 'all' is its characters, as in Python). */
function checkTargetKeys(targetKeys: unknown): ReadonlySet<string> | 'all' | null {
  if (targetKeys === null || targetKeys === undefined) return null;
  if (targetKeys === 'all') return 'all';
  const iterable = typeof targetKeys === 'object' && Symbol.iterator in targetKeys;
  const keys = typeof targetKeys === 'string' ? [...targetKeys] : iterable ? [...(targetKeys as Iterable<unknown>)] : null;
  if (keys === null || !keys.every((k) => typeof k === 'string')) {
    throw new RangeError(`\`target_keys\` can be None, 'all', or a collection of strings denoting the keys to be returned, but got ${describe(targetKeys)}`);
  }
  return new Set(keys as string[]);
}

/** The factory registered for the nearest class of `dataset`'s chain (torchvision walks the MRO). */
function wrapperFactoryFor(dataset: VisionDataset, targetKeys: ReadonlySet<string> | 'all' | null): WrapperFactory {
  const name = dataset.constructor.name;
  for (let cls = dataset.constructor; cls !== VisionDataset && cls !== null; cls = Object.getPrototypeOf(cls)) {
    const factory = WRAPPER_FACTORIES.get(cls);
    if (factory === undefined) continue;
    if (targetKeys !== null && !TARGET_KEYS_DATASETS.has(cls)) {
      throw new RangeError(`\`target_keys\` is currently only supported for \`CocoDetection\`, \`VOCDetection\`, \`Kitti\`, and \`WIDERFace\`, but got ${cls.name}.`);
    }
    return factory;
  }
  let message = `No wrapper exists for dataset class ${name}. Please wrap the output yourself.`;
  if (TORCHVISION_DATASETS.has(dataset.constructor)) message += ' If an automated wrapper for this dataset would be useful for you, please open an issue at https://github.com/pytorch/vision/issues.';
  throw new TypeError(message);
}

const WRAPPED = new WeakSet<object>();

/** The wrapped dataset: samples of `dataset` (its transforms off), wrapped, then the transforms. Other properties read through to `dataset`. */
export class VisionDatasetTVTensorWrapper extends Dataset<Sample> {
  readonly dataset: VisionDataset;
  readonly targetKeys: ReadonlySet<string> | 'all' | null;
  /** The dataset's transform, targetTransform and (joint) transforms, taken off it. */
  readonly transform: unknown;
  readonly targetTransform: unknown;
  readonly transforms: JointTransformLike | null;
  private readonly wrapSample: SampleWrapper;

  constructor(dataset: VisionDataset, targetKeys: ReadonlySet<string> | 'all' | null) {
    super();
    this.dataset = dataset;
    this.targetKeys = targetKeys;
    this.wrapSample = wrapperFactoryFor(dataset, targetKeys)(dataset, targetKeys);
    const joint = dataset as VisionDataset & { transforms?: JointTransformLike | null };
    this.transform = dataset.transform;
    this.targetTransform = dataset.targetTransform;
    this.transforms = joint.transforms !== undefined ? joint.transforms
      : dataset.transform !== null || dataset.targetTransform !== null ? standardTransform(dataset.transform, dataset.targetTransform, dataset.constructor.name) : null;
    dataset.transform = null;
    dataset.targetTransform = null;
    if (joint.transforms !== undefined) joint.transforms = null;
    // Python's __getattr__: what the wrapper lacks is read from the dataset; and, as torchvision's
    // Wrapped<Class> subclass, the wrapper is an instance of the dataset's class.
    const wrapped = new Proxy(this, {
      get: (target, key, receiver) => (key in target ? Reflect.get(target, key, receiver) : Reflect.get(dataset, key)),
      getPrototypeOf: () => Object.getPrototypeOf(dataset) as object,
    });
    WRAPPED.add(wrapped);
    return wrapped;
  }

  /** `x instanceof VisionDatasetTVTensorWrapper` (a wrapper's prototype chain is its dataset's). */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && WRAPPED.has(x);
  }

  get length(): number { return this.dataset.length; }

  getItem(index: number): Sample {
    const sample = this.wrapSample(index, this.dataset.getItem(index) as Sample);
    return this.transforms === null ? sample : applyJointTransform(this.transforms, sample[0], sample[1]);
  }

  /** DataLoader workers wrap a copy of the dataset built with its own transforms (torchvision's __reduce__). */
  workerSource(): WorkerSource {
    const keys = this.targetKeys instanceof Set ? [...this.targetKeys] : this.targetKeys;
    return { module: import.meta.url, export: 'wrapDatasetForTransformsV2', args: [this.dataset, { targetKeys: keys }] };
  }

  override toString(): string { return `Wrapped${this.dataset.constructor.name}(${String(this.dataset)})`; }
}

/** torchvision.datasets.wrap_dataset_for_transforms_v2(dataset, target_keys=None). */
export function wrapDatasetForTransformsV2(dataset: VisionDataset, options: WrapOptions = {}): VisionDatasetTVTensorWrapper {
  const targetKeys = checkTargetKeys(options.targetKeys);
  if (!(dataset instanceof VisionDataset)) {
    throw new TypeError(`This wrapper is meant for subclasses of \`torchvision.datasets.VisionDataset\`, but got a '${(dataset as { constructor?: { name?: string } } | null)?.constructor?.name ?? describe(dataset)}' instead.\n` +
      'For an example of how to perform the wrapping for custom datasets, see\n\n' +
      'https://pytorch.org/vision/main/auto_examples/plot_tv_tensors.html#do-i-have-to-wrap-the-output-of-the-datasets-myself');
  }
  return new VisionDatasetTVTensorWrapper(dataset, targetKeys);
}
