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
