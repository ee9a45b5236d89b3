// nn containers against PyTorch 2.13: ModuleDict's None entries, ParameterList slicing, and the
// container operators (`+`, `+=`, `*`, `*=` as add, add_, mul, mul_). Each case quotes the Python it was
// checked with and what Python 2.13 printed.
import { describe, expect, it } from 'vitest';
import { KeyError } from '../lib/errors.js';
import * as torch from '../lib/index.js';

const { nn } = torch;
const kinds = (ms: Iterable<torch.nn.Module>): string[] => [...ms].map((m) => m.constructor.name);
const thrown = (fn: () => unknown): [string, string] => {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return ['', 'no error'];
};

describe('ModuleDict None entries', () => {
  // a = nn.Linear(1,1); d = nn.ModuleDict({'a': a}); d['b'] = None
  // list(d.keys()), values, items, len(d), 'b' in d, d['b'], list(d)
  //   -> ['a', 'b'] [a, None] [('a', a), ('b', None)] 2 True None ['a', 'b']
  // c = nn.ModuleDict(d); list(c.keys()), c['b'] -> ['a', 'b'] None
  // d.pop('b'), list(d.keys()), 'b' in d -> None ['a'] False
  // d['c'] = None; d.clear(); list(d.keys()), len(d) -> [] 0
  // d['zz'] -> KeyError, str(e) "'zz'"
  it('keys, values, items, has, get, pop and clear see None entries as Python does', () => {
    const a = new nn.Linear(1, 1);
    const d = new nn.ModuleDict<torch.nn.Module | null>({ a });
    d.set('b', null);
    expect([d.keys(), d.values(), d.items(), d.length, d.has('b'), d.get('b'), [...d]]).toEqual([
      ['a', 'b'], [a, null], [['a', a], ['b', null]], 2, true, null, ['a', 'b'],
    ]);
    const c = new nn.ModuleDict(d);
    expect([c.keys(), c.get('b')]).toEqual([['a', 'b'], null]);
    expect([d.pop('b'), d.keys(), d.has('b')]).toEqual([null, ['a'], false]);
    d.set('c', null);
    d.clear();
    expect([d.keys(), d.length]).toEqual([[], 0]);
    expect(() => d.get('zz')).toThrow(KeyError);
    expect(thrown(() => d.get('zz'))).toEqual(['KeyError', "'zz'"]);
  });
});

describe('slicing', () => {
  // ps = [nn.Parameter(torch.full((1,), float(i))) for i in range(5)]; pl = nn.ParameterList(ps)
  // r = pl[s]; type(r).__name__, values, each `is` the original, list(r._parameters.keys()):
  //   [1:3]   -> ParameterList [1.0, 2.0] [True, True] ['0', '1']
  //   [-2:]   -> [3.0, 4.0]; [::2] -> [0.0, 2.0, 4.0]; [::-1] -> [4.0, 3.0, 2.0, 1.0, 0.0]
  //   [3:1]   -> []; [-10:10] -> [0.0, 1.0, 2.0, 3.0, 4.0]
  it('ParameterList.slice gives a new ParameterList of the same Parameters', () => {
    const ps = [0, 1, 2, 3, 4].map((i) => new nn.Parameter(torch.full([1], i, { dtype: torch.float32 })));
    const pl = new nn.ParameterList(ps);
    const picked = (r: torch.nn.ParameterList): number[] => [...r].map((p) => ps.indexOf(p));
    const r = pl.slice(1, 3);
    expect([r instanceof nn.ParameterList, picked(r), r.namedParameters().map(([n]) => n)]).toEqual([true, [1, 2], ['0', '1']]);
    expect(picked(pl.slice(-2))).toEqual([3, 4]);
    expect(picked(pl.slice(undefined, undefined, 2))).toEqual([0, 2, 4]);
    expect(picked(pl.slice(undefined, undefined, -1))).toEqual([4, 3, 2, 1, 0]);
    expect(picked(pl.slice(3, 1))).toEqual([]);
    expect(picked(pl.slice(-10, 10))).toEqual([0, 1, 2, 3, 4]);
  });

  // s = nn.Sequential(OrderedDict([('a', r), ('b', t), ('c', g)])); list(s[::2]._modules), list(s[::-2]._modules), list(s[2:0:-1]._modules)
  //   -> ['a', 'c'] ['c', 'a'] ['c', 'b']
  // list(nn.ModuleList([r, t, g])[::-1]._modules) -> ['0', '1', '2'] holding g, t, r
  // [1:2:0] -> ValueError slice step cannot be zero; [1.5:] -> TypeError slice indices must be integers or None or have an __index__ method
  it('Sequential and ModuleList slices take a step, Python bounds and errors', () => {
    const s = new nn.Sequential(new Map<string, torch.nn.Module>([['a', new nn.ReLU()], ['b', new nn.Tanh()], ['c', new nn.Sigmoid()]]));
    const names = (m: torch.nn.Module): string[] => m.namedChildren().map(([n]) => n);
    expect([names(s.slice(undefined, undefined, 2)), names(s.slice(undefined, undefined, -2)), names(s.slice(2, 0, -1))]).toEqual([['a', 'c'], ['c', 'a'], ['c', 'b']]);
    const ml = new nn.ModuleList([...s]).slice(undefined, undefined, -1);
    expect([names(ml), kinds(ml)]).toEqual([['0', '1', '2'], ['Sigmoid', 'Tanh', 'ReLU']]);
    expect(thrown(() => s.slice(1, 2, 0))).toEqual(['RangeError', 'slice step cannot be zero']);
    expect(thrown(() => ml.slice(1.5))).toEqual(['TypeError', 'slice indices must be integers or None or have an __index__ method']);
  });
});

describe('container operators', () => {
  // a, b = nn.ReLU(), nn.Tanh(); s = nn.Sequential(a, b); t = s * 3
  // list(t._modules.keys()), each is a/b, len(t), len(list(t.children())) -> ['0'..'5'] all True 6 2
  // list((2 * s)._modules.keys()) -> ['0', '1', '2', '3']
  // s * 0 -> ValueError Non-positive multiplication factor 0 for <class 'torch.nn.modules.container.Sequential'>
  // s * -1 -> ValueError ... -1 ...; s * 2.0 -> TypeError unsupported operand type(s) for *:
  //   <class 'torch.nn.modules.container.Sequential'> and <class 'float'>
  it('Sequential.mul repeats the same modules, renumbered', () => {
    const a = new nn.ReLU();
    const b = new nn.Tanh();
    const s = new nn.Sequential(a, b);
    const t = s.mul(3);
    expect([t.namedChildren().length, t.length, [...t].every((m, i) => m === [a, b][i % 2]), t === s]).toEqual([2, 6, true, false]);
    expect(Object.keys(t).filter((k) => /^\d+$/.test(k))).toEqual(['0', '1', '2', '3', '4', '5']);
    const seq = "<class 'torch.nn.modules.container.Sequential'>";
    expect(thrown(() => s.mul(0))).toEqual(['RangeError', `Non-positive multiplication factor 0 for ${seq}`]);
    expect(thrown(() => s.mul(-1))).toEqual(['RangeError', `Non-positive multiplication factor -1 for ${seq}`]);
    expect(thrown(() => s.mul(2.5))).toEqual(['TypeError', `unsupported operand type(s) for *: ${seq} and <class 'float'>`]);
  });

  // s2 = nn.Sequential(a, b); r = s2; s2 *= 2; r is s2, list(s2._modules.keys()) -> True ['0', '1', '2', '3']
  // n = nn.Sequential(OrderedDict([('x', a), ('y', b)])); n *= 2 -> KeyError '0'
  // list((n * 2)._modules.keys()) -> ['0', '1', '2', '3']
  it('Sequential.mul_ extends in place, reading the modules named 0..n-1 as Python does', () => {
    const a = new nn.ReLU();
    const b = new nn.Tanh();
    const s = new nn.Sequential(a, b);
    expect(s.mul_(2)).toBe(s);
    expect([s.namedModules().length, kinds(s), s.at(2)]).toEqual([3, ['ReLU', 'Tanh', 'ReLU', 'Tanh'], a]);
    const named = new nn.Sequential({ x: a, y: b });
    expect(named.mul(2).length).toBe(4);
    expect(thrown(() => named.mul_(2))).toEqual(['KeyError', "'0'"]);
  });

  // s3 = nn.Sequential(a); s3 += nn.Sequential(b, c) -> keys ['0', '1', '2'], ReLU Tanh Sigmoid
  // n2 = nn.Sequential(OrderedDict([('x', a), ('y', b)])); n2 += nn.Sequential(c) -> ['x', 'y', '2']
  // list((n + s)._modules.keys()) -> ['0', '1', '2', '3']
  // s + nn.ModuleList([c]) (and s += ...) -> ValueError add operator supports only objects of Sequential class,
  //   but <class 'torch.nn.modules.container.ModuleList'> is given.
  it('Sequential.add and add_ take only a Sequential', () => {
    const [a, b, c] = [new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid()];
    const s3 = new nn.Sequential(a);
    expect(s3.add_(new nn.Sequential(b, c))).toBe(s3);
    expect([s3.namedChildren().map(([n]) => n), kinds(s3)]).toEqual([['0', '1', '2'], ['ReLU', 'Tanh', 'Sigmoid']]);
    const n2 = new nn.Sequential({ x: a, y: b }).add_(new nn.Sequential(c));
    expect(n2.namedChildren().map(([n]) => n)).toEqual(['x', 'y', '2']);
    const sum = new nn.Sequential({ x: a, y: b }).add(new nn.Sequential(c));
    expect([sum.namedChildren().map(([n]) => n), kinds(sum)]).toEqual([['0', '1', '2'], ['ReLU', 'Tanh', 'Sigmoid']]);
    const message = "add operator supports only objects of Sequential class, but <class 'torch.nn.modules.container.ModuleList'> is given.";
    expect(thrown(() => s3.add(new nn.ModuleList([c]) as never))).toEqual(['RangeError', message]);
    expect(thrown(() => s3.add_(new nn.ModuleList([c]) as never))).toEqual(['RangeError', message]);
  });

  // s = copy.deepcopy(nn.Sequential(nn.ReLU(), nn.Tanh())); len(s * 2), len(s + s), s *= 2; len(s) -> 4 4 4
  it('a deep copy of a Sequential (AveragedModel) keeps its operators', () => {
    const s = new torch.optim.swaUtils.AveragedModel(new nn.Sequential(new nn.ReLU(), new nn.Tanh())).module as torch.nn.Sequential;
    expect([s.mul(2).length, s.add(s).length, s.mul_(2).length]).toEqual([4, 4, 4]);
  });

  // ml = nn.ModuleList([a]); r = ml + nn.Sequential(b, c); type(r).__name__, kinds, r is ml -> ModuleList ['ReLU', 'Tanh', 'Sigmoid'] False
  // type(ml + [b]).__name__ -> ModuleList; ml + 3 -> TypeError 'int' object is not iterable
  // m2 = ml; ml += [b, c]; m2 is ml, len(ml) -> True 3
  // pl = nn.ParameterList([nn.Parameter(torch.zeros(1))]); p2 = pl; pl += [torch.ones(2)]; p2 is pl, len(pl), type(pl[1]).__name__ -> True 2 Parameter
  it('ModuleList.add takes any iterable of modules; ModuleList.add_ and ParameterList.add_ extend in place', () => {
    const [a, b, c] = [new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid()];
    const ml = new nn.ModuleList([a]);
    const r = ml.add(new nn.Sequential(b, c));
    expect([r instanceof nn.ModuleList, kinds(r), r === ml, ml.length]).toEqual([true, ['ReLU', 'Tanh', 'Sigmoid'], false, 1]);
    expect(ml.add([b]) instanceof nn.ModuleList).toBe(true);
    expect(thrown(() => ml.add(3 as never))).toEqual(['TypeError', "'int' object is not iterable"]);
    expect([ml.add_([b, c]) === ml, ml.length]).toEqual([true, 3]);
    const pl = new nn.ParameterList([new nn.Parameter(torch.zeros(1))]);
    expect([pl.add_([torch.ones(2)]) === pl, pl.length, pl.at(1) instanceof nn.Parameter]).toEqual([true, 2, true]);
  });
});
