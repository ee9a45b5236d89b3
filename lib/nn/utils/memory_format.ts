// torch.nn.utils.memory_format: the weights of 2-D and 3-D convolutions in another memory format (channels_last).
import type { MemoryFormat } from '../../generated/types.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d } from '../modules/conv.js';

function convertWeights(module: Module, memoryFormat: MemoryFormat | string, kinds: readonly (abstract new (...args: never[]) => Module)[]): Module {
  if (kinds.some((k) => module instanceof k)) {
    const conv = module as Module & { weight: Tensor };
    const weight = conv.weight.detach().clone({ memoryFormat: memoryFormat as MemoryFormat });
    conv.weight.data = weight.resize_(weight.shape, { memoryFormat: memoryFormat as MemoryFormat });
  }
  for (const child of module.children()) convertWeights(child, memoryFormat, kinds);
  return module;
}

/** nn.utils.convertConv2dWeightMemoryFormat(module, memoryFormat): every Conv2d / ConvTranspose2d weight, recursively; returns the module. */
export function convertConv2dWeightMemoryFormat<M extends Module>(module: M, memoryFormat: MemoryFormat | string): M {
  return convertWeights(module, memoryFormat, [Conv2d, ConvTranspose2d]) as M;
}

/** nn.utils.convertConv3dWeightMemoryFormat(module, memoryFormat): every Conv3d / ConvTranspose3d weight, recursively; returns the module. */
export function convertConv3dWeightMemoryFormat<M extends Module>(module: M, memoryFormat: MemoryFormat | string): M {
  return convertWeights(module, memoryFormat, [Conv3d, ConvTranspose3d]) as M;
}
