// torch.utils.deterministic: fillUninitializedMemory, whether empty()/resize_() fill new memory with NaN
// (integers: their maximum) while deterministic algorithms are on. A process-wide libtorch setting, as in Python.
import { native } from '../native.js';
import { describe } from '../options.js';

const FLAG = 'deterministicFillUninitializedMemory';

export const deterministic = {
  get fillUninitializedMemory(): boolean {
    return native.contextFlag(FLAG);
  },
  set fillUninitializedMemory(fill: boolean) {
    if (typeof fill !== 'boolean') throw new TypeError(`torch.utils.deterministic.fillUninitializedMemory: expected a bool, but got ${describe(fill)}`);
    native.contextFlag(FLAG, fill);
  },
};
