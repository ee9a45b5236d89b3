// Anomaly mode: an error raised by backward names the JS stack of the forward call that created the
// failing node (Python prints the forward traceback; here it is part of the error).
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { warningsOf } from './warnings-of.js';

function forwardThatMakesNaNGradient(x: torch.Tensor): torch.Tensor {
  return x.sqrt().mul(0);
}

class Fails extends torch.autograd.Function {
  static override forward(_ctx: torch.FunctionCtx, a: torch.Tensor) {
    return a.mul(2);
  }
  static override backward(): torch.Tensor {
    throw new RangeError('backward failed');
  }
}

describe('autograd anomaly detection', () => {
  it('a NaN gradient names the failing node and the forward call that created it', () => {
    const x = torch.zeros(1, { requiresGrad: true });
    let message = '';
    torch.autograd.detectAnomaly(() => {
      const y = forwardThatMakesNaNGradient(x);
      try {
        y.backward();
      } catch (e) {
        message = (e as Error).message;
      }
    });
    expect(message).toMatch(/^backward: Function 'SqrtBackward0' returned nan values in its 0th output\./);
    expect(message).toContain('Error detected in SqrtBackward0. Traceback of forward call that caused the error:');
    expect(message).toMatch(/at forwardThatMakesNaNGradient .*autograd-anomaly\.test\.ts/);
    expect(torch.autograd.isAnomalyEnabled()).toBe(false);
  });

  it('an error thrown by a JS backward carries the forward stack of its Function', () => {
    function callFails(a: torch.Tensor): torch.Tensor {
      return Fails.apply(a) as torch.Tensor;
    }
    const x = torch.ones(2, { requiresGrad: true });
    let error: unknown;
    torch.autograd.detectAnomaly(() => {
      try {
        callFails(x).sum().backward();
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/^backward failed\n\nError detected in FailsBackward\. Traceback of forward call that caused the error:\n.*at callFails /s);
  });

  it('a node made in a double backward also names the forward call that induced it', () => {
    const x = torch.tensor([0], { requiresGrad: true, dtype: torch.float64 });
    let message = '';
    torch.autograd.detectAnomaly(() => {
      const [g] = torch.autograd.grad(x.pow(3).sum(), x, { createGraph: true });
      try {
        g!.sqrt().mul(0).sum().backward(); // SqrtBackward0 of the gradient: nan
      } catch (e) {
        message = (e as Error).message;
      }
    });
    expect(message).toContain("Function 'SqrtBackward0' returned nan values");
    expect(message).toContain('Error detected in SqrtBackward0');
  });

  it('without anomaly mode the message is the plain engine error', () => {
    expect(() => (Fails.apply(torch.ones(1, { requiresGrad: true })) as torch.Tensor).sum().backward()).toThrow(/^backward failed$/);
  });
});

describe('anomaly mode checkNan (torch.autograd.set_detect_anomaly(mode, check_nan), detect_anomaly(check_nan=...))', () => {
  class NanBackward extends torch.autograd.Function {
    static override forward(_ctx: torch.FunctionCtx, a: torch.Tensor) {
      return a.mul(2);
    }
    static override backward(_ctx: torch.FunctionCtx, g: torch.Tensor): torch.Tensor {
      return g.mul(NaN);
    }
  }
  const A = torch.autograd;
  const state = () => [A.isAnomalyEnabled(), A.isAnomalyCheckNanEnabled()];

  it('setDetectAnomaly(true, false) turns anomaly mode on without the NaN check, as Python', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    A.setDetectAnomaly(true, false);
    try {
      expect(state()).toEqual([true, false]);
      (NanBackward.apply(x) as torch.Tensor).sum().backward();   // Python: no error, the gradient is NaN
      expect((x.grad as torch.Tensor).isnan().all().item()).toBe(true);
    } finally {
      A.setDetectAnomaly(false);
    }
    expect(state()).toEqual([false, true]);
  });

  it('detectAnomaly({ checkNan }, fn) restores both switches on exit, nested as Python', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const seen: boolean[][] = [];
    A.detectAnomaly({ checkNan: false }, () => {
      seen.push(state());
      (NanBackward.apply(x) as torch.Tensor).sum().backward();
      A.detectAnomaly(() => {
        seen.push(state());
        expect(() => (NanBackward.apply(x) as torch.Tensor).sum().backward()).toThrow("Function 'NanBackwardBackward' returned nan values in its 0th output.");
      });
      seen.push(state());
    });
    seen.push(state());
    expect(seen).toEqual([[true, false], [true, true], [true, false], [false, true]]);
    expect(() => A.detectAnomaly({ checkNan: 1 as never }, () => 0)).toThrow('checkNan must be a boolean');
  });

  it("detectAnomaly warns on entry, as Python's detect_anomaly (checked with Python 2.13); setDetectAnomaly does not", () => {
    const message = 'Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.';
    expect(warningsOf(() => A.detectAnomaly(() => 0))).toEqual([['UserWarning', message]]);
    expect(warningsOf(() => { A.setDetectAnomaly(true); A.setDetectAnomaly(false); })).toEqual([]);
  });
});
