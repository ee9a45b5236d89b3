// torch.nn.utils.spectral_norm (the older, hook-based form): `weight` = weight_orig / σ, with σ estimated
// by power iteration on the buffers weight_u / weight_v before each forward (one step per training forward).
import { type Tensor } from '../../tensor.js';
import { noGrad } from '../../autograd.js';
import * as ops from '../../generated/functions.js';
import * as linalg from '../../generated/linalg.js';
import { keep } from '../../scope.js';
import type { Module } from '../module.js';
import { Parameter, UninitializedParameter } from '../parameter.js';
import { HookRegistry, normalize, spectralNormArgs, type SpectralNormOptions } from './_common.js';

type Rec = Record<string, unknown>;

/** Python's SpectralNorm hook object. */
class SpectralNormHook {
  constructor(
    readonly name: string,
    readonly nPowerIterations: number,
    readonly dim: number,
    readonly eps: number,
  ) {
    if (nPowerIterations <= 0) throw new Error(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
  }

  reshapeWeightToMatrix(weight: Tensor): Tensor {
    let w = weight;
    if (this.dim !== 0) w = w.permute([this.dim, ...Array.from({ length: w.dim() }, (_, i) => i).filter((i) => i !== this.dim)]);
    return w.reshape([w.size(0), -1]);
  }

  computeWeight(module: Module, doPowerIteration: boolean): Tensor {
    const m = module as unknown as Rec;
    const weight = m[`${this.name}_orig`] as Tensor;
    let u = m[`${this.name}_u`] as Tensor;
    let v = m[`${this.name}_v`] as Tensor;
    const weightMat = this.reshapeWeightToMatrix(weight);
    if (doPowerIteration) {
      noGrad(() => {
        for (let i = 0; i < this.nPowerIterations; i++) {
          normalize(ops.mv(weightMat.t(), u), 0, this.eps, v);
          normalize(ops.mv(weightMat, v), 0, this.eps, u);
        }
        if (this.nPowerIterations > 0) {
          u = u.clone({ memoryFormat: 'contiguous_format' } as never);
          v = v.clone({ memoryFormat: 'contiguous_format' } as never);
        }
      });
    }
    const sigma = ops.dot(u, ops.mv(weightMat, v));
    return weight.div(sigma);
  }

  remove(module: Module): void {
    const weight = noGrad(() => this.computeWeight(module, false));
    const m = module as unknown as Rec;
    delete m[this.name];
    delete m[`${this.name}_u`];
    delete m[`${this.name}_v`];
    delete m[`${this.name}_orig`];
    module.registerParameter(this.name, new Parameter(weight.detach()));
  }

  solveVAndRescale(weightMat: Tensor, u: Tensor, targetSigma: Tensor): Tensor {
    const v = linalg.multiDot([weightMat.t().mm(weightMat).pinverse(), weightMat.t(), u.unsqueeze(1)]).squeeze(1);
    return v.mul_(targetSigma.div(ops.dot(u, ops.mv(weightMat, v))));
  }
}

const hooks = new HookRegistry<SpectralNormHook>();
const loadHooks = new HookRegistry<SpectralNormHook>();

/**
 * nn.utils.spectral_norm: parameter `name` becomes `name_orig`, with buffers `name_u`, `name_v`; a
 * forward pre-hook sets `name` = name_orig / σ. dim defaults to 1 for ConvTranspose, else 0.
 */
export function spectralNorm<M extends Module>(
  module: M,
  name: string | SpectralNormOptions = 'weight',
  nPowerIterations = 1,
  eps = 1e-12,
  dim: number | null = null,
): M {
  const a = spectralNormArgs('spectralNorm', module, name, nPowerIterations, eps, dim);
  const tensorName = a.tensorName;
  if (hooks.entries(module).some((e) => e.hook.name === tensorName)) throw new Error(`Cannot register two spectral_norm hooks on the same parameter ${tensorName}`);
  const fn = new SpectralNormHook(tensorName, a.nPowerIterations, a.dim, a.eps);
  const m = module as unknown as Rec;
  const weight = m[tensorName];
  if (weight === null || weight === undefined) throw new Error(`\`SpectralNorm\` cannot be applied as parameter \`${tensorName}\` is None`);
  if (weight instanceof UninitializedParameter)
    throw new Error("The module passed to `SpectralNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying spectral normalization");
  if (!(weight instanceof Parameter)) throw new Error(`spectralNorm: module has no parameter named '${tensorName}'`);
  const [u, v] = noGrad(() => {
    const weightMat = fn.reshapeWeightToMatrix(weight);
    const [h, w] = weightMat.shape as [number, number];
    const uu = normalize(weight.newEmpty([h]).normal_(0, 1), 0, fn.eps);
    const vv = normalize(weight.newEmpty([w]).normal_(0, 1), 0, fn.eps);
    return [uu, vv];
  });
  delete m[tensorName];
  module.registerParameter(`${tensorName}_orig`, weight);
  m[tensorName] = keep(weight.data);
  module.registerBuffer(`${tensorName}_u`, u);
  module.registerBuffer(`${tensorName}_v`, v);
  const handle = module.registerForwardPreHook((mod: Module) => {
    (mod as unknown as Rec)[fn.name] = keep(fn.computeWeight(mod, mod.training)); // a module attribute: outlives torch.tidy scopes
  });
  hooks.add(module, fn, handle);
  // SpectralNormLoadStateDictPreHook: a state dict saved before the hook form (weight without weight_v) still loads.
  const loadHandle = module._registerLoadStateDictPreHook((stateDict, prefix, _meta, strict, missingKeys) => {
    const weightKey = prefix + fn.name;
    if (['_orig', '_u', '_v'].every((s) => weightKey + s in stateDict) && !(weightKey in stateDict)) return;
    let hasMissingKeys = false;
    for (const suffix of ['_orig', '', '_u']) {
      const key = weightKey + suffix;
      if (!(key in stateDict)) {
        hasMissingKeys = true;
        if (strict) missingKeys.push(key);
      }
    }
    if (hasMissingKeys) return;
    noGrad(() => {
      const weightOrig = stateDict[`${weightKey}_orig`] as Tensor;
      const w = stateDict[weightKey] as Tensor;
      delete stateDict[weightKey];
      const sigma = weightOrig.div(w).mean();
      const weightMat = fn.reshapeWeightToMatrix(weightOrig);
      const uu = stateDict[`${weightKey}_u`] as Tensor;
      stateDict[`${weightKey}_v`] = fn.solveVAndRescale(weightMat, uu, sigma);
    });
  });
  loadHooks.add(module, fn, loadHandle);
  return module;
}

/** nn.utils.remove_spectral_norm: `name` becomes one parameter again, holding weight_orig / σ. */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  const entry = hooks.entries(module).find((e) => e.hook.name === name);
  if (!entry) throw new Error(`spectral_norm of '${name}' not found in ${String(module)}`);
  entry.hook.remove(module);
  hooks.remove(module, entry.hook);
  loadHooks.remove(module, entry.hook);
  return module;
}
