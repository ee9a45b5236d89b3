// torch.masked: masked reductions and normalizations (torch/masked/_ops.py) and MaskedTensor, strided and sparse COO/CSR.
export { sum, prod, amax, amin, argmax, argmin, mean, median, logsumexp, logaddexp, norm, variance as var, std, type MaskedArg, type MaskedReductionOptions, type MaskedNormOptions, type MaskedVarOptions, type MaskedLogaddexpOptions } from './reductions.js';
export { cumsum, cumprod, softmax, logSoftmax, softmin, normalize, type MaskedNormalizationOptions, type MaskedNormalizeOptions } from './normalizations.js';
export { MaskedTensor, maskedTensor, asMaskedTensor, type MaskedReduction, type MaskedReduceOptions } from './maskedtensor.js';
export { isMaskedTensor, type DimOrDims } from './core.js';
