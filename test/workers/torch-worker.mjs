// Worker for test/worker-data.test.ts: runs one task against the built dist/ and posts its result.
import { parentPort, workerData } from 'node:worker_threads';

const torch = await import(new URL('../../dist/index.js', import.meta.url).href);
const { layerDropouts } = await import(new URL('./layer-dropouts.mjs', import.meta.url).href);

const tasks = {
  // frombuffer (disposed and dropped), generators and printing, over and over.
  mixed({ iterations }) {
    let sum = 0;
    const g = new torch.Generator();
    for (let i = 0; i < iterations; i++) {
      const data = new Float32Array([i, 1, 2, 3]);
      torch.frombuffer(data).dispose();
      const kept = torch.frombuffer(data.buffer, { dtype: torch.float32 }); // left to the GC
      sum += kept.sum().item();
      g.manualSeed(i);
      torch.rand([2], { generator: g });
      if (i % 100 === 0) String(torch.arange(4).mul(i));
    }
    return { sum, stats: torch.nativeStats() };
  },
  // Many small ops, half disposed, half left to the GC; then the env's own counters.
  ops({ iterations }) {
    const a = torch.ones(8);
    const b = torch.full([8], 2);
    let sum = 0;
    for (let i = 0; i < iterations; i++) {
      const c = a.add(b);
      if (i % 2) c.dispose();
      if (i % 1000 === 0) sum += c.isDisposed ? 0 : c.sum().item();
    }
    a.dispose();
    b.dispose();
    return { sum, tensors: torch.nativeStats().tensors };
  },
  // The worker's own default generator: seeded and drawn here, it leaves the main thread's alone.
  rng({ seed }) {
    const fresh = [torch.initialSeed().toString(), Array.from(torch.rand([3]).toTypedArray())];
    torch.manualSeed(seed);
    const drawn = Array.from(torch.rand([5]).toTypedArray());
    const perm = Array.from(torch.randperm(6).toTypedArray(), Number);
    const initialSeed = torch.initialSeed().toString();
    // the dropouts' ATen ops take no generator: they must draw from this thread's all the same
    const F = torch.nn.functional;
    const ones = torch.ones(2, 3, 4);
    const dropped = [F.dropout(ones, { p: 0.5 }), F.alphaDropout(ones, { p: 0.3, training: true }), F.dropout2d(ones, { p: 0.5 }),
      new torch.nn.Dropout(0.4).call(ones)].map((t) => Array.from(t.toTypedArray()));
    torch.manualSeed(seed);
    return { fresh, drawn, perm, initialSeed, dropped, layers: layerDropouts(torch) };
  },
  // Holds tensors of every kind (frombuffer, shared arrays, autograd graphs), says so, and waits.
  hold() {
    const buf = new Float64Array(1 << 16);
    globalThis.held = [
      torch.frombuffer(buf),
      torch.ones(1000, 1000),
      torch.ones(300, 300).toTypedArray({ share: true }),
      torch.randn([256, 256], { requiresGrad: true }).exp().sum(),
      new torch.Generator(),
    ];
    globalThis.held.push(torch.frombuffer(new Uint8Array(64)).view(8, 8));
    return 'holding';
  },
};

const result = tasks[workerData.task](workerData);
parentPort.postMessage(result);
if (workerData.task === 'hold') setInterval(() => {}, 1000); // stays until terminated
