// rotate, affine and perspective of a vision.Image against torchvision's PIL path (Pillow 12.3's
// Image.rotate / Image.transform): test/fixtures/pil-geometry.json, made by
// scripts/make-pil-geometry-fixtures.py. Every pixel must be PIL's: v1's and v2's functionals with
// each filter, fill, center and expand; the v1 and v2 random classes after torch.manualSeed(seed)
// (with the RNG's position after them); the automatic augmentations' geometric operations.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { applyAugmentOp } from '../lib/vision/transforms/auto_augment.js';
import { pilAffine, pilFill, round15 } from '../lib/vision/_pil_geometry.js';
import { check, makeTensor, type TensorEnc } from './golden-replay.js';

const T = vision.transforms;
const VF = vision.transforms.functional;
const v2 = vision.transforms.v2;

interface ImageEnc { mode: 'L' | 'RGB'; width: number; height: number; data: string }
type Args = Record<string, unknown>;
interface Fixture {
  images: Record<string, ImageEnc>;
  functional: { api: 'v1' | 'v2'; fn: 'rotate' | 'affine' | 'perspective'; image: string; args: Args; out: ImageEnc }[];
  classes: { api: 'v1' | 'v2'; cls: string; kwargs: Args; image: string; seed: number; outputs: ImageEnc[]; after: number }[];
  augmentOps: { image: string; op: string; magnitude: number; interpolation: string; fill: number | number[] | null; out: ImageEnc }[];
  visionTransforms: Record<string, TensorEnc[]>;
}

const fx = JSON.parse(readFileSync(new URL('./fixtures/pil-geometry.json', import.meta.url), 'utf8')) as Fixture;

const decode = (e: ImageEnc): vision.Image => new vision.Image(e.width, e.height, e.mode, new Uint8Array(Buffer.from(e.data, 'base64')));

function expectImage(got: unknown, exp: ImageEnc, what: string): void {
  expect(got, what).toBeInstanceOf(vision.Image);
  const img = got as vision.Image;
  expect([img.mode, img.width, img.height], `${what}: mode and size`).toEqual([exp.mode, exp.width, exp.height]);
  const want = Buffer.from(exp.data, 'base64');
  let diff = 0;
  for (let i = 0; i < want.length; i++) if (img.data[i] !== want[i]) diff++;
  expect(diff, `${what}: bytes unlike PIL's`).toBe(0);
}

/** A functional case through v1's or v2's functional, as the fixture ran it. */
export function runFunctional(api: 'v1' | 'v2', fn: string, img: vision.Image, a: Args): unknown {
  const F = (api === 'v1' ? VF : v2.functional) as unknown as Record<string, (...args: unknown[]) => unknown>;
  if (fn === 'rotate') return F.rotate!(img, a.angle, a.interpolation, a.expand, a.center, a.fill);
  if (fn === 'affine') return F.affine!(img, a.angle, a.translate, a.scale, a.shear, a.interpolation, a.fill, a.center);
  return F.perspective!(img, a.startpoints, a.endpoints, a.interpolation, a.fill);
}

const camel = (kwargs: Args): Args => Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v]));

describe('rotate, affine, perspective of a vision.Image are PIL\'s', () => {
  const images = Object.fromEntries(Object.entries(fx.images).map(([k, v]) => [k, decode(v)]));
  const groups = new Map<string, Fixture['functional']>();
  for (const c of fx.functional) {
    const key = `${c.api} ${c.fn} on ${c.image}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [key, cases] of groups) {
    it(`${key} (${cases.length} cases)`, () => {
      for (const c of cases) expectImage(runFunctional(c.api, c.fn, images[c.image]!, c.args), c.out, `${key} ${JSON.stringify(c.args)}`);
    });
  }

  for (const c of fx.classes) {
    it(`${c.api} ${c.cls}(${JSON.stringify(c.kwargs)}) on ${c.image}, seed ${c.seed}`, () => {
      const ns = (c.api === 'v1' ? T : v2) as unknown as Record<string, new (opts: Args) => { call(x: unknown): unknown }>;
      const t = new ns[c.cls]!(camel(c.kwargs));
      torch.pyrandom.seed(c.seed);
      torch.manualSeed(c.seed);
      c.outputs.forEach((exp, k) => expectImage(t.call(images[c.image]!), exp, `call ${k}`));
      expect(torch.rand(1).item(), 'the next torch.rand(1)').toBe(c.after);
    });
  }

  it(`the automatic augmentations' geometric operations (${fx.augmentOps.length} cases)`, () => {
    for (const c of fx.augmentOps) {
      const fill = c.fill === null ? null : typeof c.fill === 'number' ? [c.fill] : c.fill;
      const out = applyAugmentOp(images[c.image]!, c.op, c.magnitude, c.interpolation as vision.transforms.InterpolationMode, fill);
      expectImage(out, c.out, `${c.op}(${c.magnitude}, ${c.interpolation}, fill ${JSON.stringify(c.fill)}) on ${c.image}`);
    }
  });
});

// vision-transforms.json's warping cases (test/vision-transforms.test.ts leaves them out of its
// "Image gives the tensor path's pixels" check) on vision.Images: torchvision's PIL outputs.
const VISION_PORTS: Record<string, () => vision.transforms.Transform<unknown, unknown>> = {
  rotation: () => new T.RandomRotation(30),
  rotation_bilinear: () => new T.RandomRotation([-45, 10], { interpolation: T.InterpolationMode.BILINEAR }),
  rotation_expand: () => new T.RandomRotation(60, { expand: true }),
  rotation_fill: () => new T.RandomRotation(90, { fill: [10, 20, 30] }),
  rotation_center: () => new T.RandomRotation(25, { center: [2, 3], fill: 200 }),
  rotation_expand_bilinear: () => new T.RandomRotation([20, 80], { interpolation: 'bilinear', expand: true, fill: 50 }),
  random_affine: () => new T.RandomAffine(30),
  random_affine_full: () => new T.RandomAffine(20, { translate: [0.1, 0.2], scale: [0.8, 1.2], shear: 10 }),
  random_affine_shear4: () => new T.RandomAffine([-10, 10], { shear: [-5, 5, -8, 8], interpolation: T.InterpolationMode.BILINEAR, fill: [10, 20, 30] }),
  random_affine_gray: () => new T.RandomAffine(0, { scale: [0.5, 0.7], fill: 128 }),
  random_perspective: () => new T.RandomPerspective(),
  random_perspective_opts: () => new T.RandomPerspective({ distortionScale: 0.8, p: 1.0, interpolation: T.InterpolationMode.NEAREST, fill: [5, 6, 7] }),
};

describe('vision-transforms.json\'s warping cases on a vision.Image are torchvision\'s PIL outputs', () => {
  const vfx = JSON.parse(readFileSync(new URL('./fixtures/vision-transforms.json', import.meta.url), 'utf8')) as {
    inputs: Record<string, TensorEnc>; cases: { name: string; input: string; seed: number; after: number }[];
  };
  it('has a port for every case', () => expect(Object.keys(fx.visionTransforms).sort()).toEqual(Object.keys(VISION_PORTS).sort()));
  for (const [name, outputs] of Object.entries(fx.visionTransforms)) {
    it(name, () => {
      const c = vfx.cases.find((k) => k.name === name)!;
      const img = VF.toPILImage(makeTensor(vfx.inputs[c.input]!));
      const t = VISION_PORTS[name]!();
      torch.pyrandom.seed(c.seed);
      torch.manualSeed(c.seed);
      outputs.forEach((exp, k) => {
        const out = t.call(img);
        expect(out, `call ${k}`).toBeInstanceOf(vision.Image);
        check(VF.pilToTensor(out as vision.Image), exp, undefined, `${name} call ${k}`);
      });
      expect(torch.rand(1).item()).toBe(c.after);
    });
  }
});

describe('PIL warps: helpers, errors, memory', () => {
  it('round15 is Python\'s round(x, 15), ties to even', () => {
    expect(round15(0.7071067811865476)).toBe(0.707106781186548);
    expect(round15(6.123233995736766e-17)).toBe(0);
    expect(round15(2 ** -16)).toBe(0.000015258789062);  // 15258789062.5e-15: the even neighbour
    expect(round15(3 * 2 ** -16)).toBe(0.000045776367188);  // 45776367187.5e-15
    expect(round15(-(2 ** -16))).toBe(-0.000015258789062);
  });

  it('fills as torchvision\'s _parse_fill and PIL\'s ink: truncated, clipped, per band', () => {
    const rgb = new vision.Image(2, 2, 'RGB'), gray = new vision.Image(2, 2, 'L');
    expect([...pilFill('f', rgb, null)]).toEqual([0, 0, 0]);
    expect([...pilFill('f', rgb, 7.9)]).toEqual([7, 7, 7]);
    expect([...pilFill('f', rgb, [300, -2, 4.5])]).toEqual([255, 0, 4]);
    expect([...pilFill('f', gray, [9])]).toEqual([9]);
    expect(() => pilFill('rotate', rgb, [1, 2])).toThrow(/does not match the number of bands of the image \(2 != 3\)/);
    expect(() => pilFill('rotate', gray, [1, 2, 3])).toThrow(RangeError);
    expect(() => pilFill('rotate', gray, Number.NaN)).toThrow(TypeError);
  });

  it('refuses bad input with JS Errors', () => {
    const img = new vision.Image(4, 3, 'RGB');
    expect(() => VF.rotate(img, 'a' as never)).toThrow(TypeError);
    expect(() => VF.rotate(img, 10, 'linear' as never)).toThrow(/Interpolation mode 'linear' is unsupported/);
    // Pillow's Image.transform message (Pillow 12.3, checked): box, hamming and lanczos cannot warp
    expect(() => VF.rotate(img, 10, 'box')).toThrow('Image.Resampling.BOX (4) cannot be used. Use Image.Resampling.NEAREST (0), Image.Resampling.BILINEAR (2) or Image.Resampling.BICUBIC (3)');
    expect(() => VF.rotate(img, 90, 'hamming')).toThrow('Image.Resampling.HAMMING (5) cannot be used.');  // not square, not expanded: a real warp
    expect(() => VF.affine(img, 10, [0, 0], 1, 0, 'lanczos')).toThrow('Image.Resampling.LANCZOS (1) cannot be used.');
    expect(() => VF.perspective(img, [[0, 0], [3, 0], [3, 2], [0, 2]], [[0, 0], [3, 0], [3, 2], [0, 1]], 'box')).toThrow('Image.Resampling.BOX (4) cannot be used.');
    expect(() => VF.affine(img, 10, [0, 0], 0, 0)).toThrow(/scale should be positive/);
    expect(() => VF.perspective(img, [[0, 0]], [[1, 1]])).toThrow(/exactly four corners/);
    expect(() => VF.rotate(img, 10, 'nearest', false, null, [1, 2])).toThrow(/\(2 != 3\)/);
    expect(() => pilAffine(img, [4, 3], [1, 0], 'nearest', new Uint8Array(3))).toThrow(TypeError);
    expect(() => pilAffine(img, [-1, 3], [1, 0, 0, 0, 1, 0], 'nearest', new Uint8Array(3))).toThrow(RangeError);
  });

  it('a rotate by 0 or 180 degrees (or 90 and 270, expanded or square) is a copy or transpose whatever the filter, as Image.rotate: box, hamming and lanczos too', () => {
    const img = new vision.Image(4, 3, 'RGB');
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 29) & 255;
    for (const filter of ['box', 'hamming', 'lanczos'] as const) {
      for (const [angle, expand] of [[0, false], [180, false], [-180, false], [90, true], [270, true], [450, true]] as const) {
        const got = VF.rotate(img, angle, filter, expand), want = VF.rotate(img, angle, 'nearest', expand);
        expect([got.width, got.height, Buffer.from(got.data).equals(Buffer.from(want.data))], `${filter} ${angle}`).toEqual([want.width, want.height, true]);
      }
    }
  });

  it('quarter turns are the transposes\' permutations, also past 16.16 fixed point\'s range', () => {
    for (const [w, h, mode] of [[7, 5, 'RGB'], [70000, 2, 'L'], [2, 40000, 'RGB']] as const) {
      const img = new vision.Image(w, h, mode);
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37 + (i >> 8)) & 255;
      const ch = img.channels;
      for (const angle of [90, 180, 270]) {
        const out = VF.rotate(img, angle, 'nearest', true);
        const [ow, oh] = angle === 180 ? [w, h] : [h, w];
        expect([out.width, out.height]).toEqual([ow, oh]);
        const expected = new Uint8Array(img.data.length);
        for (let y = 0; y < oh; y++) {
          for (let x = 0; x < ow; x++) {
            const [sx, sy] = angle === 90 ? [w - 1 - y, x] : angle === 180 ? [w - 1 - x, h - 1 - y] : [y, h - 1 - x];
            for (let b = 0; b < ch; b++) expected[(y * ow + x) * ch + b] = img.data[(sy * w + sx) * ch + b]!;
          }
        }
        expect(Buffer.from(out.data).equals(Buffer.from(expected)), `${w}x${h} by ${angle}`).toBe(true);
      }
    }
  });

  it('leaves no tensors behind', () => {
    const img = decode(fx.images.rgb!);
    const run = (): void => {
      VF.rotate(img, 33, 'bilinear', true, null, 4);
      VF.affine(img, 10, [1, 2], 1.2, [3, 4], 'bicubic', [1, 2, 3]);
      VF.perspective(img, [[0, 0], [14, 0], [14, 11], [0, 11]], [[1, 1], [13, 0], [14, 10], [0, 11]], 'bilinear', null);
      new T.RandomPerspective({ p: 1 }).call(img);
      v2.functional.affine(img, 10, [1, 2], 1.2, [3, 4], 'bilinear');
    };
    run();
    const before = torch.nativeStats().tensors;
    for (let i = 0; i < 5; i++) run();
    expect(torch.nativeStats().tensors).toBe(before);
  });
});
