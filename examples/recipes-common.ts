// Shared by the examples/recipes-*.ts: flags, a toy 3-class spiral data set, a small MLP, and the
// shuffled-minibatch and accuracy loops. Each recipe file shows one training technique on top.
import { parseArgs } from 'node:util';
import * as torch from 'torchnode';

const { nn } = torch;
const F = nn.functional;

export interface RecipeFlags {
  epochs: number;
  samples: number;
  batchSize: number;
  lr: number;
  seed: number;
}

/** --epochs, --samples (points per class), --batch-size, --lr, --seed; the defaults run in seconds. */
export function recipeFlags(defaults: Partial<RecipeFlags> = {}): RecipeFlags {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string' },
      samples: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const num = (name: string, v: string | undefined, fallback: number): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${name} must be a positive number, got '${v}'`);
    return n;
  };
  return {
    epochs: num('epochs', values.epochs, defaults.epochs ?? 30),
    samples: num('samples', values.samples, defaults.samples ?? 300),
    batchSize: num('batch-size', values['batch-size'], defaults.batchSize ?? 32),
    lr: num('lr', values.lr, defaults.lr ?? 0.1),
    seed: num('seed', values.seed, defaults.seed ?? 0),
  };
}

/** Three interleaved spiral arms with noise: a classic not-linearly-separable toy problem. */
export function spirals(perClass: number): { x: torch.Tensor; y: torch.Tensor } {
  const xs: torch.Tensor[] = [];
  const ys: torch.Tensor[] = [];
  const r = torch.linspace(0.05, 1, perClass);
  for (let c = 0; c < 3; c++) {
    const t = torch.linspace(c * 4, (c + 1) * 4, perClass).add(torch.randn(perClass).mul(0.2));
    xs.push(torch.stack([r.mul(t.sin()), r.mul(t.cos())], 1));
    ys.push(torch.full([perClass], c, { dtype: torch.int64 }));
  }
  return { x: torch.cat(xs), y: torch.cat(ys) };
}

export class MLP extends nn.Module {
  fc1 = new nn.Linear(2, 64);
  fc2 = new nn.Linear(64, 64);
  fc3 = new nn.Linear(64, 3);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc3.call(F.relu(this.fc2.call(F.relu(this.fc1.call(x)))));
  }
}

/** The index tensors of one epoch's shuffled minibatches (the last one may be smaller). */
export function minibatches(n: number, batchSize: number): torch.Tensor[] {
  const order = torch.randperm(n);
  const out: torch.Tensor[] = [];
  for (let start = 0; start < n; start += batchSize) out.push(order.narrow(0, start, Math.min(batchSize, n - start)));
  return out;
}

/** Accuracy and mean confidence (softmax probability of the predicted class) in eval mode. */
export function evaluate(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor): { accuracy: number; confidence: number } {
  model.eval();
  const result = torch.noGrad(() =>
    torch.tidy(() => {
      const probs = (model.call(x) as torch.Tensor).softmax(1);
      const { values, indices } = probs.max(1);
      return { accuracy: Number(indices.eq(y).float().mean().item()), confidence: Number(values.mean().item()) };
    }),
  );
  model.train();
  return result;
}
