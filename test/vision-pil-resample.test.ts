// Resizing a vision.Image against Pillow 12.3 as torchvision 0.28 calls it on a PIL image
// (test/fixtures/pil-resample.json, made by scripts/make-pil-resample-fixtures.py): every filter
// (nearest, bilinear, bicubic, box, hamming, lanczos) at many ratios, through v1 and v2 functionals and
// the resizing transforms after torch.manualSeed, pixel for pixel, and the torch RNG left where
// torchvision leaves it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { native } from '../lib/native.js';
import { check, makeTensor, type TensorEnc } from './golden-replay.js';

const T = vision.transforms;
const VF = T.functional;
const v2 = T.v2;
const F2 = v2.functional;
type Mode = vision.transforms.InterpolationMode;

interface Enc { mode: 'L' | 'RGB'; width: number; height: number; data: string }
interface Case {
  kind: string; image: string; py: string; seed: number; calls: number; outputs: Enc[]; after: number;
  size?: number | number[] | null; interpolation?: Mode; maxSize?: number | null; antialias?: boolean; box?: [number, number, number, number];
  options?: Record<string, unknown>;
}
interface Tensors {
  inputs: Record<string, TensorEnc>;
  cases: { input: string; size: number[]; output: TensorEnc }[];
  errors: { fn: string; interpolation: Mode; antialias: boolean; message: string }[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/pil-resample.json', import.meta.url), 'utf8')) as { images: Record<string, Enc>; cases: Case[]; tensors: Tensors };
const decode = (e: Enc): vision.Image => new vision.Image(e.width, e.height, e.mode, new Uint8Array(Buffer.from(e.data, 'base64')));

/** The JS call of a fixture case: a function of the image (a transform built once, called `calls` times). */
function port(c: Case): (img: vision.Image) => unknown {
  const o = c.options ?? {};
  const opts = (omit: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => !omit.includes(k)));
  switch (c.kind) {
    case 'F.resize': return (img) => VF.resize(img, c.size as number[], c.interpolation!, c.maxSize ?? null, c.antialias ?? true);
    case 'F2.resize': return (img) => F2.resize(img, c.size as number[] | null, c.interpolation!, c.maxSize ?? null, c.antialias ?? true);
    case 'F.resized_crop': return (img) => VF.resizedCrop(img, ...c.box!, c.size as number[], c.interpolation!);
    case 'F2.resized_crop': return (img) => F2.resizedCrop(img, ...c.box!, c.size as number[], c.interpolation!);
    default: break;
  }
  const t = ((): { call(x: unknown): unknown } => {
    switch (c.kind) {
      case 'T.Resize': return new T.Resize(o.size as number, opts(['size']));
      case 'v2.Resize': return new v2.Resize(o.size as number, opts(['size']));
      case 'T.RandomResizedCrop': return new T.RandomResizedCrop(o.size as number, opts(['size']));
      case 'v2.RandomResizedCrop': return new v2.RandomResizedCrop(o.size as number, opts(['size']));
      case 'v2.ScaleJitter': return new v2.ScaleJitter(o.targetSize as number[], opts(['targetSize']));
      case 'v2.RandomShortestSize': return new v2.RandomShortestSize(o.minSize as number[], opts(['minSize']));
      case 'v2.RandomResize': return new v2.RandomResize(o.minSize as number, o.maxSize as number, opts(['minSize', 'maxSize']));
      default: throw new Error(`no port for ${c.kind}`);
    }
  })();
  return (img) => t.call(img);
}

function expectPixels(out: unknown, exp: Enc, what: string): void {
  expect(out, `${what} returns an Image`).toBeInstanceOf(vision.Image);
  const img = out as vision.Image;
  expect([img.mode, img.width, img.height], `${what}: mode and size`).toEqual([exp.mode, exp.width, exp.height]);
  const want = Buffer.from(exp.data, 'base64');
  let bad = 0, first = -1;
  for (let i = 0; i < want.length; i++) if (img.data[i] !== want[i]) { bad++; if (first < 0) first = i; }
  expect(bad, `${what}: ${bad} of ${want.length} bytes differ from PIL's (first at ${first}: ${img.data[first]} vs ${want[first]})`).toBe(0);
}

describe('vision.Image resizing is PIL\'s, pixel for pixel', () => {
  const images = Object.fromEntries(Object.entries(fx.images).map(([k, v]) => [k, decode(v)]));
  const groups = new Map<string, Case[]>();
  for (const c of fx.cases) groups.set(c.kind, [...(groups.get(c.kind) ?? []), c]);
  for (const [kind, cases] of groups) {
    it(`${kind}: ${cases.length} cases`, () => {
      for (const c of cases) {
        const run = port(c);
        torch.manualSeed(c.seed);
        c.outputs.forEach((exp, k) => expectPixels(run(images[c.image]!), exp, `${c.py} on ${c.image} (seed ${c.seed}) call ${k}`));
        expect(torch.rand(1).item(), `${c.py}: the RNG after the calls`).toBe(c.after);
      }
    });
  }

  it('leaves the source image alone, and returns it when the size is already right', () => {
    const img = images.rgb!;
    const before = img.data.slice();
    VF.resize(img, [40, 9], 'lanczos');
    expect(img.data).toEqual(before);
    expect(VF.resize(img, [img.height, img.width], 'bicubic')).toBe(img);
  });

  it('holds no native tensors', () => {
    const img = images.smooth_rgb!;
    const live = torch.nativeStats().tensors;
    for (let i = 0; i < 5; i++) {
      VF.resize(img, [11, 13], 'bilinear');
      VF.resizedCrop(img, 1, 2, 10, 10, [5, 5], 'nearest');
      new v2.RandomResizedCrop(8, { interpolation: 'hamming' }).call(img);
    }
    expect(torch.nativeStats().tensors).toBe(live);
  });
});

describe('PIL\'s extra filters on tensors, as torchvision', () => {
  const tx = fx.tensors;
  it(`v2 resizes tensors with lanczos (antialiased): ${tx.cases.length} cases`, () => {
    for (const c of tx.cases) check(F2.resize(makeTensor(tx.inputs[c.input]!), c.size, 'lanczos'), c.output, undefined, `resize(${c.input}, ${JSON.stringify(c.size)}, lanczos)`);
  });
  it.each(tx.errors.map((e) => [`${e.fn} ${e.interpolation} antialias=${e.antialias}`, e] as const))('%s refuses a tensor with torchvision\'s message', (_name, e) => {
    const x = makeTensor(tx.inputs.u8!);
    const fn = e.fn === 'F.resize' ? VF.resize : F2.resize;
    expect(() => fn(x, [4, 4], e.interpolation, null, e.antialias)).toThrow(e.message);
  });
});

describe('PIL-only filters and bad input', () => {
  const img = new vision.Image(6, 4, 'RGB');
  it.each([
    ['an unknown mode', () => VF.resize(img, [4, 4], 'area' as never), /Interpolation mode 'area' is unsupported/],
    ['a zero size', () => VF.resize(img, [0, 4]), /size must be positive integers/],
    ['a fractional size', () => VF.resize(img, [2.5, 4]), /size must be positive integers/],
    ['an empty image (as PIL)', () => VF.resize(new vision.Image(0, 3, 'L'), [2, 2]), /height and width must be > 0/],
  ])('%s throws', (_name, fn, re) => {
    expect(fn).toThrow(re);
  });
  it('box, hamming and lanczos are accepted by the transforms, as torchvision', () => {
    for (const m of ['box', 'hamming', 'lanczos'] as const) {
      expect(new T.Resize(3, m).call(img)).toBeInstanceOf(vision.Image);
      expect(new v2.RandomResize(2, 5, m).call(img)).toBeInstanceOf(vision.Image);
    }
  });
});

describe('resizing an empty Image as PIL does', () => {
  it('0 pixels high gives a black image; 0 wide is refused with PIL\'s message', () => {
    const F = vision.transforms.functional;
    expect(Array.from(F.resize(new vision.Image(4, 0, 'L', new Uint8Array(0)), [3, 3]).data)).toEqual(new Array(9).fill(0));
    expect(() => F.resize(new vision.Image(0, 4, 'L', new Uint8Array(0)), [3, 3])).toThrow(/height and width must be > 0/);
  });
});

describe('the native resampling and transform kernels refuse bad buffers and dimensions', () => {
  // native/src/pil_geometry.cc: every length is checked before a pixel is read or written
  const k = native as unknown as {
    pilResampleHorizontal(...args: unknown[]): void;
    pilResampleVertical(...args: unknown[]): void;
    pilTransform(...args: unknown[]): void;
  };
  const src = new Uint8Array(4 * 3 * 3);  // 4x3 RGB
  const taps = (n: number, first: number, count: number): [Int32Array, Int32Array, number] =>
    [Int32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? first : count)), new Int32Array(n * 2), 2];
  const h = (...over: [number, unknown][]): unknown[] => {
    const args: unknown[] = [src, 4, 3, 3, 0, new Uint8Array(2 * 3 * 3), 2, 3, ...taps(2, 0, 2)];
    for (const [i, v] of over) args[i] = v;
    return args;
  };
  const v = (...over: [number, unknown][]): unknown[] => {
    const args: unknown[] = [src, 4, 3, 3, 0, new Uint8Array(4 * 2 * 3), 2, ...taps(2, 1, 2)];
    for (const [i, x] of over) args[i] = x;
    return args;
  };
  const t = (...over: [number, unknown][]): unknown[] => {
    const args: unknown[] = [src, 4, 3, 3, new Uint8Array(5 * 2 * 3), 5, 2, Float64Array.of(1, 0.2, 0, -0.1, 1, 0), 2, new Uint8Array(3)];
    for (const [i, x] of over) args[i] = x;
    return args;
  };

  it('accepts consistent arguments', () => {
    expect(() => k.pilResampleHorizontal(...h())).not.toThrow();
    expect(() => k.pilResampleVertical(...v())).not.toThrow();
    for (const f of [0, 2, 3]) expect(() => k.pilTransform(...t([8, f]))).not.toThrow();
    expect(() => k.pilTransform(...t([7, Float64Array.of(1, 0, 0, 0, 1, 0, 0.01, 0)]))).not.toThrow();
  });

  it('reads nothing from an image without pixels, even at a NaN point (which passes the filters\' bounds test, as in C)', () => {
    for (const [w, h, m] of [[0, 4, Float64Array.of(NaN, 0, 0, 0, 1, 0)], [4, 0, Float64Array.of(1, 0, 0, 0, NaN, 0)], [0, 0, Float64Array.of(NaN, 0, 0, 0, NaN, 0, 0, 0)]] as const) {
      for (const f of [0, 2, 3]) {
        const out = new Uint8Array(3 * 3 * 3).fill(7);
        k.pilTransform(new Uint8Array(0), w, h, 3, out, 3, 3, m, f, Uint8Array.of(9, 9, 9));
        // nearest misses (the fill); bilinear and bicubic take the NaN's value, 0, as the TS port did
        expect(out.every((v) => v === (f === 0 ? 9 : 0)), `${w}x${h} filter ${f}`).toBe(true);
      }
    }
  });

  it('throws an Error for every inconsistent one', () => {
    const bad: [string, () => void][] = [
      ['short src', () => k.pilResampleHorizontal(...h([0, new Uint8Array(35)]))],
      ['long src', () => k.pilResampleHorizontal(...h([0, new Uint8Array(37)]))],
      ['src not bytes', () => k.pilResampleHorizontal(...h([0, new Float32Array(36)]))],
      ['channels 0', () => k.pilResampleHorizontal(...h([3, 0]))],
      ['channels 5', () => k.pilResampleHorizontal(...h([3, 5]))],
      ['negative width', () => k.pilResampleHorizontal(...h([1, -4]))],
      ['fractional height', () => k.pilResampleHorizontal(...h([2, 2.5]))],
      ['rows past the source', () => k.pilResampleHorizontal(...h([4, 2], [5, new Uint8Array(18)], [7, 2]))],
      ['short out', () => k.pilResampleHorizontal(...h([5, new Uint8Array(17)]))],
      ['out not bytes', () => k.pilResampleHorizontal(...h([5, [0, 0]]))],
      ['taps past the row', () => k.pilResampleHorizontal(...h([8, Int32Array.of(0, 2, 3, 2)]))],
      ['negative tap start', () => k.pilResampleHorizontal(...h([8, Int32Array.of(-1, 2, 0, 2)]))],
      ['more taps than ksize', () => k.pilResampleHorizontal(...h([8, Int32Array.of(0, 3, 0, 2)]))],
      ['short bounds', () => k.pilResampleHorizontal(...h([8, Int32Array.of(0, 2)]))],
      ['short weights', () => k.pilResampleHorizontal(...h([9, new Int32Array(3)]))],
      ['weights not Int32Array', () => k.pilResampleHorizontal(...h([9, new Float64Array(4)]))],
      ['missing arguments', () => k.pilResampleHorizontal(src, 4, 3, 3)],
      ['vertical: taps below the rows held', () => k.pilResampleVertical(...v([4, 2]))],
      ['vertical: taps past the bottom', () => k.pilResampleVertical(...v([7, Int32Array.of(2, 2, 0, 2)]))],
      ['vertical: short out', () => k.pilResampleVertical(...v([5, new Uint8Array(23)]))],
      ['vertical: huge ksize', () => k.pilResampleVertical(...v([9, 2 ** 40]))],
      ['transform: short src', () => k.pilTransform(...t([0, new Uint8Array(3)]))],
      ['transform: short out', () => k.pilTransform(...t([4, new Uint8Array(29)]))],
      ['transform: huge output', () => k.pilTransform(...t([5, 2 ** 30], [6, 2 ** 30]))],
      ['transform: width past int', () => k.pilTransform(...t([5, 2 ** 31]))],
      ['transform: 7 coefficients', () => k.pilTransform(...t([7, new Float64Array(7)]))],
      ['transform: coefficients as an array', () => k.pilTransform(...t([7, [1, 0, 0, 0, 1, 0]]))],
      ['transform: filter 1', () => k.pilTransform(...t([8, 1]))],
      ['transform: filter -1', () => k.pilTransform(...t([8, -1]))],
      ['transform: short fill', () => k.pilTransform(...t([9, new Uint8Array(1)]))],
      ['horizontal: out overlapping src', () => { const b = new Uint8Array(36 + 12); k.pilResampleHorizontal(...h([0, b.subarray(0, 36)], [5, b.subarray(30, 48)])); }],
      ['vertical: out is src', () => k.pilResampleVertical(...v([5, src.subarray(0, 24)]))],
      ['transform: out overlapping src', () => { const b = new Uint8Array(36 + 6); k.pilTransform(...t([0, b.subarray(6, 42)], [4, b.subarray(0, 30)])); }],
    ];
    for (const [what, call] of bad) expect(call, what).toThrow(Error);
  });
});
