// Python's module paths into torch.nn, for code that spells them out: torch.nn.modules (every layer,
// and torch.nn.modules.module with Module and the global hook functions) and torch.nn.parameter.
import * as layers from './modules/index.js';
import * as moduleFile from './module.js';
import { Buffer, isLazy, Parameter, UninitializedBuffer, UninitializedParameter } from './parameter.js';

/** torch.nn.modules: the layers, and `module` (Module, registerModuleForwardHook, ...). */
export const modules = Object.freeze({ ...layers, module: moduleFile });
/** torch.nn.parameter. */
export const parameter = Object.freeze({ Parameter, Buffer, UninitializedParameter, UninitializedBuffer, isLazy });
