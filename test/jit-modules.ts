// JS modules and functions that scripts/make-node-jit.ts traces into test/fixtures/jit/node_*.pt
// (Python runs those files: scripts/make-jit-fixtures.py --check-node) and test/jit.test.ts traces
// again, so both sides of the Node -> Python direction use one definition.
import * as torch from '../lib/index.js';

/** A two-level nn.Module: Parameters, a buffer, a submodule. */
class Inner extends torch.nn.Module {
  w = new torch.nn.Parameter(torch.randn(2, 3));
  override forward(h: torch.Tensor): torch.Tensor {
    return torch.tanh(h.matmul(this.w.t()));
  }
}

export class Mlp extends torch.nn.Module {
  weight = new torch.nn.Parameter(torch.randn(3, 4));
  bias = new torch.nn.Parameter(torch.zeros(3));
  declare scale: torch.Tensor;
  inner: Inner;
  constructor() {
    super();
    this.registerBuffer('scale', torch.tensor([2.0], { dtype: torch.float32 }));
    this.inner = new Inner();
  }
  override forward(x: torch.Tensor, y: torch.Tensor): [torch.Tensor, torch.Tensor] {
    const h = torch.relu(x.matmul(this.weight.t()).add(this.bias));
    return [this.inner.call(h).mul(this.scale), y.sum().mul(0.5)];
  }
}

/** A plain function with a dict output (traced with strict: false, as Python requires). */
export function mix(a: torch.Tensor, b: torch.Tensor): Record<string, torch.Tensor> {
  return { sum: a.add(b), prod: a.mul(b).sin() };
}

/** The seeded modules and inputs, the same on every run. */
export function jitCases(): { mlp: Mlp; mlpInputs: [torch.Tensor, torch.Tensor]; mixInputs: [torch.Tensor, torch.Tensor] } {
  torch.manualSeed(7);
  const mlp = new Mlp();
  const mlpInputs: [torch.Tensor, torch.Tensor] = [torch.randn(5, 4), torch.randn(3)];
  const mixInputs: [torch.Tensor, torch.Tensor] = [torch.randn(2, 3), torch.randn(2, 3)];
  return { mlp, mlpInputs, mixInputs };
}
