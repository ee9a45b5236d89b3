// torch.nn.utils.weight_norm (the older, hook-based form; deprecated in PyTorch for
// nn.utils.parametrizations.weightNorm): `weight` is recomputed from `weight_g` and `weight_v` before each forward.
import { type Tensor } from '../../tensor.js';
import { aten } from '../../call.js';
import { keep } from '../../scope.js';
import { warn } from '../../warnings.js';
import { readOptions } from '../../options.js';
import type { Module } from '../module.js';
import { Parameter, UninitializedParameter } from '../parameter.js';
import { HookRegistry } from './_common.js';

type Rec = Record<string, unknown>;

/** Python's WeightNorm hook object. */
class WeightNormHook {
  constructor(readonly name: string, readonly dim: number) {}

  computeWeight(module: Module): Tensor {
    const m = module as unknown as Rec;
    return aten('_weight_norm', [m[`${this.name}_v`], m[`${this.name}_g`], this.dim]) as Tensor;
  }

  remove(module: Module): void {
    const weight = this.computeWeight(module);
    const m = module as unknown as Rec;
    delete m[this.name];
    delete m[`${this.name}_g`];
    delete m[`${this.name}_v`];
    m[this.name] = new Parameter(weight.data);
  }
}

const hooks = new HookRegistry<WeightNormHook>();

/**
 * nn.utils.weight_norm: replaces parameter `name` by `name_g` (magnitude) and `name_v` (direction);
 * a forward pre-hook recomputes `name` = g · v / ‖v‖ before each forward. dim null: over the whole tensor.
 */
export function weightNorm<M extends Module>(module: M, name: string | { name?: string; dim?: number | null } = 'weight', dim: number | null = 0): M {
  let tensorName = name as string;
  let d = dim;
  if (typeof name === 'object') {
    const o = readOptions('weightNorm', name, ['name', 'dim'] as const);
    tensorName = (o.name ?? 'weight') as string;
    d = o.dim === undefined ? 0 : (o.dim as number | null);
  }
  warn('`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`.', 'FutureWarning');
  if (hooks.entries(module).some((e) => e.hook.name === tensorName)) throw new Error(`Cannot register two weight_norm hooks on the same parameter ${tensorName}`);
  const fn = new WeightNormHook(tensorName, d === null ? -1 : d);
  const m = module as unknown as Rec;
  const weight = m[tensorName];
  if (weight instanceof UninitializedParameter)
    throw new Error("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying weight normalization");
  if (!(weight instanceof Parameter)) throw new Error(`weightNorm: module has no parameter named '${tensorName}'`);
  delete m[tensorName];
  module.registerParameter(`${tensorName}_g`, new Parameter((aten('norm_except_dim', [weight, 2, fn.dim]) as Tensor).data));
  module.registerParameter(`${tensorName}_v`, new Parameter(weight.data));
  m[tensorName] = keep(fn.computeWeight(module));
  const handle = module.registerForwardPreHook((mod: Module) => {
    (mod as unknown as Rec)[fn.name] = keep(fn.computeWeight(mod)); // a module attribute: outlives torch.tidy scopes
  });
  hooks.add(module, fn, handle);
  return module;
}

/** nn.utils.remove_weight_norm: `name` becomes one parameter again, holding the current g · v / ‖v‖. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const entry = hooks.entries(module).find((e) => e.hook.name === name);
  if (!entry) throw new Error(`weight_norm of '${name}' not found in ${String(module)}`);
  entry.hook.remove(module);
  hooks.remove(module, entry.hook);
  return module;
}
