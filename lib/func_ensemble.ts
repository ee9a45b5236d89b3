// torch.func's model-ensembling helpers: stack_module_state (the models' parameters and buffers stacked
// for vmap over functionalCall) and replace_all_batch_norm_modules_ (batch norm without running stats,
// which vmap over models needs).
import { noGrad } from './autograd.js';
import { stack } from './generated/functions.js';
import type { Module } from './nn/module.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, SyncBatchNorm } from './nn/modules/batchnorm.js';
import { describe } from './options.js';
import type { Tensor } from './tensor.js';

// Python's construct_stacked_leaf: one stacked tensor, a new leaf that requires grad where every model's does.
function stackedLeaf(tensors: Tensor[], name: string): Tensor {
  const all = tensors.every((t) => t.requiresGrad);
  if (!all && tensors.some((t) => t.requiresGrad)) throw new Error(`Expected ${name} from each model to have the same .requires_grad`);
  const result = noGrad(() => stack(tensors));
  return all ? result.requiresGrad_() : result;
}

// Each name of the first model's list -> every model's tensor of that name, stacked.
function stackNamed(lists: [string, Tensor][][]): Record<string, Tensor> {
  const names = lists[0]!.map(([n]) => n);
  const maps = lists.map((l) => new Map(l));
  const out: Record<string, Tensor> = {};
  try {
    for (const name of names) {
      const tensors = maps.map((m) => m.get(name));
      if (tensors.some((t) => t === undefined)) throw new Error(`stack_module_state: ${name} is missing from some of the models`);
      out[name] = stackedLeaf(tensors as Tensor[], name);
    }
  } catch (e) {
    for (const t of Object.values(out)) t.dispose();   // nothing half-made is left behind
    throw e;
  }
  return out;
}

/**
 * torch.func.stack_module_state: `[params, buffers]`, each name -> the models' tensors stacked on a new
 * first dimension (parameters as new leaves that require grad), for `vmap(fmodel, { inDims: [0, 0, null] })`
 * with `fmodel = (p, b, x) => torch.func.functionalCall(base, [p, b], [x])`.
 */
export function stackModuleState(models: readonly Module[]): [Record<string, Tensor>, Record<string, Tensor>] {
  if (!Array.isArray(models as unknown)) throw new TypeError(`stack_module_state: expected an array of modules, got ${describe(models)}`);
  if (models.length === 0) throw new Error('stack_module_state: Expected at least one model, got 0.');
  if (!(models.every((m) => m.training) || models.every((m) => !m.training))) throw new Error('stack_module_state: Expected all models to have the same training/eval mode.');
  const cls = Object.getPrototypeOf(models[0]) as object;
  if (!models.every((m) => Object.getPrototypeOf(m) === cls)) throw new Error('stack_module_state: Expected all models to be of the same class.');
  const stackedParams = stackNamed(models.map((m) => m.namedParameters()));
  try {
    return [stackedParams, stackNamed(models.map((m) => m.namedBuffers()))];
  } catch (e) {
    for (const t of Object.values(stackedParams)) t.dispose();
    throw e;
  }
}

/**
 * torch.func.replace_all_batch_norm_modules_: every batch norm layer of `root` (itself included) stops
 * tracking running stats (running_mean, running_var and num_batches_tracked become null), in place; returns root.
 */
export function replaceAllBatchNormModules_<M extends Module>(root: M): M {
  for (const m of root.modules()) {
    if (!(m instanceof BatchNorm1d || m instanceof BatchNorm2d || m instanceof BatchNorm3d || m instanceof SyncBatchNorm) || !m.trackRunningStats) continue;
    for (const name of ['running_mean', 'running_var', 'num_batches_tracked']) m.registerBuffer(name, null);
    m.trackRunningStats = false;
  }
  return root;
}
