// nn.Module state dicts, to() and to_empty() against PyTorch 2.13: the cases a review found different.
// Each case quotes the Python it was checked with and what Python 2.13 printed.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

const { nn } = torch;
type Loose = torch.nn.Module & Record<string, unknown>;
const loose = (m: torch.nn.Module): Loose => m as Loose;
const kinds = (sd: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, (v as object).constructor.name]));

class Scalar extends nn.Module {
  a = new nn.Parameter(torch.tensor(1.0, { dtype: torch.float32 })); // a JS 1.0 is an integer
}

describe('loadStateDict into a 0-dim parameter', () => {
  // class S(nn.Module): def __init__(self): super().__init__(); self.a = nn.Parameter(torch.tensor(1.0))
  // S().load_state_dict({'a': torch.tensor([4.0, 5.0])})
  //   -> RuntimeError 'Error(s) in loading state_dict for S:\n\tsize mismatch for a: copying a param with shape
  //      torch.Size([2]) from checkpoint, the shape in current model is torch.Size([]).'
  it('a multi-element 1-D tensor is a size mismatch, not its first element', () => {
    const s = new Scalar();
    expect(() => s.loadStateDict({ a: torch.tensor([4.0, 5.0]) })).toThrow(
      'Error(s) in loading state_dict for Scalar:\n\tsize mismatch for a: copying a param with shape torch.Size([2]) from checkpoint, the shape in current model is torch.Size([]).',
    );
    expect(s.a.item()).toBe(1);
  });

  // s = S(); s.load_state_dict({'a': torch.tensor([4.0])}); s.a -> <All keys matched successfully> tensor(4., requires_grad=True)
  it('a one-element 1-D tensor still loads (0.3-era checkpoints)', () => {
    const s = new Scalar();
    expect(s.loadStateDict({ a: torch.tensor([4.0]) })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(s.a.item()).toBe(4);
    expect(s.a.shape).toEqual([]);
  });
});

describe('lazy modules and uninitialized state dicts', () => {
  // lz = nn.LazyLinear(3); sd = lz.state_dict(); sd['weight'] is lz.weight -> True
  // for kv in [False, True]: {k: type(v).__name__ for k, v in nn.LazyLinear(3).state_dict(keep_vars=kv).items()}
  //   -> {'weight': 'UninitializedParameter', 'bias': 'UninitializedParameter'}
  it('an uninitialized parameter is its own state dict entry, keepVars or not', () => {
    const lz = loose(new nn.LazyLinear(3));
    expect(lz.stateDict().weight).toBe(lz.weight);
    for (const keepVars of [false, true])
      expect(kinds(new nn.LazyLinear(3).stateDict({ keepVars }))).toEqual({ weight: 'UninitializedParameter', bias: 'UninitializedParameter' });
  });

  // for kv in [False, True]:
  //   l = nn.LazyLinear(3); print(l.load_state_dict(nn.LazyLinear(3).state_dict(keep_vars=kv)), type(l.weight).__name__, type(l.bias).__name__)
  //   torch.manual_seed(0); y = l(torch.ones(2, 4)); print(y.shape, l, l.weight.shape, y.tolist())
  //   -> <All keys matched successfully> UninitializedParameter UninitializedParameter
  //      torch.Size([2, 3]) Linear(in_features=4, out_features=3, bias=True) torch.Size([3, 4])
  //      [[-0.9926879405975342, -0.0031014084815979004, -0.3675665259361267], (the same row)]
  it('LazyLinear loading an uninitialized state dict stays uninitialized, then infers its shapes', () => {
    for (const keepVars of [false, true]) {
      const l = loose(new nn.LazyLinear(3));
      expect(l.loadStateDict(new nn.LazyLinear(3).stateDict({ keepVars }))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect([l.weight, l.bias].map((p) => (p as object).constructor.name)).toEqual(['UninitializedParameter', 'UninitializedParameter']);
      torch.manualSeed(0);
      const y = (l as unknown as torch.nn.Linear).call(torch.ones(2, 4));
      expect(y.shape).toEqual([2, 3]);
      expect(String(l)).toBe('Linear(in_features=4, out_features=3, bias=True)');
      expect((l.weight as torch.Tensor).shape).toEqual([3, 4]);
      const row = [-0.9926879405975342, -0.0031014084815979004, -0.3675665259361267];
      expect(y.tolist()).toEqual([row, row]);
    }
  });

  // for kv in [False, True]:
  //   b = nn.LazyBatchNorm1d(); sd = nn.LazyBatchNorm1d().state_dict(keep_vars=kv); print({k: type(v).__name__ for k, v in sd.items()})
  //   print(b.load_state_dict(sd), type(b.weight).__name__, type(b.running_mean).__name__, type(b.running_var).__name__)
  //   y = b(torch.arange(12.).reshape(3, 4)); print(y.shape, b, b.running_mean.tolist(), b.running_var.tolist(), b.num_batches_tracked)
  //   -> {'weight': 'UninitializedParameter', 'bias': 'UninitializedParameter', 'running_mean': 'UninitializedBuffer',
  //       'running_var': 'UninitializedBuffer', 'num_batches_tracked': 'Tensor'}
  //      <All keys matched successfully> UninitializedParameter UninitializedBuffer UninitializedBuffer
  //      torch.Size([3, 4]) BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  //      [0.4000000059604645, 0.5, 0.6000000238418579, 0.699999988079071] [2.5, 2.5, 2.5, 2.5] tensor(1)
  it('LazyBatchNorm1d loading an uninitialized state dict stays uninitialized, buffers included, then infers its shapes', () => {
    for (const keepVars of [false, true]) {
      const b = loose(new nn.LazyBatchNorm1d());
      const sd = new nn.LazyBatchNorm1d().stateDict({ keepVars });
      expect(kinds(sd)).toEqual({
        weight: 'UninitializedParameter', bias: 'UninitializedParameter',
        running_mean: 'UninitializedBuffer', running_var: 'UninitializedBuffer', num_batches_tracked: 'Tensor',
      });
      expect(b.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect([b.weight, b.running_mean, b.running_var].map((t) => (t as object).constructor.name))
        .toEqual(['UninitializedParameter', 'UninitializedBuffer', 'UninitializedBuffer']);
      const y = (b as unknown as torch.nn.BatchNorm1d).call(torch.arange(12, { dtype: torch.float32 }).reshape(3, 4));
      expect(y.shape).toEqual([3, 4]);
      expect(String(b)).toBe('BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)');
      expect((b.running_mean as torch.Tensor).tolist()).toEqual([0.4000000059604645, 0.5, 0.6000000238418579, 0.699999988079071]);
      expect((b.running_var as torch.Tensor).tolist()).toEqual([2.5, 2.5, 2.5, 2.5]);
      expect((b.num_batches_tracked as torch.Tensor).item()).toBe(1);
    }
  });

  // nn.Linear(4, 3).load_state_dict(nn.LazyLinear(3).state_dict())
  //   -> RuntimeError "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in
  //      `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to
  //      initialize the parameters before accessing their attributes."
  it('an initialized module refuses an uninitialized state dict with Python\'s error', () => {
    const lin = new nn.Linear(4, 3);
    const before = lin.weight.clone();
    expect(() => lin.loadStateDict(new nn.LazyLinear(3).stateDict())).toThrow(
      "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.",
    );
    expect(torch.equal(lin.weight, before)).toBe(true);
  });
});

describe('toEmpty and to', () => {
  // m = nn.Linear(2, 2); m.to_empty(device=None); print(m.weight.device, m.weight.shape) -> cpu torch.Size([2, 2])
  // m = nn.Linear(2, 2, device='meta'); m.to_empty(device=None); print(m.weight.device) -> meta
  it('toEmpty({ device: null }) keeps each tensor\'s device', () => {
    const m = new nn.Linear(2, 2).toEmpty({ device: null });
    expect(m.weight.device.type).toBe('cpu');
    expect(m.weight.shape).toEqual([2, 2]);
    expect(new nn.Linear(2, 2, { device: 'meta' }).toEmpty({ device: null }).weight.device.type).toBe('meta');
  });

  const expected = ['(torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
    '(torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
    '(Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)'].map((s) => ` * ${s}\n`).join('');
  const invalid = (got: string): string => `to() received an invalid combination of arguments - got (${got}), but expected one of:\n${expected}`;

  // m = nn.Linear(2, 2)
  // m.to(torch.float32, torch.float64)        -> TypeError 'to() received an invalid combination of arguments - got (torch.dtype, torch.dtype), but expected one of:\n
  //   * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n
  //   * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n
  //   * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n'
  // m.to('cpu', 'cpu')                        -> the same, got (str, str)
  // m.to(torch.ones(1), torch.float64)        -> the same, got (Tensor, torch.dtype)
  // m.to(torch.float32, dtype=torch.float64)  -> the same, got (torch.dtype, dtype=torch.dtype)
  // m.to('cpu', device='cpu')                 -> the same, got (str, device=str)
  it('refuses a second dtype or device with Python\'s TypeError, changing nothing', () => {
    const m = new nn.Linear(2, 2);
    const cases: [unknown[], string][] = [
      [[torch.float32, torch.float64], 'torch.dtype, torch.dtype'],
      [['cpu', 'cpu'], 'str, str'],
      [[torch.ones(1), torch.float64], 'Tensor, torch.dtype'],
      [[torch.float32, { dtype: torch.float64 }], 'torch.dtype, dtype=torch.dtype'],
      [['cpu', { device: 'cpu' }], 'str, device=str'],
    ];
    for (const [args, got] of cases) {
      expect(() => m.to(...args)).toThrow(TypeError);
      expect(() => m.to(...args)).toThrow(invalid(got));
    }
    expect(String(m.weight.dtype)).toBe('torch.float32');
  });

  // m.to('cpu', torch.float64, False); m.weight.dtype -> torch.float64
  // m.to('cpu', None); m.to(None, None); m.to('cpu', dtype=torch.float64) -> no error
  it('still takes one device and one dtype', () => {
    const m = new nn.Linear(2, 2);
    expect(String(m.to('cpu', torch.float64, false).weight.dtype)).toBe('torch.float64');
    m.to('cpu', null);
    m.to(null, null);
    expect(String(m.float().to('cpu', { dtype: torch.float64 }).weight.dtype)).toBe('torch.float64');
  });
  // bn = nn.LazyBatchNorm1d().double(); print(type(bn.running_mean).__name__, bn.running_mean.dtype) -> UninitializedBuffer torch.float64
  // x = torch.arange(12, dtype=torch.float64).reshape(4, 3); print(bn(x)[0].tolist(), type(bn).__name__, bn.running_mean.tolist())
  //   -> [-1.3416401902154773, -1.341640190215477, -1.3416401902154773] BatchNorm1d [0.45, 0.55, 0.65]
  // inn = nn.LazyInstanceNorm2d(affine=True, track_running_stats=True).to(torch.float64)
  // inn(torch.arange(16, dtype=torch.float64).reshape(1, 2, 2, 4)); print(type(inn).__name__, inn.running_var.tolist()) -> InstanceNorm2d [1.5, 1.5]
  it('a lazy norm layer cast before its first forward keeps its running stats lazy, so they materialize', () => {
    const bn = loose(new nn.LazyBatchNorm1d().double());
    expect([(bn.running_mean as object).constructor.name, String((bn.running_mean as torch.Tensor).dtype)]).toEqual(['UninitializedBuffer', 'torch.float64']);
    const out = bn.call(torch.arange(12, { dtype: torch.float64 }).reshape(4, 3)) as torch.Tensor;
    expect(out.index(0).tolist()).toEqual([-1.3416401902154773, -1.341640190215477, -1.3416401902154773]);
    expect([bn.constructor.name, (bn.running_mean as torch.Tensor).tolist()]).toEqual(['BatchNorm1d', [0.45, 0.55, 0.65]]);
    const inn = loose(new nn.LazyInstanceNorm2d({ affine: true, trackRunningStats: true }).to(torch.float64));
    inn.call(torch.arange(16, { dtype: torch.float64 }).reshape(1, 2, 2, 4));
    expect([inn.constructor.name, (inn.running_var as torch.Tensor).tolist()]).toEqual(['InstanceNorm2d', [1.5, 1.5]]);
  });
});
