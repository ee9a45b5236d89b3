// Every optimizer against Python torch 2.13, step for step: the trajectories of
// test/fixtures/optim-*.json (scripts/make-optim-*-fixtures.py through scripts/optim_fixtures.py)
// replayed bit-exact; a mid-run save and resume through torch.save/torch.load gives the uninterrupted
// trajectory; and Python's own half-way state_dict (test/fixtures/optim/<case>.pt) resumes here.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';
import { makeTensor, type TensorEnc } from './golden-replay.js';

interface TrajectoryCase {
  name: string;
  cls: string;
  options: Record<string, unknown>;
  groups?: ({ params: number[] } & Record<string, unknown>)[];
  steps: number;
  problem: 'mlp' | 'embedding';
  closure: boolean;
  frozen: string[];
  losses: (number | string)[];
  snapshots: Record<string, TensorEnc[]>;
  tol?: { rtol: number; atol: number };
}
interface Problem { params: TensorEnc[]; x: TensorEnc; y: TensorEnc }
interface OptimFixture { meta: { torch: string }; problems: Record<string, Problem>; cases: TrajectoryCase[] }

const PARAM_NAMES = ['w1', 'b1', 'w2', 'b2'];
const LOSS_EVERY = 10; // scripts/optim_fixtures.py keeps the loss of steps 1-10 and of every 10th step
const fixtureDir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(fixtureDir).filter((f) => /^optim-.*\.json$/.test(f));

type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => optim.Optimizer;

function lossOf(problem: string, params: Tensor[], x: Tensor, y: Tensor): Tensor {
  // scripts/optim_fixtures.py loss_of: the same ops in the same order
  if (problem === 'embedding') return torch.nn.functional.embedding(x, params[0]!, { sparse: true }).sub(y).pow(2).mean();
  const h = torch.tanh(x.matmul(params[0]!.t()).add(params[1]!));
  return h.matmul(params[2]!.t()).add(params[3]!).sub(y).pow(2).mean();
}

function build(c: TrajectoryCase, params: Tensor[]): optim.Optimizer {
  const Cls = (optim as unknown as Record<string, OptimizerClass>)[c.cls];
  if (!Cls) throw new Error(`optim.${c.cls} is missing`);
  const groups = c.groups?.map((g) => ({ ...g, params: g.params.map((i) => params[i]!) }));
  return new Cls(groups ?? params, c.options);
}

const decode = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));

/** Runs steps [start, stop) and returns the loss of each. */
function run(c: TrajectoryCase, opt: optim.Optimizer, params: Tensor[], x: Tensor, y: Tensor, start: number, stop: number): number[] {
  const losses: number[] = [];
  for (let i = start; i < stop; i++) {
    const closure = (): Tensor => {
      opt.zeroGrad();
      const loss = lossOf(c.problem, params, x, y);
      loss.backward();
      return loss;
    };
    const loss = c.closure ? (opt.step(closure) as Tensor) : (() => { const l = closure(); opt.step(); return l; })();
    losses.push(Number(loss.item()));
  }
  return losses;
}

function expectParams(c: TrajectoryCase, params: Tensor[], step: number): void {
  const want = c.snapshots[String(step)]!;
  params.forEach((p, i) => {
    const expected = makeTensor(want[i]!);
    if (c.tol) torch.testing.assertClose(p, expected, { ...c.tol, msg: (m: string) => `${c.name}: ${PARAM_NAMES[i]} after step ${step}: ${m}` });
    else expect(Array.from(p.detach().toTypedArray() as Float64Array), `${c.name}: ${PARAM_NAMES[i] ?? 'param'} after step ${step}`).toEqual(Array.from(expected.toTypedArray() as Float64Array));
  });
}

function setup(fx: OptimFixture, c: TrajectoryCase, at?: number): { params: Tensor[]; x: Tensor; y: Tensor } {
  const pr = fx.problems[c.problem]!;
  const source = at === undefined ? pr.params : c.snapshots[String(at)]!;
  const params = source.map((e, i) => makeTensor(e).requiresGrad_(!c.frozen.includes(PARAM_NAMES[i]!)));
  return { params, x: makeTensor(pr.x), y: makeTensor(pr.y) };
}

for (const file of files) {
  const fx = JSON.parse(readFileSync(new URL(file, fixtureDir), 'utf8')) as OptimFixture;
  describe(file, () => {
    it('comes from the PyTorch release it is checked against', () => {
      expect(torch.buildInfo().torchVersion.split('.').slice(0, 2)).toEqual(fx.meta.torch.split('.').slice(0, 2));
    });
    for (const c of fx.cases) {
      const half = Math.floor(c.steps / 2);
      it(`${c.name}: ${c.steps} steps as Python`, () => {
        const { params, x, y } = setup(fx, c);
        const opt = build(c, params);
        const losses = run(c, opt, params, x, y, 0, c.steps).filter((_, i) => i < 10 || (i + 1) % LOSS_EVERY === 0);
        if (c.tol) losses.forEach((l, i) => expect(l).toBeCloseTo(decode(c.losses[i]!), 10));
        else expect(losses).toEqual(c.losses.map(decode));
        expectParams(c, params, c.steps);
      });
      it(`${c.name}: saved at step ${half} with torch.save and resumed, it continues as if uninterrupted`, () => {
        const { params, x, y } = setup(fx, c);
        const first = build(c, params);
        run(c, first, params, x, y, 0, half);
        const saved = torch.save(first.stateDict())!;
        first.dispose();
        const resumed = build(c, params);
        resumed.loadStateDict(torch.load(saved) as optim.OptimizerStateDict);
        run(c, resumed, params, x, y, half, c.steps);
        expectParams(c, params, c.steps);
      });
      it(`${c.name}: Python's state_dict at step ${half} resumes here`, () => {
        const { params, x, y } = setup(fx, c, half);
        const opt = build(c, params);
        opt.loadStateDict(torch.load(new URL(`optim/${c.name}.pt`, fixtureDir).pathname) as optim.OptimizerStateDict);
        run(c, opt, params, x, y, half, c.steps);
        expectParams(c, params, c.steps);
      });
    }
  });
}
