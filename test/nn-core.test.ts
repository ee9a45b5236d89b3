// nn.Module, containers and nn.init against PyTorch 2.13 (test/fixtures/nn-core.json, made by
// scripts/make-nn-core-fixtures.py): the same seed gives the same weights, state dict keys in the same
// order, the same repr, hooks that see and replace the same values, and load errors with the same text.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import * as torch from '../lib/index.js';
import { check, type Enc } from './golden-replay.js';
import { runWithGc, startRoundWorkers } from './run-child.js';

const { nn } = torch;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-core.json', import.meta.url), 'utf8')) as { values: Record<string, Enc> };
const expected = (name: string): Enc => {
  const v = fixture.values[name];
  if (v === undefined) throw new Error(`fixture has no value ${name}`);
  return v;
};
const expectValue = (name: string, actual: unknown): void => check(actual, expected(name), undefined, name);
const str = (name: string): string => (expected(name) as { str: string }).str;
const strings = (name: string): string[] => (expected(name) as { seq: { str: string }[] }).seq.map((e) => e.str);

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  body = new nn.Sequential(new nn.Linear(3, 3), new nn.Tanh(), new nn.Linear(3, 3));
  heads = new nn.ModuleList([0, 1, 2].map(() => new nn.Linear(3, 2)));
  extra = new nn.ModuleDict({ proj: new nn.Linear(2, 2) });
  scale = new nn.Parameter(torch.ones(1));
  declare steps: torch.Tensor;
  constructor() {
    super();
    this.registerBuffer('steps', torch.zeros(2));
    this.registerBuffer('cache', torch.zeros(1), { persistent: false });
    this.registerParameter('unused', null);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const h = this.body.call(this.fc1.call(x)) as torch.Tensor;
    return ((this.extra.get('proj').call(this.heads.at(1).call(h))) as torch.Tensor).mul(this.scale);
  }
}

describe('nn.init', () => {
  const cases: Record<string, (t: torch.Tensor, g: torch.Generator | null) => torch.Tensor> = {
    uniform: (t, g) => nn.init.uniform_(t, -0.5, 2.0, g),
    normal: (t, g) => nn.init.normal_(t, { mean: 1.0, std: 0.5, generator: g }),
    truncNormal: (t, g) => nn.init.truncNormal_(t, 0.0, 1.0, -2.0, 2.0, g),
    truncNormalNarrow: (t, g) => nn.init.truncNormal_(t, { mean: 0, std: 1, a: 1.5, b: 3.0, generator: g }),
    constant: (t) => nn.init.constant_(t, 0.25),
    ones: (t) => nn.init.ones_(t),
    zeros: (t) => nn.init.zeros_(t),
    xavierUniform: (t, g) => nn.init.xavierUniform_(t, { gain: nn.init.calculateGain('tanh'), generator: g }),
    xavierNormal: (t, g) => nn.init.xavierNormal_(t, { generator: g }),
    kaimingUniform: (t, g) => nn.init.kaimingUniform_(t, { a: Math.sqrt(5), generator: g }),
    kaimingUniformFanOut: (t, g) => nn.init.kaimingUniform_(t, { mode: 'fan_out', nonlinearity: 'relu', generator: g }),
    kaimingNormal: (t, g) => nn.init.kaimingNormal_(t, 0.1, 'fan_out', 'leaky_relu', g),
    orthogonal: (t, g) => nn.init.orthogonal_(t, { gain: 2.0, generator: g }),
    sparse: (t, g) => nn.init.sparse_(t, 0.5, 0.1, g),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(`${name} gives PyTorch's values for the same seed and for its own generator`, () => {
      for (const shape of [[5, 3], [4, 2, 3], [3, 6]]) {
        if (name === 'sparse' && shape.length !== 2) continue;
        const key = `init.${name}.${shape.join('x')}`;
        torch.manualSeed(0);
        expectValue(key, fn(torch.empty(shape), null));
        torch.manualSeed(0);
        expectValue(`${key}.gen`, fn(torch.empty(shape), new torch.Generator().manualSeed(7)));
      }
    });
  }
  it('eye_, dirac_, gains and fans', () => {
    expectValue('init.eye', nn.init.eye_(torch.empty(3, 5)));
    expectValue('init.dirac', nn.init.dirac_(torch.empty(4, 2, 3, 3), 2));
    const gains: [torch.nn.init.Nonlinearity, number | null][] = [['linear', null], ['sigmoid', null], ['tanh', null], ['relu', null],
      ['leaky_relu', null], ['leaky_relu', 0.2], ['selu', null], ['conv2d', null]];
    expectValue('init.gains', gains.map(([n, p]) => nn.init.calculateGain(n, p)));
    expectValue('init.fans', nn.init.calculateFanInAndFanOut(torch.empty(6, 4, 3, 2)));
  });
  it('rejects bad arguments with Python\'s messages', () => {
    // Python 2.13: ValueError "Unsupported nonlinearity swish", calculate_gain('leaky_relu', True) -> ValueError "negative_slope True not a valid number"
    expect(() => nn.init.calculateGain('swish' as never)).toThrow(new RangeError('Unsupported nonlinearity swish'));
    expect(() => nn.init.calculateGain('leaky_relu', true as never)).toThrow(new RangeError('negative_slope True not a valid number'));
    expect(() => nn.init.kaimingUniform_(torch.empty(3, 3), { mode: 'fan_avg' as never })).toThrow('Mode fan_avg not supported');
    expect(() => nn.init.xavierUniform_(torch.empty(3))).toThrow('fewer than 2 dimensions');
    expect(() => nn.init.eye_(torch.empty(3))).toThrow('Only tensors with 2 dimensions are supported');
    expect(() => nn.init.uniform_(torch.empty(3), { low: 1 } as never)).toThrow(TypeError);
    expect(() => nn.init.normal_(3 as never)).toThrow('expected a Tensor');
    expect(() => nn.init.truncNormal_(torch.empty(3), 0, 0)).toThrow('float division by zero'); // Python: ZeroDivisionError
  });

  it("Python's argument forms and samplers (PyTorch 2.13's values after manual_seed(0))", () => {
    const seeded = <T>(f: () => T): T => {
      torch.manualSeed(0);
      return f();
    };
    // a = None is calculate_gain's default slope 0.01, not 0
    expect(seeded(() => nn.init.kaimingUniform_(torch.empty(2, 3), null as never).abs().max().item())).toBe(1.1639033555984497);
    expect(seeded(() => nn.init.kaimingNormal_(torch.empty(2, 3), { a: null as never }).sum().item())).toBe(-2.3235585689544678);
    expect(seeded(() => nn.init.kaimingUniform_(torch.empty(2, 3)).abs().max().item())).toBe(1.1639615297317505);
    // p = 0.29999999525 by math.erf: the uniform rejection sampler, as Python picks it
    expect(seeded(() => nn.init.truncNormal_(torch.empty(4), 0, 1, -0.38532046, 0.38532046).tolist())).toEqual([-0.0028848249930888414, 0.20670269429683685, -0.31713613867759705, -0.28357234597206116]);
    expect(seeded(() => nn.init.sparse_(torch.empty(6, 4), 0.5, { std: 0.1 }).abs().sum().item())).toBe(0.8229106664657593);
    expect(nn.init.constant_(torch.empty(3), torch.tensor(2.5)).sum().item()).toBe(7.5);
    expect(nn.init.constant_(torch.empty(3), true).sum().item()).toBe(3);
  });
});

describe('nn.Module', () => {
  it('registers in assignment order: state dict keys, values and names as PyTorch', () => {
    torch.manualSeed(0);
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(strings('net.stateDictKeys'));
    expectValue('net.stateDict', Object.values(sd));
    expect(net.namedParameters().map(([n]) => n)).toEqual(strings('net.namedParameters'));
    expect(net.namedBuffers().map(([n]) => n)).toEqual(strings('net.namedBuffers'));
    expect(net.namedModules().map(([n]) => n)).toEqual(strings('net.namedModules'));
    expect(net.children().map((m) => m.constructor.name)).toEqual(strings('net.children'));
    expect(String(net)).toBe(str('net.repr'));
  });

  it('runs forward pre-hooks, forward hooks and full backward (pre-)hooks as PyTorch', () => {
    torch.manualSeed(0);
    const net = new Net();
    torch.manualSeed(1);
    const x = torch.randn(5, 4, { requiresGrad: true });
    expectValue('net.x', x.detach());
    net.fc1.registerForwardPreHook((_m, args) => [(args[0] as torch.Tensor).mul(2)]);
    net.body.registerForwardHook((_m, _args, out) => (out as torch.Tensor).add(1));
    const seen: Record<string, (torch.Tensor | null)[]> = {};
    net.heads.at(1).registerFullBackwardHook((_m, gin, gout) => {
      seen.gin = gin;
      seen.gout = gout;
      return [gin[0]!.mul(3)];
    });
    net.heads.at(1).registerFullBackwardPreHook((_m, gout) => {
      seen.pre = gout;
      return [gout[0]!.mul(0.5)];
    });
    const y = net.call(x);
    expectValue('net.y', y.detach());
    const g = torch.linspace(-1, 1, y.numel()).reshape(y.shape);
    y.mul(g).sum().backward();
    expectValue('net.x.grad', x.grad);
    expectValue('net.grads', [seen.pre, seen.gin, seen.gout]);
    expectValue('net.fc1.weight.grad', net.fc1.weight.grad);
    expectValue('net.scale.grad', net.scale.grad);
  });

  it('hook handles remove their hooks; a throwing hook surfaces as the Error it threw', () => {
    const lin = new nn.Linear(2, 2);
    let calls = 0;
    const h = lin.registerForwardHook(() => {
      calls++;
    });
    lin.call(torch.ones(1, 2));
    h.remove();
    lin.call(torch.ones(1, 2));
    expect(calls).toBe(1);
    const bad = lin.registerForwardPreHook(() => {
      throw new Error('hook failed');
    });
    expect(() => lin.call(torch.ones(1, 2))).toThrow('hook failed');
    bad.remove();
    expect(lin.call(torch.ones(1, 2)).shape).toEqual([1, 2]);
    const bw = lin.registerFullBackwardHook(() => {
      throw new Error('backward hook failed');
    });
    const x = torch.ones(1, 2, { requiresGrad: true });
    expect(() => lin.call(x).sum().backward()).toThrow('backward hook failed');
    bw.remove();
    expect(() => lin.registerForwardHook(42 as never)).toThrow(TypeError);
  });

  it('full backward hooks: one gradient per argument and output, null where it is no tensor (Python\'s _pack_with_none)', () => {
    const show = (gs: (torch.Tensor | null)[]): (number[] | null)[] => gs.map((g) => (g === null ? null : (g.tolist() as number[])));
    class Mul extends nn.Module {
      override forward(x: torch.Tensor, k: number, y: torch.Tensor): torch.Tensor { return x.mul(k).mul(y); }
    }
    const seen: unknown[] = [];
    const m = new Mul();
    m.registerFullBackwardHook((_m, gi, go) => void seen.push(show(gi), show(go)));
    m.call(torch.ones([2], { requiresGrad: true }), 2, torch.full([2], 3.5)).sum().backward();
    // Python: gi (tensor([7., 7.]), None, tensor([0., 0.])), go (tensor([1., 1.]),)
    expect(seen.splice(0)).toEqual([[[7, 7], null, [0, 0]], [[1, 1]]]);
    class Pair extends nn.Module {
      w = new nn.Parameter(torch.ones(2));
      override forward(x: torch.Tensor, y: torch.Tensor): torch.Tensor { return x.mul(y).mul(this.w); }
    }
    const p = new Pair();
    const hook = p.registerFullBackwardHook((_m, gi, go) => void seen.push(show(gi), show(go)));
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      p.call(torch.ones(2), torch.ones(2)).sum().backward();
      // Python: no input needs a gradient -> gi (None, None), go (tensor([1., 1.]),), and a UserWarning
      expect(seen.splice(0)).toEqual([[null, null], [[1, 1]]]);
      expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/^Full backward hook is firing when gradients are computed with respect to module outputs since no inputs require gradients\. See https:/), 'UserWarning');
      hook.remove();
      // Python: returning gradients there is a RuntimeError; a tuple of None is fine
      p.registerFullBackwardHook(() => [null, null]);
      p.call(torch.ones(2), torch.ones(2)).sum().backward();
      p.registerFullBackwardHook(() => [torch.ones(2), null]);
      expect(() => p.call(torch.ones(2), torch.ones(2)).sum().backward())
        .toThrow('Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
    } finally {
      warnings.mockRestore();
    }
    class Three extends nn.Module {
      override forward(x: torch.Tensor): [torch.Tensor, number, torch.Tensor] { return [x.mul(2), 3, x.mul(3)]; }
    }
    const t = new Three();
    t.registerFullBackwardPreHook((_m, go) => void seen.push(show(go)));
    t.registerFullBackwardHook((_m, gi, go) => void seen.push(show(gi), show(go)));
    const x = torch.ones([2], { requiresGrad: true });
    const out = t.call(x);
    out[0].sum().backward();
    // Python: pre go (tensor([1., 1.]), None, None); gi (tensor([2., 2.]),), go (tensor([1., 1.]), None, None)
    expect(seen.splice(0)).toEqual([[[1, 1], null, null], [[2, 2]], [[1, 1], null, null]]);
  });

  it('loadStateDict: PyTorch\'s error text, and a failed load changes nothing', () => {
    torch.manualSeed(0);
    const source = new Net();
    const sd = source.stateDict();
    const bad: Record<string, torch.Tensor> = { ...sd, 'fc1.weight': torch.zeros(2, 2), 'heads.9.weight': torch.zeros(1) };
    delete bad['heads.0.bias'];
    const target = new Net();
    const before = Object.values(target.stateDict()).map((t) => t.clone());
    expect(() => target.loadStateDict(bad)).toThrow(str('load.errorStrict'));
    Object.values(target.stateDict()).forEach((t, i) => expect(t.equal(before[i]!)).toBe(true));
    const partial: Record<string, torch.Tensor> = { ...sd, bogus: torch.zeros(1) };
    delete partial['heads.0.bias'];
    const r = new Net().loadStateDict(partial, { strict: false });
    expectValue('load.nonStrict', [r.missingKeys, r.unexpectedKeys]);
    const loaded = new Net();
    loaded.loadStateDict(sd);
    Object.entries(loaded.stateDict()).forEach(([k, t]) => expect(t.equal(sd[k]!), k).toBe(true));
    expect(() => loaded.loadStateDict([] as never)).toThrow('Expected state_dict to be dict-like');
  });

  it('loadStateDict with assign takes the given tensors as parameters', () => {
    const lin = new nn.Linear(2, 3);
    const w = torch.ones(3, 2);
    lin.loadStateDict({ weight: w, bias: torch.zeros(3) }, { assign: true });
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
    expect(lin.weight.requiresGrad).toBe(true);
    w.fill_(5); // shares storage with the new parameter
    expect(lin.weight.sum().item()).toBe(30);
  });

  it("loadStateDict of real tensors into a meta module without assign warns Python's no-op warning per key", () => {
    const meta = new nn.Linear(2, 2, { device: 'meta' });
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      meta.loadStateDict({ weight: torch.ones(2, 2), bias: torch.ones(2) });
      const messages = warnings.mock.calls.map(([m]) => String(m));
      expect(messages.filter((m) => m.includes('copying from a non-meta parameter in the checkpoint to a meta parameter in the current model, which is a no-op')).map((m) => m.split(':')[0])).toEqual(['for weight', 'for bias']);
      expect(meta.weight.device.type).toBe('meta');
      warnings.mockClear();
      meta.loadStateDict({ weight: torch.ones(2, 2), bias: torch.ones(2) }, { assign: true }); // assign takes them: no warning
      expect(warnings).not.toHaveBeenCalled();
    } finally {
      warnings.mockRestore();
    }
  });

  it('loadStateDict post-hooks run before the strict check: clearing the missing keys lets a partial load through', () => {
    const lin = new nn.Linear(2, 2);
    const seen: number[] = [];
    lin.registerLoadStateDictPostHook((m, ik) => {
      seen.push(m.weight.sum().item());
      ik.missingKeys.length = 0;
    });
    // Python: l.register_load_state_dict_post_hook(lambda m, ik: ik.missing_keys.clear()); l.load_state_dict({'weight': zeros(2,2)}) -> <All keys matched successfully>
    expect(lin.loadStateDict({ weight: torch.zeros(2, 2) })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(lin.weight.abs().sum().item()).toBe(0);
    // A load that passes anyway copies first: the hook sees the loaded values, as in Python.
    lin.loadStateDict({ weight: torch.ones(2, 2), bias: torch.ones(2) });
    expect(seen[1]).toBe(4);
    // A hook that leaves the key missing: the strict error, built from the lists as the hook left them; nothing copied.
    const other = new nn.Linear(2, 2);
    other.registerLoadStateDictPostHook((_m, ik) => void ik.unexpectedKeys.push('extra'));
    const before = other.weight.clone();
    expect(() => other.loadStateDict({ weight: torch.zeros(2, 2) }))
      .toThrow('Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "extra". ');
    expect(other.weight.equal(before)).toBe(true);
    const bad = new nn.Linear(1, 1);
    bad.registerLoadStateDictPostHook((() => 1) as never);
    expect(() => bad.loadStateDict(bad.stateDict())).toThrow('are not expected to return new values');
  });

  it('registerLoadStateDictPreHook calls hook(module, stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs)', () => {
    const lin = new nn.Linear(1, 1);
    const calls: unknown[][] = [];
    lin.registerLoadStateDictPreHook((...args) => void calls.push(args));
    lin.loadStateDict(lin.stateDict());
    // Python: 8 arguments, the module first, prefix '', strict True
    expect(calls[0]!.length).toBe(8);
    expect(calls[0]![0]).toBe(lin);
    expect([calls[0]![2], calls[0]![4]]).toEqual(['', true]);
    // A pre-hook renaming a checkpoint's key in a child (Python: <All keys matched successfully>, weight [[1.]])
    const seq = new nn.Sequential(new nn.Linear(1, 1));
    seq.at(0).registerLoadStateDictPreHook((m, sd, prefix) => {
      expect(m).toBe(seq.at(0));
      if (`${prefix}w` in sd) {
        sd[`${prefix}weight`] = sd[`${prefix}w`];
        delete sd[`${prefix}w`];
      }
    });
    expect(seq.loadStateDict({ '0.w': torch.ones(1, 1), '0.bias': torch.ones(1) })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect((seq.at(0) as torch.nn.Linear).weight.item()).toBe(1);
  });

  it('loadStateDict: what copy_ refuses is a load error in PyTorch\'s words, and nothing is copied', () => {
    torch.manualSeed(0);
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 2));
    const sd: Record<string, torch.Tensor> = {};
    for (const [k, v] of Object.entries(seq.stateDict())) sd[k] = torch.onesLike(v);
    sd['1.weight'] = torch.ones(2, 2).toSparse();
    const before = Object.values(seq.stateDict()).map((t) => t.clone());
    // Python 2.13's exact text (s.load_state_dict(sd) with sd['1.weight'] = torch.ones(2,2).to_sparse())
    expect(() => seq.loadStateDict(sd)).toThrow('Error(s) in loading state_dict for Sequential:\n\tWhile copying the parameter named "1.weight", whose dimensions in the model are torch.Size([2, 2]) and whose dimensions in the checkpoint are torch.Size([2, 2]), an exception occurred : (\'copy_() between dense and sparse Tensors is not implemented! Found self type = torch.FloatTensor and src type = torch.sparse.FloatTensor\',).');
    Object.values(seq.stateDict()).forEach((t, i) => expect(t.equal(before[i]!)).toBe(true)); // '0.*' not copied either
    const lin = new nn.Linear(2, 2);
    // Python: load_state_dict({'weight': torch.empty(2,2, device='meta'), 'bias': torch.ones(2)})
    expect(() => lin.loadStateDict({ weight: torch.empty([2, 2], { device: 'meta' }), bias: torch.ones(2) }))
      .toThrow('Error(s) in loading state_dict for Linear:\n\tWhile copying the parameter named "weight", whose dimensions in the model are torch.Size([2, 2]) and whose dimensions in the checkpoint are torch.Size([2, 2]), an exception occurred : (\'Cannot copy out of meta tensor; no data!\',).');
    expect(lin.bias!.equal(torch.ones(2))).toBe(false);
    // A lazy parameter materializes, then its copy fails: the same text (Python's, for LazyLinear(2))
    expect(() => new nn.LazyLinear(2).loadStateDict({ weight: torch.ones(2, 3).toSparse(), bias: torch.ones(2) }))
      .toThrow('Error(s) in loading state_dict for LazyLinear:\n\tWhile copying the parameter named "weight", whose dimensions in the model are torch.Size([2, 3]) and whose dimensions in the checkpoint are torch.Size([2, 3]), an exception occurred : (\'copy_() between dense and sparse Tensors is not implemented!');
  });

  it('train/eval, requiresGrad_, zeroGrad, apply, to/double/half', () => {
    torch.manualSeed(0);
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.body.at(1).training).toBe(true);
    net.call(torch.ones(2, 4)).sum().backward();
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(net.fc1.weight.grad!.abs().sum().item()).toBe(0);
    net.zeroGrad();
    expect(net.fc1.weight.grad).toBeNull();
    net.requiresGrad_(false);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
    const names: string[] = [];
    net.apply((m) => names.push(m.constructor.name));
    expect(names[names.length - 1]).toBe('Net');
    const weight = net.fc1.weight;
    net.double();
    expect(net.fc1.weight).toBe(weight); // the same Parameter object, new data
    expect(Object.values(net.stateDict()).map((t) => String(t.dtype))).toEqual(strings('double.dtypes'));
    torch.manualSeed(0);
    expectValue('half.stateDict', Object.values(new Net().half().stateDict()));
    expect(() => net.to(torch.int64)).toThrow('nn.Module.to only accepts floating point or complex dtypes');
    expect(() => net.to('gpu')).toThrow();
  });

  it('dispose frees parameters and buffers; a disposed module throws when called', () => {
    const lin = new nn.Linear(2, 2);
    const w = lin.weight;
    lin.dispose();
    expect(w.isDisposed).toBe(true);
    expect(lin.isDisposed).toBe(true);
    expect(() => lin.call(torch.ones(1, 2))).toThrow('disposed');
  });

  it('torch.tidy never frees a module built inside it', () => {
    const lin = torch.tidy(() => new nn.Linear(3, 2));
    expect(lin.weight.isDisposed).toBe(false);
    expect(lin.call(torch.ones(1, 3)).shape).toEqual([1, 2]);
  });

  it('an nn.Buffer assigned over a registered buffer brings its own persistent flag', () => {
    const m = new nn.Module() as torch.nn.Module & Record<string, unknown>;
    m.registerBuffer('a', torch.zeros(1), { persistent: false });
    m.registerBuffer('b', torch.zeros(1));
    m.a = new nn.Buffer(torch.ones(1));
    m.b = new nn.Buffer(torch.ones(1), { persistent: false });
    // Python: m.a = nn.Buffer(ones); m.b = nn.Buffer(ones, persistent=False) -> ['a']
    expect(Object.keys(m.stateDict())).toEqual(['a']);
    m.registerBuffer('c', new nn.Buffer(torch.ones(1)), { persistent: false }); // register_buffer's own flag wins
    m.a = torch.zeros(1); // a plain tensor keeps the flag
    expect(Object.keys(m.stateDict())).toEqual(['a']);
  });

  it('rejects bad registrations with PyTorch\'s messages', () => {
    const m = new nn.Module();
    expect(() => m.registerBuffer('a.b', torch.zeros(1))).toThrow('can\'t contain "."');
    expect(() => m.registerBuffer('x', 3 as never)).toThrow("cannot assign 'number' object to buffer 'x'");
    expect(() => m.registerParameter('p', torch.zeros(1) as never)).toThrow('(torch.nn.Parameter or None required)');
    expect(() => m.registerParameter('train', null)).toThrow("attribute 'train' already exists");
    expect(() => m.addModule('m', {} as never)).toThrow('is not a Module subclass');
    expect(() => m.call(torch.zeros(1))).toThrow('missing the required "forward" function');
    // PyTorch 2.13: KeyError "attribute 'weight' already exists" for each (a name held by another kind of member, or a field)
    const lin = new nn.Linear(2, 2);
    expect(() => lin.addModule('weight', new nn.ReLU())).toThrow("attribute 'weight' already exists");
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']); // nothing changed
    expect(() => new nn.Linear(2, 2, { bias: false }).addModule('bias', new nn.ReLU())).toThrow("attribute 'bias' already exists");
    expect(() => lin.addModule('training', new nn.ReLU())).toThrow("attribute 'training' already exists");
    expect(() => lin.registerParameter('inFeatures', new nn.Parameter(torch.zeros(1)))).toThrow("attribute 'inFeatures' already exists");
    expect(() => new nn.Sequential(new nn.ReLU()).registerParameter('0', new nn.Parameter(torch.zeros(1)))).toThrow("attribute '0' already exists");
    // to({ memoryFormat }) converts the 4-d and 5-d tensors only (PyTorch 2.13: weight strides (18, 1, 6, 2), bias (1,))
    const conv = new nn.Conv2d(2, 2, 3).to({ memoryFormat: torch.channelsLast });
    expect([conv.weight.stride(), conv.bias!.stride(), conv.weight instanceof nn.Parameter]).toEqual([[18, 1, 6, 2], [1], true]);
    // named_modules skips a module in the memo given even with remove_duplicate=False (PyTorch 2.13: ['', '1'])
    const seq = new nn.Sequential(new nn.Linear(1, 1), new nn.ReLU());
    expect(seq.namedModules({ memo: new Set([seq.getSubmodule('0')]), removeDuplicate: false }).map(([n]) => n)).toEqual(['', '1']);
    // the same kind replaces, as in Python
    lin.registerParameter('weight', new nn.Parameter(torch.zeros(1)));
    expect(lin.weight.shape).toEqual([1]);
  });
});

describe('deep copies (copy.deepcopy: AveragedModel, getClones)', () => {
  // Each module class keeps working in its copy, whose tensors are its own: Python's deepcopy gives that for every module.
  const models: [string, () => torch.nn.Module][] = [
    ['Sequential', () => new nn.Sequential(new nn.Linear(3, 2), new nn.ELU(), new nn.CELU(0.5))],
    ['ModuleList', () => new (class extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(3, 2), new nn.Tanh()]);
      override forward(x: torch.Tensor): torch.Tensor { for (const l of this.layers) x = l.call(x) as torch.Tensor; return x; }
    })()],
    ['ModuleDict and ParameterList/Dict', () => new (class extends nn.Module {
      d = new nn.ModuleDict({ fc: new nn.Linear(3, 2) });
      pl = new nn.ParameterList([new nn.Parameter(torch.ones(2))]);
      pd = new nn.ParameterDict({ s: new nn.Parameter(torch.full([2], 2.5)) });
      override forward(x: torch.Tensor): torch.Tensor { return (this.d.get('fc').call(x) as torch.Tensor).mul(this.pl.at(0)).add(this.pd.get('s')!); }
    })()],
    ['parametrized', () => nn.utils.parametrizations.orthogonal(new nn.Linear(3, 3))],
    ['ScriptModule', () => torch.jit.trace(new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU()), [torch.ones([1, 3])])],
  ];
  it.each(models)('%s', (_, make) => {
    torch.manualSeed(0);
    const model = make();
    const x = torch.randn([4, 3]);
    const copy = new torch.optim.swaUtils.AveragedModel(model).module;
    expect(copy).toBeInstanceOf(model.constructor);
    expect(torch.equal(copy.call(x) as torch.Tensor, model.call(x) as torch.Tensor)).toBe(true);
    const [p] = copy.parameters();
    const before = model.parameters()[0]!.clone();
    torch.noGrad(() => p!.add_(1));
    expect(torch.equal(model.parameters()[0]!, before)).toBe(true);
  });
});

describe('containers', () => {
  it('integer-like names keep their registration order (JS lists them first)', () => {
    // Python: ModuleDict([('b', ..), ('32', ..), ('8', ..)]).keys() -> ['b', '32', '8']
    const d = new nn.ModuleDict(new Map([['b', new nn.Linear(1, 1)], ['32', new nn.Linear(1, 1)], ['8', new nn.Linear(1, 1)]]));
    expect(d.keys()).toEqual(['b', '32', '8']);
    expect(Object.keys(d.stateDict())).toEqual(['b.weight', 'b.bias', '32.weight', '32.bias', '8.weight', '8.bias']);
    class M extends nn.Module {
      fc = new nn.Linear(1, 1);
      constructor() {
        super();
        this.registerModule('0', new nn.Linear(1, 1));
      }
    }
    // Python: fc then register_module('0', ...) -> ['fc.weight', 'fc.bias', '0.weight', '0.bias']
    expect(Object.keys(new M().stateDict())).toEqual(['fc.weight', 'fc.bias', '0.weight', '0.bias']);
    // Python: ModuleDict({'fc'}); ['0']; ['1']; del ['0']; ['5']; ['g']; ['2']; del ['fc']; ['3'] -> ['1', '5', 'g', '2', '3']
    const e = new nn.ModuleDict({ fc: new nn.ReLU() });
    for (const step of ['0', '1', '-0', '5', 'g', '2', '-fc', '3']) {
      if (step.startsWith('-')) e.pop(step.slice(1));
      else e.set(step, new nn.ReLU());
    }
    expect(e.keys()).toEqual(['1', '5', 'g', '2', '3']);
  });
  it('ModuleDict/ParameterDict take another dict, in the constructor and update', () => {
    const a = new nn.ModuleDict({ x: new nn.ReLU(), y: new nn.Tanh() });
    const b = new nn.ModuleDict(a);
    // Python: list(nn.ModuleDict(a).keys()) -> ['x', 'y'], the same modules; c.update(a) after 'z' -> ['z', 'x', 'y']
    expect(b.keys()).toEqual(['x', 'y']);
    expect(b.get('x')).toBe(a.get('x'));
    const c = new nn.ModuleDict({ z: new nn.ReLU() });
    c.update(a);
    expect(c.keys()).toEqual(['z', 'x', 'y']);
    const p = new nn.ParameterDict({ w: torch.ones(1) });
    const q = new nn.ParameterDict(p);
    expect(q.keys()).toEqual(['w']);
    expect(q.get('w')).toBe(p.get('w'));
  });
  it('Sequential from an ordered object; deleting renumbers as PyTorch', () => {
    const seq = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU(), pool: new nn.MaxPool2d(2) });
    expect(seq.namedChildren().map(([n]) => n)).toEqual(strings('seq.keys'));
    seq.pop(1);
    expect(seq.namedChildren().map(([n]) => n)).toEqual(strings('seq.afterDel'));
    expect(seq.length).toBe(2);
    expect(seq[0]).toBeInstanceOf(nn.Conv2d);
    const named = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU() });
    named.set(-1, new nn.Tanh());
    expect(String(named)).toBe(str('seq.afterSet'));
    const [outOfRange, notModule] = strings('seq.setErrors');
    expect(() => named.set(2, new nn.ReLU())).toThrow(outOfRange!);
    expect(() => named.set(0, 3 as never)).toThrow(notModule!.replace("'int'", "'number'")); // JS names the value's type in its own words
  });
  it('reprs of ModuleList (runs folded), ParameterList and ParameterDict', () => {
    expect(String(new nn.ModuleList([new nn.ReLU(), new nn.ReLU(), new nn.Tanh(), new nn.ReLU()]))).toBe(str('moduleList.repr'));
    expect(String(new nn.ParameterList([new nn.Parameter(torch.zeros(3, 4)), torch.ones(3)]))).toBe(str('parameterList.repr'));
    const pd = new nn.ParameterDict({ a: new nn.Parameter(torch.zeros(2)), b: torch.ones(1, 2) });
    expect(String(pd)).toBe(str('parameterDict.repr'));
    expect(Object.keys(pd.stateDict())).toEqual(strings('parameterDict.keys'));
  });
  it('ModuleList and ModuleDict edit like Python lists and dicts', () => {
    const ml = new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]);
    ml.insert(1, new nn.Sigmoid());
    expect([...ml].map((m) => m.constructor.name)).toEqual(['ReLU', 'Sigmoid', 'Tanh']);
    expect(ml.pop(0).constructor.name).toBe('ReLU');
    expect(ml.namedChildren().map(([n]) => n)).toEqual(['0', '1']);
    expect(() => ml.at(5)).toThrow(RangeError);
    const md = new nn.ModuleDict([['b', new nn.ReLU()], ['a', new nn.Tanh()]]);
    expect(md.keys()).toEqual(['b', 'a']);
    expect(() => md.set('keys', new nn.ReLU())).toThrow("attribute 'keys' already exists");
    expect(() => new nn.ModuleDict({ x: 1 as never })).toThrow('not a Module');
  });
});

describe('global registration hooks (nn.registerModule{Parameter,Buffer,Module}RegistrationHook)', () => {
  const shapeText = (t: torch.Tensor | null): string => (t === null ? 'None' : nn.parameter.isLazy(t) ? 'uninitialized' : t.shape.join('x'));
  const log: string[] = [];
  // The fixture script's hooks: they log every call, and replace `scale` (x3), `steps` (+5) and every Tanh (ReLU).
  const install = (): torch.utils.hooks.RemovableHandle[] => [
    nn.registerModuleParameterRegistrationHook((m, name, p) => {
      log.push(`parameter ${m.constructor.name}.${name} ${shapeText(p)}`);
      if (name === 'scale') return new nn.Parameter(p.detach().mul(3));
    }),
    nn.registerModuleBufferRegistrationHook((m, name, b) => {
      log.push(`buffer ${m.constructor.name}.${name} ${shapeText(b)}`);
      if (name === 'steps') return b!.add(5);
    }),
    nn.registerModuleModuleRegistrationHook((m, name, sub) => {
      log.push(`module ${m.constructor.name}.${name} ${sub === null ? 'None' : sub.constructor.name}`);
      if (sub instanceof nn.Tanh) return new nn.ReLU();
    }),
  ];
  const layers: Record<string, () => torch.nn.Module> = {
    Linear: () => new nn.Linear(4, 3),
    LinearNoBias: () => new nn.Linear(4, 3, { bias: false }),
    Bilinear: () => new nn.Bilinear(2, 3, 4),
    Conv2d: () => new nn.Conv2d(2, 4, 3),
    ConvTranspose1d: () => new nn.ConvTranspose1d(2, 4, 3, { bias: false }),
    LazyLinear: () => new nn.LazyLinear(3),
    BatchNorm2d: () => new nn.BatchNorm2d(3),
    BatchNorm2dNoStats: () => new nn.BatchNorm2d(3, { affine: false, trackRunningStats: false }),
    LayerNorm: () => new nn.LayerNorm([3, 4]),
    GroupNorm: () => new nn.GroupNorm(2, 4),
    InstanceNorm1d: () => new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true }),
    RMSNorm: () => new nn.RMSNorm(4),
    Embedding: () => new nn.Embedding(10, 3),
    EmbeddingBag: () => new nn.EmbeddingBag(10, 3),
    PReLU: () => new nn.PReLU(),
    LSTM: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }),
    GRUCell: () => new nn.GRUCell(3, 4),
    MultiheadAttention: () => new nn.MultiheadAttention(4, 2),
    MultiheadAttentionKVDims: () => new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 }),
    TransformerEncoderLayer: () => new nn.TransformerEncoderLayer(4, 2, 8),
    AdaptiveLogSoftmaxWithLoss: () => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]),
    CrossEntropyLoss: () => new nn.CrossEntropyLoss({ weight: torch.ones(3) }),
    Sequential: () => new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU() }),
    ModuleList: () => new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]),
    ModuleDict: () => new nn.ModuleDict({ a: new nn.ReLU(), b: new nn.Tanh() }),
    ParameterList: () => new nn.ParameterList([new nn.Parameter(torch.zeros(2)), torch.ones(3)]),
    ParameterDict: () => new nn.ParameterDict({ a: new nn.Parameter(torch.zeros(2)), b: torch.ones(1) }),
  };

  it('every layer registers the same parameters, buffers and submodules in the same order as PyTorch', () => {
    const handles = install();
    try {
      for (const [name, make] of Object.entries(layers)) {
        log.length = 0;
        make();
        expect([name, ...log]).toEqual([name, ...strings(`registration.${name}`)]);
      }
    } finally {
      for (const h of handles) h.remove();
    }
  });

  it('the nn.utils and optim helpers register (or only swap) the same things as PyTorch\'s', () => {
    class Symmetric extends nn.Module {
      override forward(x: torch.Tensor): torch.Tensor {
        return x.triu().add(x.triu(1).T);
      }
    }
    const { prune, parametrize } = nn.utils;
    const helpers: Record<string, [() => unknown, (made: never) => unknown]> = {
      weightNorm: [() => new nn.Linear(3, 3), (m: torch.nn.Linear) => nn.utils.weightNorm(m)],
      spectralNorm: [() => new nn.Linear(3, 3), (m: torch.nn.Linear) => nn.utils.spectralNorm(m)],
      pruneL1: [() => new nn.Linear(3, 3), (m: torch.nn.Linear) => prune.l1Unstructured(m, 'weight', 0.5)],
      pruneRemove: [() => prune.l1Unstructured(new nn.Linear(3, 3), 'weight', 0.5), (m: torch.nn.Linear) => prune.remove(m, 'weight')],
      parametrize: [() => new nn.Linear(3, 3), (m: torch.nn.Linear) => parametrize.registerParametrization(m, 'weight', new Symmetric())],
      parametrizationsWeightNorm: [() => new nn.Linear(3, 3), (m: torch.nn.Linear) => nn.utils.parametrizations.weightNorm(m)],
      lazyForward: [() => new nn.LazyLinear(3), (m: torch.nn.LazyLinear) => m.call(torch.ones(2, 4))],
      loadStateDictAssign: [() => new nn.Linear(3, 3), (m: torch.nn.Linear) => m.loadStateDict(new nn.Linear(3, 3).stateDict(), { assign: true })],
      toEmpty: [() => new nn.Linear(3, 3, { device: 'meta' }), (m: torch.nn.Linear) => m.toEmpty({ device: 'cpu' })],
      averagedModel: [() => new nn.Linear(3, 3), (m: torch.nn.Linear) => new torch.optim.swaUtils.AveragedModel(m)],
      fuseConvBnEval: [() => [new nn.Conv2d(2, 2, 3).eval(), new nn.BatchNorm2d(2).eval()], ([conv, bn]: [torch.nn.Conv2d, torch.nn.BatchNorm2d]) => nn.utils.fuseConvBnEval(conv, bn)],
    };
    const handles = install();
    try {
      for (const [name, [make, act]] of Object.entries(helpers)) {
        const made = make();
        log.length = 0;
        act(made as never);
        expect([name, ...log]).toEqual([name, ...strings(`registration.${name}`)]);
      }
    } finally {
      for (const h of handles) h.remove();
    }
  });

  it('class fields, register* calls and later assignments run the hooks, and their replacements are kept', () => {
    const handles = install();
    let net: Net;
    try {
      log.length = 0;
      torch.manualSeed(0);
      net = new Net();
      expect(log).toEqual(strings('registration.net'));
      log.length = 0;
      net.steps = torch.ones(2);
      net.fc1 = new nn.Linear(4, 3);
      net.scale = new nn.Parameter(torch.ones(1));
      net.addModule('gate', null);
      net.registerParameter('unused2', null); // None is registered without the hooks, as in Python
      net.body[0] = new nn.Tanh(); // Python's `net.body[0] = nn.Tanh()`
      expect(log).toEqual(strings('registration.assignments'));
    } finally {
      for (const h of handles) h.remove();
    }
    const sd = net.stateDict();
    expectValue('registration.stateDict', Object.entries(sd));
    expect(String(net)).toBe(str('registration.repr'));
    log.length = 0;
    net.fc1 = new nn.Linear(4, 3);
    net.registerBuffer('late', torch.zeros(1));
    expect(log).toEqual(strings('registration.afterRemove'));
  });

  it('register* calls reach modules made before the hook; a module made without hooks is no Proxy', async () => {
    const { types } = await import('node:util');
    const before = new nn.Linear(2, 2);
    expect(types.isProxy(before)).toBe(false);
    const seen: string[] = [];
    const note = (m: torch.nn.Module, name: string): void => void seen.push(`${m.constructor.name}.${name}`);
    const handles = [nn.registerModuleBufferRegistrationHook(note), nn.registerModuleParameterRegistrationHook(note), nn.registerModuleModuleRegistrationHook(note)];
    try {
      before.registerBuffer('mask', torch.ones(2));
      expect(seen).toEqual(['Linear.mask']);
      const during = new nn.BatchNorm1d(2);
      expect(types.isProxy(during)).toBe(true);
      seen.length = 0;
      expect(during.call(torch.ones(3, 2)).shape).toEqual([3, 2]); // a watched module works as any other
      // conversions and functionalCall's swaps rewrite slots without registering, as Python's _apply and swap_tensor
      during.double();
      expect(during.running_mean!.dtype).toBe(torch.float64);
      torch.func.functionalCall(during, { weight: torch.zeros(2, { dtype: torch.float64 }), running_mean: torch.zeros(2, { dtype: torch.float64 }) },
        [torch.ones(3, 2, { dtype: torch.float64 })]);
      expect(seen).toEqual([]);
    } finally {
      for (const h of handles) h.remove();
    }
  });

  // Each thread has its own hook lists: a worker's hooks see its modules only, the main thread's see none of them.
  const workerRound = `(t) => {
    const log = [];
    const h = t.nn.registerModuleParameterRegistrationHook((m, name) => void log.push(m.constructor.name + '.' + name));
    try {
      const m = new t.nn.Linear(2, 2);
      m.call(t.ones(1, 2)).dispose();
    } finally {
      h.remove();
    }
    return log.join();
  }`;
  it('worker threads register their own hooks beside the main thread\'s', async () => {
    const seen: string[] = [];
    const h = nn.registerModuleModuleRegistrationHook((m, name) => void seen.push(name));
    try {
      const workers = startRoundWorkers(workerRound, 'Linear.weight,Linear.bias', { times: 200, count: 2 });
      let rounds = 0;
      while (workers.running() > 0 || rounds < 50) {
        new nn.Sequential(new nn.ReLU());
        if (++rounds % 5 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(await workers.results).toEqual(['ok', 'ok']);
      expect(seen.length).toBe(rounds);
      expect(new Set(seen)).toEqual(new Set(['0']));
    } finally {
      h.remove();
    }
  });

  it('watched modules left to the GC (no dispose) free every tensor', () => {
    const r = runWithGc(`
      const h = torch.nn.registerModuleParameterRegistrationHook(() => undefined);
      const make = () => new torch.nn.Sequential(new torch.nn.Linear(8, 8), new torch.nn.BatchNorm1d(8));
      for (let i = 0; i < 20; i++) make();
      const before = await settle();
      let proxies = 0;
      for (let i = 0; i < 2000; i++) if ((await import('node:util')).types.isProxy(make())) proxies++;
      h.remove();
      const after = await settle();
      return { grew: after - before, proxies };`);
    expect(r.proxies).toBe(2000);
    expect(r.grew).toBe(0);
  });

  it('a hook that throws leaves the registration undone; non-functions are refused', () => {
    const m = new nn.Linear(2, 2);
    const h = nn.registerModuleBufferRegistrationHook(() => {
      throw new Error('no buffers here');
    });
    try {
      expect(() => m.registerBuffer('mask', torch.ones(2))).toThrow('no buffers here');
      expect(m.namedBuffers()).toEqual([]);
      expect(() => new nn.BatchNorm1d(2)).toThrow('no buffers here');
    } finally {
      h.remove();
    }
    m.registerBuffer('mask', torch.ones(2));
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['mask']);
    expect(() => nn.registerModuleParameterRegistrationHook(3 as never)).toThrow('registerModuleParameterRegistrationHook: expected a function, got');
    expect(nn.modules.module.registerModuleModuleRegistrationHook).toBe(nn.registerModuleModuleRegistrationHook);
  });
});
