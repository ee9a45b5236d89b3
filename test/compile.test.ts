// torch.compile's compatibility layer against Python torch 2.13 (test/fixtures/compile.json from
// scripts/make-compile-fixtures.py): a compiled module is an OptimizedModule with Python's repr and
// `_orig_mod.` state dict keys, gives the uncompiled model's output (what Python's 'eager' backend
// gives), and bad arguments raise Python's errors. It runs eagerly, and says so in a warning.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';
import { warningsOf } from './warnings-of.js';

type T = torch.Tensor;
const fixture = JSON.parse(readFileSync(new URL('fixtures/compile.json', import.meta.url), 'utf8')) as {
  repr: string;
  state_dict: Record<string, unknown>;
  x: unknown;
  output: unknown;
  module_compile_keys: string[];
  list_backends: string[];
  list_backends_all: string[];
  list_backends_no_debug: string[];
  errors: Record<'backend' | 'mode' | 'mode_and_options' | 'not_callable' | 'load_unprefixed', [string, string]>;
};
const { nn } = torch;
const model = (): torch.nn.Sequential => new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Linear(3, 2)).to(torch.float64);
const stateDict = (): Record<string, T> => Object.fromEntries(Object.entries(fixture.state_dict).map(([k, v]) => [k, decode(v) as T]));


describe('torch.compile', () => {
  it("returns an OptimizedModule: Python's repr and state dict keys; a checkpoint of a compiled Python model loads and gives its output", async () => {
    const m = model();
    let compiled: ReturnType<typeof torch.compile<torch.nn.Sequential>> | undefined;
    const warnings = warningsOf(() => (compiled = torch.compile(m)));
    expect(warnings).toEqual([['UserWarning', expect.stringMatching(/^torch.compile: torchnode has no TorchDynamo .* runs eagerly/)]]);
    const c = compiled!;
    expect(c).toBeInstanceOf(torch._dynamo.OptimizedModule);
    expect(String(c)).toBe(fixture.repr);
    expect(Object.keys(c.stateDict())).toEqual(Object.keys(fixture.state_dict));
    c.loadStateDict(stateDict());
    expect(compare((c.call(decode(fixture.x) as T) as T).detach(), fixture.output, { exact: true })).toBeNull();
    // Python reads missing attributes from the original module: so does this one, without listing its parameters twice.
    expect(c._orig_mod).toBe(m);
    expect(c.at(0)).toBe(m.at(0));
    expect(c.parameters().length).toBe(m.parameters().length);
    c.eval();
    expect(m.training).toBe(false);
    const [kind, message] = fixture.errors.load_unprefixed;
    expect(kind).toBe('RuntimeError');
    expect(() => c.loadStateDict(m.stateDict())).toThrow(message.trimEnd());
  });

  it('compiles functions and works as a decorator; disable returns the model; nn.Module.compile keeps the keys', () => {
    const compiledTwice = torch.compile(function twice(a: T): T { return a.mul(2); });
    expect(compiledTwice.name).toBe('twice');
    expect(compiledTwice(torch.ones(2)).tolist()).toEqual([2, 2]);
    const decorate = torch.compile({ backend: 'eager' });
    expect(decorate((a: T) => a.add(1))(torch.zeros(1)).tolist()).toEqual([1]);
    const m = model();
    expect(torch.compile(m, { disable: true })).toBe(m);
    const plain = new nn.Linear(2, 2);
    plain.compile({ backend: 'eager' });
    expect(Object.keys(plain.stateDict())).toEqual(fixture.module_compile_keys);
    expect(torch.compiler.listBackends()).toEqual(fixture.list_backends);
    expect(torch.compiler.listBackends(null)).toEqual(fixture.list_backends_all);
    expect(torch.compiler.listBackends({ excludeTags: null })).toEqual(fixture.list_backends_all);
    expect(torch._dynamo.listBackends(['debug'])).toEqual(fixture.list_backends_no_debug);
    expect(torch.compiler.isCompiling()).toBe(false);
    const f = (a: number): number => a;
    expect(torch.compiler.disable(f)).toBe(f);
  });

  it("refuses Python's bad arguments with Python's messages, and what it cannot do with a clear one", () => {
    const m = model();
    const e = fixture.errors;
    expect(() => torch.compile(m, { backend: 'nope' })).toThrow(new torch._dynamo.InvalidBackend(e.backend[1]));
    expect(() => torch.compile(m, { mode: 'fast' })).toThrow(e.mode[1]);
    expect(() => torch.compile(m, { mode: 'max-autotune', options: { x: 1 } })).toThrow(e.mode_and_options[1]);
    expect(() => torch.compile(5 as never)).toThrow('A callable function is expected, but number is provided.');
    expect(() => torch.compile(m, { backend: ((g: unknown) => g) as never })).toThrow('a backend function gets the FX graphs');
    expect(() => torch.compile(m, { fullGraph: true } as never)).toThrow("unexpected option 'fullGraph'");
    expect(() => m.compile({ mode: 'fast' })).toThrow(e.mode[1]);
  });
});

// What fn returns, its warnings (torch.compile's "runs eagerly") caught.
function quietly<R>(fn: () => R): R {
  let out: R | undefined;
  warningsOf(() => (out = fn()));
  return out!;
}

// Python 2.13 (/tmp/fix-compile/p1.py, p7.py):
//   m = nn.Sequential(nn.Linear(2, 2)); cm = torch.compile(m)
//   cm.newattr = 7; m.newattr            -> 7      ('newattr' in cm.__dict__ -> False)
//   m.later = 9; cm.later                -> 9
//   cm.head = nn.Linear(2, 1); list(cm.state_dict())
//     -> ['_orig_mod.0.weight', '_orig_mod.0.bias', '_orig_mod.head.weight', '_orig_mod.head.bias']
//   cm.forward = lambda x: 'patched'; cm(torch.ones(2)) -> 'patched'; 'forward' in m.__dict__ -> False
//   cm.train = 5: 'train' in cm.__dict__ -> True, 'train' in m.__dict__ -> False  (a name of the wrapper's class stays on it)
//   m.eval(); cm2 = torch.compile(m); cm2.training -> False; cm2.training = True; m.training -> True
describe('torch.compile: OptimizedModule forwards attributes to the original (Python __getattr__/__setattr__)', () => {
  it('writes of new names go to the original, later names of the original are read, submodules join _orig_mod.*', () => {
    const m = new nn.Sequential(new nn.Linear(2, 2));
    const cm = quietly(() => torch.compile(m)) as unknown as torch.nn.Module & Record<string, unknown>;
    const orig = m as unknown as Record<string, unknown>;
    cm.newattr = 7;
    expect(orig.newattr).toBe(7);
    expect(Object.hasOwn(cm, 'newattr')).toBe(false);
    orig.later = 9;
    expect(cm.later).toBe(9);
    expect('later' in cm).toBe(true);
    cm.head = new nn.Linear(2, 1);
    expect(orig.head).toBeInstanceOf(nn.Linear);
    expect(Object.keys(cm.stateDict())).toEqual(['_orig_mod.0.weight', '_orig_mod.0.bias', '_orig_mod.head.weight', '_orig_mod.head.bias']);
    expect(cm).toBeInstanceOf(torch._dynamo.OptimizedModule);
    cm.forward = (): string => 'patched';
    expect(cm.call(torch.ones(2))).toBe('patched');
    expect(Object.hasOwn(m, 'forward')).toBe(false);
    (cm as Record<string, unknown>).train = 5;
    expect(Object.hasOwn(cm, 'train')).toBe(true);
    expect(Object.hasOwn(m, 'train')).toBe(false);
  });

  it("training is the original's, to read and to write", () => {
    const m = new nn.Sequential(new nn.Linear(2, 2));
    m.eval();
    const cm = quietly(() => torch.compile(m));
    expect(cm.training).toBe(false);
    cm.training = true;
    expect(m.training).toBe(true);
    cm.eval();
    expect([m.training, m.at(0).training, cm.training]).toEqual([false, false, false]);
  });
});

// Python 2.13 (/tmp/fix-compile/p5.py, p6.py, p7.py):
//   torch.compile(nn.Linear(2, 2), fullgraph='yes') -> OptimizedModule (also isolate_recompiles='yes')
//   type(torch.compile(nn.Linear(2, 2), disable='yes')).__name__ -> 'Linear'; disable='' or [] -> OptimizedModule
describe('torch.compile: fullgraph, disable and isolateRecompiles by their truth value, as Python', () => {
  it('takes any value', () => {
    const lin = new nn.Linear(2, 2);
    expect(quietly(() => torch.compile(lin, { fullgraph: 'yes' as never }))).toBeInstanceOf(torch._dynamo.OptimizedModule);
    expect(quietly(() => torch.compile(lin, { isolateRecompiles: 'yes' as never }))).toBeInstanceOf(torch._dynamo.OptimizedModule);
    expect(torch.compile(lin, { disable: 'yes' as never })).toBe(lin);
    expect(quietly(() => torch.compile(lin, { disable: '' as never }))).toBeInstanceOf(torch._dynamo.OptimizedModule);
    expect(quietly(() => torch.compile(lin, { disable: [] as never }))).toBeInstanceOf(torch._dynamo.OptimizedModule);
  });
});

// Python 2.13 (/tmp/fix-compile/p2.py ... p10.py):
//   c = torch._dynamo.config: c.cache_size_limit -> 8 (an alias: c.cache_size_limit = 16; c.recompile_limit -> 16),
//     c.accumulated_cache_size_limit -> 256, c.suppress_errors -> False, c.verbose -> False, c.automatic_dynamic_shapes -> True
//   c.foo_bar = 1 -> AttributeError: torch._dynamo.config.foo_bar does not exist
//   torch.compiler.config.force_disable_caches -> False, .cache_key_tag -> '', .job_id -> None
//   torch._dynamo.is_compiling() -> False; torch._dynamo.graph_break('x') -> None; torch.compiler.cudagraph_mark_step_begin() -> None
//   t = torch.ones(2, 3); torch._dynamo.mark_dynamic(t, [0, 5]) -> None; torch._dynamo.mark_static(t) -> None
//   torch._dynamo.mark_dynamic(torch.ones(2), 'a') -> AssertionError: Expected index to be int, list, or tuple, got <class 'str'>
//   torch._dynamo.mark_static(nn.Linear) -> <class 'torch.nn.modules.linear.Linear'>
//   torch._dynamo.mark_static(5) -> TypeError: issubclass() arg 1 must be a class
//   torch._dynamo.disable(5) -> AssertionError: fn must be callable; type(torch._dynamo.disable(nn.Linear(2, 2))).__name__ -> 'OptimizedModule'
//   torch._dynamo.disable(reason='x')(f)(4) -> 4
//   torch.compiler.set_stance('force_eager', force_backend='eager') -> RuntimeError: non-default stance cannot have force_backend set
//   torch.compiler.set_stance('bogus') -> (accepted); then calling a compiled function ->
//     RuntimeError: invalid torch.compile stance 'DynamoStance(stance='bogus', skip_guard_eval_unsafe=False, backend=None)'
describe('torch._dynamo and torch.compiler: config, disable, the marks, setStance', () => {
  it("config objects: Python's keys (camelCase) and defaults, writable, an unknown key refused", () => {
    const c = torch._dynamo.config;
    expect([c.cacheSizeLimit, c.recompileLimit, c.accumulatedCacheSizeLimit, c.suppressErrors, c.verbose, c.automaticDynamicShapes]).toEqual([8, 8, 256, false, false, true]);
    c.cacheSizeLimit = 16;
    expect(c.recompileLimit).toBe(16);
    c.recompileLimit = 8;
    expect(() => (c.fooBar = 1)).toThrow('torch._dynamo.config.fooBar does not exist');
    expect(() => (c.cache_size_limit = 1)).toThrow('torch._dynamo.config.cache_size_limit does not exist');
    const cc = torch.compiler.config;
    expect([cc.forceDisableCaches, cc.cacheKeyTag, cc.jobId]).toEqual([false, '', null]);
  });

  it('the no-ops and their argument checks', () => {
    expect(torch._dynamo.isCompiling()).toBe(false);
    expect(torch._dynamo.graphBreak('x')).toBeUndefined();
    expect(torch.compiler.cudagraphMarkStepBegin()).toBeUndefined();
    const t = torch.ones(2, 3);
    expect(torch._dynamo.markDynamic(t, [0, 5])).toBeUndefined();
    expect(torch._dynamo.maybeMarkDynamic(t, 1)).toBeUndefined();
    expect(torch._dynamo.markStatic(t)).toBeUndefined();
    expect(() => torch._dynamo.markDynamic(torch.ones(2), 'a' as never)).toThrow("Expected index to be int, list, or tuple, got <class 'str'>");
    expect(torch._dynamo.markStatic(nn.Linear)).toBe(nn.Linear);
    expect(() => torch._dynamo.markStatic(new nn.Linear(2, 2))).toThrow('issubclass() arg 1 must be a class');
    expect(() => torch._dynamo.disable(5)).toThrow('fn must be callable');
    const f = (a: number): number => a;
    expect(torch._dynamo.disable({ reason: 'x' })(f)(4)).toBe(4);
    const lin = new nn.Linear(2, 2);
    const d = torch._dynamo.disable(lin);
    expect(d).toBeInstanceOf(torch._dynamo.OptimizedModule);
    expect(d._orig_mod).toBe(lin);
  });

  it("setStance: Python's force_backend check, and an unknown stance fails when a compiled model runs", () => {
    expect(() => torch.compiler.setStance('force_eager', { forceBackend: 'eager' })).toThrow('non-default stance cannot have force_backend set');
    const g = quietly(() => torch.compile((a: T) => a.add(1)));
    const cm = quietly(() => torch.compile(new nn.Linear(2, 2)));
    torch.compiler.setStance('bogus');
    try {
      expect(() => g(torch.ones(1))).toThrow("invalid torch.compile stance 'DynamoStance(stance='bogus', skip_guard_eval_unsafe=False, backend=None)'");
      expect(() => cm.call(torch.ones(2))).toThrow('invalid torch.compile stance');
    } finally {
      torch.compiler.setStance('default');
    }
    expect(g(torch.ones(1)).tolist()).toEqual([2]);
    torch.compiler.setStance('force_eager');
    torch.compiler.setStance('default');
    // the decorator form: the stance holds while the function runs
    const inBogus = torch.compiler.setStance('bogus')(() => g(torch.ones(1)));
    expect(g(torch.ones(1)).tolist()).toEqual([2]);
    expect(() => inBogus()).toThrow('invalid torch.compile stance');
    expect(g(torch.ones(1)).tolist()).toEqual([2]);
  });
});
