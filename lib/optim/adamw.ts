// torch.optim.AdamW: Adam with decoupledWeightDecay always true and weight decay 1e-2 by default (adamw.py).
import { ADAM_DEFAULTS, ADAM_POSITIONAL, scalarBetas } from './_adam_family.js';
import { Adam, type AdamOptions } from './adam.js';
import { withDefaults, type LoadedStateUpgrade, type OptimizerArgs, type ParamsT } from './optimizer.js';

export type AdamWOptions = Omit<AdamOptions, 'decoupledWeightDecay'>;

/** torch.optim.AdamW(params, { lr, betas, eps, weightDecay (default 1e-2), amsgrad, maximize, foreach, capturable, differentiable, fused }). */
export class AdamW extends Adam {
  // Python's AdamW.__setstate__: Adam's, then every loaded group is decoupled, whatever the dict said.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { ...Adam['loadedStateUpgrade'], groupValues: { decoupledWeightDecay: true } };

  constructor(params: ParamsT, ...args: OptimizerArgs<AdamWOptions, typeof ADAM_POSITIONAL>) {
    super(params, ...(args as OptimizerArgs<AdamOptions, typeof ADAM_POSITIONAL>));
  }

  protected static override defaultsFrom(args: readonly unknown[]): Record<string, unknown> {
    const { decoupledWeightDecay: _, ...keys } = ADAM_DEFAULTS;
    void _;
    const given = withDefaults('optim.AdamW', args, { ...keys, betas: [...keys.betas], weightDecay: 1e-2 } as Record<string, unknown>, ADAM_POSITIONAL);
    return scalarBetas({ ...given, decoupledWeightDecay: true });
  }
}
