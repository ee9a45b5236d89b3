// Module hooks where they differed from PyTorch 2.13: alwaysCall forward hooks when something throws,
// full backward hooks whose gradient skipped the module's outputs, the state_dict post-hook's return,
// registerModuleForwardHook's withKwargs, and the backward hooks' wrong-length errors. Every expected
// value and message was checked by hand against Python 2.13 (the snippet is beside each case).
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '../lib/index.js';

const { nn } = torch;

class M extends nn.Module {
  constructor(readonly fail = false) { super(); }
  override forward(x: torch.Tensor): torch.Tensor {
    if (this.fail) throw new Error('forward boom');
    return x.mul(2);
  }
}
const thrower = (msg: string) => (): never => { throw new Error(msg); };

// The UserWarnings (process.emitWarning) a function gives, with its result.
function warnings<T>(fn: () => T): { result: T; warned: string[] } {
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    const result = fn();
    return { result, warned: spy.mock.calls.filter(([, c]) => (c as unknown) === 'UserWarning').map(([m]) => String(m)) };
  } finally {
    spy.mockRestore();
  }
}
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

describe('alwaysCall forward hooks (Python _call_impl)', () => {
  it('run when a pre-hook throws, with output undefined (Python None)', () => {
    // m = M(); m.register_forward_pre_hook(thrower('pre boom'))
    // m.register_forward_hook(lambda mod, a, o: log.append(('always', o)), always_call=True)
    // m(torch.ones(2)) -> log [('always', None)], RuntimeError 'pre boom'
    const log: unknown[] = [];
    const m = new M();
    m.registerForwardPreHook(thrower('pre boom'));
    m.registerForwardHook((_m, _a, o) => void log.push(['always', o]), { alwaysCall: true });
    expect(() => m.call(torch.ones(2))).toThrow('pre boom');
    expect(log).toEqual([['always', undefined]]);
  });

  it('run after a forward hook throws, seeing the output', () => {
    // m.register_forward_hook(thrower('hook boom'))
    // m.register_forward_hook(lambda mod, a, o: log.append(('always', o.tolist())), always_call=True)
    // -> log [('always', [2.0, 2.0])], RuntimeError 'hook boom'
    const log: unknown[] = [];
    const m = new M();
    m.registerForwardHook(thrower('hook boom'));
    m.registerForwardHook((_m, _a, o: torch.Tensor) => void log.push(['always', o.tolist()]), { alwaysCall: true });
    expect(() => m.call(torch.ones(2))).toThrow('hook boom');
    expect(log).toEqual([['always', [2, 2]]]);
  });

  it("when forward throws: a throwing alwaysCall hook is a UserWarning, the next still runs, forward's error is thrown", () => {
    // m = M(fail=True); m.register_forward_hook(thrower('always boom'), always_call=True)
    // m.register_forward_hook(lambda mod, a, o: log.append(('second', o)), always_call=True)
    // m.register_forward_hook(lambda mod, a, o: log.append('not always'))
    // -> log [('second', None)], RuntimeError 'forward boom', UserWarning 'module forward hook with ``always_call=True`` raised
    //    an exception that was silenced as another error was raised in forward: always boom'
    const log: unknown[] = [];
    const m = new M(true);
    m.registerForwardHook(thrower('always boom'), { alwaysCall: true });
    m.registerForwardHook((_m, _a, o) => void log.push(['second', o]), { alwaysCall: true });
    m.registerForwardHook(() => void log.push('not always'));
    const { result, warned } = warnings(() => thrown(() => m.call(torch.ones(2))));
    expect((result as Error).message).toBe('forward boom');
    expect(log).toEqual([['second', undefined]]);
    expect(warned).toEqual(['module forward hook with ``always_call=True`` raised an exception that was silenced as another error was raised in forward: always boom']);
  });

  it('an alwaysCall hook that threw on the normal path is not called again', () => {
    // def h(mod, a, o): log.append('always'); raise RuntimeError('always boom')
    // m = M(); m.register_forward_hook(h, always_call=True); m(torch.ones(2)) -> log ['always'], RuntimeError 'always boom', no warning
    const log: string[] = [];
    const m = new M();
    m.registerForwardHook(() => {
      log.push('always');
      throw new Error('always boom');
    }, { alwaysCall: true });
    const { result, warned } = warnings(() => thrown(() => m.call(torch.ones(2))));
    expect((result as Error).message).toBe('always boom');
    expect(log).toEqual(['always']);
    expect(warned).toEqual([]);
  });

  it('global hooks run first, and warn as "global module forward hook"; a replaced output reaches the next hook', () => {
    // g = register_module_forward_hook(thrower('global boom'), always_call=True)
    // g2 = register_module_forward_hook(lambda mod, a, o: log.append(('global', o)), always_call=True)
    // m = M(fail=True); m.register_forward_hook(lambda mod, a, kw, o: log.append(('kw', kw, o)), always_call=True, with_kwargs=True)
    // -> log [('global', None), ('kw', {}, None)], RuntimeError 'forward boom', UserWarning 'global module forward hook
    //    with ``always_call=True`` raised an exception that was silenced as another error was raised in forward: global boom'
    const log: unknown[] = [];
    const m = new M(true);
    const g = nn.modules.module.registerModuleForwardHook(thrower('global boom'), { alwaysCall: true });
    const g2 = nn.modules.module.registerModuleForwardHook((_m, _a, o) => void log.push(['global', o]), { alwaysCall: true });
    m.registerForwardHook((_m, _a, kw, o) => void log.push(['kw', kw, o]), { alwaysCall: true, withKwargs: true });
    try {
      const { result, warned } = warnings(() => thrown(() => m.call(torch.ones(2))));
      expect((result as Error).message).toBe('forward boom');
      expect(log).toEqual([['global', undefined], ['kw', {}, undefined]]);
      expect(warned).toEqual(['global module forward hook with ``always_call=True`` raised an exception that was silenced as another error was raised in forward: global boom']);
    } finally {
      g.remove();
      g2.remove();
    }
    // m = M(fail=True); m.register_forward_hook(lambda mod, a, o: 7, always_call=True)
    // m.register_forward_hook(lambda mod, a, o: log.append(o), always_call=True) -> log [7], RuntimeError 'forward boom'
    const seen: unknown[] = [];
    const f = new M(true);
    f.registerForwardHook(() => 7, { alwaysCall: true });
    f.registerForwardHook((_m, _a, o) => void seen.push(o), { alwaysCall: true });
    expect(() => f.call(torch.ones(2))).toThrow('forward boom');
    expect(seen).toEqual([7]);
  });
});

describe('full backward hooks', () => {
  class Side extends nn.Module {
    side: torch.Tensor | null = null;
    override forward(a: torch.Tensor): torch.Tensor {
      this.side = a.mul(3);
      return a.mul(2);
    }
  }

  it('are not called for a gradient that reaches the inputs without passing through the outputs', () => {
    // class Side(nn.Module):
    //     def forward(s, a): s.side = a * 3; return a * 2
    // m = Side(); a = torch.tensor([1., 2.], requires_grad=True); m.register_full_backward_hook(lambda mod, gi, go: log.append(...))
    // m(a); m.side.sum().backward() -> no hook call, a.grad [3., 3.]
    const log: unknown[] = [];
    const m = new Side();
    const a = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    m.registerFullBackwardHook((_m, gi, go) => void log.push([gi[0]!.tolist(), go[0]!.tolist()]));
    m.call(a);
    m.side!.sum().backward();
    expect(log).toEqual([]);
    expect(a.grad!.tolist()).toEqual([3, 3]);
    // y = m(a2); y.sum().backward(); m.side.sum().backward() -> one call ([2., 2.], [1., 1.]); a2.grad [5., 5.]
    const a2 = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    m.call(a2).sum().backward();
    m.side!.sum().backward();
    expect(log).toEqual([[[2, 2], [1, 1]]]);
    expect(a2.grad!.tolist()).toEqual([5, 5]);
  });

  it("warn and are never called when the output is not a Tensor or an array (Python's tuple)", () => {
    // class Dict(nn.Module):
    //     def forward(s, a): return {'y': a * 2}
    // m.register_full_backward_hook(...); m.register_full_backward_pre_hook(...); m(a)['y'].sum().backward()
    // -> no hook call, a.grad [2., 2.], UserWarning "For backward hooks to be called, module output should be a Tensor
    //    or a tuple of Tensors but received <class 'dict'>" (None: <class 'NoneType'>)
    class Dict extends nn.Module {
      override forward(a: torch.Tensor): { y: torch.Tensor } { return { y: a.mul(2) }; }
    }
    const log: string[] = [];
    const m = new Dict();
    const a = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    m.registerFullBackwardHook(() => void log.push('hook'));
    m.registerFullBackwardPreHook(() => void log.push('pre'));
    const { warned } = warnings(() => m.call(a).y.sum().backward());
    expect(log).toEqual([]);
    expect(a.grad!.tolist()).toEqual([2, 2]);
    expect(warned).toEqual(["For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but received <class 'dict'>"]);
    class Nothing extends nn.Module {
      override forward(_a: torch.Tensor): void {}
    }
    const n = new Nothing();
    n.registerFullBackwardHook(() => undefined);
    expect(warnings(() => n.call(torch.ones(1, { requiresGrad: true }))).warned)
      .toEqual(["For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but received <class 'NoneType'>"]);
  });

  it("returning the wrong number of gradients throws Python's RuntimeError text", () => {
    // class M3(nn.Module):
    //     def forward(s, a, b, k): return (a * b * k, a + b, 5)
    // m.register_full_backward_hook(lambda mod, gi, go: (gi[0],)); m(a, b, 2)[0].sum().backward()
    // -> RuntimeError 'Backward hook returned an invalid number of grad_input, got 1, but expected 3'
    // m.register_full_backward_pre_hook(lambda mod, go: (go[0],)) ...
    // -> RuntimeError 'Backward pre hook returned an invalid number of grad_output, got 1, but expected 3'
    class M3 extends nn.Module {
      override forward(a: torch.Tensor, b: torch.Tensor, k: number): [torch.Tensor, torch.Tensor, number] { return [a.mul(b).mul(k), a.add(b), 5]; }
    }
    const inputs = (): [torch.Tensor, torch.Tensor] => [
      torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true }), torch.tensor([3, 4], { dtype: torch.float32, requiresGrad: true })];
    const m = new M3();
    m.registerFullBackwardHook((_m, gi) => [gi[0]!]);
    const e = thrown(() => m.call(...inputs(), 2)[0].sum().backward());
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(RangeError);
    expect((e as Error).message).toBe('Backward hook returned an invalid number of grad_input, got 1, but expected 3');
    const p = new M3();
    p.registerFullBackwardPreHook((_m, go) => [go[0]!]);
    const ep = thrown(() => p.call(...inputs(), 2)[0].sum().backward());
    expect(ep).not.toBeInstanceOf(RangeError);
    expect((ep as Error).message).toBe('Backward pre hook returned an invalid number of grad_output, got 1, but expected 3');
  });
});

describe('state dict and global forward hooks', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a state_dict post-hook that returns a value throws', () => {
    // m = nn.Linear(2, 2); m.register_state_dict_post_hook(lambda *a: {'a': 1}); m.state_dict()
    // -> RuntimeError 'state_dict post-hook must return None' (a returned 0 too)
    const m = new nn.Linear(2, 2);
    const h = m.registerStateDictPostHook((() => ({ a: 1 })) as never);
    expect(() => m.stateDict()).toThrow('state_dict post-hook must return None');
    h.remove();
    m.registerStateDictPostHook((() => 0) as never);
    expect(() => m.stateDict()).toThrow('state_dict post-hook must return None');
  });

  it('registerModuleForwardHook takes withKwargs: hook(module, args, kwargs, output)', () => {
    // def h(mod, a, kw, o): log.append((type(mod).__name__, len(a), kw, o.tolist())); return o + 1
    // g = nn.modules.module.register_module_forward_hook(h, with_kwargs=True); out = M()(torch.ones(2))
    // -> log [('M', 1, {}, [2.0, 2.0])], out [3.0, 3.0]
    const log: unknown[] = [];
    const g = nn.modules.module.registerModuleForwardHook((mod, a, kw, o: torch.Tensor) => {
      log.push([mod.constructor.name, a.length, kw, o.tolist()]);
      return o.add(1);
    }, { withKwargs: true });
    try {
      const out = new M().call(torch.ones(2));
      expect(log).toEqual([['M', 1, {}, [2, 2]]]);
      expect(out.tolist()).toEqual([3, 3]);
    } finally {
      g.remove();
    }
  });
});

// Python 2.13 (import copy, torch.nn.utils.prune; seen/log are lists):
// m = nn.MultiheadAttention(4, 1)
// m.register_forward_pre_hook(lambda _m, a, kw: (seen.append((len(a), dict(kw))), (a, {**kw, 'need_weights': False}))[1], with_kwargs=True)
// m.register_forward_hook(lambda _m, a, kw, o: seen.append(('post', len(a), dict(kw))), with_kwargs=True)
// _, w = m(q, q, q, average_attn_weights=True)
//   -> seen [(3, {'average_attn_weights': True}), ('post', 3, {'average_attn_weights': True, 'need_weights': False})], w None
// AveragedModel(nn.LazyLinear(3))(torch.ones(1, 2)).shape -> [1, 3], type(avg.module).__name__ 'Linear'
// copy.deepcopy of a pruned Linear -> RuntimeError 'Only Tensors created explicitly by the user (graph leaves) ...'
// s = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1)); s[0]'s load post-hook records and clears missing_keys
//   s.load_state_dict({'0.weight': torch.ones(1, 1)}) -> hook saw ['0.bias']; Missing key(s) in state_dict: "1.weight", "1.bias".
// m = nn.Identity(): a pre-hook removes forward hook h and registers another -> only 'added ran'
// nn.Linear(1, 1) with only register_full_backward_pre_hook(lambda mod, g: (None,)); x.grad -> [[0.]]
// register_load_state_dict_post_hook(lambda *a: None); load_state_dict -> <All keys matched successfully>
describe('hook details of _call_impl and load_state_dict', () => {
  it('withKwargs hooks see the trailing options object as kwargs, and a pre-hook\'s new kwargs reach forward', () => {
    const m = new nn.MultiheadAttention(4, 1);
    const seen: unknown[] = [];
    m.registerForwardPreHook((_m, args, kw) => {
      seen.push([args.length, { ...kw }]);
      return [args, { ...kw, needWeights: false }];
    }, { withKwargs: true });
    m.registerForwardHook((_m, args, kw) => void seen.push(['post', args.length, { ...kw }]), { withKwargs: true });
    const q = torch.ones([2, 1, 4]);
    const opts = { averageAttnWeights: true };
    const [, w] = m.call(q, q, q, opts);
    expect(seen).toEqual([[3, { averageAttnWeights: true }], ['post', 3, { averageAttnWeights: true, needWeights: false }]]);
    expect(w).toBeNull();
    expect(opts).toEqual({ averageAttnWeights: true }); // the caller's object is left alone, as Python's **kwargs
  });

  it('a deep copy of a lazy layer initializes itself; a module holding a non-leaf tensor is not deep-copied', () => {
    const avg = new torch.optim.swaUtils.AveragedModel(new nn.LazyLinear(3));
    expect((avg.call(torch.ones([1, 2])) as torch.Tensor).shape).toEqual([1, 3]);
    expect(avg.module.constructor.name).toBe('Linear');
    const lin = new nn.Linear(2, 1);
    nn.utils.prune.l1Unstructured(lin, 'weight', 1);
    expect(() => new torch.optim.swaUtils.AveragedModel(lin)).toThrow('Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol');
  });

  it("a load post-hook runs after its module's subtree, seeing only the keys found so far", () => {
    const s = new nn.Sequential(new nn.Linear(1, 1), new nn.Linear(1, 1));
    const seen: string[][] = [];
    (s.at(0) as torch.nn.Module).registerLoadStateDictPostHook((_m, k) => {
      seen.push([...k.missingKeys]);
      k.missingKeys.length = 0;
    });
    expect(() => s.loadStateDict({ '0.weight': torch.ones([1, 1]) })).toThrow('Missing key(s) in state_dict: "1.weight", "1.bias". ');
    expect(seen).toEqual([['0.bias']]);
    const m = new nn.Linear(1, 1);
    m.registerLoadStateDictPostHook(() => null as never); // Python's None
    expect(m.loadStateDict(m.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('forward hooks are read after forward: one a pre-hook removes does not run, one it adds does', () => {
    const m = new nn.Identity();
    const log: string[] = [];
    const h = m.registerForwardHook(() => void log.push('removed ran'));
    m.registerForwardPreHook(() => {
      h.remove();
      m.registerForwardHook(() => void log.push('added ran'));
    });
    m.call(torch.ones(1));
    expect(log).toEqual(['added ran']);
  });

  it('a full backward pre-hook alone wraps the inputs: a dropped gradient arrives as zeros', () => {
    const m = new nn.Linear(1, 1);
    m.registerFullBackwardPreHook(() => [null]);
    const x = torch.ones([1, 1], { requiresGrad: true });
    m.call(x).sum().backward();
    expect(x.grad?.tolist()).toEqual([[0]]);
  });
});
