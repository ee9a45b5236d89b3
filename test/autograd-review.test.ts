// Review fixes against Python torch 2.13: graph-node hook replacements checked as Python's check_result,
// gradcheck / gradgradcheck with non-Tensor inputs and Python's input errors, setDetectAnomaly's scoped form,
// saveOnCpu's deviceType, jacobian's strict forward mode and empty outputs, post-accumulate-grad hook results.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

const f32 = (): torch.Tensor => torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
const f64 = (): torch.Tensor => torch.tensor([0.5, -1.25, 2.0], { dtype: torch.float64, requiresGrad: true });

describe('Node.registerHook / registerPrehook replacements', () => {
  // x = torch.tensor([1., 2, 3], requires_grad=True); w = x.clone().detach().requires_grad_()
  // o = x * w; o.grad_fn.register_prehook(lambda g: (torch.ones(1),)); o.backward(torch.ones(3))
  //   RuntimeError: hook '<lambda>' has changed the size of value
  // def myhook(g): return (torch.ones(1),)  ... register_prehook(myhook)  -> hook 'myhook' has changed the size of value
  // (an unnamed JS function is '<anonymous>' where Python says '<lambda>', as the Tensor hook check names it)
  it('a replacement of another size throws, naming the hook', () => {
    const x = f32(), w = x.detach().clone().requiresGrad_();
    const o = x.mul(w);
    o.gradFn!.registerPrehook(() => [torch.ones(1)]);
    expect(() => o.backward(torch.ones(3))).toThrow("hook '<anonymous>' has changed the size of value");
    const o2 = x.mul(w);
    o2.gradFn!.registerPrehook(function myhook() { return [torch.ones(1)]; });
    expect(() => o2.backward(torch.ones(3))).toThrow("hook 'myhook' has changed the size of value");
    expect(x.grad).toBeNull();
  });

  // o = x * w; o.grad_fn.register_hook(lambda gi, go: (torch.ones(3, dtype=torch.float64), None)); o.backward(torch.ones(3))
  //   RuntimeError: hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)
  it('a replacement of another dtype throws', () => {
    const x = f32(), w = x.detach().clone().requiresGrad_();
    const o = x.mul(w);
    o.gradFn!.registerHook(() => [torch.ones(3, { dtype: torch.float64 }), null]);
    expect(() => o.backward(torch.ones(3))).toThrow("hook '<anonymous>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)");
    expect(x.grad).toBeNull();
  });

  // o = (x * 3).sum(); o.grad_fn.next_functions[0][0].register_hook(lambda gi, go: (gi[0], torch.ones(3))); o.backward()
  //   RuntimeError: can't replace a None gradient with a non-None value
  // o = x * w; o.grad_fn.register_prehook(lambda g: (None,)); o.backward(torch.ones(3)); x.grad  -> None
  it('a Tensor in place of a None gradient throws; null in place of a Tensor is taken', () => {
    const x = f32();
    const o = x.mul(3).sum();
    o.gradFn!.nextFunctions[0]![0]!.registerHook((gi) => [gi[0]!, torch.ones(3)]);
    expect(() => o.backward()).toThrow("can't replace a None gradient with a non-None value");
    const w = x.detach().clone().requiresGrad_();
    const o2 = x.mul(w);
    o2.gradFn!.registerPrehook(() => [null]);
    o2.backward(torch.ones(3));
    expect(x.grad).toBeNull();
  });
});

describe('gradcheck and gradgradcheck with non-Tensor inputs', () => {
  // x = torch.tensor([0.5, -1.25, 2.0], dtype=torch.float64, requires_grad=True)
  // gradcheck(lambda a, k: a * k, (x, 2))  -> True
  // gradcheck(lambda a, k: a * k, (x, 2), check_forward_ad=True, fast_mode=True, check_batched_forward_grad=True)  -> True
  // gradcheck(lambda s, a: a.pow(3) if s == 'cube' else a, ('cube', x), check_batched_grad=True)  -> True
  // gradgradcheck(lambda a, k: a.pow(k), (x, 3))  -> True
  // gradgradcheck(lambda a, k: a.pow(k), (x, 3), check_fwd_over_rev=True)  -> True
  // z = torch.tensor([1+2j, -0.5+0.25j], dtype=torch.complex128, requires_grad=True)
  // gradcheck(lambda a, k: a * k, (z, 2), check_forward_ad=True)  -> True
  it('passes them to fn unchanged', () => {
    const x = f64();
    expect(torch.autograd.gradcheck((a, k) => a.mul(k), [x, 2])).toBe(true);
    expect(torch.autograd.gradcheck((a, k) => a.mul(k), [x, 2], { checkForwardAd: true, fastMode: true, checkBatchedForwardGrad: true })).toBe(true);
    expect(torch.autograd.gradcheck((s, a) => (s === 'cube' ? a.pow(3) : a), ['cube', x], { checkBatchedGrad: true })).toBe(true);
    expect(torch.autograd.gradgradcheck((a, k) => a.pow(k), [x, 3])).toBe(true);
    expect(torch.autograd.gradgradcheck((a, k) => a.pow(k), [x, 3], { checkFwdOverRev: true })).toBe(true);
    const z = torch.viewAsComplex(torch.tensor([[1, 2], [-0.5, 0.25]], { dtype: torch.float64 })).detach().requiresGrad_();
    expect(torch.autograd.gradcheck((a, k) => a.mul(k), [z, 2], { checkForwardAd: true })).toBe(true);
  });

  // class WrongGrad(Function): forward(ctx, a, k): return a * k; backward(ctx, g): return g, None
  // gradcheck(lambda a, k: WrongGrad.apply(a, k), (x, 2), raise_exception=False)  -> False
  it('still finds a wrong gradient', () => {
    class WrongGrad extends torch.autograd.Function {
      static override forward(_ctx: torch.FunctionCtx, a: torch.Tensor, k: number): torch.Tensor {
        return a.mul(k);
      }
      static override backward(_ctx: torch.FunctionCtx, g: torch.Tensor): [torch.Tensor, null] {
        return [g, null];
      }
    }
    expect(torch.autograd.gradcheck((a, k) => WrongGrad.apply(a, k) as torch.Tensor, [f64(), 2], { raiseException: false })).toBe(false);
  });

  // gradcheck(lambda a, k: a * k, (x.detach(), 2)) / gradgradcheck(lambda a: a.pow(3), (x.detach(),))
  //   ValueError: gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True.
  // e = torch.tensor([1.0], dtype=torch.float64).expand(3).requires_grad_(); gradcheck(lambda a, b: a * b, (x, e))
  //   RuntimeError: The 1th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.
  it("throws Python's errors for inputs it cannot check", () => {
    const none = 'gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True.';
    expect(() => torch.autograd.gradcheck((a, k) => a.mul(k), [f64().detach(), 2])).toThrow(none);
    expect(() => torch.autograd.gradgradcheck((a) => a.pow(3), [f64().detach()])).toThrow(none);
    const expanded = torch.tensor([1], { dtype: torch.float64 }).expand(3).requiresGrad_();
    expect(() => torch.autograd.gradcheck((a, b) => a.mul(b), [f64(), expanded])).toThrow(
      'The 1th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.');
  });
});

describe('setDetectAnomaly with fn', () => {
  // seen = []
  // with torch.autograd.set_detect_anomaly(True, check_nan=False): seen.append((torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()))
  // seen.append(...)
  // try:
  //     with torch.autograd.set_detect_anomaly(True): seen.append(...); raise RuntimeError('inside')
  // except RuntimeError: pass
  // seen.append(...)
  // seen  -> [(True, False), (False, True), (True, True), (False, True)]
  it('sets both switches while fn runs and restores them after, also when fn throws', () => {
    const state = (): [boolean, boolean] => [torch.autograd.isAnomalyEnabled(), torch.autograd.isAnomalyCheckNanEnabled()];
    const seen: [boolean, boolean][] = [];
    expect(torch.autograd.setDetectAnomaly(true, false, () => seen.push(state()))).toBe(1);
    seen.push(state());
    expect(() => torch.autograd.setDetectAnomaly(true, () => {
      seen.push(state());
      throw new Error('inside');
    })).toThrow('inside');
    seen.push(state());
    expect(seen).toEqual([[true, false], [false, true], [true, true], [false, true]]);
  });
});

describe('graph.saveOnCpu deviceType', () => {
  const savedOnCpu = (options: Parameters<typeof torch.autograd.graph.saveOnCpu>[0]): number[] => {
    const x = f32();
    const y = torch.autograd.graph.saveOnCpu(options as { deviceType: string }, () => x.mul(x).sin().sum());
    y.backward();
    return x.grad!.tolist() as number[];
  };
  // x = torch.tensor([1., 2., 3.], requires_grad=True)
  // with torch.autograd.graph.save_on_cpu(device_type='cuda'): y = (x * x).sin().sum()
  // y.backward(); x.grad.tolist()  -> [1.0806046724319458, -2.614574432373047, -5.4667816162109375]
  // (the same with pin_memory=True, device_type='cuda'); device_type=5 -> TypeError: attribute name must be string, not 'int'
  it("takes Python's device_type", () => {
    const expected = [1.0806046724319458, -2.614574432373047, -5.4667816162109375];
    expect(savedOnCpu({ deviceType: 'cuda' })).toEqual(expected);
    expect(savedOnCpu({ pinMemory: true, deviceType: 'cuda' })).toEqual(expected);
    expect(() => savedOnCpu({ deviceType: 5 as unknown as string })).toThrow(new TypeError("attribute name must be string, not 'int'"));
  });

  // with torch.autograd.graph.save_on_cpu(pin_memory=True, device_type='cpu'): y = (x * x).sin().sum()   (a CPU-only build)
  //   RuntimeError: pin_memory=True requires a CUDA or other accelerator backend; no pinned memory allocator is available on this system.
  it.skipIf(torch.cuda.isAvailable())("pins for deviceType 'cpu' (torch.cpu is available), which fails without an accelerator", () => {
    expect(() => savedOnCpu({ pinMemory: true, deviceType: 'cpu' })).toThrow('pin_memory=True requires a CUDA or other accelerator backend; no pinned memory allocator is available on this system.');
  });
});

describe('autograd.functional.jacobian', () => {
  const x = (): torch.Tensor => torch.tensor([1, 2, 3], { dtype: torch.float32 });
  // jacobian(lambda a: a * 2, x, strict=True, vectorize=True, strategy='forward-mode')   (and without vectorize)
  //   RuntimeError: torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.
  it('refuses strict with forward mode before the vectorize checks', () => {
    const message = 'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.';
    expect(() => torch.autograd.functional.jacobian((a) => a.mul(2), x(), { strict: true, vectorize: true, strategy: 'forward-mode' })).toThrow(message);
    expect(() => torch.autograd.functional.jacobian((a) => a.mul(2), x(), { strict: true, strategy: 'forward-mode' })).toThrow(message);
  });

  // x = torch.tensor([1., 2., 3.])
  // jacobian(lambda a: a[:0], x) / jacobian(lambda a: (a * 2, a[:0]), x)  -> RuntimeError: stack expects a non-empty TensorList
  // jacobian(lambda a: a[:0], x, vectorize=True)  -> IndexError: index 0 is out of bounds for dimension 0 with size 0
  // r = jacobian(lambda a: (a * 2, a[:0].double()), x, vectorize=True)
  //   r[0].tolist() -> [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]; r[1].shape, r[1].dtype -> torch.Size([0, 3]) torch.float32
  // (strategy='forward-mode': the same, r[1].dtype -> torch.float64)
  it('of an output without elements: an error without vectorize, an empty block with it', () => {
    const J = torch.autograd.functional.jacobian;
    expect(() => J((a) => a.narrow(0, 0, 0), x())).toThrow('stack expects a non-empty TensorList');
    expect(() => J((a) => [a.mul(2), a.narrow(0, 0, 0)], x())).toThrow('stack expects a non-empty TensorList');
    expect(() => J((a) => a.narrow(0, 0, 0), x(), { vectorize: true })).toThrow(new RangeError('index 0 is out of bounds for dimension 0 with size 0'));
    for (const [strategy, dtype] of [['reverse-mode', torch.float32], ['forward-mode', torch.float64]] as const) {
      const [full, empty] = J((a) => [a.mul(2), a.narrow(0, 0, 0).double()], x(), { vectorize: true, strategy }) as torch.Tensor[];
      expect(full!.tolist()).toEqual([[2, 0, 0], [0, 2, 0], [0, 0, 2]]);
      expect([empty!.shape, empty!.dtype]).toEqual([[0, 3], dtype]);
    }
  });
});

describe('registerPostAccumulateGradHook results', () => {
  const gradWith = (hook: (t: torch.Tensor) => void): unknown => {
    const y = f32();
    y.registerPostAccumulateGradHook(hook);
    y.mul(2).sum().backward();
    return y.grad!.tolist();
  };
  // y = torch.tensor([1., 2, 3], requires_grad=True); y.register_post_accumulate_grad_hook(h); (y * 2).sum().backward()
  //   h = lambda t: t.detach() -> RuntimeError: Tensor post accumulate grad hooks should return None.
  //   h = lambda t: t -> y.grad: tensor([2., 2., 2.])
  //   h = lambda t: 5 -> TypeError: expected Variable, but hook returned 'int'; here ignored, as the value of a JS arrow body
  it("throws Python's error for a returned Tensor other than the argument", () => {
    expect(() => gradWith((t) => t.detach())).toThrow('Tensor post accumulate grad hooks should return None.');
    expect(() => gradWith((t) => t.detach())).not.toThrow(TypeError);   // Python's RuntimeError
    expect(gradWith(() => 5)).toEqual([2, 2, 2]);
    expect(gradWith((t) => t)).toEqual([2, 2, 2]);
    expect(gradWith(() => undefined)).toEqual([2, 2, 2]);
  });
});
