// A step that fails leaves every parameter and the state as they were: a parameter whose grad no longer
// matches it (through `.data`) is found before any update, and a group option of a wrong type is named.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

const { Parameter } = torch.nn;

describe('optimizer.step atomicity', () => {
  // Python 2.13 updates `a`, keeps its state, then fails on `b` (half a step). The clean step here:
  // a = Parameter(torch.ones(2)); b = Parameter(torch.ones(2)); a.grad = torch.ones(2); b.grad = torch.ones(2)
  // opt = torch.optim.Adam([a, b], lr=0.1, foreach=False); opt.step()
  // print(a.tolist(), opt.state[a]['step'].item(), opt.state[a]['exp_avg'].tolist())
  //   -> [0.9000000357627869, 0.9000000357627869] 1.0 [0.10000000149011612, 0.10000000149011612]
  for (const kind of ['Adam', 'AdamW', 'NAdam', 'RAdam', 'Adamax', 'SGD'] as const) {
    it(`${kind}: a parameter whose dtype left its grad's fails the step before anything changes`, () => {
      const a = new Parameter(torch.ones(2)), b = new Parameter(torch.ones(2));
      a.grad = torch.ones(2); b.grad = torch.ones(2);
      b.data = torch.ones(2, { dtype: torch.float64 });
      const opt = new torch.optim[kind]([a, b], { lr: 0.1, foreach: false });
      expect(() => opt.step()).toThrow(/params\[1\] is Double cpu \[2\] but its grad is Float cpu \[2\].*nothing was updated/);
      expect([a.tolist(), opt.state.get(a)]).toEqual([[1, 1], undefined]);
      b.data = torch.ones(2);
      opt.step();
      if (kind === 'Adam') {
        expect(a.tolist()).toEqual([0.9000000357627869, 0.9000000357627869]);
        const s = opt.state.get(a)!;
        expect([(s.step as torch.Tensor).item(), (s.exp_avg as torch.Tensor).tolist()]).toEqual([1, [0.10000000149011612, 0.10000000149011612]]);
      }
    });
  }

  it('names a group option of the wrong type (Python: bad operand type for unary -)', () => {
    const p = new Parameter(torch.ones(2));
    p.grad = torch.ones(2);
    const opt = new torch.optim.Adam([p], { lr: 0.1, foreach: false });
    (opt.paramGroups[0] as Record<string, unknown>).lr = 'abc';
    expect(() => opt.step()).toThrow(/lr must be a number or a Tensor/);
    expect([p.tolist(), opt.state.get(p)]).toEqual([[1, 1], undefined]);
  });
});
