// torch.nn.utils.stateless: functional_call runs a module with some of its parameters and buffers
// swapped for the given tensors, and puts the originals back afterwards (also when forward throws).
import { type Tensor, isTensor } from '../../tensor.js';
import { readOptions, describe, isOptionsObject } from '../../options.js';
import { Module } from '../module.js';
import { quietly } from '../_registration.js';
import { warn } from '../../warnings.js';

export interface FunctionalCallOptions {
  /** Tied parameters and buffers (one tensor under two names) follow a value given for either name. Default true. */
  tieWeights?: boolean;
  /** Every parameter and buffer must be given, and nothing else. Default false. */
  strict?: boolean;
}

/** A marker for "no such attribute" (Python's _MISSING). */
const MISSING = Symbol('missing');
type Slot = Tensor | null | typeof MISSING;

function moduleName(m: Module): string {
  return m.constructor.name;
}

/** NamedMemberAccessor.get_submodule with its memo. */
class NamedMemberAccessor {
  readonly memo = new Map<string, Module>();
  constructor(readonly module: Module) {}

  getSubmodule(name: string): Module {
    if (!name) return this.module;
    const cached = this.memo.get(name);
    if (cached) return cached;
    const dot = name.lastIndexOf('.');
    const parent = dot >= 0 ? this.getSubmodule(name.slice(0, dot)) : this.module;
    const attr = name.slice(dot + 1);
    if (!(attr in parent)) throw new Error(`${moduleName(parent)} has no attribute \`${attr}\``);
    const sub = (parent as unknown as Record<string, unknown>)[attr];
    if (!(sub instanceof Module)) throw new TypeError(`submodule \`${name}\`: ${describe(sub)} is not an instance of torch.nn.Module`);
    this.memo.set(name, sub);
    return sub;
  }

  /** swap_tensor: puts `tensor` in the slot `name` (deleting it for MISSING) and returns what was there. */
  swapTensor(name: string, tensor: Slot, allowMissing: boolean): Slot {
    const dot = name.lastIndexOf('.');
    const module = this.getSubmodule(dot >= 0 ? name.slice(0, dot) : '');
    const attr = name.slice(dot + 1);
    if (attr === '') throw new Error('tensor name can\'t be empty string ""');
    if (tensor !== MISSING && tensor !== null && !isTensor(tensor)) throw new TypeError(`${describe(tensor)} is not an instance of torch.Tensor`);
    const record = module as unknown as Record<string, unknown>;
    let orig: Slot;
    if (attr in module) {
      const v = record[attr];
      if (v !== null && !isTensor(v)) throw new TypeError(`attribute \`${attr}\`: ${describe(v)} is not an instance of torch.Tensor`);
      orig = v as Tensor | null;
    } else {
      if (!allowMissing) throw new Error(`${moduleName(module)} has no attribute \`${attr}\``);
      orig = MISSING;
    }
    setSlot(module, attr, tensor);
    return orig;
  }

  /** swap_tensors_dict: swaps every entry, returning the originals (MISSING where there was none). */
  swapTensorsDict(named: Map<string, Slot>, allowMissing: boolean): Map<string, Slot> {
    const orig = new Map<string, Slot>();
    try {
      for (const [name, t] of named) orig.set(name, this.swapTensor(name, t, allowMissing));
    } catch (e) {
      for (const [name, t] of [...orig].reverse()) this.swapTensor(name, t, true);
      throw e;
    }
    return orig;
  }

  /** check_keys: names given that the module lacks, and the module's names not given. */
  checkKeys(keys: Iterable<string>): { missingKeys: string[]; unexpectedKeys: string[] } {
    const given = new Set(keys);
    const valid = new Set<string>();
    for (const [n] of this.module.namedParameters({ removeDuplicate: false })) valid.add(n);
    for (const [n] of this.module.namedBuffers({ removeDuplicate: false })) valid.add(n);
    const missingKeys = [...valid].filter((k) => !given.has(k)).sort();
    const unexpectedKeys = [...given].filter((k) => !valid.has(k)).sort();
    return { missingKeys, unexpectedKeys };
  }
}

/**
 * Puts `value` in the attribute `attr` of `module` as PyTorch's swap does: in the parameter or buffer
 * slot when there is one, without the checks of `module.attr = value` (a plain Tensor may stand in
 * for a Parameter for the duration of a call).
 */
function setSlot(module: Module, attr: string, value: Slot): void {
  const slots = module as unknown as { _swapTensor?: (name: string, value: Tensor | null | undefined) => void };
  if (typeof slots._swapTensor === 'function') {
    slots._swapTensor(attr, value === MISSING ? undefined : value);
    return;
  }
  const record = module as unknown as Record<string, unknown>;
  if (value === MISSING) delete record[attr];
  else quietly(() => (record[attr] = value)); // Python swaps in _parameters/_buffers directly: no registration hooks
}

/** _untie_named_tensors_map: a value given for one of several tied names goes to all of them. */
function untieNamedTensorsMap(module: Module, given: Map<string, Tensor | null>): Map<string, Tensor | null> {
  const all: [string, Tensor][] = [...module.namedParameters({ removeDuplicate: false }), ...module.namedBuffers({ removeDuplicate: false })];
  const tensorToNames = new Map<Tensor, Set<string>>();
  for (const [name, t] of all) {
    let s = tensorToNames.get(t);
    if (!s) tensorToNames.set(t, (s = new Set()));
    s.add(name);
  }
  const tiedNamesMap = new Map<string, Set<string>>();
  for (const names of tensorToNames.values()) if (names.size > 1) for (const n of names) tiedNamesMap.set(n, names);
  const givenTied = [...given.keys()].filter((n) => tiedNamesMap.has(n));
  const givenTiedSet = new Set(givenTied);
  for (const name of givenTied) {
    const tied = tiedNamesMap.get(name)!;
    const alsoGiven = [...tied].filter((n) => givenTiedSet.has(n));
    const values = new Set([...tied].map((n) => given.get(n)));
    if (alsoGiven.length > 1 && values.size !== 1) {
      const sorted = [...tied].sort().map((n) => `'${n}'`).join(', ');
      throw new Error(`functional_call got multiple values for keys [${sorted}], which are tied. Consider using tieWeights: false`);
    }
  }
  const untied = new Map(given);
  for (const name of givenTied) for (const tiedName of tiedNamesMap.get(name)!) untied.set(tiedName, given.get(name)!);
  return untied;
}

/**
 * _reparametrize_module as a function: runs `body` with the tensors swapped in, swaps the originals
 * back in a finally, and writes tensors the module replaced during the call back into `given`.
 */
export function _reparametrizeModule<T>(
  module: Module,
  given: Record<string, Tensor | null>,
  options: { tieWeights: boolean; strict: boolean },
  body: () => T,
): T {
  const entries = new Map(Object.entries(given));
  const untied = options.tieWeights ? untieNamedTensorsMap(module, entries) : entries;
  const accessor = new NamedMemberAccessor(module);
  if (options.strict) {
    const { missingKeys, unexpectedKeys } = accessor.checkKeys(untied.keys());
    const msgs: string[] = [];
    if (unexpectedKeys.length > 0) msgs.push(`Unexpected key(s): ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}.`);
    if (missingKeys.length > 0) msgs.push(`Missing key(s): ${missingKeys.map((k) => `'${k}'`).join(', ')}.`);
    if (msgs.length > 0) throw new Error(`Error(s) in reparametrizing for ${moduleName(module)}:\n\t${msgs.join('\n\t')}`);
  }
  const orig = accessor.swapTensorsDict(untied, true);
  try {
    return body();
  } finally {
    const now = accessor.swapTensorsDict(orig, true);
    for (const k of Object.keys(given)) if (now.has(k)) given[k] = now.get(k) as Tensor | null;
  }
}

function readCallOptions(fn: string, options: unknown): { tieWeights: boolean; strict: boolean } {
  const o = options === undefined ? {} : readOptions(fn, options, ['tieWeights', 'strict'] as const);
  return { tieWeights: Boolean(o.tieWeights ?? true), strict: Boolean(o.strict ?? false) };
}

/** Shared by stateless.functionalCall and torch.func.functionalCall once the dicts are merged. */
export function _functionalCall(
  fn: string,
  module: Module,
  parametersAndBuffers: Record<string, Tensor | null>,
  args: unknown,
  kwargs: Record<string, unknown> | null | undefined,
  options: unknown,
): unknown {
  if (!(module instanceof Module)) throw new TypeError(`${fn}: expected an nn.Module, got ${describe(module)}`);
  if (!isOptionsObject(parametersAndBuffers)) throw new TypeError(`${fn}: parametersAndBuffers must be an object of name -> Tensor, got ${describe(parametersAndBuffers)}`);
  const o = readCallOptions(fn, options);
  const argList = args === undefined || args === null ? [] : Array.isArray(args) ? args : [args];
  // Python's module(*args, **kwargs): keyword arguments travel as one trailing options object.
  const callArgs = kwargs && Object.keys(kwargs).length > 0 ? [...argList, kwargs] : argList;
  return _reparametrizeModule(module, parametersAndBuffers, o, () => module.call(...callArgs));
}

/**
 * torch.nn.utils.stateless.functional_call: `module.call(...args)` with the parameters and buffers
 * named in `parametersAndBuffers` replaced for the duration of the call.
 * `args` is one argument or an array of them (Python's tuple); `kwargs` is passed as a trailing options object.
 */
export function functionalCall(
  module: Module,
  parametersAndBuffers: Record<string, Tensor | null>,
  args?: unknown,
  kwargs?: Record<string, unknown> | null,
  options?: FunctionalCallOptions,
): unknown {
  warn('`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a future version of PyTorch. Please use `torch.func.functional_call` instead which is a drop-in replacement.', 'FutureWarning');
  return _functionalCall('functionalCall', module, parametersAndBuffers, args, kwargs, options);
}
