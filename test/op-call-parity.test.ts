// How the generic op entry point (native/src/ops.cc) reads a call, against Python's argument parser:
// numbers for Tensor arguments, None results, NumPy's keyword names, and torch.ops' schema names.
// Every expectation was checked by hand against Python 2.13 (the Python call is in the comment above it).
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

const T = torch as any;
const f = (): torch.Tensor => torch.tensor([[1.5, 2.5], [3.5, 4.5]]);
const x = (): torch.Tensor => torch.tensor([1, 2]);

describe('a number for a Tensor argument', () => {
  it('does not turn a misused int argument into another overload', () => {
    // torch.max(f, 1, out=torch.empty(0))
    // TypeError: max() received an invalid combination of arguments - got (Tensor, int, out=Tensor), ...
    expect(() => T.max(f(), 1, { out: torch.empty(0) })).toThrow(TypeError);
    expect(() => T.max(f(), 1, { out: torch.empty(0) })).toThrow(/invalid combination of arguments/);
    // f.max(0.5)
    // TypeError: max() received an invalid combination of arguments - got (float), ...
    expect(() => T.tensor([1.5, 2.5]).max(0.5)).toThrow(/max: received an invalid combination of arguments - got \(number \(0\.5\)\)/);
  });

  it('is never an out= tensor', () => {
    // Python 2.13 runs torch.add(x, x, out=5) into a temporary (add takes numbers as tensors everywhere) and
    // returns tensor([2, 4]); torchnode returned the number 5. An out= argument must be a tensor here.
    // Python's words where it refuses one, torch.mm(f, f, out=5)'s out= overload: "argument 'out' must be Tensor, not int"
    expect(() => T.add(x(), x(), { out: 5 })).toThrow("add: argument 'out' must be Tensor, not number");
    expect(() => T.mul(x(), 2, { out: 0 })).toThrow(TypeError);
  });

  it('still works where Python takes it, or an int / Scalar overload takes it', () => {
    // torch.add(x, 2) -> tensor([3, 4]); torch.ops.aten.add.Tensor(f, 2) -> tensor([[3.5, 4.5], [5.5, 6.5]])
    const sum = torch.add(x(), 2);
    expect(sum.tolist()).toEqual([3, 4]);
    expect(sum.dtype).toBe(torch.int64);
    expect((torch.ops.aten.add.Tensor!(f(), 2) as torch.Tensor).tolist()).toEqual([[3.5, 4.5], [5.5, 6.5]]);
    // torch.sub(x, 1, out=torch.empty(2, dtype=torch.int64)) -> tensor([0, 1])
    expect(T.sub(x(), 1, { out: torch.empty(2, { dtype: torch.int64 }) }).tolist()).toEqual([0, 1]);
    // f.max(1).values -> tensor([2.5, 4.5])
    expect(f().max(1).values.tolist()).toEqual([2.5, 4.5]);
    // torch.where(torch.tensor([True, False]), x, 0) -> tensor([1, 0])
    expect(torch.where(torch.tensor([true, false]), x(), 0).tolist()).toEqual([1, 0]);
    // torch.clamp(x, min=torch.tensor(0), max=1) -> tensor([1, 1]) (Python: the Scalar overload, a 0-dim min)
    expect(T.clamp(x(), { min: torch.tensor(0), max: 1 }).tolist()).toEqual([1, 1]);
  });

  it("stays torchnode's documented superset where no other overload takes a number there (README)", () => {
    // Python: torch.maximum(f, 0) is a TypeError ("argument 'other' (position 2) must be Tensor, not int");
    // torchnode takes the number as a wrapped number (README, "Every ATen operator").
    expect(T.maximum(f(), 2).tolist()).toEqual([[2, 2.5], [3.5, 4.5]]);
  });
});

describe('an op whose schema returns nothing', () => {
  it('gives null, as Python gives None', () => {
    // torch.ops.aten._foreach_add_.Scalar([t], 1) -> None (t is now t + 1)
    const t = f();
    expect(torch.ops.aten._foreach_add_!.Scalar!([t], 1)).toBeNull();
    expect(t.tolist()).toEqual([[2.5, 3.5], [4.5, 5.5]]);
    // torch.ops.aten._assert_async.default(torch.tensor(True)) -> None
    expect(torch.ops.aten._assert_async!.default!(torch.tensor(true))).toBeNull();
    // torch.sym_constrain_range(3, min=0, max=5) -> None
    expect(T.symConstrainRange(3, { min: 0, max: 5 })).toBeNull();
  });
});

describe("NumPy's keyword names (python_arg_parser's numpy_compatibility_arg_names)", () => {
  it('axis for dim, keepdims for keepdim', () => {
    // torch.sum(f, axis=0) -> tensor([5., 7.]); f.sum(axis=0) -> tensor([5., 7.])
    expect(T.sum(f(), { axis: 0 }).tolist()).toEqual([5, 7]);
    expect((f() as any).sum({ axis: 0 }).tolist()).toEqual([5, 7]);
    // f.sum(axis=1, keepdims=True) -> tensor([[4.], [8.]])
    expect((f() as any).sum({ axis: 1, keepdims: true }).tolist()).toEqual([[4], [8]]);
    // torch.mean(f, axis=0) -> tensor([2.5, 3.5])
    expect(T.mean(f(), { axis: 0 }).tolist()).toEqual([2.5, 3.5]);
    // torch.cat([f, f], axis=1) -> tensor([[1.5, 2.5, 1.5, 2.5], [3.5, 4.5, 3.5, 4.5]])
    expect(T.cat([f(), f()], { axis: 1 }).tolist()).toEqual([[1.5, 2.5, 1.5, 2.5], [3.5, 4.5, 3.5, 4.5]]);
  });

  it('x / a / x1 for input, x2 for other', () => {
    // torch.sum(x=f) -> tensor(12.); torch.sum(a=f) -> tensor(12.)
    expect(T.sum({ x: f() }).item()).toBe(12);
    expect(T.sum({ a: f() }).item()).toBe(12);
    // torch.add(x1=x, x2=x) -> tensor([2, 4])
    expect(T.add({ x1: x(), x2: x() }).tolist()).toEqual([2, 4]);
  });

  it("an argument's own name wins over an alias", () => {
    // torch.fake_quantize_per_channel_affine(f, torch.ones(2), torch.zeros(2, dtype=torch.int32), axis=0,
    //     quant_min=0, quant_max=255) -> tensor([[2., 2.], [4., 4.]]) (its own `axis` argument)
    const q = T.fakeQuantizePerChannelAffine(f(), torch.ones(2), torch.zeros(2, { dtype: torch.int32 }), { axis: 0, quantMin: 0, quantMax: 255 });
    expect(q.tolist()).toEqual([[2, 2], [4, 4]]);
  });

  it('both names at once is an error', () => {
    // torch.sum(f, dim=0, axis=0) -> TypeError: sum() got an unexpected keyword argument 'axis'
    expect(() => T.sum(f(), { dim: 0, axis: 0 })).toThrow(TypeError);
    expect(() => T.sum(f(), { dim: 0, axis: 0 })).toThrow(/sum: got an unexpected keyword argument 'axis'/);
    expect(() => T.sum(f(), { axis: 0, dim: 0 })).toThrow(/got an unexpected keyword argument 'axis'/);
    // torch.sum(f, 0, keepdim=True, keepdims=True) -> TypeError: sum() got an unexpected keyword argument 'keepdims'
    expect(() => T.sum(f(), 0, { keepdim: true, keepdims: true })).toThrow(/got an unexpected keyword argument 'keepdims'/);
    // torch.sum(f, 0, axis=0) -> TypeError (Python: unexpected keyword argument 'axis')
    expect(() => T.sum(f(), 0, { axis: 0 })).toThrow(/got \(Tensor, number, \{ axis: number \}\)/);
  });

  it('torch.ops takes no NumPy names', () => {
    // torch.ops.aten.sum.dim_IntList(f, axis=[0]) -> RuntimeError: aten::sum() is missing value for argument 'dim'
    expect(() => torch.ops.aten.sum!.dim_IntList!(f(), { axis: [0] })).toThrow(/unexpected option 'axis'/);
  });
});

describe("torch.ops takes the schema's argument names", () => {
  it('self', () => {
    // torch.ops.aten.mm.default(self=f, mat2=f) -> tensor([[11., 15.], [21., 29.]]); so does torch.ops.aten.mm(self=f, mat2=f)
    expect((torch.ops.aten.mm!.default!({ self: f(), mat2: f() }) as torch.Tensor).tolist()).toEqual([[11, 15], [21, 29]]);
    expect((torch.ops.aten.mm!({ self: f(), mat2: f() }) as torch.Tensor).tolist()).toEqual([[11, 15], [21, 29]]);
    // torchnode also takes `input` there (Python: "missing value for argument 'self'"), but not both
    expect((torch.ops.aten.mm!.default!({ input: f(), mat2: f() }) as torch.Tensor).tolist()).toEqual([[11, 15], [21, 29]]);
    expect(() => torch.ops.aten.mm!.default!({ self: f(), input: f(), mat2: f() })).toThrow(/unexpected keyword argument 'input'/);
    // an unknown option's error lists the schema's names
    expect(() => torch.ops.aten.mm!.default!({ self: f(), mat3: f() })).toThrow(/unexpected option 'mat3'.*\{ self, mat2 \}/);
  });

  it('torch.* functions keep Python\'s `input`', () => {
    // torch.mm(self=f, mat2=f) -> TypeError: mm() missing 2 required positional argument: "input", "mat2"
    expect(() => T.mm({ self: f(), mat2: f() })).toThrow(/unexpected option 'self'/);
    // torch.mm(input=f, mat2=f) -> tensor([[11., 15.], [21., 29.]])
    expect(T.mm({ input: f(), mat2: f() }).tolist()).toEqual([[11, 15], [21, 29]]);
  });
});

// python_arg_parser.cpp: where one signature could take the call but for an argument's type, Python names
// that argument ("argument 'other' (position 2) must be Tensor, not str"); otherwise it lists the signatures,
// each with why it did not match. torchnode says the same in JS terms (its type names, its signatures).
describe("an argument of the wrong type is named, as Python's argument parser names it", () => {
  it('by position, counting self in a function and not in a method', () => {
    // torch.add(f, 'x') -> TypeError: add(): argument 'other' (position 2) must be Tensor, not str
    expect(() => T.add(f(), 'x')).toThrow(TypeError);
    expect(() => T.add(f(), 'x')).toThrow("add: argument 'other' (position 2) must be Tensor, not string");
    // torch.mm(f, None) -> TypeError: mm(): argument 'mat2' (position 2) must be Tensor, not NoneType
    expect(() => T.mm(f(), null)).toThrow("mm: argument 'mat2' (position 2) must be Tensor, not null");
    // f.mm(None) -> TypeError: mm(): argument 'mat2' (position 1) must be Tensor, not NoneType
    expect(() => (f() as any).mm(null)).toThrow("mm: argument 'mat2' (position 1) must be Tensor, not null");
    // f.flip('x') -> TypeError: flip(): argument 'dims' (position 1) must be tuple of ints, not str
    expect(() => (f() as any).flip('x')).toThrow("flip: argument 'dims' (position 1) must be int | int[], not string");
    // f.sum(1, 1) -> TypeError: sum(): argument 'keepdim' (position 2) must be bool, not int
    expect(() => (f() as any).sum(1, 1)).toThrow("sum: argument 'keepdim' (position 2) must be boolean, not number");
  });

  it('in every overload alike: one line (out= overloads, factories)', () => {
    // torch.zeros('a') -> TypeError: zeros(): argument 'size' (position 1) must be tuple of ints, not str
    expect(() => T.zeros('a')).toThrow("zeros: argument 'size' (position 1) must be int | int[], not string");
    // torch.cat(f) -> TypeError: cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor
    expect(() => T.cat(f())).toThrow("cat: argument 'tensors' (position 1) must be Tensor[], not Tensor");
  });

  it('by name, without a position, when given as an option', () => {
    // torch.flip(f, dims='x') -> TypeError: flip(): argument 'dims' must be tuple of ints, not str
    expect(() => T.flip(f(), { dims: 'x' })).toThrow("flip: argument 'dims' must be int | int[], not string");
    // torch.add(f, f, alpha='x') -> TypeError: add(): argument 'alpha' must be Number, not str
    expect(() => T.add(f(), f(), { alpha: 'x' })).toThrow("add: argument 'alpha' must be number, not string");
  });

  it('where only one signature takes the options given (Python lists both of sum\'s)', () => {
    // torch.sum(f, dim='x') -> TypeError: sum() received an invalid combination of arguments - got (Tensor, dim=str), but
    // expected one of: (Tensor input, *, torch.dtype dtype = None), (Tensor input, tuple of ints dim, ...). Only the
    // second takes a dim: torchnode names it.
    expect(() => T.sum(f(), { dim: 'x' })).toThrow("sum: argument 'dim' must be int | int[] | null, not string");
  });

  it('lists the signatures, each with why it did not match, where several could take the call', () => {
    // f.view('x') -> TypeError: view() received an invalid combination of arguments - got (str), but expected one of:
    //  * (torch.dtype dtype)
    //       didn't match because some of the arguments have invalid types: (!str!)
    //  * (tuple of ints size)
    //       didn't match because some of the arguments have invalid types: (!str!)
    expect(() => (f() as any).view('x')).toThrow(
      'view: received an invalid combination of arguments - got (string), but expected one of:\n' +
      '  view(size: number | number[])\n' +
      "      didn't match because some of the arguments have invalid types: (!string!)\n" +
      '  view(dtype: dtype)\n' +
      "      didn't match because some of the arguments have invalid types: (!string!)");
    // f.narrow(0, 'x', 1) -> TypeError: narrow() received an invalid combination of arguments - got (int, str, int), ...
    //       didn't match because some of the arguments have invalid types: (int, !str!, int)
    expect(() => (f() as any).narrow(0, 'x', 1)).toThrow("didn't match because some of the arguments have invalid types: (number, !string!, number)");
    // torch.clamp(f, min='x') -> TypeError: clamp() received an invalid combination of arguments - got (Tensor, min=str), ...
    //  * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)
    //  * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)
    // (Python leaves out why here: it explains only signatures with exactly as many arguments as given)
    expect(() => T.clamp(f(), { min: 'x' })).toThrow(
      /^clamp: received an invalid combination of arguments - got \(Tensor, \{ min: string \}\), but expected one of:\n  clamp\(input: Tensor, min\?: number \| null, max\?: number \| null, \{ out \}\)\n      didn't match because some of the arguments have invalid types: \(Tensor, \{ min: !string! \}\)\n  clamp\(input: Tensor, min\?: Tensor \| null/);
  });

  it('says why where no signature takes that many arguments, or a given option', () => {
    // torch.mm(f) -> TypeError: mm() received an invalid combination of arguments - got (Tensor), but expected one of: ...
    expect(() => T.mm(f())).toThrow(/^mm: received an invalid combination of arguments - got \(Tensor\), but expected one of:\n.*\n      didn't match because it is missing required argument 'mat2' \(position 2\)/);
    // torch.exp(f, 1) -> TypeError: exp() takes 1 positional argument but 2 were given
    expect(() => T.exp(f(), 1)).toThrow("didn't match because it takes 1 positional argument but 2 were given");
    // torch.max(f, 1, out=torch.empty(0)) -> TypeError: max() received an invalid combination of arguments - got (Tensor, int, out=Tensor), ...
    //  * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)
    expect(() => T.max(f(), 1, { out: torch.empty(0) })).toThrow(
      "max(input: Tensor, dim: number, keepdim?: boolean, { out: [2 Tensors] })\n      didn't match because some of the arguments have invalid types: (Tensor, number, { out: !Tensor! })");
    // torch.sum(f, 0, axis=0) -> TypeError: sum() got an unexpected keyword argument 'axis'
    expect(() => T.sum(f(), 0, { axis: 0 })).toThrow("didn't match because some of the options were incorrect: axis");
  });

  it("torch.ops uses the schema's names (self)", () => {
    // torch.ops.aten.add.Tensor('x', f) -> RuntimeError: aten::add() Expected a value of type 'Tensor' for argument 'self'
    // but instead found type 'str'. Position: 0 ... (torch.ops' own words; torchnode keeps its TypeError, with `self`)
    expect(() => torch.ops.aten.add!.Tensor!('x' as never, f())).toThrow("add: argument 'self' (position 1) must be Tensor, not string");
    // torch.ops.aten.mm.default(f) -> RuntimeError: aten::mm() is missing value for argument 'mat2'. Declaration: aten::mm(Tensor self, Tensor mat2) -> Tensor
    expect(() => torch.ops.aten.mm!.default!(f())).toThrow("\n  mm(self: Tensor, mat2: Tensor)\n      didn't match because it is missing required argument 'mat2' (position 2)");
  });
});
