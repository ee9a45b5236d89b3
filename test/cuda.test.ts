// Device parity and CUDA. scripts/device-parity.py computes a set of ops, RNG draws and Adam steps
// (single-tensor, foreach, fused) in Python; torchnode must give the same bits where the kernel is
// deterministic (cuBLAS and cuDNN products within a tolerance). The committed CPU answers
// (test/fixtures/device-parity-cpu.json, Python 2.13 CPU) run everywhere; scripts/gpu-check.sh makes
// the CUDA answers with the GPU machine's Python torch and points TORCHNODE_CUDA_PARITY at them.
// The rest runs only where a GPU is: devices, memory freed by dispose, tidy and GC, modules,
// save/load, the GPU generator's state, JS callbacks inside a CUDA backward, worker threads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';
import { isSameRelease } from './release.js';
import { isClose, sameKernels } from './cpu-model.js';
import { runWithGc, startRoundWorkers } from './run-child.js';

type T = torch.Tensor;
interface Flat { dtype: string; shape: number[]; data: number[] }
interface Training { losses: number[]; w: Flat; b: Flat }
interface Parity {
  torch: string;
  device: string;
  exact: Record<string, Flat>;
  close: Record<string, Flat | string>;
  adam: Record<'single' | 'foreach' | 'fused', Training>;
}
const F = torch.nn.functional;
const cudaFile = process.env.TORCHNODE_CUDA_PARITY;
const answers: [string, Parity][] = [['cpu', JSON.parse(readFileSync(new URL('fixtures/device-parity-cpu.json', import.meta.url), 'utf8')) as Parity]];
if (cudaFile) answers.push(['cuda', JSON.parse(readFileSync(cudaFile, 'utf8')) as Parity]);
const hasCuda = torch.cuda.isAvailable();

const flat = (t: T): Flat => {
  const c = t.detach().cpu();
  const f = c.isFloatingPoint() ? c.float() : c;
  return { dtype: String(f.dtype).replace('torch.', ''), shape: [...t.shape], data: f.flatten().tolist() as number[] };
};
const maxRelDiff = (got: Flat, want: Flat): number =>
  Math.max(0, ...want.data.map((w, i) => Math.abs(got.data[i]! - w) / Math.max(1, Math.abs(w))));

// The CPU generator's draws, as scripts/device-parity.py inputs() makes them.
function inputs(dev: string): Record<string, T> {
  torch.manualSeed(0);
  const d = { a: torch.randn(24, 16), b: torch.randn(16, 8), x: torch.randn(2, 3, 8, 8), w: torch.randn(4, 3, 3, 3), v: torch.randn(5, 33),
    linW: torch.randn(4, 16).mul(0.1), linB: torch.zeros(4), linX: torch.randn(32, 16), linY: torch.randint(0, 4, [32]) };
  return Object.fromEntries(Object.entries(d).map(([k, t]) => [k, t.to(dev)]));
}

function training(d: Record<string, T>, options: Record<string, unknown>): Training {
  const w = d.linW!.clone().requiresGrad_();
  const b = d.linB!.clone().requiresGrad_();
  const opt = new torch.optim.Adam([w, b], { lr: 1e-2, ...options });
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(d.linX!.matmul(w.t()).add(b), d.linY!);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, w: flat(w), b: flat(b) };
}

// Bit-exact answers hold for the release they were made with (the GPU machine's are made there, by its torch).
describe.each(answers)("Python's answers on %s", (dev, py) => {
  if (!isSameRelease(py.torch, torch.buildInfo().torchVersion)) {
    it.skip(`were made with torch ${py.torch}, this is libtorch ${torch.buildInfo().torchVersion}`, () => {});
    return;
  }
  it('were made on that device', () => {
    expect(py.device).toBe(dev);
    if (dev === 'cuda') expect(hasCuda).toBe(true);
  });

  it('elementwise ops, reductions, sort and casts: bit for bit', () => {
    const { a, v } = inputs(dev);
    const got: Record<string, T> = {
      add_mul: a!.mul(3).add(a!.sin()), softmax: v!.softmax(1), log_softmax: v!.logSoftmax(0), sum: a!.sum(0), cumsum: v!.cumsum(1),
      layer_norm: F.layerNorm(v!, [33]), sort: v!.sort(1).values, half: a!.half(), bfloat16: a!.bfloat16(), gelu: F.gelu(v!), exp_tanh: v!.exp().tanh(),
    };
    for (const [name, t] of Object.entries(got)) {
      expect(t.device.type, name).toBe(dev);
      const [have, want] = [flat(t), py.exact[name]!];
      if (dev === 'cpu' && name === 'gelu' && !sameKernels) {
        // oneDNN's eltwise kernel on the CPU: the fixtures' bits on their ISA only (test/cpu-model.ts)
        expect([have.dtype, have.shape], name).toEqual([want.dtype, want.shape]);
        expect(have.data.filter((x, i) => !isClose(x, want.data[i]!)), name).toEqual([]);
      } else {
        expect(have, name).toEqual(want);
      }
    }
  });

  it("the device's generator: randn, rand and dropout after manualSeed, bit for bit", () => {
    torch.manualSeed(1);
    const got = { randn: torch.randn(7, { device: dev }), rand: torch.rand(5, { device: dev }), dropout: F.dropout(torch.ones(64, { device: dev }), 0.5) };
    for (const [name, t] of Object.entries(got)) expect(flat(t), name).toEqual(py.exact[name]);
  });

  it('matmul, conv2d and an autocast matmul: within 1e-5 (cuBLAS/cuDNN pick kernels per call)', () => {
    const { a, b, x, w } = inputs(dev);
    const m = torch.autocast(dev, () => a!.matmul(b!));
    expect(String(m.dtype)).toBe(`torch.${py.close.autocast_dtype as string}`);
    const got = { matmul: a!.matmul(b!), conv2d: F.conv2d(x!, w!, { padding: 1 }), autocast_matmul: m };
    for (const [name, t] of Object.entries(got)) {
      const want = py.close[name] as Flat;
      const mine = flat(t);
      expect(mine.shape, name).toEqual(want.shape);
      expect(maxRelDiff(mine, want), name).toBeLessThan(1e-5);
    }
  });

  it.each(['single', 'foreach', 'fused'] as const)('three Adam steps (%s): losses and parameters bit for bit', (kind) => {
    const options = kind === 'fused' ? { fused: true } : { foreach: kind === 'foreach' };
    const got = training(inputs(dev), options);
    const want = py.adam[kind];
    expect(got.losses).toEqual(want.losses);
    expect(got.w).toEqual(want.w);
    expect(got.b).toEqual(want.b);
  });
});

// Python 2.13 without CUDA: memory_allocated/max_memory_allocated/memory_reserved 0, empty_cache and
// manual_seed(_all) silently nothing; current_device, set_device, synchronize, reset_peak_memory_stats and get_device_name raise.
describe.skipIf(torch.version.cuda !== null)('torch.cuda without a CUDA build, as Python', () => {
  it('memory statistics are 0, seeding and emptyCache do nothing, the rest throws', () => {
    const c = torch.cuda;
    expect([c.memoryAllocated(), c.maxMemoryAllocated(0), c.memoryReserved('cuda:0'), c.maxMemoryReserved()]).toEqual([0, 0, 0, 0]);
    const before = torch.randn(3).tolist();
    torch.manualSeed(0);
    const drawn = torch.randn(3).tolist();
    torch.manualSeed(0);
    expect([c.emptyCache(), c.manualSeed(5), c.manualSeedAll(5)]).toEqual([undefined, undefined, undefined]);
    expect(torch.randn(3).tolist()).toEqual(drawn);   // the CPU generator is left alone
    expect(before).not.toEqual(drawn);
    for (const [name, call] of [['currentDevice', () => c.currentDevice()], ['setDevice', () => c.setDevice(0)], ['synchronize', () => c.synchronize()], ['resetPeakMemoryStats', () => c.resetPeakMemoryStats()], ['getDeviceName', () => c.getDeviceName(0)], ['init', () => c.init()], ['initialSeed', () => c.initialSeed()], ['getRngState', () => c.getRngState()]] as const)
      expect(call, name).toThrow(new RegExp(`^cuda\\.${name}: this libtorch was built without CUDA`));
    expect([c.memoryAllocated('cpu'), c.maxMemoryReserved('cpu')]).toEqual([0, 0]); // Python 2.13 CPU build: torch.cuda.memory_allocated('cpu') -> 0
    expect(c.manualSeed(1.5)).toBeUndefined();   // Python 2.13: torch.cuda.manual_seed(1.5) takes int(seed), as torch.manual_seed
    expect(() => c.manualSeed('x' as never)).toThrow(TypeError);
    expect([torch.tensor([0]).getDevice(), torch.getDevice(torch.ones(2))]).toEqual([-1, -1]);   // Python: -1 on the CPU
  });
  // Python 2.13: `with torch.cuda.device(-1)` and `device_of(cpu_tensor)` run the body; device(0) raises
  // 'PyTorch was compiled without CUDA support'; device('cpu') 'Expected a cuda device'.
  it('cuda.device(-1, fn) and cuda.deviceOf(cpuTensor, fn) run fn; a GPU index throws before fn runs', () => {
    const c = torch.cuda;
    expect(c.device(-1, () => 'ran')).toBe('ran');
    expect(c.deviceOf(torch.ones(1), () => 7)).toBe(7);
    let ran = false;
    for (const d of [0, 'cuda:0', 'cuda'] as const)
      expect(() => c.device(d, () => (ran = true))).toThrow(/this libtorch was built without CUDA/);
    expect(ran).toBe(false);
    expect(() => c.device('cpu', () => 1)).toThrow(/expected a CUDA device, got 'cpu'/);
    expect(() => c.device(null as never, () => 1)).toThrow(TypeError);
    expect(() => c.device(1.5, () => 1)).toThrow(TypeError);
    expect(() => c.deviceOf([1] as never, () => 1)).toThrow(/expected a Tensor/);
    expect(() => c.device(-1, (async () => 1) as never)).toThrow(/async/);
    expect(() => c.device(-1, () => { throw new Error('inside'); })).toThrow('inside');
  });
});

describe.skipIf(!hasCuda)('CUDA', () => {
  it('current device, synchronize, seeding every GPU, peak and reserved memory, emptyCache', () => {
    const c = torch.cuda;
    expect(c.currentDevice()).toBe(0);
    expect([torch.ones(1, { device: 'cuda' }).getDevice(), torch.getDevice(torch.ones(1)), torch.ones(1).cuda(0).storageOffset()]).toEqual([0, -1, 0]);
    expect(c.getDeviceName()).toMatch(/^NVIDIA /);   // as Python's get_device_name (the driver's name)
    expect(c.getDeviceName('cuda:0')).toBe(c.getDeviceName(0));
    c.setDevice(0);
    c.setDevice(-1);   // nothing, as Python
    const last = c.deviceCount() - 1;
    expect(c.device(last, () => [c.currentDevice(), String(torch.ones(1, { device: 'cuda' }).device)])).toEqual([last, `cuda:${last}`]);
    expect(c.currentDevice()).toBe(0);   // back after fn
    expect(() => c.device(last, () => { throw new Error('inside'); })).toThrow('inside');
    expect(c.currentDevice()).toBe(0);   // back after a throw too
    expect(c.deviceOf(torch.ones(1, { device: `cuda:${last}` }), () => c.currentDevice())).toBe(last);
    expect(c.device(-1, () => c.currentDevice())).toBe(0);
    c.synchronize();
    c.synchronize('cuda:0');
    c.manualSeedAll(11);
    const a = torch.randn(5, { device: 'cuda' }).tolist();
    c.manualSeed(11);
    expect(torch.randn(5, { device: 'cuda' }).tolist()).toEqual(a);
    c.resetPeakMemoryStats();
    const base = c.memoryAllocated();
    const big = torch.empty([4096, 1024], { device: 'cuda' });   // 16 MiB
    expect(c.maxMemoryAllocated()).toBeGreaterThanOrEqual(base + 16 * 2 ** 20);
    expect(c.memoryReserved()).toBeGreaterThanOrEqual(c.memoryAllocated());
    big.dispose();
    expect(c.maxMemoryAllocated()).toBeGreaterThanOrEqual(base + 16 * 2 ** 20);   // the peak stays until reset
    c.emptyCache();
    expect(c.memoryReserved()).toBeLessThan(c.maxMemoryReserved());
    expect(() => c.memoryAllocated(c.deviceCount())).toThrow(RangeError);
  });

  it('GradScaler on CUDA: overflowing scale backs off and skips as on the CPU; fused Adam unscales in its kernel', () => {
    const trainWith = (device: string, fused: boolean) => {
      torch.manualSeed(3);
      const w = torch.randn([8, 4]).to(device).requiresGrad_();
      const x = torch.randn([16, 8]).to(device), y = torch.randn([16, 4]).to(device);
      const opt = new torch.optim.Adam([w], { lr: 0.01, fused });
      const scaler = new torch.amp.GradScaler(device, { initScale: 2 ** 127, growthInterval: 3 });
      const scales: number[] = [];
      for (let i = 0; i < 12; i++) {
        torch.tidy(() => {
          opt.zeroGrad();
          scaler.scale(x.matmul(w).sub(y).pow(2).sum()).backward();
          scaler.step(opt);
          scaler.update();
        });
        scales.push(scaler.getScale());
      }
      return { scales, w: w.detach().cpu().toTypedArray() as Float32Array };
    };
    const cpu = trainWith('cpu', false);
    for (const fused of [false, true]) {
      const gpu = trainWith('cuda', fused);
      expect(gpu.scales).toEqual(cpu.scales);
      gpu.w.forEach((v, i) => expect(Math.abs(v - cpu.w[i]!)).toBeLessThan(1e-5));
    }
  });

  it('the deprecated torch.cuda.amp spellings run on the GPU: float16 autocast, an enabled scaler', () => {
    const a = torch.randn([4, 8], { device: 'cuda' }), b = torch.randn([8, 2], { device: 'cuda' });
    const [y, scaler] = torch.cuda.amp.autocast(() => [a.mm(b), new torch.cuda.amp.GradScaler()] as const);
    expect(y.dtype).toBe(torch.float16);
    expect(scaler.isEnabled()).toBe(true);
    expect(torch.cuda.amp.ampDefinitelyNotAvailable()).toBe(false);
  });

  it('build facts: CUDA and cuDNN versions, devices', () => {
    expect(torch.version.cuda).toMatch(/^\d+\.\d+$/);
    expect(torch.backends.cudnn.isAvailable()).toBe(true);
    expect(torch.backends.cudnn.version()).toBeGreaterThan(0);
    expect(torch.cuda.deviceCount()).toBeGreaterThan(0);
    expect(String(torch.zeros([2, 3], { device: 'cuda' }).device)).toBe('cuda:0');
    expect(torch.ones(2).cuda().isCuda).toBe(true);
    expect(String(torch.ones(2).cuda(0).device)).toBe('cuda:0');
  });

  it('round trips keep every dtype; a pinned tensor is pinned', () => {
    for (const dtype of [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32, torch.uint8, torch.bool]) {
      const t = torch.arange(12).reshape(3, 4).to(dtype);
      const back = t.to('cuda').cpu();
      expect(back.dtype).toBe(dtype);
      expect(back.equal(t), String(dtype)).toBe(true);
    }
    const pinned = torch.ones(4).pinMemory();
    expect(pinned.isPinned()).toBe(true);
    expect(pinned.to('cuda', { nonBlocking: true }).cpu().tolist()).toEqual([1, 1, 1, 1]);
  });

  it('tensors on two devices in one op: a JS Error, and the process goes on', () => {
    const g = torch.ones(3, { device: 'cuda' });
    expect(() => g.add(torch.ones(3))).toThrow(/same device/);
    expect(g.add(1).sum().item()).toBe(6);
  });

  it('GPU memory goes back at dispose and at the end of tidy', () => {
    const before = torch.cuda.memoryAllocated();
    const one = torch.empty([1024, 1024], { device: 'cuda' });
    expect(torch.cuda.memoryAllocated()).toBeGreaterThanOrEqual(before + 4 * 1024 * 1024);
    one.dispose();
    expect(torch.cuda.memoryAllocated()).toBe(before);
    const during = torch.tidy(() => {
      const x = torch.randn([256, 256], { device: 'cuda', requiresGrad: true });
      x.matmul(x).relu().sum().backward();
      return torch.cuda.memoryAllocated();
    });
    expect(during).toBeGreaterThan(before);
    expect(torch.cuda.memoryAllocated()).toBe(before);
    expect(torch.cuda.memoryAllocated('cuda:0')).toBe(before);
    expect(() => torch.cuda.memoryAllocated('cpu')).toThrow(TypeError);
  });

  it('GPU memory goes back when GC frees tensors nobody disposed', () => {
    const r = runWithGc(`
      const base = torch.cuda.memoryAllocated();
      for (let i = 0; i < 200; i++) torch.randn([256, 1024], { device: 'cuda' }).mul(2);   // 1 MiB each, never disposed
      await settle();
      return { grew: torch.cuda.memoryAllocated() - base };`);
    expect(r.grew).toBe(0);
  });

  it('a module on the GPU trains, and its state dict loads back on the CPU', () => {
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(8, 16), new torch.nn.ReLU(), new torch.nn.Linear(16, 2)).cuda();
    for (const p of model.parameters()) expect(String(p.device)).toBe('cuda:0');
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = torch.randn([64, 8], { device: 'cuda' });
    const y = x.sum(1).gt(0).long();
    let first = 0;
    let last = 0;
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x) as T, y);
      loss.backward();
      opt.step();
      last = loss.item();
      if (i === 0) first = last;
    }
    expect(last).toBeLessThan(first);
    const bytes = torch.save(model.stateDict())!;
    const onCpu = torch.load(bytes, { mapLocation: 'cpu' }) as Record<string, T>;
    const asSaved = torch.load(bytes) as Record<string, T>;
    for (const [k, v] of Object.entries(model.stateDict())) {
      expect(String(onCpu[k]!.device)).toBe('cpu');
      expect(String(asSaved[k]!.device)).toBe('cuda:0');
      expect(onCpu[k]!.equal((v as T).cpu())).toBe(true);
    }
  });

  it('get/setDeviceStates round-trip the GPU generator', () => {
    const { getDeviceStates, setDeviceStates, DefaultDeviceType } = torch.utils.checkpoint;
    expect(DefaultDeviceType.getDeviceType()).toBe('cuda');
    const x = torch.randn([32, 32], { device: 'cuda' });
    const [devices, states] = getDeviceStates(x);
    expect(devices).toEqual([0]);
    const a = torch.rand(4, { device: 'cuda' }).tolist();
    setDeviceStates(devices, states);
    expect(torch.rand(4, { device: 'cuda' }).tolist()).toEqual(a);
  });

  // libtorch runs CUDA nodes on its device threads, where no JS can run: the JS thread runs these
  // callbacks for them while it waits (native/src/js_pump.h; test/autograd-pump.test.ts on the CPU).
  it('JS inside a CUDA backward: hooks, a custom Function, checkpoint restoring the GPU RNG for dropout', () => {
    const { checkpoint } = torch.utils.checkpoint;
    const x = torch.randn([32, 32], { device: 'cuda' });
    const leaf = x.clone().requiresGrad_();
    const hooked = leaf.mul(2);
    hooked.registerHook((g: T) => g.mul(3));
    hooked.sum().backward();
    expect(leaf.grad!.eq(6).all().item()).toBe(true);
    class Cube extends torch.autograd.Function {
      static override forward(ctx: torch.FunctionCtx, a: T) {
        ctx.saveForBackward(a);
        return a.pow(3);
      }
      static override backward(ctx: torch.FunctionCtx, g: T) {
        return g.mul(ctx.savedTensors[0]!.pow(2)).mul(3);
      }
    }
    leaf.grad = null;
    (Cube.apply(leaf) as T).sum().backward();
    expect(leaf.grad!.sub(x.pow(2).mul(3)).abs().max().item()).toBeLessThan(1e-5);
    const fn = (t: T): T => F.dropout(t.mul(2), 0.5).sin();
    const grads = (wrapped: boolean): number[] => {
      torch.manualSeed(7);
      const input = x.clone().requiresGrad_();
      const out = wrapped ? (checkpoint(fn, input, { useReentrant: false }) as T) : fn(input);
      out.sum().backward();
      return input.grad!.flatten().tolist() as number[];
    };
    expect(grads(true)).toEqual(grads(false));
    const thrown = x.clone().requiresGrad_().mul(1);
    thrown.registerHook(() => { throw new RangeError('from the hook'); });
    expect(() => thrown.sum().backward()).toThrow(RangeError);
  });

  it("DataParallel on one GPU gives its module's output and gradients", () => {
    torch.manualSeed(0);
    const m = new torch.nn.Linear(4, 3).cuda();
    const dp = new torch.nn.DataParallel(m);
    expect(dp.deviceIds).toEqual([0]);
    const x = torch.randn([8, 4], { device: 'cuda' });
    const out = dp.call(x) as T;
    expect(String(out.device)).toBe('cuda:0');
    expect(out.equal(m.call(x) as T)).toBe(true);
    out.sum().backward();
    expect(m.weight.grad!.sub(x.sum(0).expand(3, 4)).abs().max().item()).toBeLessThan(1e-5);
  });

  it('streams and events: a side stream, waits, timing, recordStream, and the same through torch.accelerator', () => {
    const main = torch.cuda.currentStream();
    expect(main.equals(torch.cuda.defaultStream())).toBe(true);
    const side = new torch.cuda.Stream(null, { priority: -1 });
    expect([side.device.type, side.equals(main), side.query()]).toEqual(['cuda', false, true]);
    expect(Number(side.cudaStream)).not.toBe(0);
    torch.manualSeed(0);
    const x = torch.randn([512, 512], { device: 'cuda' });
    const start = new torch.cuda.Event({ enableTiming: true });
    const end = new torch.cuda.Event({ enableTiming: true });
    side.waitStream(main); // x was made on the main stream
    const y = torch.cuda.stream(side, () => {
      expect(torch.cuda.currentStream().equals(side)).toBe(true);
      start.record();
      const product = x.matmul(x);
      end.record();
      return product;
    });
    expect(torch.cuda.currentStream().equals(main)).toBe(true);
    x.recordStream(side);
    main.waitStream(side);
    end.synchronize();
    expect([end.query(), String(end.device)]).toEqual([true, `cuda:${torch.cuda.currentDevice()}`]);
    expect(start.elapsedTime(end)).toBeGreaterThan(0);
    expect(y.cpu().sub(x.cpu().matmul(x.cpu())).abs().max().item()).toBeLessThan(1e-2);
    expect(String(torch.accelerator.currentAccelerator())).toBe('cuda');
    expect(torch.accelerator.deviceCount()).toBe(torch.cuda.deviceCount());
    side.run(() => expect(torch.accelerator.currentStream().equals(side)).toBe(true));
    expect(torch.accelerator.currentStream().equals(main)).toBe(true);
    const marker = side.recordEvent();
    torch.accelerator.synchronize();
    expect(marker.query()).toBe(true);
    expect(() => new torch.Event('cpu').record(side)).toThrow(/does not match recording stream's device type/);
  });

  it('worker threads run CUDA work side by side', async () => {
    const round = `(t) => t.tidy(() => {
      const x = t.ones([64, 64], { device: 'cuda' });
      return String(x.matmul(x).sum().item());
    })`;
    const { results } = startRoundWorkers(round, String(64 * 64 * 64), { times: 20, count: 3 });
    expect(await results).toEqual(['ok', 'ok', 'ok']);
  });
});
