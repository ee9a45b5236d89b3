// transforms.v2's extension API against torchvision 0.28 (test/fixtures/v2-transform-api.json, made by
// scripts/make-v2-transform-api-fixtures.py): v2.Transform subclasses written as torchvision's tutorial
// writes them (makeParams drawing from the torch RNG, transform calling callKernel) on tuple, dict and
// nested samples, alone and in Compose / RandomApply, leaf for leaf with the RNG left where Python left
// it; needsTransformList's corner cases; checkType, hasAny, hasAll, getBoundingBoxes, getKeypoints,
// querySize, queryChw; and v2.functional's per-type kernels (adjustBrightnessImage, cropVideo, ...) bit
// for bit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { treeLeaves } from '../lib/pytree.js';
import { makeTensor, type TensorEnc } from './golden-replay.js';
import { checkLeaf, type LeafEnc } from './tv-leaf.js';
import { fullGc } from './run-child.js';

const v2 = vision.transforms.v2;
const F = v2.functional;
const tv = vision.tvTensors;
type Tensor = torch.Tensor;
type TypeOrCheck = vision.transforms.v2.TypeOrCheck;

type Tree = string | Tree[] | { [k: string]: Tree };
interface ErrorEnc { type: string; message: string }
const fx = JSON.parse(readFileSync(new URL('./fixtures/v2-transform-api.json', import.meta.url), 'utf8')) as {
  meta: { canvasSize: [number, number] };
  inputs: Record<string, TensorEnc>;
  custom: { name: string; py: string; sample: Tree[]; seed: number; calls: number; outputs: LeafEnc[]; after: number }[];
  customErrors: ({ name: string; py: string; sample: Tree[]; seed: number; after: number } & ErrorEnc)[];
  needs: { types: string; sample: Tree[]; needs: boolean[]; params: string[]; seen: string[] }[];
  repr: string;
  helpers: {
    check_type: { sample: Tree[]; types: string; result: boolean[] }[]; has_any: { sample: Tree[]; types: string; result: boolean }[];
    has_all: { sample: Tree[]; types: string; result: boolean }[]; values: Record<string, { sample: Tree[]; output: unknown }>;
    errors: Record<string, { sample: Tree[] } & ErrorEnc>;
  };
  kernels: { fn: string; input: string; args: unknown[]; output: LeafEnc }[];
  refused: ({ fn: string; input: string; args: unknown[] } & ErrorEnc)[];
  names: { v2: string[]; functional: string[]; v1Functional: string[] };
};
const [H, W] = fx.meta.canvasSize;
const INPUTS = Object.fromEntries(Object.entries(fx.inputs).map(([k, v]) => [k, makeTensor(v)])) as Record<string, Tensor>;
const boxes = (): Tensor => new tv.BoundingBoxes(INPUTS.boxes!, { format: 'XYXY', canvasSize: [H, W] });
const pil = (): vision.Image => F.toPILImage(INPUTS.image!);

const LEAVES: Record<string, () => unknown> = {
  T: () => INPUTS.image, U: () => INPUTS.labels, I: () => new tv.Image(INPUTS.image), P: pil, V: () => new tv.Video(INPUTS.video),
  M: () => new tv.Mask(INPUTS.masks), B: boxes, K: () => new tv.KeyPoints(INPUTS.keypoints, { canvasSize: [H, W] }),
  S: () => new tv.Mask(INPUTS.small), G: () => new tv.Image(INPUTS.gray), n: () => 3, s: () => 'x',
};
function build(tree: Tree): unknown {
  if (Array.isArray(tree)) return tree.map(build);
  if (typeof tree === 'object') return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, build(v)]));
  return LEAVES[tree]!();
}
const buildInputs = (sample: Tree[]): unknown[] => sample.map(build);

/** A leaf as the Python fixture names it. */
function desc(x: unknown): string {
  if (x instanceof vision.Image) return 'PIL';
  if (torch.isTensor(x)) return tv.kindOf(x) ?? 'Tensor';
  return typeof x;
}

const PY_ERROR: Record<string, string> = { ValueError: 'RangeError', TypeError: 'TypeError' };

// ---- the tutorial's transforms, ported -------------------------------------------------------------

const isTensor = torch.isTensor;

/** Flips with probability p and pads on the left by a random 0..4 (one draw of each per call). */
class RandomFlipShift extends v2.Transform<{ flip: boolean; shift: number }> {
  p: number;
  constructor(p = 0.5) { super(); this.p = p; }
  override makeParams(): { flip: boolean; shift: number } {
    return torch.tidy(() => ({ flip: (torch.rand(1).item()) < this.p, shift: torch.randint(0, 5, [1]).item() }));
  }
  override transform(inpt: unknown, { flip, shift }: { flip: boolean; shift: number }): unknown {
    const flipped = flip ? this.callKernel(F.horizontalFlip, inpt) : inpt;
    const out = this.callKernel(F.pad, flipped, [shift, 0, 0, 0]);
    if (flipped !== inpt && flipped !== out && isTensor(flipped)) flipped.dispose();
    return out;
  }
}

class Brighten extends v2.Transform {
  factor: number;
  constructor(factor: number) { super(); this.factor = factor; }
  override transform(inpt: unknown): unknown { return this.callKernel(F.adjustBrightness, inpt, { brightnessFactor: this.factor }); }
}

class NoMasks extends v2.Transform<{ v: number }> {
  override checkInputs(flatInputs: unknown[]): void {
    if (v2.checkType(flatInputs[0], [tv.Mask]) || flatInputs.some((x) => x instanceof tv.Mask)) throw new TypeError('NoMasks: masks are not supported');
  }
  override makeParams(): { v: number } { return { v: torch.tidy(() => torch.rand(1).item()) }; }
  override transform(inpt: unknown): unknown { return inpt; }
}

class BoxesOnly extends v2.Transform<{ size: [number, number] }> {
  override transformedTypes: readonly TypeOrCheck[] = [tv.BoundingBoxes];
  override makeParams(flatInputs: unknown[]): { size: [number, number] } { return { size: v2.querySize(flatInputs) }; }
  override transform(inpt: Tensor, params: { size: [number, number] }): unknown { return tv.wrap(inpt.add(params.size[0]), { like: inpt }); }
}

class Sized extends v2.Transform<{ size: [number, number] }> {
  override makeParams(flatInputs: unknown[]): { size: [number, number] } { return { size: v2.querySize(flatInputs) }; }
  override transform(inpt: unknown): unknown { return inpt; }
}

const CUSTOM: Record<string, () => { call(...inputs: unknown[]): unknown }> = {
  'RandomFlipShift()': () => new RandomFlipShift(),
  'RandomFlipShift(p=0.7)': () => new RandomFlipShift(0.7),
  'RandomFlipShift(p=1.0)': () => new RandomFlipShift(1.0),
  'v2.Compose([RandomFlipShift(), v2.RandomHorizontalFlip()])': () => new v2.Compose([new RandomFlipShift(), new v2.RandomHorizontalFlip()]),
  'v2.RandomApply([RandomFlipShift(p=1.0)], p=0.5)': () => new v2.RandomApply([new RandomFlipShift(1.0)], 0.5),
  'Brighten(1.5)': () => new Brighten(1.5),
  'Brighten(0.5)': () => new Brighten(0.5),
  'Brighten(1.25)': () => new Brighten(1.25),
  'BoxesOnly()': () => new BoxesOnly(),
  'NoMasks()': () => new NoMasks(),
  'Sized()': () => new Sized(),
};

describe('v2.Transform subclasses match torchvision 0.28', () => {
  for (const c of fx.custom) {
    it(`${c.name}: ${c.py}`, () => {
      const t = CUSTOM[c.py]!();
      const inputs = buildInputs(c.sample);
      torch.manualSeed(c.seed);
      const outs = Array.from({ length: c.calls }, () => t.call(...inputs));
      const after = torch.rand(1).item();
      outs.forEach((o, i) => checkLeaf(o, c.outputs[i]!, `${c.name} call ${i}`));
      expect(after, 'the torch RNG after the calls').toBe(c.after);
    });
  }
  for (const c of fx.customErrors) {
    it(`${c.name}: ${c.py} refuses the sample before drawing anything`, () => {
      const t = CUSTOM[c.py]!();
      torch.manualSeed(c.seed);
      let thrown: unknown;
      try { t.call(...buildInputs(c.sample)); } catch (e) { thrown = e; }
      expect((thrown as Error).constructor.name).toBe(PY_ERROR[c.type]);
      expect((thrown as Error).message).toBe(c.message);
      expect(torch.rand(1).item()).toBe(c.after);
    });
  }

  it('extraRepr / toString as torchvision prints the transform', () => {
    class Reprs extends v2.Transform {
      p = 0.5; size = [3, 4]; name = 'x'; flag = true; obj = {}; _hidden = 1; n = 3; names = ['a', 'b'];
    }
    expect(String(new Reprs())).toBe(fx.repr);
    expect(String(new RandomFlipShift(0.25))).toBe('RandomFlipShift(p=0.25)');
    expect(new v2.Transform().extraRepr()).toBe('');
  });

  it('the base class: transform() not implemented, no inputs, callKernel on a non-functional', () => {
    expect(() => new v2.Transform().call(torch.zeros(1, 2, 2))).toThrow(/Transform: transform\(inpt, params\) is not implemented/);
    expect(() => new RandomFlipShift().call()).toThrow(TypeError);
    class Bad extends v2.Transform { override transform(inpt: unknown): unknown { return this.callKernel((x: unknown) => x, inpt); } }
    expect(() => new Bad().call(torch.zeros(1, 2, 2))).toThrow(/not one of v2.functional's dispatching functionals/);
    class NotAType extends v2.Transform { override transformedTypes = [3 as unknown as TypeOrCheck]; }
    expect(() => new NotAType().call(torch.zeros(1, 2, 2))).toThrow(/types must be classes or predicate functions/);
  });

  it('a failing transform() disposes the leaves it had made', () => {
    let made: Tensor | null = null;
    class FailSecond extends v2.Transform {
      override transform(inpt: Tensor): unknown {
        if (made !== null) throw new Error('second');
        made = inpt.add(1);
        return made;
      }
    }
    expect(() => new FailSecond().call(new tv.Image(INPUTS.image), new tv.Mask(INPUTS.masks))).toThrow('second');
    expect(() => made!.add(1)).toThrow();
  });

  it('leaves no tensor behind (a custom transform in a loop, without GC)', () => {
    const t = new RandomFlipShift(0.5);
    const image = new tv.Image(INPUTS.image), bx = boxes(), masks = new tv.Mask(INPUTS.masks);
    const inputLeaves = new Set<unknown>([image, bx, masks, INPUTS.labels]);
    const run = (): void => {
      const out = t.call({ image, boxes: bx, masks, labels: INPUTS.labels });
      for (const leaf of treeLeaves(out)) if (isTensor(leaf) && !inputLeaves.has(leaf)) leaf.dispose();
    };
    run();
    fullGc(); // earlier tests' garbage must not be freed while this one counts
    const before = torch.nativeStats().tensors;
    for (let i = 0; i < 20; i++) run();
    expect(torch.nativeStats().tensors).toBe(before);
    const kernelBefore = torch.nativeStats().tensors;
    for (let i = 0; i < 5; i++) {
      F.adjustBrightnessImage(image, 1.5).dispose();
      F.getSizeImage(masks);
      for (const crop of F.fiveCropVideo(new tv.Video(INPUTS.video), 4)) crop.dispose();
    }
    expect(torch.nativeStats().tensors).toBe(kernelBefore + 5);  // the five tv.Video aliases made here
  });
});

const TYPES: Record<string, readonly TypeOrCheck[] | undefined> = {
  default: undefined, boxes: [tv.BoundingBoxes], pure: [F.isPureTensor], mask_pil: [tv.Mask, vision.Image], number: [Number], tensor: [torch.Tensor],
};

class Recorder extends v2.Transform {
  paramsSeen: string[] = [];
  seen: string[] = [];
  constructor(types?: readonly TypeOrCheck[]) {
    super();
    if (types) this.transformedTypes = types;
  }
  override makeParams(flatInputs: unknown[]): Record<string, unknown> { this.paramsSeen = flatInputs.map(desc); return {}; }
  override transform(inpt: unknown): unknown { this.seen.push(desc(inpt)); return inpt; }
}

describe("needsTransformList: torchvision's _needs_transform_list", () => {
  for (const c of fx.needs) {
    it(`${c.types}: ${JSON.stringify(c.sample)}`, () => {
      const t = new Recorder(TYPES[c.types]);
      const inputs = buildInputs(c.sample);
      const flat = treeLeaves(inputs.length === 1 ? inputs[0] : inputs);
      expect(t.needsTransformList(flat)).toEqual(c.needs);
      t.call(...inputs);
      expect(t.paramsSeen, 'what makeParams was given').toEqual(c.params);
      expect(t.seen, 'what transform was called on').toEqual(c.seen);
    });
  }
});

const CHECKS: Record<string, TypeOrCheck[]> = {
  image: [tv.Image], boxes_mask: [tv.BoundingBoxes, tv.Mask], pure: [F.isPureTensor], tensor: [torch.Tensor], pil: [vision.Image], number: [Number],
  string_check: [(x: unknown) => typeof x === 'string'], video_keypoints: [tv.Video, tv.KeyPoints],
};
const HELPERS: Record<string, (flat: unknown[]) => unknown> = {
  get_bounding_boxes: v2.getBoundingBoxes, get_keypoints: v2.getKeypoints, query_size: v2.querySize, query_size_plain: v2.querySize,
  query_chw: v2.queryChw, query_chw_pil: v2.queryChw,
};

describe('the helpers torchvision exports for custom transforms', () => {
  it('checkType, hasAny, hasAll', () => {
    for (const c of fx.helpers.check_type) expect(buildInputs(c.sample).map((x) => v2.checkType(x, CHECKS[c.types]!)), `${c.types} ${c.sample}`).toEqual(c.result);
    for (const c of fx.helpers.has_any) expect(v2.hasAny(buildInputs(c.sample), ...CHECKS[c.types]!), `has_any ${c.types} ${c.sample}`).toBe(c.result);
    for (const c of fx.helpers.has_all) expect(v2.hasAll(buildInputs(c.sample), ...CHECKS[c.types]!), `has_all ${c.types} ${c.sample}`).toBe(c.result);
    expect(v2.checkType(3, Number)).toBe(true);  // one type, as well as an array
    expect(() => v2.checkType(3, [{} as TypeOrCheck])).toThrow(TypeError);
    expect(() => v2.hasAny('abc' as unknown as unknown[], Number)).toThrow(/flatInputs must be an array/);
  });
  for (const [name, c] of Object.entries(fx.helpers.values)) {
    it(name, () => {
      const out = HELPERS[name]!(buildInputs(c.sample));
      if (torch.isTensor(out)) checkLeaf(out, c.output as LeafEnc, name);
      else expect(out).toEqual(c.output);
    });
  }
  for (const [name, c] of Object.entries(fx.helpers.errors)) {
    it(`${name}: ${c.message}`, () => {
      const fn = name.startsWith('get_bounding') ? v2.getBoundingBoxes : name.startsWith('get_keypoints') ? v2.getKeypoints : name.startsWith('query_size') ? v2.querySize : v2.queryChw;
      let thrown: unknown;
      try { fn(buildInputs(c.sample)); } catch (e) { thrown = e; }
      expect((thrown as Error).constructor.name).toBe(PY_ERROR[c.type]);
      expect((thrown as Error).message).toBe(c.message);
    });
  }
});

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
const KERNEL_INPUTS: Record<string, () => unknown> = {
  pil, masks_tv: () => new tv.Mask(INPUTS.masks), image_tv: () => new tv.Image(INPUTS.image), video_tv: () => new tv.Video(INPUTS.video), boxes_tv: boxes,
};
const kernelInput = (key: string): unknown => (KERNEL_INPUTS[key] ?? (() => INPUTS[key]))();
function kernelArg(a: unknown): unknown {
  if (a !== null && typeof a === 'object' && !Array.isArray(a)) {
    const o = a as { dtype?: string; input?: string };
    return o.dtype !== undefined ? (torch as unknown as Record<string, unknown>)[o.dtype] : INPUTS[o.input!];
  }
  return a;
}
// "v1.name": v1's functional; "v2.ToTensor": a new instance's call
const fnOf = (name: string): (...args: unknown[]) => unknown => {
  if (name === 'v2.ToTensor') return (x) => new v2.ToTensor().call(x);
  const [where, fnName] = name.startsWith('v1.') ? [vision.transforms.functional, name.slice(3)] : [F, name];
  const fn = (where as unknown as Record<string, unknown>)[camel(fnName)];
  expect(typeof fn, camel(name)).toBe('function');
  return fn as (...args: unknown[]) => unknown;
};

describe("v2.functional's per-type kernels match torchvision 0.28", () => {
  for (const c of fx.kernels) {
    it(`${c.fn}(${c.input}${c.args.length ? `, ${JSON.stringify(c.args)}` : ''})`, () => {
      checkLeaf(fnOf(c.fn)(kernelInput(c.input), ...c.args.map(kernelArg)), c.output, c.fn);
    });
  }
  for (const c of fx.refused) {
    it(`${c.fn}(${c.input}) is refused (Python: ${c.type})`, () => {
      expect(() => fnOf(c.fn)(kernelInput(c.input), ...c.args)).toThrow(TypeError);
    });
  }
  it('every name torchvision 0.28 exports from v2 and v2.functional', () => {
    // not here: register_kernel (no user tv_tensor types to register kernels for: docs/data.md)
    const notHere = ['register_kernel'];
    const v2Names = new Set(Object.keys(v2)), fNames = new Set(Object.keys(F));
    const pyName = (n: string): string => (/^[A-Z]/.test(n) ? n : camel(n));
    expect(fx.names.v2.filter((n) => !v2Names.has(pyName(n)) && !notHere.includes(n)), 'missing from v2').toEqual([]);
    expect(fx.names.functional.filter((n) => !fNames.has(pyName(n)) && !notHere.includes(n)), 'missing from v2.functional').toEqual([]);
    // v1's functional: its own functions, to_pil_image spelt toPILImage there
    const v1Names = new Set(Object.keys(vision.transforms.functional));
    expect(fx.names.v1Functional.filter((n) => !v1Names.has(n === 'to_pil_image' ? 'toPILImage' : pyName(n))), 'missing from transforms.functional').toEqual([]);
    expect(F.toPilImage).toBe(vision.transforms.functional.toPILImage);
    expect(F.cropVideo).toBe(F.cropImage);
  });
  it('every v2 class torchvision 0.28 exports is instanceof v2.Transform (they subclass it there); v1 classes and plain objects are not', () => {
    const enums = ['AutoAugmentPolicy', 'InterpolationMode'];
    const classes = fx.names.v2.filter((n) => /^[A-Z]/.test(n) && !enums.includes(n) && n in v2);
    expect(classes.length).toBeGreaterThan(60);
    const v2Record = v2 as unknown as Record<string, { prototype: object }>;
    expect(classes.filter((n) => !(Object.create(v2Record[n]!.prototype) instanceof v2.Transform)), 'not instanceof v2.Transform').toEqual([]);
    expect(new v2.Compose([new v2.RandomHorizontalFlip()]) instanceof v2.Transform).toBe(true);
    expect(new v2.RandomHorizontalFlip() instanceof v2.RandomHorizontalFlip).toBe(true);
    expect(new vision.transforms.RandomHorizontalFlip() instanceof v2.Transform).toBe(false);
    expect(new vision.transforms.Compose([]) instanceof v2.Transform).toBe(false);
    // a built-in is not an instance of the user's own subclass, nor of another built-in
    class Mine extends v2.Transform { override transform(inpt: unknown): unknown { return inpt; } }
    expect(new v2.RandomHorizontalFlip() instanceof Mine).toBe(false);
    expect(new Mine() instanceof v2.Transform && new Mine() instanceof Mine).toBe(true);
    expect(new v2.RandomHorizontalFlip() instanceof v2.RandomVerticalFlip).toBe(false);
    expect(({} as unknown as object) instanceof v2.Transform || (null as unknown as object) instanceof v2.Transform).toBe(false);
  });
});

describe("v2.functional's dispatching functionals keep the tv_tensor kind and refuse kinds without a kernel, as torchvision's _get_kernel", () => {
  // torchvision wraps a kernel's output like its input (tv_tensors.wrap), and raises TypeError for a registered functional given a kind it has no kernel for
  const CASES: [name: string, args: unknown[], kinds: ('Image' | 'Video')[]][] = [
    ['adjustBrightness', [1.3], ['Image', 'Video']], ['adjustContrast', [0.7], ['Image', 'Video']], ['adjustSaturation', [1.4], ['Image', 'Video']],
    ['adjustHue', [0.1], ['Image', 'Video']], ['adjustSharpness', [2], ['Image', 'Video']], ['adjustGamma', [0.8], ['Image', 'Video']],
    ['autocontrast', [], ['Image', 'Video']], ['gaussianBlur', [3], ['Image', 'Video']], ['posterize', [3], ['Image', 'Video']],
    ['equalize', [], ['Image', 'Video']], ['invert', [], ['Image', 'Video']], ['solarize', [100], ['Image', 'Video']],
    ['fiveCrop', [4], ['Image', 'Video']], ['tenCrop', [4], ['Image', 'Video']], ['rgbToGrayscale', [], ['Image']],
  ];
  const inputOf = (kind: 'Image' | 'Video'): Tensor => (kind === 'Image' ? new tv.Image(INPUTS.image!) : new tv.Video(INPUTS.video!));
  for (const [name, args, kinds] of CASES) {
    it(`${name}: ${kinds.join(' and ')} in, the same kind out with the plain tensor's values; a Mask refused`, () => {
      const fn = (F as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
      for (const kind of kinds) {
        const inpt = inputOf(kind);
        const out = fn(inpt, ...args), plain = fn(kind === 'Image' ? INPUTS.image : INPUTS.video, ...args);
        const outs = (Array.isArray(out) ? out : [out]) as Tensor[], plains = (Array.isArray(plain) ? plain : [plain]) as Tensor[];
        expect(outs.map((o) => tv.kindOf(o))).toEqual(outs.map(() => kind));
        expect(plains.map((o) => tv.kindOf(o))).toEqual(plains.map(() => null));
        outs.forEach((o, i) => expect(torch.equal(o, plains[i]!), `${name} ${kind} output ${i}`).toBe(true));
      }
      expect(() => fn(new tv.Mask(INPUTS.masks!), ...args)).toThrow(TypeError);
      expect(() => fn(new tv.Mask(INPUTS.masks!), ...args)).toThrow(`Functional F.${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} supports inputs of type`);
    });
  }
  it('normalize keeps Image and Video, and refuses a vision.Image as torchvision (no PIL kernel) and a Mask', () => {
    const image = F.toDtype(new tv.Image(INPUTS.image!), torch.float32, true);
    const out = F.normalize(image, [0.5, 0.4, 0.3], [0.2, 0.3, 0.4]);
    expect(tv.kindOf(out)).toBe('Image');
    expect(() => F.normalize(new tv.Mask(INPUTS.masks!), [0.5], [0.2])).toThrow('Functional F.normalize supports inputs of type torch.Tensor, tv_tensors.Image, tv_tensors.Video, but got tv_tensors.Mask instead.');
  });
});

describe('the v2 classes that take no arguments refuse some, as their Python __init__(self)', () => {
  it.each(['RGB', 'RandomChannelPermutation', 'ToImage', 'ToPureTensor', 'Identity', 'ClampKeyPoints'])('%s', (name) => {
    const cls = (v2 as unknown as Record<string, new (...args: unknown[]) => unknown>)[name]!;
    expect(() => new cls(0.5)).toThrow(`${name}.__init__() takes 1 positional argument but 2 were given`);
    expect(() => new cls({ p: 1 }, 2)).toThrow(TypeError);
    expect(new cls()).toBeInstanceOf(v2.Transform);
  });
});

describe("v2's _RandomApplyTransform classes and RandomApply check p as torchvision 0.28 does", () => {
  const v2 = vision.transforms.v2;
  // torchvision checks p first (in _RandomApplyTransform.__init__), before the class's own arguments
  const withP: Record<string, (p: number) => unknown> = {
    RandomHorizontalFlip: (p) => new v2.RandomHorizontalFlip(p),
    RandomVerticalFlip: (p) => new v2.RandomVerticalFlip(p),
    RandomInvert: (p) => new v2.RandomInvert(p),
    RandomAutocontrast: (p) => new v2.RandomAutocontrast(p),
    RandomEqualize: (p) => new v2.RandomEqualize(p),
    RandomGrayscale: (p) => new v2.RandomGrayscale(p),
    RandomErasing: (p) => new v2.RandomErasing({ p, value: 'abc' as never }),
    RandomZoomOut: (p) => new v2.RandomZoomOut({ p, sideRange: [0.5, 0.2] }),
    RandomPerspective: (p) => new v2.RandomPerspective(0.5, p),
    RandomPosterize: (p) => new v2.RandomPosterize(4, p),
    RandomSolarize: (p) => new v2.RandomSolarize(0.5, p),
    RandomAdjustSharpness: (p) => new v2.RandomAdjustSharpness(2, p),
    RandomApply: (p) => new v2.RandomApply([new v2.RandomInvert()], p),
  };
  for (const [name, make] of Object.entries(withP)) {
    it(name, () => {
      for (const p of [1.5, -0.1, Number.NaN]) expect(() => make(p), `${name}(p=${p})`).toThrow('`p` should be a floating point value in the interval [0.0, 1.0].');
      if (name !== 'RandomErasing' && name !== 'RandomZoomOut') for (const p of [0, 1]) expect(() => make(p), `${name}(p=${p})`).not.toThrow();
    });
  }
});

describe('a subclass overriding needsTransformList decides which leaves transform() sees, as _needs_transform_list does', () => {
  it('every tensor of the sample, where the default takes only the first', () => {
    class AddOne extends vision.transforms.v2.Transform<null> {
      override transform(inpt: unknown): unknown { return (inpt as torch.Tensor).add(1); }
    }
    class AddOneToAll extends AddOne {
      override needsTransformList(flat: readonly unknown[]): boolean[] { return flat.map((leaf) => torch.isTensor(leaf)); }
    }
    const sample = (): [torch.Tensor, torch.Tensor] => [torch.tensor([1, 2]), torch.tensor([10, 20])];
    const list = (out: unknown): unknown => (out as torch.Tensor[]).map((t) => t.tolist());
    expect(list(new AddOne().call(...sample()))).toEqual([[2, 3], [10, 20]]);  // torchvision: the first pure tensor only
    expect(list(new AddOneToAll().call(...sample()))).toEqual([[2, 3], [11, 21]]);
  });
});
