// torch.jit.trace's check_trace (on by default) against Python torch 2.13 (test/fixtures/jit-check.json,
// scripts/make-jit-check-fixtures.py): the forward runs it makes, its TracerWarnings and TracingCheckError,
// and torch.tensor inside a trace (a constant of the graph, as Python records it).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { runWithGc } from './run-child.js';
import { warningsOf } from './warnings-of.js';

interface CheckError { type: string; firstLine: string; graphsDiffered: boolean; constantsDiffered: boolean; comparison: string | null }
interface Caught { error: CheckError | null; warnings: string[] }
interface BnState { runningMean: number[]; runningVar: number[]; batches: number }
const py = JSON.parse(readFileSync(new URL('./fixtures/jit-check.json', import.meta.url), 'utf8')) as {
  torch: string;
  batchNorm: { checked: BnState; unchecked: BnState };
  outputMismatch: Caught;
  graphDiff: Caught;
  tensorConstant: { kinds: string[]; output: number[]; check: Caught };
  clean: Caught;
  dataflow: string[];
};

// What the fixture keeps of a TracingCheckError (its other sections name Python source files).
function caught(fn: () => unknown): Caught {
  let error: CheckError | null = null;
  const warnings = warningsOf(() => {
    try {
      fn();
    } catch (e) {
      const message = (e as Error).message;
      error = {
        type: (e as Error).name,
        firstLine: message.split('\n')[0]!,
        graphsDiffered: message.includes('ERROR: Graphs differed across invocations!'),
        constantsDiffered: message.includes('ERROR: Tensor-valued Constant nodes differed in value'),
        comparison: message.includes('Comparison exception: ') ? message.split('Comparison exception: ')[1]! : null,
      };
    }
  }).filter(([category, message]) => category === 'TracerWarning' && /^(Output nr|Trace had)/.test(message)) // check_trace's own, as the fixture keeps
    .map(([, message]) => message.replace('the JS function', 'the Python function'));
  return { error, warnings };
}

const bnState = (bn: torch.nn.BatchNorm1d): BnState => ({
  runningMean: (bn.running_mean as torch.Tensor).tolist() as number[],
  runningVar: (bn.running_var as torch.Tensor).tolist() as number[],
  batches: Number((bn.num_batches_tracked as torch.Tensor).item()),
});

describe('torch.jit.trace checkTrace (Python check_trace)', () => {
  it('the fixture is from torch 2.13', () => expect(py.torch).toMatch(/^2\.13\./));

  it('runs the module again as Python does: BatchNorm in training mode sees five batches (one without the check)', () => {
    const x = torch.arange(12, { dtype: torch.float32 }).reshape(4, 3).mul(0.5);
    const bn = new torch.nn.BatchNorm1d(3);
    torch.jit.trace(bn, x);
    expect(bnState(bn)).toEqual(py.batchNorm.checked);
    const bn2 = new torch.nn.BatchNorm1d(3);
    torch.jit.trace(bn2, x, { checkTrace: false });
    expect(bnState(bn2)).toEqual(py.batchNorm.unchecked);
  });

  it('an output that does not follow the input warns (TracerWarning), and the changed constant throws a TracingCheckError', () => {
    const throughItem = (a: torch.Tensor) => a.mul(a.sum().item());
    expect(caught(() => torch.jit.trace(throughItem, [torch.full([2], 0.75)], { checkInputs: [[torch.full([2], 1.25)]] }))).toEqual(py.outputMismatch);
  });

  it('data-dependent control flow: the graphs differ', () => {
    const branch = (a: torch.Tensor) => ((a.sum().item()) > 0 ? a.mul(2) : a.add(1));
    const got = caught(() => torch.jit.trace(branch, [torch.ones(2)], { checkInputs: [[torch.ones(2).neg()]] }));
    expect(got).toEqual(py.graphDiff);
  });

  it('the graph diff and the first diverging operator, in ndiff notation', () => {
    const branch = (a: torch.Tensor) => ((a.sum().item()) > 0 ? a.mul(2) : a.add(1));
    let message = '';
    try {
      torch.jit.trace(branch, [torch.ones(2)], { checkInputs: [[torch.ones(2).neg()]] });
    } catch (e) {
      expect(e).toBeInstanceOf(torch.jit.TracingCheckError);
      message = (e as Error).message;
    }
    // Python's lines (without their source comments and '?' guide lines); torchnode's graph has the module as %self.
    expect(message).toContain('\tGraph diff:\n\t\t  graph(%self : __torch__.PlaceholderModule,\n\t\t        %a : Tensor):\n' +
      '\t\t-   %2 : Tensor = prim::Constant[value={2}]()\n\t\t-   %3 : Tensor = aten::mul(%a, %2)\n\t\t-   return (%3)\n' +
      '\t\t+   %2 : Tensor = prim::Constant[value={1}]()\n\t\t+   %3 : int = prim::Constant[value=1]()\n\t\t+   %4 : Tensor = aten::add(%a, %2, %3)\n\t\t+   return (%4)\n' +
      '\tFirst diverging operator:\n\tNode diff:\n\t\t- %2 : Tensor = prim::Constant[value={2}]()\n\t\t+ %2 : Tensor = prim::Constant[value={1}]()\n');
  });

  it('torch.tensor inside a trace is a constant of the graph (then aten::to and aten::detach, as Python records it)', () => {
    const withConstant = (a: torch.Tensor) => a.add(torch.tensor(a.sum().item(), { dtype: torch.float32 }));
    const traced = torch.jit.trace(withConstant, [torch.ones(2)], { checkTrace: false });
    const kinds = [...traced.graph.matchAll(/= ([a-z]+::\w+)/g)].map((m) => m[1]);
    expect(kinds).toEqual(py.tensorConstant.kinds);
    expect((traced(torch.full([2], 3)) as torch.Tensor).tolist()).toEqual(py.tensorConstant.output);
    const got = caught(() => torch.jit.trace(withConstant, [torch.ones(2)], { checkInputs: [[torch.full([2], 3)]] }));
    expect(got).toEqual(py.tensorConstant.check);
  });

  it('a deterministic trace passes silently, with check inputs of other shapes and a bare Tensor', () => {
    expect(caught(() => torch.jit.trace((a: torch.Tensor) => a.relu().mul(2), [torch.ones(2)], { checkInputs: [[torch.randn(3, 4)], torch.randn(5)] }))).toEqual(py.clean);
  });

  it('dropout in training mode: the nondeterministic node is named once, then each differing output', () => {
    const m = new torch.nn.Dropout(0.5);
    const warnings = caught(() => torch.jit.trace(m, torch.ones(64))).warnings;
    expect(warnings[0]).toMatch(/^Trace had nondeterministic nodes\. Did you forget call \.eval\(\) on your model\? Nodes:\n\t%\d+ : .* = aten::dropout\(/);
    expect(warnings[0]).toMatch(/\nThis may cause errors in trace checking\. To disable trace checking, pass checkTrace: false to torch\.jit\.trace\(\)$/);
    expect(warnings[1]).toMatch(/^Output nr 1\. of the traced function does not match the corresponding output of the Python function\. Detailed error:\nTensor-likes are not close!/);
    expect(caught(() => torch.jit.trace(m.eval(), torch.ones(64))).warnings).toEqual([]);
  });

  it("the tracer's data-flow warnings, for the traced code's own item(), torch.tensor, Number() and tolist() only (Python ignores torch's own)", () => {
    const seen = warningsOf(() => {
      torch.jit.trace((a: torch.Tensor) => a.mul(a.sum().item()), [torch.ones(2)], { checkTrace: false });
      torch.jit.trace((a: torch.Tensor) => a.add(torch.tensor(2.5)), [torch.ones(2)], { checkTrace: false });
      torch.jit.trace((a: torch.Tensor) => a.mul(Number(a.sum())), [torch.ones(2)], { checkTrace: false });
      torch.jit.trace((a: torch.Tensor) => a.mul((a.tolist() as number[])[0]!), [torch.ones(2)], { checkTrace: false });
      torch.jit.trace(new torch.nn.BatchNorm1d(3), torch.ones(4, 3), { checkTrace: false });
      torch.jit.trace((a: torch.Tensor) => torch.nn.functional.interpolate(a, { scaleFactor: 2 }), torch.ones(1, 1, 4), { checkTrace: false });
    });
    expect(seen.filter(([category]) => category === 'TracerWarning').map(([, message]) => message)).toEqual(py.dataflow);
    expect(warningsOf(() => torch.ones(2).sum().item())).toEqual([]); // not while tracing
  });

  it('checks its options', () => {
    const f = (a: torch.Tensor) => a.mul(2);
    expect(() => torch.jit.trace(f, [torch.ones(2)], { checkInputs: torch.ones(2) as never })).toThrow('torch.jit.trace: checkInputs must be an array of argument lists, got Tensor');
    expect(() => torch.jit.trace(f, [torch.ones(2)], { checkTolerance: -1 })).toThrow('torch.jit.trace: checkTolerance must be a non-negative number, got number');
    expect(() => torch.jit.trace(f, [torch.ones(2)], { checkTrace: 1 as never })).toThrow('torch.jit.trace: checkTrace must be a boolean, got number');
    // a check input that cannot be traced fails in the second trace, with the tracer's own error (as in Python)
    expect(() => torch.jit.trace(f, [torch.ones(2)], { checkInputs: [['x']] })).toThrow(/Only tensors/);
  });

  it('tensors the JS code keeps stay usable (a module caching an intermediate), and the check leaks nothing once the GC ran', () => {
    class Caching extends torch.nn.Module {
      cache: torch.Tensor | null = null;
      override forward(x: torch.Tensor): torch.Tensor {
        this.cache = x.mul(3);
        return x.add(1);
      }
    }
    const k = new Caching();
    torch.jit.trace(k, torch.ones(2));
    expect(k.cache!.tolist()).toEqual([3, 3]); // Python: the last run's value, still alive
    const r = runWithGc(`
      const lin = new torch.nn.Linear(3, 2);
      const x = torch.randn(4, 3);
      torch.jit.trace(lin, x);
      const before = await settle();
      for (let i = 0; i < 30; i++) torch.jit.trace(lin, x);
      return { leaked: (await settle()) - before, weightAlive: lin.weight.isDisposed ? 0 : 1 };`);
    expect(r.leaked).toBeLessThan(10);
    expect(r.weightAlive).toBe(1);
  });
});
