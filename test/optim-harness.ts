// The optimizer trajectory problem of scripts/optim_fixtures.py on the Node side, shared by
// test/optim-trajectories.test.ts and scripts/make-node-optim.ts (so no vitest import here).
import { readdirSync, readFileSync } from 'node:fs';

import * as torch from '../lib/index.js';
import { optim, type Tensor } from '../lib/index.js';

export interface TensorEnc { dtype: string; shape: number[]; data: (number | string | boolean)[] }
export interface TrajectoryCase {
  name: string;
  cls: string;
  options: Record<string, unknown>;
  groups?: ({ params: number[] } & Record<string, unknown>)[];
  steps: number;
  problem: 'mlp' | 'complex' | 'embedding';
  closure: boolean;
  frozen: string[];
  losses: (number | string)[];
  snapshots: Record<string, TensorEnc[]>;
  tol?: { rtol: number; atol: number };
  /** Options given as float32 tensors (torch.tensor(v)); a pair becomes a pair of tensors. */
  tensorOptions?: string[];
}
export interface Problem { params: TensorEnc[]; x: TensorEnc; y: TensorEnc }
export interface OptimFixture { meta: { torch: string }; problems: Record<string, Problem>; cases: TrajectoryCase[] }

export const PARAM_NAMES = ['w1', 'b1', 'w2', 'b2'];
export const LOSS_EVERY = 10; // scripts/optim_fixtures.py keeps the loss of steps 1-10 and of every 10th step
export const fixtureDir = new URL('./fixtures/', import.meta.url);

/** Every optimizer fixture file: [file name, fixture]. */
export function optimFixtures(): [string, OptimFixture][] {
  return readdirSync(fixtureDir)
    .filter((f) => /^optim-.*\.json$/.test(f))
    .map((f) => [f, JSON.parse(readFileSync(new URL(f, fixtureDir), 'utf8')) as OptimFixture]);
}

export const decode = (v: number | string | boolean): number | boolean => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : typeof v === 'string' ? Number(v) : v);

/** A tensor from its stored values (each value is exact in its dtype; a complex one stores its real view's values). */
export function makeTensor(e: TensorEnc): Tensor {
  if (e.dtype.startsWith('complex')) {
    const real = torch.tensor(e.data.map(decode) as number[], { dtype: e.dtype === 'complex64' ? 'float32' : 'float64' }).reshape([...e.shape, 2]);
    return torch.viewAsComplex(real).clone();
  }
  return torch.tensor(e.data.map(decode) as number[], { dtype: e.dtype }).reshape(e.shape);
}

/** The values of a parameter to compare exactly: a complex one as its real view. */
export function valuesOf(t: Tensor): number[] {
  const d = t.detach();
  return Array.from((d.isComplex() ? torch.viewAsReal(d) : d).contiguous().toTypedArray() as Float64Array);
}

export function lossOf(problem: string, params: Tensor[], x: Tensor, y: Tensor): Tensor {
  // scripts/optim_fixtures.py loss_of: the same ops in the same order
  if (problem === 'embedding') return torch.nn.functional.embedding(x, params[0]!, { sparse: true }).sub(y).pow(2).mean();
  const h = torch.tanh(x.matmul(params[0]!.t()).add(params[1]!));
  const out = h.matmul(params[2]!.t()).add(params[3]!);
  if (problem === 'complex') return torch.viewAsReal(out.sub(y)).pow(2).mean();
  return out.sub(y).pow(2).mean();
}

type OptimizerClass = new (params: unknown, options?: Record<string, unknown>) => optim.Optimizer;

export function build(c: TrajectoryCase, params: Tensor[]): optim.Optimizer {
  const Cls = (optim as unknown as Record<string, OptimizerClass>)[c.cls];
  if (!Cls) throw new Error(`optim.${c.cls} is missing`);
  const groups = c.groups?.map((g) => ({ ...g, params: g.params.map((i) => params[i]!) }));
  const options = { ...c.options };
  // scripts/optim_fixtures.py as_tensor_option: torch.tensor(v) (float32), each entry of a pair
  for (const key of c.tensorOptions ?? []) {
    const v = options[key];
    options[key] = Array.isArray(v) ? v.map((e) => torch.tensor(e as number)) : torch.tensor(v as number);
  }
  return new Cls(groups ?? params, options);
}

/** Runs steps [start, stop) and returns the loss of each. */
export function run(c: TrajectoryCase, opt: optim.Optimizer, params: Tensor[], x: Tensor, y: Tensor, start: number, stop: number): number[] {
  const losses: number[] = [];
  for (let i = start; i < stop; i++) {
    const closure = (): Tensor => {
      opt.zeroGrad();
      const loss = lossOf(c.problem, params, x, y);
      loss.backward();
      return loss;
    };
    let loss: Tensor;
    if (c.closure) loss = opt.step(closure) as Tensor;
    else {
      loss = closure();
      opt.step();
    }
    losses.push(Number(loss.item()));
  }
  return losses;
}

/** The problem's tensors, with the parameters at the start or as Python had them after step `at`. */
export function setup(fx: OptimFixture, c: TrajectoryCase, at?: number): { params: Tensor[]; x: Tensor; y: Tensor } {
  const pr = fx.problems[c.problem]!;
  const source = at === undefined ? pr.params : c.snapshots[String(at)]!;
  const params = source.map((e, i) => makeTensor(e).requiresGrad_(!c.frozen.includes(PARAM_NAMES[i]!)));
  return { params, x: makeTensor(pr.x), y: makeTensor(pr.y) };
}
