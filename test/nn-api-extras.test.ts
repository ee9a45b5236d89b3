// Smaller pieces of torch.nn's public API that scripts use: Module.toEmpty / setSubmodule / shareMemory,
// nn.utils.skipInit and the conv weight memory-format converters, torch.nn.grad (F.grad), and nn.init's
// deprecated names. Their numbers come from libtorch ops tested elsewhere against PyTorch; here, that the
// plumbing gives what Python's does.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { warningsOf } from './warnings-of.js';

const { nn } = torch;
const F = nn.functional;
const weightOf = (m: torch.nn.Module): torch.Tensor => (m as unknown as { weight: torch.Tensor }).weight;

describe('Module.toEmpty, setSubmodule, shareMemory', () => {
  it('toEmpty moves a meta module to CPU without values; recurse: false leaves the children', () => {
    const m = new nn.Sequential(new nn.Linear(3, 2, { device: 'meta' }));
    expect(String(weightOf(m.at(0)).device)).toBe('meta');
    m.toEmpty({ device: 'cpu' });
    expect([String(weightOf(m.at(0)).device), weightOf(m.at(0)).shape, weightOf(m.at(0)).requiresGrad]).toEqual(['cpu', [2, 3], true]);
    const n = new nn.Sequential(new nn.Linear(3, 2, { device: 'meta' }));
    n.toEmpty({ device: 'cpu', recurse: false });
    expect(String(weightOf(n.at(0)).device)).toBe('meta');
  });

  it('setSubmodule replaces a module at a dotted path, as Python checks it', () => {
    const m = new nn.Sequential(new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU()));
    const tanh = new nn.Tanh();
    m.setSubmodule('0.1', tanh);
    expect(m.getSubmodule('0.1')).toBe(tanh);
    m.setSubmodule('0.extra', new nn.ReLU());
    expect(m.getSubmodule('0.extra')).toBeInstanceOf(nn.ReLU);
    expect(() => m.setSubmodule('0.missing', new nn.ReLU(), { strict: true })).toThrow('has no attribute `missing`');
    expect(() => m.setSubmodule('', new nn.ReLU())).toThrow('Cannot set the submodule without a target name!');
    expect(() => m.setSubmodule('0.1', 3 as never)).toThrow('is not an nn.Module');
    expect(() => m.setSubmodule('nope.1', new nn.ReLU())).toThrow('has no attribute `nope`');
    const lin = m.getSubmodule('0.0') as torch.nn.Linear;
    expect(() => m.setSubmodule('0.0.weight', new nn.ReLU())).toThrow('`weight` is not an nn.Module');
    expect(lin.weight).toBeInstanceOf(torch.nn.Parameter);
  });

  it("Module.type casts every parameter and buffer as x.type does: dtypes, type strings, tensor types (Python: m.type('torch.DoubleTensor'))", () => {
    // Python 2.13: Linear(2, 2) with an int64 buffer b -> float64/float64, then float32/float32 for torch.FloatTensor
    const m = new nn.Linear(2, 2);
    m.registerBuffer('b', torch.arange(3));
    const dtypes = (): string[] => [m.weight.dtype.name, (m.getBuffer('b') as torch.Tensor).dtype.name];
    expect(m.type('torch.DoubleTensor')).toBe(m);
    expect(dtypes()).toEqual(['float64', 'float64']);
    expect(m.weight).toBeInstanceOf(torch.nn.Parameter);
    m.type(torch.FloatTensor);
    expect(dtypes()).toEqual(['float32', 'float32']);
    m.type(torch.float64);
    expect(dtypes()).toEqual(['float64', 'float64']);
  });

  it('shareMemory puts every parameter and buffer in shared memory', () => {
    const m = new nn.BatchNorm1d(3);
    expect(m.shareMemory()).toBe(m);
    expect(m.weight!.isShared()).toBe(true);
    expect(m.running_mean!.isShared()).toBe(true);
  });
});

describe("Python-side warnings show once per call site, as Python's default filter (not on every call of a loop)", () => {
  it('softmax without dim, upsample, dropout2d of a 3-d input', () => {
    const F = torch.nn.functional;
    const seen = warningsOf(() => {
      for (let i = 0; i < 3; i++) {
        F.softmax(torch.ones(2, 3)).dispose();
        F.upsample(torch.ones(1, 1, 2, 2), { scaleFactor: 2 }).dispose();
        F.dropout2d(torch.ones(2, 3, 4), { training: false }).dispose();
      }
    }).map(([, m]) => m.slice(0, 40));
    expect(seen).toEqual(['Implicit dimension choice for softmax ha', '`nn.functional.upsample` is deprecated. ', 'dropout2d: Received a 3D input to dropou']);
  });
});

describe('nn.utils.skipInit and the conv weight memory formats', () => {
  it('skipInit builds the module on the meta device and moves it uninitialised', () => {
    const m = nn.utils.skipInit(nn.Linear, 5, 1);
    expect([m.weight.shape, String(m.weight.device), m.inFeatures]).toEqual([[1, 5], 'cpu', 5]);
    const m2 = nn.utils.skipInit(nn.Linear, 6, 1, { bias: false, device: 'cpu' });
    expect([m2.weight.shape, m2.bias]).toEqual([[1, 6], null]);
    expect(() => nn.utils.skipInit(nn.ReLU as never)).toThrow("Module must support a 'device' arg to skip initialization");
    expect(() => nn.utils.skipInit(Object as never)).toThrow('Expected a Module');
  });

  it('convertConv2dWeightMemoryFormat / 3d convert the matching convolutions only, recursively', () => {
    const m = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.Sequential(new nn.ConvTranspose2d(4, 2, 3)), new nn.Conv3d(1, 2, 2), new nn.Linear(2, 2));
    const before = weightOf(m.at(0)).clone();
    expect(nn.utils.convertConv2dWeightMemoryFormat(m, torch.channelsLast)).toBe(m);
    expect(weightOf(m.at(0)).isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    expect(weightOf(m.at(0)).isContiguous()).toBe(false);
    expect(weightOf(m.at(0)).equal(before)).toBe(true);
    expect(weightOf((m.at(1) as torch.nn.Sequential).at(0)).isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    expect(weightOf(m.at(2)).isContiguous()).toBe(true);
    nn.utils.convertConv3dWeightMemoryFormat(m, torch.channelsLast3d);
    expect(weightOf(m.at(2)).isContiguous({ memoryFormat: torch.channelsLast3d })).toBe(true);
  });
});

describe('torch.nn.grad (F.grad): convolution gradients from the output gradient', () => {
  it('equal autograd\'s gradients of conv1d/2d/3d for the input and the weight', () => {
    torch.manualSeed(0);
    for (const dims of [1, 2, 3] as const) {
      const x = torch.randn([2, 4, ...Array(dims).fill(7)], { dtype: torch.float64 }).requiresGrad_();
      const w = torch.randn([6, 2, ...Array(dims).fill(3)], { dtype: torch.float64 }).requiresGrad_();
      const conv = [F.conv1d, F.conv2d, F.conv3d][dims - 1]! as (...a: unknown[]) => torch.Tensor;
      const y = conv(x, w, null, 2, 1, 1, 2);
      const g = torch.randn(y.shape, { dtype: torch.float64 });
      const [gx, gw] = torch.autograd.grad([y], [x, w], { gradOutputs: [g] }) as torch.Tensor[];
      const input = [nn.grad.conv1dInput, nn.grad.conv2dInput, nn.grad.conv3dInput][dims - 1]!;
      const weight = [nn.grad.conv1dWeight, nn.grad.conv2dWeight, nn.grad.conv3dWeight][dims - 1]!;
      expect(input(x.shape, w, g, 2, 1, 1, 2).equal(gx!)).toBe(true);
      expect(weight(x, w.shape, g, { stride: 2, padding: 1, groups: 2 }).equal(gw!)).toBe(true);
    }
    expect(F.grad).toBe(nn.grad);
  });
});

describe("nn.init's deprecated names", () => {
  it("warn with Python's FutureWarning and initialise as the in-place versions", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      torch.manualSeed(3);
      const a = nn.init.xavierUniform(torch.empty([3, 4]));
      torch.manualSeed(3);
      const b = nn.init.xavierUniform_(torch.empty([3, 4]));
      expect(a.equal(b)).toBe(true);
      expect(nn.init.constant(torch.empty([2]), 1.5).tolist()).toEqual([1.5, 1.5]);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => [w.name, w.message])).toEqual([
      ['FutureWarning', '`nn.init.xavier_uniform` is now deprecated in favor of `nn.init.xavier_uniform_`.'],
      ['FutureWarning', '`nn.init.constant` is now deprecated in favor of `nn.init.constant_`.'],
    ]);
  });
});

describe('nn.UninitializedBuffer and UninitializedParameter (lazy placeholders)', () => {
  it('UninitializedBuffer takes Python keyword arguments and materializes into a plain Tensor', () => {
    const b = new nn.UninitializedBuffer();
    expect([String(b), b.requiresGrad, b.persistent, b.shape]).toEqual(['<UninitializedBuffer>', false, true, [0]]);
    const c = new nn.UninitializedBuffer({ requiresGrad: true, persistent: false });
    expect([c.requiresGrad, c.persistent]).toEqual([true, false]);
    const m = new nn.Module();
    m.registerBuffer('x', new nn.UninitializedBuffer({ dtype: 'float64' }));
    const x = m.getBuffer('x') as torch.nn.UninitializedBuffer;
    x.materialize([2, 3]);
    expect([x.shape, x.dtype, x instanceof nn.UninitializedBuffer, x instanceof torch.Tensor]).toEqual([[2, 3], torch.float64, false, true]);
    expect(m.stateDict().x!.shape).toEqual([2, 3]);
    const h = new nn.UninitializedBuffer();
    h.materialize(3, { dtype: 'float16' });
    expect([h.dtype, h.shape]).toEqual([torch.float16, [3]]);
    expect(() => new nn.UninitializedBuffer({ requiresGrad: true }).materialize([2], { dtype: 'int64' })).toThrow('must be floating point or complex dtype');
    expect(() => new nn.UninitializedBuffer({ persistant: true } as never)).toThrow(TypeError);
  });

  it('UninitializedParameter takes { requiresGrad, device, dtype } and becomes a Parameter', () => {
    const p = new nn.UninitializedParameter({ requiresGrad: false, dtype: 'float64' });
    expect([String(p), p.requiresGrad, p.dtype]).toEqual(['<UninitializedParameter>', false, torch.float64]);
    p.materialize([2]);
    expect([p instanceof nn.UninitializedParameter, p instanceof nn.Parameter, p.dtype, p.shape, p.requiresGrad]).toEqual([false, true, torch.float64, [2], false]);
  });

  it("lazy norm layers hold UninitializedBuffers for their running stats until the first call, as Python's", () => {
    const bn = new nn.LazyBatchNorm1d();
    const runningMean = bn.running_mean;
    expect([runningMean instanceof nn.UninitializedBuffer, bn.weight instanceof nn.UninitializedParameter]).toEqual([true, true]);
    bn.call(torch.randn(4, 3));
    expect([bn.running_mean instanceof nn.UninitializedBuffer, bn.running_mean!.shape, bn.running_mean === runningMean]).toEqual([false, [3], true]);
  });
});

describe("Python's module paths into torch.nn", () => {
  it('torch.nn.modules (with modules.module) and torch.nn.parameter name the same classes and functions', () => {
    expect(nn.modules.Linear).toBe(nn.Linear);
    expect(nn.modules.LinearCrossEntropyOptions).toBe(nn.LinearCrossEntropyOptions);
    expect(nn.modules.module.Module).toBe(nn.Module);
    expect(nn.modules.module.registerModuleForwardHook).toBe(nn.registerModuleForwardHook);
    expect(nn.modules.module.registerModuleBackwardHook).toBe(nn.registerModuleBackwardHook);
    expect([nn.parameter.Parameter, nn.parameter.Buffer, nn.parameter.UninitializedParameter]).toEqual([nn.Parameter, nn.Buffer, nn.UninitializedParameter]);
    expect(nn.parameter.isLazy(new nn.UninitializedParameter())).toBe(true);
  });

  it("torch.nn.modules.<file> holds Python's private base classes, so isinstance checks port as instanceof", () => {
    const { batchnorm, instancenorm, conv, pooling, dropout, loss, activation } = nn.modules;
    for (const m of [new nn.BatchNorm1d(2), new nn.BatchNorm2d(2), new nn.BatchNorm3d(2), new nn.SyncBatchNorm(2), new nn.LazyBatchNorm2d()])
      expect(m, m.constructor.name).toBeInstanceOf(batchnorm._BatchNorm);
    expect(new nn.InstanceNorm2d(2)).not.toBeInstanceOf(batchnorm._BatchNorm);
    expect(new nn.InstanceNorm2d(2)).toBeInstanceOf(instancenorm._InstanceNorm);
    expect(new nn.InstanceNorm2d(2)).toBeInstanceOf(batchnorm._NormBase);
    expect(new nn.ConvTranspose2d(1, 1, 2)).toBeInstanceOf(conv._ConvTransposeNd);
    expect(new nn.Conv2d(1, 1, 2)).toBeInstanceOf(conv._ConvNd);
    expect(new nn.Conv2d(1, 1, 2)).not.toBeInstanceOf(conv._ConvTransposeNd);
    expect([new nn.MaxPool2d(2), new nn.AvgPool1d(2), new nn.AdaptiveAvgPool2d(1), new nn.AdaptiveMaxPool1d(1), new nn.MaxUnpool2d(2), new nn.LPPool2d(2, 2)]
      .map((m) => [m instanceof pooling._MaxPoolNd, m instanceof pooling._AvgPoolNd, m instanceof pooling._AdaptiveAvgPoolNd, m instanceof pooling._AdaptiveMaxPoolNd, m instanceof pooling._MaxUnpoolNd, m instanceof pooling._LPPoolNd]))
      .toEqual([0, 1, 2, 3, 4, 5].map((k) => [0, 1, 2, 3, 4, 5].map((j) => j === k)));
    expect(new nn.Dropout2d()).toBeInstanceOf(dropout._DropoutNd);
    expect(new nn.CrossEntropyLoss()).toBeInstanceOf(loss._WeightedLoss);
    expect(activation.MultiheadAttention).toBe(nn.MultiheadAttention);
    expect(conv.Conv2d).toBe(nn.Conv2d);
  });
});

describe('torch.utils.hooks.RemovableHandle', () => {
  it('every register*Hook returns one: unique ids, remove() once, and `using` removes at the end of the block', () => {
    const { RemovableHandle } = torch.utils.hooks;
    const lin = new nn.Linear(2, 2);
    const calls: string[] = [];
    {
      using _h = lin.registerForwardHook(() => void calls.push('forward'));
      lin.call(torch.ones(1, 2));
    }
    lin.call(torch.ones(1, 2));
    expect(calls).toEqual(['forward']);
    const x = torch.ones(2, { requiresGrad: true });
    const handles = [
      lin.registerForwardPreHook(() => undefined), x.registerHook(() => undefined), x.registerPostAccumulateGradHook(() => undefined),
      x.mul(2).gradFn!.registerHook(() => undefined), new torch.optim.SGD(lin.parameters(), { lr: 0.1 }).registerStepPreHook(() => undefined),
      torch.autograd.graph.registerMultiGradHook([x], () => undefined), nn.registerModuleForwardHook(() => undefined),
    ];
    for (const h of handles) expect(h).toBeInstanceOf(RemovableHandle);
    expect(new Set(handles.map((h) => h.id)).size).toBe(handles.length);
    for (const h of handles) {
      h.remove();
      h.remove(); // a second remove does nothing
    }
  });
  it("Python's form: a hooks dict (and extraDict, one or several) loses the handle's id on remove()", () => {
    const { RemovableHandle } = torch.utils.hooks;
    // Python: hooks = OrderedDict(); h = RemovableHandle(hooks); hooks[h.id] = f; h.remove() -> hooks empty
    const hooks = new Map<number, () => number>();
    const h = new RemovableHandle(hooks);
    hooks.set(h.id, () => 1);
    const other = new Map<number, () => number>([[h.id + 1000, () => 2]]);
    hooks.set(h.id + 1000, () => 3);
    h.remove();
    expect([...hooks.keys()]).toEqual([h.id + 1000]);
    const plain: Record<number, unknown> = {};
    const extra: Record<number, unknown> = {};
    const extra2 = new Map<number, unknown>();
    const h2 = new RemovableHandle(plain, { extraDict: [extra, extra2] });
    plain[h2.id] = extra[h2.id] = 'hook';
    extra2.set(h2.id, 'hook');
    using _ = h2;
    h2.remove();
    expect([Object.keys(plain), Object.keys(extra), extra2.size, other.size]).toEqual([[], [], 0, 1]);
    expect(() => new RemovableHandle(5 as never)).toThrow('RemovableHandle: expected a remove function or a hooks dict');
  });
});
