// The public typings accept what Python and the runtime accept (a typings review): torch.load's Any result,
// torch.func's transforms typed from their function, optimizer param groups and step's closure result, DataLoader's collateFn, item()'s number.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';

import * as torch from '../lib/index.js';

type Tensor = torch.Tensor;
// x = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64); cos(x) is every transform's answer below:
// print(torch.func.grad(lambda a: a.sin().sum())(x).tolist()) -> [0.8775825618903728, 0.5403023058681398, -0.4161468365471424]
const COS = [0.8775825618903728, 0.5403023058681398, -0.4161468365471424];
const x = () => torch.tensor([0.5, 1.0, 2.0], { dtype: torch.float64 });

describe('typings review', () => {
  it('torch.load is typed any (Python Any), so its result loads into a module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'typings-'));
    try {
      const net = new torch.nn.Linear(2, 1);
      torch.save(net.stateDict(), join(dir, 'net.pt'));
      const other = new torch.nn.Linear(2, 1);
      other.loadStateDict(torch.load(join(dir, 'net.pt')));
      expect(other.weight.tolist()).toEqual(net.weight.tolist());
      expectTypeOf(torch.load<{ a: number }>).returns.toEqualTypeOf<{ a: number }>();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('torch.func transforms take and return what their function does', () => {
    // p, t = torch.func.jvp(lambda a: a.sin(), (x,), (torch.ones(3),)); t.tolist() -> COS
    const [out, tangent] = torch.func.jvp((a) => a.sin(), [x()], [torch.onesLike(x())]);
    expectTypeOf(out).toEqualTypeOf<Tensor>();
    expect(tangent.tolist()).toEqual(COS);
    const g = torch.func.grad((a: Tensor) => a.sin().sum())(x());
    expectTypeOf(g).toEqualTypeOf<Tensor>();
    expect(g.tolist()).toEqual(COS);
    // o, f = torch.func.vjp(lambda a: a.sin(), x); f(torch.ones(3))[0].tolist() -> COS
    const [o, vjpFn] = torch.func.vjp((a: Tensor) => a.sin(), x());
    expectTypeOf(o).toEqualTypeOf<Tensor>();
    const [gx] = vjpFn(torch.onesLike(o));
    expect(gx.tolist()).toEqual(COS);
    expectTypeOf(torch.func.jacfwd((a) => a.sin().mul(a.sum()))).returns.toEqualTypeOf<Tensor>();
    expectTypeOf(torch.func.jacrev((a: Tensor) => a.sin())).returns.toEqualTypeOf<Tensor>();
    expectTypeOf(torch.func.hessian((a: Tensor, b: Tensor) => a.mul(b).sum(), [0, 1])).returns.toEqualTypeOf<Tensor[]>();
    expectTypeOf(torch.func.grad((a: Tensor) => [a.sum(), a], 0, { hasAux: true })).returns.toEqualTypeOf<[Tensor, unknown]>();
    const lin = new torch.nn.Linear(3, 2);
    expectTypeOf(torch.func.functionalCall(lin, Object.fromEntries(lin.namedParameters()), [x().float()])).toEqualTypeOf<Tensor>();
  });

  it('param groups read and write lr as a number; step returns its closure result', () => {
    // opt = torch.optim.SGD([w], lr=0.1); for g in opt.param_groups: g['lr'] *= 0.5
    // print(opt.param_groups[0]['lr'], opt.step(lambda: 7)) -> 0.05 7
    const opt = new torch.optim.SGD([new torch.nn.Parameter(torch.ones(2))], { lr: 0.1 });
    for (const g of opt.paramGroups) g.lr *= 0.5;
    expect(opt.paramGroups[0]!.lr).toBe(0.05);
    const loss = opt.step(() => 7);
    expectTypeOf(loss).toEqualTypeOf<number>();
    expect(loss).toBe(7);
    expectTypeOf(opt.step()).toEqualTypeOf<undefined>();
  });

  it("DataLoader's collateFn gets the dataset's items and makes the batch type", () => {
    const ds = new torch.data.TensorDataset(torch.arange(5));
    const loader = new torch.data.DataLoader(ds, { batchSize: 2, collateFn: (items) => items.length });
    expectTypeOf(loader).toEqualTypeOf<torch.data.DataLoader<number, Tensor[]>>();
    expect([...loader]).toEqual([2, 2, 1]);
  });

  // Python: nn.MaxPool2d(2, 2)(torch.ones(1, 1, 4, 4)).shape -> torch.Size([1, 1, 2, 2]) (a Tensor, the CIFAR tutorial's self.pool(...));
  // nn.MaxPool2d(2, return_indices=True)(x) -> (values, indices)
  it('max pooling layers return a Tensor, or [values, indices] when built with returnIndices true', () => {
    const input = torch.ones(1, 1, 4, 4);
    const pooled: Tensor = new torch.nn.MaxPool2d(2, 2).call(input);
    expect(pooled.shape).toEqual([1, 1, 2, 2]);
    const [values, indices] = new torch.nn.MaxPool2d(2, { returnIndices: true }).call(input);
    expect([values.shape, indices.dtype]).toEqual([[1, 1, 2, 2], torch.int64]);
    expectTypeOf(new torch.nn.MaxPool2d(2, 2, 0, 1, true).call(input)).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(new torch.nn.AdaptiveMaxPool2d(1).call(input)).toEqualTypeOf<Tensor>();
    expectTypeOf(new torch.nn.AdaptiveMaxPool2d(1, true).call(input)).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(new torch.nn.FractionalMaxPool2d(2, { outputSize: 2 }).call(input)).toEqualTypeOf<Tensor>();
    const flag = Math.random() < 2;
    expectTypeOf(new torch.nn.MaxPool1d({ kernelSize: 2, returnIndices: flag }).call(torch.ones(1, 4))).toEqualTypeOf<Tensor | [Tensor, Tensor]>();
  });
  it('item() is a number without a cast, as Python sums item()s; a bool tensor gives a boolean, typed when asked', () => {
    // x = torch.tensor([0.5, 1.5], dtype=torch.float64); total = 0.0
    // for v in x: total += (v * 2).sum().item()
    // print(total, (x > 1).any().item()) -> 4.0 True
    const t = torch.tensor([0.5, 1.5], { dtype: torch.float64 });
    let total = 0;
    for (const v of t) total += v.mul(2).sum().item();
    const any = t.gt(1).any().item<boolean>();
    expect([total, any]).toEqual([4, true]);
    expectTypeOf(t.sum().item()).toEqualTypeOf<number>();
    expectTypeOf(any).toEqualTypeOf<boolean>();
  });
});
