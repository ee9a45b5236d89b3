// torch.ops as Python's _OpNamespace / OpOverloadPacket / OpOverload (JS protocol names are not operators;
// overloads(), _schema, name(); unknown names throw where they are read), and the hot Tensor methods
// (add/sub/mul/div/matmul and their in-place forms) in Python's keyword form.
// Every expectation was checked by hand against Python 2.13 (the Python snippet is in the comment above it).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

const T = torch as any;
const aten = torch.ops.aten;
const f = (): torch.Tensor => torch.tensor([1.5, 2.5, 3.5]);

describe('torch.ops objects are not thenables and print as Python', () => {
  it('await of a packet, an overload or a namespace gives the object itself', async () => {
    // (no Python counterpart: Python has no `then` protocol; torch.ops.aten.mm.then is an AttributeError there)
    const pick = async (): Promise<unknown> => aten.mm;
    expect(await pick()).toBe(aten.mm);
    expect(await Promise.resolve(aten)).toBe(aten);
    expect(await Promise.resolve(aten.add.Tensor)).toBe(aten.add.Tensor);
    expect(await Promise.resolve(torch.ops)).toBe(torch.ops);
    expect(T.ops.aten.then).toBeUndefined();
    expect(T.ops.aten.add.then).toBeUndefined();
    expect(T.ops.then).toBeUndefined();
  });

  it('String, templates, util.inspect and JSON.stringify', () => {
    // str(torch.ops.aten) -> "<module 'torch.ops.aten' from 'torch.ops'>"; repr(torch.ops) -> "<module 'torch.ops' from '_ops.py'>"
    // str(torch.ops.aten.add) -> 'aten.add'; repr -> "<OpOverloadPacket(op='aten.add')>"
    // str(torch.ops.aten.mm.default) -> 'aten.mm.default'; repr -> "<OpOverload(op='aten.mm', overload='default')>"
    expect(String(torch.ops.prim)).toBe("<module 'torch.ops.prim' from 'torch.ops'>");
    expect(`${aten}`).toBe("<module 'torch.ops.aten' from 'torch.ops'>");
    expect(String(torch.ops)).toBe("<module 'torch.ops' from '_ops.py'>");
    expect(`${aten.add} ${aten.mm.default}`).toBe('aten.add aten.mm.default');
    expect(inspect(aten.add)).toBe("<OpOverloadPacket(op='aten.add')>");
    expect(inspect(aten.mm.default)).toBe("<OpOverload(op='aten.mm', overload='default')>");
    expect(inspect(aten)).toBe("<module 'torch.ops.aten' from 'torch.ops'>");
    // functions stringify to nothing, as any JS function; a namespace to an empty object
    expect(JSON.stringify(aten.add)).toBeUndefined();
    expect(JSON.stringify({ op: aten.mm.default, p: aten.add, ns: aten })).toBe('{"ns":{}}');
    expect(T.ops.aten.add.toJSON).toBeUndefined();
    expect(T.ops.aten[Symbol.toPrimitive]).toBeUndefined();
    expect(T.ops.aten.add.$$typeof).toBeUndefined();
  });
});

describe('torch.ops introspection as Python', () => {
  it('packet.overloads(): the overload names the dispatcher has', () => {
    // [o for o in torch.ops.aten.add.overloads() if the dispatcher has aten::add.o] -> ['Tensor', 'Scalar', 'out', 'Scalar_out']
    // (Python's list also has the TorchScript interpreter's overloads t, str, int, ..., default, which libtorch's
    // dispatcher does not hold; the order is the dispatcher's, so the comparison is of sets)
    const sorted = (names: string[]): string[] => [...names].sort();
    expect(sorted(aten.add.overloads())).toEqual(sorted(['Tensor', 'Scalar', 'out', 'Scalar_out']));
    // same filter: mm -> ['default', 'out', 'dtype_out', 'dtype']; div -> ['Tensor', 'Scalar', 'Tensor_mode', 'Scalar_mode', 'out', 'out_mode', 'Scalar_out', 'Scalar_mode_out']
    expect(sorted(aten.mm.overloads())).toEqual(sorted(['default', 'out', 'dtype_out', 'dtype']));
    expect(sorted(aten.div.overloads())).toEqual(sorted(['Tensor', 'Scalar', 'Tensor_mode', 'Scalar_mode', 'out', 'out_mode', 'Scalar_out', 'Scalar_mode_out']));
    // div_ -> ['Tensor', 'Tensor_mode', 'Scalar', 'Scalar_mode']; max -> ['other', 'default', 'dim', 'dim_max', 'unary_out', 'out']
    expect(sorted(aten.div_.overloads())).toEqual(sorted(['Tensor', 'Tensor_mode', 'Scalar', 'Scalar_mode']));
    expect(sorted(aten.max.overloads())).toEqual(sorted(['other', 'default', 'dim', 'dim_max', 'unary_out', 'out']));
  });

  it('overload._schema, name(), _overloadname, namespace, overloadpacket', () => {
    // str(torch.ops.aten.add.Tensor._schema) -> 'aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor'
    expect(aten.add.Tensor._schema).toBe('aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor');
    expect(aten.add.Tensor.schema).toBe(aten.add.Tensor._schema);
    // str(torch.ops.aten.mm.default._schema) -> 'aten::mm(Tensor self, Tensor mat2) -> Tensor'
    expect(aten.mm.default._schema).toBe('aten::mm(Tensor self, Tensor mat2) -> Tensor');
    // str(torch.ops.aten.div.Tensor_mode._schema) -> 'aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor'
    expect(aten.div.Tensor_mode._schema).toBe('aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor');
    // str(torch.ops.aten.add.Scalar._schema) -> 'aten::add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor'
    expect(aten.add.Scalar._schema).toBe('aten::add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor');
    // torch.ops.aten.add.Tensor.name() -> 'aten::add.Tensor'; torch.ops.aten.mm.default.name() -> 'aten::mm'
    const name = (op: unknown): string => (op as { name(): string }).name();
    expect(name(aten.add.Tensor)).toBe('aten::add.Tensor');
    expect(name(aten.mm.default)).toBe('aten::mm');
    expect(name(aten.div.Tensor_mode)).toBe('aten::div.Tensor_mode');
    // torch.ops.aten.add.Tensor._overloadname -> 'Tensor'; mm.default._overloadname -> 'default'; .namespace -> 'aten'
    expect(aten.add.Tensor._overloadname).toBe('Tensor');
    expect(aten.mm.default._overloadname).toBe('default');
    expect(aten.add.Tensor.namespace).toBe('aten');
    // torch.ops.aten.add.Tensor.overloadpacket is torch.ops.aten.add -> True
    expect(aten.add.Tensor.overloadpacket).toBe(aten.add);
    // overloads are the same object each time, and still call their op
    expect(aten.add.Tensor).toBe(aten.add.Tensor);
    // torch.ops.aten.add.Scalar(torch.tensor([1.5, 2.5, 3.5]), 2) -> tensor([3.5, 4.5, 5.5])
    expect((aten.add.Scalar(f(), 2) as torch.Tensor).tolist()).toEqual([3.5, 4.5, 5.5]);
  });

  it('an unknown overload or operator throws where it is read (Python: AttributeError)', () => {
    // torch.ops.aten.add.Foo -> AttributeError: The underlying op of 'aten.add' has no overload name 'Foo'
    expect(() => aten.add.Foo).toThrow(TypeError);
    expect(() => aten.add.Foo).toThrow("The underlying op of 'aten.add' has no overload name 'Foo'");
    // torch.ops.aten.mm.Tensor -> AttributeError: The underlying op of 'aten.mm' has no overload name 'Tensor'
    expect(() => aten.mm.Tensor).toThrow("The underlying op of 'aten.mm' has no overload name 'Tensor'");
    // torch.ops.aten.nonexist -> AttributeError: '_OpNamespace' 'aten' object has no attribute 'nonexist'
    expect(() => aten.nonexist).toThrow("'_OpNamespace' 'aten' object has no attribute 'nonexist'");
    // `in` asks without throwing
    expect(['mm' in aten, 'nonexist' in aten, 'Tensor' in aten.add, 'Foo' in aten.add, 'default' in aten.mm]).toEqual([true, false, true, false, true]);
  });

  it('.default is the overload with an empty name', () => {
    // torch.ops.aten.relu.default(torch.tensor([-1., 2.])) -> tensor([0., 2.]); torch.ops.aten.relu.overloads() -> ['default', 'out']
    expect((aten.relu.default(torch.tensor([-1, 2], { dtype: torch.float32 })) as torch.Tensor).tolist()).toEqual([0, 2]);
    expect([...aten.relu.overloads()].sort()).toEqual(['default', 'out']);
    // torch.ops.aten.add.default is TorchScript's aten::add(Scalar a, Scalar b) -> Scalar, which libtorch's dispatcher has not
    expect(() => aten.add.default).toThrow("no overload name 'default'");
  });

  it('other namespaces that libtorch registers operators in', () => {
    // repr(torch.ops.quantized) -> "<module 'torch.ops.quantized' from 'torch.ops'>"
    // str(torch.ops.quantized.add.default._schema) -> 'quantized::add(Tensor qa, Tensor qb, float scale, int zero_point) -> Tensor qc'
    // torch.ops.quantized.add.overloads() -> ['default', 'out', 'Scalar', 'Scalar2', 'Scalar_out']
    const quantized = torch.ops.quantized!;
    expect(String(quantized)).toBe("<module 'torch.ops.quantized' from 'torch.ops'>");
    expect(quantized.add.default._schema).toBe('quantized::add(Tensor qa, Tensor qb, float scale, int zero_point) -> Tensor qc');
    expect((quantized.add.default as unknown as { name(): string }).name()).toBe('quantized::add');
    expect([...quantized.add.overloads()].sort()).toEqual(['Scalar', 'Scalar2', 'Scalar_out', 'default', 'out']);
    expect('quantized' in torch.ops).toBe(true);
    // torch.ops.prims is Python's (torch._prims registers its ops from Python): libtorch has no prims:: operator
    expect(torch.ops.prims).toBeUndefined();
    expect('prims' in torch.ops).toBe(false);
  });
});

describe("the hot Tensor methods take Python's keyword form", () => {
  it('add/sub/mul/div/matmul with other (and alpha, roundingMode) as options', () => {
    // f = torch.tensor([1.5, 2.5, 3.5])
    // f.add(other=1) -> [2.5, 3.5, 4.5]; f.add(other=f, alpha=2) -> [4.5, 7.5, 10.5]; f.sub(other=1, alpha=3) -> [-1.5, -0.5, 0.5]
    expect(f().add({ other: 1 }).tolist()).toEqual([2.5, 3.5, 4.5]);
    expect(f().add({ other: f(), alpha: 2 }).tolist()).toEqual([4.5, 7.5, 10.5]);
    expect(f().sub({ other: 1, alpha: 3 }).tolist()).toEqual([-1.5, -0.5, 0.5]);
    // f.mul(other=2) -> [3.0, 5.0, 7.0]
    expect(f().mul({ other: 2 }).tolist()).toEqual([3, 5, 7]);
    // f.div(other=2, rounding_mode='floor') -> [0.0, 1.0, 1.0]; f.div(other=2) -> [0.75, 1.25, 1.75]; rounding_mode=None the same
    expect(f().div({ other: 2, roundingMode: 'floor' }).tolist()).toEqual([0, 1, 1]);
    expect(f().div({ other: 2 }).tolist()).toEqual([0.75, 1.25, 1.75]);
    expect(f().div({ other: 2, roundingMode: null }).tolist()).toEqual([0.75, 1.25, 1.75]);
    // m = torch.tensor([[1., 2.], [3., 4.]]); m.matmul(other=m) -> [[7.0, 10.0], [15.0, 22.0]]
    const m = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
    expect(m.matmul({ other: m }).tolist()).toEqual([[7, 10], [15, 22]]);
    // torch.tensor([1, 2]).add(other=2.5).dtype -> torch.float32; torch.tensor([1, 2]).mul(other=True).dtype -> torch.int64
    expect(torch.tensor([1, 2]).add({ other: 2.5 }).dtype).toBe(torch.float32);
    expect(torch.tensor([1, 2]).mul({ other: true }).dtype).toBe(torch.int64);
  });

  it('the in-place forms', () => {
    // x = f.clone(); x.add_(other=1) -> [2.5, 3.5, 4.5]; x.sub_(other=f, alpha=2) on a fresh clone -> [-1.5, -2.5, -3.5]
    const a = f();
    expect(a.add_({ other: 1 })).toBe(a);
    expect(a.tolist()).toEqual([2.5, 3.5, 4.5]);
    expect(f().sub_({ other: f(), alpha: 2 }).tolist()).toEqual([-1.5, -2.5, -3.5]);
    // x.mul_(other=f) -> [2.25, 6.25, 12.25]; x.div_(other=2, rounding_mode='floor') -> [0.0, 1.0, 1.0]
    expect(f().mul_({ other: f() }).tolist()).toEqual([2.25, 6.25, 12.25]);
    expect(f().div_({ other: 2, roundingMode: 'floor' }).tolist()).toEqual([0, 1, 1]);
  });

  it("wrong calls raise Python's errors", () => {
    // f.mul(f, 2) -> TypeError: mul() takes 1 positional argument but 2 were given (matmul, mul_ the same)
    expect(() => T.tensor([1.5]).mul(f(), 2)).toThrow('mul: takes 1 positional argument but 2 were given');
    expect(() => T.tensor([1.5]).mul_(f(), 2)).toThrow('mul_: takes 1 positional argument but 2 were given');
    expect(() => T.tensor([1.5]).matmul(f(), f())).toThrow('matmul: takes 1 positional argument but 2 were given');
    // f.add(f, 2) -> TypeError: add() takes 1 positional argument but 2 were given (alpha is keyword-only; sub, add_, sub_ the same)
    expect(() => T.tensor([1.5]).add(f(), 2)).toThrow('add: takes 1 positional argument but 2 were given');
    expect(() => T.tensor([1.5]).sub(f(), 2)).toThrow('sub: takes 1 positional argument but 2 were given');
    expect(() => T.tensor([1.5]).add_(T.tensor([1.5]), 2)).toThrow('add_: takes 1 positional argument but 2 were given');
    expect(() => T.tensor([1.5]).sub_(T.tensor([1.5]), 2)).toThrow('sub_: takes 1 positional argument but 2 were given');
    // f.mul() -> TypeError: mul() missing 1 required positional arguments: "other"; f.add(alpha=2) the same for add
    expect(() => T.tensor([1.5]).mul()).toThrow('mul: missing 1 required positional arguments: "other"');
    expect(() => T.tensor([1.5]).matmul()).toThrow('matmul: missing 1 required positional arguments: "other"');
    expect(() => T.tensor([1.5]).add({ alpha: 2 })).toThrow('add: missing 1 required positional arguments: "other"');
    // f.mul(other=2, alpha=2) -> TypeError: mul() got an unexpected keyword argument 'alpha'
    expect(() => T.tensor([1.5]).mul({ other: 2, alpha: 2 })).toThrow("mul: unexpected option 'alpha'");
    // f.add(other=f, foo=1) -> TypeError: add() got an unexpected keyword argument 'foo'
    expect(() => T.tensor([1.5]).add({ other: f(), foo: 1 })).toThrow("add: unexpected option 'foo'");
  });
});
