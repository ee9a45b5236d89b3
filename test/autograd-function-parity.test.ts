// torch.autograd.Function details compared with Python torch 2.13 (each Python snippet and its output
// quoted above its test, run with .venv/bin/python): extra None gradients, apply outside grad mode,
// ctx methods called in backward, tensors kept on ctx fields inside torch.tidy, and the output kept on ctx.
import { afterEach, describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';

type Ctx = torch.FunctionCtx;
type T = torch.Tensor;
const { Function } = torch.autograd;

class Ident extends Function {
  static override forward(_ctx: Ctx, x: T): T { return x; }
  static override backward(_ctx: Ctx, g: T): T { return g; }
}
class Dirty extends Function {
  static override forward(ctx: Ctx, x: T): T {
    x.mul_(2);
    ctx.markDirty(x);
    return x;
  }
  static override backward(_ctx: Ctx, g: T): T { return g.mul(2); }
}

describe('autograd.Function parity with Python', () => {
  afterEach(() => vi.restoreAllMocks());

  // class Scale(torch.autograd.Function):
  //     @staticmethod
  //     def forward(ctx, x, k=None): ctx.k = 2 if k is None else k; return x * ctx.k
  //     @staticmethod
  //     def backward(ctx, g): return g * ctx.k, None, None
  // x = torch.ones(3, requires_grad=True)
  // Scale.apply(x).sum().backward(); print(x.grad)          # tensor([2., 2., 2.])
  // class Bad(...): forward: x * 2; backward: return g * 2, None, g
  // Bad.apply(x).sum().backward()
  // # RuntimeError: function BadBackward returned an incorrect number of gradients (expected 1, got 3)
  it('backward may return extra trailing nulls beyond the forward arguments; a non-null extra is an error', () => {
    class Scale extends Function {
      static override forward(ctx: Ctx, x: T, k: number | null = null): T {
        ctx.k = k ?? 2;
        return x.mul(ctx.k as number);
      }
      static override backward(ctx: Ctx, g: T): (T | null)[] { return [g.mul(ctx.k as number), null, null]; }
    }
    const x = torch.ones([3], { requiresGrad: true });
    (Scale.apply(x) as T).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
    class Bad extends Function {
      static override forward(_ctx: Ctx, a: T): T { return a.mul(2); }
      static override backward(_ctx: Ctx, g: T): (T | null)[] { return [g.mul(2), null, g]; }
    }
    expect(() => (Bad.apply(x) as T).sum().backward()).toThrow('function BadBackward returned an incorrect number of gradients (expected 1, got 3)');
  });

  // w = torch.tensor([1.5, 2, 3], requires_grad=True)
  // with torch.no_grad(): y = Ident.apply(w)
  // print(y.requires_grad, y is w, y._base is w, y.is_leaf, y.data_ptr() == w.data_ptr())  # False False False True True
  // with torch.inference_mode(): y = Ident.apply(w)
  // print(y.requires_grad, y is w, y.is_inference())                                         # False False False
  // (y * 3).sum().backward()  # RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
  // p = torch.ones(3)
  // with torch.no_grad(): y = Ident.apply(p)
  // print(y is p, y._base is p)                                                            # False True
  // y = Ident.apply(p); print(y is p, y._base is p, y.requires_grad)                      # False True False
  it('outside grad mode an input returned as-is comes back detached (or as a view of itself), as Python\'s _wrap_outputs', () => {
    const w = torch.tensor([1.5, 2, 3], { requiresGrad: true });
    const y = torch.noGrad(() => Ident.apply(w)) as T;
    expect([y.requiresGrad, y === w, y.isLeaf]).toEqual([false, false, true]);
    torch.noGrad(() => y.add_(1)); // an alias: shares w's data
    expect(w.tolist()).toEqual([2.5, 3, 4]);
    const yi = torch.inferenceMode(() => Ident.apply(w)) as T;
    expect([yi.requiresGrad, yi === w, yi.isInference()]).toEqual([false, false, false]);
    expect(() => y.mul(3).sum().backward()).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
    expect(w.grad).toBeNull();
    const p = torch.ones([3]);
    const yp = torch.noGrad(() => Ident.apply(p)) as T;
    expect(yp === p).toBe(false);
    yp.add_(1);
    expect(p.tolist()).toEqual([2, 2, 2]);
    const yg = Ident.apply(p) as T; // grad mode on, but no input requires grad: no node either
    expect([yg === p, yg.requiresGrad]).toEqual([false, false]);
  });

  // b = w * 1
  // with torch.no_grad(): z = Dirty.apply(b)        # forward: x.mul_(2); ctx.mark_dirty(x); return x
  // print(z.requires_grad, z is b, z.grad_fn, b._version, b.grad_fn)  # False False None 2 <MulBackward0 ...>
  // p = torch.ones(3)
  // with torch.no_grad(): z = Dirty.apply(p)
  // print(z is p, p._version)                        # True 2
  // z = Dirty.apply(p); print(z is p, p._version)    # True 4
  // l = torch.ones(3, requires_grad=True)
  // with torch.no_grad(): z = Dirty.apply(l)
  // print(z is l, z.requires_grad, l._version)        # False False 2
  // with torch.no_grad(): DirtyNR.apply(w * 1)       # marks x dirty, returns x * 1
  // # RuntimeError: Some elements marked as dirty during the forward method were not returned as output. ...
  it('outside grad mode markDirty bumps the version and returns a detached alias of an input that requires grad', () => {
    const w = torch.tensor([1.5, 2, 3], { requiresGrad: true });
    const b = w.mul(1);
    const z = torch.noGrad(() => Dirty.apply(b)) as T;
    expect([z.requiresGrad, z === b, z.gradFn, b._version, b.gradFn?.name()]).toEqual([false, false, null, 2, 'MulBackward0']);
    const p = torch.ones([3]);
    expect(torch.noGrad(() => Dirty.apply(p)) === p).toBe(true);
    expect(p._version).toBe(2);
    expect(Dirty.apply(p) === p).toBe(true);
    expect(p._version).toBe(4);
    const l = torch.ones([3], { requiresGrad: true });
    const zl = torch.noGrad(() => Dirty.apply(l)) as T;
    expect([zl === l, zl.requiresGrad, l._version]).toEqual([false, false, 2]);
    class DirtyNR extends Function {
      static override forward(ctx: Ctx, x: T): T {
        x.mul_(2);
        ctx.markDirty(x);
        return x.mul(1);
      }
      static override backward(_ctx: Ctx, g: T): T { return g; }
    }
    expect(() => torch.noGrad(() => DirtyNR.apply(w.mul(1)))).toThrow('Some elements marked as dirty during the forward method were not returned as output');
  });

  // class Late(torch.autograd.Function):
  //     @staticmethod
  //     def forward(ctx, a): ctx.save_for_backward(a); return a * 1
  //     @staticmethod
  //     def backward(ctx, g):
  //         ctx.set_materialize_grads(False); ctx.save_for_backward(g); ctx.mark_dirty(g); ctx.mark_non_differentiable(g)
  //         return g * ctx.saved_tensors[0]
  // x = torch.tensor([1.5, 2, 3], requires_grad=True)
  // Late.apply(x).sum().backward(); print(x.grad)   # tensor([1.5000, 2.0000, 3.0000])
  it('ctx methods called in backward change nothing, as in Python', () => {
    class Late extends Function {
      static override forward(ctx: Ctx, a: T): T {
        ctx.saveForBackward(a);
        return a.mul(1);
      }
      static override backward(ctx: Ctx, g: T): T {
        ctx.setMaterializeGrads(false);
        ctx.saveForBackward(g);
        ctx.markDirty(g);
        ctx.markNonDifferentiable(g);
        return g.mul(ctx.savedTensors[0]!);
      }
    }
    const x = torch.tensor([1.5, 2, 3], { requiresGrad: true });
    (Late.apply(x) as T).sum().backward();
    expect(x.grad!.tolist()).toEqual([1.5, 2, 3]);
  });

  // (Python has no tidy; its ctx fields live as long as the node)
  // class ScaleBy(torch.autograd.Function):
  //     @staticmethod
  //     def forward(ctx, x): ctx.scale = torch.full([3], 2.0); ctx.more = [torch.full([3], 3.0)]; ctx.opts = {'b': torch.full([3], 5.0)}; return x * ctx.scale
  //     @staticmethod
  //     def backward(ctx, g): return g * ctx.scale * ctx.more[0] * ctx.opts['b']
  // y = ScaleBy.apply(x); y.sum().backward(); print(x.grad)   # tensor([30., 30., 30.])
  it('tensors kept on ctx fields (directly, in arrays, in plain objects) outlive the tidy scope that ran forward', () => {
    class ScaleBy extends Function {
      static override forward(ctx: Ctx, x: T): T {
        ctx.scale = torch.full([3], 2.0);
        ctx.more = [torch.full([3], 3.0)];
        ctx.opts = { b: torch.full([3], 5.0) };
        return x.mul(ctx.scale as T);
      }
      static override backward(ctx: Ctx, g: T): T {
        return g.mul(ctx.scale as T).mul((ctx.more as T[])[0]!).mul((ctx.opts as { b: T }).b);
      }
    }
    const x = torch.tensor([1.5, 2, 3], { requiresGrad: true });
    const y = torch.tidy(() => ScaleBy.apply(x) as T);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([30, 30, 30]);
    // without a graph node (no grad), the scope still frees them
    let kept: T | undefined;
    class Peek extends Function {
      static override forward(ctx: Ctx, a: T): T {
        kept = torch.full([3], 2.0);
        ctx.scale = kept;
        return a.mul(kept);
      }
      static override backward(_ctx: Ctx, g: T): T { return g; }
    }
    torch.tidy(() => torch.noGrad(() => Peek.apply(x)));
    expect(kept!.isDisposed).toBe(true);
  });

  // Python collects an output kept on ctx (a Python-level cycle):
  // for i in range(2000): y = Keep.apply(torch.ones(1000, requires_grad=True)); refs.append(weakref.ref(y))  # forward: ctx.out = y
  // del y; gc.collect(); print(sum(r() is not None for r in refs))   # 0
  // In JS the cycle goes through the native node, which V8 cannot see: apply warns once per class.
  it('an output kept on a ctx field warns once per class; saveForBackward(output) does not', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    class Keep extends Function {
      static override forward(ctx: Ctx, x: T): T {
        const y = x.mul(2);
        ctx.out = y;
        return y;
      }
      static override backward(_ctx: Ctx, g: T): T { return g.mul(2); }
    }
    class KeepSC extends Function {
      static override forward(x: T): T { return x.mul(2); }
      static override setupContext(ctx: Ctx, _inputs: unknown[], output: unknown): void { ctx.outs = [output]; }
      static override backward(_ctx: Ctx, g: T): T { return g.mul(2); }
    }
    class Saves extends Function {
      static override forward(ctx: Ctx, x: T): T {
        const y = x.mul(2);
        ctx.saveForBackward(y);
        return y;
      }
      static override backward(ctx: Ctx, g: T): T { return g.mul(2).add(ctx.savedTensors[0]!.mul(0)); }
    }
    const x = torch.ones([3], { requiresGrad: true });
    for (let i = 0; i < 3; i++) Keep.apply(x);
    for (let i = 0; i < 2; i++) KeepSC.apply(x);
    (Saves.apply(x) as T).sum().backward();
    const messages = emit.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('kept on a ctx field'));
    expect(messages.length).toBe(2);
    expect(messages[0]).toContain('Keep: an output of forward kept on a ctx field is never freed');
    expect(messages[0]).toContain('ctx.saveForBackward(output)');
    expect(messages[1]).toContain('KeepSC:');
  });
});
