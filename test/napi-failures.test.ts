// A Node-API call that fails inside the autograd engine (issue 8 item 4): the engine catches only
// std::exception, so the native error types must reach backward's caller as that JS error, never
// kill the process. The public API hands native code only clean arrays of handles (lib/function.ts
// and lib/tensor.ts convert in JS), so these tests give the native layer raw callbacks directly.
//
// What no test can reach: js_callbacks.cc InEngine also catches NapiFailed, thrown by the raw
// Node-API calls of WrapTensor (napi_create_external, napi_type_tag_object) when they fail. Inside
// the engine they fail only when the env already holds a caught JS exception or can no longer run
// JS (a worker being terminated); every JS call made inside the engine goes through
// Napi::FunctionReference::Call, which takes any exception out of the env at once (Napi::Error),
// so from JS the first state is never there, and in the second no caller is left to see the error.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { Tensor, toHandle } from '../lib/tensor.js';

// A JS autograd node with a raw backward (gradOutputs, saved) -> gradient handles: y = 2x.
function rawFunction(backward: (grads: unknown[], saved: unknown) => unknown): { x: torch.Tensor; y: torch.Tensor } {
  const x = torch.ones(3, { requiresGrad: true });
  const out = torch.noGrad(() => x.mul(2));
  const replaced = native.attachFunction('RawBackward', [toHandle(x, 'x')], [toHandle(out, 'out')], [], [], [],
    backward as Parameters<typeof native.attachFunction>[6]);
  return { x, y: replaced[0] ? new Tensor(replaced[0]) : out };
}

describe('a failing Node-API call inside backward', () => {
  it('reading a gradient whose getter throws: backward throws that very error, and autograd still works', () => {
    const boom = new Error('the gradient getter failed');
    const { x, y } = rawFunction(() => {
      const grads: unknown[] = [null];
      Object.defineProperty(grads, 0, { get() { throw boom; } }); // napi_get_element fails in CallBackward
      return grads;
    });
    let caught: unknown;
    try {
      y.sum().backward();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(x.grad).toBeNull();
    // The engine and the env are usable afterwards.
    const z = torch.ones(3, { requiresGrad: true });
    z.mul(3).sum().backward();
    expect(z.grad!.tolist()).toEqual([3, 3, 3]);
  });

  it('a gradient list that is not an array (a Proxy) is a clean error naming the node', () => {
    const { y } = rawFunction((grads) => new Proxy(grads as unknown[], {}));
    expect(() => y.sum().backward()).toThrow(/RawBackward returned an incorrect number of gradients/);
  });
});
