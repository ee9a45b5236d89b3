// PyTorch's own bad inputs for every optimizer (OptimizerInfo's error inputs, test/fixtures/optiminfo-errors.json
// from scripts/make-optiminfo-fixtures.py): each must fail at the stage Python fails (the constructor or step)
// with an Error (or warn, where Python warns) whose message matches PyTorch's pattern. Parameters keep their
// identity: a parameter listed twice is one tensor twice. Differences are listed in
// test/fixtures/optiminfo-known-failures.txt, which may only shrink.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { camel, decode } from '../scripts/pyvalues.mjs';

interface TensorEntry { tensor: unknown; parameter: boolean; requiresGrad: boolean; grad: unknown }
interface ErrorCase {
  index: number;
  desc: string;
  params: unknown;
  kwargs: Record<string, unknown>;
  tensors: TensorEntry[];
  stage: 'constructor' | 'step';
  kind: 'error' | 'warning';
  type: string;
  message: string;
  regex?: string;
}
const fixture = JSON.parse(readFileSync(new URL('fixtures/optiminfo-errors.json', import.meta.url), 'utf8')) as {
  torch: string;
  skipped: string[];
  optimizers: Record<string, ErrorCase[]>;
};
const known = new Map(
  readFileSync(new URL('fixtures/optiminfo-known-failures.txt', import.meta.url), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
    const [call, ...why] = l.split(' | ');
    return [call!.trim(), why.join(' | ')] as const;
  }),
);

/** The params argument as Python passed it: tensors rebuilt once each (Parameters where Python had them), groups with camelCase keys. */
function paramsOf(c: ErrorCase): unknown {
  const tensors = c.tensors.map((e) => {
    let t = decode(e.tensor) as torch.Tensor;
    if (e.parameter) t = new torch.nn.Parameter(t, e.requiresGrad);
    else if (e.requiresGrad) t.requiresGrad_();
    if (e.grad !== null) t.grad = decode(e.grad) as torch.Tensor;
    return t;
  });
  const build = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(build);
    if (v === null || typeof v !== 'object') return v;
    const tagged = v as { $: string; i?: number; v?: Record<string, unknown> };
    if (tagged.$ === 'ref') return tensors[tagged.i!];
    return Object.fromEntries(Object.entries(tagged.v!).map(([k, x]) => [camel(k), k === 'params' ? build(x) : decode(x)]));
  };
  return build(c.params);
}

type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => torch.optim.Optimizer;

/** null when the input fails as in Python, else what differs. */
function replay(cls: string, c: ErrorCase): string | null {
  const Optimizer = (torch.optim as unknown as Record<string, OptimizerClass>)[cls];
  if (typeof Optimizer !== 'function') return `torch.optim.${cls} is missing`;
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
  const emit = process.emitWarning;
  // warnings are collected synchronously (process.emitWarning defers the 'warning' event)
  process.emitWarning = ((w: string | Error, type?: unknown) => onWarning(typeof w === 'string' ? Object.assign(new Error(w), { name: typeof type === 'string' ? type : (type as { type?: string })?.type ?? 'Warning' }) : w)) as typeof process.emitWarning;
  let stage: 'constructor' | 'step' = 'constructor';
  try {
    const options = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), decode(v)]));
    const opt = new Optimizer(paramsOf(c), options);
    if (c.stage === 'step') {
      stage = 'step';
      opt.step();
    }
  } catch (e) {
    if (c.kind === 'warning') return `throws ${String(e)}, Python warns ${c.type}: ${c.message}`;
    if (!(e instanceof Error)) return `threw a non-Error ${String(e)}`;
    if (stage !== c.stage) return `the ${stage} threw (${e.message}), Python's ${c.stage} raises (${c.message})`;
    return c.regex === undefined || new RegExp(c.regex).test(e.message) ? null : `${e.name}: ${e.message}: PyTorch's message matches /${c.regex}/, this one does not`;
  } finally {
    process.emitWarning = emit;
  }
  if (c.kind === 'warning') {
    const match = warnings.find((w) => c.regex === undefined || new RegExp(c.regex).test(w));
    return match ? null : `no warning matching /${c.regex}/ (warned: ${JSON.stringify(warnings)})`;
  }
  return `no error: Python's ${c.stage} raises ${c.type} (${c.message})`;
}

describe(`OptimizerInfo error inputs (PyTorch ${fixture.torch})`, () => {
  it('come from Python torch 2.13', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
    expect(Object.values(fixture.optimizers).flat().length).toBeGreaterThan(100);
  });
  for (const [cls, cases] of Object.entries(fixture.optimizers)) {
    it(cls, () => {
      const outcomes = cases.map((c) => [`${cls} #${c.index}`, replay(cls, c), c.desc] as const);
      const listed = [...known.keys()].filter((k) => k.startsWith(`${cls} #`));
      expect({
        unexpected: outcomes.filter(([call, d]) => d && !known.has(call)).map(([call, d, desc]) => `${call} (${desc}): ${d}`),
        stale: listed.filter((call) => !outcomes.some(([o, d]) => o === call && d)),
      }).toEqual({ unexpected: [], stale: [] });
    });
  }
});
