// torch.func against Python torch 2.13, where a review found them apart: jacfwd's argnums check, vjp's check of
// the cotangents' structure, pytrees through jvp/jacfwd/hessian, jacfwd's randomness, in-place writes to an
// unbatched vmap input, vmap's outDims [d] for one tensor output, and non-tensor leaves given to or returned
// from the reverse-mode transforms. Every expected value is the output of the Python quoted above its test
// (run with torch.set_default_dtype(torch.float64), x = tensor([1., 2., 3.]), y = tensor([0.5, -1., 2.]),
// xs = torch.arange(6.).reshape(2, 3)).
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

type T = torch.Tensor;
const { func } = torch;
const D = { dtype: torch.float64 };
const x = torch.tensor([1, 2, 3], D);
const y = torch.tensor([0.5, -1, 2], D);
const xs = torch.arange(6, D).reshape(2, 3);
const ones = (): T => torch.ones(3, D);
const zeros = (): T => torch.zeros(3, D);

// a pytree of tensors against Python's .tolist() of it (lists for tuples, dicts in key order), to 1e-12
function expectTree(actual: unknown, expected: unknown, path = 'result'): void {
  if (torch.isTensor(actual)) return expectTree(actual.tolist(), expected, path);
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${String(actual)} against ${expected}`).toBeLessThanOrEqual(1e-12);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectTree((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  expect(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${path} is an object`).toBe(true);
  expect(Object.keys(actual as object), `${path}'s keys`).toEqual(Object.keys(expected as object));
  for (const [k, e] of Object.entries(expected as object)) expectTree((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
}

describe('torch.func.jacfwd: argnums', () => {
  // >>> jacfwd(lambda a, b: a * b, (0, 0))(x, y)
  // RuntimeError: argnums elements must be unique, got (0, 0)
  // >>> jacfwd(lambda a, b: a * b, (0, -2))(x, y)
  // RuntimeError: argnums elements must be unique, got (0, 0)
  it('refuses repeated argnums, negative ones counted from the end, as Python', () => {
    expect(() => func.jacfwd((a: T, b: T) => a.mul(b), [0, 0])(x, y)).toThrow('argnums elements must be unique, got (0, 0)');
    expect(() => func.jacfwd((a: T, b: T) => a.mul(b), [0, -2])(x, y)).toThrow('argnums elements must be unique, got (0, 0)');
  });
});

describe('torch.func.vjp: the structure of the cotangents', () => {
  // >>> o, fn = vjp(lambda a: {'s': a.sin(), 'c': [a.cos(), a * 2]}, x)
  // >>> fn([torch.ones(3), torch.ones(3), torch.ones(3)])
  // RuntimeError: Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: [*, *, *], primal output: {'s': *, 'c': [*, *]}
  // >>> fn({'c': [torch.ones(3), torch.ones(3)], 's': torch.ones(3)})
  // RuntimeError: Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: {'c': [*, *], 's': *}, primal output: {'s': *, 'c': [*, *]}
  // >>> [t.tolist() for t in fn({'s': torch.ones(3), 'c': [torch.ones(3), torch.ones(3)]})]
  // [[1.6988313210602433, 0.6745557366271759, 0.8688874953396875]]
  // >>> o, fn = vjp(lambda a: a.sin(), x); fn([torch.ones(3)])
  // RuntimeError: Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: [*], primal output: *
  it('vjpFn refuses cotangents whose structure is not the output\'s (key order included), with Python\'s message', () => {
    const [, fn] = func.vjp((a: T) => ({ s: a.sin(), c: [a.cos(), a.mul(2)] }), x) as [unknown, (c: unknown) => unknown[]];
    const head = 'Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function.';
    expect(() => fn([ones(), ones(), ones()])).toThrow(`${head} cotangents: [*, *, *], primal output: {'s': *, 'c': [*, *]}`);
    expect(() => fn({ c: [ones(), ones()], s: ones() })).toThrow(`${head} cotangents: {'c': [*, *], 's': *}, primal output: {'s': *, 'c': [*, *]}`);
    expectTree(fn({ s: ones(), c: [ones(), ones()] }), [[1.6988313210602433, 0.6745557366271759, 0.8688874953396875]]);
    const [, single] = func.vjp((a: T) => a.sin(), x) as [unknown, (c: unknown) => unknown[]];
    expect(() => single([ones()])).toThrow(`${head} cotangents: [*], primal output: *`);
  });
});

describe('torch.func.jvp, jacfwd and hessian: pytrees', () => {
  // >>> jvp(lambda a: {'s': a.sin()}, (x,), (torch.ones(3),))
  // [{'s': [0.8414709848078965, 0.9092974268256817, 0.1411200080598672]}, {'s': [0.5403023058681398, -0.4161468365471424, -0.9899924966004454]}]   (tolist of each)
  // >>> jvp(lambda d: d['a'] * d['b'], ({'a': x, 'b': y},), ({'a': torch.ones(3), 'b': torch.zeros(3)},))
  // [[0.5, -2.0, 6.0], [0.5, -1.0, 2.0]]
  // >>> jvp(lambda d: d['a'] * d['b'], ({'a': x, 'b': y},), ({'b': torch.ones(3), 'a': torch.zeros(3)},))
  // RuntimeError: jvp(f, primals, tangents): Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure TreeSpec(tuple, None, [TreeSpec(dict, ['a', 'b'], [*,
  //     *])]) and tangents with structure TreeSpec(tuple, None, [TreeSpec(dict, ['b', 'a'], [*,
  //     *])])
  it('jvp takes pytree primals and tangents and returns func\'s output structure', () => {
    expectTree(func.jvp((a: T) => ({ s: a.sin() }), [x], [ones()]),
      [{ s: [0.8414709848078965, 0.9092974268256817, 0.1411200080598672] }, { s: [0.5403023058681398, -0.4161468365471424, -0.9899924966004454] }]);
    expectTree(func.jvp((d: { a: T; b: T }) => d.a.mul(d.b), [{ a: x, b: y }], [{ a: ones(), b: zeros() }]), [[0.5, -2, 6], [0.5, -1, 2]]);
    expect(() => func.jvp((d: { a: T; b: T }) => d.a.mul(d.b), [{ a: x, b: y }], [{ b: ones(), a: zeros() }])).toThrow(
      'jvp(f, primals, tangents): Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. ' +
      "Got primals with structure TreeSpec(tuple, None, [TreeSpec(dict, ['a', 'b'], [*,\n    *])]) and tangents with structure TreeSpec(tuple, None, [TreeSpec(dict, ['b', 'a'], [*,\n    *])])");
  });

  // >>> jacfwd(lambda d: d['a'] * d['b'])({'a': x, 'b': y})
  // {'a': [[0.5, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 2.0]], 'b': [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]}
  // >>> jacfwd(lambda a: {'o': a.sin()})(x)
  // {'o': [[0.5403023058681398, 0.0, 0.0], [-0.0, -0.4161468365471424, -0.0], [-0.0, -0.0, -0.9899924966004454]]}
  // >>> jacfwd(lambda d: {'o': d['a'] * d['b'], 'p': [d['a'].sum()]})({'a': x, 'b': y})
  // {'o': {'a': [[0.5, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 2.0]], 'b': [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]}, 'p': [{'a': [1.0, 1.0, 1.0], 'b': [0.0, 0.0, 0.0]}]}
  // >>> jacfwd(lambda a, d: {'o': a * d['b']}, argnums=(0, 1))(x, {'b': y})
  // {'o': [[[0.5, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 2.0]], {'b': [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]}]}
  // >>> hessian(lambda d: d['a'].pow(3).sum())({'a': x})
  // {'a': {'a': [[6.0, 0.0, 0.0], [0.0, 12.0, 0.0], [0.0, 0.0, 18.0]]}}
  // (all printed through tolist)
  it('jacfwd and hessian: output structure outside, the arguments\' structure inside', () => {
    const diagY = [[0.5, 0, 0], [0, -1, 0], [0, 0, 2]];
    const diagX = [[1, 0, 0], [0, 2, 0], [0, 0, 3]];
    expectTree(func.jacfwd((d: { a: T; b: T }) => d.a.mul(d.b))({ a: x, b: y }), { a: diagY, b: diagX });
    expectTree(func.jacfwd((a: T) => ({ o: a.sin() }))(x), { o: [[0.5403023058681398, 0, 0], [-0, -0.4161468365471424, -0], [-0, -0, -0.9899924966004454]] });
    expectTree(func.jacfwd((d: { a: T; b: T }) => ({ o: d.a.mul(d.b), p: [d.a.sum()] }))({ a: x, b: y }),
      { o: { a: diagY, b: diagX }, p: [{ a: [1, 1, 1], b: [0, 0, 0] }] });
    expectTree(func.jacfwd((a: T, d: { b: T }) => ({ o: a.mul(d.b) }), [0, 1])(x, { b: y }), { o: [diagY, { b: diagX }] });
    expectTree(func.hessian((d: { a: T }) => d.a.pow(3).sum())({ a: x }), { a: { a: [[6, 0, 0], [0, 12, 0], [0, 0, 18]] } });
  });
});

describe('torch.func.jacfwd: randomness', () => {
  // >>> torch.manual_seed(0); jacfwd(lambda a: a * torch.rand(3))(x)
  // RuntimeError: vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap
  // >>> torch.manual_seed(0); jacfwd(lambda a: a * torch.rand(3), randomness='same')(x).tolist()
  // [[0.9700530018065531, 0.0, 0.0], [0.0, 0.707819864399788, 0.0], [0.0, 0.0, 0.45938294312745087]]
  // >>> torch.manual_seed(0); J = jacfwd(lambda a: a * torch.rand(3), randomness='different')(x)
  // >>> J.shape, (J - torch.diag(J.diagonal())).abs().max().item()
  // torch.Size([3, 3]) 0.0
  it("refuses random ops by default and takes randomness 'same' / 'different', as vmap", () => {
    torch.manualSeed(0);
    expect(() => func.jacfwd((a: T) => a.mul(torch.rand(3, D)))(x)).toThrow("vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap");
    torch.manualSeed(0);
    expectTree(func.jacfwd((a: T) => a.mul(torch.rand(3, D)), 0, { randomness: 'same' })(x), [[0.9700530018065531, 0, 0], [0, 0.707819864399788, 0], [0, 0, 0.45938294312745087]]);
    torch.manualSeed(0);
    const J = func.jacfwd((a: T) => a.mul(torch.rand(3, D)), 0, { randomness: 'different' })(x) as T;
    expect(J.shape).toEqual([3, 3]);
    expect(J.sub(torch.diag(J.diagonal())).abs().max().item()).toBe(0);
  });
});

describe('torch.vmap: in-place writes and outDims', () => {
  // >>> z = torch.zeros(3); vmap(lambda a, b: b.add_(a), in_dims=(0, None))(xs, z)
  // RuntimeError: output with shape [3] doesn't match the broadcast shape [2, 3]
  // (other in-place ops give other messages, e.g. mul_: "vmap: inplace arithmetic(self, *extra_args) is not possible
  // because there exists a Tensor `other` in extra_args that has more elements than `self`. ...")
  // >>> c = xs.clone(); vmap(lambda a, b: a.add_(b), in_dims=(0, None))(c, torch.ones(3)).tolist(), c.tolist()
  // [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
  it('refuses an in-place write to an unbatched input; writes to batched inputs still work', () => {
    expect(() => torch.vmap((a: T, b: T) => b.add_(a), { inDims: [0, null] })(xs, torch.zeros(3, D))).toThrow(/wrote in place to its input 1 .*which is not batched/);
    const c = xs.clone();
    expectTree(torch.vmap((a: T, b: T) => a.add_(b), { inDims: [0, null] })(c, torch.ones(3, D)), [[1, 2, 3], [4, 5, 6]]);
    expectTree(c, [[1, 2, 3], [4, 5, 6]]);
  });

  // >>> vmap(lambda a: a * 2, out_dims=(0,))(xs).tolist()
  // [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
  // >>> vmap(lambda a: a * 2, out_dims=(1,))(xs).tolist()
  // [[0.0, 6.0], [2.0, 8.0], [4.0, 10.0]]
  // >>> vmap(lambda a: a * 2, out_dims=(0, 1))(xs)
  // ValueError: vmap(<lambda>, ..., out_dims=(0, 1))(<inputs>): out_dims is not compatible with the structure of `outputs`. out_dims has structure TreeSpec(tuple, None, [*,
  //   *]) but outputs has structure *.
  // >>> vmap(lambda a: (a * 2, a), out_dims=(0,))(xs)
  // ValueError: vmap(<lambda>, ..., out_dims=(0,))(<inputs>): out_dims is not compatible with the structure of `outputs`. out_dims has structure TreeSpec(tuple, None, [*]) but outputs has structure TreeSpec(tuple, None, [*,
  //   *]).
  it('a one-element outDims array is the outDim of a lone tensor output, as Python\'s one-element tuple', () => {
    expectTree(torch.vmap((a: T) => a.mul(2), { outDims: [0] })(xs), [[0, 2, 4], [6, 8, 10]]);
    expectTree(torch.vmap((a: T) => a.mul(2), { outDims: [1] })(xs), [[0, 6], [2, 8], [4, 10]]);
    expect(() => torch.vmap((a: T) => a.mul(2), { outDims: [0, 1] })(xs)).toThrow(/is not compatible with the structure/);
    expect(() => torch.vmap((a: T) => [a.mul(2), a], { outDims: [0] })(xs)).toThrow(/is not compatible with the structure/);
  });
});

describe('torch.func: non-tensor leaves', () => {
  // >>> grad(lambda d: d['a'].sum() * d['n'])({'a': x, 'n': 3})
  // ValueError: Thing passed to transform API must be Tensor, got <class 'int'>
  // >>> grad(lambda a, n: a.sum() * n)(x, 3).tolist()
  // [3.0, 3.0, 3.0]
  // >>> vjp(lambda a: [a * 2, 3], x)
  // RuntimeError: vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type <class 'int'>
  // >>> jacrev(lambda a: [a * 2, 3])(x)
  // RuntimeError: vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type <class 'int'>
  it('a differentiated argument must hold only tensors; outputs must be tensors (Python\'s ValueError is a RangeError here)', () => {
    expect(() => func.grad((d: { a: T; n: number }) => d.a.sum().mul(d.n))({ a: x, n: 3 })).toThrow(RangeError);
    expect(() => func.grad((d: { a: T; n: number }) => d.a.sum().mul(d.n))({ a: x, n: 3 })).toThrow("Thing passed to transform API must be Tensor, got <class 'int'>");
    expectTree(func.grad((a: T, n: number) => a.sum().mul(n))(x, 3), [3, 3, 3]);
    expect(() => func.vjp((a: T) => [a.mul(2), 3], x)).toThrow("vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type <class 'int'>");
    expect(() => func.jacrev((a: T) => [a.mul(2), 3])(x)).toThrow("vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type <class 'int'>");
  });
});
