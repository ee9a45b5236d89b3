// torch.masked (masked reductions and normalizations, MaskedTensor) and torch.signal.windows give
// PyTorch 2.13's results bit for bit and raise Python's errors. The cases (test/fixtures/masked.json)
// are Python snippets run by real PyTorch and translated to JS by scripts/make-masked-fixtures.py;
// regenerate with `.venv/bin/python scripts/make-masked-fixtures.py`.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '../lib/index.js';
import { caseName, replay, sameRelease as isSameRelease, type GoldenFixture } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

const fixture = JSON.parse(readFileSync(new URL('./fixtures/masked.json', import.meta.url), 'utf8')) as GoldenFixture;
const sameRelease = isSameRelease(fixture);

const MASKED_NAMES = ['amax', 'amin', 'argmax', 'argmin', 'asMaskedTensor', 'cumprod', 'cumsum', 'isMaskedTensor', 'logSoftmax', 'logaddexp', 'logsumexp', 'maskedTensor', 'MaskedTensor', 'mean', 'median', 'norm', 'normalize', 'prod', 'softmax', 'softmin', 'std', 'sum', 'var'];
const WINDOW_NAMES = ['bartlett', 'blackman', 'cosine', 'exponential', 'gaussian', 'generalCosine', 'generalHamming', 'hamming', 'hann', 'kaiser', 'nuttall'];

describe('namespaces', () => {
  it("torch.masked has every name of Python's torch.masked.__all__", () => {
    expect(MASKED_NAMES.filter((n) => typeof (torch.masked as Record<string, unknown>)[n] !== 'function')).toEqual([]);
  });
  it("torch.signal.windows has every name of Python's torch.signal.windows.__all__", () => {
    expect(WINDOW_NAMES.filter((n) => typeof (torch.signal.windows as Record<string, unknown>)[n] !== 'function')).toEqual([]);
  });
  it('the fixtures call every one of them', () => {
    const js = fixture.cases.map((c) => c.js).join('\n');
    expect(MASKED_NAMES.filter((n) => !js.includes(`torch.masked.${n}(`))).toEqual(['MaskedTensor']); // built through maskedTensor in the cases
    expect(WINDOW_NAMES.filter((n) => !js.includes(`torch.signal.windows.${n}(`))).toEqual([]);
  });
  it('MaskedTensor is a class; its results are typed', () => {
    const mt = new torch.masked.MaskedTensor(torch.tensor([1.5, 2.5]), torch.tensor([true, false]));
    expect(mt).toBeInstanceOf(torch.masked.MaskedTensor);
    expectTypeOf(mt.sum()).toEqualTypeOf<torch.masked.MaskedTensor>();
    expectTypeOf(mt.add(mt)).toEqualTypeOf<torch.masked.MaskedTensor>();
    expectTypeOf(torch.masked.sum(mt, 0)).toEqualTypeOf<torch.Tensor>();
    expect(mt.sum().getData().item()).toBe(1.5);
  });
});

describe('MaskedTensor in JS', () => {
  const x = torch.tensor([[1.5, -2.5, 3.5], [4.5, 5.5, -6.5]]);
  const m = torch.tensor([[true, false, true], [false, false, false]]);
  it('survives torch.tidy when returned (its tensors are reachable), and dispose frees them', () => {
    const mt = torch.tidy(() => torch.masked.maskedTensor(x.mul(2), m).sum(1));
    expect(mt.getData().tolist()).toEqual([10, 0]);
    expect(mt.getMask().tolist()).toEqual([true, false]);
    mt.dispose();
    expect(() => mt.getData().tolist()).toThrow();
  });
  it('copies data and mask, as Python clones them', () => {
    const data = x.clone();
    const mt = torch.masked.maskedTensor(data, m);
    data.zero_();
    expect(mt.getData().tolist()).toEqual(x.tolist());
  });
  it('reductions take the options form too: mt.sum({ dim, keepdim }) is mt.sum(dim, keepdim)', () => {
    const mt = torch.masked.maskedTensor(x, m);
    const a = mt.amax({ dim: 1, keepdim: true });
    const b = mt.amax(1, true);
    expect(a.getData().equal(b.getData())).toBe(true);
    expect(a.getMask().equal(b.getMask())).toBe(true);
    expect(() => mt.sum({ keepdim: true })).toThrow(/missing required argument 'dim'/);
    expect(() => mt.sum({ axis: 1 } as never)).toThrow(/unexpected keyword argument 'axis'/);
  });
  it('prints as PyTorch does, invalid elements as --', () => {
    expect(String(torch.masked.maskedTensor(torch.tensor([1, 2, 3]), torch.tensor([true, false, true])))).toBe('MaskedTensor(\n  [1,       --, 3]\n)');
  });
});

describe('errors that need no fixture', () => {
  const x = torch.tensor([[1.5, 2.5], [3.5, 4.5]]);
  it("a sparse masked sum is the strided one at the mask's elements (Python's _where invariant)", () => {
    const mask = x.gt(2);
    const dense = torch.masked.sum(x, 1, { keepdim: true, mask });
    for (const input of [x.toSparse(), x.toSparseCsr()]) {
      const sparse = torch.masked.sum(input, 1, { keepdim: true, mask });
      expect(String(sparse.layout)).toBe(String(input.layout));
      expect(sparse.toDense().tolist()).toEqual(dense.tolist());
    }
  });
  it('MaskedTensor refuses a non-boolean requiresGrad and non-Tensor data (autograd: test/masked-grad.test.ts)', () => {
    expect(() => torch.masked.maskedTensor(x, x.gt(2), 1 as never)).toThrow(/MaskedTensor: requiresGrad must be a boolean/);
    expect(() => torch.masked.maskedTensor([1] as never, x.gt(2))).toThrow(TypeError);
  });
  it('bad option values are TypeErrors naming the function', () => {
    expect(() => torch.masked.sum(x, 0, { keepdim: 1 as never })).toThrow(/masked.sum: keepdim must be a boolean/);
    expect(() => torch.masked.sum(x, 0, { mask: [true] as never })).toThrow(/masked.sum: mask must be a Tensor/);
    expect(() => torch.signal.windows.hann(2.5)).toThrow(/hann: M must be an integer/);
    expect(() => torch.signal.windows.gaussian(3, { std: '1' as never })).toThrow(/gaussian: std must be a number/);
  });
});

describe('windows on the meta device', () => {
  // Python: for n in torch.signal.windows.__all__: getattr(torch.signal.windows, n)(5, device='meta') → meta, shape (5,)
  // (general_cosine with a=[0.5, 0.5]); libtorch lacks Meta kernels for abs, where and item() that Python registers itself.
  it.each(WINDOW_NAMES)('%s(5) and (1) on meta have the shape and dtype of the CPU window', (name) => {
    const fn = (torch.signal.windows as unknown as Record<string, (m: number, o: object) => torch.Tensor>)[name]!;
    for (const M of [5, 1]) {
      const extra = name === 'generalCosine' ? { a: [0.5, 0.5] } : {};
      const t = fn(M, { device: 'meta', dtype: torch.float64, ...extra });
      expect([t.device.type, t.shape, String(t.dtype)]).toEqual(['meta', [M], 'torch.float64']);
    }
  });
});

describe('PyTorch 2.13 cases', () => {
  if (!sameRelease) it.skip(`skipped: the fixtures are from torch ${fixture.meta.torch}, this libtorch is ${torch.buildInfo().torchVersion}`, () => {});
  const groups: [string, RegExp][] = [
    ['torch.signal.windows', /^torch\.signal\.windows\./],
    ['sparse COO/CSR', /sparse/],
    ['MaskedTensor', /masked_tensor|MaskedTensor/],
    ['gradients', /backward/],
    ['torch.masked', /./],
  ];
  const seen = new Set<string>();
  for (const [title, pattern] of groups) {
    const cases = fixture.cases.filter((c) => !seen.has(c.js) && pattern.test(c.py));
    cases.forEach((c) => seen.add(c.js));
    describe(title, () => {
      for (const c of cases) it.runIf(sameRelease)(caseName(c), () => replay(fixture, c));
    });
  }
});
