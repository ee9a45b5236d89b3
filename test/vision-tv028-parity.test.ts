// vision against torchvision 0.28 where a review found them apart: v2's own adjust_gamma and normalize
// kernels, Pillow's integer interpolation constants, save_image's JPEG refusal and LA PNGs, an empty
// RandomChoice (random.choices' IndexError), and the messages of SanitizeBoundingBoxes and GaussianBlur.
// Expected values are Python's (torchvision 0.28 through scripts/torchvision_cpu), quoted above each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';

const T = vision.transforms;
const F1 = T.functional;
const v2 = T.v2;
const F2 = v2.functional;
const tv = vision.tvTensors;
type Tensor = torch.Tensor;

const TMP = mkdtempSync(join(tmpdir(), 'torchnode-vision-tv028-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const x = (): Tensor => torch.tensor([[[0.25, 1.5, 2.0]]], { dtype: torch.float32 });
// y = torch.arange(48, dtype=torch.float32).reshape(3, 4, 4) / 47
const y = (): Tensor => torch.arange(48, { dtype: torch.float32 }).reshape([3, 4, 4]).div(47);

describe("v2's adjust_gamma kernel (clamps only when gain != 1)", () => {
  // x = torch.tensor([[[0.25, 1.5, 2.0]]]); u = torch.tensor([[[0, 64, 128, 255]]], dtype=torch.uint8)
  // F2.adjust_gamma(x, 0.5)             -> [[[0.5, 1.2247449159622192, 1.4142135381698608]]]
  // F1.adjust_gamma(x, 0.5)             -> [[[0.5, 1.0, 1.0]]]
  // F2.adjust_gamma(x, 0.5, 2.0)        -> [[[1.0, 1.0, 1.0]]]
  // F2.adjust_gamma(tv.Image(x), 2.0)   -> Image [[[0.0625, 2.25, 4.0]]]
  // F2.adjust_gamma(u, 0.5)             -> [[[0, 128, 181, 255]]]
  // F2.adjust_gamma(u, 2.0, 1.5)        -> [[[0, 24, 96, 255]]]
  // F2.adjust_gamma(x, -1)              -> ValueError: Gamma should be a non-negative real number
  it('gives v2 results on floats, v1 keeps its clamp', () => {
    expect(F2.adjustGamma(x(), 0.5).tolist()).toEqual([[[0.5, 1.2247449159622192, 1.4142135381698608]]]);
    expect(F1.adjustGamma(x(), 0.5).tolist()).toEqual([[[0.5, 1, 1]]]);
    expect(F2.adjustGamma(x(), 0.5, 2.0).tolist()).toEqual([[[1, 1, 1]]]);
    const img = F2.adjustGamma(new tv.Image(x()), 2.0);
    expect(img).toBeInstanceOf(tv.Image);
    expect(img.tolist()).toEqual([[[0.0625, 2.25, 4]]]);
    const u = torch.tensor([[[0, 64, 128, 255]]], { dtype: torch.uint8 });
    expect(F2.adjustGamma(u, 0.5).tolist()).toEqual([[[0, 128, 181, 255]]]);
    expect(F2.adjustGamma(u, 2.0, 1.5).tolist()).toEqual([[[0, 24, 96, 255]]]);
    expect(() => F2.adjustGamma(x(), -1)).toThrow(/Gamma should be a non-negative real number/);
  });
});

describe("v2's normalize (refuses a zero std only as given)", () => {
  // F2.normalize(x, [0.0], [1e-50])                -> [[[inf, inf, inf]]]
  // v2.Normalize([0.0], [1e-50])(tv.Image(x))      -> [[[inf, inf, inf]]]
  // F2.normalize(x, [0.0], [0.0])                  -> ValueError: std evaluated to zero, leading to division by zero.
  // F1.normalize(x, [0.0], [1e-50])                -> ValueError: std evaluated to zero after conversion to torch.float32, leading to division by zero.
  // F2.normalize(x, [0.5], [2.0])                  -> [[[-0.125, 0.5, 0.75]]]
  it('divides by a std that rounds to zero, as v2 does; v1 keeps its check', () => {
    expect(F2.normalize(x(), [0.0], [1e-50]).tolist()).toEqual([[[Infinity, Infinity, Infinity]]]);
    const out = new v2.Normalize([0.0], [1e-50]).call(new tv.Image(x())) as Tensor;
    expect(out.tolist()).toEqual([[[Infinity, Infinity, Infinity]]]);
    expect(() => F2.normalize(x(), [0.0], [0.0])).toThrow(/std evaluated to zero, leading to division by zero\./);
    expect(() => F1.normalize(x(), [0.0], [1e-50])).toThrow(/std evaluated to zero after conversion to torch\.float32/);
    expect(F2.normalize(x(), [0.5], [2.0]).tolist()).toEqual([[[-0.125, 0.5, 0.75]]]);
  });
});

describe("Pillow's integer interpolation constants (torchvision's _interpolation_modes_from_int)", () => {
  // y = torch.arange(48, dtype=torch.float32).reshape(3, 4, 4) / 47
  // T.Resize(2, interpolation=2)(y)[0]  -> [[0.07598784565925598, 0.10942249745130539], [0.2097264528274536, 0.24316109716892242]]
  // repr(T.Resize(2, interpolation=2))  -> Resize(size=2, interpolation=bilinear, max_size=None, antialias=True)
  // F1.resize(y, [2, 2], 3)[0]          -> [[0.062423065304756165, 0.10128362476825714], [0.21786530315876007, 0.25672584772109985]]
  // v2.Resize(2, interpolation=0)(y)[0] -> [[0.0, 0.042553190141916275], [0.1702127605676651, 0.21276596188545227]]
  // T.RandomResizedCrop(2, scale=(1, 1), ratio=(1, 1), interpolation=0)(y)[0] -> the same
  // T.Resize(2, interpolation=7)        -> KeyError: 7
  it('resizes with them (v1 and v2, functions and classes)', () => {
    expect((new T.Resize(2, { interpolation: 2 }).call(y()) as Tensor).select(0, 0).tolist()).toEqual([[0.07598784565925598, 0.10942249745130539], [0.2097264528274536, 0.24316109716892242]]);
    expect(String(new T.Resize(2, { interpolation: 2 }))).toBe('Resize(size=2, interpolation=bilinear, max_size=None, antialias=True)');
    expect(F1.resize(y(), [2, 2], 3).select(0, 0).tolist()).toEqual([[0.062423065304756165, 0.10128362476825714], [0.21786530315876007, 0.25672584772109985]]);
    const nearest = [[0.0, 0.042553190141916275], [0.1702127605676651, 0.21276596188545227]];
    expect((new v2.Resize(2, { interpolation: 0 }).call(y()) as Tensor).select(0, 0).tolist()).toEqual(nearest);
    expect((new T.RandomResizedCrop(2, { scale: [1, 1], ratio: [1, 1], interpolation: 0 }).call(y()) as Tensor).select(0, 0).tolist()).toEqual(nearest);
    expect(() => new T.Resize(2, { interpolation: 7 })).toThrow(/KeyError: 7/);
    expect(() => F2.resize(y(), [2, 2], 7)).toThrow(/KeyError: 7/);
  });

  // F1.rotate(y, 30.0, 2)[0] == F2.rotate(y, 30.0, 2)[0] ->
  //   [[0.009124420583248138, 0.03676352649927139, 0.09546511620283127, 0.06528249382972717], [0.03657257556915283, 0.0975518450140953, 0.15853111445903778, 0.20775382220745087],
  //    [0.09574469178915024, 0.16061784327030182, 0.2215971052646637, 0.2825763523578644], [0.07864156365394592, 0.22368381917476654, 0.2667349874973297, 0.13479964435100555]]
  // T.RandomRotation([30, 30], interpolation=2)(y)[0] ->
  //   [[0.004114767536520958, 0.03496071323752403, 0.09546511620283127, 0.029439928010106087], [0.03657257556915283, 0.0975518450140953, 0.15853111445903778, 0.19756600260734558],
  //    [0.09104955941438675, 0.16061784327030182, 0.2215971052646637, 0.2825763523578644], [0.03546436131000519, 0.22368381917476654, 0.2536548674106598, 0.060789525508880615]]
  // repr(T.RandomRotation([30, 30], interpolation=2)) -> RandomRotation(degrees=[30.0, 30.0], interpolation=bilinear, expand=False, fill=0)
  it('rotates with them', () => {
    const rotated = [[0.009124420583248138, 0.03676352649927139, 0.09546511620283127, 0.06528249382972717], [0.03657257556915283, 0.0975518450140953, 0.15853111445903778, 0.20775382220745087],
      [0.09574469178915024, 0.16061784327030182, 0.2215971052646637, 0.2825763523578644], [0.07864156365394592, 0.22368381917476654, 0.2667349874973297, 0.13479964435100555]];
    expect(F1.rotate(y(), 30.0, 2).select(0, 0).tolist()).toEqual(rotated);
    expect(F2.rotate(y(), 30.0, 2).select(0, 0).tolist()).toEqual(rotated);
    const r = new T.RandomRotation([30, 30], { interpolation: 2 });
    expect((r.call(y()) as Tensor).select(0, 0).tolist()).toEqual([[0.004114767536520958, 0.03496071323752403, 0.09546511620283127, 0.029439928010106087], [0.03657257556915283, 0.0975518450140953, 0.15853111445903778, 0.19756600260734558],
      [0.09104955941438675, 0.16061784327030182, 0.2215971052646637, 0.2825763523578644], [0.03546436131000519, 0.22368381917476654, 0.2536548674106598, 0.060789525508880615]]);
    expect(String(r)).toBe('RandomRotation(degrees=[30.0, 30.0], interpolation=bilinear, expand=False, fill=0)');
  });

  // with warnings.catch_warnings(record=True) as w: F1.elastic_transform(y, torch.zeros(1, 4, 4, 2), 0)
  //   -> ['Argument interpolation should be of type InterpolationMode instead of int. Please, use InterpolationMode enum.'], output == y
  // with warnings.catch_warnings(record=True) as w: F2.elastic(y, torch.zeros(1, 4, 4, 2), 0)  -> [], output == y
  it("v1's elastic_transform warns, v2's elastic does not", () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(torch.equal(F1.elasticTransform(y(), torch.zeros([1, 4, 4, 2]), 0), y())).toBe(true);
      expect(emit.mock.calls.map((c) => String(c[0]))).toEqual(['Argument interpolation should be of type InterpolationMode instead of int. Please, use InterpolationMode enum.']);
      emit.mockClear();
      expect(torch.equal(F2.elastic(y(), torch.zeros([1, 4, 4, 2]), 0), y())).toBe(true);
      expect(emit).not.toHaveBeenCalled();
    } finally {
      emit.mockRestore();
    }
  });
});

describe('saveImage as PIL writes the grid', () => {
  // U.save_image(torch.rand(4, 3, 4), 'x.jpg') -> OSError: cannot write mode RGBA as JPEG
  // U.save_image(torch.rand(2, 3, 4), 'x.jpg') -> OSError: cannot write mode LA as JPEG
  // g = torch.tensor([[[0.0, 0.5, 1.0]], [[1.0, 0.25, 0.0]]]); U.save_image(g, 'la.png')
  // PIL.Image.open('la.png') -> mode LA, np.asarray(im).tolist() == [[[0, 255], [128, 64], [255, 0]]]
  it('refuses alpha in a JPEG and writes a 2-channel grid as an LA PNG', () => {
    expect(() => vision.utils.saveImage(torch.rand([4, 3, 4]), join(TMP, 'rgba.jpg'))).toThrow(/cannot write mode RGBA as JPEG/);
    expect(() => vision.utils.saveImage(torch.rand([2, 3, 4]), join(TMP, 'la.jpg'))).toThrow(/cannot write mode LA as JPEG/);
    const path = join(TMP, 'la.png');
    vision.utils.saveImage(torch.tensor([[[0.0, 0.5, 1.0]], [[1.0, 0.25, 0.0]]]), path);
    // read unchanged: both channels, grey and alpha (PIL's LA pixels above, channels first)
    expect(vision.io.readImage(path).tolist()).toEqual([[[0, 128, 255]], [[255, 64, 0]]]);
  });
});

describe('an empty population (random.choices raises IndexError)', () => {
  // random.seed(0); random.choices([])              -> IndexError: list index out of range; random.random() -> 0.7579544029403025
  // random.seed(0); random.choices([], weights=[])  -> IndexError: list index out of range; random.random() -> 0.8444218515250481
  // T.RandomChoice([])(y)                           -> IndexError: list index out of range
  it('throws after the one draw Python makes', () => {
    const R = torch.pyrandom;
    R.seed(0);
    expect(() => R.choices([])).toThrow(/^list index out of range$/);
    expect(R.random()).toBe(0.7579544029403025);
    R.seed(0);
    expect(() => R.choices([], { weights: [] })).toThrow(/^list index out of range$/);
    expect(R.random()).toBe(0.8444218515250481);
    expect(R.choices([], { k: 0 })).toEqual([]);
    expect(() => new T.RandomChoice([]).call(y())).toThrow(/list index out of range/);
  });
});

describe("constructors' messages", () => {
  // v2.SanitizeBoundingBoxes(min_size=0.5)  -> ValueError: min_size must be >= 1, got 0.5.
  // v2.SanitizeBoundingBoxes(min_area=0.25) -> ValueError: min_area must be >= 1, got 0.25.
  // T.GaussianBlur((3, 3, 3)), v2.GaussianBlur((3, 3, 3)) -> ValueError: Kernel size should be a tuple/list of two integers
  it('name the values as Python does', () => {
    expect(() => new v2.SanitizeBoundingBoxes({ minSize: 0.5 })).toThrow(/min_size must be >= 1, got 0\.5\.$/);
    expect(() => new v2.SanitizeBoundingBoxes({ minArea: 0.25 })).toThrow(/min_area must be >= 1, got 0\.25\.$/);
    expect(() => new T.GaussianBlur([3, 3, 3])).toThrow(/Kernel size should be a tuple\/list of two integers$/);
    expect(() => new v2.GaussianBlur([3, 3, 3])).toThrow(/Kernel size should be a tuple\/list of two integers$/);
  });
});

describe('v2.ToDtype on a vision.Image (a PIL image)', () => {
  // im = PIL.Image.new('RGB', (2, 2), (10, 20, 30)); v2.ToDtype(torch.float32, scale=True)(im) is im -> True
  it('passes it through unchanged', () => {
    const im = F1.toPILImage(torch.full([3, 2, 2], 10, { dtype: torch.uint8 }));
    expect(new v2.ToDtype(torch.float32, { scale: true }).call(im)).toBe(im);
  });
});
