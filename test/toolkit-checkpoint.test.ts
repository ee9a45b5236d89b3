// Checkpoints and EarlyStopping: the PyTorch recipe's dict layout, keep-best, and a resumed run that
// continues bit for bit like one that never stopped (model, optimizer momentum, scheduler, torch's RNG
// for dropout, the shuffling generator).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';

const { nn, toolkit } = torch;
const F = nn.functional;
const root = mkdtempSync(join(tmpdir(), 'torchnode-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 16);
  drop = new nn.Dropout(0.3);
  fc2 = new nn.Linear(16, 3);
  override forward(x: torch.Tensor) {
    return this.fc2.call(this.drop.call(F.relu(this.fc1.call(x))));
  }
}

interface Opt { paramGroups: { lr: number | torch.Tensor }[]; zeroGrad(): void; step(): unknown; stateDict(): unknown; loadStateDict(sd: never): unknown }

// SGD with momentum written out, with the state dict layout of torch.optim (momentum_buffer per index).
class HandSGD implements Opt {
  paramGroups: { lr: number; momentum: number; params: torch.Tensor[] }[];
  buffers: (torch.Tensor | null)[];
  constructor(params: torch.Tensor[], { lr, momentum }: { lr: number; momentum: number }) {
    this.paramGroups = [{ lr, momentum, params }];
    this.buffers = params.map(() => null);
  }
  zeroGrad() {
    for (const p of this.paramGroups[0].params) p.grad = null;
  }
  step() {
    const g = this.paramGroups[0];
    torch.noGrad(() =>
      g.params.forEach((p, i) => {
        const grad = p.grad!;
        this.buffers[i] = this.buffers[i] === null ? grad.clone() : this.buffers[i]!.mul_(g.momentum).add_(grad);
        p.sub_(this.buffers[i]!, { alpha: g.lr });
      }),
    );
  }
  stateDict() {
    const state = torch.markIntKeys(Object.fromEntries(this.buffers.flatMap((b, i) => (b ? [[String(i), { momentum_buffer: b.clone() }]] : []))));
    return { state, param_groups: [{ lr: this.paramGroups[0].lr, momentum: this.paramGroups[0].momentum, params: this.buffers.map((_, i) => i) }] };
  }
  loadStateDict(sd: { state: Record<string, { momentum_buffer: torch.Tensor }>; param_groups: { lr: number }[] }) {
    this.buffers = this.buffers.map((_, i) => sd.state[String(i)]?.momentum_buffer.clone() ?? null);
    this.paramGroups[0].lr = sd.param_groups[0].lr;
  }
}

// Halves the lr every 2 epochs (StepLR's contract: step(), stateDict(), loadStateDict()).
class Halving {
  lastEpoch = 0;
  constructor(readonly opt: Opt, readonly base: number) {}
  step() {
    this.lastEpoch++;
    for (const g of this.opt.paramGroups) g.lr = this.base * 0.5 ** Math.floor(this.lastEpoch / 2);
  }
  stateDict() {
    return { last_epoch: this.lastEpoch, base_lrs: [this.base] };
  }
  loadStateDict(sd: { last_epoch: number }) {
    this.lastEpoch = sd.last_epoch;
  }
}

const hasNativeSgd = typeof (native as unknown as { optimStep?: unknown }).optimStep === 'function';
const optimizers: [string, boolean, (m: Net) => Opt][] = [
  ['hand-written SGD', true, (m) => new HandSGD(m.parameters(), { lr: 0.1, momentum: 0.9 })],
  ['optim.SGD', hasNativeSgd, (m) => new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }) as unknown as Opt],
];

const data = (() => {
  torch.manualSeed(7);
  const x = torch.randn(40, 4);
  return { x, y: x.sum(1).mul(2).floor().remainder(3).to(torch.int64) };
})();

interface Run { model: Net; opt: Opt; sched: Halving; gen: torch.Generator }
function fresh(makeOpt: (m: Net) => Opt, seed: number): Run {
  torch.manualSeed(seed);
  const model = new Net();
  const opt = makeOpt(model);
  return { model, opt, sched: new Halving(opt, 0.1), gen: new torch.Generator().manualSeed(seed + 1) };
}

// One epoch of shuffled minibatches (dropout draws from torch's RNG, the order from gen); the epoch's loss sum.
function epoch({ model, opt, sched, gen }: Run): number {
  model.train();
  let total = 0;
  const order = torch.randperm(40, { generator: gen });
  for (let start = 0; start < 40; start += 8) {
    const idx = order.narrow(0, start, 8);
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(data.x.indexSelect(0, idx)), data.y.indexSelect(0, idx));
    loss.backward();
    opt.step();
    total += Number(loss.item());
  }
  sched.step();
  return total;
}

const params = (m: Net): Float32Array[] => m.parameters().map((p) => p.detach().clone().toTypedArray() as Float32Array);

describe('resume', () => {
  for (const [name, available, makeOpt] of optimizers)
    it.skipIf(!available)(`a resumed run continues bit-identically (${name})`, () => {
      const straight = fresh(makeOpt, 0);
      const straightLosses = Array.from({ length: 5 }, () => epoch(straight));

      const dir = join(root, name.replace(/\W/g, '_'));
      const first = fresh(makeOpt, 0);
      const manager = new toolkit.CheckpointManager({ dir, mode: 'min' });
      const losses: number[] = [];
      for (let e = 0; e < 2; e++) {
        losses.push(epoch(first));
        manager.save({ model: first.model, optimizer: first.opt, scheduler: first.sched, generators: { shuffle: first.gen }, epoch: e, metric: losses[e] });
      }
      // A new process in all but name: other seeds, other weights, torch's RNG moved on.
      const second = fresh(makeOpt, 12345);
      torch.rand(17);
      const resumed = new toolkit.CheckpointManager({ dir, mode: 'min' });
      const ckpt = resumed.resume({ model: second.model, optimizer: second.opt, scheduler: second.sched, generators: { shuffle: second.gen } });
      expect(ckpt.epoch).toBe(1);
      expect(resumed.bestMetric).toBe(Math.min(...losses));
      for (let e = ckpt.epoch! + 1; e < 5; e++) losses.push(epoch(second));

      expect(losses).toEqual(straightLosses);
      const a = params(straight.model), b = params(second.model);
      a.forEach((p, i) => expect(Buffer.from(b[i].buffer).equals(Buffer.from(p.buffer))).toBe(true));
      expect(second.opt.paramGroups[0].lr).toBe(straight.opt.paramGroups[0].lr);
    });

  it('fails on the dropped RNG state: the check above is not vacuous', () => {
    const straight = fresh(optimizers[0][2], 0);
    const straightLosses = Array.from({ length: 3 }, () => epoch(straight));
    const path = join(root, 'norng.pt');
    const first = fresh(optimizers[0][2], 0);
    const losses = [epoch(first)];
    toolkit.saveCheckpoint(path, { model: first.model, optimizer: first.opt, scheduler: first.sched, generators: { shuffle: first.gen }, epoch: 0, saveRng: false });
    const second = fresh(optimizers[0][2], 99);
    toolkit.loadCheckpoint(path, { model: second.model, optimizer: second.opt, scheduler: second.sched, generators: { shuffle: second.gen } });
    losses.push(epoch(second), epoch(second));
    expect(losses[0]).toBe(straightLosses[0]);
    expect(losses.slice(1)).not.toEqual(straightLosses.slice(1));
  });
});

describe('checkpoint files', () => {
  it("use the PyTorch recipe's keys and torch.load reads them back", () => {
    const run = fresh(optimizers[0][2], 0);
    epoch(run);
    const path = join(root, 'layout', 'ckpt.pt');
    toolkit.saveCheckpoint(path, { model: run.model, optimizer: run.opt, scheduler: run.sched, epoch: 3, bestMetric: 0.25, generators: { shuffle: run.gen }, extra: { loss: 0.3 } });
    const d = torch.load(path) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(Object.keys(d)).toEqual(['epoch', 'model_state_dict', 'optimizer_state_dict', 'scheduler_state_dict', 'best_metric', 'rng_state', 'generator_states', 'loss']);
    expect(d.epoch).toBe(3);
    expect(d.best_metric).toBe(0.25);
    expect(Object.keys(d.model_state_dict)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(Object.keys(d.optimizer_state_dict)).toEqual(['state', 'param_groups']);
    expect(d.rng_state.dtype).toBe(torch.uint8);
    expect(torch.equal(d.generator_states.shuffle, run.gen.getState())).toBe(true);
    expect(d.loss).toBe(0.3);
  });

  it('keeps the best by metric (min and max)', () => {
    const run = fresh(optimizers[0][2], 0);
    const low = new toolkit.CheckpointManager({ dir: join(root, 'best-min'), mode: 'min' });
    expect([0.5, 0.7, 0.4, 0.45].map((metric, e) => low.save({ model: run.model, epoch: e, metric }))).toEqual([true, false, true, false]);
    expect(low.bestMetric).toBe(0.4);
    expect(low.loadBest({ model: run.model }).epoch).toBe(2);
    expect(low.resume({ model: run.model }).epoch).toBe(3);
    const high = new toolkit.CheckpointManager({ dir: join(root, 'best-max'), mode: 'max' });
    expect([0.5, 0.7, 0.4, NaN, 0.71].map((metric, e) => high.save({ model: run.model, epoch: e, metric }))).toEqual([true, true, false, false, true]);
    expect((torch.load(high.bestPath) as { best_metric: number }).best_metric).toBe(0.71);
  });

  it('--resume from a missing, corrupt or incomplete checkpoint: a clear error, nothing changed', () => {
    const run = fresh(optimizers[0][2], 0);
    const before = params(run.model);
    const manager = new toolkit.CheckpointManager({ dir: join(root, 'nothing-here') });
    expect(manager.canResume()).toBe(false);
    expect(() => manager.resume({ model: run.model })).toThrow(/loadCheckpoint: no checkpoint at '.*nothing-here\/last\.pt': nothing to resume from/);
    const corrupt = join(root, 'corrupt.pt');
    writeFileSync(corrupt, 'not a zip file');
    expect(() => toolkit.loadCheckpoint(corrupt, { model: run.model })).toThrow(/is not a readable checkpoint/);
    const partial = join(root, 'partial.pt');
    toolkit.saveCheckpoint(partial, { model: run.model, epoch: 0 });
    const rng = torch.getRngState();
    expect(() => toolkit.loadCheckpoint(partial, { model: run.model, optimizer: run.opt })).toThrow(/has no 'optimizer_state_dict'/);
    expect(() => toolkit.loadCheckpoint(partial, { model: run.model, generators: { shuffle: run.gen } })).toThrow(/no state for the generator 'shuffle'/);
    expect(torch.equal(torch.getRngState(), rng)).toBe(true);
    params(run.model).forEach((p, i) => expect(p).toEqual(before[i]));
    expect(() => toolkit.saveCheckpoint(join(root, 'x.pt'), { model: {} as never })).toThrow(/model must have stateDict\(\) and loadStateDict\(\)/);
    expect(() => toolkit.saveCheckpoint(join(root, 'x.pt'), { extra: { epoch: 1 }, epoch: 2 })).toThrow(/extra key 'epoch'/);
  });

  it('a part that refuses its state (an optimizer with other groups) leaves the model loaded before it as it was', () => {
    torch.manualSeed(0);
    const saved = new torch.nn.Linear(2, 2);
    const path = join(root, 'groups.pt');
    toolkit.saveCheckpoint(path, { model: saved, optimizer: new torch.optim.SGD(saved.parameters(), { lr: 0.1 }), epoch: 1 });
    const model = new torch.nn.Linear(2, 2);
    const weights = (m: torch.nn.Linear): number[][] => [m.weight, m.bias!].map((t) => t.detach().view(-1).tolist() as number[]);
    const before = weights(model);
    const twoGroups = new torch.optim.SGD([{ params: [model.weight] }, { params: [model.bias!] }], { lr: 0.1 });
    expect(() => toolkit.loadCheckpoint(path, { model, optimizer: twoGroups })).toThrow('loaded state dict has a different number of parameter groups');
    expect(weights(model)).toEqual(before);
    toolkit.loadCheckpoint(path, { model, optimizer: new torch.optim.SGD(model.parameters(), { lr: 0.1 }) });
    expect(torch.equal(model.weight, saved.weight)).toBe(true);
  });

  it('a bad rng_state or generator state is refused before anything is loaded', () => {
    torch.manualSeed(0);
    const saved = new torch.nn.Linear(2, 2);
    const model = new torch.nn.Linear(2, 2);
    const other = new torch.nn.Linear(2, 2); // made now: creating it draws from torch's RNG
    const gen = new torch.Generator().manualSeed(3);
    const w = model.weight.detach().clone(), genState = gen.getState(), rng = torch.getRngState();
    const unchanged = () => {
      expect(torch.equal(model.weight, w)).toBe(true);
      expect(torch.equal(gen.getState(), genState)).toBe(true);
      expect(torch.equal(torch.getRngState(), rng)).toBe(true);
    };
    // The messages: loadCheckpoint's prefix and path (as its other errors), what is bad, then libtorch's
    // own reason, the one Python's torch.set_rng_state / Generator.set_state give for these tensors
    // ("RNG state must be a torch.ByteTensor"; "Expected a CPUGeneratorImplState of size 5056 but
    // found the input RNG state size to be 3").
    const floatRng = join(root, 'float-rng.pt');
    toolkit.saveCheckpoint(floatRng, { model: saved, saveRng: false, extra: { rng_state: torch.zeros(10) } });
    expect(() => toolkit.loadCheckpoint(floatRng, { model })).toThrow(/^loadCheckpoint: '.*float-rng\.pt' has a bad rng_state: .*RNG state must be a torch\.ByteTensor/);
    unchanged();
    const shortRng = join(root, 'short-rng.pt');
    toolkit.saveCheckpoint(shortRng, { model: saved, saveRng: false, extra: { rng_state: torch.zeros(3, { dtype: torch.uint8 }) } });
    expect(() => toolkit.loadCheckpoint(shortRng, { model })).toThrow(/^loadCheckpoint: '.*short-rng\.pt' has a bad rng_state: .*size 5056 .*size to be 3/);
    unchanged();
    // restoreRng: false does not look at rng_state at all.
    toolkit.loadCheckpoint(shortRng, { model: other, restoreRng: false });
    expect(torch.equal(other.weight, saved.weight)).toBe(true);
    // The layout Python writes for a generator: { generator_states: { g: uint8 tensor } }, here of size 3.
    const shortGen = join(root, 'short-gen.pt');
    toolkit.saveCheckpoint(shortGen, { model: saved, extra: { generator_states: { g: torch.zeros(3, { dtype: torch.uint8 }) } } });
    expect(() => toolkit.loadCheckpoint(shortGen, { model, generators: { g: gen } })).toThrow(/^loadCheckpoint: '.*short-gen\.pt' has a bad state for the generator 'g': .*size to be 3/);
    unchanged();
    expect(() => toolkit.loadCheckpoint(shortGen, { model, generators: { g: {} as never } })).toThrow(/^loadCheckpoint: generators\.g must be a torch\.Generator/);
    unchanged();
    expect(() => toolkit.saveCheckpoint(join(root, 'never.pt'), { model, generators: { g: 3 as never } })).toThrow(/^saveCheckpoint: generators\.g must be a torch\.Generator/);
    expect(existsSync(join(root, 'never.pt'))).toBe(false);
  });

  it('a save that fails changes neither the best metric nor the files; the retry writes best.pt', () => {
    torch.manualSeed(0);
    const model = new torch.nn.Linear(2, 1);
    const manager = new toolkit.CheckpointManager({ dir: join(root, 'failed-save'), mode: 'max' });
    expect(() => manager.save({ model, epoch: 0, metric: 0.9, extra: { epoch: 7 } })).toThrow(/extra key 'epoch'/);
    expect(() => manager.save({ model, epoch: 1.5, metric: 0.9 })).toThrow(/epoch must be a non-negative integer/);
    expect(manager.bestMetric).toBe(null);
    expect(existsSync(manager.lastPath) || existsSync(manager.bestPath)).toBe(false);
    expect(manager.save({ model, epoch: 0, metric: 0.9 })).toBe(true);
    expect(manager.bestMetric).toBe(0.9);
    expect((torch.load(manager.bestPath) as { best_metric: number }).best_metric).toBe(0.9);
    // torch.save refusing an entry (a function) fails before any file is replaced.
    expect(() => manager.save({ model, epoch: 1, metric: 0.95, extra: { fn: () => 1 } })).toThrow(/torch\.save: cannot save a function/);
    expect(manager.bestMetric).toBe(0.9);
    expect((torch.load(manager.bestPath) as { best_metric: number }).best_metric).toBe(0.9);
    expect(manager.save({ model, epoch: 1, metric: 0.95 })).toBe(true);
  });

  it('a path it cannot write names the function and the path, and keeps the code and the cause', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    // Node's own text after "<function>: cannot write '<path>': ", as the other toolkit errors are prefixed.
    let err: (Error & { code?: string }) | undefined;
    try {
      toolkit.saveCheckpoint(join(file, 'ckpt.pt'), { model: new torch.nn.Linear(2, 1) });
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err?.message).toMatch(/^saveCheckpoint: cannot write '.*a-file\/ckpt\.pt': ENOTDIR/);
    expect(err?.code).toBe('ENOTDIR');
    expect(err?.cause).toBeInstanceOf(Error);
    expect(() => toolkit.saveCheckpoint(join(file, 'deeper', 'ckpt.pt'), { model: new torch.nn.Linear(2, 1) })).toThrow(/^saveCheckpoint: cannot write '.*deeper\/ckpt\.pt': ENOTDIR/);
    const manager = new toolkit.CheckpointManager({ dir: join(file, 'ckpts') });
    expect(() => manager.save({ model: new torch.nn.Linear(2, 1), metric: 1 })).toThrow(/^CheckpointManager\.save: cannot write '.*last\.pt': ENOTDIR/);
    expect(manager.bestMetric).toBe(null);
    // Missing folders are still created.
    toolkit.saveCheckpoint(join(root, 'new1', 'new2', 'ckpt.pt'), { model: new torch.nn.Linear(2, 1) });
    expect(existsSync(join(root, 'new1', 'new2', 'ckpt.pt'))).toBe(true);
  });

  it('loadBest before any best was saved says so, without talking about command-line flags', () => {
    const manager = new toolkit.CheckpointManager({ dir: join(root, 'no-best') });
    manager.save({ model: new torch.nn.Linear(2, 1), epoch: 0 }); // no metric: last.pt only
    expect(() => manager.loadBest({ model: new torch.nn.Linear(2, 1) })).toThrow(/^CheckpointManager\.loadBest: no checkpoint at '.*no-best\/best\.pt': no save with a metric has written one yet/);
    expect(() => manager.loadBest({ model: new torch.nn.Linear(2, 1) })).not.toThrow(/--resume/);
    expect(() => toolkit.loadCheckpoint(join(root, 'nope.pt'))).not.toThrow(/--resume/);
  });
});

describe('checkpoints from worker threads', () => {
  it('workers of one process saving to one path never see each other\'s temporary file (one per thread)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'torchnode-ckpt-workers-'));
    const path = join(dir, 'shared.pt');
    const run = (): Promise<string[]> => new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./workers/checkpoint-saver.mjs', import.meta.url), { workerData: { path, rounds: 40 } });
      worker.once('message', (errors: string[]) => {
        void worker.terminate();
        resolve(errors);
      });
      worker.once('error', reject);
    });
    const errors = (await Promise.all([run(), run(), run()])).flat();
    rmSync(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('EarlyStopping', () => {
  it('stops after patience epochs without an improvement beyond minDelta', () => {
    const es = new toolkit.EarlyStopping({ patience: 2, minDelta: 0.01 });
    const losses = [1.0, 0.8, 0.795, 0.79, 0.7, 0.71, 0.72, 0.5];
    const stops = losses.slice(0, 4).map((l) => es.step(l));
    // 0.795 and 0.79 improve by < 0.01 on 0.8: two strikes -> stop at index 3.
    expect(stops).toEqual([false, false, false, true]);
    expect([es.bestScore, es.counter]).toEqual([0.8, 2]);
    // Once stopped it stays stopped (the loop should have ended), while the best still follows.
    expect(losses.slice(4).map((l) => es.step(l))).toEqual([true, true, true, true]);
    expect(es.bestScore).toBe(0.5);
    const up = new toolkit.EarlyStopping({ patience: 1, mode: 'max' });
    expect([0.5, 0.6, 0.6].map((a) => up.step(a))).toEqual([false, false, true]);
    expect(up.bestScore).toBe(0.6);
    const nan = new toolkit.EarlyStopping({ patience: 1 });
    expect([1, NaN].map((a) => nan.step(a))).toEqual([false, true]);
    expect(new toolkit.EarlyStopping({ patience: 1 }).step(torch.tensor(0.5))).toBe(false);
  });

  it('round-trips its state through a checkpoint', () => {
    const es = new toolkit.EarlyStopping({ patience: 3, mode: 'max' });
    [0.5, 0.4].forEach((a) => es.step(a));
    const path = join(root, 'es.pt');
    toolkit.saveCheckpoint(path, { earlyStopping: es, epoch: 1 });
    const again = new toolkit.EarlyStopping({ patience: 3, mode: 'max' });
    toolkit.loadCheckpoint(path, { earlyStopping: again });
    expect([again.bestScore, again.counter, again.earlyStop]).toEqual([0.5, 1, false]);
    expect([0.3, 0.3].map((a) => again.step(a))).toEqual([false, true]);
  });

  it("follows Lightning's rule (an equal value is no improvement), not the blog recipe's (a tie resets the counter)", () => {
    // The blog recipe's EarlyStopping(patience, delta) (shared/seeds/001, run in Python by
    // /tmp/review-toolkit/es_seed.py) flags early_stop per step as: [1,1,1,1] p3 d0 -> 0000,
    // [1,.95,.9,.85] p3 d.05 -> 0000, [.5,.4,.4,.4,.4] p2 d0 -> 00000. Lightning's rule stops on ties.
    const run = (seq: number[], patience: number, minDelta: number) => {
      const es = new toolkit.EarlyStopping({ patience, minDelta });
      return seq.map((v) => Number(es.step(v))).join('');
    };
    expect(run([1, 1, 1, 1], 3, 0)).toBe('0001'); // the recipe: 0000
    expect(run([1, 0.95, 0.9, 0.85], 3, 0.05)).toBe('0000'); // the same: float 0.95 is not exactly 1 - 0.05
    expect(run([0.5, 0.4, 0.4, 0.4, 0.4], 2, 0)).toBe('00011'); // the recipe: 00000
  });

  it('loadStateDict refuses a state of the other mode or with non-numbers, and changes nothing', () => {
    const saved = new toolkit.EarlyStopping({ mode: 'max', patience: 5 });
    [0.9, 0.8].forEach((a) => saved.step(a));
    const es = new toolkit.EarlyStopping({ mode: 'min', patience: 1 });
    es.step(0.5);
    const before = es.stateDict();
    // Messages name the field and what it must be, as the constructor's do; RangeError for a valid
    // value that does not fit (the mode), TypeError for a value of the wrong type.
    expect(() => es.loadStateDict(saved.stateDict())).toThrow(new RangeError("EarlyStopping.loadStateDict: the state was saved with mode 'max', this EarlyStopping has mode 'min'"));
    expect(() => es.loadStateDict({ ...before, counter: 'x' } as never)).toThrow(new TypeError("EarlyStopping.loadStateDict: counter must be a non-negative integer, got 'x'"));
    expect(() => es.loadStateDict({ ...before, counter: -1 })).toThrow(/counter must be a non-negative integer, got -1/);
    expect(() => es.loadStateDict({ ...before, best_score: '0.3' } as never)).toThrow(new TypeError("EarlyStopping.loadStateDict: best_score must be a number or null, got '0.3'"));
    expect(() => es.loadStateDict({ ...before, best_score: NaN })).toThrow(/best_score must be a number or null, got NaN/);
    expect(() => es.loadStateDict({ ...before, early_stop: 'yes' } as never)).toThrow(/early_stop must be a boolean/);
    expect(es.stateDict()).toEqual(before);
    // Through loadCheckpoint: refused before the model is touched.
    const path = join(root, 'es-max.pt');
    torch.manualSeed(0);
    toolkit.saveCheckpoint(path, { model: new torch.nn.Linear(2, 1), earlyStopping: saved });
    const model = new torch.nn.Linear(2, 1);
    const w = model.weight.detach().clone();
    expect(() => toolkit.loadCheckpoint(path, { model, earlyStopping: es })).toThrow(/saved with mode 'max'/);
    expect(torch.equal(model.weight, w)).toBe(true);
    expect(es.stateDict()).toEqual(before);
    // A state without a mode (a hand-written one) is taken as this stopper's.
    es.loadStateDict({ counter: 0, best_score: 0.25 } as never);
    expect([es.bestScore, es.counter, es.earlyStop]).toEqual([0.25, 0, false]);
  });

  it('rejects bad options', () => {
    expect(() => new toolkit.EarlyStopping({ mode: 'up' as never })).toThrow(/mode must be 'min' or 'max'/);
    expect(() => new toolkit.EarlyStopping({ patience: -1 })).toThrow(RangeError);
    expect(() => new toolkit.EarlyStopping({ patients: 3 } as never)).toThrow(/unknown option 'patients'/);
    expect(() => new toolkit.EarlyStopping().step('x' as never)).toThrow(TypeError);
  });
});
