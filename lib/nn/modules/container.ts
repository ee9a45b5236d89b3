// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict. Entries are own
// properties named '0', '1', ... (lists) or by key (dicts), so the Module scan registers them in order
// and `seq[0]`, `dict.conv` read them as in Python.
import { KeyError } from '../../errors.js';
import { describe, isOptionsObject, pyTypeName } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

type Entries<T> = Record<string, T> | Map<string, T> | Iterable<readonly [string, T]>;
const self = (m: object): Record<string, unknown> => m as Record<string, unknown>;

// Python's index rules for a list of length n: negatives count from the end; out of range is an IndexError.
function listIndex(i: number, n: number, what: string): number {
  if (!Number.isInteger(i)) throw new TypeError(`${what}: index must be an integer, got ${i}`);
  const k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) throw new RangeError(`${what}: index ${i} is out of range`);
  return k;
}

// Python's list[start:end:step]: negatives count from the end, bounds clamp, a negative step walks backwards.
function sliceItems<T>(items: T[], start?: number, end?: number, step = 1): T[] {
  for (const v of [start, end, step]) if (v !== undefined && !Number.isInteger(v)) throw new TypeError('slice indices must be integers or None or have an __index__ method');
  if (step === 0) throw new RangeError('slice step cannot be zero');
  const n = items.length;
  // a negative step may stop before index 0, so its bounds clamp to -1..n-1
  const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
  const bound = (i: number | undefined, absent: number): number => (i === undefined ? absent : Math.min(Math.max(i < 0 ? i + n : i, lo), hi));
  const out: T[] = [];
  for (let i = bound(start, step > 0 ? lo : hi), e = bound(end, step > 0 ? hi : lo); step > 0 ? i < e : i > e; i += step) out.push(items[i]!);
  return out;
}

// Python's str(type(v)) for operator errors; only the containers' module path is known here.
function pyClass(v: unknown): string {
  const inContainerModule = [Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict].some((c) => (v as object)?.constructor === c);
  return `<class '${inContainerModule ? 'torch.nn.modules.container.' : ''}${pyTypeName(v)}'>`;
}

// Python's sorted() of str keys: by code point (JS's < compares UTF-16 units, which differs past U+FFFF).
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// A Map is Python's OrderedDict, a plain object its dict: `sortPlain` (ParameterDict.update) sorts a dict's keys.
function entriesOf<T>(entries: Entries<T> | ModuleDict<Module | null> | ParameterDict, what: string, sortPlain = false): [string, T][] {
  if (entries instanceof Map) return [...entries.entries()];
  // Python's update takes another ModuleDict/ParameterDict as the mapping it is
  if (entries instanceof ModuleDict || entries instanceof ParameterDict) return entries.items() as [string, unknown][] as [string, T][];
  if (isOptionsObject(entries)) {
    const list = Object.entries(entries);
    return sortPlain ? list.sort(([a], [b]) => compareCodePoints(a, b)) : list;
  }
  if (typeof (entries as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(entries as Iterable<readonly [string, T]>)].map((e, i) => {
      if (!Array.isArray(e) || e.length !== 2) throw new TypeError(`${what}: update sequence element #${i} should be a [key, value] pair, got ${describe(e)}`);
      return [String(e[0]), e[1]] as [string, T];
    });
  }
  throw new TypeError(`${what}: expected an object, a Map or [key, value] pairs, got ${describe(entries)}`);
}

// The registered entries (childEntries and parameterEntries leave None placeholders out). Plain functions, not #private methods: a deep copy
// (Reflect.construct of the class, as copy.deepcopy) has the prototype's methods but no private brand.
type Registered = { _modules(): [string, Module | null][]; _parameters(): [string, Parameter | null][] };
const moduleEntries = (m: Module): [string, Module | null][] => (m as unknown as Registered)._modules();
const childEntries = (m: Module): [string, Module][] => moduleEntries(m).filter((e): e is [string, Module] => e[1] !== null);
const parameterEntries = (m: Module): [string, Parameter][] =>
  (m as unknown as Registered)._parameters().filter((e): e is [string, Parameter] => e[1] !== null);
const childModules = (m: Module): Module[] => childEntries(m).map(([, c]) => c);
const parameterValues = (m: Module): Parameter[] => parameterEntries(m).map(([, p]) => p);

/** Shared by the list containers: entries '0'..'n-1' as own properties, renumbered on insert/delete. */
function setItems(m: Module, items: unknown[], old: number, register: (name: string, v: unknown) => void): void {
  for (let i = 0; i < old; i++) delete self(m)[String(i)];
  items.forEach((v, i) => register(String(i), v));
}

// Sequential's operator checks, plain functions for the reason given at childEntries.
function sequentialAddend(other: unknown): Sequential {
  if (other instanceof Sequential) return other;
  throw new RangeError(`add operator supports only objects of Sequential class, but ${pyClass(other)} is given.`);
}
function multiplicationFactor(seq: Sequential, times: unknown): number {
  if (typeof times !== 'number' || !Number.isInteger(times)) throw new TypeError(`unsupported operand type(s) for *: ${pyClass(seq)} and ${pyClass(times)}`);
  if (times <= 0) throw new RangeError(`Non-positive multiplication factor ${times} for ${pyClass(seq)}`);
  return times;
}

/** Modules applied one after another: `new nn.Sequential(conv, relu, pool)` or from an ordered object `{ conv, relu }`. */
export class Sequential extends Module {
  [index: number]: Module;

  constructor(...modules: (Module | Record<string, Module> | Map<string, Module>)[]) {
    super();
    if (modules.length === 1 && !(modules[0] instanceof Module)) {
      for (const [name, m] of entriesOf(modules[0] as Record<string, Module>, 'Sequential')) this.addModule(name, m);
    } else modules.forEach((m, i) => this.addModule(String(i), m as Module));
  }

  get length(): number {
    return this._modules().length;
  }
  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const list = childEntries(this);
    return list[listIndex(i, list.length, 'Sequential')]![1];
  }
  /** Python's `seq[i] = module`: the i-th module (negative counts from the end) replaced under its name. */
  set(i: number, module: Module): void {
    const entries = childEntries(this);
    const [name] = entries[listIndex(i, entries.length, 'Sequential')]!;
    if (!(module instanceof Module)) throw new TypeError(`cannot assign '${describe(module)}' as child module '${name}' (torch.nn.Module or None expected)`);
    this.addModule(name, module);
  }
  /** A new Sequential of the modules start..end by step (Python's seq[a:b:c]), keeping their names. */
  slice(start?: number, end?: number, step?: number): Sequential {
    return new Sequential(new Map(sliceItems(childEntries(this), start, end, step)));
  }
  /** Python's `seq + other`: a new Sequential of both's modules, numbered '0', '1', ... */
  add(other: Sequential): Sequential {
    sequentialAddend(other);
    return new Sequential(...this, ...other);
  }
  /** Python's `seq += other`: other's modules appended as 'len', 'len+1', ... */
  add_(other: Sequential): this {
    const offset = this.length;
    [...sequentialAddend(other)].forEach((m, i) => this.addModule(String(i + offset), m));
    return this;
  }
  /** Python's `seq * n` (and `n * seq`): the same module objects n times over, numbered '0', '1', ... */
  mul(times: number): Sequential {
    const modules = [...this];
    return new Sequential(...Array.from({ length: multiplicationFactor(this, times) }, () => modules).flat());
  }
  /** Python's `seq *= n`: the modules named '0'..'len-1' appended n - 1 more times. */
  mul_(times: number): this {
    const n = this.length;
    const named = new Map(childEntries(this));
    for (let r = 1; r < multiplicationFactor(this, times); r++) {
      for (let i = 0; i < n; i++) {
        const m = named.get(String(i));
        // Python reads self._modules[str(i)]: a Sequential built with other names has no '0'
        if (m === undefined) throw new KeyError(`'${i}'`);
        this.addModule(String(i + r * n), m);
      }
    }
    return this;
  }
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  insert(index: number, module: Module): this {
    if (!(module instanceof Module)) throw new TypeError(`Sequential.insert: module should be of type Module, got ${describe(module)}`);
    const list = childModules(this);
    const n = list.length;
    if (!Number.isInteger(index) || index < -n || index > n) throw new RangeError(`Index out of range: ${index}`);
    list.splice(index < 0 ? index + n : index, 0, module);
    setItems(this, list, n, (name, v) => this.addModule(name, v as Module));
    return this;
  }
  /** Removes and returns the module at index (Python's `del seq[i]` / pop). */
  pop(index = -1): Module {
    const entries = childEntries(this);
    const k = listIndex(index, entries.length, 'Sequential.pop');
    const [name, removed] = entries[k]!;
    delete self(this)[name];
    // Python renumbers what is left '0', '1', ... (names from an ordered object too).
    const rest = entries.filter((_, i) => i !== k);
    for (const [n] of rest) delete self(this)[n];
    rest.forEach(([, m], i) => this.addModule(String(i), m));
    return removed;
  }
  [Symbol.iterator](): Iterator<Module> {
    return childModules(this)[Symbol.iterator]();
  }
  override forward(input: unknown): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const [, m] of childEntries(this)) input = m.call(input);
    return input;
  }
}

/** A list of modules, registered as submodules '0', '1', ... */
export class ModuleList extends Module {
  [index: number]: Module;

  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }
  get length(): number {
    return this._modules().length;
  }
  at(i: number): Module {
    const list = childModules(this);
    return list[listIndex(i, list.length, 'ModuleList')]!;
  }
  set(i: number, module: Module): void {
    this.addModule(String(listIndex(i, this.length, 'ModuleList')), module);
  }
  /** A new ModuleList of the modules start..end by step (Python's list[a:b:c]), renumbered. */
  slice(start?: number, end?: number, step?: number): ModuleList {
    return new ModuleList(sliceItems(childModules(this), start, end, step));
  }
  /** Python's `list + other`: a new ModuleList of this list's modules, then other's (any iterable of Modules). */
  add(other: Iterable<Module>): ModuleList {
    if (other === null || typeof (other as Iterable<Module>)[Symbol.iterator] !== 'function') throw new TypeError(`'${pyTypeName(other)}' object is not iterable`);
    return new ModuleList([...this, ...other]);
  }
  /** Python's `list += other`: extend, returning this list. */
  add_(other: Iterable<Module>): this {
    return this.extend(other);
  }
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }
  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function')
      throw new TypeError(`ModuleList.extend should be called with an iterable, but got ${describe(modules)}`);
    for (const m of modules) this.append(m);
    return this;
  }
  insert(index: number, module: Module): void {
    if (!(module instanceof Module)) throw new TypeError(`ModuleList.insert: ${describe(module)} is not a Module subclass`);
    const list = childModules(this);
    const n = list.length;
    list.splice(Math.max(0, Math.min(n, index < 0 ? index + n : index)), 0, module);
    setItems(this, list, n, (name, v) => this.addModule(name, v as Module));
  }
  pop(index = -1): Module {
    const list = childModules(this);
    const [removed] = list.splice(listIndex(index, list.length, 'ModuleList.pop'), 1);
    setItems(this, list, list.length + 1, (name, v) => this.addModule(name, v as Module));
    return removed!;
  }
  [Symbol.iterator](): Iterator<Module> {
    return childModules(this)[Symbol.iterator]();
  }
  /** Python's ModuleList repr: runs of identical entries are folded into `(0-2): 3 x Linear(...)`. */
  override toString(): string {
    const reprs = childModules(this).map((m) => m.toString());
    if (reprs.length === 0) return `${this.constructor.name}()`;
    const blocks: [number, number, string][] = [];
    reprs.forEach((r, i) => {
      const last = blocks[blocks.length - 1];
      if (last && last[2] === r) last[1] = i;
      else blocks.push([i, i, r]);
    });
    const lines = blocks.map(([s, e, r]) => {
      const text = s === e ? `(${s}): ${r}` : `(${s}-${e}): ${e - s + 1} x ${r}`;
      const parts = text.split('\n');
      return [parts[0], ...parts.slice(1).map((l) => `  ${l}`)].join('\n');
    });
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/**
 * Modules by name, None (`null`) entries included as in Python; iteration yields the keys, as Python's
 * ModuleDict. Type it `ModuleDict<Module | null>` where it holds None entries.
 */
export class ModuleDict<M extends Module | null = Module> extends Module {
  [key: string]: unknown;

  // the entries do not set M (an inferred ModuleDict<ReLU> would refuse other modules later)
  constructor(modules?: Entries<Module | null> | ModuleDict<Module | null>) {
    super();
    if (modules !== undefined && modules !== null) this.update(modules);
  }
  get length(): number {
    return this._modules().length;
  }
  /** Python's `md[key]`: the module, or null for a None entry; a KeyError where the key is absent. */
  get(key: string): M {
    const m = moduleEntries(this).find(([k]) => k === key);
    if (!m) throw new KeyError(`'${key}'`);
    return m[1] as M;
  }
  set(key: string, module: M): void {
    this.addModule(key, module);
  }
  has(key: string): boolean {
    return moduleEntries(this).some(([k]) => k === key);
  }
  pop(key: string): M {
    const m = this.get(key);
    delete this[key];
    return m;
  }
  clear(): void {
    for (const [k] of moduleEntries(this)) delete this[k];
  }
  keys(): string[] {
    return moduleEntries(this).map(([k]) => k);
  }
  values(): M[] {
    return this.items().map(([, m]) => m);
  }
  items(): [string, M][] {
    return moduleEntries(this) as [string, M][];
  }
  /** Python's update: a null value registers a None entry, as `md[key] = None`. */
  update(modules: Entries<Module | null> | ModuleDict<Module | null>): void {
    const entries = entriesOf<Module | null>(modules, 'ModuleDict.update');
    for (const [k, m] of entries) if (m !== null && !(m instanceof Module)) throw new TypeError(`ModuleDict.update: '${k}' is ${describe(m)}, not a Module`);
    for (const [k, m] of entries) this.addModule(k, m);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

// ParameterList/ParameterDict: a tensor value becomes a Parameter, as Python's containers convert it.
function asParameter(v: unknown, what: string): Parameter {
  if (v instanceof Parameter) return v;
  if (isTensor(v)) return new Parameter(v as Tensor);
  throw new TypeError(`${what}: expected a Tensor or Parameter, got ${describe(v)}`);
}

// ParameterList prints the dtype, ParameterDict the legacy type name (torch.typename), as in Python.
function parameterLine(key: string, p: Tensor, typeName: (p: Tensor) => string): string {
  const device = p.device.type === 'cuda' ? ` (${String(p.device)})` : '';
  return `  (${key}): ${p instanceof Parameter ? 'Parameter' : 'Tensor'} containing: [${typeName(p)} of size ${p.shape.join('x')}${device}]`;
}

/** A list of parameters, registered as '0', '1', ... */
export class ParameterList extends Module {
  [index: number]: Parameter;

  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }
  get length(): number {
    return this._parameters().length;
  }
  at(i: number): Parameter {
    const list = parameterValues(this);
    return list[listIndex(i, list.length, 'ParameterList')]!;
  }
  set(i: number, value: Tensor): void {
    this.registerParameter(String(listIndex(i, this.length, 'ParameterList')), asParameter(value, 'ParameterList'));
  }
  /** A new ParameterList of the same Parameters start..end by step (Python's plist[a:b:c]), renumbered. */
  slice(start?: number, end?: number, step?: number): ParameterList {
    return new ParameterList(sliceItems(parameterValues(this), start, end, step));
  }
  append(value: Tensor): this {
    this.registerParameter(String(this.length), asParameter(value, 'ParameterList.append'));
    return this;
  }
  extend(values: Iterable<Tensor>): this {
    if (values === null || typeof (values as Iterable<Tensor>)[Symbol.iterator] !== 'function')
      throw new TypeError(`ParameterList.extend should be called with an iterable, but got ${describe(values)}`);
    for (const v of values) this.append(v);
    return this;
  }
  /** Python's `plist += values`: extend, returning this list. */
  add_(values: Iterable<Tensor>): this {
    return this.extend(values);
  }
  [Symbol.iterator](): Iterator<Parameter> {
    return parameterValues(this)[Symbol.iterator]();
  }
  override extraRepr(): string {
    return parameterValues(this).map((p, i) => parameterLine(String(i), p, (t) => String(t.dtype))).join('\n');
  }
}

/** Parameters by name; iteration yields the keys. */
export class ParameterDict extends Module {
  [key: string]: unknown;

  constructor(parameters?: Entries<Tensor> | ParameterDict) {
    super();
    if (parameters !== undefined && parameters !== null) this.update(parameters);
  }
  get length(): number {
    return parameterEntries(this).length;
  }
  /** Python's get(key, default=None): the parameter, or `defaultValue` (null) where there is none. */
  get(key: string): Parameter | null;
  get<D>(key: string, defaultValue: D): Parameter | D;
  get(key: string, defaultValue: unknown = null): unknown {
    return parameterEntries(this).find(([k]) => k === key)?.[1] ?? defaultValue;
  }
  set(key: string, value: Tensor): void {
    this.registerParameter(key, asParameter(value, 'ParameterDict'));
  }
  has(key: string): boolean {
    return parameterEntries(this).some(([k]) => k === key);
  }
  pop(key: string): Parameter {
    const p = this.get(key);
    if (p === null) throw new KeyError(`ParameterDict: no parameter named '${key}'`);
    delete this[key];
    return p;
  }
  clear(): void {
    for (const [k] of parameterEntries(this)) delete this[k];
  }
  /** Python's setdefault: the parameter under `key`, registering `defaultValue` (as a Parameter) there first if there is none. */
  setdefault(key: string, defaultValue: Tensor): Parameter {
    const p = this.get(key);
    if (p !== null) return p;
    this.set(key, defaultValue);
    return this.get(key)!;
  }
  /** Python's popitem: removes and returns the last inserted [key, parameter] pair; a KeyError when empty. */
  popitem(): [string, Parameter] {
    const last = parameterEntries(this).at(-1);
    if (!last) throw new KeyError("'popitem(): dictionary is empty'");
    delete this[last[0]];
    return last;
  }
  /** Python's copy: a new ParameterDict holding the same Parameter objects, in the same order. */
  copy(): ParameterDict {
    return new ParameterDict(new Map(parameterEntries(this)));
  }
  keys(): string[] {
    return parameterEntries(this).map(([k]) => k);
  }
  values(): Parameter[] {
    return parameterValues(this);
  }
  items(): [string, Parameter][] {
    return parameterEntries(this);
  }
  /** Python's update: a plain object is a dict, its keys sorted; a Map (OrderedDict), a ParameterDict or pairs keep their order. */
  update(parameters: Entries<Tensor> | ParameterDict): void {
    const entries = entriesOf(parameters, 'ParameterDict.update', true).map(([k, v]) => [k, asParameter(v, 'ParameterDict.update')] as const);
    for (const [k, p] of entries) this.registerParameter(k, p);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
  override extraRepr(): string {
    return parameterEntries(this).map(([k, p]) => parameterLine(k, p, (t) => t.type() as string)).join('\n');
  }
}
