// JS modules and functions that scripts/make-node-jit.ts traces into test/fixtures/jit/node_*.pt
// (Python runs those files: scripts/make-jit-fixtures.py --check-node) and test/jit.test.ts traces
// again, so both sides of the Node -> Python direction use one definition.
import * as torch from '../lib/index.js';

/** A two-level JS module: parameters (tensors requiring grad), a buffer, a submodule. */
class Inner {
  w: torch.Tensor;
  constructor() {
    this.w = torch.randn(2, 3).requiresGrad_();
  }
  forward(h: torch.Tensor): torch.Tensor {
    return torch.tanh(h.matmul(this.w.t()));
  }
}

export class Mlp {
  weight: torch.Tensor;
  bias: torch.Tensor;
  scale: torch.Tensor;
  inner: Inner;
  constructor() {
    this.weight = torch.randn(3, 4).requiresGrad_();
    this.bias = torch.zeros(3).requiresGrad_();
    this.scale = torch.tensor([2.0], { dtype: torch.float32 });
    this.inner = new Inner();
  }
  forward(x: torch.Tensor, y: torch.Tensor): [torch.Tensor, torch.Tensor] {
    const h = torch.relu(x.matmul(this.weight.t()).add(this.bias));
    return [this.inner.forward(h).mul(this.scale), y.sum().mul(0.5)];
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
