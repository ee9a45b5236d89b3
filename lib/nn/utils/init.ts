// torch.nn.utils.init: skip_init, a module built without initialising its parameters.
import type { DeviceLike } from '../../device.js';
import { isOptionsObject } from '../../options.js';
import { Module } from '../module.js';

/**
 * nn.utils.skipInit(ModuleClass, ...args): the module `new ModuleClass(...args)` would build, with its
 * parameters and buffers allocated on `device` (the options' `device`, else CPU) but not initialised, as
 * Python's skip_init: built on the meta device, then moved with toEmpty. The class must take a `device` option.
 */
export function skipInit<M extends Module, A extends unknown[]>(moduleCls: new (...args: A) => M, ...args: A): M {
  if (typeof moduleCls !== 'function' || !(moduleCls.prototype instanceof Module)) throw new Error(`skip_init: Expected a Module; got ${String(moduleCls)}`);
  const last = args.at(-1);
  const options = isOptionsObject(last) ? { ...(last as Record<string, unknown>) } : {};
  const device = (options.device ?? 'cpu') as DeviceLike;
  const metaArgs = [...(isOptionsObject(last) ? args.slice(0, -1) : args), { ...options, device: 'meta' }] as unknown as A;
  let module: M;
  try {
    module = new moduleCls(...metaArgs);
  } catch (e) {
    if (e instanceof TypeError && /'device'/.test(e.message)) throw new Error(`skip_init: Module must support a 'device' arg to skip initialization (${moduleCls.name}: ${e.message})`);
    throw e;
  }
  return module.toEmpty({ device });
}
