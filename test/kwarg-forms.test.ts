import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

// Python's keyword forms of autograd.backward / grad / Tensor.backward, of torch.logspace, and factories
// given out= with dtype/layout/device: each case ran against Python torch 2.13 (.venv/bin/python), its
// code and output quoted above the expectation.

const f64 = { dtype: torch.float64 };
// a = [1., 2.], b = [3., 4.], both float64 leaves that require grad.
function leaves(): [torch.Tensor, torch.Tensor] {
  return [torch.tensor([1, 2], { ...f64, requiresGrad: true }), torch.tensor([3, 4], { ...f64, requiresGrad: true })];
}
const values = (t: torch.Tensor | null | undefined): unknown => (t ? t.tolist() : t);

describe('torch.autograd.backward: keyword arguments', () => {
  // y = (a*2).sum(); torch.autograd.backward([y], retain_graph=True); torch.autograd.backward([y]); a.grad
  // -> tensor([4., 4.], dtype=torch.float64)
  it('takes retainGraph in the options after the tensors', () => {
    const [a] = leaves();
    const y = a.mul(2).sum();
    torch.autograd.backward([y], { retainGraph: true });
    torch.autograd.backward([y]);
    expect(values(a.grad)).toEqual([4, 4]);
  });
  // y = (a*b).sum(); torch.autograd.backward(y, inputs=[a]); a.grad, b.grad
  // -> (tensor([3., 4.], dtype=torch.float64), None)
  it('takes inputs in the options after the tensors', () => {
    const [a, b] = leaves();
    torch.autograd.backward(a.mul(b).sum(), { inputs: [a] });
    expect(values(a.grad)).toEqual([3, 4]);
    expect(b.grad).toBeNull();
  });
  // y = a*b; torch.autograd.backward(y, grad_tensors=torch.tensor([1., 10.], dtype=f64), inputs=[b]); a.grad, b.grad
  // -> (None, tensor([ 1., 20.], dtype=torch.float64))
  it('takes gradTensors by keyword', () => {
    const [a, b] = leaves();
    torch.autograd.backward(a.mul(b), { gradTensors: torch.tensor([1, 10], f64), inputs: [b] });
    expect(a.grad).toBeNull();
    expect(values(b.grad)).toEqual([1, 20]);
  });
  // torch.autograd.backward(tensors=y, grad_tensors=torch.tensor([1., 10.], dtype=f64)); a.grad, b.grad
  // -> (tensor([ 3., 40.], dtype=torch.float64), tensor([ 1., 20.], dtype=torch.float64))
  it('takes every argument by keyword', () => {
    const [a, b] = leaves();
    torch.autograd.backward({ tensors: a.mul(b), gradTensors: torch.tensor([1, 10], f64) });
    expect(values(a.grad)).toEqual([3, 40]);
    expect(values(b.grad)).toEqual([1, 20]);
  });
  // y = (a*b).sum(); torch.autograd.backward(y, create_graph=True); a.grad, a.grad.grad_fn is not None
  // -> (tensor([3., 4.], dtype=torch.float64, grad_fn=<CopyBackwards>), True)
  it('takes createGraph after the tensors', () => {
    const [a, b] = leaves();
    torch.autograd.backward(a.mul(b).sum(), { createGraph: true });
    expect(values(a.grad)).toEqual([3, 4]);
    expect(a.grad!.gradFn).not.toBeNull();
  });
  // torch.autograd.backward(y, torch.ones(2, dtype=f64), grad_tensors=torch.ones(2, dtype=f64))
  // -> TypeError: backward() got multiple values for argument 'grad_tensors'
  // torch.autograd.backward(y, foo=1) -> TypeError: backward() got an unexpected keyword argument 'foo'
  // torch.autograd.backward() -> TypeError: backward() missing 1 required positional argument: 'tensors'
  it("refuses a value given both ways, an unknown keyword and missing tensors, as Python's binding does", () => {
    const [a, b] = leaves();
    const y = a.mul(b);
    expect(() => torch.autograd.backward(y, torch.ones(2, f64), { gradTensors: torch.ones(2, f64) } as never)).toThrow(
      new TypeError("autograd.backward: got multiple values for argument 'gradTensors'"),
    );
    expect(() => torch.autograd.backward(y.sum(), { foo: 1 } as never)).toThrow(/^autograd\.backward: unexpected option 'foo'; expected one of { tensors, gradTensors, retainGraph, createGraph, inputs }$/);
    expect(() => (torch.autograd.backward as (...args: unknown[]) => void)()).toThrow(new TypeError("autograd.backward: missing 1 required positional argument: 'tensors'"));
    expect(a.grad).toBeNull();
  });
});

describe('Tensor.backward: gradient by keyword', () => {
  // g = torch.tensor([1., 10.], dtype=f64); (a*b).backward(gradient=g, inputs=[a]); a.grad, b.grad
  // -> (tensor([ 3., 40.], dtype=torch.float64), None)
  it('takes gradient in the options', () => {
    const [a, b] = leaves();
    a.mul(b).backward({ gradient: torch.tensor([1, 10], f64), inputs: [a] });
    expect(values(a.grad)).toEqual([3, 40]);
    expect(b.grad).toBeNull();
  });
  // (a*b).backward(g, gradient=g) -> TypeError: Tensor.backward() got multiple values for argument 'gradient'
  it('refuses gradient given both ways', () => {
    const [a, b] = leaves();
    const g = torch.tensor([1, 10], f64);
    expect(() => a.mul(b).backward(g, { gradient: g } as never)).toThrow(new TypeError("backward: got multiple values for argument 'gradient'"));
    expect(() => a.mul(b).backward(null, { gradient: g } as never)).toThrow(new TypeError("backward: got multiple values for argument 'gradient'"));
  });
});

describe('torch.autograd.grad: keyword arguments', () => {
  // y = (a*b).sum(); torch.autograd.grad(outputs=y, inputs=[a]) -> (tensor([3., 4.], dtype=torch.float64),)
  it('takes outputs and inputs by keyword', () => {
    const [a, b] = leaves();
    expect(torch.autograd.grad({ outputs: a.mul(b).sum(), inputs: [a] }).map(values)).toEqual([[3, 4]]);
  });
  // y = a*b; torch.autograd.grad(y, inputs=[a, b], grad_outputs=torch.tensor([1., 10.], dtype=f64), retain_graph=True, create_graph=False)
  // -> (tensor([ 3., 40.], dtype=torch.float64), tensor([ 1., 20.], dtype=torch.float64))
  it('takes inputs and the options after the outputs', () => {
    const [a, b] = leaves();
    const y = a.mul(b);
    const gs = torch.autograd.grad(y, { inputs: [a, b], gradOutputs: torch.tensor([1, 10], f64), retainGraph: true, createGraph: false });
    expect(gs.map(values)).toEqual([[3, 40], [1, 20]]);
    expect(torch.autograd.grad(y, [b], { gradOutputs: torch.ones(2, f64) }).map(values)).toEqual([[1, 2]]);   // the retained graph runs again
  });
  // c = torch.ones(1, requires_grad=True, dtype=f64); torch.autograd.grad(y, [a, c], allow_unused=True, materialize_grads=True)
  // -> (tensor([3., 4.], dtype=torch.float64), tensor([0.], dtype=torch.float64))
  // torch.autograd.grad(y, [a], grad_outputs=torch.eye(2, dtype=f64), is_grads_batched=True)
  // -> (tensor([[3., 0.], [0., 4.]], dtype=torch.float64),)
  it('takes allowUnused, materializeGrads and isGradsBatched with inputs by keyword', () => {
    const [a, b] = leaves();
    const c = torch.ones(1, { ...f64, requiresGrad: true });
    expect(torch.autograd.grad(a.mul(b).sum(), { inputs: [a, c], allowUnused: true, materializeGrads: true }).map(values)).toEqual([[3, 4], [0]]);
    expect(torch.autograd.grad({ outputs: a.mul(b), inputs: [a], gradOutputs: torch.eye(2, f64), isGradsBatched: true }).map(values)).toEqual([[[3, 0], [0, 4]]]);
  });
  it('still reads a record of named tensors as the inputs, and takes one by keyword', () => {
    const [a, b] = leaves();
    const y = a.mul(b).sum();
    const byName = torch.autograd.grad(y, { a, b }, { retainGraph: true });
    expect([values(byName.a), values(byName.b)]).toEqual([[3, 4], [1, 2]]);
    const keyword = torch.autograd.grad(y, { inputs: { first: a } });
    expect(values(keyword.first)).toEqual([3, 4]);
  });
  // torch.autograd.grad(y, [a], inputs=[a]) -> TypeError: grad() got multiple values for argument 'inputs'
  // torch.autograd.grad(y) -> TypeError: grad() missing 1 required positional argument: 'inputs'
  it("refuses inputs given both ways or left out, as Python's binding does", () => {
    const [a, b] = leaves();
    const y = a.mul(b).sum();
    expect(() => torch.autograd.grad(y, [a], { inputs: [a] } as never)).toThrow(new TypeError("autograd.grad: got multiple values for argument 'inputs'"));
    expect(() => (torch.autograd.grad as (...args: unknown[]) => unknown)(y)).toThrow(new TypeError("autograd.grad: missing 1 required positional argument: 'inputs'"));
    expect(() => torch.autograd.grad(y, { inptus: [a] } as never)).toThrow(/^autograd\.grad: unexpected option 'inptus' \(did you mean 'inputs'\?\)/);
  });
});

describe('torch.logspace: start, end, steps and base by keyword', () => {
  // torch.logspace(1, 3, steps=3) / (1, end=3, steps=3) / (start=1, end=3, steps=3) -> tensor([  10.,  100., 1000.])
  // torch.logspace(1, 3, 3, base=2) / (1, 3, steps=3, base=2) -> tensor([2., 4., 8.])
  // torch.logspace(start=1, end=3, steps=3, base=2, dtype=torch.float64) -> tensor([2., 4., 8.], dtype=torch.float64)
  it('takes any of them in the options, with base 10 where none is given', () => {
    for (const t of [torch.logspace(1, 3, { steps: 3 }), torch.logspace(1, { end: 3, steps: 3 }), torch.logspace({ start: 1, end: 3, steps: 3 })]) {
      expect(t.dtype).toBe(torch.float32);
      expect(t.tolist()).toEqual([10, 100, 1000]);
    }
    expect(torch.logspace(1, 3, 3, { base: 2 }).tolist()).toEqual([2, 4, 8]);
    expect(torch.logspace(1, 3, { steps: 3, base: 2 }).tolist()).toEqual([2, 4, 8]);
    const t = torch.logspace({ start: 1, end: 3, steps: 3, base: 2, dtype: torch.float64 });
    expect([t.dtype, t.tolist()]).toEqual([torch.float64, [2, 4, 8]]);
  });
});

describe('factories: out= with dtype, layout and device', () => {
  const out64 = (): torch.Tensor => torch.empty(0, f64);
  // torch.zeros([2], out=E(), dtype=f64) -> (torch.float64, [2], [0.0, 0.0]); likewise ones [1., 1.], full([2], 3) [3., 3.],
  // eye(2) [[1., 0.], [0., 1.]], eye(2, 3), arange(3) [0., 1., 2.], linspace(0, 1, 3) [0., .5, 1.],
  // logspace(0, 1, 3, 10) [1., 3.1622776601683795, 10.]; empty, rand, randn, randint(5, [2]) give shape [2]
  // (E = lambda: torch.empty(0, dtype=torch.float64))
  it('accept the dtype and device of out, and write into it', () => {
    const cases: [(o: { out: torch.Tensor; dtype: torch.dtype }) => torch.Tensor, unknown][] = [
      [(o) => torch.zeros([2], o), [0, 0]],
      [(o) => torch.ones([2], o), [1, 1]],
      [(o) => torch.full([2], 3, o), [3, 3]],
      [(o) => torch.eye(2, o), [[1, 0], [0, 1]]],
      [(o) => torch.eye(2, 3, o), [[1, 0, 0], [0, 1, 0]]],
      [(o) => torch.arange(3, o), [0, 1, 2]],
      [(o) => torch.linspace(0, 1, 3, o), [0, 0.5, 1]],
      [(o) => torch.logspace(0, 1, 3, 10, o), [1, 3.1622776601683795, 10]],
    ];
    for (const [make, expected] of cases) {
      const out = out64();
      const t = make({ out, dtype: torch.float64 });
      expect([t.dtype, t.tolist()]).toEqual([torch.float64, expected]);
      expect(out.tolist()).toEqual(expected);
    }
    for (const make of [(o: object) => torch.empty([2], o), (o: object) => torch.rand([2], o), (o: object) => torch.randn([2], o), (o: object) => torch.randint(5, [2], o)])
      expect(make({ out: out64(), dtype: torch.float64, device: 'cpu', layout: torch.strided, pinMemory: false }).shape).toEqual([2]);
    // torch.randperm(3, out=torch.empty(0, dtype=torch.int64), dtype=torch.int64).shape -> torch.Size([3])
    expect(torch.randperm(3, { out: torch.empty(0, { dtype: torch.int64 }), dtype: torch.int64 }).shape).toEqual([3]);
  });
  // torch.zeros([2], out=E(), dtype=None) -> tensor([0., 0.], dtype=torch.float64)
  // o = torch.empty(0, dtype=f64); r = torch.zeros([2], out=o, requires_grad=True); (r is o, r.requires_grad, o.requires_grad) -> (True, True, True)
  it('take dtype null, and set requiresGrad on out', () => {
    expect(torch.zeros([2], { out: out64(), dtype: null } as never).tolist()).toEqual([0, 0]);
    const out = out64();
    const r = torch.zeros([2], { out, requiresGrad: true });
    expect([r.requiresGrad, out.requiresGrad, r.tolist()]).toEqual([true, true, [0, 0]]);
  });
  // torch.zeros([2], out=E(), dtype=torch.float32) -> RuntimeError: dtype Float does not match dtype of out parameter (Double)
  // torch.randperm(3, out=torch.empty(0, dtype=torch.int64), dtype=torch.int32) -> RuntimeError: dtype Int does not match dtype of out parameter (Long)
  // torch.zeros([2], out=torch.empty(0, dtype=torch.bfloat16), dtype=torch.complex64) -> ... dtype ComplexFloat does not match dtype of out parameter (BFloat16)
  // torch.arange(3, out=E(), dtype=torch.float32) / linspace / logspace / eye / full / empty / rand / randn / randint: the same message
  it("refuse a dtype other than out's with Python's message", () => {
    const mismatch = new Error('dtype Float does not match dtype of out parameter (Double)');
    expect(() => torch.zeros([2], { out: out64(), dtype: torch.float32 })).toThrow(mismatch);
    expect(() => torch.arange(3, { out: out64(), dtype: torch.float32 })).toThrow(mismatch);
    expect(() => torch.logspace(0, 1, 3, { out: out64(), dtype: torch.float32 })).toThrow(mismatch);
    expect(() => torch.rand([2], { out: out64(), dtype: torch.float32 })).toThrow(mismatch);
    expect(() => torch.randperm(3, { out: torch.empty(0, { dtype: torch.int64 }), dtype: torch.int32 })).toThrow(new Error('dtype Int does not match dtype of out parameter (Long)'));
    expect(() => torch.zeros([2], { out: torch.empty(0, { dtype: torch.bfloat16 }), dtype: torch.complex64 })).toThrow(
      new Error('dtype ComplexFloat does not match dtype of out parameter (BFloat16)'),
    );
  });
  // torch.zeros([2], out=torch.empty(0), layout=torch.sparse_coo) -> RuntimeError: layout Sparse does not match layout of out parameter (Strided)
  // torch.zeros([2], out=torch.empty(0), layout=torch.sparse_csr) -> ... layout SparseCsr does not match layout of out parameter (Strided)
  // torch.zeros([2], out=torch.empty(0), dtype=torch.float32, device='meta') -> RuntimeError: device type meta does not match device type of out parameter (cpu)
  // torch.zeros([2], out=torch.empty(0, device='meta'), device='cpu') -> ... device type cpu does not match device type of out parameter (meta)
  // torch.empty([2], out=torch.empty(0), memory_format=torch.preserve_format) -> RuntimeError: 'memory_format' argument is incompatible with 'out' tensor argument
  it("refuse another layout, device type or a memory format with Python's messages", () => {
    const out = (): torch.Tensor => torch.empty(0);
    expect(() => torch.zeros([2], { out: out(), layout: torch.sparseCoo })).toThrow(new Error('layout Sparse does not match layout of out parameter (Strided)'));
    expect(() => torch.zeros([2], { out: out(), layout: 'sparse_csr' })).toThrow(new Error('layout SparseCsr does not match layout of out parameter (Strided)'));
    expect(() => torch.zeros([2], { out: out(), dtype: torch.float32, device: 'meta' })).toThrow(new Error('device type meta does not match device type of out parameter (cpu)'));
    expect(() => torch.zeros([2], { out: torch.empty(0, { device: 'meta' }), device: 'cpu' })).toThrow(new Error('device type cpu does not match device type of out parameter (meta)'));
    expect(() => torch.empty([2], { out: out(), memoryFormat: torch.preserveFormat })).toThrow(new Error("'memory_format' argument is incompatible with 'out' tensor argument"));
    expect(torch.empty([2], { out: out(), memoryFormat: null }).shape).toEqual([2]);
  });
  // The generated factories (torch.range) take the same path:
  // o = torch.empty(0, dtype=torch.float64); r = torch.range(0, 2, out=o, dtype=torch.float64); print(r is o, r.tolist(), r.dtype)
  //   -> True [0.0, 1.0, 2.0] torch.float64
  // torch.range(0, 2, out=torch.empty(0, dtype=torch.float64), dtype=torch.float32)
  //   -> RuntimeError: dtype Float does not match dtype of out parameter (Double)
  it('holds for the generated factories and for a dtype given by name', () => {
    const o = out64();
    const r = torch.range(0, 2, { out: o, dtype: torch.float64 });
    expect([r === o, r.tolist(), String(r.dtype)]).toEqual([true, [0, 1, 2], 'torch.float64']);
    expect(() => torch.range(0, 2, { out: out64(), dtype: torch.float32 })).toThrow(new Error('dtype Float does not match dtype of out parameter (Double)'));
    expect(() => torch.zeros([2], { out: out64(), dtype: 'float32' })).toThrow(new Error('dtype Float does not match dtype of out parameter (Double)'));
  });
});
