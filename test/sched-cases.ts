// The scheduler cases of test/fixtures/sched.json (scripts/make-sched-fixtures.py) built and stepped
// as the Python script does; shared by test/sched.test.ts and scripts/make-node-sched-saves.ts.
import { readFileSync } from 'node:fs';

import * as torch from '../lib/index.js';
import { optim } from '../lib/index.js';

const { lrScheduler } = optim;

export interface SchedSpec { cls: string; args: Record<string, unknown> }
export interface OptSpec { kind: 'SGD' | 'Betas'; groups: Record<string, number>[]; options?: Record<string, unknown> }
export interface SchedCase {
  name: string;
  optimizer: OptSpec;
  schedulers: SchedSpec[];
  steps: number;
  metrics?: number[];
  epochs?: number[];
  lrs: number[][];
  momenta: number[][];
  lastLr: number[][][];
  half: number;
  stateKeys: string[][];
  resumed: number[][];
}

export const fixture = JSON.parse(readFileSync(new URL('./fixtures/sched.json', import.meta.url), 'utf8')) as { cases: SchedCase[] };
export const ptPath = (name: string): string => new URL(`./fixtures/sched/${name}.pt`, import.meta.url).pathname;

// scripts/make-sched-fixtures.py FNS: the same arithmetic.
const FNS: Record<string, (e: number) => number> = {
  inv: (e) => 1 / (e + 1),
  lin: (e) => (e + 10) / 10,
  mul95: () => 0.95,
  alt: (e) => (e % 2 ? 0.9 : 1.0),
  halfInv: (x) => (x >= 0 ? 1 / (x + 1) : 1.0),
};

/** An optimizer with Adam's `betas` that does not update (the fixture's BetasOpt). */
class BetasOpt extends optim.Optimizer {
  constructor(params: optim.ParamsT) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999] });
  }
  override step(): unknown {
    return undefined;
  }
}

export function makeOptimizer(spec: OptSpec): optim.Optimizer {
  const params = [torch.zeros(2).requiresGrad_(), torch.zeros(3).requiresGrad_()];
  const groups = spec.groups.map((g, i) => ({ params: [params[i]!], ...g }));
  return spec.kind === 'SGD' ? new optim.SGD(groups, spec.options) : new BetasOpt(groups);
}

export type AnyScheduler = optim.lrScheduler.LRScheduler;
type SchedulerClass = new (...args: unknown[]) => AnyScheduler;

export function build(spec: SchedSpec, opt: optim.Optimizer): AnyScheduler {
  const Cls = ((lrScheduler as unknown as Record<string, SchedulerClass>)[spec.cls] ?? (optim.swaUtils as unknown as Record<string, SchedulerClass>)[spec.cls])!;
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.args)) {
    const fnOf = (x: unknown): unknown => (x !== null && typeof x === 'object' && 'fn' in x ? FNS[(x as { fn: string }).fn] : x);
    if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && 'cls' in v[0]) args[k] = (v as SchedSpec[]).map((s) => build(s, opt));
    else args[k] = Array.isArray(v) ? v.map(fnOf) : fnOf(v);
  }
  if (spec.cls === 'ChainedScheduler') return new Cls(args.schedulers);
  return new Cls(opt, args);
}

/** The fixture's Halve (scripts/make-sched-fixtures.py): a JS subclass with a field of its own, set before initialize(). */
export class Halve extends lrScheduler.LRScheduler {
  gamma: number;
  constructor(optimizer: optim.Optimizer, gamma: number, lastEpoch = -1) {
    super(optimizer);
    this.gamma = gamma;
    this.initialize(lastEpoch);
  }
  override getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? (g.lr as number) : (g.lr as number) * this.gamma));
  }
}

export const groupLrs = (opt: optim.Optimizer): number[] => opt.paramGroups.map((g) => g.lr as number);
export const momenta = (opt: optim.Optimizer): number[] => opt.paramGroups.flatMap((g) => ('betas' in g ? [(g.betas as number[])[0]!] : 'momentum' in g ? [g.momentum as number] : []));

export function stepAll(scheds: AnyScheduler[], c: SchedCase, i: number): void {
  for (const s of scheds) {
    if (s instanceof lrScheduler.ReduceLROnPlateau) s.step(c.metrics![i]);
    else if (c.epochs) s.step(c.epochs[i]);
    else s.step();
  }
}

export function setup(c: SchedCase): { opt: optim.Optimizer; scheds: AnyScheduler[] } {
  const opt = makeOptimizer(c.optimizer);
  return { opt, scheds: c.schedulers.map((s) => build(s, opt)) };
}

