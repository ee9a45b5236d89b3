// Python's module paths into torch.nn, for code that spells them out: torch.nn.modules (every layer,
// and torch.nn.modules.module with Module and the global hook functions) and torch.nn.parameter.
import * as layers from './modules/index.js';
import * as moduleFile from './module.js';
import * as activation from './modules/activation.js';
import * as attention from './modules/attention.js';
import * as batchnorm from './modules/batchnorm.js';
import * as channelshuffle from './modules/channelshuffle.js';
import * as container from './modules/container.js';
import * as conv from './modules/conv.js';
import * as distance from './modules/distance.js';
import * as dropout from './modules/dropout.js';
import * as flatten from './modules/flatten.js';
import * as fold from './modules/fold.js';
import * as instancenorm from './modules/instancenorm.js';
import * as linear from './modules/linear.js';
import * as loss from './modules/loss.js';
import * as normalization from './modules/normalization.js';
import * as padding from './modules/padding.js';
import * as pixelshuffle from './modules/pixelshuffle.js';
import * as pooling from './modules/pooling.js';
import * as rnn from './modules/rnn.js';
import * as sparse from './modules/sparse.js';
import * as transformer from './modules/transformer.js';
import * as upsampling from './modules/upsampling.js';
import { NormBase } from './modules/_normbase.js';
import { Buffer, isLazy, Parameter, UninitializedBuffer, UninitializedParameter } from './parameter.js';

/**
 * torch.nn.modules: the layers, `module` (Module, registerModuleForwardHook, ...), and each of Python's
 * files with its classes, the private bases included, so that `isinstance(m, torch.nn.modules.batchnorm._BatchNorm)`
 * is `m instanceof nn.modules.batchnorm._BatchNorm`.
 */
export const modules = Object.freeze({
  ...layers, module: moduleFile,
  activation: Object.freeze({ ...activation, ...attention }), batchnorm: Object.freeze({ ...batchnorm, _NormBase: NormBase }),
  channelshuffle, container, conv, distance, dropout, flatten, fold, instancenorm, linear, loss, normalization, padding, pixelshuffle,
  pooling, rnn, sparse, transformer, upsampling,
});
/** torch.nn.parameter. */
export const parameter = Object.freeze({ Parameter, Buffer, UninitializedParameter, UninitializedBuffer, isLazy });
