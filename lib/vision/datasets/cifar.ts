// torchvision.datasets.CIFAR10 and CIFAR100: the python version torchvision downloads (pickled
// batches of numpy arrays, checked by MD5), or the binary version (records of label bytes then 3072
// pixel bytes: 1024 red, 1024 green, 1024 blue, rows of 32) when only that one is there.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../creation.js';
import { unpickle } from '../../serialize.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { uint8 } from '../../dtype.js';
import { Image } from '../image.js';
import { readMaybeGzipped } from './idx.js';
import { checkIntegrity, downloadAndExtractArchive } from './utils.js';
import { sharedBytes } from '../../shared_memory.js';
import { datasetOptions, trainArg, VisionDataset, type DatasetArgs, type VisionDatasetOptions } from './vision_dataset.js';
import type { TransformLike } from '../transforms/transform.js';

export interface CIFAR10Options extends VisionDatasetOptions {
  /** The training batches or the test batch. Default true. */
  train?: boolean;
  /** Downloads and extracts `url` into root first, unless the checked files are already there. */
  download?: boolean;
}

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;

/** What the constructor reads: the folder, class names, HWC images and labels. */
interface Loaded {
  folder: string;
  classes: string[];
  pixels: Uint8Array;
  labels: number[];
}

/** One batch's records: CHW pixel rows and labels. */
interface Batch {
  pixels: Uint8Array;
  labels: number[];
}

export class CIFAR10 extends VisionDataset<any, any> {
  static readonly sourceModule: string = import.meta.url;
  /** The folder (under root) of the python version, and what download: true fetches into root. */
  static readonly baseFolder: string = 'cifar-10-batches-py';
  static readonly url: string = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz';
  static readonly filename: string = 'cifar-10-python.tar.gz';
  static readonly tgzMd5: string = 'c58f30108f718f92721af3b95e74349a';
  /** [file, MD5] of the python version's batches, as torchvision's train_list and test_list. */
  static readonly trainList: readonly (readonly [string, string])[] = [
    ['data_batch_1', 'c99cafc152244af753f735de768cd75f'],
    ['data_batch_2', 'd4bba439e000b95fd0a9bffe97cbabec'],
    ['data_batch_3', '54ebc095f3ab1f0389bbae665268c751'],
    ['data_batch_4', '634d18415352ddfa80567beed471001a'],
    ['data_batch_5', '482c414d41f54cd18b22e5b47cb7c3cb'],
  ];
  static readonly testList: readonly (readonly [string, string])[] = [['test_batch', '40351d587109b95175f43aff81a1287e']];
  /** The class names' pickle: its file, the key of the names, its MD5. */
  static readonly meta: { readonly filename: string; readonly key: string; readonly md5: string } = {
    filename: 'batches.meta', key: 'label_names', md5: '5ff9c542aee3614f3951f8cda6e48888',
  };
  /** The binary version (cifar-10-binary.tar.gz), read when the python version is absent. */
  static readonly binaryFolder: string = 'cifar-10-batches-bin';
  static readonly binaryTrainList: readonly string[] = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
  static readonly binaryTestList: readonly string[] = ['test_batch.bin'];
  /** Label bytes before each binary record, and which one is the target. */
  static readonly binaryLabel: { readonly bytes: number; readonly index: number; readonly classes: number } = { bytes: 1, index: 0, classes: 10 };
  /** The binary version's class names, one per line. */
  static readonly binaryMeta: string = 'batches.meta.txt';
  static readonly defaultClasses: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

  readonly train: boolean;
  /** Class names, from the meta file. */
  readonly classes: string[];
  /** The folder the batches were read from. */
  readonly folder: string;
  /** Images as (N, 32, 32, 3) bytes, HWC as torchvision's `data` (a numpy array there). */
  private pixels: Uint8Array;
  private readonly labels: number[];
  private dataTensor: Tensor | null = null;

  constructor(root: string, ...args: DatasetArgs<[train: boolean, transform: TransformLike | null, targetTransform: TransformLike | null, download: boolean], CIFAR10Options>) {
    const kind = new.target as typeof CIFAR10;
    const owner = kind.name;
    const options = datasetOptions<CIFAR10Options>(owner, args, ['train', 'transform', 'targetTransform', 'download']);
    super(root, options, owner);
    if (typeof root !== 'string') throw new TypeError(`${owner}: root must be a path string`);
    this.train = trainArg(owner, options.train);
    const loaded = (this.takeRestoredState() as Loaded | null) ?? this.load(kind, options);
    this.folder = loaded.folder;
    this.classes = loaded.classes;
    this.pixels = loaded.pixels;
    this.labels = loaded.labels;
    this.workerArgs = [root, { ...options, download: false }];
  }

  protected override extraRepr(): string { return `Split: ${this.train ? 'Train' : 'Test'}`; }

  /** Reads the batches (downloading them first when asked): the python version, or the binary one. */
  private load(kind: typeof CIFAR10, options: CIFAR10Options): Loaded {
    const owner = kind.name;
    if (options.download) this.download();
    const python = join(this.root!, kind.baseFolder);
    const binary = join(this.root!, kind.binaryFolder);
    const useBinary = !existsSync(python) && existsSync(binary);
    let batches: Batch[];
    let folder: string;
    let classes: string[];
    if (useBinary) {
      folder = binary;
      batches = this.readBinary(binary);
      const meta = join(binary, kind.binaryMeta);
      classes = existsSync(meta) ? readFileSync(meta, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0) : [...kind.defaultClasses];
    } else {
      folder = python;
      if (!this.checkIntegrity()) {
        throw new Error(`${owner}: Dataset not found or corrupted. You can use download=True to download it ` +
          `(looked for ${[...kind.trainList, ...kind.testList].map(([f]) => f).join(', ')} in ${python}, with their MD5s)`);
      }
      batches = (this.train ? kind.trainList : kind.testList).map(([f]) => this.readPickled(join(python, f)));
      classes = this.loadMeta(python);
    }
    const n = batches.reduce((a, b) => a + b.labels.length, 0);
    const pixels = new Uint8Array(n * PIXELS);
    const labels: number[] = [];
    let k = 0;
    for (const batch of batches) {
      for (let r = 0; r < batch.labels.length; r++, k++) {
        labels.push(batch.labels[r]!);
        const src = r * PIXELS;
        const out = k * PIXELS;
        for (let p = 0; p < PLANE; p++) for (let c = 0; c < 3; c++) pixels[out + 3 * p + c] = batch.pixels[src + c * PLANE + p]!;
      }
    }
    return { folder, classes, pixels, labels };
  }

  /** A worker's copy shares the loaded images instead of reading, hashing and unpickling the batches again. */
  protected override workerState(): Record<string, unknown> {
    this.pixels = sharedBytes(this.pixels);
    return { folder: this.folder, classes: this.classes, pixels: this.pixels, labels: this.labels } satisfies Loaded;
  }

  /** Whether every batch of the python version is there with its MD5 (torchvision's _check_integrity). */
  protected checkIntegrity(): boolean {
    if (this.#intact) return true;  // download() found the files intact: not hashed again
    const kind = this.constructor as typeof CIFAR10;
    this.#intact = [...kind.trainList, ...kind.testList].every(([f, md5]) => checkIntegrity(join(this.root!, kind.baseFolder, f), md5));
    return this.#intact;
  }
  #intact = false;

  /** Downloads and extracts the python version into root, unless it is already there intact. */
  download(): void {
    const kind = this.constructor as typeof CIFAR10;
    if (this.checkIntegrity()) return;
    downloadAndExtractArchive(kind.url, this.root!, { filename: kind.filename, md5: kind.tgzMd5 });
  }

  private readPickled(path: string): Batch {
    const owner = this.constructor.name;
    let entry: unknown;
    try {
      entry = unpickle(readFileSync(path));
    } catch (e) {
      throw new Error(`${owner}: ${path} is not a CIFAR batch: ${(e as Error).message}`);
    }
    const e = entry as Record<string, unknown>;
    const data = e?.data;
    const labels = e?.labels ?? e?.fine_labels;
    if (!isTensor(data) || data.dtype !== uint8 || data.dim() !== 2 || data.shape[1] !== PIXELS || !Array.isArray(labels) || labels.length !== data.shape[0]) {
      if (isTensor(data)) data.dispose();
      throw new Error(`${owner}: ${path} is not a CIFAR batch: expected 'data' (uint8, N x ${PIXELS}) and N 'labels' or 'fine_labels'`);
    }
    try {
      const pixels = data.contiguous().toTypedArray() as Uint8Array;
      if (!labels.every((l) => Number.isInteger(l) && l >= 0)) throw new Error(`${owner}: ${path} has a label that is not a class index`);
      return { pixels, labels: labels as number[] };
    } finally {
      data.dispose();
    }
  }

  private loadMeta(folder: string): string[] {
    const kind = this.constructor as typeof CIFAR10;
    const path = join(folder, kind.meta.filename);
    if (!checkIntegrity(path, kind.meta.md5)) throw new Error(`${kind.name}: Dataset metadata file not found or corrupted. You can use download=True to download it (${path})`);
    const names = (unpickle(readFileSync(path)) as Record<string, unknown>)?.[kind.meta.key];
    if (!Array.isArray(names) || !names.every((s) => typeof s === 'string')) throw new Error(`${kind.name}: ${path} has no list of names under '${kind.meta.key}'`);
    return names as string[];
  }

  private readBinary(folder: string): Batch[] {
    const kind = this.constructor as typeof CIFAR10;
    const owner = kind.name;
    const { bytes: labelBytes, index, classes } = kind.binaryLabel;
    const record = labelBytes + PIXELS;
    const files = (this.train ? kind.binaryTrainList : kind.binaryTestList).map((f) => join(folder, f));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new Error(`${owner}: dataset not found: missing ${missing.join(', ')} (and no ${kind.baseFolder} folder in ${this.root}). ` +
        'Use download: true to download the python version.');
    }
    return files.map((f) => {
      const bytes = readMaybeGzipped(f, owner);
      if (bytes.length === 0 || bytes.length % record !== 0) {
        throw new Error(`${owner}: ${f} is not a ${owner} binary batch: ${bytes.length} bytes is not a whole number of ${record}-byte records${bytes.length % record !== 0 ? ' (truncated?)' : ''}`);
      }
      const n = bytes.length / record;
      const pixels = new Uint8Array(n * PIXELS);
      const labels: number[] = [];
      for (let r = 0; r < n; r++) {
        const label = bytes[r * record + index]!;
        if (label >= classes) throw new Error(`${owner}: ${f} record ${r} has label ${label}, not 0..${classes - 1} (corrupt file?)`);
        labels.push(label);
        pixels.set(bytes.subarray(r * record + labelBytes, (r + 1) * record), r * PIXELS);
      }
      return { pixels, labels };
    });
  }

  get length(): number { return this.labels.length; }

  /** All images as a uint8 tensor (N, 32, 32, 3) (HWC, as torchvision's numpy `data`). */
  get data(): Tensor {
    this.dataTensor ??= tensor(this.pixels).view(this.length, SIDE, SIDE, 3);
    return this.dataTensor;
  }

  /** The labels as numbers (a list, as torchvision's `targets`). */
  get targets(): number[] { return [...this.labels]; }

  get classToIdx(): Record<string, number> { return Object.fromEntries(this.classes.map((c, i) => [c, i])); }

  protected rawItem(index: number): [Image, number] {
    return [new Image(SIDE, SIDE, 'RGB', this.pixels.slice(index * PIXELS, (index + 1) * PIXELS)), this.labels[index]!];
  }
}

/** CIFAR-100: 100 fine classes (the targets), from cifar-100-python, or cifar-100-binary's train.bin/test.bin. */
export class CIFAR100 extends CIFAR10 {
  static override readonly sourceModule: string = import.meta.url;
  static override readonly baseFolder: string = 'cifar-100-python';
  static override readonly url: string = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz';
  static override readonly filename: string = 'cifar-100-python.tar.gz';
  static override readonly tgzMd5: string = 'eb9058c3a382ffc7106e4002c42a8d85';
  static override readonly trainList: readonly (readonly [string, string])[] = [['train', '16019d7e3df5f24257cddd939b257f8d']];
  static override readonly testList: readonly (readonly [string, string])[] = [['test', 'f0ef6b0ae62326f3e7ffdfab6717acfc']];
  static override readonly meta = { filename: 'meta', key: 'fine_label_names', md5: '7973b15100ade9c7d40fb424638fde48' } as const;
  static override readonly binaryFolder: string = 'cifar-100-binary';
  static override readonly binaryTrainList: readonly string[] = ['train.bin'];
  static override readonly binaryTestList: readonly string[] = ['test.bin'];
  static override readonly binaryLabel = { bytes: 2, index: 1, classes: 100 } as const;
  static override readonly binaryMeta: string = 'fine_label_names.txt';
  static override readonly defaultClasses: readonly string[] = [];
}
