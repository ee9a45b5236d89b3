// torch.nn.functional's losses: the public names only (the code, with the resolved-argument entry
// points the loss modules call and _Reduction's helpers, is in _loss.ts).
export {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, cosineEmbeddingLoss, crossEntropy, ctcLoss, gaussianNllLoss,
  hingeEmbeddingLoss, huberLoss, klDiv, l1Loss, linearCrossEntropy, marginRankingLoss, mseLoss, multiMarginLoss,
  multilabelMarginLoss, multilabelSoftMarginLoss, nllLoss, poissonNllLoss, smoothL1Loss, softMarginLoss, tripletMarginLoss,
  tripletMarginWithDistanceLoss,
  type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions, type CrossEntropyOptions, type CtcLossOptions,
  type DistanceFunction, type GaussianNllLossOptions, type HuberLossOptions, type KlDivOptions, type LegacyReductionOptions,
  type Lengths, type LinearCrossEntropyOptions, type MarginLossOptions, type MultiMarginLossOptions, type NllLossOptions,
  type PoissonNllLossOptions, type Reduction, type ReductionOptions, type SmoothL1LossOptions,
  type TripletMarginLossOptions, type WeightedRegressionOptions,
} from './_loss.js';
