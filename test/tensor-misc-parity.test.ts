// Tensor members and torch-level functions against PyTorch 2.13: x.cuda's options, the conversions'
// memory_format, T/mT/H/mH on 0-d and 1-d tensors, torch.random (fork_rng) and Generator.clone_state,
// x.type's keyword form, legacy constructors with torch.Size([]) or a negative size, and
// torch.manual_seed of a float. The Python each test mirrors is in the comment above it.
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { warningsOf } from './warnings-of.js';

const NO_CUDA = torch.cuda.isAvailable() ? it.skip : it;

describe('x.cuda options', () => {
  // >>> x = torch.ones(2); x.cuda(non_blocking=True)    # on a CPU build, as x.cuda()
  // AssertionError: Torch not compiled with CUDA enabled
  // >>> x.cuda(device=0)
  // RuntimeError: Cannot access accelerator device when none is available.
  NO_CUDA('defaults the device to cuda with options only, and takes an index as the device option', () => {
    const x = torch.ones([2]);
    let plain = '';
    try {
      x.cuda();
    } catch (e) {
      plain = (e as Error).message;
    }
    expect(plain).toMatch(/no CUDA support/);
    expect(() => x.cuda({ nonBlocking: true })).toThrow(plain);
    expect(() => x.cuda({ memoryFormat: torch.channelsLast })).toThrow(plain);
    expect(() => x.cuda(null, { nonBlocking: true })).toThrow(plain);
    expect(() => x.cuda({ device: 0 })).toThrow(/no CUDA support/);
    expect(() => x.cuda({ device: 0, nonBlocking: true })).toThrow(/no CUDA support/);
    expect(() => x.cuda({ dtype: torch.float64 } as never)).toThrow(TypeError);
  });
});

describe('conversion methods', () => {
  // >>> c = torch.zeros(2, 3, 4, 5)
  // >>> for m in ['cpu', 'float', 'double', 'half', 'bfloat16', 'long', 'int', 'short', 'char', 'byte', 'bool', 'cfloat', 'cdouble']:
  // ...     print(getattr(c, m)(memory_format=torch.channels_last).stride())
  // (60, 1, 15, 3)     # every one
  // >>> c.float(5)
  // TypeError: float() takes 0 positional arguments but 1 was given    # and so for each method's name
  // >>> c.float(memory_format=torch.contiguous_format) is c, c.cpu(memory_format=torch.channels_last) is c
  // (True, False)
  it('take { memoryFormat } and no positional argument', () => {
    const c = torch.zeros([2, 3, 4, 5]);
    const methods = ['cpu', 'float', 'double', 'half', 'bfloat16', 'long', 'int', 'short', 'char', 'byte', 'bool', 'cfloat', 'cdouble'] as const;
    for (const m of methods) {
      const f = c[m] as (...a: unknown[]) => torch.Tensor;
      expect(f.call(c, { memoryFormat: torch.channelsLast }).stride(), m).toEqual([60, 1, 15, 3]);
      expect(() => f.call(c, 5), m).toThrow(`${m}() takes 0 positional arguments but 1 was given`);
      expect(() => f.call(c, 5, { memoryFormat: torch.channelsLast }), m).toThrow(`${m}() takes 0 positional arguments but 1 was given`);
      expect(() => f.call(c, { foo: 1 }), m).toThrow(TypeError);
    }
    expect(c.float({ memoryFormat: torch.contiguousFormat })).toBe(c);
    expect(c.float()).toBe(c);
    expect(c.cpu({ memoryFormat: torch.channelsLast })).not.toBe(c);
  });
});

describe('T, mT, H, mH', () => {
  // >>> import warnings; warnings.simplefilter('always')
  // >>> s = torch.tensor(1.5, requires_grad=True); v = torch.ones(3, requires_grad=True)
  // >>> s.mT is s, s.T.grad_fn.name()     # each with a UserWarning:
  // (True, 'PermuteBackward0')            # Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.
  //                                       # Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.
  // >>> v.T.shape                         # UserWarning: The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated ...
  // torch.Size([3])
  // >>> v.mT   -> RuntimeError: tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.
  // >>> v.mH   -> RuntimeError: tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.
  // >>> v.H    -> RuntimeError: tensor.H is only supported on matrices (2-D tensors). Got 1-D tensor.
  // >>> torch.ones(4, 2, 3).H -> RuntimeError: tensor.H is only supported on matrices (2-D tensors). Got 3-D tensor. For batches of matrices, consider using tensor.mH
  // >>> z = torch.tensor(1+2j); z.H, z.mH  # UserWarnings: Tensor.H is deprecated on 0-D tensors. Consider using x.conj(). / Tensor.mH ...
  // (tensor(1.-2.j), tensor(1.-2.j))
  // >>> m = torch.ones(2, 3, requires_grad=True); m.T.grad_fn.name(), m.mT.grad_fn.name(), m.H.grad_fn.name(), m.mH.grad_fn.name()
  // ('PermuteBackward0', 'TransposeBackward0', 'TransposeBackward0', 'TransposeBackward0')
  it('follow Python on 0-d and 1-d tensors', () => {
    const s = torch.tensor(1.5, { requiresGrad: true });
    const v = torch.ones([3], { requiresGrad: true });
    let r: torch.Tensor | undefined;
    expect(warningsOf(() => (r = s.mT))).toEqual([['UserWarning', expect.stringMatching(/^Tensor\.mT is deprecated on 0-D tensors\. This function is the identity in these cases\./)]]);
    expect(r).toBe(s);
    expect(warningsOf(() => (r = s.T))).toEqual([['UserWarning', expect.stringMatching(/^Tensor\.T is deprecated on 0-D tensors\. This function is the identity in these cases\./)]]);
    expect(r!.gradFn?.name()).toBe('PermuteBackward0');
    expect(warningsOf(() => (r = v.T))).toEqual([['UserWarning', expect.stringMatching(/^The use of `x\.T` on tensors of dimension other than 2 to reverse their shape is deprecated/)]]);
    expect(r!.shape).toEqual([3]);
    expect(() => v.mT).toThrow('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.');
    expect(() => v.mH).toThrow('tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.');
    expect(() => v.H).toThrow('tensor.H is only supported on matrices (2-D tensors). Got 1-D tensor.');
    expect(() => torch.ones([4, 2, 3]).H).toThrow('tensor.H is only supported on matrices (2-D tensors). Got 3-D tensor. For batches of matrices, consider using tensor.mH');
    const z = torch.complex(torch.tensor(1.5), torch.tensor(2.5));
    expect(warningsOf(() => (r = z.H))).toEqual([['UserWarning', expect.stringMatching(/^Tensor\.H is deprecated on 0-D tensors\. Consider using x\.conj\(\)\./)]]);
    expect(r!.resolveConj().tolist()).toEqual([1.5, -2.5]);
    expect(warningsOf(() => (r = z.mH))).toEqual([['UserWarning', expect.stringMatching(/^Tensor\.mH is deprecated on 0-D tensors\. Consider using x\.conj\(\)\./)]]);
    const m = torch.ones([2, 3], { requiresGrad: true });
    expect([m.T, m.mT, m.H, m.mH].map((t) => [t.shape, t.gradFn?.name()])).toEqual([
      [[3, 2], 'PermuteBackward0'],
      [[3, 2], 'TransposeBackward0'],
      [[3, 2], 'TransposeBackward0'],
      [[3, 2], 'TransposeBackward0'],
    ]);
  });
});

describe('torch.random', () => {
  // >>> [n for n in dir(torch.random) if not n.startswith('_')]   (less the modules and TYPE_CHECKING)
  // ['Generator', 'default_generator', 'fork_rng', 'get_rng_state', 'initial_seed', 'manual_seed', 'seed', 'set_rng_state', 'thread_safe_generator']
  // >>> torch.manual_seed(0)
  // >>> with torch.random.fork_rng(): a = torch.rand(3)
  // >>> torch.equal(a, torch.rand(3))
  // True
  // >>> try:
  // ...     with torch.random.fork_rng(devices=[]): torch.rand(5); raise ValueError('x')
  // ... except ValueError: pass
  // >>> torch.rand(3)
  // tensor([0.1320, 0.3074, 0.6341])       # the second draw after manual_seed(0): the fork put the state back
  // >>> with torch.random.fork_rng(enabled=False): torch.rand(3)
  // >>> torch.rand(3)
  // tensor([0.6323, 0.3489, 0.4017])       # the fourth: no fork
  // >>> torch.random.manual_seed(2.7); torch.random.initial_seed()
  // 2
  it('has Python members and forkRng restores the CPU state', async () => {
    for (const name of ['Generator', 'defaultGenerator', 'forkRng', 'getRngState', 'initialSeed', 'manualSeed', 'seed', 'setRngState', 'threadSafeGenerator'])
      expect(typeof (torch.random as Record<string, unknown>)[name], name).not.toBe('undefined');
    expect(torch.random.defaultGenerator).toBe(torch.defaultGenerator);
    torch.manualSeed(0);
    const a = torch.random.forkRng(() => torch.rand([3]));
    expect(torch.equal(a, torch.rand([3]))).toBe(true);
    expect(() =>
      torch.random.forkRng({ devices: [] }, () => {
        torch.rand([5]);
        throw new RangeError('x');
      }),
    ).toThrow('x');
    const second = torch.rand([3]);
    expect((second.tolist() as number[]).map((x) => +x.toFixed(4))).toEqual([0.132, 0.3074, 0.6341]);
    torch.random.forkRng({ enabled: false }, () => torch.rand([3]));
    expect((torch.rand([3]).tolist() as number[]).map((x) => +x.toFixed(4))).toEqual([0.6323, 0.3489, 0.4017]);
    // An async fn: the state comes back when its promise settles, rejected included.
    torch.manualSeed(0);
    const first = torch.rand([3]);
    torch.manualSeed(0);
    await expect(
      torch.random.forkRng(async () => {
        torch.rand([7]);
        await Promise.resolve();
        throw new Error('async');
      }),
    ).rejects.toThrow('async');
    expect(torch.equal(torch.rand([3]), first)).toBe(true);
    // deviceType 'meta' forks nothing (Python: fork_rng(device_type='meta') only yields).
    torch.manualSeed(0);
    torch.random.forkRng({ deviceType: 'meta' }, () => torch.rand([3]));
    expect(torch.equal(torch.rand([3]), first)).toBe(false);
    torch.random.manualSeed(2.7);
    expect(torch.random.initialSeed()).toBe(2n);
    expect(() => torch.random.forkRng({ devices: [] } as never)).toThrow(TypeError);
  });

  // >>> g = torch.Generator().manual_seed(5); g2 = g.clone_state()
  // >>> g2 is g, g2.device, g2.initial_seed(), torch.equal(g.get_state(), g2.get_state())
  // (False, device(type='cpu'), 5, True)
  // >>> torch.randn(2, generator=g), torch.randn(2, generator=g2)
  // (tensor([-0.4868, -0.6038]), tensor([-0.4868, -0.6038]))
  it('Generator.cloneState', () => {
    const g = new torch.Generator().manualSeed(5);
    const g2 = g.cloneState();
    expect(g2).not.toBe(g);
    expect(g2.device.type).toBe('cpu');
    expect(g2.initialSeed()).toBe(5n);
    expect(torch.equal(g.getState(), g2.getState())).toBe(true);
    const x = torch.randn([2], { generator: g });
    expect(torch.equal(x, torch.randn([2], { generator: g2 }))).toBe(true);
    expect((x.tolist() as number[]).map((v) => +v.toFixed(4))).toEqual([-0.4868, -0.6038]);
  });
});

describe('x.type keywords', () => {
  // >>> torch.ones(2).type(dtype=torch.int32, non_blocking=True).dtype, torch.ones(2).type(non_blocking=True)
  // (torch.int32, 'torch.FloatTensor')
  it('takes { dtype, nonBlocking }', () => {
    expect(torch.ones([2]).type({ dtype: torch.int32, nonBlocking: true }).dtype).toBe(torch.int32);
    expect(torch.ones([2]).type({ dtype: 'torch.IntTensor' }).dtype).toBe(torch.int32);
    expect(torch.ones([2]).type({ nonBlocking: true })).toBe('torch.FloatTensor');
  });
});

describe('legacy constructors', () => {
  // >>> torch.FloatTensor(torch.Size([])).shape, torch.Tensor(torch.Size([])).shape, torch.FloatTensor().shape
  // (torch.Size([]), torch.Size([]), torch.Size([0]))
  // >>> torch.FloatTensor(-1)
  // RuntimeError: Trying to create tensor with negative dimension -1: [-1]
  // >>> torch.FloatTensor(2, -1)
  // RuntimeError: Trying to create tensor with negative dimension -1: [2, -1]
  it('torch.Size([]) is 0-d; a negative size raises Python\'s error', () => {
    expect(torch.FloatTensor(new torch.Size([])).shape).toEqual([]);
    expect(torch.Tensor(new torch.Size([])).shape).toEqual([]);
    expect(torch.FloatTensor().shape).toEqual([0]);
    expect(torch.FloatTensor(new torch.Size([2, 3])).shape).toEqual([2, 3]);
    const err = (f: () => unknown): Error => {
      try {
        f();
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    for (const [f, text] of [
      [() => torch.FloatTensor(-1), 'Trying to create tensor with negative dimension -1: [-1]'],
      [() => torch.FloatTensor(2, -1), 'Trying to create tensor with negative dimension -1: [2, -1]'],
      [() => torch.Tensor(new torch.Size([-1])), 'Trying to create tensor with negative dimension -1: [-1]'],
    ] as const) {
      const e = err(f);
      expect(e).not.toBeInstanceOf(TypeError);
      expect(e.message).toContain(text);
    }
  });
});

describe('torch.manualSeed of a float', () => {
  // >>> torch.manual_seed(1.5); torch.initial_seed()
  // 1
  // >>> torch.manual_seed(-1.5); torch.initial_seed()
  // 18446744073709551615
  // >>> torch.manual_seed(float('nan'))
  // ValueError: cannot convert float NaN to integer
  // >>> torch.manual_seed(float('inf'))
  // OverflowError: cannot convert float infinity to integer
  // >>> torch.Generator().manual_seed(1.5)
  // RuntimeError: manual_seed expected a long, but got float
  it('seeds with int(seed); Generator.manualSeed still takes integers only', () => {
    torch.manualSeed(1.5);
    expect(torch.initialSeed()).toBe(1n);
    torch.manualSeed(-1.5);
    expect(torch.initialSeed()).toBe(18446744073709551615n);
    expect(() => torch.manualSeed(NaN)).toThrow('cannot convert float NaN to integer');
    expect(() => torch.manualSeed(Infinity)).toThrow('cannot convert float infinity to integer');
    expect(() => new torch.Generator().manualSeed(1.5)).toThrow();
    torch.manualSeed(0);
  });
});
