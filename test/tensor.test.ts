// Tensor core behaviour that the API contract promises beyond numeric results (those are in
// golden.test.ts): identities, types of values read back, argument forms, autograd switches.
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

describe('dtype and device', () => {
  it('dtype constants are identities, aliases are the same object, names are accepted', () => {
    expect(torch.zeros(1).dtype).toBe(torch.float32);
    expect(torch.float).toBe(torch.float32);
    expect(torch.long).toBe(torch.int64);
    expect(torch.zeros(1, { dtype: 'float64' }).dtype).toBe(torch.float64);
    expect(torch.zeros(1, { dtype: 'torch.int32' }).dtype).toBe(torch.int32);
    expect(String(torch.bfloat16)).toBe('torch.bfloat16');
  });

  it('devices', () => {
    const d = torch.zeros(1).device;
    expect(d.type).toBe('cpu');
    expect(d.index).toBeNull();
    expect(torch.device('cuda', 1).toString()).toBe('cuda:1');
    expect(torch.device('cuda:2').index).toBe(2);
    // Python: torch.device('cuda:0') == torch.device('cuda', 0) → True; device('cuda') == device('cuda:0') → False;
    // device('cpu') == 'cpu' → False; 'cuda:01' → Invalid device string; 'Cuda:0' → "… at start of device string: Cuda".
    expect([torch.device('cuda:0').equals(torch.device('cuda', 0)), torch.device('cuda').equals(torch.device('cuda:0')), torch.device('cpu').equals('cpu')]).toEqual([true, false, false]);
    for (const bad of ['cuda:01', 'cuda:00', 'cuda:+1', 'cuda:', ':0']) expect(() => torch.device(bad), bad).toThrow(`invalid device string '${bad}'`);
    expect(() => torch.device('Cuda:0')).toThrow(/device type at start of device string: Cuda$/);
    expect(torch.cuda.isAvailable()).toBe(torch.cuda.deviceCount() > 0);
  });
});

describe('reading values', () => {
  it('item gives numbers and booleans', () => {
    expect(torch.tensor(2.5).item()).toBe(2.5);
    expect(torch.tensor(7).item()).toBe(7);
    expect(torch.tensor(true).item()).toBe(true);
  });

  it('toTypedArray picks the TypedArray of the dtype', () => {
    expect(torch.arange(3).toTypedArray()).toEqual(new BigInt64Array([0n, 1n, 2n]));
    expect(torch.tensor([true, false]).toTypedArray()).toEqual(new Uint8Array([1, 0]));
    expect(torch.ones(2, { dtype: torch.float64 }).toTypedArray()).toBeInstanceOf(Float64Array);
    expect(torch.ones(2, { dtype: torch.float16 }).toTypedArray()).toEqual(new Float32Array([1, 1]));
    expect(torch.ones(2, { dtype: torch.int32 }).toTypedArray()).toBeInstanceOf(Int32Array);
  });

  it('tolist nests by shape, bools stay booleans', () => {
    expect(torch.arange(6).view(2, 3).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(torch.tensor([[true], [false]]).tolist()).toEqual([[true], [false]]);
    expect(torch.tensor(1.5).tolist()).toBe(1.5);
    expect(torch.zeros(0, 2).tolist()).toEqual([]);
  });

  it('TypedArrays set the dtype; BigInt64Array data is int64', () => {
    expect(torch.tensor(new Float64Array([1, 2])).dtype).toBe(torch.float64);
    expect(torch.tensor(new Int32Array([1, 2])).dtype).toBe(torch.int32);
    expect(torch.tensor(new Uint8Array([1, 2])).dtype).toBe(torch.uint8);
    const big = torch.tensor(new BigInt64Array([2n ** 60n]));
    expect(big.toTypedArray()[0]).toBe(2n ** 60n);
    expect(torch.tensor([2n ** 60n, 1]).dtype).toBe(torch.int64);
  });

  it('shape, size, stride, dim, numel', () => {
    const x = torch.zeros(2, 3, 4);
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(-1)).toBe(4);
    expect(x.stride()).toEqual([12, 4, 1]);
    expect(x.stride(0)).toBe(12);
    expect(x.dim()).toBe(3);
    expect(x.ndim).toBe(3);
    expect(x.numel()).toBe(24);
  });

  it('prints like PyTorch through String, util.inspect and console.log', () => {
    const x = torch.tensor([[1.5, 2], [3, 4]]);
    const expected = 'tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])';
    expect(String(x)).toBe(expected);
    expect(inspect(x)).toBe(expected);
    const y = torch.ones(2, { requiresGrad: true });
    expect(String(y.mul(2))).toBe('tensor([2., 2.], grad_fn=<MulBackward0>)');
    expect(String(y)).toBe('tensor([1., 1.], requires_grad=True)');
  });
});

describe('interop, complex and named tensors', () => {
  it('frombuffer shares memory with the buffer, in both directions', () => {
    const buf = new Float32Array([1, 2, 3, 4]);
    const t = torch.frombuffer(buf);
    t.mul_(10);
    expect(Array.from(buf)).toEqual([10, 20, 30, 40]);
    buf[1] = -5;
    expect(t.tolist()).toEqual([10, -5, 30, 40]);
    // PyTorch: torch.frombuffer(bytes([1..8]), dtype=torch.int16, offset=2, count=2) == tensor([1027, 1541])
    expect(torch.frombuffer(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), { dtype: torch.int16, offset: 2, count: 2 }).tolist()).toEqual([1027, 1541]);
    expect(() => torch.frombuffer(new ArrayBuffer(8))).toThrow(/frombuffer: pass \{ dtype \}/);
    expect(() => torch.frombuffer(new Uint8Array(7), { dtype: torch.float32 })).toThrow(RangeError);
    expect(() => torch.frombuffer(new Uint8Array(9), { dtype: torch.float32, offset: 1, count: 2 })).toThrow(/aligned/);
  });

  it('frombuffer checks offset and count against a view\'s own bytes, with Python\'s messages', () => {
    const ab = new ArrayBuffer(32);
    new Float32Array(ab, 0, 4).set([1, 2, 3, 4]);
    const view = new Float32Array(ab, 16, 4); // 16 bytes: a negative offset read and wrote the 16 before it
    // Python: v = memoryview(bytearray(32))[16:]; torch.frombuffer(v, dtype=torch.float32, offset=-8)
    // ValueError: offset (-8 bytes) must be non-negative and no greater than buffer length (16 bytes) minus 1
    expect(() => torch.frombuffer(view, { offset: -8 })).toThrow(new RangeError('frombuffer: offset (-8 bytes) must be non-negative and no greater than buffer length (16 bytes) minus 1'));
    expect(() => torch.frombuffer(view, { offset: -16, count: 4 })).toThrow(/offset \(-16 bytes\) must be non-negative/);
    expect(() => torch.frombuffer(view, { offset: 16 })).toThrow(/offset \(16 bytes\) must be non-negative and no greater than buffer length \(16 bytes\) minus 1/);
    // Python (same v): offset=4, count=4 → requested buffer length (4 * 4 bytes) after offset (4 bytes) must not be greater than actual buffer length (16 bytes)
    expect(() => torch.frombuffer(view, { offset: 4, count: 4 })).toThrow('frombuffer: requested buffer length (4 * 4 bytes) after offset (4 bytes) must not be greater than actual buffer length (16 bytes)');
    // Python: offset=2 → buffer length (14 bytes) after offset (2 bytes) must be a multiple of element size (4); count=0 → both buffer length (16) and count (0) must not be 0
    expect(() => torch.frombuffer(view, { offset: 2 })).toThrow('frombuffer: buffer length (14 bytes) after offset (2 bytes) must be a multiple of element size (4)');
    expect(() => torch.frombuffer(view, { count: 0 })).toThrow('frombuffer: both buffer length (16) and count (0) must not be 0');
    expect(torch.frombuffer(view, { offset: 8 }).tolist()).toEqual([0, 0]);
    expect(new Float32Array(ab, 0, 4)).toEqual(new Float32Array([1, 2, 3, 4]));
  });

  it('toTypedArray({ share: true }) of a CPU contiguous tensor shares its memory (like numpy())', () => {
    const t = torch.arange(4, { dtype: torch.float32 });
    const a = t.toTypedArray({ share: true }) as Float32Array;
    t.add_(1);
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
    t.dispose(); // the array keeps the memory alive
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
  });

  it('complex tensors: values as [re, im], printing, arithmetic (PyTorch: (1.5+0.5j)*(1.5+0.5j) = 2+1.5j)', () => {
    const c = torch.complex(torch.tensor([1.5, -2]), torch.tensor([0.5, 3]));
    expect(c.dtype).toBe(torch.complex64);
    expect(c.tolist()).toEqual([[1.5, 0.5], [-2, 3]]);
    expect(c.mul(c).tolist()).toEqual([[2, 1.5], [-5, -12]]);
    expect(String(c)).toBe('tensor([ 1.5000+0.5000j, -2.0000+3.0000j])');
    expect(() => c.sum().item()).toThrow(/complex/);
  });

  it.runIf(!torch.version.features.namedTensors)('named tensors removed (libtorch 2.13): a clear error everywhere', () => {
    expect(torch.buildInfo().torchVersion >= '2.13').toBe(true);
    const removed = /named tensors are not available: PyTorch removed them in 2\.13/;
    const x = torch.zeros(2, 3);
    expect(() => x.names).toThrow(removed);
    expect(() => x.rename('N', 'C')).toThrow(removed);
    expect(() => x.refineNames('N', null)).toThrow(removed);
    expect(() => x.alignTo('C', 'N')).toThrow(removed);
    expect(() => torch.zeros(2, 3, { names: ['N', 'C'] })).toThrow(removed);
    expect(String(x)).toBe('tensor([[0., 0., 0.],\n        [0., 0., 0.]])');
  });

  it.runIf(torch.version.features.namedTensors)('named tensors: names, refineNames, alignTo, rename, reductions by name', () => {
    const n = torch.zeros(2, 3, { names: ['N', 'C'] });
    // Reductions by dim name exist only where libtorch has named tensors: the committed typings come from 2.13's schemas.
    const sumByName = (t: torch.Tensor, name: string): torch.Tensor => (t.sum as unknown as (dim: string) => torch.Tensor).call(t, name);
    expect(n.names).toEqual(['N', 'C']);
    expect(torch.zeros(2).names).toEqual([null]);
    expect(sumByName(n, 'N').names).toEqual(['C']);
    expect(n.alignTo('C', 'N').shape).toEqual([3, 2]);
    expect(n.alignTo('...', 'N').names).toEqual(['C', 'N']);
    expect(torch.zeros(3, { names: ['C'] }).alignAs(n).shape).toEqual([1, 3]);
    expect(n.rename({ N: 'batch' }).names).toEqual(['batch', 'C']);
    expect(n.rename(null).names).toEqual([null, null]);
    expect(torch.ones(2, 3).refineNames('A', null).names).toEqual(['A', null]);
    expect(String(sumByName(n, 'N'))).toBe("tensor([0., 0., 0.], names=('C',))");
  });
});

describe('argument forms', () => {
  it('sizes as arrays or numbers; options objects', () => {
    expect(torch.zeros([2, 3]).shape).toEqual(torch.zeros(2, 3).shape);
    const x = torch.arange(6).view(2, 3);
    expect(x.sum(1, true).tolist()).toEqual(x.sum({ dim: 1, keepdim: true }).tolist());
    expect(x.view([3, 2]).shape).toEqual([3, 2]);
    expect(x.permute(1, 0).shape).toEqual([3, 2]);
  });

  it('named tuples are arrays with names', () => {
    const r = torch.tensor([[1, 5], [7, 2]]).max(1);
    expect(r.values.tolist()).toEqual([5, 7]);
    expect(r[1].tolist()).toEqual([1, 0]);
    expect(r.indices).toBe(r[1]);
  });

  it('in-place ops return the receiver; out= returns the out tensor', () => {
    const x = torch.zeros(2);
    expect(x.add_(1)).toBe(x);
    expect(x.clamp_(0, 0.5)).toBe(x);
    expect(x.tolist()).toEqual([0.5, 0.5]);
    const out = torch.empty(2);
    expect(torch.add(x, 1, { out })).toBe(out);
    expect(out.tolist()).toEqual([1.5, 1.5]);
  });

  it('Python number semantics: whole numbers are ints', () => {
    expect(torch.arange(5).dtype).toBe(torch.int64);
    expect(torch.arange(5).add(1).dtype).toBe(torch.int64);
    expect(torch.arange(5).mul(0.5).dtype).toBe(torch.float32);
    expect(torch.arange(0, 1, 0.25).dtype).toBe(torch.float32);
  });

  it('torch.ops.aten reaches operators and overloads by name', () => {
    const a = torch.ones(2);
    expect(torch.ops.aten.add(a, a)).toBeInstanceOf(torch.Tensor);
    expect((torch.ops.aten.add.Tensor(a, a, { alpha: 3 }) as torch.Tensor).tolist()).toEqual([4, 4]);
    expect(torch.opSchemas('relu')[0]).toMatch(/^aten::relu\(Tensor self\) -> Tensor/);
  });

  it('to() converts dtype and device and keeps the tensor when nothing changes', () => {
    const x = torch.ones(2);
    expect(x.to(torch.float64).dtype).toBe(torch.float64);
    expect(x.to('cpu')).toBe(x);
    expect(x.to('cpu', 'int32').dtype).toBe(torch.int32);
    expect(x.to({ dtype: torch.float16 }).dtype).toBe(torch.float16);
    expect(x.to(torch.arange(2)).dtype).toBe(torch.int64);
    expect(x.to('cpu', { copy: true })).not.toBe(x);
    expect(x.double().dtype).toBe(torch.float64);
    expect(x.long().dtype).toBe(torch.int64);
  });
});

describe('autograd switches', () => {
  it('backward, grad read/assign, leaf and gradFn', () => {
    const w = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const y = w.mul(w).sum();
    expect(w.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.gradFn!.name()).toBe('SumBackward0');
    y.backward();
    expect(w.grad!.tolist()).toEqual([2, 4, 6]);
    w.grad = torch.zeros(3);
    expect(w.grad!.tolist()).toEqual([0, 0, 0]);
    w.grad = null;
    expect(w.grad).toBeNull();
  });

  it('retainGraph and gradient arguments', () => {
    const x = torch.ones(2, { requiresGrad: true });
    const y = x.mul(3);
    y.backward(torch.tensor([1, 2], { dtype: torch.float32 }), { retainGraph: true });
    y.backward(torch.ones(2));
    expect(x.grad!.tolist()).toEqual([6, 9]);
  });

  it('noGrad / enableGrad / inferenceMode restore the previous mode', () => {
    const x = torch.ones(1, { requiresGrad: true });
    expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    expect(torch.isGradEnabled()).toBe(true);
    expect(() => torch.noGrad(async () => torch.isGradEnabled())).toThrow(/noGrad: fn must be synchronous/);
    expect(torch.isGradEnabled()).toBe(true);
    expect(torch.inferenceMode(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true);
    expect(x.detach().requiresGrad).toBe(false);
  });
});

describe('torch.autograd', () => {
  const f64 = () => torch.randn([3], { dtype: torch.float64, requiresGrad: true });

  it('gradcheck accepts correct gradients and catches a wrong one', () => {
    expect(torch.autograd.gradcheck((a, b) => a.mul(b).sin(), [f64(), f64()])).toBe(true);
    expect(torch.autograd.gradcheck((a) => a.pow(2).sum(), f64())).toBe(true);
    // detach() hides a.mul(2) from autograd: the analytical gradient is 1 where it should be 3.
    const wrong = (a: torch.Tensor) => a.detach().mul(2).add(a);
    expect(torch.autograd.gradcheck(wrong, [f64()], { raiseException: false })).toBe(false);
    expect(() => torch.autograd.gradcheck(wrong, [f64()])).toThrow(/gradcheck: Jacobian mismatch/);
  });

  it('anomaly detection names the backward function that produced NaN, and restores the mode', () => {
    expect(() =>
      torch.autograd.detectAnomaly(() => torch.tensor([-1.5, 1.5], { requiresGrad: true }).sqrt().sum().backward()),
    ).toThrow(/SqrtBackward0' returned nan values/);
    expect(torch.autograd.isAnomalyEnabled()).toBe(false);
  });

  it('tensor hooks see and replace gradients, can be removed, and pass errors through', () => {
    const w = torch.ones(3, { requiresGrad: true });
    const seen: unknown[] = [];
    const handle = w.registerHook((g) => {
      seen.push(g.tolist());
      return g.mul(2);
    });
    w.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3, 3]]);
    expect(w.grad!.tolist()).toEqual([6, 6, 6]);
    handle.remove();
    w.grad = null;
    w.mul(3).sum().backward();
    expect(w.grad!.tolist()).toEqual([3, 3, 3]);
    // A hook on an intermediate result changes what flows further back (PyTorch: a.grad == [4, 4]).
    const a = torch.ones(2, { requiresGrad: true });
    const b = a.mul(2);
    b.registerHook((g) => g.add(1));
    b.sum().backward();
    expect(a.grad!.tolist()).toEqual([4, 4]);
    const z = torch.ones(2, { requiresGrad: true });
    z.registerHook(() => {
      throw new Error('boom in hook');
    });
    expect(() => z.sum().backward()).toThrow('boom in hook');
    const q = torch.ones(2, { requiresGrad: true });
    q.registerHook((() => 5) as unknown as () => torch.Tensor);
    expect(() => q.sum().backward()).toThrow(TypeError);
    expect(() => torch.ones(2).registerHook((g) => g)).toThrow(/doesn't require gradient/);
  });

  it('custom Functions written in JS: forward/backward, saved tensors, ctx fields, gradcheck', () => {
    class MyExp extends torch.autograd.Function {
      static override forward(ctx: torch.FunctionCtx, x: torch.Tensor) {
        const y = x.exp();
        ctx.saveForBackward(y);
        return y;
      }
      static override backward(ctx: torch.FunctionCtx, g: torch.Tensor) {
        return g.mul(ctx.savedTensors[0]!);
      }
    }
    class MulConst extends torch.autograd.Function {
      static override forward(ctx: torch.FunctionCtx, a: torch.Tensor, k: number) {
        ctx.k = k;
        return a.mul(k);
      }
      static override backward(ctx: torch.FunctionCtx, g: torch.Tensor) {
        return [g.mul(ctx.k as number), null];
      }
    }
    const x = torch.tensor([0.5, 1.5], { requiresGrad: true });
    const y = MyExp.apply(x) as torch.Tensor;
    expect(y.gradFn!.name()).toBe('MyExpBackward');
    // saved tensors survive the tidy scope that made them
    const z = torch.tidy(() => (MulConst.apply(MyExp.apply(x), 3) as torch.Tensor).sum());
    z.backward();
    expect(x.grad!.tolist()).toEqual(x.detach().exp().mul(3).tolist());
    expect(torch.autograd.gradcheck((a) => MyExp.apply(a), [torch.randn([4], { dtype: torch.float64, requiresGrad: true })])).toBe(true);
    class Bad extends torch.autograd.Function {
      static override forward(_ctx: torch.FunctionCtx, a: torch.Tensor) {
        return a.mul(2);
      }
      static override backward(_ctx: torch.FunctionCtx, g: torch.Tensor) {
        return [g, g];
      }
    }
    expect(() => (Bad.apply(x) as torch.Tensor).sum().backward()).toThrow(/incorrect number of gradients \(expected 1, got 2\)/);
    expect(torch.noGrad(() => MyExp.apply(x) as torch.Tensor).requiresGrad).toBe(false);
  });

  it('autograd.backward runs several roots', () => {
    const x = torch.ones(2, { requiresGrad: true });
    const y = x.mul(2);
    torch.autograd.backward([y.sum(), y.mul(3).sum()]);
    expect(x.grad!.tolist()).toEqual([8, 8]);
  });
});

describe('runtime', () => {
  it('threads and seeds', () => {
    const n = torch.getNumThreads();
    torch.setNumThreads(1);
    expect(torch.getNumThreads()).toBe(1);
    torch.setNumThreads(n);
    torch.manualSeed(42);
    expect(torch.initialSeed()).toBe(42n);
    const a = torch.rand(3).tolist();
    torch.manualSeed(42);
    expect(torch.rand(3).tolist()).toEqual(a);
  });

  it('runs in several worker threads at once (shared op tables are thread-safe)', async () => {
    const { Worker } = await import('node:worker_threads');
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const body = `import(${JSON.stringify(dist)}).then((torch) => {
      let s = 0;
      for (let i = 0; i < 300; i++) s += torch.arange(10).mul(2).sum().item() + torch.ones(3).atan2(torch.ones(3)).sum().item();
      require('node:worker_threads').parentPort.postMessage(s);
    });`;
    const results = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<number>((resolve, reject) => {
            const w = new Worker(body, { eval: true });
            w.on('message', resolve);
            w.on('error', reject);
          }),
      ),
    );
    const expected = 300 * (90 + 3 * Math.atan2(1, 1));
    for (const r of results) expect(r).toBeCloseTo(expected, 3);
  });

  it('works from CommonJS require', () => {
    const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof torch;
    expect(String(cjs.arange(3))).toBe('tensor([0, 1, 2])');
  });
});
