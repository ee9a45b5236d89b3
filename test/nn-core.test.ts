// nn.Module, containers and nn.init against PyTorch 2.13 (test/fixtures/nn-core.json, made by
// scripts/make-nn-core-fixtures.py): the same seed gives the same weights, state dict keys in the same
// order, the same repr, hooks that see and replace the same values, and load errors with the same text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, type Enc } from './golden-replay.js';

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
    expect(() => nn.init.calculateGain('swish' as never)).toThrow('Unsupported nonlinearity swish');
    expect(() => nn.init.kaimingUniform_(torch.empty(3, 3), { mode: 'fan_avg' as never })).toThrow('Mode fan_avg not supported');
    expect(() => nn.init.xavierUniform_(torch.empty(3))).toThrow('fewer than 2 dimensions');
    expect(() => nn.init.eye_(torch.empty(3))).toThrow('Only tensors with 2 dimensions are supported');
    expect(() => nn.init.uniform_(torch.empty(3), { low: 1 } as never)).toThrow(TypeError);
    expect(() => nn.init.normal_(3 as never)).toThrow('expected a Tensor');
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

  it('rejects bad registrations with PyTorch\'s messages', () => {
    const m = new nn.Module();
    expect(() => m.registerBuffer('a.b', torch.zeros(1))).toThrow('can\'t contain "."');
    expect(() => m.registerBuffer('x', 3 as never)).toThrow("cannot assign 'number' object to buffer 'x'");
    expect(() => m.registerParameter('p', torch.zeros(1) as never)).toThrow('(torch.nn.Parameter or None required)');
    expect(() => m.registerParameter('train', null)).toThrow("attribute 'train' already exists");
    expect(() => m.addModule('m', {} as never)).toThrow('is not a Module subclass');
    expect(() => m.call(torch.zeros(1))).toThrow('missing the required "forward" function');
  });
});

describe('containers', () => {
  it('Sequential from an ordered object; deleting renumbers as PyTorch', () => {
    const seq = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU(), pool: new nn.MaxPool2d(2) });
    expect(seq.namedChildren().map(([n]) => n)).toEqual(strings('seq.keys'));
    seq.pop(1);
    expect(seq.namedChildren().map(([n]) => n)).toEqual(strings('seq.afterDel'));
    expect(seq.length).toBe(2);
    expect(seq[0]).toBeInstanceOf(nn.Conv2d);
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
