// W4: does RSS stay bounded over 1,000,000 synchronous `c = a.add(b)` on 1000-element tensors?
// Usage: node bench/node/rss.mjs <none|dispose|tidy>
//   none     c is dropped: only the GC (finalizers) can free it
//   dispose  c.dispose() right away
//   tidy     each iteration runs inside torch.tidy, which frees c on return
// Prints one JSON line: RSS at the start and its peak (sampled every 10,000 iterations).
import * as torch from '../../dist/index.js';

const ITERS = 1_000_000;
const SAMPLE_EVERY = 10_000;
const MODES = {
  none: (a, b) => a.add(b),
  dispose: (a, b) => a.add(b).dispose(),
  tidy: (a, b) => torch.tidy(() => void a.add(b)),
};

const mode = process.argv[2];
const op = MODES[mode];
if (!op) {
  console.error(`usage: node rss.mjs <${Object.keys(MODES).join('|')}>`);
  process.exit(2);
}
torch.setNumThreads(1);
const a = torch.rand([1000]);
const b = torch.rand([1000]);
a.add(b).dispose(); // first call initialises the kernels: not part of the growth

const mib = (bytes) => +(bytes / 2 ** 20).toFixed(1);
const start = process.memoryUsage.rss();
let peak = start;
const t0 = performance.now();
for (let i = 1; i <= ITERS; i++) {
  op(a, b);
  if (i % SAMPLE_EVERY === 0) peak = Math.max(peak, process.memoryUsage.rss());
}
const us = ((performance.now() - t0) * 1e3) / ITERS;
process.stdout.write(
  JSON.stringify({
    impl: 'node',
    workload: 'w4',
    variant: mode,
    iters: ITERS,
    us: +us.toFixed(4),
    rss_start_mib: mib(start),
    rss_peak_mib: mib(peak),
    rss_growth_mib: mib(peak - start),
  }) + '\n',
);
