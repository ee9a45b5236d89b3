// torchvision.datasets.CocoDetection and CocoCaptions: images under root, targets from a COCO
// annotation JSON indexed as pycocotools' COCO does (ids = sorted(imgs), annotations in file order).
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe } from '../../options.js';
import type { Image } from '../image.js';
import { applyTransform, checkTransform, type TransformLike } from '../transforms/transform.js';
import { defaultLoader } from './folder.js';
import { datasetOptions, VisionDataset, type DatasetArgs, type VisionDatasetOptions } from './vision_dataset.js';

/** A transform of the whole sample: `transforms(image, target)` returns `[image, target]`. */
export type JointTransformLike = ((image: any, target: any) => any) | { call(image: any, target: any): any };

/** The options of the datasets that also take torchvision's joint `transforms`. */
export interface JointTransformOptions extends VisionDatasetOptions {
  /** Applied to (image, target) together (exclusive with transform and targetTransform). */
  transforms?: JointTransformLike | null;
}

/** Runs `transforms(image, target)`, a function or an object with call(). */
export function applyJointTransform(transforms: JointTransformLike, image: unknown, target: unknown): [any, any] {
  const out = typeof transforms === 'function' ? transforms(image, target) : transforms.call(image, target);
  return out as [any, any];
}

/** torchvision's StandardTransform: `transform` on the image, `targetTransform` on the target. */
export function standardTransform(transform: TransformLike | null, targetTransform: TransformLike | null, owner: string): JointTransformLike {
  return (image: unknown, target: unknown) => [
    transform ? applyTransform(transform, image, owner) : image,
    targetTransform ? applyTransform(targetTransform, target, owner) : target,
  ];
}

/** A VisionDataset with torchvision's `transforms` argument: the joint transform, or StandardTransform(transform, targetTransform). */
export abstract class JointTransformDataset<S = any, T = any> extends VisionDataset<S, T> {
  /** torchvision's `transforms`: null when neither it nor transform/targetTransform was given. */
  transforms: JointTransformLike | null;

  constructor(root: string | null, options: JointTransformOptions, owner: string) {
    super(root, options, owner);
    checkTransform(options.transforms, owner, 'transforms');
    const separate = this.transform !== null || this.targetTransform !== null;
    if (options.transforms != null && separate) throw new RangeError(`${owner}: Only transforms or transform/target_transform can be passed as argument`);
    this.transforms = separate ? standardTransform(this.transform, this.targetTransform, owner) : options.transforms ?? null;
  }

  override getItem(index: number): [S, T] {
    const [image, target] = this.rawItem(this.checkIndex(index));
    return (this.transforms ? applyJointTransform(this.transforms, image, target) : [image, target]) as [S, T];
  }
}

/** Python's type(v) of a JSON (or index) value, as `<class '...'>` prints it. */
function pythonClass(v: unknown): string {
  const name = v === null ? 'NoneType' : Array.isArray(v) ? 'list' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float')
    : typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'dict' : typeof v;
  return `<class '${name}'>`;
}

/** An id in a COCO file: Python keys its dicts by the JSON value (a number or a string). */
type CocoId = number | string;
type Json = Record<string, unknown>;

/** Python's sorted() of the image ids (numbers by value, strings by code point; mixed: Python's TypeError). */
function sortedIds(ids: CocoId[]): CocoId[] {
  const kinds = new Set(ids.map((id) => typeof id));
  if (kinds.size > 1) throw new TypeError("'<' not supported between instances of 'str' and 'int'");
  return [...ids].sort((a, b) => (typeof a === 'number' ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0));
}

// The bbox arrays written with a float literal: JSON.parse reads `10.0` as 10, where Python keeps a float
// (so torch.tensor gives float32 boxes, not int64).
const FLOAT_LITERAL_BBOXES = new WeakSet<object>();

/** Whether a bbox array was written with a float literal (`[1.0, 2.0, 3.0, 4.0]`) in its annotation file. */
export function isFloatLiteralBbox(bbox: unknown): boolean {
  return typeof bbox === 'object' && bbox !== null && FLOAT_LITERAL_BBOXES.has(bbox);
}

/**
 * Marks the parsed bbox arrays whose text has a '.', 'e' or 'E': each `"bbox": [...]` of the text (an
 * unescaped `"bbox"` is always a key) paired in order with the parsed objects' bbox arrays; unpaired, none.
 */
function markFloatLiteralBboxes(text: string, dataset: unknown): void {
  const literals = [...text.matchAll(/"bbox"\s*:\s*\[([^\]]*)\]/g)].map((m) => /[.eE]/.test(m[1]!));
  if (!literals.includes(true)) return;
  const arrays: object[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) { for (const x of v) if (typeof x === 'object' && x !== null) visit(x); return; }
    if (typeof v !== 'object' || v === null) return;
    for (const [key, value] of Object.entries(v)) {
      if (key === 'bbox' && Array.isArray(value)) arrays.push(value);
      else visit(value);
    }
  };
  visit(dataset);
  if (arrays.length === literals.length) arrays.forEach((a, i) => { if (literals[i]) FLOAT_LITERAL_BBOXES.add(a); });
}

/** pycocotools' COCO index: what CocoDetection reads from it. */
export class CocoIndex {
  readonly dataset: Json;
  readonly anns = new Map<unknown, Json>();
  readonly imgs = new Map<unknown, Json>();
  readonly cats = new Map<unknown, Json>();
  readonly imgToAnns = new Map<unknown, Json[]>();

  constructor(annFile: string) {
    let text: string;
    try { text = readFileSync(annFile, 'utf8'); } catch (e) {
      throw new Error(`COCO: cannot read annotation file ${annFile}: ${(e as Error).message}`);
    }
    const dataset = JSON.parse(text) as unknown;
    markFloatLiteralBboxes(text, dataset);
    if (typeof dataset !== 'object' || dataset === null || Array.isArray(dataset)) {
      throw new Error(`annotation file format ${pythonClass(dataset)} not supported`);
    }
    this.dataset = dataset as Json;
    for (const ann of this.list('annotations')) {
      const perImage = this.imgToAnns.get(ann.image_id) ?? [];
      if (perImage.length === 0) this.imgToAnns.set(ann.image_id, perImage);
      perImage.push(ann);
      this.anns.set(ann.id, ann);
    }
    for (const img of this.list('images')) this.imgs.set(img.id, img);
    for (const cat of this.list('categories')) this.cats.set(cat.id, cat);
  }

  private list(key: string): Json[] {
    return key in this.dataset ? (this.dataset[key] as Json[]) : [];
  }

  /** getAnnIds(imgIds=id) then loadAnns: the image's annotations, each looked up again by its id as pycocotools does. */
  annotationsOf(imageId: unknown): Json[] {
    return (this.imgToAnns.get(imageId) ?? []).map((ann) => this.anns.get(ann.id)!);
  }
}

/** torchvision.datasets.CocoDetection: [image (RGB vision.Image), the image's annotation objects]. */
export class CocoDetection extends JointTransformDataset<any, any> {
  static readonly sourceModule: string = import.meta.url;
  readonly coco: CocoIndex;
  /** The image ids, sorted. */
  readonly ids: CocoId[];

  constructor(root: string, annFile: string, ...args: DatasetArgs<[transform: TransformLike | null, targetTransform: TransformLike | null, transforms: JointTransformLike | null], JointTransformOptions>) {
    const options = datasetOptions<JointTransformOptions>(new.target.name, args, ['transform', 'targetTransform', 'transforms']);
    super(root, options, new.target.name);
    if (typeof root !== 'string') throw new TypeError(`${new.target.name}: root must be a path string`);
    if (typeof annFile !== 'string') throw new TypeError(`${new.target.name}: annFile must be a path string, got ${describe(annFile)}`);
    this.coco = new CocoIndex(annFile);
    this.ids = sortedIds([...this.coco.imgs.keys()] as CocoId[]);
    this.workerArgs = [root, annFile, { ...options }];
  }

  get length(): number { return this.ids.length; }

  protected loadImage(id: CocoId): Image {
    const fileName = String(this.coco.imgs.get(id)!.file_name);
    return defaultLoader(isAbsolute(fileName) ? fileName : join(this.root!, fileName));  // as os.path.join
  }

  protected loadTarget(id: CocoId): unknown[] {
    return this.coco.annotationsOf(id);
  }

  /** As torchvision: an integer (negative from the end), else its messages. */
  protected override checkIndex(index: number): number {
    if (!Number.isInteger(index)) throw new TypeError(`Index must be of type integer, got ${pythonClass(index)} instead.`);
    const i = index < 0 ? index + this.length : index;
    if (i < 0 || i >= this.length) throw new RangeError('list index out of range');
    return i;
  }

  protected rawItem(index: number): [Image, unknown[]] {
    const id = this.ids[index]!;
    return [this.loadImage(id), this.loadTarget(id)];
  }
}

/** torchvision.datasets.CocoCaptions: [image, the image's caption strings]. */
export class CocoCaptions extends CocoDetection {
  static override readonly sourceModule: string = import.meta.url;
  protected override loadTarget(id: CocoId): string[] {
    return (super.loadTarget(id) as Json[]).map((ann) => ann.caption as string);
  }
}
