// torch.ops.aten: every operator the dispatcher knows, by name, with its overloads:
// torch.ops.aten.add(x, y) resolves the overload; torch.ops.aten.add.Tensor(x, y) picks one.
import { native } from './native.js';
import { opFunction } from './call.js';

export type OpFunction = (...args: unknown[]) => unknown;
export type OpPacket = OpFunction & { readonly [overload: string]: OpFunction };

const packets = new Map<string, OpPacket>();

// String(op) is Python's str(op): 'aten.mm' for a packet, 'aten.mm.default' for an overload.
function named(f: OpFunction, pythonName: string): OpFunction {
  Object.defineProperty(f, 'toString', { value: () => pythonName });
  return f;
}

function packet(name: string): OpPacket {
  let p = packets.get(name);
  if (!p) {
    const overloads = new Map<string, OpFunction>();
    const pythonName = name.replace('::', '.');
    p = new Proxy(named(opFunction(name), pythonName), {
      get(target, prop, receiver) {
        if (typeof prop !== 'string' || prop in target) return Reflect.get(target, prop, receiver);
        let f = overloads.get(prop);
        if (!f) overloads.set(prop, (f = named(opFunction(`${name}.${prop}`), `${pythonName}.${prop}`)));
        return f;
      },
    }) as OpPacket;
    packets.set(name, p);
  }
  return p;
}

function namespace(ns: string): Readonly<Record<string, OpPacket>> {
  return new Proxy({} as Record<string, OpPacket>, {
    get: (_, prop) => (typeof prop === 'string' ? packet(`${ns}::${prop}`) : undefined),
    has: (_, prop) => typeof prop === 'string' && native.opId(`${ns}::${prop}`) >= 0,
  });
}

export const ops = { aten: namespace('aten'), prim: namespace('prim') };

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
