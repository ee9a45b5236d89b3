// CUDA smoke test for the GPU machine (scripts/gpu-check.sh): device count, round trips, a matmul
// and a training step on the GPU compared with the CPU, and GPU memory freed by dispose/tidy.
// Prints one JSON object; exits 1 when CUDA is missing or a check fails.
import * as torch from '../dist/index.js';

const report = { cudaAvailable: torch.cuda.isAvailable(), deviceCount: torch.cuda.deviceCount(), build: torch.buildInfo().torchVersion, checks: {} };
if (report.cudaAvailable) {
  const before = torch.cuda.memoryAllocated();
  // Every tensor made inside is freed when tidy returns: GPU memory must go back to `before`.
  const during = torch.tidy(() => {
    torch.manualSeed(0);
    const a = torch.randn(256, 256);
    const b = torch.randn(256, 256);
    const ga = a.to('cuda');
    report.device = String(ga.device);
    report.checks.roundTrip = ga.cpu().equal(a);
    report.matmulMaxAbsDiff = ga.matmul(b.cuda()).cpu().sub(a.matmul(b)).abs().max().item();
    report.checks.matmulClose = report.matmulMaxAbsDiff < 1e-2;
    const w = torch.randn([256, 10], { device: 'cuda', requiresGrad: true });
    const target = torch.randint(0, 10, [256]);
    const loss = torch.ops.aten.cross_entropy_loss(ga.matmul(w), target.cuda());
    loss.backward();
    report.gradDevice = String(w.grad.device);
    report.checks.gradOnCuda = report.gradDevice === 'cuda:0';
    report.loss = loss.item();
    // The same step on the CPU gives the same loss (up to TF32/cuBLAS rounding).
    const wc = w.detach().cpu();
    report.checks.lossMatchesCpu = Math.abs(torch.ops.aten.cross_entropy_loss(a.matmul(wc), target).item() - report.loss) < 1e-3;
    return torch.cuda.memoryAllocated();
  });
  const single = torch.randn([1024, 1024], { device: 'cuda' });
  const withOne = torch.cuda.memoryAllocated();
  single.dispose();
  const after = torch.cuda.memoryAllocated();
  torch.cuda.synchronize();
  report.memory = { before, during, withOne, after, peak: torch.cuda.maxMemoryAllocated(), reserved: torch.cuda.memoryReserved() };
  report.deviceName = torch.cuda.getDeviceName();
  report.checks.named = report.deviceName.length > 0;
  report.checks.tidyAndDisposeFree = during > before && withOne >= before + 4 * 1024 * 1024 && after === before;
}
report.ok = report.cudaAvailable && Object.values(report.checks).every(Boolean);
console.log(JSON.stringify(report, null, 1));
if (!report.ok) process.exitCode = 1;
