// Python's binding forms on the generated surface: factories take requiresGrad; torch.* losses with
// `int reduction=Mean` are unreduced by default (torch.ops.aten reduces); Tensor.to's positional forms;
// options keep Python's spelling where camelCase leaves it (UPLO, N); the legacy sparse names. Compared
// with PyTorch 2.13 (test/fixtures/call-forms.json, from `.venv/bin/python scripts/make-call-forms-fixtures.py`).
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '../lib/index.js';
import { runCases } from './call-forms-cases.js';

torch.setNumThreads(1);

describe('call forms (PyTorch 2.13 fixtures)', () => {
  runCases({ factory: 0, reduction: 0, to: 0, camel: 1e-6, sparse: 0, lobpcg: 0 });
});

describe('call forms (JS side)', () => {
  it("methods whose operator takes self later take Python's keywords too: x.polygamma(n=1), x.where(condition=c, other=y)", () => {
    const x = torch.tensor([0.5, 1.5, 2.5], { dtype: torch.float64 });
    const c = torch.tensor([true, false, true]);
    for (const r of [x.polygamma({ n: 1 }), x.polygamma(1)]) expect(r.equal(torch.polygamma(1, x))).toBe(true);
    for (const r of [x.where(c, { other: 0 }), x.where({ condition: c, other: 0 }), x.where(c, 0)]) expect(r.tolist()).toEqual([0.5, 0, 2.5]);
    expect(() => x.polygamma({ m: 1 } as never)).toThrow(/unknown option 'm'|unexpected option 'm'/);
  });

  it('the legacy sparse names are the same functions, as in Python', () => {
    expect(torch.dsmm).toBe(torch.mm);
    expect(torch.spmm).toBe(torch.mm);
    expect(torch.hsmm).toBe(torch.hspmm);
    expect(torch.saddmm).toBe(torch.sspaddmm);
  });

  it('requiresGrad is checked, typed and leaves the options object as it was', () => {
    const options = { dtype: torch.float64, requiresGrad: true };
    const t = torch.scalarTensor(2, options);
    expect(options).toEqual({ dtype: torch.float64, requiresGrad: true });
    expect([t.requiresGrad, t.isLeaf, String(t.dtype)]).toEqual([true, true, 'torch.float64']);
    expect(() => torch.emptyPermuted([2], [0], { requiresGrad: 'yes' as unknown as boolean })).toThrow(/emptyPermuted: option 'requiresGrad' must be a boolean/);
    expectTypeOf(torch.hannWindow).toBeCallableWith(4, { requiresGrad: true });
    expectTypeOf(torch.trilIndices).toBeCallableWith(3, 3, { requiresGrad: false });
    const x = torch.ones(2);
    expectTypeOf(x.newEmpty).toBeCallableWith([2], { requiresGrad: true });
  });

  it('a loss given reduction positionally, in the options or not at all', () => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
    expect(torch.hingeEmbeddingLoss(a, a.sign()).shape).toEqual([2, 2]);
    expect(torch.hingeEmbeddingLoss(a, a.sign(), 1, 2).shape).toEqual([]);
    expect(torch.hingeEmbeddingLoss(a, a.sign(), { reduction: 2 }).shape).toEqual([]);
    expect((torch.ops.aten.hinge_embedding_loss(a, a.sign()) as torch.Tensor).shape).toEqual([]);
  });

  it('lobpcg: gradients through it are not ported (Python has LOBPCGAutogradFunction): a clear error', () => {
    expect(() => torch.lobpcg(torch.eye(6, { requiresGrad: true }), 1)).toThrow(/^lobpcg: gradients through lobpcg are not supported/);
    const [E] = torch.noGrad(() => torch.lobpcg(torch.eye(6, { requiresGrad: true }), 1));
    expect(E.shape).toEqual([1]);
  });

  it('Tensor.to rejects duplicated and misplaced arguments, naming itself', () => {
    const x = torch.ones(2);
    expect(() => x.to(torch.float64, true, { nonBlocking: true })).toThrow(/^to: got 'nonBlocking' both as an argument and as an option/);
    expect(() => x.to(torch.float64, true, false, true as unknown as object)).toThrow(/^to: expected/);
    expectTypeOf(x.to).toBeCallableWith('cpu', torch.float64, false, true);
    expectTypeOf(x.to).toBeCallableWith(torch.float64, false, true, { memoryFormat: torch.preserveFormat });
    expectTypeOf(x.to).toBeCallableWith(x, false, true);
  });
});

// callOp remembers the overload each combination of argument kinds picked (number, whole or not,
// boolean, Tensor, null, ...) and skips overload scoring on later calls of the same kinds.
describe('overload choice remembered per argument kinds', () => {
  const x = torch.tensor([1.5, 2.5, 3.5], { dtype: torch.float64 });
  const { aten } = torch.ops;

  it('each kind of call keeps its own overload, whatever was called before', () => {
    const calls: [() => unknown, () => unknown][] = [
      [() => torch.pow(x, 2), () => aten.pow.Tensor_Scalar(x, 2)],
      [() => torch.pow(2, x), () => aten.pow.Scalar(2, x)],
      [() => torch.pow(x, x), () => aten.pow.Tensor_Tensor(x, x)],
      [() => torch.pow(x, 0.5), () => aten.pow.Tensor_Scalar(x, 0.5)],
      [() => torch.clamp(x, null, 2), () => aten.clamp.default(x, null, 2)],
      [() => torch.clamp(x, torch.tensor(2), null), () => aten.clamp.Tensor(x, torch.tensor(2), null)],
      [() => torch.clamp(x, 2.5), () => aten.clamp.default(x, 2.5)],
      [() => x.add(true), () => aten.add.Tensor(x, true)],
      [() => torch.narrow(x, 0, 1, 2), () => aten.narrow.default(x, 0, 1, 2)],
      [() => torch.sum(x.view([3, 1]), [0]), () => aten.sum.dim_IntList(x.view([3, 1]), [0])],
      [() => torch.stack([x, x]), () => aten.stack.default([x, x])],
      [() => torch.stack([x, x], 1), () => aten.stack.default([x, x], 1)],
    ];
    for (let round = 0; round < 3; round++)
      for (const [call, reference] of calls) {
        const [got, want] = [call() as torch.Tensor, reference() as torch.Tensor];
        expect([got.tolist(), String(got.dtype), got.gradFn?.name()]).toEqual([want.tolist(), String(want.dtype), want.gradFn?.name()]);
      }
  });

  it('a whole number from 2**64 on is a float there, even after whole numbers of the same call (as in Python)', () => {
    expect(torch.narrow(x, 0, 0, 1).tolist()).toEqual([1.5]);
    expect(() => torch.narrow(x, 0, 0, 1e20)).toThrow("narrow: argument 'length' (position 4) must be int, not number (1e+20)");
    expect(() => torch.narrow(x, 0, 0, 2 ** 64)).toThrow(TypeError);
    expect(torch.narrow(x, 0, 0, 2).tolist()).toEqual([1.5, 2.5]);
  });

  it('an int list with a float in it is refused after int lists were seen (as in Python)', () => {
    expect(x.view([3, 1]).shape).toEqual([3, 1]);
    expect(() => x.view([1.5, 2])).toThrow(/received an invalid combination of arguments/);
    expect(() => x.view([x, x] as unknown as number[])).toThrow(/received an invalid combination of arguments/);
    expect(x.view([1, 3]).shape).toEqual([1, 3]);
  });

  it('a generator in the slot of a tensor is still refused after tensors were seen', () => {
    expect(torch.add(x, x).tolist()).toEqual([3, 5, 7]);
    expect(() => torch.add(x, new torch.Generator() as unknown as torch.Tensor)).toThrow("add: argument 'other' (position 2) must be Tensor, not Generator");
  });
});
