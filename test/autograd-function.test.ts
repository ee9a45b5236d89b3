// torch.autograd.Function written in JS, compared with PyTorch 2.13's behaviour (values and messages
// checked with .venv/bin/python): saved tensors, double backward, backward twice, markDirty,
// needsInputGrad, inputs and views of inputs returned from forward, bad gradients, and a failing
// apply that must leave the graph as it was.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

type Ctx = torch.FunctionCtx;
type T = torch.Tensor;

class Square extends torch.autograd.Function {
  static override forward(ctx: Ctx, a: T) {
    ctx.saveForBackward(a);
    return a.mul(a);
  }
  static override backward(ctx: Ctx, g: T) {
    return g.mul(ctx.savedTensors[0]!).mul(2);
  }
}

class Exp extends torch.autograd.Function {
  static savedGradFn: string | null = null;
  static savedRequiresGrad = false;
  static override forward(ctx: Ctx, a: T) {
    const y = a.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: Ctx, g: T) {
    const y = ctx.savedTensors[0]!;
    Exp.savedGradFn = y.gradFn?.name() ?? null;
    Exp.savedRequiresGrad = y.requiresGrad;
    return g.mul(y);
  }
}

class Double extends torch.autograd.Function {
  static override forward(_ctx: Ctx, a: T) {
    return a.mul(2);
  }
  static override backward(_ctx: Ctx, g: T) {
    return g.mul(2);
  }
}

const close = (a: T, b: T): void => expect(a.sub(b).abs().max().item()).toBeLessThan(1e-6);

describe('custom autograd.Function', () => {
  it('double backward: backward runs with grad mode on under createGraph and builds a graph', () => {
    const x = torch.tensor([0.5, 1.5, -2], { requiresGrad: true });
    const [g] = torch.autograd.grad((Square.apply(x) as T).sum(), x, { createGraph: true });
    expect(g!.gradFn?.name()).toBe('MulBackward0');
    g!.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
  });

  it('a saved output comes back in backward linked to its own node (PyTorch SavedVariable)', () => {
    const x = torch.tensor([0.5, 1], { requiresGrad: true });
    const [g] = torch.autograd.grad((Exp.apply(x) as T).sum(), x, { createGraph: true });
    expect(Exp.savedGradFn).toBe('ExpBackward');
    expect(Exp.savedRequiresGrad).toBe(true);
    g!.sum().backward(); // d2/dx2 exp(x) = exp(x)
    close(x.grad!, x.detach().exp());
  });

  it('a second backward without retainGraph raises PyTorch\'s error; retainGraph allows it', () => {
    const x = torch.ones(3, { requiresGrad: true });
    const y = (Square.apply(x) as T).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/Trying to backward through the graph a second time \(or directly access saved tensors after they have already been freed\)/);
    const kept = (Square.apply(x) as T).sum();
    kept.backward({ retainGraph: true });
    kept.backward();
    expect(x.grad!.tolist()).toEqual([6, 6, 6]);
    // as in PyTorch, a Function that saved nothing can run backward twice
    const plain = (Double.apply(x) as T).sum();
    plain.backward();
    plain.backward();
  });

  it('saved tensors modified in place are detected, as in PyTorch', () => {
    const x = torch.ones(3, { requiresGrad: true });
    const h = x.mul(1);
    const y = (Square.apply(h) as T).sum();
    torch.noGrad(() => h.add_(1));
    expect(() => y.backward()).toThrow(/one of the variables needed for gradient computation has been modified by an inplace operation/);
  });

  it('ctx.markDirty: an input modified in place is returned as itself with the new node', () => {
    class DoubleInPlace extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: T) {
        a.mul_(2);
        ctx.markDirty(a);
        return a;
      }
      static override backward(_ctx: Ctx, g: T) {
        return g.mul(2);
      }
    }
    const x = torch.ones(3, { requiresGrad: true });
    const w = x.clone();
    const r = DoubleInPlace.apply(w) as T;
    expect(r).toBe(w);
    expect(w.gradFn!.name()).toBe('DoubleInPlaceBackward');
    r.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
    expect(w.tolist()).toEqual([2, 2, 2]);
    // a leaf that requires grad can't be modified in place (forward has run, as in PyTorch)
    expect(() => DoubleInPlace.apply(x)).toThrow('a leaf Variable that requires grad has been used in an in-place operation.');
    class Forgets extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: T, b: T) {
        ctx.markDirty(a, b);
        return a;
      }
      static override backward(_ctx: Ctx, g: T) {
        return [g, null];
      }
    }
    expect(() => Forgets.apply(x.clone(), x.clone())).toThrow(/Some elements marked as dirty during the forward method were not returned as output/);
  });

  it('ctx.needsInputGrad says, per forward argument, whether it is a tensor that requires grad', () => {
    const seen: boolean[][] = [];
    class Scale extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: T, k: number, b: T) {
        seen.push([...ctx.needsInputGrad]);
        return a.mul(k).add(b);
      }
      static override backward(ctx: Ctx, g: T) {
        seen.push([...ctx.needsInputGrad]);
        return [g, null, null];
      }
    }
    const x = torch.ones(3, { requiresGrad: true });
    (Scale.apply(x, 2, torch.ones(3)) as T).sum().backward();
    torch.noGrad(() => Scale.apply(x, 2, torch.ones(3)));
    expect(seen).toEqual([[true, false, false], [true, false, false], [true, false, false]]);
  });

  it('an input returned as-is becomes a new view carrying the node, as in PyTorch', () => {
    class Identity extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: T) {
        return a;
      }
      static override backward(_ctx: Ctx, g: T) {
        return g.mul(2);
      }
    }
    const x = torch.ones(3, { requiresGrad: true });
    const o = Identity.apply(x) as T;
    expect(o).not.toBe(x);
    expect(o.gradFn!.name()).toBe('IdentityBackward');
    expect(x.gradFn).toBeNull();
    // 2.13 names the Function (Identity), 2.11 its node (IdentityBackward)
    expect(() => o.mul_(2)).toThrow(/Output 0 of Identity(Backward)? is a view and is being modified inplace. This view was created inside a custom Function/);
    o.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
  });

  it('a view of an input returned from forward carries the node, as in PyTorch', () => {
    class Head extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: T) {
        return a.narrow(0, 0, 2);
      }
      static override backward(_ctx: Ctx, g: T) {
        return torch.cat([g, torch.zeros(1)]);
      }
    }
    const x = torch.ones(3, { requiresGrad: true });
    const o = Head.apply(x) as T;
    expect(o.gradFn!.name()).toBe('HeadBackward');
    expect(o.requiresGrad).toBe(true);
    o.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1, 0]);
    expect(() => (Head.apply(x) as T).mul_(2)).toThrow(/is a view and is being modified inplace/);
  });

  it('a disposed tensor returned from backward or from a hook is a clear error', () => {
    class DisposedGrad extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: T) {
        return a.mul(2);
      }
      static override backward(_ctx: Ctx, g: T) {
        const r = g.mul(2);
        r.dispose();
        return r;
      }
    }
    const x = torch.ones(3, { requiresGrad: true });
    expect(() => (DisposedGrad.apply(x) as T).sum().backward()).toThrow(/DisposedGradBackward returned a disposed Tensor/);
    const h = x.mul(1);
    h.registerHook((g) => {
      const r = g.mul(1);
      r.dispose();
      return r;
    });
    expect(() => h.sum().backward()).toThrow(/registerHook: the hook returned a disposed Tensor/);
    expect(x.grad).toBeNull();
  });

  it('a gradient for an argument that is not a tensor is an error, as in PyTorch', () => {
    class Scale extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: T, k: number) {
        return a.mul(k);
      }
      static override backward(_ctx: Ctx, g: T) {
        return [g, g];
      }
    }
    const x = torch.ones(3, { requiresGrad: true });
    expect(() => (Scale.apply(x, 2) as T).sum().backward()).toThrow(
      'function ScaleBackward returned a gradient different than None at position 2, but the corresponding forward input was not a Variable',
    );
  });

  it('a failing apply leaves every tensor and the graph as they were', () => {
    const outside = torch.ones(2, { requiresGrad: true });
    let made: T | null = null;
    class ReturnsOutsider extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: T) {
        made = a.mul(2);
        return [made, outside];
      }
      static override backward(_ctx: Ctx, g: T) {
        return g;
      }
    }
    const x = torch.ones(2, { requiresGrad: true });
    expect(() => ReturnsOutsider.apply(x)).toThrow(/requires grad but is not one of its inputs/);
    expect(made!.gradFn).toBeNull();
    expect(made!.requiresGrad).toBe(false);
    expect(outside.isLeaf).toBe(true);

    class DirtyLeafSecond extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: T, b: T) {
        ctx.markDirty(a, b);
        return [a, b];
      }
      static override backward(_ctx: Ctx, g1: T, g2: T) {
        return [g1, g2];
      }
    }
    const w = x.clone();
    expect(() => DirtyLeafSecond.apply(w, x)).toThrow('a leaf Variable that requires grad has been used in an in-place operation.');
    expect(w.gradFn!.name()).toBe('CloneBackward0');
    w.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1]);
  });

  it('ctx.markNonDifferentiable: that output gets no gradient edge', () => {
    class SortValues extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: T) {
        const doubled = a.mul(2);
        const flag = a.gt(0).to({ dtype: torch.float32 });
        ctx.markNonDifferentiable(flag);
        return [doubled, flag];
      }
      static override backward(_ctx: Ctx, g: T, gFlag: T) {
        expect(gFlag.tolist()).toEqual([0, 0]);
        return g.mul(2);
      }
    }
    const x = torch.tensor([1, -1], { requiresGrad: true, dtype: torch.float32 });
    const [doubled, flag] = SortValues.apply(x) as T[];
    expect(flag!.requiresGrad).toBe(false);
    doubled!.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });
});
