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
