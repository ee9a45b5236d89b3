// nn.functional losses, normalizations and embeddings with their required arguments given by keyword (in the
// trailing options object), as Python 2.13 accepts them: each keyword form equals its positional form bit for
// bit, and a missing or doubled argument is Python's TypeError. Python's code and output quoted above each test.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

const F = torch.nn.functional;
type Tensor = torch.Tensor;
const loose = (f: unknown) => f as (...args: unknown[]) => Tensor;
const f64 = { dtype: torch.float64 };
// x = torch.tensor([[0.5, -1.0, 2.0, 0.25], [1.5, 0.0, -0.5, 1.0], [-2.0, 0.75, 0.5, -0.25]], dtype=torch.float64)
const x = torch.tensor([[0.5, -1.0, 2.0, 0.25], [1.5, 0.0, -0.5, 1.0], [-2.0, 0.75, 0.5, -0.25]], f64);
const t = torch.tensor([0, 1, 3]);
const ti = torch.tensor([0, 2, 1]);

describe('nn.functional: required arguments by keyword, as Python 2.13', () => {
  // F.cross_entropy(x, target=t).item()                      -> 1.9460122966935307
  // F.mse_loss(input=x, target=x * 2).item()                  -> 1.140625
  // F.group_norm(x, num_groups=2)[0].tolist()                 -> [0.9999911112296278, -0.9999911112296278, 0.9999934694517277, -0.9999934694517277]
  // F.batch_norm(x, running_mean=torch.zeros(4, dtype=torch.float64), running_var=torch.ones(4, dtype=torch.float64))[2].tolist()
  //   -> [-1.9999900000749995, 0.7499962500281248, 0.4999975000187499, -0.24999875000937494]
  // F.embedding(ti, weight=x).tolist()                         -> [[0.5, -1.0, 2.0, 0.25], [-2.0, 0.75, 0.5, -0.25], [1.5, 0.0, -0.5, 1.0]]
  it("gives Python's values for representative calls", () => {
    expect(F.crossEntropy(x, { target: t }).item()).toBe(1.9460122966935307);
    expect(F.mseLoss({ input: x, target: x.mul(2) }).item()).toBe(1.140625);
    expect(F.groupNorm(x, { numGroups: 2 }).select(0, 0).tolist()).toEqual([0.9999911112296278, -0.9999911112296278, 0.9999934694517277, -0.9999934694517277]);
    expect(F.batchNorm(x, { runningMean: torch.zeros(4, f64), runningVar: torch.ones(4, f64) }).select(0, 2).tolist())
      .toEqual([-1.9999900000749995, 0.7499962500281248, 0.4999975000187499, -0.24999875000937494]);
    expect(F.embedding(ti, { weight: x }).tolist()).toEqual([[0.5, -1.0, 2.0, 0.25], [-2.0, 0.75, 0.5, -0.25], [1.5, 0.0, -0.5, 1.0]]);
  });

  it('every function: the keyword form equals the positional form bit for bit', () => {
    torch.manualSeed(0);
    const y = torch.randn([3, 4], f64);
    const prob = torch.rand([3, 4], f64);
    const sign = torch.tensor([1, -1, 1], f64);
    const signs = torch.tensor([[1, -1, 1, -1], [-1, 1, 1, -1], [1, 1, -1, -1]], f64);
    const labels = torch.tensor([[3, 0, -1, 1], [1, 2, -1, 0], [0, -1, 1, 2]]);
    const x4 = torch.randn([2, 4, 3], f64);
    const rm = torch.zeros(4, f64);
    const rv = torch.ones(4, f64);
    const logProbs = torch.randn([6, 2, 5], f64).logSoftmax(2);
    const targets = torch.tensor([[1, 2, 3], [4, 1, 0]]);
    const bagIdx = torch.tensor([0, 2, 1, 1]);
    const offsets = torch.tensor([0, 2]);
    const cases: [string, Tensor, Tensor][] = [
      ['crossEntropy', F.crossEntropy(x, t, null, null, -100, null, 'sum', 0.1), loose(F.crossEntropy)({ input: x, target: t, reduction: 'sum', labelSmoothing: 0.1 })],
      ['nllLoss', F.nllLoss(x, t), F.nllLoss(x, { target: t })],
      ['binaryCrossEntropy', F.binaryCrossEntropy(prob, prob.mul(0.5)), F.binaryCrossEntropy(prob, { target: prob.mul(0.5) })],
      ['binaryCrossEntropyWithLogits', F.binaryCrossEntropyWithLogits(x, prob), F.binaryCrossEntropyWithLogits({ input: x, target: prob })],
      ['mseLoss', F.mseLoss(x, y), F.mseLoss(x, { target: y })],
      ['l1Loss', F.l1Loss(x, y), F.l1Loss(x, { target: y })],
      ['smoothL1Loss', F.smoothL1Loss(x, y), F.smoothL1Loss(x, { target: y })],
      ['huberLoss', F.huberLoss(x, y), F.huberLoss(x, { target: y })],
      ['klDiv', F.klDiv(x, prob, { reduction: 'batchmean' }), F.klDiv(x, { target: prob, reduction: 'batchmean' })],
      ['poissonNllLoss', F.poissonNllLoss(x, prob), F.poissonNllLoss(x, { target: prob })],
      ['gaussianNllLoss', F.gaussianNllLoss(x, y, prob), F.gaussianNllLoss(x, { target: y, var: prob })],
      ['marginRankingLoss', F.marginRankingLoss(x.select(1, 0), y.select(1, 0), sign), F.marginRankingLoss(x.select(1, 0), { input2: y.select(1, 0), target: sign })],
      ['hingeEmbeddingLoss', F.hingeEmbeddingLoss(x, signs), F.hingeEmbeddingLoss(x, { target: signs })],
      ['cosineEmbeddingLoss', F.cosineEmbeddingLoss(x, y, sign), F.cosineEmbeddingLoss({ input1: x, input2: y, target: sign })],
      ['multiMarginLoss', F.multiMarginLoss(x, t), F.multiMarginLoss(x, { target: t })],
      ['multilabelMarginLoss', F.multilabelMarginLoss(x, labels), F.multilabelMarginLoss(x, { target: labels })],
      ['multilabelSoftMarginLoss', F.multilabelSoftMarginLoss(x, prob), F.multilabelSoftMarginLoss(x, { target: prob })],
      ['softMarginLoss', F.softMarginLoss(x, signs), F.softMarginLoss(x, { target: signs })],
      ['tripletMarginLoss', F.tripletMarginLoss(x, y, prob), F.tripletMarginLoss(x, { positive: y, negative: prob })],
      ['tripletMarginWithDistanceLoss', F.tripletMarginWithDistanceLoss(x, y, prob, { margin: 2 }), F.tripletMarginWithDistanceLoss({ anchor: x, positive: y, negative: prob, margin: 2 })],
      ['ctcLoss', F.ctcLoss(logProbs, targets, [6, 5], [3, 2]), F.ctcLoss(logProbs, targets, { inputLengths: [6, 5], targetLengths: [3, 2] })],
      ['batchNorm', F.batchNorm(x, rm, rv), F.batchNorm(x, { runningMean: rm, runningVar: rv })],
      ['layerNorm', F.layerNorm(x, [4]), F.layerNorm(x, { normalizedShape: [4] })],
      ['groupNorm', F.groupNorm(x4, 2), F.groupNorm(x4, { numGroups: 2 })],
      ['rmsNorm', F.rmsNorm(x, [4]), F.rmsNorm({ input: x, normalizedShape: [4] })],
      ['localResponseNorm', F.localResponseNorm(x4, 2), F.localResponseNorm(x4, { size: 2 })],
      ['instanceNorm', F.instanceNorm(x4), F.instanceNorm({ input: x4 })],
      ['normalize', F.normalize(x, 1, 0), F.normalize({ input: x, p: 1, dim: 0 })],
      ['embedding', F.embedding(ti, x), F.embedding(ti, { weight: x })],
      ['embeddingBag', F.embeddingBag(bagIdx, x, offsets), F.embeddingBag({ input: bagIdx, weight: x, offsets })],
    ];
    for (const [name, positional, keyword] of cases) {
      expect(keyword.shape, name).toEqual(positional.shape);
      expect(keyword.tolist(), name).toEqual(positional.tolist());
    }
  });

  // F.mse_loss(x)    -> TypeError: mse_loss() missing 1 required positional argument: 'target'
  // F.layer_norm(x)  -> TypeError: layer_norm() missing 1 required positional argument: 'normalized_shape'
  // F.batch_norm(x)  -> TypeError: batch_norm() missing 2 required positional arguments: 'running_mean' and 'running_var'
  // F.triplet_margin_loss(x) -> TypeError: triplet_margin_loss() missing 2 required positional arguments: 'positive' and 'negative'
  // F.embedding(ti)  -> TypeError: embedding() missing 1 required positional argument: 'weight'
  // F.mse_loss(x, x, None, None, 'mean', None, 1) -> TypeError: mse_loss() takes from 2 to 6 positional arguments but 7 were given
  // F.mse_loss(x, x, target=x) -> TypeError: mse_loss() got multiple values for argument 'target'
  it("a missing, surplus or doubled argument is Python's TypeError", () => {
    expect(() => loose(F.mseLoss)(x)).toThrow(new TypeError("mse_loss() missing 1 required positional argument: 'target'"));
    expect(() => loose(F.layerNorm)(x)).toThrow(new TypeError("layer_norm() missing 1 required positional argument: 'normalized_shape'"));
    expect(() => loose(F.batchNorm)(x)).toThrow(new TypeError("batch_norm() missing 2 required positional arguments: 'running_mean' and 'running_var'"));
    expect(() => loose(F.tripletMarginLoss)(x)).toThrow(new TypeError("triplet_margin_loss() missing 2 required positional arguments: 'positive' and 'negative'"));
    expect(() => loose(F.embedding)(ti)).toThrow(new TypeError("embedding() missing 1 required positional argument: 'weight'"));
    expect(() => loose(F.mseLoss)(x, x, null, null, 'mean', null, 1)).toThrow(new TypeError('mse_loss() takes from 2 to 6 positional arguments but 7 were given'));
    expect(() => loose(F.mseLoss)(x, x, { target: x })).toThrow(new TypeError("mse_loss() got multiple values for argument 'target'"));
  });
});
