// torchvision.datasets.CIFAR10 from the binary version (cifar-10-batches-bin): records of one label
// byte and 3072 pixel bytes (1024 red, 1024 green, 1024 blue, rows of 32).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { Image } from '../image.js';
import { readMaybeGzipped } from './idx.js';
import { downloadError, VisionDataset, type VisionDatasetOptions } from './vision_dataset.js';

export interface CIFAR10Options extends VisionDatasetOptions {
  /** The five training batches or the test batch. Default true. */
  train?: boolean;
  /** Must stay false: nothing is downloaded at run time. */
  download?: boolean;
}

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

export class CIFAR10 extends VisionDataset<any, any> {
  static readonly sourceModule: string = import.meta.url;
  /** The folder (under root) of the binary batches. */
  static readonly baseFolder: string = 'cifar-10-batches-bin';
  static readonly trainList: readonly string[] = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
  static readonly testList: readonly string[] = ['test_batch.bin'];
  static readonly defaultClasses: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

  readonly train: boolean;
  /** Class names, from batches.meta.txt when present. */
  readonly classes: string[];
  /** Images as (N, 32, 32, 3) bytes, HWC as torchvision's `data` (a numpy array there). */
  private readonly pixels: Uint8Array;
  private readonly labels: Uint8Array;
  private dataTensor: Tensor | null = null;

  constructor(root: string, options: CIFAR10Options = {}) {
    super(root, options, 'CIFAR10');
    if (typeof root !== 'string') throw new TypeError('CIFAR10: root must be a path string');
    this.train = options.train ?? true;
    const folder = join(root, CIFAR10.baseFolder);
    if (options.download) throw downloadError('CIFAR10', `${folder} (the binary version's data_batch_1.bin ... data_batch_5.bin, test_batch.bin, batches.meta.txt)`);
    const files = (this.train ? CIFAR10.trainList : CIFAR10.testList).map((f) => join(folder, f));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new Error(`CIFAR10: dataset not found: missing ${missing.join(', ')}. Nothing is downloaded at run time; ` +
        `extract cifar-10-binary.tar.gz into ${root}.`);
    }
    const batches = files.map((f) => {
      const bytes = readMaybeGzipped(f, 'CIFAR10');
      if (bytes.length === 0 || bytes.length % RECORD !== 0) {
        throw new Error(`CIFAR10: ${f} is not a CIFAR-10 binary batch: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records${bytes.length % RECORD !== 0 ? ' (truncated?)' : ''}`);
      }
      return bytes;
    });
    const n = batches.reduce((a, b) => a + b.length / RECORD, 0);
    this.pixels = new Uint8Array(n * 3 * PLANE);
    this.labels = new Uint8Array(n);
    let k = 0;
    batches.forEach((bytes, b) => {
      for (let r = 0; r < bytes.length; r += RECORD, k++) {
        const label = bytes[r]!;
        if (label > 9) throw new Error(`CIFAR10: ${files[b]} record ${r / RECORD} has label ${label}, not 0..9 (corrupt file?)`);
        this.labels[k] = label;
        const out = k * 3 * PLANE;
        for (let p = 0; p < PLANE; p++) for (let c = 0; c < 3; c++) this.pixels[out + 3 * p + c] = bytes[r + 1 + c * PLANE + p]!;
      }
    });
    const meta = join(folder, 'batches.meta.txt');
    this.workerArgs = [root, { ...options }];
    this.classes = existsSync(meta) ? readFileSync(meta, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0) : [...CIFAR10.defaultClasses];
  }

  get length(): number { return this.labels.length; }

  /** All images as a uint8 tensor (N, 32, 32, 3) (HWC, as torchvision's numpy `data`). */
  get data(): Tensor {
    this.dataTensor ??= tensor(this.pixels).view(this.length, SIDE, SIDE, 3);
    return this.dataTensor;
  }

  /** The labels as numbers (a list, as torchvision's `targets`). */
  get targets(): number[] { return Array.from(this.labels); }

  get classToIdx(): Record<string, number> { return Object.fromEntries(this.classes.map((c, i) => [c, i])); }

  protected rawItem(index: number): [Image, number] {
    const size = 3 * PLANE;
    return [new Image(SIDE, SIDE, 'RGB', this.pixels.slice(index * size, (index + 1) * size)), this.labels[index]!];
  }
}
