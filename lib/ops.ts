// torch.ops.aten: every operator the dispatcher knows, by name, with its overloads:
// torch.ops.aten.add(x, y) resolves the overload; torch.ops.aten.add.Tensor(x, y) picks one.
// As Python's _OpNamespace / OpOverloadPacket / OpOverload: an unknown operator or overload name throws
// where it is read (Python's AttributeError), packet.overloads() lists the overload names, and an
// overload has its _schema and name(). JS protocol names (then, toJSON, symbols, Object.prototype's
// names) are never read as operators, so these objects are not thenables and print and stringify.
import { native } from './native.js';
import { opFunction } from './call.js';

export type OpFunction = (...args: unknown[]) => unknown;
/**
 * One overload, as Python's OpOverload (torch.ops.aten.add.Tensor). At run time it also has name(),
 * Python's method ('aten::add.Tensor'; 'aten::mm' for mm.default), which the type leaves to Function's
 * `name`. The fields are optional in the type only, so that any OpFunction compares with an overload.
 */
export type OpOverload = OpFunction & {
  /** Python's str(op): 'aten.add.Tensor'. */
  toString(): string;
  /** The schema, as str(op._schema): 'aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor'. */
  readonly _schema?: string;
  /** The same as _schema. */
  readonly schema?: string;
  /** The overload name: 'Tensor'; 'default' for the overload without a name. */
  readonly _overloadname?: string;
  readonly namespace?: string;
  readonly overloadpacket?: OpPacket;
};
/** An operator with all its overloads, as Python's OpOverloadPacket (torch.ops.aten.add). */
export type OpPacket = OpFunction & { overloads(): string[] } & { readonly [overload: string]: OpOverload };
/** An operator namespace, as Python's _OpNamespace (torch.ops.aten). */
export type OpNamespace = { readonly [op: string]: OpPacket };

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
// Read as JS protocol, never as an operator: `await` reads then, JSON.stringify toJSON, and test
// libraries probe asymmetricMatch / nodeType. Names with $ or @ ($$typeof, @@__IMMUTABLE_...) and
// symbols are no operator names either (IDENTIFIER below).
const PROTOCOL = new Set(['then', 'catch', 'finally', 'toJSON', 'asymmetricMatch', 'nodeType', 'tagName', 'inspect']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isOpName = (prop: string | symbol, target: object): prop is string =>
  typeof prop === 'string' && !(prop in target) && !PROTOCOL.has(prop) && IDENTIFIER.test(prop);
// What a name that is not an operator reads as: the object's own (toString, name, ...), undefined for then and the rest.
const protocol = (target: object, prop: string | symbol, receiver: unknown): unknown =>
  typeof prop === 'string' && PROTOCOL.has(prop) ? undefined : Reflect.get(target, prop, receiver);

// aten's add/add_/sub/sub_/mul/mul_/div/div_ leave their Scalar* overloads out of the packet's own calls,
// as Python's bindings do (native HiddenInPython); overloads() lists them as Python's does.
const HIDDEN = new Set(['aten::add', 'aten::add_', 'aten::sub', 'aten::sub_', 'aten::mul', 'aten::mul_', 'aten::div', 'aten::div_']);
const HIDDEN_OVERLOADS = ['Scalar', 'Scalar_out', 'Scalar_mode', 'Scalar_mode_out'];

const packets = new Map<string, OpPacket>();

// String(op) is Python's str(op): 'aten.mm' for a packet, 'aten.mm.default' for an overload; util.inspect its repr.
function named<F extends OpFunction>(f: F, pythonName: string, repr: string): F {
  Object.defineProperty(f, 'toString', { value: () => pythonName });
  Object.defineProperty(f, INSPECT, { value: () => repr });
  return f;
}

function schemasOf(qualified: string): string[] {
  const id = native.opId(qualified);
  return id < 0 ? [] : native.opSchemas(id);
}

// 'aten::add.Tensor(Tensor self, ...' -> 'Tensor'; 'aten::mm(Tensor self, ...' -> 'default'.
function overloadNameOf(schema: string): string {
  const head = schema.slice(0, schema.indexOf('('));
  const dot = head.indexOf('.', head.indexOf('::'));
  return dot < 0 ? 'default' : head.slice(dot + 1);
}

function overload(name: string, ov: string, p: OpPacket): OpOverload {
  const ns = name.slice(0, name.indexOf('::'));
  const pythonName = `${name.replace('::', '.')}.${ov}`;
  const qualified = ov === 'default' ? name : `${name}.${ov}`;
  const f = named(opFunction(`${name}.${ov}`), pythonName, `<OpOverload(op='${name.replace('::', '.')}', overload='${ov}')>`) as OpOverload;
  let schema: string | undefined;
  const schemaOf = (): string => (schema ??= schemasOf(`${name}.${ov}`)[0]!);
  // name() is Python's method; as a value it still reads as the name (`${op.name}`).
  const qualifiedName = Object.defineProperty(() => qualified, 'toString', { value: () => qualified });
  Object.defineProperties(f, {
    _schema: { get: schemaOf },
    schema: { get: schemaOf },
    name: { value: qualifiedName },
    _overloadname: { value: ov },
    namespace: { value: ns },
    overloadpacket: { value: p },
  });
  return f;
}

function packet(name: string): OpPacket {
  let p = packets.get(name);
  if (!p) {
    const overloads = new Map<string, OpOverload>();
    const pythonName = name.replace('::', '.');
    const target = named(opFunction(name), pythonName, `<OpOverloadPacket(op='${pythonName}')>`);
    Object.defineProperty(target, 'overloads', {
      value: (): string[] => {
        const names = schemasOf(name).map(overloadNameOf);
        if (HIDDEN.has(name)) for (const ov of HIDDEN_OVERLOADS) if (!names.includes(ov) && native.opId(`${name}.${ov}`) >= 0) names.push(ov);
        return names;
      },
    });
    const packetProxy: OpPacket = new Proxy(target, {
      get(t, prop, receiver) {
        if (!isOpName(prop, t)) return protocol(t, prop, receiver);
        let f = overloads.get(prop);
        if (!f) {
          if (native.opId(`${name}.${prop}`) < 0) {
            throw new TypeError(`The underlying op of '${pythonName}' has no overload name '${prop}' (no operator named '${name}.${prop}' in this libtorch)`);
          }
          overloads.set(prop, (f = overload(name, prop, packetProxy)));
        }
        return f;
      },
      has: (t, prop) => prop in t || (isOpName(prop, t) && native.opId(`${name}.${prop}`) >= 0),
    }) as OpPacket;
    p = packetProxy;
    packets.set(name, p);
  }
  return p;
}

function namespace(ns: string): OpNamespace {
  const target = {};
  Object.defineProperties(target, {
    toString: { value: () => `<module 'torch.ops.${ns}' from 'torch.ops'>` },
    [INSPECT]: { value: () => `<module 'torch.ops.${ns}' from 'torch.ops'>` },
    [Symbol.toStringTag]: { value: 'OpNamespace' },
  });
  return new Proxy(target as OpNamespace, {
    get(t, prop, receiver) {
      if (!isOpName(prop, t)) return protocol(t, prop, receiver);
      if (native.opId(`${ns}::${prop}`) < 0) {
        throw new TypeError(`'_OpNamespace' '${ns}' object has no attribute '${prop}' (no operator named '${ns}::${prop}' in this libtorch)`);
      }
      return packet(`${ns}::${prop}`);
    },
    has: (t, prop) => prop in t || (isOpName(prop, t) && native.opId(`${ns}::${prop}`) >= 0),
  });
}

let dispatcherNamespaces: Set<string> | undefined;
// The namespaces the dispatcher has operators in, read once on first use.
const isDispatcherNamespace = (ns: string): boolean =>
  (dispatcherNamespaces ??= new Set(native.opNames().map((n) => n.slice(0, n.indexOf('::'))))).has(ns);

/**
 * torch.ops: aten and prim, and every other namespace libtorch's dispatcher has operators in
 * (quantized, mkldnn, c10d, ...; read on first use); undefined for any other name.
 */
export const ops = new Proxy(
  Object.defineProperties<Record<string, OpNamespace>>({ aten: namespace('aten'), prim: namespace('prim') }, {
    toString: { value: () => "<module 'torch.ops' from '_ops.py'>" },
    [INSPECT]: { value: () => "<module 'torch.ops' from '_ops.py'>" },
  }),
  {
    get(t, prop, receiver) {
      if (!isOpName(prop, t)) return protocol(t, prop, receiver);
      if (!isDispatcherNamespace(prop)) return undefined;
      const ns = namespace(prop);
      Object.defineProperty(t, prop, { value: ns, enumerable: true });
      return ns;
    },
    has(t, prop) {
      if (!isOpName(prop, t)) return prop in t;
      return isDispatcherNamespace(prop);
    },
  },
) as { readonly aten: OpNamespace; readonly prim: OpNamespace; readonly [ns: string]: OpNamespace | undefined };

/** The torch.ops overload of Python's name for it ('aten.mm.default'), in any namespace: the same function object each time. */
export function overloadOf(pythonName: string): OpFunction {
  const [ns, name, overload] = pythonName.split('.') as [string, string, string];
  return packet(`${ns}::${name}`)[overload]!;
}

/** The schemas of an operator's overloads, e.g. opSchemas('add'). */
export function opSchemas(name: string): string[] {
  const id = native.opId(name.includes('::') ? name : `aten::${name}`);
  return id < 0 ? [] : native.opSchemas(id);
}
