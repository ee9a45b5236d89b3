// PyTorch's own nn.Module test database (ModuleInfo, test/fixtures/moduleinfo.json.gz from
// scripts/make-moduleinfo-fixtures.py) through torchnode's torch.nn, each module built and called as a user
// ports it: new torch.nn.Linear(3, 5, { bias: false }), then module.call(...args, { camelCaseKwargs }). Python's
// state dict is loaded first, so the parameters' random init does not matter; then the output, the gradients of
// the sum of the floating outputs for every parameter and input, and the state after the forward (running
// statistics) must match Python torch 2.13 within assert_close's tolerance, and so must the module's repr and
// its state dict's keys, in order. ModuleInfo's error inputs must throw
// at the same stage (constructor or forward), with a message PyTorch's pattern matches where Python's does.
// Each float64 case's module is built under the global registration hooks, which must see what Python's saw, in order.
// Calls that fail today are listed in test/fixtures/moduleinfo-known-failures.txt, which may only shrink.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { camel, compare, decode } from '../scripts/pyvalues.mjs';

type Encoded = unknown;
/** A call's [positional arguments, keyword arguments] as the fixture encodes them. */
type Call = [Encoded[], { $: 'dict'; v: Record<string, Encoded> }];
interface ModuleCase {
  dtype: string;
  training: boolean;
  index: number;
  desc: string;
  constructor: Call;
  forward: Call;
  lazy?: boolean;
  /** What the global registration hooks saw while Python built the module (`parameter Linear.weight 3x4`, …). */
  registrations: string[];
  state: { $: 'dict'; v: Record<string, Encoded> };
  repr: string;
  output: Encoded;
  paramGrads?: { v: Record<string, Encoded> };
  inputGrads?: [(number | string)[], Encoded][];
  stateAfter?: Encoded;
  compare?: 'meta';
}
interface ErrorCase {
  index: number;
  constructor: Call;
  forward?: Call;
  stage: 'constructor' | 'forward';
  type: string;
  message: string;
  regex?: string;
}
interface ModuleEntry {
  name: string;
  className: string;
  cases: ModuleCase[];
  errors: ErrorCase[];
}

const fixture = JSON.parse(gunzipSync(readFileSync(new URL('fixtures/moduleinfo.json.gz', import.meta.url))).toString('utf8')) as {
  torch: string;
  seed: number;
  counts: { total: number; used: number; errorsTotal: number; errorsUsed: number };
  modules: Record<string, ModuleEntry>;
};

// `name call | why` lines: a call is `<ModuleInfo> <dtype> <train|eval> #<index>` or `<ModuleInfo> error #<index>`.
const knownPath = new URL('fixtures/moduleinfo-known-failures.txt', import.meta.url);
const known = new Map(
  readFileSync(knownPath, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
    const [call, ...why] = l.split(' | ');
    return [call.trim(), why.join(' | ')] as const;
  }),
);

type ModuleClass = new (...args: unknown[]) => torch.nn.Module;
const moduleClass = (className: string): ModuleClass => {
  const cls = (torch.nn as unknown as Record<string, unknown>)[className];
  if (typeof cls !== 'function') throw new TypeError(`torch.nn.${className} is not a class`);
  return cls as ModuleClass;
};

/** Positional arguments, then Python's keyword arguments as one camelCase options object (when there are any). */
function jsArgs([args, kwargs]: Call): unknown[] {
  const positional = decode(args) as unknown[];
  const entries = Object.entries(kwargs.v);
  return entries.length ? [...positional, Object.fromEntries(entries.map(([k, v]) => [camel(k), decode(v)]))] : positional;
}

/** The value at a fixture path: [0, index, ...] in the positional arguments, [1, name, ...] in the keyword ones. */
function atPath(args: unknown[], kwargs: Record<string, unknown> | undefined, [root, first, ...rest]: (number | string)[]): torch.Tensor {
  let v: unknown = root === 0 ? args[first as number] : kwargs?.[camel(String(first))];
  for (const p of rest) v = (v as Record<string | number, unknown>)[p];
  return v as torch.Tensor;
}

const floatOutputs = (v: unknown): torch.Tensor[] =>
  v instanceof torch.Tensor ? (v.isFloatingPoint() && v.requiresGrad ? [v] : []) : Array.isArray(v) ? v.flatMap(floatOutputs) : [];

const registered = (v: torch.Tensor | torch.nn.Module | null): string =>
  v === null ? 'None' : v instanceof torch.nn.Module ? v.constructor.name : torch.nn.parameter.isLazy(v) ? 'uninitialized' : v.shape.join('x');

/** Runs build with the three global registration hooks appending to log, as the fixture script's hooks do. */
function withRegistrationLog<T>(log: string[], build: () => T): T {
  const note = (kind: string) => (m: torch.nn.Module, name: string, v: torch.Tensor | torch.nn.Module | null): void =>
    void log.push(`${kind} ${m.constructor.name}.${name} ${registered(v)}`);
  const handles = [torch.nn.registerModuleParameterRegistrationHook(note('parameter')), torch.nn.registerModuleBufferRegistrationHook(note('buffer')),
    torch.nn.registerModuleModuleRegistrationHook(note('module'))];
  try {
    return build();
  } finally {
    for (const h of handles) h.remove();
  }
}

/** null when the case behaves as in Python, else what differs. */
function replayCase(entry: ModuleEntry, c: ModuleCase): string | null {
  return torch.tidy(() => {
    const mode = { meta: c.compare === 'meta' };
    torch.manualSeed(fixture.seed);
    // float64 cases are built under the global registration hooks, so the module is the Proxy they watch
    // through and the rest runs on it; float32 cases keep the plain module that users without such hooks get.
    const watched = c.dtype === 'float64';
    const registrations: string[] = [];
    const constructorArgs = jsArgs(c.constructor); // a module argument is built before, as Python's ModuleInput holds it
    const build = (): torch.nn.Module => {
      const m = new (moduleClass(entry.className))(...constructorArgs);
      m.to(torch[c.dtype as 'float32']);
      m.train(c.training);
      return m;
    };
    const module = watched ? withRegistrationLog(registrations, build) : build();
    if (watched && registrations.join('\n') !== c.registrations.join('\n'))
      return `registrations [${registrations.join(', ')}], Python's [${c.registrations.join(', ')}]`;
    const forwardArgs = (): unknown[] => jsArgs(c.forward);
    if (c.lazy) torch.noGrad(() => (module.call as (...a: unknown[]) => unknown)(...forwardArgs()));
    module.loadStateDict(decode(c.state) as Record<string, torch.Tensor>);
    if (String(module) !== c.repr) return `repr ${JSON.stringify(String(module))}, Python's ${JSON.stringify(c.repr)}`;
    const keys = Object.keys(module.stateDict());
    if (keys.join() !== Object.keys(c.state.v).join()) return `state dict keys [${keys}], Python's [${Object.keys(c.state.v)}]`;
    const args = forwardArgs();
    const kwargs = Object.keys(c.forward[1].v).length ? (args.pop() as Record<string, unknown>) : undefined;
    for (const [path] of c.inputGrads ?? []) atPath(args, kwargs, path).requiresGrad_();
    torch.manualSeed(fixture.seed);
    const output = (module.call as (...a: unknown[]) => unknown)(...args, ...(kwargs ? [kwargs] : []));
    const outputDiff = compare(output, c.output, mode);
    if (outputDiff) return `output: ${outputDiff}`;
    if (c.paramGrads) {
      const floats = floatOutputs(output);
      floats.map((o) => o.sum()).reduce((a, b) => a.add(b)).backward();
      const grads = Object.fromEntries(module.namedParameters().map(([n, p]) => [n, p.grad]));
      const gradDiff = compare(grads, c.paramGrads, mode);
      if (gradDiff) return `parameter gradient ${gradDiff}`;
      for (const [path, grad] of c.inputGrads ?? []) {
        const diff = compare(atPath(args, kwargs, path).grad, grad, mode);
        if (diff) return `gradient of input ${JSON.stringify(path)}: ${diff}`;
      }
    }
    const stateDiff = compare(module.stateDict(), c.stateAfter ?? c.state, mode);
    return stateDiff && `state after the forward ${stateDiff}`;
  });
}

/** null when the error input throws at the stage Python raises, with a message matching PyTorch's pattern. */
function replayError(entry: ModuleEntry, c: ErrorCase): string | null {
  return torch.tidy(() => {
    let stage: 'constructor' | 'forward' = 'constructor';
    try {
      const module = new (moduleClass(entry.className))(...jsArgs(c.constructor));
      stage = 'forward';
      if (c.forward) (module.call as (...a: unknown[]) => unknown)(...jsArgs(c.forward));
    } catch (e) {
      if (!(e instanceof Error)) return `threw a non-Error ${String(e)}`;
      if (stage !== c.stage) return `the ${stage} threw (${e.message.split('\n')[0]}), Python's ${c.stage} raises (${c.message})`;
      return c.regex === undefined || new RegExp(c.regex).test(e.message) ? null : `${e.name}: ${e.message.split('\n')[0]}: PyTorch's message matches /${c.regex}/, this one does not`;
    }
    return `no error: Python's ${c.stage} raises ${c.type} (${c.message})`;
  });
}

const label = (key: string, c: ModuleCase): string => `${key} ${c.dtype} ${c.training ? 'train' : 'eval'} #${c.index}`;

/** One ModuleInfo's failing calls that the known failures do not list, and listed calls that pass now. */
function judge(key: string, entry: ModuleEntry): { unexpected: string[]; stale: string[] } {
  const outcomes: [string, string | null][] = [];
  for (const c of entry.cases) {
    let detail: string | null;
    try {
      detail = replayCase(entry, c);
    } catch (e) {
      detail = `throws ${(e as Error).name}: ${String((e as Error).message).split('\n')[0]}`;
    }
    outcomes.push([label(key, c), detail]);
  }
  for (const c of entry.errors) outcomes.push([`${key} error #${c.index}`, replayError(entry, c)]);
  const listed = [...known.keys()].filter((call) => call.startsWith(`${key} `));
  return {
    unexpected: outcomes.filter(([call, d]) => d && !known.has(call)).map(([call, d]) => `${call}: ${d} (${entry.cases.find((c) => label(key, c) === call)?.desc ?? ''})`),
    stale: listed.filter((call) => !outcomes.some(([o, d]) => o === call && d)).map((call) => `${call} passes now or is gone: remove it from ${knownPath.pathname}`),
  };
}

describe(`ModuleInfo: PyTorch's nn.Module tests (PyTorch ${fixture.torch})`, () => {
  it('come from Python torch 2.13', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
    expect(fixture.counts.used).toBeGreaterThan(2500);
  });
  it('every known failure names a ModuleInfo of the fixture', () => {
    expect([...known.keys()].filter((call) => !(call.split(' ')[0] in fixture.modules))).toEqual([]);
  });
  for (const [key, entry] of Object.entries(fixture.modules)) {
    if (entry.cases.length === 0 && entry.errors.length === 0) continue;
    it(key, () => {
      const verdict = judge(key, entry);
      if (process.env.MODULEINFO_PRINT) for (const line of [...verdict.unexpected, ...verdict.stale]) console.log(line);   // every failing call, untruncated
      expect(verdict).toEqual({ unexpected: [], stale: [] });
    });
  }
});
