// torch.nn.utils: functions at the top level as in Python (clipGradNorm_, weightNorm, ...), submodules as namespaces.
export * from './clip_grad.js';
export * from './convert_parameters.js';
export * from './weight_norm.js';
export * from './spectral_norm.js';
export * from './fusion.js';
export * from './summary.js';
export * from './init.js';
export * from './memory_format.js';
export * as rnn from './rnn.js';
export * as parametrize from './parametrize.js';
export * as parametrizations from './parametrizations.js';
export * as prune from './prune.js';
export * as stateless from './stateless.js';
