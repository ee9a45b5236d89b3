// The generic call path: any ATen operator by name through the native dispatcher entry point,
// with PyTorch-style arguments (positional values, then one camelCase options object).
import { dtypeFromCode, qschemeFromCode } from './dtype.js';
import { Generator, generatorHandle } from './generator.js';
import { native, type Handle } from './native.js';
import { camelCase, isOptionsObject } from './options.js';
import { handleOfTensor as handleOf, isTensor as isTensorObject, Tensor } from './tensor.js';


function toNative(v: unknown, inputs: Tensor[]): unknown {
  if (isTensorObject(v)) {
    inputs.push(v);
    return handleOf(v);
  }
  if (v instanceof Generator) return generatorHandle(v);
  if (Array.isArray(v)) return v.map((e) => toNative(e, inputs));
  return v;
}

function fromNative(v: unknown, inputs: Tensor[]): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const raw = v.slice();
    const out: unknown[] = raw.map((e) => fromNative(e, inputs));
    for (const key of Object.keys(v)) {
      if (/^\d+$/.test(key)) continue;
      // Named results (values, indices): the same objects as the positional ones.
      (out as unknown as Record<string, unknown>)[key] = out[raw.indexOf((v as unknown as Record<string, unknown>)[key])];
    }
    return out;
  }
  // An External: a result tensor. In-place and out= ops hand back an input's handle: reuse its Tensor.
  for (let i = 0; i < inputs.length; i++) if (handleOf(inputs[i]!) === v) return inputs[i];
  return new Tensor(v as Handle);
}

/**
 * Calls an operator family (from `opId`) with PyTorch-style arguments: positional values,
 * optionally followed by one plain options object holding keyword arguments (camelCase keys).
 */
export function callOp(id: number, args: readonly unknown[], method = false): unknown {
  let n = args.length;
  let options: Record<string, unknown> | undefined;
  if (n > 0 && isOptionsObject(args[n - 1])) {
    options = {};
    n--;
  }
  const inputs: Tensor[] = [];
  const nativeArgs: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) nativeArgs[i] = toNative(args[i], inputs);
  if (options) for (const [k, v] of Object.entries(args[n] as Record<string, unknown>)) options[k] = toNative(v, inputs);
  // callMethod differs only in error messages, which leave out `self` as x.sum(...) does.
  return fromNative((method ? native.callMethod : native.callOp)(id, options, ...nativeArgs), inputs);
}

const ids = new Map<string, number>();
/** The family id of an ATen operator ('add', 'add.Tensor', 'aten::add'); throws if none. */
export function opId(name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = native.opId(name);
    if (id < 0) throw new TypeError(`no operator named '${name}' in this libtorch`);
    ids.set(name, id);
  }
  return id;
}

/** Calls the ATen operator `name` (resolved once) with PyTorch-style arguments. */
export function aten(name: string, args: readonly unknown[]): unknown {
  return callOp(opId(name), args);
}

/** How a result comes back: as it is, or (for ops that return a ScalarType or QScheme code) as a DType or QScheme. */
export type ResultKind = 'dtype' | 'qscheme' | undefined;
const finishResult = (r: unknown, kind: ResultKind): unknown =>
  kind === 'dtype' ? dtypeFromCode(r as number) : kind === 'qscheme' ? qschemeFromCode(r as number) : r;

/** A torch.* function for the ATen operator `name` (the id is resolved on first call). */
export function opFunction(name: string, kind?: ResultKind): (...args: unknown[]) => unknown {
  let id = -1;
  const fn = (...args: unknown[]): unknown => finishResult(callOp(id >= 0 ? id : (id = opId(name)), args), kind);
  Object.defineProperty(fn, 'name', { value: camelCase(name) });
  return fn;
}

/** Installs Tensor methods that call ATen operators with the tensor as `self`. */
export function installMethods(entries: readonly (readonly [string, string, ResultKind?])[]): void {
  for (const [js, name, kind] of entries) {
    let id = -1;
    Object.defineProperty(Tensor.prototype, js, {
      value: function (this: Tensor, ...args: unknown[]): unknown {
        return finishResult(callOp(id >= 0 ? id : (id = opId(name)), [this, ...args], true), kind);
      },
      writable: true,
      configurable: true,
    });
  }
}

