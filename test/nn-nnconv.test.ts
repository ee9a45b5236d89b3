// torch.nn Linear/Conv/Pooling/Padding/Vision/Distance families: layers and nn.functional against
// PyTorch 2.13. The cases (test/fixtures/nn-nnconv.json) are Python snippets run by real PyTorch and
// translated to JS by scripts/make-nn-nnconv-fixtures.py (regenerate with
// `.venv/bin/python scripts/make-nn-nnconv-fixtures.py`): a layer built under seed 0 (weights bit for
// bit), its repr, output, and the gradients of input and parameters; functional outputs and input
// gradients; Python's error messages. oneDNN/BLAS-backed cases (conv, linear) carry a tolerance.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '../lib/index.js';
import { caseName, replay, type ErrorEnc, type GoldenCase, type GoldenFixture } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-nnconv.json', import.meta.url), 'utf8')) as GoldenFixture & { cases: (GoldenCase & { group: string })[] };

// Python's TypeError is a JS TypeError; every other Python error is some Error (RangeError for ValueError where ours).
const checkErrorType = (thrown: unknown, exp: ErrorEnc): void => {
  if (exp.errorType === 'TypeError') expect(thrown, 'a TypeError, as Python raises').toBeInstanceOf(TypeError);
};

describe('golden cases from PyTorch 2.13', () => {
  const groups = new Map<string, (GoldenCase & { group: string })[]>();
  for (const c of fixture.cases) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  for (const [group, cases] of groups) {
    describe(group, () => {
      for (const c of cases) it(caseName(c), () => replay(fixture, c, checkErrorType));
    });
  }
});

describe('nn.functional call forms', () => {
  const x = torch.randn(1, 2, 5, 5);
  const w = torch.randn(3, 2, 3, 3);

  it('positionals in PyTorch order, keywords in one options object, required ones included', () => {
    const a = F.conv2d(x, w, null, 2, 1);
    expect(F.conv2d(x, w, { stride: 2, padding: 1 }).equal(a)).toBe(true);
    expect(F.conv2d(x, { weight: w, stride: [2, 2], padding: [1, 1] }).equal(a)).toBe(true);
    expect(F.maxPool2d(x, { kernelSize: 2 }).equal(F.maxPool2d(x, 2))).toBe(true);
  });

  it('unknown or repeated keywords and missing required arguments are TypeErrors naming the function', () => {
    // @ts-expect-error no option 'strides'
    expect(() => F.conv2d(x, w, { strides: 2 })).toThrow(TypeError);
    // @ts-expect-error no option 'strides'
    expect(() => F.conv2d(x, w, { strides: 2 })).toThrow(/conv2d/);
    expect(() => F.conv2d(x, w, null, 1, { stride: 2 })).toThrow(/got multiple values for argument 'stride'/);
    expect(() => F.maxPool2d(x)).toThrow(/maxPool2d\(\) missing required argument 'kernelSize'/);
    // @ts-expect-error pad takes three arguments after the input
    expect(() => F.pad(x, [1, 1], 'constant', 0, 1)).toThrow(/takes 4 positional arguments but 5 were given/);
  });

  it('types follow the arguments: [values, indices] only when returnIndices is true', () => {
    expectTypeOf(F.maxPool2d(x, 2)).toEqualTypeOf<Tensor>();
    expectTypeOf(F.maxPool2d(x, 2, { stride: 1, returnIndices: true })).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.maxPool2d(x, 2, null, 0, 1, false, true)).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.adaptiveMaxPool2d(x, [2, null], true)).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.fractionalMaxPool2d(x, 2, { outputSize: 3 })).toEqualTypeOf<Tensor>();
    expectTypeOf(F.maxPool1dWithIndices).returns.toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.interpolate(x, { scaleFactor: 2, mode: 'bicubic', antialias: true })).toEqualTypeOf<Tensor>();
  });

  it('returnIndices gives [values, indices], as boolean_dispatch does in Python', () => {
    const [v, i] = F.maxPool2d(x, 2, { returnIndices: true });
    expect(v.equal(F.maxPool2d(x, 2))).toBe(true);
    expect(i.dtype).toBe(torch.int64);
    expect(F.maxUnpool2d(v, i, 2, { outputSize: [5, 5] }).shape).toEqual([1, 2, 5, 5]);
  });

  it('fractional max pooling draws its samples from the default generator, as PyTorch', () => {
    torch.manualSeed(3);
    const a = F.fractionalMaxPool2d(x, 2, { outputSize: [3, 3] });
    torch.manualSeed(3);
    const samples = torch.rand(1, 2, 2);
    expect(F.fractionalMaxPool2d(x, 2, { outputSize: [3, 3], _randomSamples: samples }).equal(a)).toBe(true);
  });
});

describe('layers', () => {
  it('attributes as PyTorch stores them (tuples as arrays), parameters in PyTorch order', () => {
    const conv = new nn.Conv2d(1, 20, 5, { stride: 2, paddingMode: 'reflect' });
    expect([conv.inChannels, conv.outChannels, conv.kernelSize, conv.stride, conv.padding, conv.dilation, conv.groups, conv.paddingMode])
      .toEqual([1, 20, [5, 5], [2, 2], [0, 0], [1, 1], 1, 'reflect']);
    expect(conv.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [20, 1, 5, 5]], ['bias', [20]]]);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(String(conv)).toBe('Conv2d(1, 20, kernel_size=(5, 5), stride=(2, 2), padding_mode=reflect)');
    const pool = new nn.MaxPool2d(3, { stride: 2 });
    expect([pool.kernelSize, pool.stride, pool.padding]).toEqual([3, 2, 0]);
    const noBias = new nn.Linear(4, 2, { bias: false });
    expect(noBias.bias).toBeNull();
    expect(noBias.parameters().length).toBe(1);
  });

  it('a lazy layer materializes at its first call and becomes the eager class', () => {
    const lazy = new nn.LazyLinear(3);
    expect(lazy.weight).toBeInstanceOf(nn.UninitializedParameter);
    lazy.call(torch.randn(2, 7));
    expect(lazy).toBeInstanceOf(nn.Linear);
    expect(lazy.constructor).toBe(nn.Linear);
    expect(lazy.weight).toBeInstanceOf(nn.Parameter);
    expect(lazy.weight).not.toBeInstanceOf(nn.UninitializedParameter);
    expect([lazy.inFeatures, lazy.weight.shape]).toEqual([7, [3, 7]]);
    const conv = new nn.LazyConv2d(4, 3);
    conv.call(torch.randn(1, 5, 6, 6));
    expect(conv.constructor).toBe(nn.Conv2d);
    expect(conv.weight.shape).toEqual([4, 5, 3, 3]);
  });

  it('a lazy layer loads a state dict by materializing to the loaded shapes', () => {
    const src = new nn.Linear(6, 2);
    const lazy = new nn.LazyLinear(2);
    lazy.loadStateDict(src.stateDict());
    expect(lazy.weight.shape).toEqual([2, 6]);
    expect(lazy.weight.equal(src.weight)).toBe(true);
  });

  it('reset of a channels_last weight draws as for a contiguous one (PyTorch initializes a contiguous copy)', () => {
    torch.manualSeed(5);
    const plain = new nn.Conv2d(3, 4, 3);
    const cl = new nn.Conv2d(3, 4, 3);
    cl.weight.data = cl.weight.contiguous({ memoryFormat: torch.channelsLast });
    expect(cl.weight.isContiguous()).toBe(false);
    torch.manualSeed(5);
    cl.resetParameters();
    expect(cl.weight.isContiguous()).toBe(false);
    expect(cl.weight.equal(plain.weight)).toBe(true);
    expect(cl.bias!.equal(plain.bias!)).toBe(true);
  });

  it('FractionalMaxPool keeps given samples as the _random_samples buffer (in the state dict, as in PyTorch)', () => {
    const samples = torch.rand(1, 2, 2);
    const m = new nn.FractionalMaxPool2d(2, { outputSize: 3, _randomSamples: samples });
    expect(Object.keys(m.stateDict())).toEqual(['_random_samples']);
    expect(Object.keys(new nn.FractionalMaxPool2d(2, { outputSize: 3 }).stateDict())).toEqual([]);
    const x = torch.randn(1, 2, 6, 6);
    expect((m.call(x) as Tensor).equal(m.call(x) as Tensor)).toBe(true); // fixed regions: the same output every call
  });

  it('ConvTranspose takes outputSize positionally or as an option', () => {
    torch.manualSeed(1);
    const m = new nn.ConvTranspose2d(2, 3, 3, { stride: 2 });
    const x = torch.randn(1, 2, 4, 4);
    expect(m.call(x).shape).toEqual([1, 3, 9, 9]);
    expect(m.call(x, [10, 10]).shape).toEqual([1, 3, 10, 10]);
    expect(m.call(x, { outputSize: [10, 10] }).equal(m.call(x, [10, 10]))).toBe(true);
  });

  it('bad options are errors naming the layer; unknown options are TypeErrors', () => {
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 4, bias: true, stride: 1, padding: 0, dilation: 1, paddingMode: 'zeros', dtype: null, device: null, kernelSizes: 1 } as never)).toThrow(TypeError);
    expect(() => new nn.Conv2d(3, 6, 3, { groups: 2 })).toThrow(/Conv2d: in_channels must be divisible by groups/);
    // @ts-expect-error the kernel size is required
    expect(() => new nn.MaxPool2d()).toThrow(/MaxPool2d\(\) missing required argument 'kernelSize'/);
    // @ts-expect-error Upsample has no option 'scale'
    expect(() => new nn.Upsample({ scale: 2 })).toThrow(TypeError);
    // @ts-expect-error paddingMode is one of four strings
    expect(() => new nn.Conv1d(2, 2, 3, { paddingMode: 'wrap' })).toThrow(/Conv1d: padding_mode must be one of/);
  });

  it('layers train with autograd: a step of SGD on a small CNN lowers the loss', () => {
    torch.manualSeed(0);
    const layers = [new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3)] as const;
    const x = torch.randn(8, 1, 8, 8);
    const target = torch.randint(0, 3, [8]);
    const params = layers.flatMap((l) => l.parameters());
    const loss = (): Tensor => run().logSoftmax(1).gather(1, target.unsqueeze(1)).neg().mean();
    const run = (): Tensor => layers.reduce((h: Tensor, l) => l.call(h) as Tensor, x);
    const before = loss();
    before.backward();
    torch.noGrad(() => params.forEach((p) => p.sub_(p.grad!.mul(0.5))));
    expect(loss().item()).toBeLessThan(before.item());
  });
});
