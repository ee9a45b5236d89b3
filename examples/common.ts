// Small helpers the examples share: flag parsing that fails clearly, one-line error exits,
// a seconds clock, and Adam's arithmetic for builds whose torch.optim has no Adam yet.
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

const optimNamespace = torch.optim as unknown as Record<string, unknown>;
/** torch.optim.Adam when this build has it, else FallbackAdam (same interface for what the examples use). */
export const Adam = (optimNamespace.Adam ?? FallbackAdam) as typeof FallbackAdam;
