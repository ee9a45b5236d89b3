// transforms.v2's JPEG (class and v2.functional.jpeg) and v2 RandomErasing / erase of a vision.Image,
// against torchvision 0.28 (test/fixtures/v2-jpeg.json, made by scripts/make-v2-jpeg-fixtures.py).
// JPEG: sharp's libjpeg (mozjpeg, run as plain libjpeg) writes other entropy-coded bytes than torchvision's
// libjpeg-turbo, but the same quantised coefficients (standard tables, 4:2:0 chroma, islow DCT), so the
// decoded pixels are equal: every case here is bit-exact (tolerance 0), at qualities 1 to 100. Python's
// tensor kernel runs with Pillow's libjpeg-turbo standing in for torchvision's (its image extension does
// not load against CPU torch; the settings are those of torchvision's encode_jpeg.cpp and decode_jpeg.cpp),
// and the fixture script checks each of those round trips against the libjpeg-turbo torchvision bundles.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { makeTensor, type TensorEnc } from './golden-replay.js';
import { checkOut, inputMaker, pilOf, randNext, type OutEnc } from './v2-out.js';
import { fullGc } from './run-child.js';

const v2 = vision.transforms.v2;
const F = v2.functional;
const tv = vision.tvTensors;
type Tensor = torch.Tensor;

interface ErrorEnc { type: string; message: string }
const fx = JSON.parse(readFileSync(new URL('./fixtures/v2-jpeg.json', import.meta.url), 'utf8')) as {
  inputs: Record<string, TensorEnc>;
  kernels: { input: string; how: string; quality: number; out: OutEnc }[];
  classes: { src: string; how: string; seed: number; calls: number; repr: string; outs: OutEnc[]; next: number[] }[];
  draws: { range: [number, number]; seed: number; qualities: number[]; next: number[] }[];
  errors: Record<string, ErrorEnc>;
  errorsOk: { empty_batch_shape: number[] };
  erasing: { src: string; how: string; seed: number; calls: number; outs: (OutEnc & { warnings: string[] })[]; next: number[] }[];
  eraseKernels: { input: string; i: number; j: number; h: number; w: number; v: TensorEnc; out: OutEnc }[];
};

const input = (name: string): Tensor => makeTensor(fx.inputs[name]!);
const pil = (name: string): vision.Image => pilOf(fx.inputs[name]!);
const make = inputMaker(fx.inputs);

function sample(how: string): unknown[] {
  if (how === 'rgb_pure') return [input('rgb')];
  if (how === 'small_image') return [new tv.Image(input('small'))];
  if (how === 'batch_pure') return [input('batch'), 3];
  if (how === 'video_dict') return [{ video: new tv.Video(input('video')), mask: new tv.Mask(torch.ones([17, 19], { dtype: torch.uint8 })), label: 2 }];
  if (how === 'rgb_pil') return [pil('rgb')];
  if (how === 'gray_pil_label') return [pil('gray'), 1];
  throw new Error(how);
}


// The JS port of each Python source in the fixture.
const JPEGS: Record<string, () => InstanceType<typeof v2.JPEG>> = {
  'v2.JPEG(50)': () => new v2.JPEG(50),
  'v2.JPEG((5, 95))': () => new v2.JPEG([5, 95]),
  'v2.JPEG([1, 100])': () => new v2.JPEG([1, 100]),
  'v2.JPEG([30, 31])': () => new v2.JPEG({ quality: [30, 31] }),
  'v2.JPEG((60, 90))': () => new v2.JPEG([60, 90]),
  'v2.JPEG([20, 80])': () => new v2.JPEG([20, 80]),
};
const ERASINGS: Record<string, () => InstanceType<typeof v2.RandomErasing>> = {
  'v2.RandomErasing(p=1.0)': () => new v2.RandomErasing({ p: 1.0 }),
  'v2.RandomErasing(p=1.0, value=127.7)': () => new v2.RandomErasing({ p: 1.0, value: 127.7 }),
  'v2.RandomErasing(p=1.0, value=(10, 200, 300))': () => new v2.RandomErasing({ p: 1.0, value: [10, 200, 300] }),
  "v2.RandomErasing(p=1.0, value='random')": () => new v2.RandomErasing({ p: 1.0, value: 'random' }),
  'v2.RandomErasing(p=1.0, value=-1.5)': () => new v2.RandomErasing({ p: 1.0, value: -1.5 }),
  'v2.RandomErasing(p=0.5, scale=(0.1, 0.4), ratio=(0.5, 2.0), value=77)': () => new v2.RandomErasing(0.5, [0.1, 0.4], [0.5, 2.0], 77),
  'v2.RandomErasing(p=1.0, scale=(0.98, 1.0), ratio=(1, 1))': () => new v2.RandomErasing({ p: 1.0, scale: [0.98, 1.0], ratio: [1, 1] }),
  'v2.RandomErasing(p=1.0, value=9)': () => new v2.RandomErasing({ p: 1.0, value: 9 }),
  'v2.RandomErasing(p=1.0, value=5, inplace=True)': () => new v2.RandomErasing({ p: 1.0, value: 5, inplace: true }),
};

describe('v2.functional.jpeg against torchvision', () => {
  for (const k of fx.kernels) {
    it(`jpeg(${k.input} as ${k.how}, quality=${k.quality})`, () => {
      checkOut(F.jpeg(make(k.input, k.how) as vision.transforms.functional.ImageLike, k.quality), k.out, 'out');
    });
  }
  it('keyword quality, and an empty batch comes back as a copy', () => {
    const out = F.jpeg(input('small'), { quality: 1 });
    checkOut(out, fx.kernels.find((k) => k.input === 'small' && k.quality === 1)!.out, 'out');
    const empty = torch.zeros([0, 3, 8, 8], { dtype: torch.uint8 });
    const copy = F.jpeg(empty, 50);
    expect(copy.shape).toEqual(fx.errorsOk.empty_batch_shape);
    expect(copy).not.toBe(empty);
  });
  it('the closeness measured: bit-exact at qualities 1, 50, 75, 95 and 100 (max abs diff 0)', () => {
    const rgb = input('rgb');
    for (const q of [1, 50, 75, 95, 100]) {
      const exp = makeTensor((fx.kernels.find((k) => k.input === 'rgb' && k.how === 'pure' && k.quality === q)!.out as { tensor: TensorEnc }).tensor);
      const maxDiff = torch.tidy(() => F.jpeg(rgb, q).int().sub(exp.int()).abs().max().item());
      expect(maxDiff, `quality ${q}`).toBe(0);
    }
  });
});

describe('v2.JPEG against torchvision', () => {
  for (const c of fx.classes) {
    it(`${c.src} on ${c.how}, seed ${c.seed}, ${c.calls} call(s), then the RNG`, () => {
      const t = JPEGS[c.src]!();
      expect(String(t)).toBe(c.repr.replace(/\((\d+), (\d+)\)/, '[$1, $2]'));
      torch.manualSeed(c.seed);
      c.outs.forEach((exp, n) => {
        const s = sample(c.how);
        const out = t.call(...s);
        // one argument comes back as it is; several as Python's tuple (encoded as a list)
        checkOut(out, exp, `call ${n}`);
      });
      expect(randNext(3)).toEqual(c.next);
    });
  }
  for (const d of fx.draws) {
    it(`the qualities JPEG([${d.range.join(', ')}]) draws after seed ${d.seed}, and the RNG after them`, () => {
      const t = new v2.JPEG(d.range);
      torch.manualSeed(d.seed);
      expect(d.qualities.map(() => t.makeParams())).toEqual(d.qualities);
      expect(randNext(2)).toEqual(d.next);
    });
  }
});

describe('JPEG refusals, as torchvision', () => {
  const cases: [string, () => unknown, ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor][] = [
    ['zero', () => new v2.JPEG(0), RangeError],
    ['over', () => new v2.JPEG(101), RangeError],
    ['reversed', () => new v2.JPEG([10, 5]), RangeError],
    ['range_over', () => new v2.JPEG([10, 101]), RangeError],
    ['three', () => new v2.JPEG([1, 2, 3]), RangeError],
    ['bool', () => new v2.JPEG(true as unknown as number), TypeError],
    ['float', () => new v2.JPEG(1.5), TypeError],
    ['float_range', () => new v2.JPEG([1.5, 20]), RangeError],
    ['kernel_quality_zero', () => F.jpeg(input('rgb'), 0), RangeError],
    ['kernel_quality_over', () => F.jpeg(input('rgb'), 101), RangeError],
    ['kernel_float', () => F.jpeg(input('rgb').float(), 50), TypeError],
    ['kernel_channels', () => F.jpeg(torch.zeros([5, 8, 8], { dtype: torch.uint8 }), 50), RangeError],
    ['kernel_2d', () => F.jpeg(torch.zeros([8, 8], { dtype: torch.uint8 }), 50), RangeError],
    ['kernel_mask', () => F.jpeg(new tv.Mask(torch.zeros([8, 8], { dtype: torch.uint8 })), 50), TypeError],
  ];
  for (const [name, fn, type] of cases) {
    it(`${name}: ${fx.errors[name]!.type}`, () => {
      const py = fx.errors[name]!.message;
      // the mask's message names Python's classes; ours names torchnode's
      const message = name === 'kernel_mask' ? 'Functional F.jpeg supports inputs of type' : py;
      expect(fn).toThrow(type);
      expect(fn).toThrow(message);
    });
  }
  it("a string quality is refused (Python's comparison error)", () => {
    expect(fx.errors.string!.type).toBe('TypeError');
    expect(() => new v2.JPEG('50' as unknown as number)).toThrow(TypeError);
  });
  it('a non-integer quality, an empty image and a non-image are refused by the kernel', () => {
    expect(() => F.jpeg(input('rgb'), 50.5)).toThrow(TypeError);
    expect(() => F.jpeg(torch.zeros([3, 0, 4], { dtype: torch.uint8 }), 50)).toThrow(/empty image/);
    expect(() => F.jpeg(new vision.Image(0, 3, 'RGB'), 50)).toThrow(/empty image/);
    expect(() => F.jpeg(pil('rgb'), 0)).toThrow('Image quality should be a positive number between 1 and 100');
    expect(() => F.jpeg([1, 2] as unknown as Tensor, 50)).toThrow(TypeError);
  });
});

describe('v2.RandomErasing and v2.functional.erase of a vision.Image, against torchvision', () => {
  for (const c of fx.erasing) {
    it(`${c.src} on ${c.how}, seed ${c.seed}, ${c.calls} call(s), then the RNG`, () => {
      const t = ERASINGS[c.src]!();
      torch.manualSeed(c.seed);
      c.outs.forEach((exp, n) => {
        const s = sample(c.how);
        const before = s[0] instanceof vision.Image ? Uint8Array.from(s[0].data) : null;
        checkOut(t.call(...s), exp, `call ${n}`);
        // v2 erases a PIL image through a tensor copy: the image given is never changed, inplace or not
        if (before !== null) expect((s[0] as vision.Image).data).toEqual(before);
      });
      expect(randNext(3)).toEqual(c.next);
    });
  }
  for (const [n, k] of fx.eraseKernels.entries()) {
    it(`erase(${k.input} as a vision.Image, ${k.i}, ${k.j}, ${k.h}, ${k.w}, v) #${n}`, () => {
      checkOut(F.erase(pil(k.input), k.i, k.j, k.h, k.w, makeTensor(k.v)), k.out, 'out');
    });
  }
  it('a tv_tensors.Image stays one; a mask is refused by the kernel', () => {
    const out = F.erase(new tv.Image(input('small')), { i: 1, j: 2, h: 3, w: 4, v: 0 });
    expect(tv.kindOf(out)).toBe('Image');
    expect(() => F.erase(new tv.Mask(torch.zeros([4, 4], { dtype: torch.uint8 })), 0, 0, 1, 1, 0)).toThrow(TypeError);
  });
  it('value of the wrong length and a sample without an image are refused', () => {
    expect(() => new v2.RandomErasing({ p: 1, value: [1, 2] }).call(pil('rgb'))).toThrow('If value is a sequence, it should have either a single value or 3 (number of inpt channels)');
    expect(() => new v2.RandomErasing({ p: 1 }).call({ label: 1 })).toThrow('No image or video was found in the sample');
  });
  it('the Mask passed through warns as v2 does', async () => {
    const t = new v2.RandomErasing({ p: 1.0, value: 9 });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => { warnings.push(w.message); };
    process.on('warning', onWarning);
    try {
      t.call(...sample('video_dict'));
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual(fx.erasing.find((c) => c.how === 'video_dict')!.outs[0]!.warnings);
  });
});

describe('no tensor left to the GC', () => {
  it('JPEG, jpeg, RandomErasing and erase in a loop', () => {
    const rgb = input('rgb'), batch = input('batch');
    const img = pil('rgb');
    const video = new tv.Video(input('video'));
    const jp = new v2.JPEG([10, 90]);
    const er = new v2.RandomErasing({ p: 1.0, value: 'random' });
    const er2 = new v2.RandomErasing({ p: 0.5, value: [1, 2, 3] });
    const none = new v2.RandomErasing({ p: 1.0, scale: [0.98, 1.0], ratio: [1, 1] });
    const [float, gray, five] = [rgb.float(), pil('gray'), torch.zeros([5, 8, 8], { dtype: torch.uint8 })];
    const [image, mask] = [new tv.Image(rgb.clone()), new tv.Mask(torch.ones([37, 45], { dtype: torch.uint8 }))];
    const run = (): void => {
      for (const x of [rgb, batch, video]) {
        for (const t of [jp, er, er2, none]) {
          const out = t.call(x) as Tensor;
          if (out !== x) out.dispose();  // a skipped draw gives the input back
        }
      }
      jp.call(img); er.call(img); er2.call(img); none.call(img);
      (F.jpeg(rgb, 40) as Tensor).dispose();
      F.jpeg(img, 40);
      F.erase(img, 1, 1, 2, 2, 0);
      const d = jp.call({ image, mask }) as { image: Tensor; mask: Tensor };
      d.image.dispose();
      for (const bad of [() => F.jpeg(float, 50), () => F.jpeg(rgb, 0), () => er2.call(gray, 1), () => F.erase(mask, 0, 0, 1, 1, 0), () => jp.call(five)]) {
        try { bad(); } catch { /* refused */ }
      }
    };
    run();
    fullGc(); // earlier tests' garbage must not be freed while this one counts
    const before = torch.nativeStats().tensors;
    for (let n = 0; n < 5; n++) run();
    expect(torch.nativeStats().tensors - before).toBe(0);
  });
});
