// CUDA smoke test for the GPU machine (scripts/gpu-check.sh): device count, round trips, a matmul
// and a training step on the GPU, compared with the CPU result. Prints one JSON object.
import * as torch from '../dist/index.js';

const report = { cudaAvailable: torch.cuda.isAvailable(), deviceCount: torch.cuda.deviceCount(), build: torch.buildInfo().torchVersion };
if (report.cudaAvailable) {
  torch.manualSeed(0);
  const a = torch.randn(256, 256);
  const b = torch.randn(256, 256);
  const ga = a.to('cuda');
  report.device = String(ga.device);
  report.roundTrip = ga.cpu().equal(a);
  const diff = ga.matmul(b.cuda()).cpu().sub(a.matmul(b)).abs().max().item();
  report.matmulMaxAbsDiff = diff;
  const w = torch.randn([256, 10], { device: 'cuda', requiresGrad: true });
  const loss = torch.ops.aten.cross_entropy_loss(ga.matmul(w), torch.randint(0, 10, [256]).cuda());
  loss.backward();
  report.gradDevice = String(w.grad.device);
  report.loss = loss.item();
}
console.log(JSON.stringify(report, null, 1));
if (!report.cudaAvailable) process.exitCode = 1;
