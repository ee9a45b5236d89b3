// A minimal example: trains a small MLP on a synthetic 3-class spiral data set on plain tensors,
// with a progress bar (torch.toolkit.ProgressBar), and writes the loss curve to examples/out/loss.png
// (torch.toolkit.plotCurves). The weights, the forward pass and the SGD-with-momentum update are
// written out by hand on purpose, to show autograd alone (requiresGrad_, backward, noGrad); the
// other examples (examples/recipes-*.ts, mnist.ts) build their models with nn and train with optim.
// Run: node examples/train-mlp.mjs (it imports the built package: npm run build:ts first).
import { mkdirSync } from 'node:fs';

import * as torch from 'torchnode';

torch.manualSeed(0);
torch.setNumThreads(1);

// Spirals: 3 arms of 300 points each, a classic not-linearly-separable toy problem.
function spirals(perClass = 300, classes = 3) {
  return torch.tidy(() => {
    const r = torch.linspace(0.0, 1, perClass);
    const xs = [];
    const ys = [];
    for (let c = 0; c < classes; c++) {
      const t = torch.linspace(c * 4, (c + 1) * 4, perClass).add(torch.randn(perClass).mul(0.2));
      xs.push(torch.stack([r.mul(t.sin()), r.mul(t.cos())], 1));
      ys.push(torch.full([perClass], c, { dtype: torch.int64 }));
    }
    return [torch.cat(xs), torch.cat(ys)];
  });
}

const [x, y] = spirals();
const params = [
  torch.randn([2, 64]).mul(0.5).requiresGrad_(), torch.zeros(64, { requiresGrad: true }),
  torch.randn([64, 64]).mul(0.15).requiresGrad_(), torch.zeros(64, { requiresGrad: true }),
  torch.randn([64, 3]).mul(0.15).requiresGrad_(), torch.zeros(3, { requiresGrad: true }),
];
const [w1, b1, w2, b2, w3, b3] = params;
const forward = (/** @type {torch.Tensor} */ input) => input.matmul(w1).add(b1).relu().matmul(w2).add(b2).relu().matmul(w3).add(b3);
const buffers = params.map((p) => torch.zerosLike(p));
const lr = 0.1;
const momentum = 0.9;
const epochs = 300;
const batchSize = 90;
const n = x.size(0);

const losses = [];
const bar = new torch.toolkit.ProgressBar({ total: epochs, desc: 'train' });
for (let epoch = 0; epoch < epochs; epoch++) {
  let epochLoss = 0;
  torch.tidy(() => {
    const order = torch.randperm(n);
    for (let start = 0; start < n; start += batchSize) {
      const idx = order.narrow(0, start, Math.min(batchSize, n - start));
      const loss = /** @type {torch.Tensor} */ (torch.ops.aten.cross_entropy_loss(forward(x.indexSelect(0, idx)), y.indexSelect(0, idx)));
      for (const p of params) p.grad?.zero_();
      loss.backward();
      torch.noGrad(() => {
        params.forEach((p, i) => {
          buffers[i].mul_(momentum).add_(/** @type {torch.Tensor} */ (p.grad));
          p.sub_(buffers[i], { alpha: lr });
        });
      });
      epochLoss += Number(loss.item()) * idx.size(0);
    }
  });
  losses.push(epochLoss / n);
  bar.update(1, { loss: epochLoss / n });
}
bar.close();

const accuracy = torch.noGrad(() => torch.tidy(() => Number(forward(x).argmax(1).eq(y).to(torch.float32).mean().item())));
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
const png = new URL('./out/loss.png', import.meta.url);
await torch.toolkit.plotCurves(png.pathname, { series: { train_loss: losses }, title: 'Spiral MLP', xLabel: 'epoch', yLabel: 'cross-entropy' });
console.log(`final loss ${losses[losses.length - 1]?.toFixed(4)}, training accuracy ${(accuracy * 100).toFixed(1)} %`);
console.log(`loss curve: ${png.pathname}`);
