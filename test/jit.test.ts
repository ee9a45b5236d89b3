// torch.jit against Python torch 2.13: modules Python scripted/traced (test/fixtures/jit/python.json,
// scripts/make-jit-fixtures.py) run in Node bit-exactly; modules Node traced or re-saved run in
// Python with Node's results (node.json / node_python.json, scripts/make-node-jit.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { warningsOf } from './warnings-of.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, makeTensor, type Enc, type TensorEnc } from './golden-replay.js';
import { jitCases, mix, Mlp } from './jit-modules.js';
import { childTimeoutMs, runChild } from './run-child.js';

type DictEnc = { dict: Record<string, Expected> };
type Expected = Enc | DictEnc;
type Named = [string, TensorEnc][];

const dir = new URL('./fixtures/jit/', import.meta.url).pathname;
const read = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
const py = read<{
  inputs: Record<string, Expected>;
  scripted: Record<string, unknown> & { attrs: Record<string, Expected>; parameters: Named; buffers: Named; stateDict: Named; grads: Named; trainBuffers: Named };
  traced: { forward: Expected; code: string; parameters: Named; buffers: Named };
  frozen: Record<string, Record<string, Expected & string & string[] & number & Named>> & { trainingError: string };
}>('python.json');
const node = read<{ cases: Record<string, { inputs: Expected[]; forward: Expected }> }>('node.json');
const nodeInPython = read<Record<string, Record<string, Expected> & { code: string }>>('node_python.json');

const tmp = mkdtempSync(join(tmpdir(), 'torchnode-jit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Decodes fixture inputs: tensors, lists (arrays), dicts (objects), numbers. */
function input(e: Expected): unknown {
  if ('dtype' in e) return makeTensor(e);
  if ('seq' in e) return e.seq.map(input);
  if ('dict' in e) return Object.fromEntries(Object.entries(e.dict).map(([k, v]) => [k, input(v)]));
  if ('num' in e) return Number(e.num);
  throw new Error(`cannot decode ${JSON.stringify(e)}`);
}
/** Bit-exact comparison with what Python returned, dicts (plain objects, key order too) included. */
function same(actual: unknown, exp: Expected, path = 'result'): void {
  if ('dict' in exp) {
    expect(Object.keys(actual as object), `${path}: keys`).toEqual(Object.keys(exp.dict));
    for (const [k, v] of Object.entries(exp.dict)) same((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  check(actual, exp, undefined, path);
}
function sameNamed(actual: [string, torch.Tensor][], exp: Named, what: string): void {
  expect(actual.map(([n]) => n), `${what}: names`).toEqual(exp.map(([n]) => n));
  actual.forEach(([n, t], i) => same(t, exp[i]![1], `${what} ${n}`));
}

const x = input(py.inputs.x!) as torch.Tensor;
const scriptedPath = join(dir, 'scripted.pt');
const loadScripted = (): torch.jit.ScriptModule => torch.jit.load(scriptedPath);
type Methods = torch.jit.ScriptModule & Record<string, torch.jit.ScriptMethod>;

describe('torch.jit.load: a scripted module from Python', () => {
  const m = loadScripted() as Methods;

  it('runs forward through call and forward, bit-exact', () => {
    same(m.call(x), py.scripted.forward as Expected);
    same(m.forward(x), py.scripted.forward as Expected);
  });

  it('runs other methods by name and as JS methods', () => {
    same(m.runMethod('encode', x), py.scripted.encode as Expected);
    same(m.encode!(x), py.scripted.encode as Expected);
    expect(m.methodNames().sort()).toEqual(py.scripted.methods);
  });

  it('converts lists, dicts, tuples and keyword arguments; returns dicts as objects', () => {
    const [xs, d, pair] = [input(py.inputs.xs!), input(py.inputs.d!), input(py.inputs.pair!)];
    same(m.combine!(xs, d, pair), py.scripted.combine as Expected);
    same(m.combine!(xs, d, pair, { alpha: 0.5 }), py.scripted.combineAlpha as Expected);
    same(m.combine!(xs, d, pair, 0.5), py.scripted.combineAlpha as Expected);
  });

  it('returns tuples of int, float, str, bool, None and lists as arrays of JS values', () => {
    const r = m.describe!(x) as unknown[];
    same(r, py.scripted.describe as Expected);
    expect(typeof r[1]).toBe('number');
    expect(r[5]).toBeNull();
  });

  it('reads attributes of every type, with attr() and as properties', () => {
    for (const [name, exp] of Object.entries(py.scripted.attrs)) {
      same(m.attr(name), exp, `attr ${name}`);
      same((m as unknown as Record<string, unknown>)[name], exp, `property ${name}`);
    }
    expect(m.hasattr('scale')).toBe(true);
    expect(m.hasattr('nope')).toBe(false);
  });

  it('runs methods that change the module state, as Python does', () => {
    const fresh = loadScripted();
    expect([fresh.runMethod('bump', 2), fresh.runMethod('bump', -1)]).toEqual(py.scripted.bump);
    expect(fresh.attr('count')).toBe(py.scripted.countAfter);
  });

  it('sets attributes, converting to the declared type', () => {
    const fresh = loadScripted() as Methods;
    fresh.setAttr('scale', 1);
    expect(fresh.attr('scale')).toBe(1);
    (fresh as unknown as { sizes: number[] }).sizes = [4, 5];
    expect(fresh.attr('sizes')).toEqual([4, 5]);
    fresh.setAttr('table', { z: 0.5 });
    expect(fresh.attr('table')).toEqual({ z: 0.5 });
    fresh.setAttr('maybe', 7);
    expect(fresh.attr('maybe')).toBe(7);
    expect(() => fresh.setAttr('count', 1.5)).toThrow(TypeError);
    expect(() => fresh.setAttr('count', 1.5)).toThrow("Expected a value of type 'int' for field 'count', but found 'float'");
    expect(() => fresh.setAttr('eps', 1)).toThrow(/Can't set constant 'eps'/);
    expect(() => fresh.setAttr('nope', 1)).toThrow(/has no attribute 'nope'/);
    expect(fresh.attr('count')).toBe(3); // unchanged by the failed calls
  });

  it('has submodules as ScriptModules, with nn.Module names and order', () => {
    expect(m.namedChildren().map(([n]) => n)).toEqual(py.scripted.children);
    expect(m.namedModules().map(([n]) => n)).toEqual(py.scripted.modules);
    for (const [, sub] of m.namedModules()) expect(sub).toBeInstanceOf(torch.jit.ScriptModule);
    const block = m.attr('block') as torch.jit.ScriptModule;
    expect(block).toBe(m.namedChildren()[0]![1]);
    expect((m as unknown as { block: unknown }).block).toBe(block);
    expect(block.originalName).toBe('Block');
  });

  it('has the parameters, buffers and state_dict Python has', () => {
    sameNamed(m.namedParameters(), py.scripted.parameters, 'parameters');
    sameNamed(m.namedBuffers(), py.scripted.buffers, 'buffers');
    sameNamed(Object.entries(m.stateDict()), py.scripted.stateDict, 'stateDict');
    expect(m.parameters()[0]).toBe(m.parameters()[0]); // the same objects each time
    expect(m.namedParameters({ recurse: false })).toEqual([]);
    expect((m.attr('block') as torch.jit.ScriptModule).namedParameters({ prefix: 'block' }).map(([n]) => n)).toEqual(
      py.scripted.parameters.filter(([n]) => n.startsWith('block.')).map(([n]) => n),
    );
  });

  it("hands out the module's own tensors: gradients and in-place updates reach the module", () => {
    const fresh = loadScripted();
    (fresh.call(x) as torch.Tensor).pow(2).sum().backward();
    sameNamed(fresh.namedParameters().map(([n, p]) => [n, p.grad!]), py.scripted.grads, 'grads');
    torch.noGrad(() => {
      for (const p of fresh.parameters()) p.add_(p.grad!, { alpha: -0.1 }); // SGD(lr=0.1).step()
    });
    same(fresh.call(x), py.scripted.afterStep as Expected);
  });

  it('loads state dicts into its own tensors and reports missing/unexpected keys', () => {
    const fresh = loadScripted();
    const other = loadScripted();
    const sd = other.stateDict();
    const w = sd['block.fc.weight']!;
    torch.noGrad(() => w.mul_(2));
    expect(fresh.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(fresh.stateDict()['block.fc.weight']!.equal(w)).toBe(true);
    const { offset, ...partial } = sd;
    expect(offset).toBeDefined();
    expect(() => fresh.loadStateDict({ ...partial, extra: torch.ones(1) })).toThrow(/Missing key\(s\) in state_dict: "offset"/);
    expect(fresh.loadStateDict({ ...partial, extra: torch.ones(1) }, { strict: false })).toEqual({ missingKeys: ['offset'], unexpectedKeys: ['extra'] });
    expect(() => fresh.loadStateDict({ ...sd, offset: torch.ones(3) })).toThrow(/size mismatch for offset/);
  });

  it('train() and eval() switch BatchNorm as in Python, with the same running stats', () => {
    const fresh = loadScripted();
    expect(fresh.training).toBe(false);
    expect(fresh.train()).toBe(fresh);
    expect(fresh.training).toBe(true);
    expect((fresh.attr('block') as torch.jit.ScriptModule).training).toBe(true);
    same(fresh.call(x), py.scripted.trainForward as Expected);
    sameNamed(fresh.namedBuffers(), py.scripted.trainBuffers, 'buffers after a training step');
    fresh.eval();
    expect(fresh.training).toBe(false);
    fresh.training = true;
    expect(fresh.training).toBe(true);
    expect((fresh.attr('block') as torch.jit.ScriptModule).training).toBe(false); // the setter is not recursive, as in Python
  });

  it('to(dtype) converts the tensors in place: the same Tensor objects', () => {
    const fresh = loadScripted();
    const before = fresh.parameters();
    expect(fresh.to(torch.float64)).toBe(fresh);
    expect(fresh.parameters()).toEqual(before);
    expect(before[0]!.dtype).toBe(torch.float64);
    same(fresh.call(x.double()), py.scripted.float64 as Expected);
    fresh.float().to({ device: 'cpu' });
    expect(before[0]!.dtype).toBe(torch.float32);
    expect(() => fresh.to(torch.int64)).toThrow(TypeError);
  });

  it('prints its code, graph and repr as Python does', () => {
    expect(m.code).toBe(py.scripted.code);
    expect(m.encode!.code).toBe(py.scripted.encodeCode);
    expect(m.graph).toMatch(/^graph\(%self/);
    expect(m.encode!.schema).toBe('encode(__torch__.Scripted self, Tensor x) -> Tensor');
    expect(String(m)).toBe(py.scripted.repr);
    expect(m.typeName).toBe(py.scripted.typeName);
  });

  it('saves to a file and to bytes; loads from bytes with mapLocation', () => {
    const path = join(tmp, 'resaved.pt');
    m.save(path);
    same(torch.jit.load(path).call(x), py.scripted.forward as Expected);
    const bytes = torch.jit.save(m)!;
    expect(bytes).toBeInstanceOf(Uint8Array);
    same(torch.jit.load(bytes, { mapLocation: 'cpu' }).call(x), py.scripted.forward as Expected);
    same(torch.jit.load(new Uint8Array(bytes), 'cpu').call(x), py.scripted.forward as Expected);
    torch.jit.save(m, join(tmp, 'again.pt'));
    same((torch.jit.load(join(tmp, 'again.pt')) as Methods).encode!(x), py.scripted.encode as Expected);
  });
});

describe("torch.load of a TorchScript archive dispatches to torch.jit.load, as Python's", () => {
  it('with weightsOnly: false it is the module (and the warning); with the default weightsOnly, Python\'s error', () => {
    let m: torch.jit.ScriptModule | undefined;
    const warnings = warningsOf(() => { m = torch.load(scriptedPath, { weightsOnly: false }) as torch.jit.ScriptModule; });
    expect(warnings.map(([, w]) => w)).toContain("'torch.load' received a zip file that looks like a TorchScript archive dispatching to 'torch.jit.load' (call 'torch.jit.load' directly to silence this warning)");
    expect(m).toBeInstanceOf(torch.jit.ScriptModule);
    same(m!.call(x), py.scripted.forward as Expected);
    same((torch.load(readFileSync(scriptedPath), { weightsOnly: false, mapLocation: 'cpu' }) as torch.jit.ScriptModule).call(x), py.scripted.forward as Expected);
    expect(() => torch.load(scriptedPath)).toThrow('Cannot use ``weights_only=True`` with TorchScript archives passed to ``torch.load``');
    expect(() => torch.load(scriptedPath, { weightsOnly: false, mapLocation: () => null })).toThrow(TypeError);
  });
});

describe("torch.jit extra files (Python's _extra_files) and trace's checkTrace", () => {
  it('reads the extra files Python saved (scripts/make-jit-fixtures.py extra.pt); a name the archive lacks stays empty', () => {
    const files: Record<string, string | Uint8Array> = { 'meta.json': '', 'raw.bin': '', 'missing.txt': '' };
    const m = torch.jit.load(join(dir, 'extra.pt'), { extraFiles: files });
    expect(JSON.parse(String(files['meta.json']))).toEqual({ epoch: 7 });
    expect([...(files['raw.bin'] as Uint8Array)]).toEqual([0, 255, 7]);
    expect((files['missing.txt'] as Uint8Array).length).toBe(0);
    m.dispose();
  });
  it('writes them (to a file and to bytes), read back positionally too; bad values are TypeErrors', () => {
    const path = join(tmp, 'extra-node.pt');
    torch.jit.save(loadScripted(), path, { extraFiles: { 'meta.json': '{"v": 1}', 'raw.bin': new Uint8Array([1, 2]) } });
    const files: Record<string, string | Uint8Array> = { 'meta.json': '', 'raw.bin': '' };
    torch.jit.load(path, 'cpu', files).dispose();
    expect([String(files['meta.json']), [...(files['raw.bin'] as Uint8Array)]]).toEqual(['{"v": 1}', [1, 2]]);
    const bytes = torch.jit.save(loadScripted(), { extraFiles: { note: 'x' } })!;
    const note: Record<string, string | Uint8Array> = { note: '' };
    torch.jit.load(bytes, { extraFiles: note }).dispose();
    expect(String(note.note)).toBe('x');
    expect(() => torch.jit.save(loadScripted(), path, { extraFiles: { bad: 3 as never } })).toThrow("extraFiles['bad'] must be a string or a Uint8Array");
    expect(() => torch.jit.load(path, { extraFiles: {} }, {})).toThrow("got multiple values for argument 'extraFiles'");
  });
  it('trace takes checkTrace (Python check_trace=False ports; test/jit-check.test.ts checks the check itself)', () => {
    const f = torch.jit.trace((a: torch.Tensor) => a.mul(2), [torch.ones(2)], { checkTrace: false });
    expect((f(torch.ones(2)) as torch.Tensor).tolist()).toEqual([2, 2]);
    expect(() => torch.jit.trace((a: torch.Tensor) => a, [torch.ones(2)], { checkSomething: [] } as never)).toThrow(/checkSomething/);
  });
});

describe('torch.jit.load: a traced module from Python', () => {
  const t = torch.jit.load(join(dir, 'traced.pt'));
  const [img, y] = [input(py.inputs.img!), input(py.inputs.y!)];

  it('runs forward with two inputs and a tuple output', () => {
    same(t.call(img, y), py.traced.forward);
    expect(t.code).toBe(py.traced.code);
    sameNamed(t.namedParameters(), py.traced.parameters, 'parameters');
    sameNamed(t.namedBuffers(), py.traced.buffers, 'buffers');
  });
});

describe('torch.jit.freeze, runFrozenOptimizations and optimizeForInference: the graphs and results Python gets', () => {
  const f = py.frozen;
  const tracedPath = join(dir, 'traced.pt');
  const [img, y] = [input(py.inputs.img!), input(py.inputs.y!)];

  it('freezes parameters, buffers and submodules into constants of forward', () => {
    const m = loadScripted();
    const frozen = torch.jit.freeze(m);
    expect(frozen).not.toBe(m);
    expect(frozen.code).toBe(f.scripted.code);
    same(frozen.call(x), f.scripted.forward);
    expect(frozen.namedParameters()).toEqual([]);
    expect(frozen.namedBuffers()).toEqual([]);
    expect(frozen.namedChildren().map(([n]) => n)).toEqual(f.scripted.children);
    expect(frozen.methodNames().sort()).toEqual(f.scripted.methods);
    expect(frozen.training).toBe(false);
    frozen.train(); // a JS field, as Python's train() sets a Python attribute on a frozen module
    expect(frozen.training).toBe(true);
    same(m.call(x), py.scripted.forward as Expected); // the original is unchanged
  });

  it('keeps preserved attributes and methods, and optimizes the preserved methods too', () => {
    const frozen = torch.jit.freeze(loadScripted(), ['encode', 'count', 'bump']) as Methods;
    expect(frozen.code).toBe(f.preserved.code);
    expect(frozen.encode!.code).toBe(f.preserved.encodeCode);
    same(frozen.encode!(x), f.preserved.encode);
    expect(frozen.bump!(1)).toBe(f.preserved.bump);
    expect(frozen.attr('count')).toBe(f.preserved.count);
    expect(frozen.methodNames().sort()).toEqual(f.preserved.methods);
  });

  it('folds the batch norm into the convolution (optimizeNumerics), or leaves it for runFrozenOptimizations', () => {
    const t = torch.jit.freeze(torch.jit.load(tracedPath));
    expect(t.code).toBe(f.traced.code);
    expect(t.code).not.toContain('batch_norm');
    same(t.call(img, y), f.traced.forward);
    const u = torch.jit.freeze(torch.jit.load(tracedPath), null, false);
    expect(u.code).toBe(f.unoptimized.code);
    expect(u.code).toContain('batch_norm');
    torch.jit.runFrozenOptimizations(u);
    expect(u.code).toBe(f.unoptimized.optimizedCode);
    same(u.call(img, y), f.unoptimized.forward);
  });

  it('optimizeForInference freezes (after eval()) and rewrites for MKLDNN', () => {
    const m = torch.jit.load(tracedPath);
    m.train();
    const o = torch.jit.optimizeForInference(m);
    expect(m.training).toBe(false);
    expect(o.code).toBe(f.inference.code);
    expect(o.code).toContain('mkldnn_convolution');
    same(o.call(img, y), f.inference.forward);
    const s = torch.jit.optimizeForInference(loadScripted(), ['encode']) as Methods;
    expect(s.code).toBe(f.inferenceScripted.code);
    expect(s.encode!.code).toBe(f.inferenceScripted.encodeCode);
    same(s.call(x), f.inferenceScripted.forward);
    same(s.encode!(x), f.inferenceScripted.encode);
    expect(torch.jit.optimizeForInference(s)).toBe(s); // frozen already: optimized in place
  });

  it('refuses a module in training mode, a JS module and unknown names, leaving the module as it was', () => {
    const m = loadScripted();
    m.train();
    expect(() => torch.jit.freeze(m)).toThrow(f.trainingError);
    m.eval();
    expect(() => torch.jit.freeze(m, ['nope'])).toThrow(/torch\.jit\.freeze: Unknown name: nope/);
    expect(() => torch.jit.freeze(new torch.nn.Linear(2, 2) as never)).toThrow(/Freezing expects a ScriptModule as input/);
    expect(() => torch.jit.optimizeForInference({} as never)).toThrow(/optimize_for_inference expects a ScriptModule as input/);
    expect(() => torch.jit.freeze(m, 'encode' as never)).toThrow(/preserved_attrs must be an array of names/);
    expect(() => torch.jit.freeze(m, null, 1 as never)).toThrow(/optimize_numerics must be a boolean/);
    expect(() => torch.jit.runFrozenOptimizations(torch.jit.freeze(m), true, ['missing'])).toThrow(/missing/);
    expect(m.namedParameters().length).toBe((py.scripted.parameters as Named).length);
    same(m.call(x), py.scripted.forward as Expected);
  });
});

describe('errors', () => {
  const m = loadScripted();
  const bytes = readFileSync(scriptedPath);

  it('missing and corrupt files', () => {
    expect(() => torch.jit.load(join(tmp, 'missing.pt'))).toThrow(/torch.jit.load: open file failed/);
    expect(() => torch.jit.load(new Uint8Array([1, 2, 3, 4]))).toThrow(/torch.jit.load: istream reader failed/);
    expect(() => torch.jit.load(bytes.subarray(0, bytes.length >> 1))).toThrow(/torch.jit.load/);
    const garbled = Buffer.from(bytes);
    garbled.fill(0x41, 200, 2000);
    expect(() => torch.jit.load(garbled)).toThrow(Error);
    expect(() => torch.jit.load(42 as unknown as string)).toThrow(TypeError);
    expect(() => torch.jit.load(scriptedPath, { mapLocation: 'nodevice' })).toThrow(TypeError);
  });

  it('damaged archives (truncated, bits flipped, bytes overwritten): an Error or a module, never a crash', () => {
    const r = runChild(`
      import { readFileSync } from 'node:fs';
      let seed = 4242;
      const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
      const stats = { threw: 0, loaded: 0, bad: [] };
      for (const name of ['scripted.pt', 'traced.pt', 'node_fn.pt']) {
        const data = readFileSync(${JSON.stringify(dir)} + name);
        for (let i = 0; i < 200; i++) {
          const mode = rand(3);
          const b = mode === 0 ? data.subarray(0, rand(data.length)) : Buffer.from(data);
          for (let k = 0; mode !== 0 && k <= rand(4); k++) {
            const at = rand(b.length);
            b[at] = mode === 1 ? b[at] ^ (1 << rand(8)) : rand(256);
          }
          process.stdout.write(name + ' #' + i + '\\n');
          try {
            const m = torch.jit.load(b);
            stats.loaded++;
            try { m.forward(torch.ones([2, 4])); } catch {}
          } catch (e) {
            if (e instanceof Error && e.message.startsWith('torch.jit.load')) stats.threw++;
            else stats.bad.push(String(e));
          }
        }
      }
      console.log(JSON.stringify(stats));
    `);
    const lines = r.stdout.trim().split('\n');
    expect(r.signal, `died in ${lines[lines.length - 1]}\n${r.stderr}`).toBeNull();
    const stats = JSON.parse(lines[lines.length - 1]!) as { threw: number; loaded: number; bad: string[] };
    expect(stats.bad).toEqual([]);
    expect(stats.threw).toBeGreaterThan(200); // 327 of the 600 with this seed; the rest loaded (damage in tensor data, or in bytes nothing checks)
  }, childTimeoutMs);

  it('wrong argument types and counts name the argument and the schema', () => {
    expect(() => m.forward('a')).toThrow(TypeError);
    expect(() => m.forward('a')).toThrow("forward() Expected a value of type 'Tensor' for argument 'x' but instead found type 'str'.");
    expect(() => m.runMethod('combine', [x], { a: x }, [x, 1.5])).toThrow(/Expected a value of type 'Tuple\[Tensor, int\]' for argument 'pair'/);
    expect(() => m.forward(x, x)).toThrow("Expected at most 2 argument(s) for operator 'forward', but received 3 argument(s). Declaration: forward(__torch__.Scripted self, Tensor x) -> Tensor");
    expect(() => m.forward()).toThrow(/forward\(\) is missing value for argument 'x'/);
    expect(() => m.runMethod('combine', [x], { a: x, b: x }, [x, 2], { beta: 1 })).toThrow(/Unknown keyword argument 'beta'/);
    expect(() => m.forward(torch.ones(2, 7))).toThrow(/mat1 and mat2 shapes cannot be multiplied/);
  });

  it('unknown methods and attributes', () => {
    expect(() => m.runMethod('nope', x)).toThrow(/has no method 'nope'/);
    expect(() => m.attr('nope')).toThrow(/does not have a field with name 'nope'/);
    expect(() => m.runMethod(3 as unknown as string)).toThrow(TypeError);
  });

  it("TorchScript's raise is a torch.JITException", () => {
    let thrown: unknown;
    try {
      m.runMethod('check', torch.tensor([-1, 2], { dtype: torch.float32 }));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(torch.JITException);
    expect(thrown).toBeInstanceOf(torch.jit.Error);
    expect((thrown as Error).message).toMatch(/ValueError: negative input/);
    same(m.runMethod('check', input(py.inputs.pos!)), py.scripted.check as Expected);
  });

  it('a module used after dispose throws; dispose frees its tensors and submodules (nn.Module.dispose)', () => {
    const fresh = loadScripted();
    const block = fresh.attr('block') as torch.jit.ScriptModule;
    const weight = fresh.parameters()[0]!;
    fresh.dispose();
    expect(fresh.isDisposed).toBe(true);
    expect(block.isDisposed).toBe(true);
    expect(weight.isDisposed).toBe(true);
    expect(() => fresh.call(x)).toThrow(/disposed/);
    expect(() => fresh.forward(x)).toThrow(/disposed/);
    expect(() => block.runMethod('forward', x)).toThrow(/disposed/);
    expect(() => fresh.attr('scale')).toThrow(/disposed/);
    expect(() => fresh.save(join(tmp, 'x.pt'))).toThrow(/disposed/);
    expect(() => fresh.train()).toThrow(/disposed/);
    expect(String(fresh)).toBe('RecursiveScriptModule(<disposed>)');
    fresh.dispose();
    same(loadScripted().call(x), py.scripted.forward as Expected); // a new load is independent
  });
});

describe('a ScriptModule is an nn.Module', () => {
  class Wrapper extends torch.nn.Module {
    inner = loadScripted();
    gain = new torch.nn.Parameter(torch.full([2], 2, { dtype: torch.float32 }));
    override forward(v: torch.Tensor): torch.Tensor {
      return (this.inner.call(v) as torch.Tensor).mul(this.gain);
    }
  }

  it('sits inside a JS model: parameters, state dict, train/eval, gradients', () => {
    const w = new Wrapper();
    expect(w.inner).toBeInstanceOf(torch.nn.Module);
    expect(w.namedParameters().map(([n]) => n)).toEqual(['gain', ...py.scripted.parameters.map(([n]) => `inner.${n}`)]); // own first, as in Python
    expect(Object.keys(w.stateDict())).toEqual(['gain', ...py.scripted.stateDict.map(([n]) => `inner.${n}`)]);
    for (const p of w.parameters()) expect(p).toBeInstanceOf(torch.nn.Parameter);
    w.eval();
    expect(w.inner.training).toBe(false);
    w.train();
    expect((w.inner.attr('block') as torch.jit.ScriptModule).training).toBe(true);
    w.eval();
    const out = w.call(x) as torch.Tensor;
    const expected = makeTensor(py.scripted.forward as TensorEnc).mul(2);
    expect(out.equal(expected)).toBe(true);
    out.sum().backward();
    expect(w.inner.parameters().every((p) => p.grad !== null)).toBe(true);
    w.zeroGrad();
    expect(w.inner.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('runs forward hooks through call()', () => {
    const m = loadScripted();
    const seen: unknown[] = [];
    const handle = m.registerForwardHook((_mod: torch.nn.Module, args: unknown[], output: unknown) => {
      seen.push(args.length);
      return (output as torch.Tensor).mul(0);
    });
    expect((m.call(x) as torch.Tensor).abs().sum().item()).toBe(0);
    handle.remove();
    same(m.call(x), py.scripted.forward as Expected);
    expect(seen).toEqual([1]);
  });

  it('requiresGrad_(false) freezes its parameters', () => {
    const m = loadScripted();
    m.requiresGrad_(false);
    expect(m.parameters().some((p) => p.requiresGrad)).toBe(false);
    expect((m.call(x) as torch.Tensor).requiresGrad).toBe(false);
  });
});

describe('torch.jit.trace: JS code into TorchScript', () => {
  it('traces a JS module: its parameters, buffers and submodules become the ScriptModule’s', () => {
    const { mlp, mlpInputs } = jitCases();
    const traced = torch.jit.trace(mlp, mlpInputs);
    const direct = mlp.forward(...mlpInputs);
    const out = traced.call(...mlpInputs) as torch.Tensor[];
    expect(out[0]!.equal(direct[0])).toBe(true);
    expect(out[1]!.equal(direct[1])).toBe(true);
    expect(traced.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias', 'inner.w']);
    expect(traced.namedBuffers().map(([n]) => n)).toEqual(['scale']);
    expect(traced.namedChildren().map(([n]) => n)).toEqual(['inner']);
    expect(traced.originalName).toBe('Mlp');
    expect(traced.code).toMatch(/def forward\(self,\s+x: Tensor,\s+y: Tensor\)/);
    // Shared with the JS module (the same Parameter objects), as Python's traced modules share their parameters.
    expect(traced.parameters()).toEqual([mlp.weight, mlp.bias, mlp.inner.w]);
    expect(traced.parameters()[0]).toBe(mlp.weight);
    expect(traced.buffers()[0]).toBe(mlp.scale);
    torch.noGrad(() => mlp.bias.add_(1));
    expect((traced.call(...mlpInputs) as torch.Tensor[])[0]!.equal(mlp.forward(...mlpInputs)[0])).toBe(true);
  });

  it('Python runs what Node traced with the same outputs (node_traced.pt)', () => {
    const { mlp, mlpInputs } = jitCases();
    same(mlp.forward(...mlpInputs), nodeInPython.traced!.forward!);
    same(torch.jit.trace(mlp, mlpInputs).call(...mlpInputs), nodeInPython.traced!.forward!);
    expect(node.cases.traced!.forward).toEqual(nodeInPython.traced!.forward);
    const saved = torch.jit.load(join(dir, 'node_traced.pt'));
    same(saved.call(...(node.cases.traced!.inputs.map(input))), nodeInPython.traced!.forward!);
    sameNamed(saved.namedParameters(), nodeInPython.traced!.parameters as unknown as Named, 'parameters seen by Python');
    sameNamed(saved.namedBuffers(), nodeInPython.traced!.buffers as unknown as Named, 'buffers seen by Python');
  });

  it('traces a plain function into a callable ScriptFunction (dict output with strict: false)', () => {
    const { mixInputs } = jitCases();
    const fn = torch.jit.trace(mix, mixInputs, { strict: false });
    same(fn(...mixInputs), nodeInPython.fn!.forward!);
    same(mix(...mixInputs), nodeInPython.fn!.forward!);
    expect(node.cases.fn!.forward).toEqual(nodeInPython.fn!.forward);
    expect(fn.code).toMatch(/def forward\(self,\s+a: Tensor,\s+b: Tensor\)/);
    expect(fn.schema).toMatch(/^forward\(/);
    const path = join(tmp, 'fn.pt');
    fn.save(path);
    same(torch.jit.load(path).call(...mixInputs), nodeInPython.fn!.forward!);
    expect(torch.jit.save(fn)).toBeInstanceOf(Uint8Array);
    expect(() => torch.jit.trace(mix, mixInputs)).toThrow(/Encountering a dict at the output of the tracer/);
  });

  it('traces plain JS objects with forward: tensors requiring grad are parameters, others buffers', () => {
    class Plain {
      w = torch.ones(2).requiresGrad_();
      b = torch.full([2], 3);
      forward(v: torch.Tensor): torch.Tensor {
        return v.mul(this.w).add(this.b);
      }
    }
    const traced = torch.jit.trace(new Plain(), torch.ones(2));
    expect(traced.namedParameters().map(([n]) => n)).toEqual(['w']);
    expect(traced.namedBuffers().map(([n]) => n)).toEqual(['b']);
    expect((traced.call(torch.full([2], 2)) as torch.Tensor).tolist()).toEqual([5, 5]);
  });

  it('traces a JS module that contains a ScriptModule: its calls are recorded as method calls', () => {
    class Host extends torch.nn.Module {
      scripted = loadScripted();
      gain = new torch.nn.Parameter(torch.full([2], 3, { dtype: torch.float32 }));
      override forward(v: torch.Tensor): torch.Tensor {
        return (this.scripted.call(v) as torch.Tensor).mul(this.gain);
      }
    }
    const host = new Host();
    const traced = torch.jit.trace(host, x);
    expect(traced.attr('scripted')).toBe(host.scripted); // the same module, shared
    expect(traced.code).toMatch(/\(scripted\)\.forward\(/);
    const expected = makeTensor(py.scripted.forward as TensorEnc).mul(3);
    expect((traced.call(x) as torch.Tensor).equal(expected)).toBe(true);
    expect(traced.namedParameters().map(([n]) => n)).toEqual(['gain', ...py.scripted.parameters.map(([n]) => `scripted.${n}`)]);
    const reloaded = torch.jit.load(traced.saveToBuffer());
    expect((reloaded.call(x) as torch.Tensor).equal(expected)).toBe(true);
  });

  it('traces arrow functions, tuple inputs and tuple outputs', () => {
    const f = torch.jit.trace((pair: torch.Tensor[], k: torch.Tensor) => [pair[0]!.mul(k), pair[1]!.add(k)], [[torch.ones(2), torch.zeros(2)], torch.full([2], 3)]);
    const [a, b] = f([torch.arange(2, { dtype: torch.float32 }), torch.ones(2)], torch.full([2], 2)) as torch.Tensor[];
    expect(a!.tolist()).toEqual([0, 2]);
    expect(b!.tolist()).toEqual([3, 3]);
  });

  it('torch.jit.isTracing() is true while the traced code runs', () => {
    const seen: boolean[] = [];
    torch.jit.trace((t: torch.Tensor) => {
      seen.push(torch.jit.isTracing());
      return t.neg();
    }, torch.ones(1));
    // the trace, checkTrace's second trace, then its plain run of the function (Python: True, True, False)
    expect(seen).toEqual([true, true, false]);
    expect(torch.jit.isTracing()).toBe(false);
    expect(torch.jit.isScripting()).toBe(false);
  });

  it('errors in the traced code reach the caller unchanged; bad targets are TypeErrors', () => {
    const boom = new RangeError('boom');
    expect(() => torch.jit.trace(() => {
      throw boom;
    }, torch.ones(1))).toThrow(boom);
    expect(() => torch.jit.trace((t: torch.Tensor) => t.item() as unknown as torch.Tensor, torch.ones(1))).toThrow(Error);
    expect(() => torch.jit.trace((() => undefined) as unknown as () => torch.Tensor, torch.ones(1))).toThrow(/didn't return any values/);
    expect(() => torch.jit.trace(42 as unknown as () => torch.Tensor, torch.ones(1))).toThrow(TypeError);
    expect(() => torch.jit.trace(new Mlp(), [torch.ones(5, 4), torch.ones(3)], { strcit: true } as never)).toThrow(TypeError);
    // still usable after the failures: the tracer state was cleaned up
    expect(torch.jit.trace((t: torch.Tensor) => t.mul(2), torch.ones(1))(torch.ones(1))).toBeInstanceOf(torch.Tensor);
  });
});

describe('Node -> Python: a Python module changed and re-saved by Node', () => {
  it('Python reads the new attributes, state and parameters (node_resaved.pt)', () => {
    const resaved = torch.jit.load(join(dir, 'node_resaved.pt')) as Methods;
    const inPython = nodeInPython.resaved!;
    same(resaved.call(x), inPython.forward!);
    expect(node.cases.resaved!.forward).toEqual(inPython.forward); // what Node computed before saving
    same(resaved.encode!(x), inPython.encode!);
    same(resaved.attr('scale'), inPython['attr:scale']!);
    same(resaved.attr('count'), inPython['attr:count']!);
    expect(resaved.attr('count')).toBe(7);
  });
});

describe('torch.jit.CompilationUnit', () => {
  it('compiles TorchScript source and runs its functions', () => {
    const cu = new torch.jit.CompilationUnit(`
def scale(x: Tensor, k: float = 2.0) -> Tensor:
    return x * k

def pick(d: Dict[str, int], key: str) -> int:
    return d[key]
`) as torch.jit.CompilationUnit & Record<string, (...a: unknown[]) => unknown>;
    expect((cu.scale!(torch.ones(2)) as torch.Tensor).tolist()).toEqual([2, 2]);
    expect((cu.runFunction('scale', torch.ones(2), { k: 0.5 }) as torch.Tensor).tolist()).toEqual([0.5, 0.5]);
    expect(cu.pick!({ a: 1, b: 5 }, 'b')).toBe(5);
    expect(cu.functions().map((f) => f.name)).toEqual(['scale', 'pick']);
    expect(() => cu.pick!({ a: 1 }, 'z')).toThrow(Error);
    expect(() => new torch.jit.CompilationUnit('def f(x):\n    return y\n')).toThrow(/undefined value y/);
  });
});

// Python 2.13 (/tmp/fix-compile/p8.py, p9.py):
//   def fkw(x, y): return x + 2*y
//   x = torch.ones(2)
//   torch.jit.trace(fkw, example_kwarg_inputs={'x': x, 'y': x}, check_trace=False)(x, x)      -> tensor([3., 3.])
//   t2 = torch.jit.trace(fkw, example_kwarg_inputs={'y': x*2, 'x': x}, check_trace=False)
//   t2 graph inputs: (%x, %y) (the parameters' order); t2(x, x*2)                             -> tensor([5., 5.])
//   torch.jit.trace(fkw, example_kwarg_inputs={'x': x, 'z': x}, check_trace=False)  -> TypeError: fkw() got an unexpected keyword argument 'z'
//   (with check_trace=True Python fails on its own retrace: TracingCheckError; torchnode checks as for positional inputs)
//   class M(nn.Module): def forward(self, x, y=None): return x * 3 if y is None else x - y
//   torch.jit.trace(M(), example_kwarg_inputs={'x': x, 'y': x * 4})(x, x * 4)  -> tensor([-3., -3.])
//   torch.jit.trace(M(), example_kwarg_inputs={'x': x})(x)                     -> tensor([3., 3.])
//   torch.jit.trace(M(), example_kwarg_inputs={'z': x}) -> NameError: 'z' is not in forward() method's arguments, ... valid arguments name are [x,y]
//   torch.jit.trace(M(), example_kwarg_inputs=[x])       -> RuntimeError: example_kwarg_inputs should be a dict
//   torch.jit.script(traced) is traced -> True (a ScriptModule or ScriptFunction comes back as it is)
describe('torch.jit.trace exampleKwargInputs (Python example_kwarg_inputs) and torch.jit.script', () => {
  const fkw = (first: torch.Tensor, second: torch.Tensor): torch.Tensor => first.add(second.mul(2));
  class M extends torch.nn.Module {
    override forward(first: torch.Tensor, second: torch.Tensor | null = null): torch.Tensor {
      return second === null ? first.mul(3) : first.sub(second);
    }
  }
  // (x, y) in Python; other names here, as vitest's transform renames a parameter that shadows a module-level name (this file's x), and the binding reads the source
  const one = torch.ones(2);

  it('binds the values by parameter name; the traced result takes them in the parameters’ order', () => {
    expect(torch.jit.trace(fkw, null, { exampleKwargInputs: { first: one, second: one }, checkTrace: false })(one, one)).toEqual(torch.tensor([3, 3]));
    const t2 = torch.jit.trace(fkw, null, { exampleKwargInputs: { second: one.mul(2), first: one } });
    expect(t2.graph).toMatch(/^graph\(%self : .*\n\s+%first : .*\n\s+%second : /);
    expect((t2(one, one.mul(2)) as torch.Tensor).tolist()).toEqual([5, 5]);
    expect(() => torch.jit.trace(fkw, null, { exampleKwargInputs: { first: one, third: one }, checkTrace: false })).toThrow("fkw() got an unexpected keyword argument 'third'");
  });

  it("modules: forward's parameters, one left out gets its default; Python's errors", () => {
    expect((torch.jit.trace(new M(), null, { exampleKwargInputs: { first: one, second: one.mul(4) } }).call(one, one.mul(4)) as torch.Tensor).tolist()).toEqual([-3, -3]);
    expect((torch.jit.trace(new M(), undefined, { exampleKwargInputs: { first: one } }).call(one) as torch.Tensor).tolist()).toEqual([3, 3]);
    expect(() => torch.jit.trace(new M(), null, { exampleKwargInputs: { third: one } })).toThrow("'third' is not in forward() method's arguments,\n                         valid arguments name are [first,second]");
    expect(() => torch.jit.trace(new M(), null, { exampleKwargInputs: [one] as never })).toThrow('example_kwarg_inputs should be a dict');
    const checked = torch.jit.trace(new M(), null, { exampleKwargInputs: { first: one, second: one }, checkInputs: [{ first: one.mul(2), second: one }] });
    expect((checked.call(one, one) as torch.Tensor).tolist()).toEqual([0, 0]);
  });

  it('torch.jit.script throws, pointing to trace and to load; a ScriptModule or traced function comes back as it is', () => {
    expect(() => torch.jit.script(new M())).toThrow(/TorchScript compiles Python source.*torch\.jit\.trace\(model, exampleInputs\).*torch\.jit\.load\('model\.pt'\)/s);
    const traced = torch.jit.trace(fkw, [one, one]);
    expect(torch.jit.script(traced)).toBe(traced);
    const tm = torch.jit.trace(new M(), [one]);
    expect(torch.jit.script(tm)).toBe(tm);
  });
});
