// vision.ops' RoI operators against torchvision 0.28 (test/fixtures/roi-ops.json, made by
// scripts/make-roi-ops-fixtures.py): roi_align and MultiScaleRoIAlign against torchvision's own CPU kernel
// (forward and backward), roi_pool / ps_roi_pool / ps_roi_align against line-by-line transcriptions of
// its CPU kernels (forward and backward). Every case is the JS port of the Python case of the same name
// and must give the reference's tensors bit for bit: outputs and the input gradients of
// (out * weights).sum(); errors carry torchvision's messages.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, makeTensor, type Enc, type TensorEnc } from './golden-replay.js';
import { liveTensors } from './run-child.js';

const { RoIAlign, roiAlign, RoIPool, roiPool, PSRoIPool, psRoiPool, PSRoIAlign, psRoiAlign, LevelMapper, MultiScaleRoIAlign, setupScales } = torch.vision.ops;
type Tensor = torch.Tensor;
interface Fixture {
  meta: { torch: string; torchvision: string; cpuCapability: string; threads: number };
  inputs: Record<string, TensorEnc>;
  cases: Record<string, Enc>;
  reprs: Record<string, string>;
  errors: Record<string, string>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/roi-ops.json', import.meta.url), 'utf8')) as Fixture;
// reshaped: makeTensor cannot tell an empty (0, 5) from a (0) tensor
const I = (name: string): Tensor => makeTensor(fx.inputs[name]!).reshape(fx.inputs[name]!.shape);

/** The script's weights_for: ((k * 5) % 11 - 5) * 0.3 for the k-th element of out. */
function weightsFor(out: Tensor): Tensor {
  return torch.arange(out.numel()).mul(5).remainder(11).sub(5).to(out.dtype).mul(0.3).reshape(out.shape);
}

type Op = (input: Tensor, boxes: Tensor | Tensor[], ...args: unknown[]) => Tensor;
/** op's output and, after (out * weights).sum().backward(), the input's gradient (and a Tensor of RoIs' when asked). */
function withGrads(op: Op, input: string, boxes: string | string[], roisGrad: boolean, ...args: unknown[]): Tensor[] {
  const x = I(input).requiresGrad_();
  const b = typeof boxes === 'string' ? I(boxes) : boxes.map(I);
  if (roisGrad && !Array.isArray(b)) b.requiresGrad_();
  const out = op(x, b, ...args);
  out.mul(weightsFor(out)).sum().backward();
  return roisGrad && !Array.isArray(b) ? [out, x.grad!, b.grad!] : [out, x.grad!];
}
const align = (input: string, boxes: string | string[], ...args: unknown[]): Tensor[] => withGrads(roiAlign as Op, input, boxes, true, ...args);
const pool = (input: string, boxes: string | string[], ...args: unknown[]): Tensor[] => withGrads(roiPool as Op, input, boxes, false, ...args);
const psPool = (input: string, boxes: string | string[], ...args: unknown[]): Tensor[] => withGrads(psRoiPool as Op, input, boxes, false, ...args);
const psAlign = (input: string, boxes: string | string[], ...args: unknown[]): Tensor[] => withGrads(psRoiAlign as Op, input, boxes, false, ...args);
const py = (b: boolean): string => (b ? 'True' : 'False');

// ---- the JS port of each Python case, in the script's order
const PORTS: Record<string, () => unknown> = {};
const port = (name: string, fn: () => unknown): void => {
  if (name in PORTS) throw new Error(`duplicate port ${name}`);
  PORTS[name] = fn;
};

for (const d of ['32', '64'])
  for (const aligned of [false, true])
    for (const sr of [-1, 2])
      for (const scale of [0.5, 0.25]) port(`roi_align_${d}_${py(aligned)}_${sr}_${scale}`, () => align(`x${d}`, aligned && sr <= 0 ? `rois${d}_ordered` : `rois${d}`, [3, 2], scale, sr, aligned));
port('roi_align_scale1_int_size', () => align('x32', 'rois32', 2, 1.0, 1));
port('roi_align_list', () => align('x32', ['boxes_a', 'boxes_b'], [2, 3], { spatialScale: 0.5, aligned: true }));
port('roi_align_list_empty_image', () => align('x32', ['boxes_none', 'boxes_b'], 2, 0.5));
port('roi_align_empty', () => align('x32', 'rois_empty', 2, 0.5));
port('roi_align_sr3', () => align('x64', 'rois64', [2, 2], 0.5, 3, true));
port('roi_align_module', () => withGrads((x, b) => new RoIAlign([3, 3], 0.5, 2).forward(x, b), 'x32', 'rois32', true));

for (const d of ['32', '64']) for (const scale of [0.5, 0.25]) port(`roi_pool_${d}_${scale}`, () => pool(`x${d}`, `rois${d}`, [3, 2], scale));
port('roi_pool_scale1', () => pool('x32', 'rois32', 2, 1.0));
port('roi_pool_ties', () => pool('xq', 'rois32', [2, 3], 0.5));
port('roi_pool_ties_overlap', () => withGrads((x, b) => new RoIPool([4, 4], 0.5).forward(x, b), 'xq', 'rois32', false));
port('roi_pool_special', () => pool('xs', 'rois_s', 2));
port('roi_pool_list', () => pool('x32', ['boxes_a', 'boxes_b'], 3, { spatialScale: 0.5 }));
port('roi_pool_empty', () => pool('x32', 'rois_empty', 2, 0.5));

for (const d of ['32', '64'])
  for (const scale of [0.5, 0.25]) {
    port(`ps_roi_pool_${d}_${scale}`, () => psPool(`p${d}`, `prois${d}`, 2, scale));
    for (const sr of [-1, 2]) port(`ps_roi_align_${d}_${sr}_${scale}`, () => psAlign(`p${d}`, `prois${d}`, 2, scale, sr));
  }
port('ps_roi_pool_1x2_scale1', () => withGrads((x, b) => new PSRoIPool([1, 2], 1.0).forward(x, b), 'p32', 'prois32', false));
port('ps_roi_align_1x2_scale1', () => withGrads((x, b) => new PSRoIAlign([1, 2], 1.0, -1).forward(x, b), 'p32', 'prois32', false));
port('ps_roi_align_sr3', () => psAlign('p64', 'prois64', [2, 2], { spatialScale: 0.5, samplingRatio: 3 }));
port('ps_roi_pool_list', () => psPool('p32', ['boxes_a', 'boxes_b'], 2, 0.5));
port('ps_roi_align_list', () => psAlign('p32', ['boxes_a', 'boxes_b'], 2, 0.5, 2));
port('ps_roi_pool_empty', () => psPool('p32', 'rois_empty', 2, 0.5));
port('ps_roi_align_empty', () => psAlign('p32', 'rois_empty', 2, 0.5));

function multiscale(names: string[], outputSize: number | number[], samplingRatio: number, options?: { canonicalScale?: number; canonicalLevel?: number }): unknown[] {
  const feats = new Map([['f0', I('f0').requiresGrad_()], ['f1', I('f1').requiresGrad_()], ['f2', I('f2').requiresGrad_()]]);
  const m = new MultiScaleRoIAlign(names, outputSize, samplingRatio, options);
  const out = m.forward(feats, [I('ms_boxes0'), I('ms_boxes1')], [[64, 80], [60, 72]]);
  out.mul(weightsFor(out)).sum().backward();
  const mapper = m.mapLevels!;
  return [out, m.scales, [mapper.kMin, mapper.kMax], mapper.call([I('ms_boxes0'), I('ms_boxes1')]), ...names.map((n) => feats.get(n)!.grad!)];
}
port('multiscale_3', () => multiscale(['f0', 'f1', 'f2'], 3, 2, { canonicalScale: 56 }));
port('multiscale_2_canonical', () => multiscale(['f1', 'f2'], [2, 3], -1, { canonicalScale: 32, canonicalLevel: 3 }));
port('multiscale_1', () => multiscale(['f1'], [2, 2], 2));
port('multiscale_skip', () => multiscale(['f0', 'f2'], 2, 1));
port('level_mapper', () => new LevelMapper(2, 5, { canonicalScale: 40 }).call([I('ms_boxes0'), I('ms_boxes1')]));
port('level_mapper_canonical', () => new LevelMapper(0, 3, 16, 2, 0.25).call([I('ms_boxes0')]));
function scalesOf(shapes: [number, number][], imageShapes: [number, number][]): unknown[] {
  const [scales, mapper] = setupScales(shapes.map((s) => torch.zeros([1, 1, ...s])), imageShapes, 224, 4);
  return [scales, [mapper.kMin, mapper.kMax]];
}
port('setup_scales_fpn', () => scalesOf([[200, 304], [100, 152], [50, 76], [25, 38]], [[800, 1216], [780, 1200]]));
port('setup_scales_odd', () => scalesOf([[13, 17], [7, 9]], [[100, 140]]));

const REPRS: Record<string, () => torch.nn.Module> = {
  roi_align: () => new RoIAlign([2, 3], 0.5, -1),
  roi_align_int: () => new RoIAlign(7, 0.25, 2, true),
  roi_pool: () => new RoIPool([3, 3], 0.0625),
  ps_roi_align: () => new PSRoIAlign(2, 0.5, 2),
  ps_roi_pool: () => new PSRoIPool(3, 1.5),
  multiscale: () => new MultiScaleRoIAlign(['feat1', 'feat3'], 3, 2),
  multiscale_pair: () => new MultiScaleRoIAlign(['0'], [7, 5], -1, { canonicalScale: 112 }),
};

// ---- errors: torchvision's message (the port prefixes its function name)
const ERRORS: Record<string, () => unknown> = {
  roi_align_k4: () => roiAlign(I('x32'), I('rois32').index(':', '1:'), 2),
  roi_align_list_l3: () => roiAlign(I('x32'), [I('boxes_a').index(':', ':3')], 2),
  roi_align_not_boxes: () => roiAlign(I('x32'), 'boxes' as never, 2),
  roi_align_reversed_aligned_adaptive: () => roiAlign(I('x32'), I('rois32'), [3, 2], 0.5, -1, true),
  roi_pool_k4: () => roiPool(I('x32'), I('rois32').index(':', '1:'), 2),
  ps_roi_pool_list_l5: () => psRoiPool(I('p32'), [I('rois32')], 2),
  ps_roi_align_k4: () => psRoiAlign(I('p32'), I('prois32').index(':', ':4'), 2),
  multiscale_no_images: () => new MultiScaleRoIAlign(['f0'], 2, 2).forward({ f0: I('f0') }, [I('ms_boxes0')], []),
  ps_roi_pool_channels: () => psRoiPool(I('p32'), I('prois32'), 3),
  ps_roi_align_channels: () => psRoiAlign(I('p32'), I('prois32'), [3, 1]),
  roi_pool_dtype: () => roiPool(I('x32'), I('rois64'), 2),
  ps_roi_pool_dtype: () => psRoiPool(I('p64'), I('prois32'), 2),
  ps_roi_align_dtype: () => psRoiAlign(I('p32'), I('prois64'), 2),
  roi_pool_half: () => roiPool(I('x32').half(), I('rois32').half(), 2),
  ps_roi_pool_half: () => psRoiPool(I('p32').half(), I('prois32').half(), 2),
};

describe('vision.ops RoI operators against torchvision 0.28', () => {
  it('the fixture is torchvision 0.28 on torch 2.13, and every case, repr and error has a port', () => {
    expect(fx.meta.torchvision).toMatch(/^0\.28\./);
    expect(fx.meta.torch).toMatch(/^2\.13\./);
    expect(Object.keys(PORTS).sort()).toEqual(Object.keys(fx.cases).sort());
    expect(Object.keys(REPRS).sort()).toEqual(Object.keys(fx.reprs).sort());
    expect(Object.keys(ERRORS).sort()).toEqual(Object.keys(fx.errors).sort());
  });

  it('every case gives the reference bit for bit (outputs and gradients)', () => {
    const failures: string[] = [];
    for (const [name, fn] of Object.entries(PORTS)) {
      try {
        torch.tidy(() => check(fn(), fx.cases[name]!, undefined, name));
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });

  // the adaptive grid is sized by the largest RoI, not the map: on a 160x160 map, RoIs whose grid is 2x2
  // give what samplingRatio 2 gives
  it('adaptive sampling on a large map: the grid of the largest RoI, the values of that fixed grid', () => {
    torch.tidy(() => {
      torch.manualSeed(0);
      const x = torch.randn([2, 3, 160, 160]);
      const rois = torch.tensor([[0, 10, 10, 24, 24], [1, 100.5, 3, 114.5, 17], [1, 0, 0, 13, 14]]);
      const adaptive = roiAlign(x, rois, 7, 1, -1, true);
      expect(adaptive.shape).toEqual([3, 3, 7, 7]);
      expect(adaptive.equal(roiAlign(x, rois, 7, 1, 2, true))).toBe(true);
    });
  });

  // review: what the reference gives where the ports used to throw or read past the batch
  it('NaN boxes, empty maps and bad RoIs: NaN out, zeros out, or a clear error', () => {
    torch.tidy(() => {
      const x = torch.rand([2, 4, 6, 6]);
      // one NaN box in a batch: no samples, 0 for it (as the kernel: its grid is (int)NaN), the others pooled as alone
      const out = roiAlign(x, torch.tensor([[0, NaN, 1, 4, 4], [1, 1, 1, 5, 5]]), 2);
      expect(out.index(0).eq(0).all().item()).toBe(true);
      expect(out.index(1).equal(roiAlign(x, torch.tensor([[1, 1, 1, 5, 5]], { dtype: torch.float32 }), 2).index(0))).toBe(true);
      // a map without pixels: every sample falls outside it
      const empty = torch.rand([1, 4, 0, 0], { requiresGrad: true });
      const ps = psRoiAlign(empty, torch.tensor([[0, 1, 1, 4, 4]], { dtype: torch.float32 }), 2);
      expect([ps.shape, ps.abs().sum().item()]).toEqual([[1, 1, 2, 2], 0]);
      ps.sum().backward();
      expect(empty.grad!.shape).toEqual([1, 4, 0, 0]);
      // a 1-D boxes tensor, and batch indices outside the input's batch
      expect(() => roiAlign(x, torch.tensor([0, 1, 1, 4, 4]), 2)).toThrow(/The boxes tensor shape is not correct as Tensor\[K, 5\]/);
      expect(() => roiAlign(x, [torch.tensor([1, 1, 4, 4])], 2)).toThrow(/List\[Tensor\[L, 4\]\]/);
      const p = torch.rand([2, 4, 6, 6]);
      for (const [op, input] of [[roiAlign, x], [roiPool, x], [psRoiPool, p], [psRoiAlign, p]] as [Op, Tensor][]) {
        expect(() => op(input, torch.tensor([[2, 1, 1, 4, 4]]), 2)).toThrow(/batch indices must be in \[0, 1\] \(the input's batch\), got 2/);
        expect(() => op(input, torch.tensor([[-1, 1, 1, 4, 4]]), 2)).toThrow(/got -1/);
      }
    });
  });

  it("prints the modules as torchvision's __repr__", () => {
    for (const [name, make] of Object.entries(REPRS)) expect(String(make()), name).toBe(fx.reprs[name]);
  });

  it("throws torchvision's errors with its messages", () => {
    for (const [name, fn] of Object.entries(ERRORS)) expect(fn, name).toThrow(fx.errors[name]!);
  });

  it('rejects bad arguments with errors naming the function and the problem', () => {
    const x = I('x32'), rois = I('rois32');
    expect(() => roiAlign(x.index(0), rois, 2)).toThrow(/roiAlign: input must be \(N, C, H, W\), got shape \[3, 7, 9\]/);
    expect(() => roiAlign([1] as never, rois, 2)).toThrow(/roiAlign: input must be a Tensor, got an array/);
    expect(() => roiAlign(x, rois, [2, 2, 2])).toThrow(/roiAlign: outputSize must be an int or \[height, width\] of ints, got \[2, 2, 2\]/);
    expect(() => roiAlign(x, rois, 2, '1' as never)).toThrow(/roiAlign: spatialScale must be a number, got string/);
    expect(() => roiAlign(x, rois, 2, 1, 1.5)).toThrow(/roiAlign: samplingRatio must be an int, got 1.5/);
    expect(() => roiAlign(x, rois, 2, 1, -1, 1 as never)).toThrow(/roiAlign: aligned must be a boolean/);
    expect(() => roiAlign(x, rois, 2, { spatialScal: 1 } as never)).toThrow(/unexpected option 'spatialScal'/);
    expect(() => roiPool(x, rois, 2, 1, 5 as never)).toThrow(/roiPool\(\) takes 2 positional arguments but 3 were given/);
    expect(() => psRoiAlign(I('p32'), I('prois32').bfloat16(), 2)).toThrow(/psRoiAlign: input should have the same type as rois/);
    expect(() => psRoiAlign(I('p32').bfloat16(), I('prois32').bfloat16(), 2)).toThrow(/"ps_roi_align_forward_kernel" not implemented for 'bfloat16'/);
    expect(() => new MultiScaleRoIAlign(['a'], 2, 2).forward({ b: I('f0') }, [I('ms_boxes0')], [[64, 80]])).toThrow(/MultiScaleRoIAlign: none of the feature maps \[a\] is in x \(it has \[b\]\)/);
    expect(() => new MultiScaleRoIAlign('a' as never, 2, 2)).toThrow(/MultiScaleRoIAlign: featmapNames must be a list of strings/);
  });

  it('differentiates once, as torchvision: the native ops have no double backward', () => {
    for (const op of [roiPool, psRoiPool, psRoiAlign] as Op[]) {
      const x = I('p32').requiresGrad_();
      const out = op(x, I('prois32'), 2, 0.5);
      const v = torch.onesLike(out).requiresGrad_();
      const [g] = torch.autograd.grad([out], [x], { gradOutputs: [v], createGraph: true });
      expect(() => g!.sum().backward()).toThrow(/trying to differentiate twice a function that was marked with @once_differentiable/);
    }
  });

  it('leaves no tensor behind: forward, backward and the error paths', () => {
    const x = I('x32').requiresGrad_(), rois = I('rois32'), p = I('p32').requiresGrad_(), prois = I('prois32');
    const list = [I('boxes_a'), I('boxes_b')], rois64 = I('rois64');
    const feats = { f0: I('f0'), f1: I('f1'), f2: I('f2') };
    const boxes = [I('ms_boxes0'), I('ms_boxes1')];
    const ms = new MultiScaleRoIAlign(['f0', 'f1', 'f2'], 3, 2, { canonicalScale: 56 });
    const run = (backward: boolean): void => {
      for (const out of [roiAlign(x, rois, 2, 0.5), roiAlign(x, list, 2, 0.5, 2, true), roiPool(x, rois, 2, 0.5),
        psRoiPool(p, prois, 2, 0.5), psRoiAlign(p, prois, 2, 0.5), ms.forward(feats, boxes, [[64, 80], [60, 72]])]) {
        const loss = out.sum();
        if (backward && loss.requiresGrad) loss.backward();
        loss.dispose();
        out.dispose();
      }
      expect(() => psRoiAlign(p, prois, 3)).toThrow(/input channels must be a multiple/);
      expect(() => roiPool(x, rois64, 2)).toThrow(/input and rois must have the same dtype/);
      x.grad?.dispose(); p.grad?.dispose();
      x.grad = null; p.grad = null;
    };
    run(true); // warm up (the scales of ms, cached tensors)
    // forward, and backward through the custom Functions: every intermediate and wrapper freed by the
    // enclosing tidy (outside one, the wrappers a JS backward is given go with the GC, as any result)
    for (const backward of [false, true]) {
      const before = liveTensors(torch);
      for (let i = 0; i < 3; i++) torch.tidy(() => run(backward));
      expect(torch.nativeStats().tensors - before, backward ? 'backward' : 'forward').toBeLessThanOrEqual(0);
    }
  });
});
