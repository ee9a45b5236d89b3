// vision.ops.deformConv2d / DeformConv2d against torchvision 0.28 (test/fixtures/deform-conv.json, made by
// scripts/make-deform-conv-fixtures.py): torchvision's Python (defaults, _pair, checks, DeformConv2d's init,
// forward and __repr__) over a transcription of its CPU kernel, which the script proves against conv2d
// (zero and integer offsets) and a hand-worked bilinear case. Every case is the JS port of the Python case of
// the same name: the output and the gradients of (out * weights).sum() for the input, offset, mask (v2),
// weight and bias.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, makeTensor, type Enc, type TensorEnc, type Tol } from './golden-replay.js';
import { liveTensors } from './run-child.js';

const { DeformConv2d, deformConv2d } = torch.vision.ops;
type Tensor = torch.Tensor;
interface Fixture {
  meta: { torch: string; torchvision: string; cpuCapability: string; threads: number };
  inputs: Record<string, TensorEnc>;
  cases: Record<string, Enc>;
  inits: Record<string, Enc>;
  reprs: Record<string, string>;
  errors: Record<string, string>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/deform-conv.json', import.meta.url), 'utf8')) as Fixture;
const I = (name: string): Tensor => makeTensor(fx.inputs[name]!).reshape(fx.inputs[name]!.shape);

/** The script's weights_for: ((k * 5) % 11 - 5) * 0.3 for the k-th element of out. */
function weightsFor(out: Tensor): Tensor {
  return torch.arange(out.numel()).mul(5).remainder(11).sub(5).to(out.dtype).mul(0.3).reshape(out.shape);
}

type Call = (x: Tensor, offset: Tensor, weight: Tensor, bias: Tensor | null, mask: Tensor | null) => Tensor;
/** call with the inputs of `prefix`; its output and the gradients of x, offset, mask, weight, bias (those given). */
function run(prefix: string, call: Call, withMask: boolean, withBias: boolean): Tensor[] {
  const [x, offset, weight] = ['x', 'offset', 'weight'].map((k) => I(`${prefix}_${k}`).requiresGrad_()) as [Tensor, Tensor, Tensor];
  const mask = withMask ? I(`${prefix}_mask`).requiresGrad_() : null;
  const bias = withBias ? I(`${prefix}_bias`).requiresGrad_() : null;
  const out = call(x, offset, weight, bias, mask);
  out.mul(weightsFor(out)).sum().backward();
  return [out, ...[x, offset, mask, weight, bias].filter((t): t is Tensor => t !== null).map((t) => t.grad!)];
}

// ---- the JS port of each Python case, in the script's order
const PORTS: Record<string, () => unknown> = {};
const port = (name: string, fn: () => unknown): void => {
  if (name in PORTS) throw new Error(`duplicate port ${name}`);
  PORTS[name] = fn;
};
type Pair = number | [number, number];
// [prefix, stride, padding, dilation] of the script's CONFIGS
const CONFIGS: [string, Pair, Pair, Pair][] = [
  ['plain', 1, 0, 1], ['groups', 1, 1, 1], ['geometry', [2, 1], [1, 2], [2, 1]], ['offset_groups4', 1, 0, 1], ['outside', 1, 1, 1], ['batch3', 2, 1, 1], ['border', 1, 1, 1],
];
for (const [prefix, stride, padding, dilation] of CONFIGS)
  for (const bits of ['64', '32'])
    for (const [version, withMask] of [['v1', false], ['v2', true]] as const)
      port(`${version}_${prefix}${bits}`, () => run(`${prefix}${bits}`, (x, o, w, b, mask) => deformConv2d(x, o, w, b, { stride, padding, dilation, mask }), withMask, true));
port('v2_batch364_nobias', () => run('batch364', (x, o, w, _b, mask) => deformConv2d(x, o, w, null, 2, 1, { mask }), true, false));
port('v1_batch332_nobias', () => run('batch332', (x, o, w) => deformConv2d(x, o, w, { stride: 2, padding: 1 }), false, false));
for (const [version, withMask] of [['v1', false], ['v2', true]] as const)
  port(`hand_${version}`, () => {
    const tensors = ['x', 'offset', 'weight', ...(withMask ? ['mask'] : [])].map((k) => I(`hand_${k}`).requiresGrad_());
    const [x, offset, weight, mask] = tensors as [Tensor, Tensor, Tensor, Tensor | undefined];
    const out = deformConv2d(x, offset, weight, { mask: mask ?? null });
    out.mul(weightsFor(out)).sum().backward();
    return [out, ...tensors.map((t) => t.grad!)];
  });
port('module_groups32', () => {
  torch.manualSeed(11);
  const m = new DeformConv2d(4, 6, 3, { padding: 1, groups: 2 });
  const [x, offset, mask] = ['x', 'offset', 'mask'].map((k) => I(`groups64_${k}`).float().requiresGrad_()) as [Tensor, Tensor, Tensor];
  const out = m.forward(x, offset, mask);
  out.mul(weightsFor(out)).sum().backward();
  return [out, x.grad!, offset.grad!, mask.grad!, m.weight.grad!, m.bias!.grad!];
});

/** DeformConv2d's parameters and state-dict keys after torch.manualSeed(seed). */
function initOf(seed: number, make: () => InstanceType<typeof DeformConv2d>): unknown[] {
  torch.manualSeed(seed);
  const m = make();
  return [m.weight, m.bias, Object.keys(m.stateDict())];
}
const INITS: Record<string, () => unknown[]> = {
  init_3x3: () => initOf(0, () => new DeformConv2d(3, 8, 3)),
  init_groups: () => initOf(1, () => new DeformConv2d(4, 6, [3, 2], { groups: 2, padding: 1 })),
  init_nobias: () => initOf(2, () => new DeformConv2d(2, 5, 1, { bias: false })),
  init_large: () => initOf(3, () => new DeformConv2d(8, 16, 3, 2, 0, 2)),
};

const REPRS: Record<string, () => torch.nn.Module> = {
  default: () => new DeformConv2d(3, 8, 3),
  all: () => new DeformConv2d(4, 6, [3, 2], [2, 1], [1, 0], 2, 2, false),
  padding_only: () => new DeformConv2d({ inChannels: 2, outChannels: 2, kernelSize: 1, padding: 1 }),
};

// ---- errors: torchvision's message (the port prefixes its function name)
const zeros = (...shape: number[]): Tensor => torch.zeros(shape, { dtype: torch.float64 });
const ERRORS: Record<string, () => unknown> = {
  offset_groups_zero: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 4, 3, 3), zeros(3, 2, 3, 3)),
  offset_channels: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 27, 3, 3), zeros(3, 2, 3, 3)),
  mask_channels: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 18, 3, 3), zeros(3, 2, 3, 3), { mask: zeros(1, 8, 3, 3) }),
  weight_groups: () => deformConv2d(zeros(1, 3, 5, 5), zeros(1, 18, 3, 3), zeros(4, 2, 3, 3)),
  out_channels_groups: () => deformConv2d(zeros(1, 4, 5, 5), zeros(1, 18, 3, 3), zeros(5, 2, 3, 3)),
  input_offset_groups: () => deformConv2d(zeros(1, 3, 5, 5), zeros(1, 36, 3, 3), zeros(4, 3, 3, 3)),
  offset_batch: () => deformConv2d(zeros(1, 2, 5, 5), zeros(2, 18, 3, 3), zeros(3, 2, 3, 3)),
  offset_dims: () => deformConv2d(zeros(1, 2, 6, 5), zeros(1, 18, 3, 3), zeros(3, 2, 3, 3)),
  mask_batch: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 18, 3, 3), zeros(3, 2, 3, 3), { mask: zeros(2, 9, 3, 3) }),
  mask_dims: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 18, 3, 3), zeros(3, 2, 3, 3), { mask: zeros(1, 9, 3, 2) }),
  output_too_small: () => deformConv2d(zeros(1, 2, 2, 5), zeros(1, 18, 0, 3), zeros(3, 2, 3, 3)),
  stride_zero: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 18, 3, 3), zeros(3, 2, 3, 3), { stride: [0, 1] }),
  padding_negative: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 18, 3, 3), zeros(3, 2, 3, 3), { padding: [-1, 0] }),
  dilation_zero: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 18, 3, 3), zeros(3, 2, 3, 3), { dilation: [1, 0] }),
  bias_size: () => deformConv2d(zeros(1, 2, 5, 5), zeros(1, 18, 3, 3), zeros(4, 2, 3, 3), zeros(3)),
  module_in_groups: () => new DeformConv2d(3, 4, 3, { groups: 2 }),
  module_out_groups: () => new DeformConv2d(4, 3, 3, { groups: 2 }),
};

// float64: the reference's per-group matmul and per-image loop sum the same products as the port's batched
// matmul in another order, so results agree to rounding (measured: within 1e-15).
// float32: the bilinear samples are the kernel's float ops, but the matmul and the gradients' sums (of up to
// C / groups * kh * kw = 18 products each, and the input's gradient scatter-added over overlapping taps) round
// in another order, each step within 2^-24 (6e-8) relative: a few ulps of sums up to ~10 in magnitude. Measured:
// within 1e-6 (rtol and atol), the largest near 5e-7 relative; 4e-6 leaves room for another BLAS's order.
const FLOAT64: Tol = { rtol: 1e-10, atol: 1e-10 };
const FLOAT32: Tol = { rtol: 4e-6, atol: 4e-6 };

describe('vision.ops.deformConv2d / DeformConv2d against torchvision 0.28', () => {
  it('the fixture is torchvision 0.28 on torch 2.13, and every case, init, repr and error has a port', () => {
    expect(fx.meta.torchvision).toMatch(/^0\.28\./);
    expect(fx.meta.torch).toMatch(/^2\.13\./);
    expect(Object.keys(PORTS).sort()).toEqual(Object.keys(fx.cases).sort());
    expect(Object.keys(INITS).sort()).toEqual(Object.keys(fx.inits).sort());
    expect(Object.keys(REPRS).sort()).toEqual(Object.keys(fx.reprs).sort());
    expect(Object.keys(ERRORS).sort()).toEqual(Object.keys(fx.errors).sort());
  });

  it('every case gives the reference: outputs and the gradients of input, offset, mask, weight and bias', () => {
    const failures: string[] = [];
    for (const [name, fn] of Object.entries(PORTS)) {
      try {
        torch.tidy(() => check(fn(), fx.cases[name]!, /32(_|$)/.test(name) ? FLOAT32 : FLOAT64, name));
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("initializes DeformConv2d as torchvision's reset_parameters, bit for bit, with the keys weight and bias", () => {
    for (const [name, fn] of Object.entries(INITS)) torch.tidy(() => check(fn(), fx.inits[name]!, undefined, name));
  });

  it('with zero offsets (and a mask of ones) is conv2d, with stride, padding, dilation and groups', () => {
    torch.tidy(() => {
      torch.manualSeed(5);
      const x = torch.randn([2, 6, 7, 6], { dtype: torch.float64 });
      const weight = torch.randn([4, 3, 3, 2], { dtype: torch.float64 });
      const bias = torch.randn([4], { dtype: torch.float64 });
      const want = torch.nn.functional.conv2d(x, weight, bias, [2, 1], [1, 2], [1, 2], 2);
      const [outH, outW] = want.shape.slice(2) as [number, number];
      const offset = torch.zeros([2, 2 * 3 * 6, outH, outW], { dtype: torch.float64 });
      const mask = torch.ones([2, 3 * 6, outH, outW], { dtype: torch.float64 });
      for (const m of [null, mask]) {
        const got = deformConv2d(x, offset, weight, bias, [2, 1], [1, 2], [1, 2], m);
        expect(got.sub(want).abs().max().item()).toBeLessThan(1e-12);
      }
    });
  });

  // the kernel dispatches float16 too; the flat pixel indices of a 100 x 120 map are past float16's integers
  it('runs in float16 on a large map (zero offsets: conv2d to float16 rounding)', () => {
    torch.tidy(() => {
      torch.manualSeed(6);
      const x = torch.randn([1, 2, 100, 120]);
      const weight = torch.randn([3, 2, 3, 3]);
      const want = torch.nn.functional.conv2d(x.double(), weight.double());
      const got = deformConv2d(x.half(), torch.zeros([1, 18, 98, 118], { dtype: torch.float16 }), weight.half());
      expect(got.dtype).toBe(torch.float16);
      expect(got.double().sub(want).abs().max().item()).toBeLessThan(0.05);
    });
  });

  // the kernel returns its zeros of (0, outChannels, outH, outW) before sampling anything
  it('gives an empty batch an empty output, and the input an empty gradient', () => {
    torch.tidy(() => {
      const x = torch.rand([0, 2, 5, 5], { requiresGrad: true });
      const out = deformConv2d(x, torch.zeros([0, 18, 3, 3]), torch.rand([3, 2, 3, 3]), torch.rand([3]), { mask: torch.ones([0, 9, 3, 3]) });
      expect(out.shape).toEqual([0, 3, 3, 3]);
      out.sum().backward();
      expect(x.grad!.shape).toEqual([0, 2, 5, 5]);
    });
  });

  it("prints DeformConv2d as torchvision's __repr__", () => {
    for (const [name, make] of Object.entries(REPRS)) expect(String(make()), name).toBe(fx.reprs[name]);
  });

  it("throws torchvision's errors with its messages", () => {
    for (const [name, fn] of Object.entries(ERRORS)) expect(fn, name).toThrow(fx.errors[name]!);
  });

  it('rejects bad arguments with errors naming the function and the argument', () => {
    const x = I('plain64_x'), offset = I('plain64_offset'), weight = I('plain64_weight');
    expect(() => deformConv2d(x.index(0), offset, weight)).toThrow(/deformConv2d: input must be \(N, C, H, W\), got shape \[3, 6, 5\]/);
    expect(() => deformConv2d([1] as never, offset, weight)).toThrow(/deformConv2d: input must be a Tensor, got an array/);
    expect(() => deformConv2d(x, null as never, weight)).toThrow(/deformConv2d: offset must be a Tensor/);
    expect(() => deformConv2d(x, offset, 'w' as never)).toThrow(/deformConv2d: weight must be a Tensor/);
    expect(() => deformConv2d(x, offset, weight, 1 as never)).toThrow(/deformConv2d: bias must be a Tensor or null/);
    expect(() => deformConv2d(x, offset, weight, { mask: [1] as never })).toThrow(/deformConv2d: mask must be a Tensor or null/);
    expect(() => deformConv2d(x, offset, weight, { stride: [1, 1, 1] })).toThrow(/deformConv2d: stride must be an int or a list of 2 ints, got \[1, 1, 1\]/);
    expect(() => deformConv2d(x, offset, weight, { padding: 0.5 })).toThrow(/deformConv2d: padding must be an int or a list of 2 ints/);
    expect(() => deformConv2d(x, offset, weight, { dilation: '1' as never })).toThrow(/deformConv2d: dilation must be an int or a list of 2 ints/);
    expect(() => deformConv2d(x, offset, weight, { strides: 1 } as never)).toThrow(/unexpected option 'strides'/);
    expect(() => deformConv2d(x, offset, weight, null, 1, 0, 1, null, 5 as never)).toThrow(/deformConv2d\(\) takes 5 positional arguments but 6 were given/);
    expect(() => deformConv2d(x, offset.float(), weight)).toThrow(/deformConv2d: offset: expected scalar type Double but found Float/);
    expect(() => deformConv2d(x.float(), offset.float(), weight.float(), { mask: I('plain64_mask') })).toThrow(/deformConv2d: mask: expected scalar type Float but found Double/);
    expect(() => deformConv2d(x.long(), offset.long(), weight.long())).toThrow(/deformConv2d: "deformable_im2col" not implemented for 'int64'/);
    expect(() => new DeformConv2d(2, 2, [3, 3, 3])).toThrow(/DeformConv2d: kernelSize must be an int or a list of 2 ints/);
    expect(() => new DeformConv2d(2, 2, 3, { groups: 0 })).toThrow(/DeformConv2d: groups must be a positive integer, got 0/);
    expect(() => new DeformConv2d(2.5, 2, 3)).toThrow(/DeformConv2d: inChannels must be an int, got 2.5/);
    expect(() => new DeformConv2d(2, 2, 3, { bias: 1 as never })).toThrow(/DeformConv2d: bias must be a boolean/);
  });

  // the kernel never reads the map for a point outside it: a NaN pixel changes nothing there
  it('samples offsets far outside the map, infinite or NaN as zeros, with zero gradients', () => {
    torch.tidy(() => {
      const x = torch.rand([1, 2, 4, 4], { dtype: torch.float64 });
      x.index(0, 0, 0, 0).fill_(NaN);
      x.requiresGrad_();
      const weight = torch.rand([3, 2, 2, 2], { dtype: torch.float64, requiresGrad: true });
      const offset = torch.full([1, 8, 3, 3], 100, { dtype: torch.float64 });
      offset.index(0, 1).fill_(-Infinity); // a view: the second channel's (dx of the first tap)
      offset.index(0, 2).fill_(NaN);
      offset.requiresGrad_();
      const out = deformConv2d(x, offset, weight);
      expect(out.abs().sum().item()).toBe(0);
      out.sum().backward();
      for (const t of [x, weight, offset]) expect(t.grad!.abs().sum().item()).toBe(0);
    });
  });

  it('leaves no tensor behind: forward, backward and the error paths', () => {
    const x = I('groups32_x').requiresGrad_(), offset = I('groups32_offset').requiresGrad_(), mask = I('groups32_mask').requiresGrad_();
    const m = new DeformConv2d(4, 6, 3, { padding: 1, groups: 2 });
    const run = (backward: boolean): void => {
      const out = m.forward(x, offset, mask);
      const loss = out.sum();
      if (backward) loss.backward();
      loss.dispose();
      out.dispose();
      expect(() => deformConv2d(x, offset, m.weight, { mask: mask.index(':', ':9') })).toThrow(/mask.shape\[1\] is not valid/);
      for (const t of [x, offset, mask, m.weight, m.bias!]) {
        t.grad?.dispose();
        t.grad = null;
      }
    };
    run(true); // warm up
    for (const backward of [false, true]) {
      const before = liveTensors(torch);
      for (let i = 0; i < 3; i++) torch.tidy(() => run(backward));
      expect(torch.nativeStats().tensors - before, backward ? 'backward' : 'forward').toBeLessThanOrEqual(0);
    }
  });
});
