// Options objects (API.md "Arguments"): camelCase keys only, own properties only, no unknown key and
// no explicit undefined at any entry point; whole numbers are Python ints, also beyond int64; out=
// follows PyTorch's autograd and overlap rules. Expected values come from Python torch 2.13.
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { camelCase } from '../lib/options.js';

type Tensor = torch.Tensor;
const bad = (v: unknown): any => v;
const T = torch as any;
const leaf = (...shape: number[]): Tensor => torch.ones(shape).requiresGrad_(true);

describe('one camelCase rule (API.md Naming)', () => {
  it.each([
    ['rounding_mode', 'roundingMode'],
    ['requires_grad', 'requiresGrad'],
    ['clip_grad_norm_', 'clipGradNorm_'],
    ['T_max', 'tMax'],
    ['T_0', 't0'],
    ['T_mult', 'tMult'],
    ['LU_data', 'luData'],
    ['grad_out_', 'gradOut_'],
    ['_foo', '_foo'],
    ['keepdim', 'keepdim'],
    ['A', 'A'],
    ['GRID_SAMPLE_PADDING_MODES', 'GRID_SAMPLE_PADDING_MODES'], // constants in capitals keep their spelling
    ['NO_SWIZZLE', 'NO_SWIZZLE'],
  ])('%s -> %s', (snake, camel) => expect(camelCase(snake)).toBe(camel));

  it('names generated functions and ATen options with the same rule', () => {
    expect(T.luUnpack.name).toBe('luUnpack');
    const [LU, pivots] = torch.ops.aten.linalg_lu_factor(torch.eye(2)) as Tensor[];
    const [p] = T.luUnpack({ luData: LU, luPivots: pivots }); // Python: lu_unpack(LU_data=..., LU_pivots=...)
    expect(p.shape).toEqual([2, 2]);
    expect(() => T.luUnpack(LU, bad({ LU_pivots: pivots }))).toThrow("unexpected option 'LU_pivots' (did you mean 'luPivots'?");
  });
});

describe('unknown, snake_case and misspelt option keys are TypeErrors that suggest the spelling', () => {
  const x = (): Tensor => torch.tensor([5, -7]);
  it.each<[string, () => unknown, string]>([
    ['x.div (hot path)', () => x().div(2, bad({ rounding_mode: 'floor' })), "div: unexpected option 'rounding_mode' (did you mean 'roundingMode'? options are camelCase)"],
    ['x.div_ (hot path)', () => x().div_(2, bad({ rounding_mode: 'floor' })), "div_: unexpected option 'rounding_mode'"],
    ['x.add alpha (hot path)', () => x().add(1, bad({ alfa: 2 })), "add: unexpected option 'alfa' (did you mean 'alpha'?)"],
    ['torch.div (generic)', () => torch.div(x(), 2, bad({ rounding_mode: 'floor' })), "div: unexpected option 'rounding_mode' (did you mean 'roundingMode'?"],
    ['x.sum (generic method)', () => torch.ones(2, 3).sum(bad({ dimm: 1 })), "sum: unexpected option 'dimm' (did you mean 'dim'?)"],
    ['x.sum snake_case keepdim', () => torch.ones(2, 3).sum(bad({ dim: 1, keep_dim: true })), "sum: unexpected option 'keep_dim' (did you mean 'keepdim'?)"],
    ['tensor()', () => torch.tensor([1.5], bad({ requires_grad: true })), "tensor: unexpected option 'requires_grad' (did you mean 'requiresGrad'?"],
    ['zeros()', () => torch.zeros([2], bad({ requires_grad: true })), "zeros: unexpected option 'requires_grad' (did you mean 'requiresGrad'?"],
    ['full()', () => torch.full([2], 1, bad({ dtyp: torch.float64 })), "full: unexpected option 'dtyp' (did you mean 'dtype'?)"],
    ['arange()', () => torch.arange(3, bad({ foo: 1 })), "arange: unexpected option 'foo'; expected one of {"],
    ['frombuffer()', () => torch.frombuffer(new Float32Array(2), bad({ requires_grad: true })), "frombuffer: unexpected option 'requires_grad'"],
    ['to()', () => torch.ones(2).to(bad({ dtype: torch.float64, non_blocking: true })), "to: unexpected option 'non_blocking' (did you mean 'nonBlocking'?"],
    ['to(dtype, options)', () => torch.ones(2).to(torch.float64, bad({ copi: true })), "to: unexpected option 'copi' (did you mean 'copy'?)"],
    ['backward()', () => leaf(2).sum().backward(bad({ retain_graph: true })), "backward: unexpected option 'retain_graph' (did you mean 'retainGraph'?"],
    ['autograd.grad()', () => {
      const w = leaf(2);
      return torch.autograd.grad(w.mul(w).sum(), w, bad({ create_graph: true }));
    }, "autograd.grad: unexpected option 'create_graph' (did you mean 'createGraph'?"],
    ['autograd.backward()', () => torch.autograd.backward(leaf(2).sum(), null, bad({ retain_graph: true })), "autograd.backward: unexpected option 'retain_graph'"],
    ['indexPut_()', () => torch.zeros(3).indexPut_([0], 1, bad({ accumulte: true })), "indexPut_: unexpected option 'accumulte' (did you mean 'accumulate'?)"],
    ['requiresGrad_()', () => torch.zeros(3).requiresGrad_(bad({ requires_grad: true })), "requiresGrad_: unexpected option 'requires_grad'"],
    ['Generator', () => new torch.Generator(bad({ devise: 'cpu' })), "Generator: unexpected option 'devise' (did you mean 'device'?)"],
    ['setPrintoptions()', () => torch.setPrintoptions(bad({ sci_mode: false })), "setPrintoptions: unexpected option 'sci_mode' (did you mean 'sciMode'?"],
    ['norm()', () => torch.norm(torch.ones(2), bad({ keep_dim: true })), "norm: unexpected option 'keep_dim'"],
  ])('%s', (_, fn, message) => {
    expect(fn).toThrow(TypeError);
    expect(fn).toThrow(message);
  });

  it('snake_case keys that once matched the schema name no longer run the op', () => {
    // Python: div(..., rounding_mode='floor') -> [2, -4]; the camelCase spelling does that here.
    expect(torch.tensor([5, -7]).div(2, { roundingMode: 'floor' }).tolist()).toEqual([2, -4]);
    expect(() => torch.div(torch.tensor([5, -7]), 2, bad({ rounding_mode: 'floor' }))).toThrow(TypeError);
  });

  it('Generator({ device }) is the keyword form of Generator(device)', () => {
    expect(new torch.Generator({ device: 'cpu' }).device.type).toBe('cpu');
  });
});

describe('an explicit undefined option is an error, not the default', () => {
  const qint8 = (torch as any).qint9; // a misspelt constant: undefined
  it.each<[string, () => unknown, string]>([
    ['zeros', () => torch.zeros([2], { dtype: qint8 }), 'zeros: option \'dtype\' is undefined'],
    ['tensor', () => torch.tensor([1], { dtype: qint8 }), 'tensor: option \'dtype\' is undefined'],
    ['x.sum', () => torch.ones(2).sum({ dtype: qint8 }), 'sum: option \'dtype\' is undefined'],
    ['x.to', () => torch.ones(2).to({ dtype: qint8 }), 'to: option \'dtype\' is undefined'],
    ['x.add alpha', () => torch.ones(2).add(1, { alpha: undefined }), 'add: option \'alpha\' is undefined'],
    ['x.div roundingMode', () => torch.ones(2).div(1, { roundingMode: undefined }), 'div: option \'roundingMode\' is undefined'],
  ])('%s', (_, fn, message) => {
    expect(fn).toThrow(TypeError);
    expect(fn).toThrow(message);
  });

  it('null is PyTorch\'s None and still means the default', () => {
    expect(torch.ones(2).sum({ dtype: null }).dtype).toBe(torch.float32);
    expect(torch.ones(2).div(2, { roundingMode: null }).tolist()).toEqual([0.5, 0.5]);
  });
});

describe('inherited properties are not options', () => {
  const proto = Object.prototype as Record<string, unknown>;
  afterEach(() => {
    for (const k of ['alpha', 'requiresGrad', 'dtype', 'roundingMode', 'keepdim', 'retainGraph']) delete proto[k];
  });

  it('Object.prototype.alpha changes neither add nor torch.add', () => {
    proto.alpha = 100;
    const a = torch.tensor([1]);
    const b = torch.tensor([2]);
    expect(a.add(b).tolist()).toEqual([3]);
    expect(a.add(b, {}).tolist()).toEqual([3]);
    expect(torch.add(a, b).tolist()).toEqual([3]);
    expect(torch.add(a, b, {} as any).tolist()).toEqual([3]);
  });

  it('Object.prototype.requiresGrad / dtype / roundingMode / keepdim do not reach factories and ops', () => {
    Object.assign(proto, { requiresGrad: true, dtype: torch.float64, roundingMode: 'floor', keepdim: true });
    expect(torch.zeros([2], {}).requiresGrad).toBe(false);
    expect(torch.zeros([2], {}).dtype).toBe(torch.float32);
    expect(torch.tensor([1.5], {}).requiresGrad).toBe(false);
    expect(torch.tensor([1, 3]).div(2, {}).tolist()).toEqual([0.5, 1.5]);
    expect(torch.ones(2, 3).sum({ dim: 1 }).shape).toEqual([2]);
  });
});

describe('whole numbers are Python ints, also beyond int64 (Python 2.13 results)', () => {
  it('int64 + 2**63 wraps exactly as PyTorch does (uint64 scalar)', () => {
    expect(Array.from(torch.tensor([1]).add(2 ** 63).toTypedArray() as BigInt64Array)).toEqual([-9223372036854775807n]);
  });

  it('float64 * 9.25e18 is 9.25e18 (was -9.22e18)', () => {
    expect(torch.ones(1, { dtype: torch.float64 }).mul(9.25e18).tolist()).toEqual([9.25e18]);
    expect(torch.ones(1, { dtype: torch.float64 }).mul(2 ** 63).tolist()).toEqual([2 ** 63]);
  });

  it.each<[string, () => unknown]>([
    ['full', () => torch.full([1], 2 ** 63)],
    ['fill_', () => torch.tensor([1]).fill_(2 ** 63)],
    ['clamp', () => torch.tensor([1]).clamp({ max: 2 ** 63 })],
  ])('%s(2**63) into int64 raises "value cannot be converted to type int64_t without overflow"', (_, fn) => {
    expect(fn).toThrow('value cannot be converted to type int64_t without overflow');
  });

  it("torch.tensor into unsigned dtypes: an integer -max..-1 wraps, as c10's overflow check lets a Python int (torch 2.13's answers)", () => {
    const cases: [torch.dtype, number, number[] | 'overflow'][] = [
      [torch.uint8, -1, [255]], [torch.uint8, -255, [1]], [torch.uint8, -256, 'overflow'], [torch.uint8, 256, 'overflow'],
      [torch.uint8, -1.5, 'overflow'], [torch.uint8, 255.5, 'overflow'], [torch.uint8, 2.5, [2]],
      [torch.uint16, -1, [65535]], [torch.uint16, -65535, [1]], [torch.uint16, -65536, 'overflow'], [torch.uint16, 65536, 'overflow'],
      [torch.uint16, 255.5, [255]], [torch.uint16, -1.5, 'overflow'],
      [torch.uint32, -1, [4294967295]], [torch.uint32, -(2 ** 32 - 1), [1]], [torch.uint32, -(2 ** 32), 'overflow'], [torch.uint32, 2 ** 32, 'overflow'],
      [torch.int8, -1.5, [-1]], [torch.int8, 128, 'overflow'], [torch.int8, -255, 'overflow'],
    ];
    for (const [dtype, v, want] of cases) {
      const make = (): unknown => torch.tensor([v], { dtype }).tolist();
      if (want === 'overflow') expect(make, `${dtype.name} ${v}`).toThrow(`tensor: value ${v} cannot be converted to type ${dtype.name} without overflow`);
      else expect(make(), `${dtype.name} ${v}`).toEqual(want);
    }
  });

  it('below int64 is a RangeError, as Python\'s OverflowError', () => {
    expect(() => torch.tensor([1]).add(-(2 ** 63) - 4096)).toThrow(RangeError);
    expect(() => torch.tensor([1]).add(-(2 ** 63) - 4096)).toThrow('below int64 (Python raises OverflowError)');
    expect(() => torch.full([1], -1e19)).toThrow(RangeError);
    // The way out the message names: a 0-dim float tensor promotes like a Python float.
    expect(torch.ones(1).mul(torch.tensor(-1e19, { dtype: torch.float64 })).dtype).toBe(torch.float32);
  });

  it('from 2^64 on a JS number cannot be an exact integer: it is a float (as 1e20 is in Python)', () => {
    // Python: torch.ones(1, dtype=torch.float64) * 1e20 -> tensor([1.0000e+20], dtype=torch.float64)
    expect(torch.ones(1, { dtype: torch.float64 }).mul(1e20).tolist()).toEqual([1e20]);
    // Python: torch.tensor([1]) * 1e20 -> a float32 tensor (int64 * Python float)
    expect(torch.tensor([1]).mul(1e20).dtype).toBe(torch.float32);
    expect(torch.tensor([1.5]).clamp({ max: 1e30 }).tolist()).toEqual([1.5]);
    expect(torch.full([1], 2 ** 64).dtype).toBe(torch.float32);
    expect(torch.full([1], -3.4028234663852886e38).tolist()).toEqual([-3.4028234663852886e38]);
    // Python: torch.tensor(-1e30) / torch.tensor([-1e30, 1]) / torch.tensor(1e20) → float32 (-1.0000000150474662e+30, …);
    // torch.tensor(2**63) raises (an int literal): a JS 2 ** 63 still does.
    expect([torch.tensor(-1e30), torch.tensor([-1e30, 1]), torch.tensor(1e20), torch.tensor([torch.tensor(1), 1e30])].map((t) => [String(t.dtype), t.tolist()])).toEqual([
      ['torch.float32', -1.0000000150474662e30], ['torch.float32', [-1.0000000150474662e30, 1]], ['torch.float32', 100000002004087730000], ['torch.float32', [1, 1.0000000150474662e30]]]);
    expect(() => torch.tensor(2 ** 63)).toThrow('cannot be converted to type int64 without overflow');
  });

  it('-2**63 is still an int64', () => {
    expect(Array.from(torch.full([1], -(2 ** 63)).toTypedArray() as BigInt64Array)).toEqual([-(2n ** 63n)]);
  });

  it('item() and tolist() agree at exactly ±2^53 and both refuse one more', () => {
    const at = torch.tensor([2n ** 53n, -(2n ** 53n)]);
    expect(at.tolist()).toEqual([2 ** 53, -(2 ** 53)]);
    expect(at.index(0).item()).toBe(2 ** 53);
    expect(at.index(1).item()).toBe(-(2 ** 53));
    const past = torch.tensor([2n ** 53n + 1n]);
    expect(() => past.tolist()).toThrow(RangeError);
    expect(() => past.index(0).item()).toThrow(RangeError);
  });
});

describe('out= as PyTorch checks it', () => {
  it.each<[string, (x: Tensor, out: Tensor) => unknown]>([
    ['mul', (x, out) => torch.mul(x, 2, { out })],
    ['add', (x, out) => torch.add(x, 2, { out })],
    ['sub', (x, out) => torch.sub(x, torch.ones(3), { out })],
    ['div', (x, out) => torch.div(x, 2, { out })],
    ['exp', (x, out) => torch.exp(x, { out })],
  ])('%s(x requiring grad, { out }) raises PyTorch\'s error', (name, call) => {
    const out = torch.empty(3);
    expect(() => call(leaf(3), out)).toThrow(`${name}: `);
    expect(() => call(leaf(3), out)).toThrow("functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
  });

  it('an out tensor that requires grad is refused too; under noGrad out= works', () => {
    expect(() => torch.mul(torch.ones(3), 2, { out: leaf(3) })).toThrow("don't support automatic differentiation");
    const out = torch.empty(3);
    const r = torch.noGrad(() => torch.mul(leaf(3), 2, { out }));
    expect(r).toBe(out);
    expect(r.gradFn).toBeNull();
    expect(r.tolist()).toEqual([2, 2, 2]);
  });

  it('an out that partly overlaps the input is refused; the very same memory is fine', () => {
    const a = torch.arange(6).float();
    expect(() => torch.add(a.index('0:3'), 1, { out: a.index('1:4') })).toThrow('some elements of the input tensor and the written-to tensor refer to a single memory location');
    expect(a.tolist()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(torch.add(a.index('0:3'), 1, { out: a.index('0:3') }).tolist()).toEqual([1, 2, 3]);
    expect(torch.add(a.index('0:3'), 1, { out: a.index('3:') }).tolist()).toEqual([2, 3, 4]);
  });

  it("several outs are one array, as Python's out=(values, indices)", () => {
    const x = torch.tensor([[3, 1, 2], [0, 5, 4]], { dtype: torch.float32 });
    const [v, i] = [torch.empty(0), torch.empty(0, { dtype: torch.int64 })];
    const sorted = torch.sort(x, 1, { out: [v, i] });
    expect(sorted[0]).toBe(v);
    expect(sorted[1]).toBe(i);
    expect(sorted.values).toBe(v);
    expect([v.tolist(), i.tolist()]).toEqual([[[1, 2, 3], [0, 4, 5]], [[1, 2, 0], [0, 2, 1]]]);
    const [m, mi] = torch.max(x, 0, { out: [torch.empty(0), torch.empty(0, { dtype: torch.int64 })] });
    expect([m.tolist(), mi.tolist()]).toEqual([[3, 5, 4], [0, 1, 1]]);
    // PyTorch's own check of each out tensor, and a clear TypeError for the wrong number of them
    expect(() => torch.aminmax(x, { out: [torch.empty(0, { dtype: torch.float64 }), torch.empty(0)] })).toThrow('aminmax: Expected out tensor to have dtype float, but got double instead');
    expect(() => torch.sort(x, { out: [v] as unknown as [Tensor, Tensor] })).toThrow("sort: argument 'out' must be [2 Tensors], not Tensor[]");
    expect(() => torch.sort(x, { out: v as unknown as [Tensor, Tensor] })).toThrow(TypeError);
  });

  it('an out with internal overlap (expanded) is refused', () => {
    expect(() => torch.add(torch.ones(3), 1, { out: torch.ones(1).expand(3) })).toThrow('more than one element of the written-to tensor refers to a single memory location');
    expect(() => torch.mul(torch.ones(3), 2, { out: torch.ones(1).expand(3) })).toThrow('more than one element of the written-to tensor');
  });
});
