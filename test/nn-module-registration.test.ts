// nn.Module registration bookkeeping against PyTorch 2.13's __setattr__/__delattr__, get_submodule and the
// dict containers. Each case quotes the Python it was checked with and what Python 2.13 printed.
import { describe, expect, it } from 'vitest';
import { KeyError } from '../lib/errors.js';
import * as torch from '../lib/index.js';

const { nn } = torch;
type Loose = torch.nn.Module & Record<string, unknown>;
const loose = (m: torch.nn.Module): Loose => m as Loose;
const names = (pairs: [string, unknown][]): string[] => pairs.map(([n]) => n);

describe('assignments over registered names (Python __setattr__)', () => {
  // m = nn.Module(); m.register_buffer('b', torch.zeros(2)); m.register_buffer('c', torch.zeros(2))
  // m.b = nn.Parameter(torch.ones(2)); m.c = nn.Linear(1, 1)
  // [n for n, _ in m.named_parameters()], named_buffers, named_children, list(m.state_dict()), repr(m)
  //   -> ['b', 'c.weight', 'c.bias'] [] ['c'] ['b', 'c.weight', 'c.bias'], 'Module(\n  (c): Linear(...)\n)'
  // m.register_buffer('b', torch.zeros(1)) -> KeyError "attribute 'b' already exists"
  it('a Parameter or Module assigned over a buffer is that, and no longer a buffer', () => {
    const m = loose(new nn.Module());
    m.registerBuffer('b', torch.zeros(2));
    m.registerBuffer('c', torch.zeros(2));
    m.b = new nn.Parameter(torch.ones(2));
    m.c = new nn.Linear(1, 1);
    expect(names(m.namedParameters())).toEqual(['b', 'c.weight', 'c.bias']);
    expect(names(m.namedBuffers())).toEqual([]);
    expect(names(m.namedChildren())).toEqual(['c']);
    expect(Object.keys(m.stateDict())).toEqual(['b', 'c.weight', 'c.bias']);
    expect(String(m)).toBe('Module(\n  (c): Linear(in_features=1, out_features=1, bias=True)\n)');
    expect(() => m.registerBuffer('b', torch.zeros(1))).toThrow("attribute 'b' already exists");
  });

  // Without a scan between the assignment and the registration call, too.
  it('registerBuffer/registerParameter see a Parameter assigned over a buffer at once', () => {
    const m = loose(new nn.Module());
    m.registerBuffer('b', torch.zeros(2));
    m.b = new nn.Parameter(torch.ones(2));
    expect(() => m.registerBuffer('b', torch.zeros(1))).toThrow("attribute 'b' already exists");
    m.registerParameter('b', new nn.Parameter(torch.ones(3))); // a parameter now: replaced as one
    expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['b', [3]]]);
  });

  // m = nn.Module(); p = nn.Parameter(torch.ones(1)); m.register_buffer('b', p)
  // params, buffers -> [] ['b']
  // m.b = nn.Parameter(torch.ones(1)) -> ['b'] []
  it('a Parameter given to registerBuffer stays a buffer; another assigned over it is a parameter', () => {
    const m = loose(new nn.Module());
    m.registerBuffer('b', new nn.Parameter(torch.ones(1)));
    expect([names(m.namedParameters()), names(m.namedBuffers())]).toEqual([[], ['b']]);
    m.b = new nn.Parameter(torch.ones(1));
    expect([names(m.namedParameters()), names(m.namedBuffers())]).toEqual([['b'], []]);
  });

  // m = nn.Module(); m.register_buffer('b', torch.zeros(2)); m.b = torch.ones(3) -> named_buffers ['b']
  it('a plain tensor assigned over a buffer stays a buffer', () => {
    const m = loose(new nn.Module());
    m.registerBuffer('b', torch.zeros(2));
    m.b = torch.ones(3);
    expect(m.namedBuffers().map(([n, b]) => [n, b.shape])).toEqual([['b', [3]]]);
  });

  // m = nn.Module(); m.register_buffer('b', torch.zeros(2)); del m.b
  // named_buffers, state_dict -> [] []; m.b = torch.ones(2) -> [] []
  // m = nn.Module(); m.register_buffer('b', torch.zeros(2)); del m.b; m.register_parameter('b', nn.Parameter(torch.ones(2)))
  //   -> params ['b'], buffers []
  // m = nn.Module(); m.register_buffer('b', torch.zeros(2), persistent=False); del m.b; m.register_buffer('b', torch.zeros(2))
  //   -> list(m.state_dict()) ['b']
  it('a deleted buffer is no longer registered', () => {
    let m = loose(new nn.Module());
    m.registerBuffer('b', torch.zeros(2));
    delete m.b;
    expect([names(m.namedBuffers()), Object.keys(m.stateDict())]).toEqual([[], []]);
    m.b = torch.ones(2); // after a scan saw it gone: a plain property
    expect([names(m.namedBuffers()), Object.keys(m.stateDict())]).toEqual([[], []]);

    m = loose(new nn.Module());
    m.registerBuffer('b', torch.zeros(2));
    delete m.b;
    m.registerParameter('b', new nn.Parameter(torch.ones(2)));
    expect([names(m.namedParameters()), names(m.namedBuffers())]).toEqual([['b'], []]);

    m = loose(new nn.Module());
    m.registerBuffer('b', torch.zeros(2), { persistent: false });
    delete m.b;
    m.registerBuffer('b', torch.zeros(2));
    expect(Object.keys(m.stateDict())).toEqual(['b']);
  });

  // m = nn.Module(); m.c = nn.ReLU(); m.c = None; repr(m), named_children -> 'Module(\n  (c): None\n)' []
  // m.register_parameter('c', None) -> KeyError "attribute 'c' already exists"
  // m.c = nn.Tanh(); repr(m) -> 'Module(\n  (c): Tanh()\n)'
  // m = nn.Module(); m.c = None; repr(m) -> 'Module()'
  it('null assigned over a submodule leaves a None entry', () => {
    const m = loose(new nn.Module());
    m.c = new nn.ReLU();
    expect(String(m)).toBe('Module(\n  (c): ReLU()\n)'); // JS sees the module in a scan: see docs/nn.md
    m.c = null;
    expect(String(m)).toBe('Module(\n  (c): None\n)');
    expect(names(m.namedChildren())).toEqual([]);
    expect(() => m.registerParameter('c', null)).toThrow("attribute 'c' already exists");
    m.c = new nn.Tanh();
    expect(String(m)).toBe('Module(\n  (c): Tanh()\n)');
    const fresh = loose(new nn.Module());
    fresh.c = null;
    expect(String(fresh)).toBe('Module()');
  });

  // m = nn.Module(); m.p = nn.Parameter(torch.zeros(1)); m.p = None
  // list(m._parameters.items()), named_parameters -> [('p', None)] []
  // m.add_module('p', None) -> KeyError "attribute 'p' already exists"
  // m.p = nn.Parameter(torch.zeros(2)) -> named_parameters ['p']
  it('null assigned over a parameter leaves a None entry', () => {
    const m = loose(new nn.Module());
    m.p = new nn.Parameter(torch.zeros(1));
    expect(names(m.namedParameters())).toEqual(['p']);
    m.p = null;
    expect(names(m.namedParameters())).toEqual([]);
    expect((m as unknown as { _parameters(): [string, unknown][] })._parameters()).toEqual([['p', null]]);
    expect(() => m.addModule('p', null)).toThrow("attribute 'p' already exists");
    m.p = new nn.Parameter(torch.zeros(2));
    expect(names(m.namedParameters())).toEqual(['p']);
  });

  it('with a registration hook (modules are Proxies), deletes and null assignments are seen as they happen', () => {
    const handle = nn.registerModuleModuleRegistrationHook(() => undefined);
    try {
      const m = loose(new nn.Module());
      m.c = new nn.ReLU();
      m.c = null; // no scan between: the Proxy sees it
      expect(String(m)).toBe('Module(\n  (c): None\n)');
      m.registerBuffer('b', torch.zeros(2));
      delete m.b;
      m.b = torch.ones(2); // Python: a plain attribute after `del m.b`
      expect(names(m.namedBuffers())).toEqual([]);
    } finally {
      handle.remove();
    }
  });
});

describe('getSubmodule / getParameter / getBuffer (Python\'s AttributeError texts)', () => {
  // net = nn.Sequential(nn.Linear(2, 2)); net.register_buffer('nb', None); net.add_module('x', None)
  // get_submodule('0.weight') -> AttributeError `weight` is not an nn.Module
  // get_submodule('zz') -> AttributeError Sequential has no attribute `zz`
  // get_submodule('x') -> AttributeError `x` is not an nn.Module
  // get_parameter('0.zz') -> AttributeError Linear has no attribute `zz`
  // get_parameter('0.in_features') -> AttributeError `in_features` is not an nn.Parameter (inFeatures here)
  // get_buffer('0.weight') -> AttributeError `weight` is not a buffer
  // get_buffer('nb') -> None
  // get_parameter('zz.w') -> AttributeError Sequential has no attribute `zz`
  it('same texts after the function name', () => {
    const net = new nn.Sequential(new nn.Linear(2, 2));
    net.registerBuffer('nb', null);
    net.addModule('x', null);
    expect(() => net.getSubmodule('0.weight')).toThrow('getSubmodule: `weight` is not an nn.Module');
    expect(() => net.getSubmodule('zz')).toThrow('getSubmodule: Sequential has no attribute `zz`');
    expect(() => net.getSubmodule('x')).toThrow('getSubmodule: `x` is not an nn.Module');
    expect(() => net.getParameter('0.zz')).toThrow('getParameter: Linear has no attribute `zz`');
    expect(() => net.getParameter('0.inFeatures')).toThrow('getParameter: `inFeatures` is not an nn.Parameter');
    expect(() => net.getBuffer('0.weight')).toThrow('getBuffer: `weight` is not a buffer');
    expect(net.getBuffer('nb')).toBeNull();
    expect(() => net.getParameter('zz.w')).toThrow('getParameter: Sequential has no attribute `zz`');
    expect(net.getParameter('0.weight')).toBe(net.at(0).getParameter('weight'));
  });
});

describe('dict containers', () => {
  // nn.ParameterDict({'b':…, 'a':…, 'C':…, '10':…, '9':…}).keys() -> ['10', '9', 'C', 'a', 'b']
  // pd.update({'z':…, 'c':…}) -> ['10', '9', 'C', 'a', 'b', 'c', 'z']
  // nn.ParameterDict(OrderedDict([('b',…), ('a',…)])) -> ['b', 'a']; from pairs -> ['b', 'a']
  // nn.ModuleDict({'b': nn.ReLU(), 'a': nn.ReLU()}).keys() -> ['b', 'a']
  it('ParameterDict sorts a plain object\'s keys (a Python dict), not a Map\'s (an OrderedDict) or pairs', () => {
    const z = (): torch.Tensor => torch.zeros(1);
    const pd = new nn.ParameterDict({ b: z(), a: z(), C: z(), 10: z(), 9: z() });
    expect(pd.keys()).toEqual(['10', '9', 'C', 'a', 'b']);
    pd.update({ z: z(), c: z() });
    expect(pd.keys()).toEqual(['10', '9', 'C', 'a', 'b', 'c', 'z']);
    expect(new nn.ParameterDict(new Map([['b', z()], ['a', z()]])).keys()).toEqual(['b', 'a']);
    expect(new nn.ParameterDict([['b', z()], ['a', z()]]).keys()).toEqual(['b', 'a']);
    expect(new nn.ModuleDict({ b: new nn.ReLU(), a: new nn.ReLU() }).keys()).toEqual(['b', 'a']);
    // Python's sorted() compares code points: U+FF5E before U+1F600, which JS's < (UTF-16 units) reverses
    expect(new nn.ParameterDict({ '\u{1F600}': z(), '\uFF5E': z() }).keys()).toEqual(['\uFF5E', '\u{1F600}']);
  });

  // nn.ModuleDict({'length': nn.ReLU()}) -> accepted (a Python attribute is not named length)
  // nn.ModuleDict({'keys': nn.ReLU()}) -> KeyError "attribute 'keys' already exists"
  it('a name the class defines as a method or getter is refused as PyTorch refuses an existing attribute', () => {
    expect(() => new nn.ModuleDict({ length: new nn.ReLU() })).toThrow("attribute 'length' already exists");
    expect(() => new nn.ModuleDict({ keys: new nn.ReLU() })).toThrow("attribute 'keys' already exists");
    expect(() => new nn.ParameterList().registerBuffer('length', null)).toThrow("attribute 'length' already exists");
    class Scaled extends nn.Module {
      get scale(): number { return 2; }
    }
    expect(() => new Scaled().registerBuffer('scale', null)).toThrow("attribute 'scale' already exists");
    expect(() => new nn.Module().addModule('__proto__', new nn.ReLU())).toThrow("attribute '__proto__' already exists");
  });

  // pd = nn.ParameterDict({'a': torch.zeros(1)}); pd.get('x'), pd.get('x', 3), pd.get('a').shape -> None 3 torch.Size([1])
  // md = nn.ModuleDict({'a': None, 'b': nn.ReLU()}); repr(md), len(md) -> 'ModuleDict(\n  (a): None\n  (b): ReLU()\n)' 2
  it('ParameterDict.get gives null (or the default) for a missing key; ModuleDict takes null values', () => {
    const pd = new nn.ParameterDict({ a: torch.zeros(1) });
    expect(pd.get('x')).toBeNull();
    expect(pd.get('x', 3)).toBe(3);
    expect(pd.get('a')!.shape).toEqual([1]);
    expect(() => pd.pop('x')).toThrow(KeyError);
    const md = new nn.ModuleDict({ a: null, b: new nn.ReLU() });
    expect(String(md)).toBe('ModuleDict(\n  (a): None\n  (b): ReLU()\n)');
    expect(md.length).toBe(2);
    expect(() => new nn.ModuleDict({ a: 3 as unknown as torch.nn.Module })).toThrow(TypeError);
  });

  // pd = nn.ParameterDict(OrderedDict([('b', torch.zeros(1)), ('a', torch.ones(2))])); p = pd.setdefault('c', torch.full((3,), 2.))
  // type(p).__name__, list(pd.keys()), pd.setdefault('a', torch.zeros(5)).shape -> Parameter ['b', 'a', 'c'] torch.Size([2])
  // k, v = pd.popitem() -> 'c' torch.Size([3]), keys ['b', 'a']; c = pd.copy() -> ['b', 'a'], c['a'] is pd['a'] True
  // nn.ParameterDict().popitem(), pd.pop('zz'), nn.ModuleDict()['zz'] -> KeyError
  it('ParameterDict.setdefault, popitem and copy; a missing key is a KeyError', () => {
    const pd = new nn.ParameterDict(new Map([['b', torch.zeros(1)], ['a', torch.ones(2)]]));
    const p = pd.setdefault('c', torch.full([3], 2.5));
    expect([p instanceof nn.Parameter, pd.keys(), pd.setdefault('a', torch.zeros(5)).shape]).toEqual([true, ['b', 'a', 'c'], [2]]);
    const [k, v] = pd.popitem();
    expect([k, v.shape, pd.keys(), v === p]).toEqual(['c', [3], ['b', 'a'], true]);
    const c = pd.copy();
    expect([c.keys(), c.get('a') === pd.get('a'), c === pd]).toEqual([['b', 'a'], true, false]);
    expect(() => new nn.ParameterDict().popitem()).toThrow(KeyError);
    expect(() => pd.pop('zz')).toThrow(KeyError);
    expect(() => new nn.ModuleDict().get('zz')).toThrow(KeyError);
  });

  // r = nn.ReLU; O = OrderedDict
  // md = nn.ModuleDict(O([('b', r()), ('1', r()), ('a', r()), ('0', r())])); md.pop('b') -> ['1', 'a', '0']; md['b'] = r() -> ['1', 'a', '0', 'b']
  // md = nn.ModuleDict(O([('x', r()), ('b', r()), ('1', r()), ('a', r())])); md.pop('b'); md['b'] = r() -> ['x', '1', 'a', 'b']
  // the same with del md['b'] -> ['x', '1', 'a', 'b']
  it('an integer-like name whose predecessor is deleted and registered again keeps its place', () => {
    const r = (): torch.nn.Module => new nn.ReLU();
    let md = new nn.ModuleDict(new Map([['b', r()], ['1', r()], ['a', r()], ['0', r()]]));
    md.pop('b');
    expect(md.keys()).toEqual(['1', 'a', '0']);
    md.set('b', r());
    expect(md.keys()).toEqual(['1', 'a', '0', 'b']);
    md = new nn.ModuleDict(new Map([['x', r()], ['b', r()], ['1', r()], ['a', r()]]));
    md.pop('b');
    md.set('b', r());
    expect(md.keys()).toEqual(['x', '1', 'a', 'b']);
    md = new nn.ModuleDict(new Map([['x', r()], ['b', r()], ['1', r()], ['a', r()]]));
    md.keys();
    delete md.b;
    md.set('b', r());
    expect(md.keys()).toEqual(['x', '1', 'a', 'b']);
  });
});
