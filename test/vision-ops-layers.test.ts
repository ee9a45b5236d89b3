// vision.ops' layers against torchvision 0.28 (test/fixtures/vision-ops-layers.json, made by
// scripts/make-vision-ops-fixtures.py): FrozenBatchNorm2d, Conv3dNormActivation (and Conv2dNormActivation
// through the shared ConvNormActivation), DropBlock2d/3d with dropBlock2d/3d, and FeaturePyramidNetwork
// with LastLevelMaxPool and LastLevelP6P7. Each layer built after torch.manualSeed(0) must have
// torchvision's state dict (SHA-256 of every tensor), module tree and repr; on the same seeded inputs the
// same eval and train outputs (DropBlock's draws included), gradients and buffers, and leave the generator
// where torchvision left it. Bit-exact on the CPU model that made the fixture, within float rounding elsewhere.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { Conv2dNormActivation as MiscConv2dNormActivation } from '../lib/vision/ops/misc.js';
import { Conv3dNormActivation, ConvNormActivation, type ConvNormActivationArgs } from '../lib/vision/ops/conv_norm_activation.js';
import { DropBlock2d, DropBlock3d, dropBlock2d, dropBlock3d } from '../lib/vision/ops/drop_block.js';
import { ExtraFPNBlock, FeaturePyramidNetwork, LastLevelMaxPool, LastLevelP6P7 } from '../lib/vision/ops/feature_pyramid_network.js';
import { FrozenBatchNorm2d } from '../lib/vision/ops/frozen_batch_norm.js';
import { cpuModel } from './cpu-model.js';
import { expectTorchvisionState, sha } from './model-fixtures.js';
import { check, type TensorEnc } from './golden-replay.js';

type Tensor = torch.Tensor;
const { nn } = torch;
type MapsSpec = { maps: [string, number[]][] };
interface ModuleCase {
  name: string; py: string; input: number[] | MapsSpec; state: [string, number[], string, string][]; modules: [string, string][]; repr: string;
  keys: string[] | null; eval: TensorEnc[]; train: TensorEnc[]; inputGrads: string[]; grads: [string, string][]; buffers: [string, string][]; nextRand: TensorEnc;
}
interface FunctionCase { name: string; py: string; input: number[]; dtype: string; output: TensorEnc; inputGrad: TensorEnc; nextRand: TensorEnc }
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-ops-layers.json', import.meta.url), 'utf8')) as {
  meta: { cpuModel: string }; modules: ModuleCase[]; functions: FunctionCase[]; errors: Record<string, string>;
};
const sameCpu = cpuModel === fx.meta.cpuModel;
const ROUNDING = sameCpu ? undefined : { rtol: 1e-4, atol: 1e-4 };
torch.setNumThreads(1); // as the generator ran


/** misc.ts's Conv2dNormActivation as the shared base makes it (the change proposed for misc.ts), with tuple sizes. */
class Conv2dNormActivation extends ConvNormActivation {
  constructor(inChannels: number, outChannels: number, ...args: ConvNormActivationArgs) { super(2, [inChannels, outChannels, ...args]); }
}

// ---- the JS port of each Python builder (scripts/make-vision-ops-fixtures.py)

function frozenFromBatchNorm(): FrozenBatchNorm2d {
  const bn = new nn.BatchNorm2d(3);
  torch.noGrad(() => {
    bn.weight!.uniform_(0.5, 1.5);
    bn.bias!.normal_();
  });
  bn.call(torch.randn(4, 3, 5, 5).mul(2).add(1));
  const m = new FrozenBatchNorm2d(3, { eps: 1e-3 });
  const sd = bn.stateDict();
  expect(Object.keys(sd)).toContain('num_batches_tracked');
  expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
  return m;
}

/** The pre-version-2 key names: inner_blocks.<i>.weight for inner_blocks.<i>.0.weight. */
const oldKeys = (sd: Record<string, Tensor>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace(/^((?:inner|layer)_blocks\.\d+)\.0\./, '$1.'), v]));

function oldVersionFpn(): FeaturePyramidNetwork {
  const a = new FeaturePyramidNetwork([4, 8], 6, { extraBlocks: new LastLevelP6P7(6, 6) });
  const old = oldKeys(a.stateDict());
  expect(Object.keys(old)).toEqual(expect.arrayContaining(['inner_blocks.0.weight', 'layer_blocks.1.bias']));
  torch.manualSeed(5);
  const b = new FeaturePyramidNetwork([4, 8], 6, new LastLevelP6P7(6, 6));
  expect(b.loadStateDict(old)).toEqual({ missingKeys: [], unexpectedKeys: [] });
  return b;
}

const groupNorm = (c: number): torch.nn.Module => new nn.GroupNorm(2, c);
const PORTS: Record<string, () => torch.nn.Module> = {
  frozen_bn_default: () => new FrozenBatchNorm2d(4),
  frozen_bn_from_batch_norm: frozenFromBatchNorm,
  conv3d_default: () => new Conv3dNormActivation(3, 8),
  conv3d_tuple_plain: () => new Conv3dNormActivation(4, 6, { kernelSize: [3, 1, 5], stride: [1, 2, 1], dilation: [2, 1, 1], normLayer: null, activationLayer: null }),
  conv3d_groups_silu: () => new Conv3dNormActivation(4, 8, 3, 2, null, 2, groupNorm, (i: boolean) => new nn.SiLU(i), { inplace: null, bias: true }),
  conv3d_dilation_tuple: () => new Conv3dNormActivation(2, 4, { kernelSize: 3, dilation: [1, 2, 2], activationLayer: (i) => new nn.ReLU6(i) }),
  conv3d_padding_zero: () => new Conv3dNormActivation(3, 5, { kernelSize: 1, padding: 0, stride: 2, inplace: false }),
  conv3d_same: () => new Conv3dNormActivation(2, 3, { kernelSize: 4, padding: 'same', normLayer: null }),
  conv2d_default: () => new Conv2dNormActivation(3, 8),
  conv2d_tuple: () => new Conv2dNormActivation(3, 6, { kernelSize: [3, 5], stride: [2, 1], dilation: [1, 2], activationLayer: (i) => new nn.Hardswish(i) }),
  drop_block2d: () => new DropBlock2d(0.25, 3),
  drop_block2d_inplace_eps: () => new DropBlock2d(0.5, 5, { inplace: true, eps: 0.25 }),
  drop_block2d_clamped: () => new DropBlock2d(0.3, 11),
  drop_block3d: () => new DropBlock3d(0.2, 3),
  drop_block3d_inplace: () => new DropBlock3d(0.4, 5, true),
  fpn_plain: () => new FeaturePyramidNetwork([4, 8, 16], 6),
  fpn_maxpool_odd: () => new FeaturePyramidNetwork([3, 5, 7], 4, { extraBlocks: new LastLevelMaxPool() }),
  fpn_p6p7_same: () => new FeaturePyramidNetwork([4, 8], 8, new LastLevelP6P7(8, 8)),
  fpn_p6p7_diff: () => new FeaturePyramidNetwork([4, 8, 16], 8, { extraBlocks: new LastLevelP6P7({ inChannels: 16, outChannels: 8 }) }),
  fpn_batch_norm: () => new FeaturePyramidNetwork([4, 8, 12], 6, { extraBlocks: new LastLevelMaxPool(), normLayer: (c) => new nn.BatchNorm2d(c) }),
  fpn_group_norm: () => new FeaturePyramidNetwork([6, 6], 4, null, groupNorm),
  fpn_old_version: oldVersionFpn,
};

const FUNCTIONS: Record<string, (x: Tensor) => Tensor> = {
  d2_basic: (x) => dropBlock2d(x, 0.3, 3),
  d2_keywords: (x) => dropBlock2d(x, { p: 0.6, blockSize: 5, eps: 0.001 }),
  d2_clamped: (x) => dropBlock2d(x, 0.5, 9),
  d2_p1_block1: (x) => dropBlock2d(x, 1.0, 1),
  d2_p0: (x) => dropBlock2d(x, 0.0, 3),
  d2_not_training: (x) => dropBlock2d(x, 0.5, 3, false, 1e-6, false),
  d2_inplace: (x) => dropBlock2d(x.clone(), 0.4, 3, { inplace: true }),
  d2_float64: (x) => dropBlock2d(x, 0.35, 3),
  d3_basic: (x) => dropBlock3d(x, 0.2, 3),
  d3_clamped_inplace: (x) => dropBlock3d(x.clone(), 0.5, 7, true, { eps: 0.01 }),
  d3_float64: (x) => dropBlock3d(x, 0.15, 1),
};

const isMaps = (input: number[] | MapsSpec): input is MapsSpec => !Array.isArray(input);
/** The inputs after torch.manualSeed(1), in the generator's order. */
const makeInputs = (c: ModuleCase): Tensor[] => (isMaps(c.input) ? c.input.maps.map(([, shape]) => torch.randn(shape)) : [torch.randn(c.input)]);
/** An FPN's OrderedDict as a Map or a plain object; other layers' single tensor. */
function wrap(c: ModuleCase, xs: Tensor[], asMap: boolean): unknown {
  if (!isMaps(c.input)) return xs[0];
  const names = c.input.maps.map(([n]) => n);
  return asMap ? new Map(names.map((n, i) => [n, xs[i]!])) : Object.fromEntries(names.map((n, i) => [n, xs[i]!]));
}
/** An output as its keys (null for a tensor) and its tensors, checking that a Map came back for a Map. */
function unwrap(out: unknown, asMap: boolean): [string[] | null, Tensor[]] {
  if (torch.isTensor(out)) return [null, [out]];
  if (asMap) {
    expect(out).toBeInstanceOf(Map);
    return [[...(out as Map<string, Tensor>).keys()], [...(out as Map<string, Tensor>).values()]];
  }
  expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  return [Object.keys(out as object), Object.values(out as Record<string, Tensor>)];
}

describe('vision.ops layers: torchvision\'s weights, outputs, draws and gradients', () => {
  it('has a port for every fixture case', () => {
    expect(fx.modules.map((c) => c.name).filter((n) => !(n in PORTS))).toEqual([]);
    expect(fx.functions.map((c) => c.name).filter((n) => !(n in FUNCTIONS))).toEqual([]);
  });

  for (const c of fx.modules) {
    it(`${c.name}: ${c.py}`, () => {
      torch.manualSeed(0);
      const model = PORTS[c.name]!();
      expectTorchvisionState(model, c.state);
      expect(model.namedModules().map(([k, m]) => [k, m.constructor.name])).toEqual(c.modules);
      expect(String(model)).toBe(c.repr);
      torch.manualSeed(1);
      const xs = makeInputs(c);
      model.eval();
      // an FPN runs on both forms of its input: the same tensors, keyed in the same order (it draws nothing)
      for (const asMap of isMaps(c.input) ? [true, false] : [false]) {
        torch.noGrad(() => torch.tidy(() => {
          const [keys, outs] = unwrap(model.call(wrap(c, xs.map((x) => x.clone()), asMap)), asMap);
          expect(keys).toEqual(c.keys);
          check(outs, { seq: c.eval }, ROUNDING, `${c.name} eval`);
        }));
      }
      model.train();
      const leaves = xs.map((x) => x.clone().requiresGrad_(true));
      const [keys, outs] = unwrap(model.call(wrap(c, leaves.map((l) => l.clone()), true)), true);
      expect(keys).toEqual(c.keys);
      check(outs, { seq: c.train }, ROUNDING, `${c.name} train`);
      outs.map((t) => t.sum()).reduce((a, b) => a.add(b)).backward();
      if (sameCpu) {
        expect(leaves.map((l) => sha(l.grad!)), 'input gradients').toEqual(c.inputGrads);
        expect(model.namedParameters().map(([k, p]) => [k, sha(p.grad!)]), 'parameter gradients').toEqual(c.grads);
        expect(model.namedBuffers().map(([k, b]) => [k, sha(b)]), 'buffers after the train step').toEqual(c.buffers);
      }
      check(torch.rand(1), c.nextRand, undefined, `${c.name}: the next draw`);
      model.dispose();
    });
  }

  for (const c of fx.functions) {
    it(`${c.name}: ${c.py}`, () => {
      torch.manualSeed(1);
      const leaf = torch.randn(c.input, { dtype: c.dtype as 'float32' }).requiresGrad_(true);
      const out = FUNCTIONS[c.name]!(leaf);
      out.sum().backward();
      check(out, c.output, undefined, `${c.name} output`);
      check(leaf.grad, c.inputGrad, undefined, `${c.name} input gradient`);
      check(torch.rand(1), c.nextRand, undefined, `${c.name}: the next draw`);
    });
  }
});

describe('vision.ops layers: behaviour beyond the fixture', () => {
  it('dropBlock2d returns its input itself when it does nothing, and scales it in place when asked', () => {
    const x = torch.randn(1, 2, 6, 6);
    expect(dropBlock2d(x, 0.0, 3)).toBe(x);
    expect(dropBlock2d(x, 0.5, 3, { training: false })).toBe(x);
    const m = new DropBlock3d(0.5, 3).eval();
    const v = torch.randn(1, 1, 4, 4, 4);
    expect(m.call(v)).toBe(v);
    const y = x.clone();
    torch.manualSeed(3);
    const expected = dropBlock2d(x, 0.5, 3);
    torch.manualSeed(3);
    expect(dropBlock2d(y, 0.5, 3, true)).toBe(y);
    expect(y.equal(expected)).toBe(true);
  });

  it('dropBlock2d, dropBlock3d and FrozenBatchNorm2d free their intermediates at once', () => {
    const x = torch.randn(2, 3, 8, 8);
    const v = torch.randn(1, 2, 5, 5, 5);
    const bn = new FrozenBatchNorm2d(3);
    const live = torch.nativeStats().tensors;
    const outs = [dropBlock2d(x, 0.3, 3), dropBlock3d(v, 0.3, 3), dropBlock2d(x.clone(), 0.3, 3, true), bn.call(x)];
    expect(torch.nativeStats().tensors - live).toBe(outs.length); // the outputs alone (the in-place call's is its clone)
  });

  it('FrozenBatchNorm2d: buffers only, nothing trains, loads BatchNorm2d state dicts old and new, prints as torchvision', () => {
    const m = new FrozenBatchNorm2d(3, 1e-3);
    expect(m.parameters()).toEqual([]);
    expect(m.namedBuffers().map(([k]) => k)).toEqual(['weight', 'bias', 'running_mean', 'running_var']);
    expect(String(m)).toBe('FrozenBatchNorm2d(3, eps=0.001)');
    expect(String(new FrozenBatchNorm2d(5))).toBe('FrozenBatchNorm2d(5, eps=1e-05)');
    const bn = new nn.BatchNorm2d(3, { eps: 1e-3 });
    torch.noGrad(() => bn.running_var!.uniform_(0.5, 2));
    const { num_batches_tracked: _, ...old } = bn.stateDict(); // a BatchNorm2d state dict from before version 2
    expect(m.loadStateDict(old)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(m.running_var.equal(bn.running_var!)).toBe(true);
    const { running_mean: __, ...partial } = bn.stateDict();
    expect(() => m.loadStateDict(partial)).toThrow(/Missing key\(s\) in state_dict: "running_mean"/);
    const x = torch.randn(2, 3, 4, 4);
    bn.eval();
    torch.noGrad(() => expect(m.train().call(x).allclose(m.eval().call(x))).toBe(true));
    expect(torch.noGrad(() => m.call(x).sub(bn.call(x)).abs().max().item())).toBeLessThan(1e-6); // BatchNorm2d's own formula, so not bit for bit
  });

  it('FrozenBatchNorm2d loads inside a model (prefixed keys), dropping each num_batches_tracked', () => {
    const src = new nn.Sequential(new nn.Conv2d(2, 3, 1), new nn.BatchNorm2d(3));
    const dst = new nn.Sequential(new nn.Conv2d(2, 3, 1), new FrozenBatchNorm2d(3));
    expect(dst.loadStateDict(src.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Object.keys(dst.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var']);
  });

  it('Conv3dNormActivation and the shared base: Python\'s positional and keyword forms, outChannels, the layers it stacks', () => {
    torch.manualSeed(0);
    const a = new Conv3dNormActivation(2, 4, 3, 1, null, 1, null, null, 1, true, true);
    torch.manualSeed(0);
    const b = new Conv3dNormActivation(2, 4, { normLayer: null, activationLayer: null, bias: true });
    expect(a.outChannels).toBe(4);
    expect(String(a)).toBe(String(b));
    expect((a[0] as torch.nn.Conv3d).weight.equal((b[0] as torch.nn.Conv3d).weight)).toBe(true);
    expect(new Conv3dNormActivation(2, 4, { kernelSize: [3, 5, 1] })[0]!.toString()).toBe('Conv3d(2, 4, kernel_size=(3, 5, 1), stride=(1, 1, 1), padding=(1, 2, 0), bias=False)');
    expect(String(new Conv3dNormActivation(2, 4, { inplace: null }))).toContain('(2): ReLU()');
    // the proposed misc.ts Conv2dNormActivation: the same modules and weights as the current one on its (int-only) arguments
    for (const o of [{}, { kernelSize: 1, stride: 2, groups: 1, normLayer: null }, { kernelSize: 5, dilation: 2, activationLayer: (i: boolean) => new nn.SiLU(i), bias: true }, { padding: 0, inplace: null }] as const) {
      torch.manualSeed(0);
      const mine = new Conv2dNormActivation(4, 4, o);
      torch.manualSeed(0);
      const theirs = new MiscConv2dNormActivation(4, 4, o);
      expect(String(mine)).toBe(String(theirs));
      const [sm, st] = [mine.stateDict(), theirs.stateDict()];
      expect(Object.keys(sm)).toEqual(Object.keys(st));
      expect(Object.keys(sm).filter((k) => !sm[k]!.equal(st[k]!))).toEqual([]);
    }
  });

  it('FeaturePyramidNetwork: Maps keep any key order, plain objects refuse an order they cannot keep', () => {
    torch.manualSeed(0);
    const fpn = new FeaturePyramidNetwork([2, 3], 4, new LastLevelMaxPool());
    const a = torch.randn(1, 2, 8, 8);
    const b = torch.randn(1, 3, 4, 4);
    const out = fpn.call(new Map([['10', a], ['2', b]]));
    expect([...out.keys()]).toEqual(['10', '2', 'pool']);
    const obj = fpn.call({ '2': a, '10': b }); // JS order: '2' then '10', which is the order they are used in
    expect(Object.keys(obj)).toEqual(['2', '10', 'pool']);
    expect(obj['2']!.equal(out.get('10')!)).toBe(true);
    class NumberedExtra extends ExtraFPNBlock {
      override forward(results: Tensor[], _x: Tensor[], names: string[]): [Tensor[], string[]] {
        return [[...results, results[0]!.mul(2)], [...names, '7']];
      }
    }
    const numbered = new FeaturePyramidNetwork([2, 3], 4, new NumberedExtra());
    expect([...numbered.call(new Map([['a', a], ['b', b]])).keys()]).toEqual(['a', 'b', '7']);
    expect(() => numbered.call({ a, b })).toThrow(/cannot keep the names \[a, b, 7\] in this order.*pass the feature maps as a Map/);
    expect(() => new FeaturePyramidNetwork([2], 4, new ExtraFPNBlock()).call({ a })).toThrow(/ExtraFPNBlock subclass must define forward/);
  });

  it('FeaturePyramidNetwork prints as torchvision, initializes before its extra blocks, and loads its own state dict', () => {
    torch.manualSeed(0);
    const fpn = new FeaturePyramidNetwork([4, 8], 6, { extraBlocks: new LastLevelP6P7(8, 6) });
    expect((fpn.extra_blocks as LastLevelP6P7).useP5).toBe(false);
    expect(new LastLevelP6P7(6, 6).useP5).toBe(true);
    for (const m of fpn.inner_blocks) expect((m as MiscConv2dNormActivation).outChannels).toBe(6);
    torch.manualSeed(1);
    const other = new FeaturePyramidNetwork([4, 8], 6, { extraBlocks: new LastLevelP6P7(8, 6) });
    expect(other.loadStateDict(fpn.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const sd = other.stateDict();
    expect(Object.entries(fpn.stateDict()).filter(([k, v]) => !v.equal(sd[k]!)).map(([k]) => k)).toEqual([]);
    // an old-named key beside the new one: renamed over it, as Python does for a state dict without a version
    const both = { ...fpn.stateDict(), 'inner_blocks.0.weight': torch.zeros(6, 4, 1, 1) };
    expect(other.loadStateDict(both)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(other.inner_blocks.at(0).stateDict()['0.weight']!.abs().sum().item()).toBe(0);
  });

  it('rejects bad arguments with torchvision\'s messages, naming the function', () => {
    const e = fx.errors;
    const z = (...shape: number[]): Tensor => torch.zeros(shape);
    expect(() => dropBlock2d(z(1, 1, 5, 5), 1.5, 3)).toThrow(`dropBlock2d: ${e.drop_block2d_p}`);
    expect(() => dropBlock2d(z(1, 1, 5, 5), -0.1, 3)).toThrow(`dropBlock2d: ${e.drop_block2d_negative_p}`);
    expect(() => dropBlock2d(z(1, 5, 5), 0.1, 3)).toThrow(`dropBlock2d: ${e.drop_block2d_dims}`);
    expect(() => dropBlock2d(z(1, 1, 8, 8), 0.1, 4)).toThrow(`dropBlock2d: ${e.drop_block2d_even}`);
    expect(() => dropBlock2d(z(1, 1, 6, 8), 0.1, 7)).toThrow(`dropBlock2d: ${e.drop_block2d_even_clamped}`);
    expect(() => dropBlock3d(z(1, 1, 5, 5), 0.1, 3)).toThrow(`dropBlock3d: ${e.drop_block3d_dims}`);
    expect(() => dropBlock3d(z(1, 1, 5, 5, 5), 2.0, 3)).toThrow(`dropBlock3d: ${e.drop_block3d_p}`);
    expect(() => dropBlock3d(z(1, 1, 4, 5, 5), 0.1, 5)).toThrow(`dropBlock3d: ${e.drop_block3d_even}`);
    expect(() => new FeaturePyramidNetwork([4, 0], 6)).toThrow(`FeaturePyramidNetwork: ${e.fpn_zero_channels}`);
    expect(e.fpn_extra_blocks_type).toMatch(/^extra_blocks should be of type ExtraFPNBlock not /);
    expect(() => new FeaturePyramidNetwork([4], 6, new nn.ReLU() as never)).toThrow('FeaturePyramidNetwork: extra_blocks should be of type ExtraFPNBlock not ReLU');
    // the port's own checks
    expect(() => dropBlock2d(z(1, 1, 5, 5), NaN, 3)).toThrow(RangeError);
    expect(() => dropBlock2d(z(1, 1, 5, 5), 0.1, -1)).toThrow('dropBlock2d: block size should be positive. Got -1.');
    expect(() => dropBlock2d(z(1, 1, 5, 5), 0.1, 2.5)).toThrow(new TypeError('dropBlock2d: blockSize must be an int, got 2.5'));
    expect(() => dropBlock2d([1] as never, 0.1, 3)).toThrow(new TypeError('dropBlock2d: input must be a Tensor, got an array'));
    expect(() => dropBlock2d(z(1, 1, 5, 5), { p: 0.1 } as never)).toThrow(/dropBlock2d\(\) missing required argument 'blockSize'/);
    expect(() => dropBlock3d(z(1, 1, 5, 5, 5), 0.1, 3, { inPlace: true } as never)).toThrow(/dropBlock3d: .*inPlace/);
    expect(() => new DropBlock2d(0.1, 3, 'yes' as never)).toThrow(new TypeError('DropBlock2d: inplace must be a boolean, got string'));
    expect(() => new DropBlock3d(0.1, 3.5)).toThrow(new TypeError('DropBlock3d: blockSize must be an int, got 3.5'));
    expect(String(new DropBlock3d(0.1, 3, { inplace: true }))).toBe('DropBlock3d(p=0.1, block_size=3, inplace=True)');
    expect(() => new DropBlock2d(1.5, 3).call(z(1, 1, 5, 5))).toThrow(`dropBlock2d: ${e.drop_block2d_p}`);
    expect(() => new FrozenBatchNorm2d(2.5)).toThrow(new TypeError('FrozenBatchNorm2d: numFeatures must be an int, got 2.5'));
    expect(() => new FrozenBatchNorm2d(-1)).toThrow(new RangeError('FrozenBatchNorm2d: numFeatures must not be negative, got -1'));
    expect(() => new FrozenBatchNorm2d(3, { epsilon: 1 } as never)).toThrow(/FrozenBatchNorm2d: .*epsilon/);
    expect(() => new FrozenBatchNorm2d(3).call([1] as never)).toThrow(new TypeError('FrozenBatchNorm2d: expected a Tensor input, got an array'));
    expect(() => new Conv3dNormActivation(2, 4, { kernelsize: 3 } as never)).toThrow(/Conv3dNormActivation: .*kernelsize/);
    expect(() => new Conv3dNormActivation(2, 4, { normLayer: 'batch' as never })).toThrow(new TypeError('Conv3dNormActivation: normLayer must be a function that makes a module, or null, got string'));
    expect(() => new Conv3dNormActivation(2, 4, { inplace: 1 as never })).toThrow(new TypeError('Conv3dNormActivation: inplace must be a boolean or null, got number'));
    expect(() => new Conv3dNormActivation(2, 4, 3, 1, null, 1, null, null, 1, true, true, 9 as never)).toThrow(/Conv3dNormActivation\(\) takes 11 positional arguments but 12 were given/);
    const fpn = new FeaturePyramidNetwork([2, 3], 4);
    const a = z(1, 2, 4, 4);
    expect(() => fpn.call({ a })).toThrow(new RangeError('FeaturePyramidNetwork.forward: expected 2 feature maps (one per inChannelsList entry), got 1'));
    expect(() => fpn.call([a, a] as never)).toThrow(new TypeError('FeaturePyramidNetwork.forward: expected a Map or a plain object of feature maps, got an array'));
    expect(() => fpn.call({ a, b: 3 } as never)).toThrow(new TypeError('FeaturePyramidNetwork.forward: feature map \'b\' must be a Tensor, got number'));
    expect(() => new FeaturePyramidNetwork(4 as never, 4)).toThrow(new TypeError('FeaturePyramidNetwork: inChannelsList must be an array of channel counts, got number'));
    expect(() => new FeaturePyramidNetwork([2], 4, null, 'bn' as never)).toThrow(/FeaturePyramidNetwork: normLayer must be a function/);
    expect(() => new FeaturePyramidNetwork([2], 4, { extraBlock: null } as never)).toThrow(/FeaturePyramidNetwork: .*extraBlock/);
    expect(() => new LastLevelP6P7(4)).toThrow(/LastLevelP6P7\(\) missing required argument 'outChannels'/);
  });
});
