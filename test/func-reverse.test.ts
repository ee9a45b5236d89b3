// torch.func's reverse-mode transforms (grad, gradAndValue, vjp, jacrev, hessian) against Python torch 2.13's
// functorch (test/fixtures/func-reverse.json from scripts/make-func-reverse-fixtures.py), nested ones among
// them (grad of grad, hessian = jacfwd over jacrev); the functions are the fixture script's, by name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';

type T = torch.Tensor;
const fixture = JSON.parse(readFileSync(new URL('fixtures/func-reverse.json', import.meta.url), 'utf8')) as {
  torch: string;
  inputs: Record<'X' | 'A' | 'B' | 'S' | 'V' | 'VX' | 'VA' | 'XB' | 'XC' | 'M' | 'W', unknown>;
  cases: { name: string; transform: string; value: unknown }[];
};
const { X, A, B, S, VX, VA, XB, XC, M, W } = Object.fromEntries(Object.entries(fixture.inputs).map(([k, v]) => [k, decode(v) as T])) as Record<'X' | 'A' | 'B' | 'S' | 'VX' | 'VA' | 'XB' | 'XC' | 'M' | 'W', T>;
const { func } = torch;
const AF = torch.autograd.functional;

const FUNCS: Record<string, [(...a: T[]) => T, T[]]> = {
  sin_sum: [(x) => x.sin().mul(x.sum()).sum(), [X]],
  quad: [(a, x) => a.matmul(x).pow(2).sum(), [A, X]],
  matmul_tanh: [(a, b) => torch.tanh(a.matmul(b)).sum(), [A, B]],
  cube: [(s) => s.pow(3), [S]],
  softmax_logsumexp: [(x) => torch.logsumexp(torch.softmax(x, 0).mul(3), 0), [X]],
};
const VECTOR: Record<string, [(...a: T[]) => T | T[], T[]]> = {
  sin_times_sum: [(x) => x.sin().mul(x.sum()), [X]],
  affine: [(a, x) => a.matmul(x).add(1), [A, X]],
  two_outputs: [(x) => [x.exp(), x.sum().mul(x)], [X]],
};

// torch.autograd.functional takes one Tensor or a tuple (an array) of them, as the fixture script passes them.
function functional(name: string, transform: string): unknown {
  if (name in FUNCS) {
    const [f, args] = FUNCS[name]!;
    const ins = args.length === 1 ? args[0]! : args;
    const vs = args.length === 1 ? (args[0] === X ? VX : null) : args.map((a) => (a === A ? VA : a === X ? VX : torch.onesLike(a)));
    switch (transform) {
      case 'af_vjp': return AF.vjp(f, ins);
      case 'af_jacobian': return AF.jacobian(f, ins);
      case 'af_hessian': return AF.hessian(f, ins);
      case 'af_hessian_forward_outer': return AF.hessian(f, ins, { vectorize: true, outerJacobianStrategy: 'forward-mode' });
      case 'af_vhp': return AF.vhp(f, ins, vs);
      case 'af_hvp': return AF.hvp(f, ins, vs);
      case 'af_jvp': return AF.jvp(f, ins, vs);
    }
  }
  const [f, args] = VECTOR[name]!;
  const ins = args.length === 1 ? args[0]! : args;
  const output = f(...args);
  const vOut = Array.isArray(output) ? output.map((o) => torch.onesLike(o).mul(0.5)) : torch.arange(output.numel(), { dtype: torch.float64 }).reshape(output.shape);
  const vIn = args.length === 1 ? VX : [VA, VX];
  switch (transform) {
    case 'af_vjp': return AF.vjp(f, ins, vOut);
    case 'af_jvp': return AF.jvp(f, ins, vIn);
    case 'af_jacobian': return AF.jacobian(f, ins);
    case 'af_jacobian_vectorized': return AF.jacobian(f, ins, { vectorize: true });
    case 'af_jacobian_forward': return AF.jacobian(f, ins, { vectorize: true, strategy: 'forward-mode' });
    case 'af_jacobian_create_graph': return AF.jacobian(f, ins, { createGraph: true });
  }
  throw new Error(`no transform ${transform}`);
}

// torch.func.vmap: the fixture's name is 'vmap', its transform names the case.
function vmapCase(which: string): unknown {
  const { vmap } = func;
  switch (which) {
    case 'sin_w_sum': return vmap((a: T) => a.sin().mul(W).sum())(XB);
    case 'dot_in_dims': return vmap((a: T, b: T) => a.dot(b), [0, null])(XB, W);
    case 'in_dim_1_out_dim_1': return vmap((a: T) => a.mul(2).add(a.sum()), 1, 1)(XB);
    case 'nested': return vmap(vmap((a: T) => a.exp().div(a.exp().sum())))(XC);
    case 'matmul': return vmap((a: T, b: T) => torch.matmul(a, b))(XB.reshape([4, 3, 1]).expand([4, 3, 2]).transpose(1, 2), M);
    case 'two_outputs_out_dims': return vmap((a: T) => [a.sum(), a.mul(3)], 0, [0, 1])(XB);
    case 'chunked': return vmap((a: T) => a.softmax(0), { chunkSize: 3 })(XB);
    case 'unbatched_output': return vmap((_a: T) => W.mul(2))(XB);
    case 'negative_in_dim': return vmap((a: T) => a.cumsum(0), -1)(XB);
    case 'tuple_arg': return vmap((ab: T[]) => ab[0]!.mul(ab[1]!), [[0, null]])([XB, W]);
    case 'per_sample_grad': return vmap(func.grad((a: T) => a.sin().mul(W).sum()) as (a: T) => T)(XB);
    case 'per_sample_jacrev': return vmap(func.jacrev((a: T) => a.sin().mul(a.sum())) as (a: T) => T)(XB);
  }
  throw new Error(`no vmap case ${which}`);
}

function run(name: string, transform: string): unknown {
  if (name === 'vmap') return vmapCase(transform);
  if (transform.startsWith('af_')) return functional(name, transform);
  if (name in FUNCS) {
    const [f, args] = FUNCS[name]!;
    const all = args.map((_, i) => i);
    switch (transform) {
      case 'grad': return func.grad(f)(...args);
      case 'grad_and_value': return func.gradAndValue(f)(...args);
      case 'grad_argnums_all': return func.grad(f, all)(...args);
      case 'hessian': return func.hessian(f)(...args);
      case 'grad_of_grad_sum': return func.grad((...a: T[]) => (func.grad(f)(...a) as T).sum())(...args);
      case 'grad_has_aux': return func.grad((...a: T[]) => [f(...a), a[0]!.mul(2)], 0, { hasAux: true })(...args);
    }
  }
  const [f, args] = VECTOR[name]!;
  switch (transform) {
    case 'vjp': {
      const [output, vjpFn] = func.vjp(f, ...args) as [T | T[], (c: unknown) => unknown];
      const cot = Array.isArray(output) ? output.map((o) => torch.onesLike(o).mul(0.5)) : torch.arange(output.numel(), { dtype: torch.float64 }).reshape(output.shape);
      return [output, vjpFn(cot)];
    }
    case 'jacrev': return func.jacrev(f)(...args);
    case 'jacrev_argnums_all': return func.jacrev(f, args.map((_, i) => i))(...args);
  }
  throw new Error(`no transform ${transform}`);
}

describe(`torch.func reverse-mode transforms (PyTorch ${fixture.torch})`, () => {
  it('come from Python torch 2.13', () => expect(fixture.torch).toMatch(/^2\.13\./));
  for (const c of fixture.cases) {
    it(`${c.transform}(${c.name})`, () => {
      expect(compare(run(c.name, c.transform), c.value)).toBeNull();
    });
  }

  it('results are detached at the outermost level and keep their graph inside another grad', () => {
    const [f] = FUNCS.sin_sum!;
    expect((func.grad(f)(X) as T).requiresGrad).toBe(false);
    expect((func.hessian(f)(X) as T).requiresGrad).toBe(false);
    const x = X.clone().requiresGrad_();
    const g = func.grad(f)(x) as T;
    expect(g.requiresGrad).toBe(true);
    const [gg] = torch.autograd.grad([g.sum()], [x]) as T[];
    expect(compare(gg, fixture.cases.find((c) => c.name === 'sin_sum' && c.transform === 'grad_of_grad_sum')!.value)).toBeNull();
  });

  it("torch.autograd.functional refuses what Python refuses, with its messages; createGraph keeps the graph", () => {
    const [f] = FUNCS.sin_sum!;
    expect(() => AF.vjp((x: T) => x.sin(), X)).toThrow('The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    expect(() => AF.jvp(f, X, torch.ones([4], { dtype: torch.float64 }))).toThrow('v has invalid size: should be torch.Size([3]) but got torch.Size([4]).');
    expect(() => AF.hessian((x: T) => x.sin(), X)).toThrow('should contain a single element');
    expect(() => AF.jacobian((x: T) => x, 3 as never)).toThrow("The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the given inputs has type <class 'int'>.");
    expect(() => AF.jacobian((x: T) => x.sin(), X, { strategy: 'forward-mode' })).toThrow('only implemented for `vectorize=True`');
    expect(() => AF.vjp((a: T, x: T) => x.sum(), [A, X], null, { strict: true })).toThrow('The output of the user-provided function is independent of input 0. This is not allowed in strict mode.');
    expect((AF.jacobian((x: T) => x.sin(), X) as T).requiresGrad).toBe(false);
    const x = X.clone().requiresGrad_();
    expect((AF.jacobian((a: T) => a.sin(), x, { createGraph: true }) as T).requiresGrad).toBe(true);
  });

  it("torch.autograd.functional strict mode raises Python's _check_requires_grad and _fill_in_zeros errors at each stage", () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32 });
    const v = torch.ones([2]);
    const opts = { strict: true, createGraph: true };
    const jacIndep = 'The jacobian of the user-provided function is independent of input 0. This is not allowed in strict mode when create_graph=True.';
    const outNoGrad = 'Output 0 of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.';
    const jacNoGrad = 'While computing the hessian, found that the jacobian of the user-provided function with respect to input 0 is independent of the input. This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear function for example).';
    expect(() => AF.vjp((a: T) => a.mul(2), x, v, opts)).toThrow(jacIndep);
    expect(() => AF.jvp((a: T) => a.mul(2), x, v, opts)).toThrow(jacIndep);
    expect(() => AF.jacobian((a: T) => a.mul(2), x, opts)).toThrow(jacIndep);
    expect(() => AF.vjp(() => torch.ones([2]), x, v, { strict: true })).toThrow(outNoGrad);
    expect(() => AF.jvp(() => torch.ones([2]), x, v, { strict: true })).toThrow(outNoGrad);
    expect(() => AF.jacobian(() => torch.ones([2]), x, { strict: true })).toThrow(outNoGrad);
    expect(() => AF.hessian(() => torch.ones([]), x, { strict: true })).toThrow(outNoGrad);
    expect(() => AF.vhp(() => torch.ones([]), x, v, { strict: true })).toThrow(outNoGrad);
    expect(() => AF.hvp(() => torch.ones([]), x, v, { strict: true })).toThrow(outNoGrad);
    expect(() => AF.jvp((a: T) => a.sign(), x, v, { strict: true })).toThrow('The gradient with respect to input 0 is independent of the inputs of the user-provided function. This is not allowed in strict mode.');
    expect(() => AF.vhp((a: T) => a.mul(2).sum(), x, v, { strict: true })).toThrow(jacNoGrad);
    expect(() => AF.hvp((a: T) => a.mul(2).sum(), x, v, { strict: true })).toThrow(jacNoGrad);
    expect(() => AF.hessian((a: T) => a.mul(2).sum(), x, { strict: true })).toThrow(jacNoGrad);
    expect(() => AF.vhp((a: T) => a.abs().sum(), x, v, opts)).toThrow('The hessian of the user-provided function is independent of input 0. This is not allowed in strict mode when create_graph=True.');
    expect(() => AF.hvp((a: T) => a.abs().sum(), x, v, opts)).toThrow('The hessian of the user-provided function is independent of entry 0 in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.');
    // what passes in Python passes here
    const [, g] = AF.vjp((a: T) => a.pow(2), x, v, opts) as [T, T];
    expect(g.requiresGrad).toBe(true);
    expect((AF.vhp((a: T) => a.relu().sum(), x, v, opts)[1] as T).tolist()).toEqual([0, 0]);
  });

  it('torch.func.vmap is torch.vmap, as in Python; its errors are Python\'s', () => {
    const { vmap } = func;
    expect(vmap).toBe(torch.vmap);
    expect(() => vmap((a: T) => a.add(torch.rand([3])))(XB)).toThrow('vmap: called random operation while in randomness error mode');
    expect(() => vmap((a: T, b: T) => a.add(b))(XB, torch.ones([5, 3]))).toThrow('vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [4, 5] for the mapped dimension');
    expect(() => vmap((a: T) => a, 2)(XB)).toThrow('so expected inDim to satisfy -2 <= inDim < 2.');
    expect(() => vmap((a: T, n: number) => a.mul(n))(XB, 3)).toThrow('We cannot vmap over non-Tensor arguments');
    // one tensor given twice, batched once and once not: each place keeps its own in_dim
    const q = XB.narrow(0, 0, 3);
    expect((vmap((a: T, b: T) => a.add(b), [0, null])(q, q) as T).equal(q.unsqueeze(1).add(q.unsqueeze(0)))).toBe(true);
  });

  it("refuses what functorch refuses, with its messages", () => {
    expect(() => func.grad((x: T) => x.sin())(X)).toThrow('Expected f(*args) to return a scalar Tensor, got tensor with 1 dims');
    expect(() => func.grad((x: T) => 3 as never)(X)).toThrow('Expected f(*args) to return a Tensor');
    expect(() => func.grad(FUNCS.sin_sum![0], 2)(X)).toThrow('Got argnums=2, but only 1 positional inputs');
    expect(() => func.grad((x: T) => x.sum(), 0, { hasAux: true })(X)).toThrow('should be a tuple: (output, aux)');
    const [, vjpFn] = func.vjp((x: T) => x.sin(), X) as [T, (c: unknown) => unknown];
    expect(() => vjpFn(torch.ones([4], { dtype: torch.float64 }))).toThrow('Mismatch in shape');
  });

  it('an argument the function does not use gets a zero gradient', () => {
    const g = func.grad((a: T, x: T) => x.sum(), [0, 1])(A, X) as T[];
    expect(g[0]!.equal(torch.zerosLike(A))).toBe(true);
    expect(g[1]!.equal(torch.onesLike(X))).toBe(true);
  });

  it("objects are pytrees (Python's dicts) in arguments, outputs and aux; PyTorch 2.13's values and errors", () => {
    const x = torch.tensor([1, 2, 3], { dtype: torch.float32 });
    const list = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_, val: unknown) => (torch.isTensor(val) ? val.tolist() : val)));
    torch.manualSeed(0);
    const m = new torch.nn.Linear(2, 1);
    const params = Object.fromEntries(m.namedParameters());
    // Python: grad(lambda pp: functional_call(m, pp, (ones(1, 2),)).sum())(dict(m.named_parameters()))
    expect(list(func.grad((pp: Record<string, T>) => (func.functionalCall(m, pp, [torch.ones(1, 2)]) as T).sum())(params))).toEqual({ weight: [[1, 1]], bias: [1] });
    const diag2 = [[2, 0, 0], [0, 2, 0], [0, 0, 2]];
    expect(list(func.jacrev((d: { a: T }) => d.a.mul(2))({ a: x }))).toEqual({ a: diag2 });
    expect(list(func.jacrev((v: T) => ({ a: v.mul(2), b: v.sum() }))(x))).toEqual({ a: diag2, b: [1, 1, 1] });
    const [out, vjpFn] = func.vjp((v: T) => ({ a: v.mul(2) }), x) as [{ a: T }, (c: unknown) => T[]];
    expect(list([out, vjpFn({ a: torch.onesLike(x) })])).toEqual([{ a: [2, 4, 6] }, [[2, 2, 2]]]);
    const [, dictVjp] = func.vjp((d: { a: T }) => d.a.mul(2), { a: x }) as [T, (c: unknown) => unknown[]];   // a dict primal, not options
    expect(list(dictVjp(torch.onesLike(x)))).toEqual([{ a: [2, 2, 2] }]);
    // aux is detached at the outermost level, every tensor in it (Python: requires_grad False)
    const [, aux] = func.grad((v: T) => [v.pow(2).sum(), { twice: [v.mul(2)] }], 0, { hasAux: true })(x) as [T, { twice: T[] }];
    expect(aux.twice[0]!.requiresGrad).toBe(false);
    expect(list(func.jacrev((v: T) => v.mul(2), 0, { chunkSize: 1 })(x))).toEqual(diag2);
    expect(() => func.jacrev((v: T) => v.mul(2), 0, { chunkSize: 0 })).toThrow('jacrev: `chunk_size` should be greater than 0.');
    expect(() => func.grad((a: T, b: T) => a.mul(b).sum(), [0, 0])(x, x)).toThrow('argnums elements must be unique, got (0, 0)');
    expect(() => func.grad((a: T) => a.sum())(torch.tensor([1, 2], { dtype: torch.complex64 }))).toThrow('grad can be implicitly created only for real scalar outputs but got torch.complex64');
    expect(() => func.jacrev((a: T) => a.long())(x)).toThrow('vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype torch.int64');
  });
});
