// torchvision's python-version CIFAR10/CIFAR100, KMNIST, FakeData and download: true (MNIST, CIFAR), against files
// that stand in for the real downloads (test/fixtures/datasets, scripts/make-dataset-fixtures.py):
// each dataset as torchvision 0.28 reads it, served by an HTTP server in a worker thread (this
// thread blocks while a download runs, as Python's does). Subclasses declare the stand-ins' URLs
// and MD5s, as a torchvision user would subclass to point at a mirror.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { startHttpServer, type TestServer } from './http-server.js';

const D = vision.datasets;
const FIX = new URL('./fixtures/datasets/', import.meta.url).pathname;
const TMP = mkdtempSync(join(tmpdir(), 'torchnode-datasets-'));

interface Split { length: number; targets: number[]; classes: string[]; data_sha256: string; item1_sha256: string; item1_mode: string; item1_size: [number, number] }
interface CifarExpected { tgz_md5: string; train_list: [string, string][]; test_list: [string, string][]; meta_md5: string; train: Split; test: Split }
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as {
  torchvision: string; CIFAR10: CifarExpected; CIFAR100: CifarExpected; MNIST: { resources: [string, string][]; train: Split; test: Split };
  KMNIST: { train: Split; test: Split };
  FakeData: { kwargs: { size: number; image_size: [number, number, number]; num_classes?: number; random_offset?: number };
    items: { sha256: string; mode: string; size: [number, number]; target: number }[]; rand_after: number }[];
};

// Serves test/fixtures/datasets by path (404 otherwise).
let server: TestServer;
let base = '';
const requests = (): Promise<number> => server.requests();
beforeAll(async () => {
  server = await startHttpServer(`(req, res, root) => {
    const fs = require('node:fs');
    const file = require('node:path').join(root, decodeURIComponent(req.url.split('?')[0]));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); res.end('no'); return; }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  }`, FIX);
  base = server.base;
});
afterAll(async () => {
  await server.close();
  rmSync(TMP, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A dataset compared with what torchvision read from the same files. */
function check(ds: { length: number; targets: number[] | { tolist(): unknown }; classes: string[]; data: { contiguous(): { toTypedArray(): unknown } }; getItem(i: number): [unknown, unknown] }, want: Split, label: string): void {
  expect(ds.length, label).toBe(want.length);
  expect(Array.isArray(ds.targets) ? ds.targets : ds.targets.tolist(), label).toEqual(want.targets);
  expect(ds.classes, label).toEqual(want.classes);
  expect(sha256(ds.data.contiguous().toTypedArray() as Uint8Array), `${label} data`).toBe(want.data_sha256);
  const [img, target] = ds.getItem(1) as [vision.Image, number];
  expect([img.mode, img.width, img.height, target], label).toEqual([want.item1_mode, ...want.item1_size, want.targets[1]]);
  expect(sha256(img.data), `${label} item 1`).toBe(want.item1_sha256);
}

// The stand-in files' MD5s (and, for downloads, the local server's URL), as a subclass declares them.
function fakeCifar<C extends typeof D.CIFAR10>(Base: C, exp: CifarExpected, url = ''): C {
  const Fake = class extends (Base as typeof D.CIFAR10) {
    static override readonly trainList = exp.train_list;
    static override readonly testList = exp.test_list;
    static override readonly meta = { ...Base.meta, md5: exp.meta_md5 };
    static override readonly url = url;
    static override readonly tgzMd5 = exp.tgz_md5;
  };
  Object.defineProperty(Fake, 'name', { value: Base.name });
  return Fake as unknown as C;
}

describe('CIFAR10 and CIFAR100 (the python version torchvision downloads)', () => {
  expect(expected.torchvision.startsWith('0.28')).toBe(true);

  for (const [name, Base] of [['CIFAR10', D.CIFAR10], ['CIFAR100', D.CIFAR100]] as const) {
    it(`${name} reads ${Base.baseFolder} as torchvision does: pixels, targets (fine labels for CIFAR100), classes`, () => {
      const Fake = fakeCifar(Base, expected[name]);
      for (const train of [true, false]) check(new Fake(FIX, { train }), expected[name][train ? 'train' : 'test'], `${name}(train=${train})`);
    });

    it(`${name} checks the MD5 of every batch, as torchvision (the real files' MD5s do not match these)`, () => {
      expect(() => new Base(FIX)).toThrow(new RegExp(`${name}: Dataset not found or corrupted. You can use download=True to download it`));
      const root = mkdtempSync(join(TMP, 'corrupt-'));
      cpSync(join(FIX, Base.baseFolder), join(root, Base.baseFolder), { recursive: true });
      const Fake = fakeCifar(Base, expected[name]);
      const meta = join(root, Base.baseFolder, Base.meta.filename);
      writeFileSync(meta, readFileSync(meta).subarray(0, 20));
      expect(() => new Fake(root)).toThrow(/Dataset metadata file not found or corrupted/);
      const batch = join(root, Base.baseFolder, expected[name].test_list[0]![0]);
      writeFileSync(batch, readFileSync(batch).subarray(0, 100));
      expect(() => new Fake(root, { train: false })).toThrow(/Dataset not found or corrupted/);
    });

    it(`${name}: download: true fetches and extracts ${Base.filename} once, then reads it`, async () => {
      const root = mkdtempSync(join(TMP, `${name}-`));
      const before = await requests();
      const Fake = fakeCifar(Base, expected[name], `${base}/${Base.filename}`);
      check(new Fake(root, { download: true }), expected[name].train, `${name} downloaded`);
      expect(readdirSync(root).sort()).toEqual([Base.baseFolder, Base.filename].sort());
      check(new Fake(root, { train: false, download: true }), expected[name].test, `${name} downloaded, test`);
      expect(await requests()).toBe(before + 1);  // the second construction finds the checked files
    });
  }

  it('a download whose MD5 differs is an Error ("File not found or corrupted.") and nothing is extracted', () => {
    const root = mkdtempSync(join(TMP, 'badmd5-'));
    const Fake = class extends fakeCifar(D.CIFAR10, expected.CIFAR10, `${base}/cifar-10-python.tar.gz`) {
      static override readonly tgzMd5 = '0'.repeat(32);
    };
    expect(() => new Fake(root, { download: true })).toThrow(/download_url: http:\/\/127\.0\.0\.1:\d+\/cifar-10-python.tar.gz: File not found or corrupted/);
    expect(existsSync(join(root, 'cifar-10-batches-py'))).toBe(false);
    const Missing = fakeCifar(D.CIFAR10, expected.CIFAR10, `${base}/nothing-here.tar.gz`);
    expect(() => new Missing(mkdtempSync(join(TMP, 'missing-')), { download: true })).toThrow(/HTTP Error 404/);
  });

  it('a file that is not a pickle, or a pickle without the batch keys, names the file', () => {
    const root = mkdtempSync(join(TMP, 'notpickle-'));
    mkdirSync(join(root, 'cifar-10-batches-py'));
    const lists = { train: [] as [string, string][], test: [] as [string, string][] };
    for (const [file, bytes] of [['data_batch_1', Buffer.from('not a pickle')], ['test_batch', Buffer.from([0x80, 0x02, 0x7d, 0x2e])]] as const) {
      writeFileSync(join(root, 'cifar-10-batches-py', file), bytes);
      (file === 'test_batch' ? lists.test : lists.train).push([file, createHash('md5').update(bytes).digest('hex')]);
    }
    const Fake = class extends D.CIFAR10 {
      static override readonly trainList = lists.train;
      static override readonly testList = lists.test;
    };
    expect(() => new Fake(root)).toThrow(/data_batch_1 is not a CIFAR batch: Unsupported operand/);
    expect(() => new Fake(root, { train: false })).toThrow(/test_batch is not a CIFAR batch: expected 'data' \(uint8, N x 3072\)/);
  });
});

describe('MNIST download: true', () => {
  class FakeMNIST extends D.MNIST {
    static override readonly mirrors = [`${'http://127.0.0.1:1'}/nowhere/`, 'MIRROR'];
    static override readonly resources = expected.MNIST.resources;
  }

  it('tries each mirror in turn, checks each file by MD5, extracts it next to the .gz and reads it as torchvision', async () => {
    const Mirrored = class extends FakeMNIST {
      static override readonly mirrors = [`${base}/missing/`, `${base}/mnist/`];
    };
    Object.defineProperty(Mirrored, 'name', { value: 'MNIST' });
    const root = mkdtempSync(join(TMP, 'mnist-'));
    const before = await requests();
    check(new Mirrored(root, { download: true }), expected.MNIST.train, 'MNIST downloaded');
    check(new Mirrored(root, { train: false, download: true }), expected.MNIST.test, 'MNIST downloaded, test');
    const raw = readdirSync(join(root, 'MNIST', 'raw')).sort();
    expect(raw).toEqual(expected.MNIST.resources.flatMap(([f]) => [f, f.slice(0, -3)]).sort());
    expect(await requests()).toBe(before + 8);  // four 404s from the first mirror, four files from the second; none the second time
  });

  it("expands '~' in root as torchvision does: downloads and reads under the home folder", () => {
    const Mirrored = class extends FakeMNIST { static override readonly mirrors = [`${base}/mnist/`]; };
    const home = mkdtempSync(join(TMP, 'home-'));
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const ds = new Mirrored('~/data', { download: true });
      expect(ds.root).toBe(join(home, 'data'));
      check(ds, expected.MNIST.train, 'MNIST under ~');
      expect(existsSync(join(home, 'data', 'MNIST', 'raw', 'train-images-idx3-ubyte'))).toBe(true);
      expect(existsSync('~')).toBe(false);  // no literal '~' folder in the working directory
    } finally {
      process.env.HOME = saved;
    }
  });

  it('every mirror failing is an Error listing what each one said', () => {
    const Broken = class extends FakeMNIST {
      static override readonly mirrors = [`${base}/missing/`, `${base}/also-missing/`];
    };
    const root = mkdtempSync(join(TMP, 'mnist-broken-'));
    expect(() => new Broken(root, { download: true })).toThrow(
      /Error downloading train-images-idx3-ubyte.gz:\nTried http:\/\/127.0.0.1:\d+\/missing\/, got:\n.*HTTP Error 404.*\nTried http:\/\/127.0.0.1:\d+\/also-missing\/, got:\n.*HTTP Error 404/s);
  });
});

describe('KMNIST and FakeData', () => {
  it('KMNIST reads root/KMNIST/raw with its own classes, and downloads from its own mirror', async () => {
    const root = mkdtempSync(join(TMP, 'kmnist-'));
    const Fake = class extends D.KMNIST {
      static override readonly mirrors = [`${base}/mnist/`];
      static override readonly resources = expected.MNIST.resources;
    };
    check(new Fake(root, { download: true }), expected.KMNIST.train, 'KMNIST');
    check(new Fake(root, { train: false }), expected.KMNIST.test, 'KMNIST test');
    expect(existsSync(join(root, 'KMNIST', 'raw', 't10k-images-idx3-ubyte'))).toBe(true);
    expect(D.KMNIST.packagedFolder()).toBe(null);
  });

  it("FakeData gives torchvision's images and targets per index, seeded index + randomOffset, and leaves the default generator as it was", () => {
    for (const { kwargs, items, rand_after } of expected.FakeData) {
      const { size, image_size, num_classes, random_offset } = kwargs;
      const ds = new D.FakeData(size, image_size, { ...(num_classes !== undefined && { numClasses: num_classes }), ...(random_offset !== undefined && { randomOffset: random_offset }) });
      torch.manualSeed(123);
      const got = [...Array.from({ length: size }, (_, i) => ds.getItem(i)), ds.getItem(-1)];
      expect(got.map(([img, t]) => ({ sha256: sha256(img.data), mode: img.mode, size: img.size, target: t })), JSON.stringify(kwargs)).toEqual(items);
      expect(torch.rand([1]).item()).toBe(rand_after);
      expect(ds.length).toBe(size);
      expect(() => ds.getItem(size)).toThrow(/FakeData index out of range/);
    }
    // keyword form, and a transform
    const ds = new D.FakeData({ size: 2, imageSize: [1, 3, 3], transform: new vision.transforms.PILToTensor() });
    expect((ds.getItem(0)[0] as torch.Tensor).shape).toEqual([1, 3, 3]);
    expect(() => new D.FakeData({ imageSize: [4, 2, 2] })).toThrow(/imageSize must be \[channels \(1 or 3\), height, width\]/);
    expect(() => new D.FakeData({ size: 2, image_size: [1, 2, 2] } as never)).toThrow(/image_size/);
  });

  it('FakeData rebuilds in DataLoader worker threads with the same items', async () => {
    // Worker threads load dist/ (vitest's lib/ sources are not loadable there), so this test uses dist/ throughout.
    const dist = await import('../dist/index.js');
    const ds = new dist.vision.datasets.FakeData(6, [3, 4, 4], { numClasses: 3, randomOffset: 5, transform: new dist.vision.transforms.PILToTensor() });
    const loader = new dist.data.DataLoader(ds, { batchSize: 3, numWorkers: 2 });
    const images: number[][] = [];
    const targets: number[] = [];
    for await (const [x, y] of loader as AsyncIterable<[torch.Tensor, torch.Tensor]>) {
      for (let i = 0; i < x.size(0); i++) images.push(Array.from(x.select(0, i).flatten().toTypedArray() as Uint8Array));
      targets.push(...(y.tolist() as number[]));
    }
    const want = Array.from({ length: 6 }, (_, i) => ds.getItem(i) as [torch.Tensor, number]);
    expect(images).toEqual(want.map(([x]) => Array.from(x.flatten().toTypedArray() as Uint8Array)));
    expect(targets).toEqual(want.map(([, y]) => y));
  });
});

describe('datasets.utils', () => {
  it('checkIntegrity and calculateMd5 as torchvision (no file: false; no md5: exists)', () => {
    const [file, md5] = expected.MNIST.resources[0]!;
    const path = join(FIX, 'mnist', file);
    expect(D.utils.calculateMd5(path)).toBe(md5);
    expect(D.utils.checkIntegrity(path, md5)).toBe(true);
    expect(D.utils.checkIntegrity(path, { md5: '0'.repeat(32) })).toBe(false);
    expect(D.utils.checkIntegrity(path)).toBe(true);
    expect(D.utils.checkIntegrity(join(FIX, 'nothing'))).toBe(false);
    expect(() => D.utils.checkIntegrity(path, 'abc')).toThrow(/md5 must be 32 hex digits/);
    expect(() => D.utils.checkIntegrity(path, { md5: null, chunk: 1 })).toThrow(TypeError);
  });

  it('extractArchive refuses entries that would land outside the target folder, and unknown formats', () => {
    const to = mkdtempSync(join(TMP, 'extract-'));
    const inner = join(to, 'inner');
    expect(() => D.utils.extractArchive(join(FIX, 'traversal.tar'), inner)).toThrow(/extract_archive: .*traversal.tar: .*'\.\.'/);
    expect(existsSync(join(to, 'escaped.txt'))).toBe(false);
    writeFileSync(join(to, 'x.zip'), 'PK');
    expect(() => D.utils.extractArchive(join(to, 'x.zip'))).toThrow(/\.zip archives are not supported by torchnode; supported are \.tar, \.tar\.gz, \.tgz and \.gz/);
    writeFileSync(join(to, 'x.gz'), 'not gzip');
    expect(() => D.utils.extractArchive(join(to, 'x.gz'))).toThrow(/not a valid gzip file/);
    expect(D.utils.extractArchive(join(FIX, 'mnist', 't10k-labels-idx1-ubyte.gz'), to)).toBe(join(to, 't10k-labels-idx1-ubyte'));
    expect(D.utils.extractArchive(join(FIX, 'cifar-100-python.tar.gz'), to)).toBe(to);
    expect(readFileSync(join(to, 't10k-labels-idx1-ubyte')).subarray(0, 4)).toEqual(Buffer.from([0, 0, 8, 1]));
  });
});
