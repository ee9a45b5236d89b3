// torch.nn losses against PyTorch 2.13: every F loss function and loss module, replayed from
// test/fixtures/nn-nnloss.json (scripts/make-nn-nnloss-fixtures.py: Python snippets run by torch 2.13
// and translated to JS). Forward values and gradients compare bit for bit: the loss kernels are
// deterministic on the CPU once the kernel set (AVX2, from vitest.config.ts) and one thread are pinned.
// The helpers below (keys_of, warnings_of, focal_loss, DiceLoss, train_steps) are the JS twins of the
// generator's Python helpers, keeping its names so the translated snippets call them unchanged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, makeTensor, sameRelease, type ErrorEnc, type GoldenCase, type GoldenFixture } from './golden-replay.js';
import { warningsOf } from './warnings-of.js';

const nn = torch.nn;
const F = torch.nn.functional;
type Tensor = torch.Tensor;

torch.setNumThreads(1);

// ---- the JS twins of the generator's helpers ---------------------------------------------------

/** Python's list(d.keys()). */
const keys_of = (d: Record<string, unknown>): string[] => Object.keys(d);

/** The warnings `fn` gives, each as 'Category: message' (all of them, as Python's simplefilter('always')). */
const warnings_of = (fn: () => unknown): string[] => warningsOf(fn).map(([category, message]) => `${category}: ${message}`);

/** A loss written as a JS function of tensors: focal loss over class indices. */
function focal_loss(logits: Tensor, target: Tensor, gamma = 2): Tensor {
  const logp = logits.logSoftmax(1).gather(1, target.unsqueeze(1)).squeeze(1);
  return torch.rsub(logp.exp(), 1).pow(gamma).mul(logp).neg().mean();
}

/** A loss written as a JS nn.Module: soft dice over sigmoid probabilities. */
class DiceLoss extends nn.Module {
  constructor(readonly smooth: number) {
    super();
  }
  override forward(logits: Tensor, target: Tensor): Tensor {
    const p = logits.sigmoid();
    const inter = p.mul(target).sum();
    return torch.rsub(inter.mul(2).add(this.smooth).div(p.sum().add(target.sum()).add(this.smooth)), 1);
  }
}

type LossFn = ((s: Tensor, y: Tensor) => Tensor) | InstanceType<typeof nn.Module>;
/** Plain SGD on a linear scorer (x[:, :, None] * w).sum(1); returns [w, losses]. */
function train_steps(lossFn: LossFn, w0: Tensor, x: Tensor, y: Tensor, steps: number, lr: number): Tensor[] {
  const w = w0.clone().requiresGrad_();
  const losses: Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    const scores = x.unsqueeze(2).mul(w).sum(1);
    const loss = (lossFn instanceof nn.Module ? lossFn.call(scores, y) : lossFn(scores, y)) as Tensor;
    loss.backward();
    torch.noGrad(() => w.sub_(w.grad!.mul(lr)));
    w.grad = null;
    losses.push(loss.detach());
  }
  return [w.detach(), torch.stack(losses)];
}

const HELPERS = { nn, F, keys_of, warnings_of, focal_loss, DiceLoss, train_steps };

// ---- replay --------------------------------------------------------------------------------------

interface LossCase extends GoldenCase { group: string }
type LossFixture = Omit<GoldenFixture, 'cases'> & { cases: LossCase[] };
const fx = JSON.parse(readFileSync(new URL('./fixtures/nn-nnloss.json', import.meta.url), 'utf8')) as LossFixture;

/**
 * Runs case `i` on fresh inputs and checks PyTorch's result or error. Each snippet gets its own
 * sourceURL, so it is its own call site for the once-per-call-site warning filter.
 */
function replay(c: LossCase, i: number): void {
  const names = ['torch', ...Object.keys(HELPERS), ...c.uses];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the snippets come from our own generator
  const fn = new Function(...names, `${c.js}\n//# sourceURL=nn-nnloss-case-${i}.js`) as (...args: unknown[]) => unknown;
  const run = (): unknown => fn(torch, ...Object.values(HELPERS), ...c.uses.map((n) => makeTensor(fx.tensors[n]!)));
  const exp = c.expected;
  torch.tidy(() => {
    if ('error' in exp) {
      let thrown: unknown;
      try {
        run();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `should throw, as PyTorch does: ${(exp as ErrorEnc).error}`).toBeInstanceOf(Error);
      expect((thrown as Error).message).toContain((exp as ErrorEnc).error);
    } else {
      check(run(), exp, c.tol, 'result');
    }
  });
}

const groups = new Map<string, [LossCase, number][]>();
fx.cases.forEach((c, i) => groups.set(c.group, [...(groups.get(c.group) ?? []), [c, i]]));

describe('nn losses: fixtures', () => {
  it('come from torch 2.13 and cover every loss', () => {
    expect(fx.meta.torch.startsWith('2.13')).toBe(true);
    expect(fx.cases.length).toBeGreaterThanOrEqual(350);
    const used = new Set(fx.cases.flatMap((c) => [...c.js.matchAll(/\b(?:F\.|nn\.)(\w+)/g)].map((m) => m[1])));
    for (const name of ['l1Loss', 'mseLoss', 'crossEntropy', 'nllLoss', 'poissonNllLoss', 'gaussianNllLoss', 'klDiv', 'binaryCrossEntropy',
      'binaryCrossEntropyWithLogits', 'marginRankingLoss', 'hingeEmbeddingLoss', 'multilabelMarginLoss', 'huberLoss', 'smoothL1Loss',
      'softMarginLoss', 'multilabelSoftMarginLoss', 'cosineEmbeddingLoss', 'multiMarginLoss', 'tripletMarginLoss', 'tripletMarginWithDistanceLoss',
      'ctcLoss', 'L1Loss', 'MSELoss', 'CrossEntropyLoss', 'NLLLoss', 'PoissonNLLLoss', 'GaussianNLLLoss', 'KLDivLoss', 'BCELoss',
      'BCEWithLogitsLoss', 'MarginRankingLoss', 'HingeEmbeddingLoss', 'MultiLabelMarginLoss', 'HuberLoss', 'SmoothL1Loss', 'SoftMarginLoss',
      'MultiLabelSoftMarginLoss', 'CosineEmbeddingLoss', 'MultiMarginLoss', 'TripletMarginLoss', 'TripletMarginWithDistanceLoss', 'CTCLoss'])
      expect(used.has(name), name).toBe(true);
  });
});

// TripletMarginWithDistanceLoss's default distance and LinearCrossEntropyLoss are built from nn.PairwiseDistance
// and nn.Linear (the conv/linear family): their cases run once those layers are in the build.
const OTHER_FAMILIES = 'modules built on other families: nn.PairwiseDistance, nn.Linear';
const haveOtherFamilies = 'PairwiseDistance' in nn && 'Linear' in nn;

for (const [group, cases] of groups) {
  if (group === OTHER_FAMILIES && !haveOtherFamilies) it.skip(`nn losses: ${group}: skipped, this build has no nn.PairwiseDistance / nn.Linear yet`, () => {});
  describe.runIf(sameRelease(fx as GoldenFixture) && (group !== OTHER_FAMILIES || haveOtherFamilies))(`nn losses: ${group}`, () => {
    for (const [c, i] of cases) it(c.js.replace(/^let [^;]*; /, '').replace(/return /, ''), () => replay(c, i));
  });
}

// ---- argument handling and errors that PyTorch raises as TypeError (not replayable as RuntimeError cases) ----

describe('nn losses: argument handling', () => {
  const x = torch.randn(3, 5);
  const y = torch.tensor([1, 0, 4]);

  it('positional arguments in PyTorch order equal the options object', () => {
    const w = torch.rand(5);
    const a = F.crossEntropy(x, y, w, null, 1, null, 'sum', 0.25);
    const b = F.crossEntropy(x, y, { weight: w, ignoreIndex: 1, reduction: 'sum', labelSmoothing: 0.25 });
    expect(a.item()).toBe(b.item());
    const m = new nn.CrossEntropyLoss(w, null, 1, null, 'sum', 0.25);
    expect(m.call(x, y).item()).toBe(b.item());
  });

  it('unknown, undefined or repeated options are a TypeError naming the function', () => {
    expect(() => F.crossEntropy(x, y, { labelSmothing: 0.1 })).toThrow(TypeError);
    expect(() => F.crossEntropy(x, y, { labelSmothing: 0.1 })).toThrow(/crossEntropy.*labelSmoothing/);
    expect(() => F.crossEntropy(x, y, { reduction: undefined })).toThrow(TypeError);
    expect(() => F.crossEntropy(x, y, torch.rand(5), { weight: torch.rand(5) })).toThrow(/multiple values for argument 'weight'/);
    expect(() => new nn.MSELoss({ reductoin: 'sum' })).toThrow(TypeError);
    expect(() => new nn.GaussianNLLLoss('sum' as never)).toThrow(TypeError); // keyword-only in PyTorch
  });

  it('wrong argument types are a TypeError, never a crash', () => {
    expect(() => F.crossEntropy(x, [1, 0, 4] as never)).toThrow(/cross_entropy: argument 'target' must be a Tensor/);
    expect(() => F.mseLoss(x, x, { reduction: 2 as never })).toThrow(/reduction must be a string/);
    expect(() => F.crossEntropy(x, y, { ignoreIndex: 1.5 })).toThrow(/ignoreIndex' must be an integer/);
    expect(() => F.tripletMarginWithDistanceLoss(x, x, x, { distanceFunction: 3 as never })).toThrow(/distanceFunction must be a function/);
    expect(() => F.ctcLoss(x, y, 'a' as never, [1])).toThrow(/input_lengths must be a Tensor or an array of integers/);
    expect(() => new nn.HuberLoss('mean', '1' as never)).toThrow(/delta must be a float or int/);
  });

  it('out-of-range class indices are a JS Error, never a crash (CTC: checked here, libtorch does not)', () => {
    const logProbs = torch.randn(6, 2, 4).logSoftmax(2);
    const targets = torch.tensor([[1, 2, 2], [3, 1, 0]]);
    expect(() => F.ctcLoss(logProbs, torch.tensor([[1, 9, 2], [3, 1, 0]]), [6, 5], [3, 2])).toThrow(/ctc_loss: targets must be class indices in \[0, 4\), got 9/);
    expect(() => F.ctcLoss(logProbs, torch.tensor([[1, 2 ** 40, 2], [3, 1, 0]]), [6, 5], [3, 2])).toThrow(RangeError);
    expect(() => F.ctcLoss(logProbs, torch.tensor([1, 2, -2, 3, 1]), [6, 5], [3, 2])).toThrow(/got -2/);
    // padding past target_lengths is never read, so any value may pad (as in PyTorch)
    const padded = torch.tensor([[1, 2, 2], [3, 1, -1]]);
    expect(F.ctcLoss(logProbs, padded, [6, 5], [3, 2]).item()).toBe(F.ctcLoss(logProbs, targets, [6, 5], [3, 2]).item());
    expect(() => F.multilabelMarginLoss(torch.randn(3, 5), torch.tensor([[9, 0, -1, 1, 4], [4, -1, 0, 0, 0], [0, 1, 2, 3, 4]]))).toThrow(/out of range/);
    expect(() => F.multiMarginLoss(torch.randn(3, 5), torch.tensor([-1, 0, 2]))).toThrow(/target out of range/);
    expect(() => F.crossEntropy(torch.randn(2, 3, 4), torch.tensor([[0, 1, 2, -7], [0, 0, 0, 0]]))).toThrow(/Target -7 is out of bounds/);
    expect(() => new nn.NLLLoss().call(torch.randn(2, 3, 4), torch.tensor([[0, 1, 2, 7], [0, 0, 0, 0]]))).toThrow(/Target 7 is out of bounds/);
  });

  it('a JS distance function, or a module, drives TripletMarginWithDistanceLoss; autograd flows through it', () => {
    const [a, p, n] = [torch.randn(4, 3, { requiresGrad: true }), torch.randn(4, 3), torch.randn(4, 3)];
    const l1 = (u: Tensor, v: Tensor): Tensor => u.sub(v).abs().sum(1);
    const viaJs = F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1, swap: true });
    const byHand = torch.clampMin(torch.add(l1(a, p), 1).sub(torch.minimum(l1(a, n), l1(p, n))), 0).mean();
    expect(viaJs.item()).toBe(byHand.item());
    viaJs.backward();
    expect(a.grad!.abs().sum().item()).toBeGreaterThan(0);
    const m = new nn.TripletMarginWithDistanceLoss({ distanceFunction: l1, margin: 0.5 });
    expect(m.call(a, p, n).item()).toBe(F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1, margin: 0.5 }).item());
  });
});

describe('nn losses: modules', () => {
  it('a weight is a buffer, not a parameter, and moves with the module', () => {
    const w = torch.rand(5);
    const m = new nn.CrossEntropyLoss({ weight: w });
    expect(m.parameters()).toEqual([]);
    expect(m.namedBuffers().map(([k]) => k)).toEqual(['weight']);
    m.double();
    expect(m.weight!.dtype).toBe(torch.float64);
    const b = new nn.BCEWithLogitsLoss({ posWeight: torch.rand(3) });
    expect(b.namedBuffers().map(([k]) => k)).toEqual(['pos_weight']);
    expect(Object.keys(b.stateDict())).toEqual(['pos_weight']);
  });

  it('options parsed once: changing an attribute after construction is seen by forward, as in PyTorch', () => {
    const x = torch.randn(3, 5);
    const y = torch.tensor([1, 0, 4]);
    const m = new nn.CrossEntropyLoss();
    m.reduction = 'sum';
    expect(m.call(x, y).item()).toBe(F.crossEntropy(x, y, { reduction: 'sum' }).item());
    m.labelSmoothing = 0.5;
    expect(m.call(x, y).item()).toBe(F.crossEntropy(x, y, { reduction: 'sum', labelSmoothing: 0.5 }).item());
  });

  // Python 2.13: nn.MSELoss()(x) -> TypeError "MSELoss.forward() missing 1 required positional argument: 'target'";
  // nn.TripletMarginLoss()() names all three, "'anchor', 'positive', and 'negative'"; NLLLoss2d's forward is NLLLoss's.
  it('a loss called without one of its tensors raises Python\'s TypeError, naming the missing arguments', () => {
    const x = torch.randn(3, 4);
    const call = (m: torch.nn.Module, ...args: unknown[]) => () => (m.call as (...a: unknown[]) => unknown)(...args);
    expect(call(new nn.MSELoss(), x)).toThrow(new TypeError("MSELoss.forward() missing 1 required positional argument: 'target'"));
    expect(call(new nn.CrossEntropyLoss(), x)).toThrow(new TypeError("CrossEntropyLoss.forward() missing 1 required positional argument: 'target'"));
    expect(call(new nn.NLLLoss2d())).toThrow(new TypeError("NLLLoss.forward() missing 2 required positional arguments: 'input' and 'target'"));
    expect(call(new nn.TripletMarginLoss())).toThrow(
      new TypeError("TripletMarginLoss.forward() missing 3 required positional arguments: 'anchor', 'positive', and 'negative'"),
    );
    expect(call(new nn.GaussianNLLLoss(), x, x)).toThrow(new TypeError("GaussianNLLLoss.forward() missing 1 required positional argument: 'var'"));
    expect(call(new nn.PoissonNLLLoss(), undefined, x)).toThrow(new TypeError("PoissonNLLLoss.forward() missing 1 required positional argument: 'log_input'"));
  });

  it('a module loss trains a model with autograd and an optimizer step by hand', () => {
    torch.manualSeed(0);
    const w = torch.randn(4, 3, { requiresGrad: true });
    const x = torch.randn(16, 4);
    const y = torch.randint(0, 3, [16]);
    const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.05 });
    const first = lossFn.call(x.matmul(w), y).item();
    for (let i = 0; i < 20; i++) {
      const loss = lossFn.call(x.matmul(w), y);
      loss.backward();
      torch.noGrad(() => w.sub_(w.grad!.mul(0.5)));
      w.grad = null;
    }
    expect(lossFn.call(x.matmul(w), y).item()).toBeLessThan(first);
  });
});
