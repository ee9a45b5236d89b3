// The three models of the checkpoint tests, defined in JS exactly as scripts/make-seed-fixtures.py
// defines them in Python (MLP, CNN with BatchNorm, a ModuleDict of heads), and the Node -> Python
// checkpoint files built from them (saved by scripts/make-node-checkpoints.ts, checked by
// scripts/check-node-checkpoints.py, rebuilt by test/checkpoint.test.ts).
import * as torch from '../lib/index.js';
import { nn } from '../lib/index.js';

type Tensor = torch.Tensor;

export class MLP extends nn.Module {
  fc1 = new nn.Linear(6, 16);
  act = new nn.ReLU();
  fc2 = new nn.Linear(16, 3);

  override forward(x: Tensor): Tensor {
    return this.fc2.call(this.act.call(this.fc1.call(x)));
  }
}

export class CNN extends nn.Module {
  features = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2));
  classifier = new nn.Linear(4 * 4 * 4, 5);

  override forward(x: Tensor): Tensor {
    return this.classifier.call(torch.flatten(this.features.call(x), 1));
  }
}

export class Heads extends nn.Module {
  trunk = new nn.Linear(5, 8);
  heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), reg: new nn.Linear(8, 1) });

  override forward(x: Tensor, head: string): Tensor {
    return (this.heads.get(head) as nn.Linear).call(torch.relu(this.trunk.call(x)));
  }
}

export interface Models { mlp: MLP; cnn: CNN; heads: Heads }
export const makeModels = (): Models => ({ mlp: new MLP(), cnn: new CNN(), heads: new Heads() });

/** A few train-mode forwards so running_mean/var and num_batches_tracked are not their initial values. */
export function trainBn(cnn: CNN, seed: number): void {
  const g = new torch.Generator().manualSeed(seed);
  cnn.train();
  for (let i = 0; i < 3; i++) cnn.call(torch.randn([6, 1, 8, 8], { generator: g }));
  cnn.eval();
}

/** Every model's outputs on the shared inputs (test/fixtures/checkpoints/expected.json), without autograd. */
export function modelOutputs(models: Models, inputs: Record<string, Tensor>): Record<string, Tensor> {
  return torch.noGrad(() => ({
    mlp: models.mlp.call(inputs.mlp!), cnn: models.cnn.call(inputs.cnn!),
    heads_cls: models.heads.call(inputs.heads!, 'cls'), heads_reg: models.heads.call(inputs.heads!, 'reg'),
  }));
}

export const NODE_EPOCH = 12;
export const NODE_METRICS = { loss: 0.125, acc: [0.25, 0.875], best: false, note: 'saved by torchnode' };
export const NODE_SGD = { lr: 0.05, momentum: 0.9, weight_decay: 0.0001 };

/**
 * The Node -> Python files: each model's stateDict, and a full checkpoint {model, optimizer, epoch,
 * metrics} whose optimizer entry is an SGD state_dict in PyTorch's layout (int keys in `state`;
 * torch.optim is issue 11, so the momentum buffers are the CNN's gradients of one backward, which is
 * what SGD's first step stores).
 */
export function buildNodeCheckpoints(inputs: Record<string, Tensor>): { models: Models; files: Record<string, unknown> } {
  torch.manualSeed(2);
  const models = makeModels();
  trainBn(models.cnn, 12);
  for (const m of Object.values(models)) m.eval();
  models.cnn.zeroGrad();
  models.cnn.call(inputs.cnn!).sum().backward();
  const params = models.cnn.parameters();
  const state = torch.markIntKeys(Object.fromEntries(params.map((p, i) => [i, { momentum_buffer: p.grad!.clone() }])));
  const optimizer = {
    state,
    param_groups: [{ ...NODE_SGD, dampening: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, fused: null, params: params.map((_, i) => i) }],
  };
  const files: Record<string, unknown> = {
    mlp_state_dict: models.mlp.stateDict(),
    cnn_state_dict: models.cnn.stateDict(),
    heads_state_dict: models.heads.stateDict(),
    full_checkpoint: { model: models.cnn.stateDict(), optimizer, epoch: NODE_EPOCH, metrics: NODE_METRICS },
  };
  return { models, files };
}
