// Describes a loaded or saved value the way scripts/make-save-fixtures.py's describe() does, so
// that Node and Python results compare as JSON (used by test/save-load.test.ts and
// scripts/make-node-saves.ts).
import * as torch from '../lib/index.js';
import { native, type Handle } from '../lib/native.js';
import { handleOfTensor } from '../lib/tensor.js';

export const storageKey = (t: torch.Tensor): string => (native as unknown as { tensorStorage(h: Handle): [string] }).tensorStorage(handleOfTensor(t))[0];

function tensorValues(t: torch.Tensor): unknown[] {
  const dt = t.dtype;
  let src = t.detach();
  if (dt.isComplex) src = torch.viewAsReal(src.resolveConj());
  const flat = Array.from(src.contiguous().toTypedArray() as ArrayLike<number | bigint>);
  if (dt === torch.bool) return flat.map((x) => x !== 0);
  if (['int64', 'uint16', 'uint32', 'uint64'].includes(dt.name)) return flat.map(String);
  return flat;
}

// The same description of a value as scripts/make-save-fixtures.py's describe(), from the JS side
// (dict keys as JS gives them: int keys are strings, API.md).
export function describeJs(v: unknown, storages: Map<string, number>): unknown {
  if (torch.isTensor(v) && v.device.type === 'meta')
    return { __meta__: { dtype: v.dtype.name, shape: v.shape, stride: v.stride(), requires_grad: v.requiresGrad } };
  if (torch.isTensor(v)) {
    const key = storageKey(v);
    if (!storages.has(key)) storages.set(key, storages.size);
    return {
      __tensor__: {
        dtype: v.dtype.name, shape: v.shape, stride: v.stride(), offset: v.storageOffset(), requires_grad: v.requiresGrad,
        storage: storages.get(key), conj: v.isConj(), values: tensorValues(v),
      },
    };
  }
  if (v instanceof torch.DType) return { __dtype__: v.name };
  if (v instanceof torch.Device) return { __device__: String(v) };
  if (typeof v === 'bigint') return { __int__: String(v) };
  // torch.save writes a whole number beyond 2**53 - 1 as the int it holds exactly.
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) return { __int__: String(BigInt(v)) };
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => describeJs(x, storages));
  if (v instanceof Set) return { __set__: [...v].map((x) => describeJs(x, storages)).sort() };
  if (Buffer.isBuffer(v)) return { __bytes__: v.toString('hex') };
  if (isComplex(v)) return { __complex__: [v.real, v.imag] };
  if (v instanceof Map) return { __dict__: [...v].map(([k, x]) => [describeJs(k, storages), describeJs(x, storages)]) };
  const out: Record<string, unknown> = { __dict__: Object.entries(v).map(([k, x]) => [k, describeJs(x, storages)]) };
  const meta = Object.getOwnPropertyDescriptor(v, '_metadata');
  if (meta) out.__metadata__ = describeJs(meta.value, storages);
  return out;
}

// A Python complex as torch.load gives it: a frozen { real, imag }.
function isComplex(v: object): v is { real: number; imag: number } {
  const keys = Object.keys(v);
  return Object.isFrozen(v) && keys.length === 2 && keys[0] === 'real' && keys[1] === 'imag';
}

// Python's description with int dict keys as JS has them (strings). JS orders integer-like keys
// of plain objects first and ascending, whatever their insertion order: so compare sorted that way.
export function asJs(d: unknown): unknown {
  if (Array.isArray(d)) return d.map(asJs);
  if (d === null || typeof d !== 'object') return d;
  const o = d as Record<string, unknown>;
  if ('__tensor__' in o) return o;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === '__dict__' && !plainKeys(x as [unknown, unknown][])) out[k] = (x as [unknown, unknown][]).map(([key, val]) => [asJs(key), asJs(val)]);
    else if (k === '__dict__')
      out[k] = jsKeyOrder((x as [unknown, unknown][]).map(([key, val]) => [typeof key === 'number' ? String(key) : isBigKey(key) ? key.__int__ : asJs(key), asJs(val)]));
    else out[k] = asJs(x);
  }
  return out;
}
// A dict whose keys are all str or all int: torch.load makes it a plain object (a Map otherwise, with its keys as they are).
const isBigKey = (k: unknown): k is { __int__: string } => typeof k === 'object' && k !== null && '__int__' in k;
function plainKeys(entries: [unknown, unknown][]): boolean {
  return entries.every(([k]) => typeof k === 'string') || entries.every(([k]) => typeof k === 'number' || isBigKey(k));
}
function jsKeyOrder(entries: unknown[][]): unknown[][] {
  const isIndex = (k: unknown): boolean => typeof k === 'string' && /^(0|[1-9]\d*)$/.test(k);
  const idx = entries.filter(([k]) => isIndex(k)).sort((a, b) => Number(a[0]) - Number(b[0]));
  return [...idx, ...entries.filter(([k]) => !isIndex(k))];
}

