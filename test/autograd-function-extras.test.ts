// torch.autograd.Function's newer parts against Python torch 2.13 (test/fixtures/autograd-function-extras.json
// from scripts/make-autograd-function-extras-fixtures.py): the setup_context style, setMaterializeGrads(false),
// and the onceDifferentiable decorator.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';

type T = torch.Tensor;
type Ctx = torch.FunctionCtx;
const fx = JSON.parse(readFileSync(new URL('fixtures/autograd-function-extras.json', import.meta.url), 'utf8')) as {
  x: unknown; w: unknown;
  setup_context: { out: unknown; gx: unknown; gw: unknown; ggx: unknown; grad_fn: string };
  materialize: { seen: Record<'on' | 'off', [boolean, boolean]>; x_grad: unknown };
  once_differentiable: { g1: unknown; g1_requires_grad: boolean; g1_grad_fn: string | null; second_grad: string; second_backward: string; plain: unknown };
};
const exact = (t: T | null | undefined, expected: unknown): string | null => compare(t, expected, { exact: true });
const x = (decode(fx.x) as T).requiresGrad_();
const w = (decode(fx.w) as T).requiresGrad_();
const { Function, onceDifferentiable } = torch.autograd.function;

// out = sin(a) * b * scale, in PyTorch 2's style: forward without ctx, then setupContext.
class MulSin extends Function {
  static override forward(a: T, b: T, scale: number): T {
    return a.sin().mul(b).mul(scale);
  }
  static override setupContext(ctx: Ctx, [a, b, scale]: [T, T, number]): void {
    ctx.saveForBackward(a, b);
    ctx.scale = scale;
  }
  static override backward(ctx: Ctx, g: T): (T | null)[] {
    const [a, b] = ctx.savedTensors as T[];
    const scale = ctx.scale as number;
    return [g.mul(a!.cos()).mul(b!).mul(scale), g.mul(a!.sin()).mul(scale), null];
  }
}

describe('autograd.Function, PyTorch 2 parts', () => {
  it("setupContext: forward gets no ctx; values, gradients and double backward are Python's", () => {
    const out = MulSin.apply(x, w, 3) as T;
    expect(exact(out.detach(), fx.setup_context.out)).toBeNull();
    expect(out.gradFn!.name()).toBe(fx.setup_context.grad_fn);
    const [gx, gw] = torch.autograd.grad(out.sum(), [x, w], { createGraph: true }) as T[];
    expect(exact(gx!.detach(), fx.setup_context.gx)).toBeNull();
    expect(exact(gw!.detach(), fx.setup_context.gw)).toBeNull();
    const [ggx] = torch.autograd.grad(gx!.sum(), [x]);
    expect(exact(ggx!, fx.setup_context.ggx)).toBeNull();
  });

  it('non-Tensor outputs pass through untracked; backward gets null for them (PyTorch 2.13: the same grads)', () => {
    const seen: (number[] | null)[][] = [];
    class Mixed extends Function {
      static override forward(_ctx: Ctx, a: T): unknown[] {
        return [a.mul(2), 5, null, a.mul(3)];
      }
      static override backward(_ctx: Ctx, ...g: (T | null)[]): T {
        seen.push(g.map((t) => (t === null ? null : (t.tolist() as number[]))));
        return g[0]!.mul(2).add(g[3]!.mul(3));
      }
    }
    const a = torch.ones(3).requiresGrad_();
    const [p, five, none, q] = Mixed.apply(a);
    expect([five, none, (p as T).gradFn?.name(), (q as T).gradFn?.name()]).toEqual([5, null, 'MixedBackward', 'MixedBackward']);
    (p as T).sum().add((q as T).sum()).backward();
    // Python: grads (tensor([1., 1., 1.]), None, None, tensor([1., 1., 1.])), then the unused output's materialized as zeros
    expect(a.grad!.tolist()).toEqual([5, 5, 5]);
    a.grad = null;
    (Mixed.apply(a)[0] as T).sum().backward();
    expect(seen).toEqual([[[1, 1, 1], null, null, [1, 1, 1]], [[1, 1, 1], null, null, [0, 0, 0]]]);
    expect(a.grad!.tolist()).toEqual([2, 2, 2]);
    class OnlyNumber extends Function {
      static override forward(_ctx: Ctx, a: T): number { return a.sum().item(); }
    }
    expect(OnlyNumber.apply(a)).toBe(3); // Python returns the number as it is
  });

  it('setMaterializeGrads(false): the unused output\'s gradient is null, as in Python', () => {
    const seen: Record<string, boolean[]> = {};
    class Split extends Function {
      static override forward(ctx: Ctx, a: T, materialize: boolean): T[] {
        ctx.setMaterializeGrads(materialize);
        ctx.mark = materialize ? 'on' : 'off';
        return [a.mul(2), a.mul(3)];
      }
      static override backward(ctx: Ctx, g1: T | null, g2: T | null): (T | null)[] {
        seen[ctx.mark as string] = [g1 === null, g2 === null];
        let total = torch.zerosLike(x);
        if (g1) total = total.add(g1.mul(2));
        if (g2) total = total.add(g2.mul(3));
        return [total, null];
      }
    }
    for (const materialize of [true, false]) (Split.apply(x, materialize) as T[])[0]!.sum().backward();
    expect(seen).toEqual(fx.materialize.seen);
    expect(exact(x.grad, fx.materialize.x_grad)).toBeNull();
    x.grad = null;
    // Python: ctx.set_materialize_grads(False) in backward is allowed (it only sets an attribute) and changes nothing there
    class Late extends Function {
      static override forward(_ctx: Ctx, a: T): T { return a.mul(1); }
      static override backward(ctx: Ctx, g: T): T { ctx.setMaterializeGrads(false); return g; }
    }
    (Late.apply(x) as T).sum().backward();
    expect(x.grad!.tolist()).toEqual(torch.onesLike(x).tolist());
    x.grad = null;
  });

  it('onceDifferentiable: first derivatives as Python; a second one fails with Python\'s errors', () => {
    class Cube extends Function {
      static override forward(ctx: Ctx, a: T): T {
        ctx.saveForBackward(a);
        return a.pow(3);
      }
      static override backward = onceDifferentiable((ctx: Ctx, g: T): T => g.mul(3).mul((ctx.savedTensors[0] as T).pow(2)));
    }
    const o = fx.once_differentiable;
    expect(exact(torch.autograd.grad((Cube.apply(x) as T).sum(), [x])[0]!, o.plain)).toBeNull();
    const c = Cube.apply(x) as T;
    const [g1] = torch.autograd.grad(c.mul(c).sum(), [x], { createGraph: true }) as T[];
    expect(exact(g1!.detach(), o.g1)).toBeNull();
    expect([g1!.requiresGrad, g1!.gradFn?.name() ?? null]).toEqual([o.g1_requires_grad, o.g1_grad_fn]);
    expect(() => torch.autograd.grad(g1!.sum(), [x], { retainGraph: true })).toThrow(o.second_grad);
    expect(() => g1!.sum().backward()).toThrow(o.second_backward);
    expect(() => onceDifferentiable(3 as never)).toThrow(TypeError);
  });
});
