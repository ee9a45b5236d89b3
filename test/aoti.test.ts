// AOTInductor packages: .pt2 files compiled by Python torch 2.13 (scripts/make-aoti-fixtures.py;
// regenerate with `.venv/bin/python scripts/make-aoti-fixtures.py`) load and run through
// torch.aoti.loadPackage, give Python's outputs, and bad files or inputs raise JS errors.
// Tolerance: the package's own outputs under Python are matched to rtol 1e-5, atol 1e-6 (the same
// compiled kernels, but oneDNN's convolution and the BLAS linear pick code paths by CPU model and
// thread count); eager PyTorch to rtol 1e-5, atol 1e-5 (inductor fuses and reorders float sums, so
// its results may differ from eager by a few ulps: 1.6e-7 at most when the fixture was made).
// On the machine that made the fixture Node's outputs equal the package's Python outputs bit for bit.
// Integer outputs are compared exactly.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, makeTensor, type TensorEnc, type Tol } from './golden-replay.js';
import { isSameRelease } from './release.js';
import { fullGc, lastJson, runChild } from './run-child.js';

torch.setNumThreads(1); // as the generator ran

interface Run { inputs: TensorEnc[]; tuple: boolean; eager: TensorEnc[]; aoti: TensorEnc[] }
interface PackageCase { file: string; metadata: Record<string, string>; constantFqns: string[]; runs: Run[] }
interface Fixture {
  meta: { torch: string };
  cnn: PackageCase;
  two: PackageCase;
  scalarsNone: { file: string; x: TensorEnc; y: TensorEnc; sum: TensorEnc; pair0: TensorEnc };
  loadConstants: { weight: TensorEnc; outputs: TensorEnc[] };
}

const fixturePath = (name: string): string => fileURLToPath(new URL(`./fixtures/aoti/${name}`, import.meta.url));
const fixture = JSON.parse(readFileSync(fixturePath('aoti.json'), 'utf8')) as Fixture;
const VS_PACKAGE: Tol = { rtol: 1e-5, atol: 1e-6 };
const VS_EAGER: Tol = { rtol: 1e-5, atol: 1e-5 };

const scratch = mkdtempSync(join(tmpdir(), 'torchnode-aoti-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Checks a call's result against a run of the fixture: the structure Python returned, then each output. */
function checkOutputs(result: unknown, run: Run): void {
  const outputs = run.tuple ? (result as unknown[]) : [result];
  if (run.tuple) expect(Array.isArray(result), 'a tuple comes back as an array').toBe(true);
  expect(outputs.length).toBe(run.aoti.length);
  outputs.forEach((t, i) => {
    check(t, run.aoti[i]!, VS_PACKAGE, `output ${i} vs the package run by Python`);
    check(t, run.eager[i]!, VS_EAGER, `output ${i} vs eager PyTorch`);
  });
}

describe('torch.aoti.loadPackage: running packages compiled by Python', () => {
  it('small CNN (dynamic batch): same outputs as Python for batch 2 (the export example) and batch 1', () => {
    const pkg = torch.aoti.loadPackage(fixturePath(fixture.cnn.file));
    expect(pkg.numInputs).toBe(1);
    expect(pkg.numOutputs).toBe(1);
    for (const run of fixture.cnn.runs) {
      const x = makeTensor(run.inputs[0]!);
      const y = pkg.call(x);
      expect(torch.isTensor(y), 'a single output comes back as a Tensor, as in Python').toBe(true);
      checkOutputs(y, run);
    }
    pkg.dispose();
  });

  it('two inputs of different dtypes, a tuple of two outputs: call(...) and run([...])', () => {
    const pkg = torch.aoti.loadPackage(fixturePath(fixture.two.file));
    const run = fixture.two.runs[0]!;
    const inputs = run.inputs.map(makeTensor);
    expect(pkg.numInputs).toBe(2);
    expect(pkg.numOutputs).toBe(2);
    checkOutputs(pkg.call(...inputs), run);
    const flat = pkg.run(inputs);
    expect(flat.length).toBe(2);
    checkOutputs(flat, run);
    pkg.dispose();
  });

  it('runs many times with fresh inputs, and without dispose (GC frees the package)', () => {
    const run = fixture.cnn.runs[0]!;
    for (let i = 0; i < 3; i++) {
      const pkg = torch.aoti.loadPackage(fixturePath(fixture.cnn.file));
      for (let j = 0; j < 5; j++) checkOutputs(pkg.call(makeTensor(run.inputs[0]!)), run);
    }
    fullGc(); // the finalizers unload them (and libtorch deletes their extracted files)
    checkOutputs(torch.aoti.loadPackage(fixturePath(fixture.cnn.file)).call(makeTensor(run.inputs[0]!)), run);
    fullGc();
  });

  it('metadata and constant names are what Python reports', () => {
    const pkg = torch.aoti.loadPackage(fixturePath(fixture.cnn.file));
    expect(pkg.getMetadata()).toEqual(fixture.cnn.metadata);
    expect(pkg.metadata()).toEqual(fixture.cnn.metadata);
    expect(pkg.getMetadata().AOTI_DEVICE_KEY).toBe('cpu');
    expect(pkg.getConstantFqns().sort()).toEqual(fixture.cnn.constantFqns);
    expect(pkg.constantFqns().sort()).toEqual(['conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight', 'fc.bias', 'fc.weight']);
    const two = torch.aoti.loadPackage(fixturePath(fixture.two.file));
    expect(two.getConstantFqns().sort()).toEqual(fixture.two.constantFqns);
    two.dispose();
    pkg.dispose();
  });

  it('Python scalars and None among the inputs are leaves with no tensor; None outputs are null', () => {
    const c = fixture.scalarsNone;
    const pkg = torch.aoti.loadPackage(fixturePath(c.file));
    const [x, y] = [makeTensor(c.x), makeTensor(c.y)];
    const out = pkg.call(x, 2, null, y) as { sum: torch.Tensor; none: null; pair: [torch.Tensor, null] };
    check(out.sum, c.sum, VS_PACKAGE, 'sum');
    check(out.pair[0], c.pair0, VS_PACKAGE, 'pair[0]');
    expect([out.none, out.pair[1]]).toEqual([null, null]);
    const flat = pkg.run([x, y]);
    expect(flat.map((t) => t === null)).toEqual([false, true, false, true]);
    pkg.dispose();
  });

  it("loadConstants replaces constants as Python's load_constants does; values must fit the constant", () => {
    const pkg = torch.aoti.loadPackage(fixturePath(fixture.two.file));
    const [a, idx] = fixture.two.runs[0]!.inputs.map(makeTensor) as [torch.Tensor, torch.Tensor];
    const weight = makeTensor(fixture.loadConstants.weight);
    pkg.loadConstants({ 'proj.weight': weight }, { checkFullUpdate: false });
    const [y, arg] = pkg.call(a, idx) as [torch.Tensor, torch.Tensor];
    check(y, fixture.loadConstants.outputs[0]!, VS_PACKAGE, 'output 0 after load_constants');
    check(arg, fixture.loadConstants.outputs[1]!, VS_PACKAGE, 'output 1 after load_constants');
    // Python copies a value of any shape into the constant's buffer (out of bounds); torchnode refuses it
    expect(() => pkg.loadConstants({ 'proj.weight': torch.zeros(3, 3) }, { checkFullUpdate: false })).toThrow(
      'AOTICompiledModel.loadConstants: the new value of proj.weight must match the constant (Float [5, 4] on cpu), got Float [3, 3] on cpu');
    expect(() => pkg.loadConstants({ nope: torch.zeros(1) }, { checkFullUpdate: false })).toThrow('AOTICompiledModel.loadConstants: Constant not found: nope'); // Python's message
    expect(() => pkg.loadConstants({ 'proj.weight': weight }, {} as never)).toThrow(/missing 1 required keyword-only argument: 'checkFullUpdate'/);
    expect(() => pkg.loadConstants({ 'proj.weight': 1 as never }, { checkFullUpdate: false })).toThrow(/the value of proj.weight must be a Tensor/);
    check((pkg.call(a, idx) as torch.Tensor[])[0]!, fixture.loadConstants.outputs[0]!, VS_PACKAGE, 'unchanged after the refusals');
    // a view into a larger tensor: libtorch copies from the view's storage as if it were its own (out of bounds
    // before); it is handed over as a copy of its elements
    pkg.loadConstants({ 'proj.weight': torch.zeros(5, 4) }, { checkFullUpdate: false });
    const bank = torch.cat([torch.full([5, 4], 7, { dtype: torch.float32 }), weight, torch.full([3, 4], -7, { dtype: torch.float32 })]);
    pkg.loadConstants(new Map([['proj.weight', bank.narrow(0, 5, 5)]]), { checkFullUpdate: true });
    check((pkg.call(a, idx) as torch.Tensor[])[0]!, fixture.loadConstants.outputs[0]!, VS_PACKAGE, 'after loading a view');
    // user_managed: libtorch never frees the handle it makes for each such constant (nor the tensor's memory)
    expect(() => pkg.loadConstants({ 'proj.weight': weight }, { checkFullUpdate: true, userManaged: true as never })).toThrow(/userManaged is not supported/);
    pkg.dispose();
  });

  it("torch._inductor.aotiLoadPackage is Python's spelling of the same loader; options are read", () => {
    const pkg = torch._inductor.aotiLoadPackage(fixturePath(fixture.two.file), { modelName: 'model', runSingleThreaded: true });
    const run = fixture.two.runs[0]!;
    checkOutputs(pkg.call(...run.inputs.map(makeTensor)), run);
    expect(String(pkg)).toContain('two_in_two_out.pt2');
    pkg.dispose();
  });
});

describe('torch.aoti: errors, never a crash', () => {
  const cnnPath = fixturePath(fixture.cnn.file);
  const twoPath = fixturePath(fixture.two.file);

  it('a missing file names the path', () => {
    const missing = join(scratch, 'nope.pt2');
    expect(() => torch.aoti.loadPackage(missing)).toThrow(`torch.aoti.loadPackage: no such file '${missing}'`);
  });

  it('a truncated package, garbage bytes and a non-zip file: an Error naming the file and the zip problem', () => {
    const bytes = readFileSync(cnnPath);
    const cases: Record<string, Uint8Array> = {
      'truncated.pt2': bytes.subarray(0, bytes.length >> 1),
      'garbage.pt2': Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 255),
      'empty.pt2': new Uint8Array(0),
    };
    for (const [name, data] of Object.entries(cases)) {
      const path = join(scratch, name);
      writeFileSync(path, data);
      expect(() => torch.aoti.loadPackage(path), name).toThrow(new RegExp(`torch\\.aoti\\.loadPackage: cannot load '.*${name}': .*zip archive`));
    }
    expect(() => torch.aoti.loadPackage(fixturePath('aoti.json'))).toThrow(/cannot load .*aoti\.json.*zip archive/);
  });

  it('a package whose compiled model is damaged: an Error, not a crash (in a child process: the failure mode is an abort)', () => {
    // Overwrite the middle of the file (inside the stored .so) with garbage, keeping the zip index:
    // unchecked, the dynamic loader aborts the process on the damaged ELF file.
    const bytes = Buffer.from(readFileSync(cnnPath));
    const path = join(scratch, 'damaged.pt2');
    bytes.fill(0xcc, bytes.length >> 2, bytes.length >> 1);
    writeFileSync(path, bytes);
    const r = runChild(`try { torch.aoti.loadPackage(${JSON.stringify(path)}); console.log('loaded'); } catch (e) { console.log(JSON.stringify(String(e))); }`);
    expect(r.status, r.stderr).toBe(0);
    expect(lastJson<string>(r)).toMatch(/^Error: torch\.aoti\.loadPackage: cannot load '.*damaged\.pt2': .*\.wrapper\.so is damaged \(CRC-32/);
  });

  it('a model name the package lacks', () => {
    expect(() => torch.aoti.loadPackage(cnnPath, { modelName: 'other' })).toThrow(`torch.aoti.loadPackage: cannot load '${cnnPath}': the package has no model 'other' (it has: model)`);
  });

  it('bad arguments and options are TypeErrors', () => {
    expect(() => torch.aoti.loadPackage(42 as unknown as string)).toThrow(TypeError);
    expect(() => torch.aoti.loadPackage(cnnPath, { model_name: 'model' } as never)).toThrow(/modelName/);
    expect(() => torch.aoti.loadPackage(cnnPath, { runSingleThreaded: 1 } as never)).toThrow(/runSingleThreaded must be a boolean/);
    expect(() => torch.aoti.loadPackage(cnnPath, { deviceIndex: 0.5 })).toThrow(/deviceIndex must be an integer/);
  });

  it('the wrong number of inputs', () => {
    const pkg = torch.aoti.loadPackage(twoPath);
    const [a, idx] = fixture.two.runs[0]!.inputs.map(makeTensor);
    expect(() => pkg.call(a)).toThrow('AOTICompiledModel.call: the exported program takes 2 argument(s), got 1');
    expect(() => pkg.call(a, idx, a)).toThrow(/takes 2 argument\(s\), got 3/);
    // the compiled model counts its inputs (a package whose program took Python scalars takes fewer than numInputs)
    expect(() => pkg.run([a!])).toThrow(/^AOTICompiledModel\.run: .*\b2\b.*\b1\b/);
    // a number is a leaf that export would have specialised, passed on by no input (Python drops non-tensor leaves)
    expect(() => pkg.call(a, 3)).toThrow(/^AOTICompiledModel\.call: .*\b2\b.*\b1\b/);
    expect(() => pkg.call(a, { x: 1 })).toThrow('AOTICompiledModel.call: argument 1 must be a Tensor (or a number, boolean, string or null the export specialised), got Object');
    expect(() => pkg.run([a!, [idx] as never])).toThrow(/input 1 must be a Tensor, got an array/);
    pkg.dispose();
  });

  // The check inside the package reports through the runtime of the libtorch running it: 2.11 gives only a generic run_func_ failure.
  it.runIf(isSameRelease(fixture.meta.torch, torch.buildInfo().torchVersion))('the wrong dtype, shape or strides: the compiled model names the input and what it expected', () => {
    const pkg = torch.aoti.loadPackage(twoPath);
    const [a, idx] = fixture.two.runs[0]!.inputs.map(makeTensor) as [torch.Tensor, torch.Tensor];
    expect(() => pkg.call(a, idx.int())).toThrow(/AOTICompiledModel\.call: .*input_handles\[1\]: unmatched dtype, expected: 4\(at::kLong\), but got: 3/);
    expect(() => pkg.call(a.double(), idx)).toThrow(/input_handles\[0\]: unmatched dtype/);
    expect(() => pkg.call(torch.zeros([3, 5]), idx)).toThrow(/input_handles\[0\]: unmatched dim value at 1, expected: 4, but got: 5/);
    expect(() => pkg.call(torch.zeros([3, 4, 1]), idx)).toThrow(/AOTICompiledModel\.call/);
    expect(() => pkg.call(torch.zeros([4, 3]).t(), idx)).toThrow(/input_handles\[0\]: unmatched stride value at 0, expected: 4, but got: 1/);
    // The package still works after the errors.
    checkOutputs(pkg.call(a, idx), fixture.two.runs[0]!);
    pkg.dispose();
    const cnn = torch.aoti.loadPackage(cnnPath);
    expect(() => cnn.call(torch.zeros([1, 4, 32, 32]))).toThrow(/input_handles\[0\]: unmatched dim value at 1, expected: 3, but got: 4/);
    expect(() => cnn.call(torch.zeros([1, 3, 16, 16]))).toThrow(/unmatched dim value at 2/);
    expect(() => cnn.call(torch.zeros([100, 3, 32, 32]))).toThrow(/dim value is too large at 0/);
    cnn.dispose();
  });

  it('a disposed input tensor and a disposed package throw', () => {
    const pkg = torch.aoti.loadPackage(cnnPath);
    const x = makeTensor(fixture.cnn.runs[0]!.inputs[0]!);
    const gone = x.clone();
    gone.dispose();
    expect(() => pkg.call(gone)).toThrow(/AOTICompiledModel\.call: .*dispose/);
    pkg.dispose();
    expect(pkg.isDisposed).toBe(true);
    expect(() => pkg.call(x)).toThrow(`AOTICompiledModel.call: the package ${cnnPath} was disposed`);
    expect(() => pkg.run([x])).toThrow(/was disposed/);
    expect(() => pkg.getMetadata()).toThrow(/was disposed/);
    expect(() => pkg.getConstantFqns()).toThrow(/was disposed/);
    pkg.dispose(); // idempotent
  });

  it('a copy of a package loads on its own (each load extracts to its own directory)', () => {
    const copy = join(scratch, 'copy.pt2');
    copyFileSync(twoPath, copy);
    const [p, q] = [torch.aoti.loadPackage(twoPath), torch.aoti.loadPackage(copy)];
    const run = fixture.two.runs[0]!;
    checkOutputs(q.call(...run.inputs.map(makeTensor)), run);
    p.dispose();
    checkOutputs(q.call(...run.inputs.map(makeTensor)), run);
    q.dispose();
  });
});
