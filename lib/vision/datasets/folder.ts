// torchvision.datasets.DatasetFolder and ImageFolder: root/<class>/**/<file>, classes sorted by name.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Image } from '../image.js';
import { datasetOptions, VisionDataset, type DatasetArgs, type VisionDatasetOptions } from './vision_dataset.js';
import type { TransformLike } from '../transforms/transform.js';

/** torchvision's IMG_EXTENSIONS. */
export const IMG_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

/** Python's sorted() order for str: by code point (JS's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}

/** torchvision's has_file_allowed_extension (case-insensitive). */
export function hasFileAllowedExtension(filename: string, extensions: string | readonly string[]): boolean {
  const lower = filename.toLowerCase();
  return (typeof extensions === 'string' ? [extensions] : extensions).some((e) => lower.endsWith(e));
}

/** torchvision's is_image_file. */
export function isImageFile(filename: string): boolean {
  return hasFileAllowedExtension(filename, IMG_EXTENSIONS);
}

/** torchvision's find_classes: the sorted sub-folder names of `directory` and their indices. */
export function findClasses(directory: string): [string[], Record<string, number>] {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch (e) {
    throw new Error(`findClasses: cannot read folder ${directory}: ${(e as Error).message}`);
  }
  const classes = entries.filter((name) => isDirectory(join(directory, name))).sort(byCodePoint);
  if (classes.length === 0) throw new Error(`findClasses: Couldn't find any class folder in ${directory}.`);
  return [classes, Object.fromEntries(classes.map((c, i) => [c, i]))];
}

/** Every folder under `top` (itself included) with its files, as Python's sorted(os.walk(top, followlinks=True)). */
function walk(top: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  const visit = (dir: string) => {
    let names: string[];
    try { names = readdirSync(dir); } catch { return; }
    const files: string[] = [];
    const dirs: string[] = [];
    for (const name of names) (isDirectory(join(dir, name)) ? dirs : files).push(name);
    out.push([dir, files]);
    for (const d of dirs) visit(join(dir, d));
  };
  visit(top);
  return out.sort((a, b) => byCodePoint(a[0], b[0]));
}

/** torchvision's make_dataset: [path, classIndex] for every valid file, classes in sorted order. */
export function makeDataset(directory: string, classToIdx: Record<string, number> | null = null, extensions: string | readonly string[] | null = null,
  isValidFile: ((path: string) => boolean) | null = null, allowEmpty = false): [string, number][] {
  const mapping = classToIdx ?? findClasses(directory)[1];
  if (Object.keys(mapping).length === 0) throw new RangeError("makeDataset: 'class_to_index' must have at least one entry to collect any samples.");
  if ((extensions === null) === (isValidFile === null)) throw new RangeError('makeDataset: Both extensions and is_valid_file cannot be None or not None at the same time');
  const valid = isValidFile ?? ((p: string) => hasFileAllowedExtension(p, extensions!));
  const instances: [string, number][] = [];
  const available = new Set<string>();
  for (const target of Object.keys(mapping).sort(byCodePoint)) {
    const targetDir = join(directory, target);
    if (!isDirectory(targetDir)) continue;
    for (const [root, files] of walk(targetDir)) {
      for (const name of [...files].sort(byCodePoint)) {
        const path = join(root, name);
        if (valid(path)) {
          instances.push([path, mapping[target]!]);
          available.add(target);
        }
      }
    }
  }
  const empty = Object.keys(mapping).filter((c) => !available.has(c)).sort(byCodePoint);
  if (empty.length > 0 && !allowEmpty) {
    let msg = `makeDataset: Found no valid file for the classes ${empty.join(', ')}. `;
    if (extensions !== null) msg += `Supported extensions are: ${typeof extensions === 'string' ? extensions : extensions.join(', ')}`;
    throw new Error(msg);
  }
  return instances;
}

/** torchvision's default_loader (pil_loader): the file decoded with sharp, converted to RGB. */
export function defaultLoader(path: string): Image {
  return Image.open(path, { mode: 'RGB' });
}

export interface DatasetFolderOptions extends VisionDatasetOptions {
  /** File extensions to accept (exclusive with isValidFile). */
  extensions?: readonly string[] | string | null;
  /** A filter on paths (exclusive with extensions). */
  isValidFile?: ((path: string) => boolean) | null;
  /** Allow class folders without any valid file. */
  allowEmpty?: boolean;
}

/** A generic folder dataset: root/<class>/.../<file>, loaded by `loader(path)`. */
export class DatasetFolder<S = any> extends VisionDataset<any, any> {
  static readonly sourceModule: string = import.meta.url;
  readonly loader: (path: string) => S;
  readonly extensions: readonly string[] | string | null;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** [path, classIndex] per sample. */
  readonly samples: [string, number][];
  readonly targets: number[];

  constructor(root: string, ...args: DatasetArgs<[loader: (path: string) => S, extensions: readonly string[] | string | null, transform: TransformLike | null,
    targetTransform: TransformLike | null, isValidFile: ((path: string) => boolean) | null, allowEmpty: boolean], DatasetFolderOptions & { loader?: (path: string) => S }>) {
    const options = datasetOptions<DatasetFolderOptions & { loader?: (path: string) => S }>(new.target.name, args, ['loader', 'extensions', 'transform', 'targetTransform', 'isValidFile', 'allowEmpty']);
    const loader = options.loader;
    super(root, options, new.target.name);
    if (typeof root !== 'string') throw new TypeError(`${new.target.name}: root must be a path string`);
    if (typeof loader !== 'function') throw new TypeError(`${new.target.name}: loader must be a function (path) => sample`);
    const dir = this.root!;  // root with `~` expanded
    if (!isDirectory(dir)) throw new Error(`${new.target.name}: root ${dir} is not a folder`);
    const [classes, classToIdx] = this.findClasses(dir);
    this.samples = this.makeDataset(dir, classToIdx, options.extensions ?? null, options.isValidFile ?? null, options.allowEmpty ?? false);
    this.loader = loader;
    this.extensions = options.extensions ?? null;
    this.classes = classes;
    this.classToIdx = classToIdx;
    this.targets = this.samples.map((s) => s[1]);
  }

  /** Overridable as in torchvision. */
  findClasses(directory: string): [string[], Record<string, number>] { return findClasses(directory); }

  /** Overridable as in torchvision. */
  makeDataset(directory: string, classToIdx: Record<string, number>, extensions: string | readonly string[] | null,
    isValidFile: ((path: string) => boolean) | null, allowEmpty: boolean): [string, number][] {
    return makeDataset(directory, classToIdx, extensions, isValidFile, allowEmpty);
  }

  get length(): number { return this.samples.length; }

  protected rawItem(index: number): [S, number] {
    const [path, target] = this.samples[index]!;
    return [this.loader(path), target];
  }
}

export interface ImageFolderOptions extends VisionDatasetOptions {
  loader?: (path: string) => any;
  isValidFile?: ((path: string) => boolean) | null;
  allowEmpty?: boolean;
}

/** DatasetFolder of images (IMG_EXTENSIONS), decoded with sharp to RGB vision.Images. */
export class ImageFolder extends DatasetFolder<any> {
  static override readonly sourceModule: string = import.meta.url;
  constructor(root: string, ...args: DatasetArgs<[transform: TransformLike | null, targetTransform: TransformLike | null, loader: (path: string) => any,
    isValidFile: ((path: string) => boolean) | null, allowEmpty: boolean], ImageFolderOptions>) {
    const options = datasetOptions<ImageFolderOptions>(new.target.name, args, ['transform', 'targetTransform', 'loader', 'isValidFile', 'allowEmpty']);
    const isValidFile = options.isValidFile ?? null;
    const { loader, ...rest } = options;
    super(root, { ...rest, loader: loader ?? defaultLoader, extensions: isValidFile === null ? IMG_EXTENSIONS : null, isValidFile });
    // A loader or isValidFile function cannot cross threads (DatasetFolder's loader never can).
    if (options.loader == null && options.isValidFile == null) this.workerArgs = [root, { ...options }];
  }
  /** torchvision's alias of samples. */
  get imgs(): [string, number][] { return this.samples; }
}
