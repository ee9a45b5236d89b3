// Small helpers the examples share: flag parsing that fails clearly, one-line error exits,
// a seconds clock, and the hand-written SGD-with-momentum used until torch.optim is merged.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import * as torch from 'torchnode';

/** Prints "<example>: <message>" and exits with status 1: the examples' single way to fail. */
export function fail(example: string, message: string): never {
  process.stderr.write(`${example}: ${message}\n`);
  process.exit(1);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs that turns unknown flags and bad numbers into a usage error instead of a stack trace. */
export function readFlags<O extends Options>(example: string, options: O, numeric: (keyof O & string)[]) {
  let parsed;
  try {
    parsed = parseArgs({ options, allowPositionals: false, strict: true });
  } catch (e) {
    fail(example, `${(e as Error).message}\nflags: ${Object.keys(options).map((k) => `--${k}`).join(' ')}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const numbers: Record<string, number> = {};
  for (const name of numeric) {
    const raw = values[name];
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) fail(example, `--${name} must be a number, got ${JSON.stringify(raw)}`);
    numbers[name] = n;
  }
  return { values, numbers };
}

export const seconds = (): number => performance.now() / 1e3;

/** RNG states of torch's default generator, as a plain object torch.save can store. */
export const rngState = (): { torch: torch.Tensor } => ({ torch: torch.getRngState() });

export interface ParamGroup {
  params: torch.Tensor[];
  lr: number;
  momentum: number;
}

/**
 * torch.optim.SGD with momentum (no dampening, weight decay or Nesterov), the same arithmetic as
 * PyTorch's, for as long as torch.optim is not in this build: `new optim.SGD(params, { lr, momentum })`.
 */
export class FallbackSGD {
  readonly paramGroups: ParamGroup[];
  #buffers = new Map<torch.Tensor, torch.Tensor>();

  constructor(params: torch.Tensor[] | { params: torch.Tensor[]; lr?: number }[], defaults: { lr: number; momentum?: number }) {
    const groups = params.length && params[0] instanceof torch.Tensor ? [{ params: params as torch.Tensor[] }] : (params as { params: torch.Tensor[]; lr?: number }[]);
    this.paramGroups = groups.map((g) => ({ params: g.params, lr: g.lr ?? defaults.lr, momentum: defaults.momentum ?? 0 }));
  }

  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  step(): void {
    torch.noGrad(() => {
      for (const { params, lr, momentum } of this.paramGroups) {
        for (const p of params) {
          const grad = p.grad;
          if (!grad) continue;
          let direction = grad;
          if (momentum !== 0) {
            const buf = this.#buffers.get(p);
            if (buf) buf.mul_(momentum).add_(grad);
            else this.#buffers.set(p, torch.keep(grad.clone().detach()));
            direction = this.#buffers.get(p)!;
          }
          p.add_(direction, { alpha: -lr });
        }
      }
    });
  }

  /** PyTorch's layout: state by parameter index, param_groups with snake_case keys. */
  stateDict(): { state: Record<number, { momentum_buffer: torch.Tensor }>; param_groups: object[] } {
    const state: Record<number, { momentum_buffer: torch.Tensor }> = {};
    let index = 0;
    const groups = this.paramGroups.map((g) => {
      const ids = g.params.map((p) => {
        const buf = this.#buffers.get(p);
        if (buf) state[index] = { momentum_buffer: buf };
        return index++;
      });
      return { lr: g.lr, momentum: g.momentum, dampening: 0, weight_decay: 0, nesterov: false, params: ids };
    });
    return { state, param_groups: groups };
  }

  loadStateDict(sd: { state: Record<string, { momentum_buffer?: torch.Tensor }>; param_groups: { lr: number; momentum: number }[] }): void {
    const all = this.paramGroups.flatMap((g) => g.params);
    for (const [key, s] of Object.entries(sd.state)) if (s.momentum_buffer) this.#buffers.set(all[Number(key)], torch.keep(s.momentum_buffer));
    sd.param_groups.forEach((g, i) => Object.assign(this.paramGroups[i], { lr: g.lr, momentum: g.momentum }));
  }
}

/** torch.optim.Adam's arithmetic (no weight decay, amsgrad or maximize), for builds without torch.optim. */
export class FallbackAdam {
  readonly paramGroups: { params: torch.Tensor[]; lr: number }[];
  #state = new Map<torch.Tensor, { step: number; expAvg: torch.Tensor; expAvgSq: torch.Tensor }>();
  #betas: [number, number];
  #eps: number;

  constructor(params: torch.Tensor[] | { params: torch.Tensor[]; lr?: number }[], defaults: { lr: number; betas?: [number, number]; eps?: number }) {
    const groups = params.length && params[0] instanceof torch.Tensor ? [{ params: params as torch.Tensor[] }] : (params as { params: torch.Tensor[]; lr?: number }[]);
    this.paramGroups = groups.map((g) => ({ params: g.params, lr: g.lr ?? defaults.lr }));
    this.#betas = defaults.betas ?? [0.9, 0.999];
    this.#eps = defaults.eps ?? 1e-8;
  }

  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  step(): void {
    const [beta1, beta2] = this.#betas;
    torch.noGrad(() =>
      torch.tidy(() => {
        for (const { params, lr } of this.paramGroups) {
          for (const p of params) {
            const grad = p.grad;
            if (!grad) continue;
            let s = this.#state.get(p);
            if (!s) {
              s = { step: 0, expAvg: torch.keep(torch.zerosLike(p)), expAvgSq: torch.keep(torch.zerosLike(p)) };
              this.#state.set(p, s);
            }
            s.step++;
            s.expAvg.lerp_(grad, 1 - beta1);
            s.expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
            const denom = s.expAvgSq.sqrt().div_(Math.sqrt(1 - beta2 ** s.step)).add_(this.#eps);
            p.addcdiv_(s.expAvg, denom, { value: -lr / (1 - beta1 ** s.step) });
          }
        }
      }),
    );
  }
}

type OptimizerClass<O> = new (params: torch.Tensor[] | { params: torch.Tensor[]; lr?: number }[], options: O) => {
  paramGroups: { lr: number }[];
  zeroGrad(): void;
  step(): void;
};
const optimNamespace = (torch as unknown as { optim?: Record<string, unknown> }).optim ?? {};
/** torch.optim's SGD and Adam when this build has them, else the fallbacks above. */
export const optim = {
  SGD: (optimNamespace.SGD ?? FallbackSGD) as OptimizerClass<{ lr: number; momentum?: number }>,
  Adam: (optimNamespace.Adam ?? FallbackAdam) as OptimizerClass<{ lr: number; betas?: [number, number]; eps?: number }>,
};
