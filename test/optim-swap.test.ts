// optim.swapInOptimizerParamsAndState against Python torch 2.13 (test/fixtures/swap-in-optimizer.json from
// scripts/make-swap-in-optimizer-fixtures.py): the swapped-in parameters and state tensors after two steps inside,
// bit-exact; the live optimizer untouched afterwards; and Python's message for each malformed input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';

type T = torch.Tensor;
type Enc = Record<string, unknown>;
interface EncOsd {
  state: Record<string, Enc>;
  param_groups: Enc[];
}
interface Case {
  optimizer: 'Adam' | 'AdamW' | 'SGD';
  options: Enc;
  groups: string[][];
  group_options: Enc[];
  live_grads: Enc;
  live_params: Enc;
  swap_params: Enc;
  swap_grads: Enc;
  osd: EncOsd;
  lr_inside: number[];
  params_are_swapped: boolean;
  state_keys_inside: string[][];
  swap_params_after: Enc;
  osd_after: EncOsd;
  live_lr_after: number[];
  live_state_after: EncOsd;
  live_state_unchanged: boolean;
}
const fixture = JSON.parse(readFileSync(new URL('fixtures/swap-in-optimizer.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Record<string, Case>;
  errors: Record<string, { type: string; message: string }>;
};
const { optim } = torch;

const camel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Enc): Enc => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), decode(v)]));
const tensors = (o: Enc): Record<string, T> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v) as T]));
const decodeOsd = (o: EncOsd): torch.optim.OptimizerStateDict => ({
  state: Object.fromEntries(Object.entries(o.state).map(([id, s]) => [id, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, decode(v)]))])),
  param_groups: o.param_groups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, decode(v)]))),
});

function expectSame(actual: unknown, expected: unknown, what: string): void {
  expect(compare(actual, expected, { exact: true }), what).toBeNull();
}

function expectStateDict(actual: torch.optim.OptimizerStateDict, expected: EncOsd, what: string): void {
  expect(Object.keys(actual.state).sort(), `${what}: parameter ids`).toEqual(Object.keys(expected.state).sort());
  for (const [id, s] of Object.entries(expected.state)) {
    const got = actual.state[id]!;
    expect(Object.keys(got).sort(), `${what}: state ${id} keys`).toEqual(Object.keys(s).sort());
    for (const [k, v] of Object.entries(s)) expectSame(got[k], v, `${what}: state ${id}.${k}`);
  }
}

describe('optim.swapInOptimizerParamsAndState', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: steps the swapped-in parameters and state as Python does, and restores the live optimizer`, () => {
      const live = tensors(c.live_params);
      const params = Object.fromEntries(Object.entries(live).map(([n, p]) => [n, p.clone().requiresGrad_()]));
      const groups = c.groups.map((names, i) => ({ params: names.map((n) => params[n]!), ...camelKeys(c.group_options[i]!) }));
      const Optim = optim[c.optimizer] as unknown as new (p: unknown, o: Enc) => torch.optim.Optimizer;
      const opt = new Optim(groups, camelKeys(c.options));
      const liveGrads = tensors(c.live_grads);
      for (const [n, p] of Object.entries(params)) p.grad = liveGrads[n]!.clone();
      // State to swap away from: loaded from Python's state dict after its three live steps.
      opt.loadStateDict(decodeOsd(c.live_state_after));
      const liveStateBefore = opt.stateDict();
      const liveLr = opt.paramGroups.map((g) => g.lr);

      const swapParams = Object.fromEntries(Object.entries(tensors(c.swap_params)).map(([n, p]) => [n, p.requiresGrad_()]));
      const swapGrads = tensors(c.swap_grads);
      for (const [n, p] of Object.entries(swapParams)) p.grad = swapGrads[n]!;
      const osd = decodeOsd(c.osd);
      let lrInside: unknown[] = [];
      let swappedIn = false;
      let keysInside: string[][] = [];
      const returned = optim.swapInOptimizerParamsAndState(opt, swapParams, osd, () => {
        lrInside = opt.paramGroups.map((g) => g.lr);
        swappedIn = opt.paramGroups.flatMap((g) => g.params).every((p, i) => p === Object.values(swapParams)[i]);
        opt.step();
        opt.step();
        keysInside = Object.values(swapParams).map((p) => Object.keys(opt.state.get(p) ?? {}).sort());
        return 'done';
      });
      expect(returned).toBe('done');
      expect(lrInside).toEqual(c.lr_inside);
      expect(swappedIn).toBe(c.params_are_swapped);
      expect(keysInside).toEqual(c.state_keys_inside);
      for (const [n, p] of Object.entries(swapParams)) expectSame(p.detach(), c.swap_params_after[n], `swapped-in ${n}`);
      expectStateDict(osd, c.osd_after, 'swapped-in state');

      // The live optimizer: its own parameters (untouched), options and state are back.
      for (const [n, p] of Object.entries(params)) expect(torch.equal(p.detach(), live[n]!), `live ${n}`).toBe(true);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(c.live_lr_after);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(liveLr);
      expect(opt.paramGroups.flatMap((g) => g.params)).toEqual(c.groups.flat().map((n) => params[n]));
      expect(c.live_state_unchanged).toBe(true);
      expectStateDict(opt.stateDict(), c.live_state_after, 'live state');
      expect(opt.stateDict().param_groups).toEqual(liveStateBefore.param_groups);
    });
  }

  it('also works as a `using` block, and restores when fn throws', () => {
    const c = fixture.cases['adam-two-groups']!;
    const params = Object.values(tensors(c.live_params)).map((p) => p.requiresGrad_());
    const opt = new torch.optim.Adam([{ params: [params[0]!] }, { params: [params[1]!], lr: 0.1 }], { lr: 0.01 });
    for (const p of params) p.grad = torch.onesLike(p);
    opt.step();
    const state = opt.state;
    const swap = params.map((p) => p.detach().clone().requiresGrad_());
    {
      using _swapped = optim.swapInOptimizerParamsAndState(opt, swap, opt.stateDict());
      expect(opt.paramGroups[0]!.params[0]).toBe(swap[0]);
      expect(opt.state).not.toBe(state);
    }
    expect(opt.paramGroups[0]!.params[0]).toBe(params[0]);
    expect(opt.state).toBe(state);
    expect(() => optim.swapInOptimizerParamsAndState(opt, swap, opt.stateDict(), () => {
      opt.paramGroups[0]!.lr = 7;
      throw new Error('inside');
    })).toThrow('inside');
    expect(opt.paramGroups[0]!.lr).toBe(0.01);
    expect(opt.paramGroups[0]!.params[0]).toBe(params[0]);
    expect(opt.state).toBe(state);
  });

  it('keeps an async fn swapped in until its promise settles', async () => {
    const p = torch.ones(2).requiresGrad_();
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = torch.ones(2);
    opt.step();
    const q = torch.zeros(2).requiresGrad_();
    const pending = optim.swapInOptimizerParamsAndState(opt, [q], opt.stateDict(), async () => {
      await Promise.resolve();
      return opt.paramGroups[0]!.params[0];
    });
    expect(opt.paramGroups[0]!.params[0]).toBe(q);
    expect(await pending).toBe(q);
    expect(opt.paramGroups[0]!.params[0]).toBe(p);
  });

  describe("Python's message for each malformed input, with the optimizer left as it was", () => {
    const build = (): { opt: torch.optim.Adam; params: Record<string, T> } => {
      const params = { w: torch.randn(3, 2).requiresGrad_(), b: torch.randn(3).requiresGrad_() };
      const opt = new torch.optim.Adam([params.w, params.b], { lr: 0.01 });
      for (const p of Object.values(params)) p.grad = torch.onesLike(p);
      return { opt, params };
    };
    const edited = (opt: torch.optim.Optimizer, edit: (o: Record<string, any>) => void): torch.optim.OptimizerStateDict => {   // eslint-disable-line @typescript-eslint/no-explicit-any
      const sd = opt.stateDict() as unknown as Record<string, any>;   // eslint-disable-line @typescript-eslint/no-explicit-any
      sd.param_groups = sd.param_groups.map((g: object) => ({ ...g }));
      sd.state = { ...sd.state };
      edit(sd);
      return sd as torch.optim.OptimizerStateDict;
    };
    const inputs: Record<string, (opt: torch.optim.Optimizer, params: Record<string, T>) => [unknown, unknown]> = {
      'not-a-dict': (_, p) => [p, [1, 2]],
      'state-not-a-dict': (o, p) => [p, edited(o, (sd) => (sd.state = []))],
      'state-entry-not-a-dict': (o, p) => [p, edited(o, (sd) => (sd.state[0] = 3))],
      'param-groups-not-a-list': (o, p) => [p, edited(o, (sd) => (sd.param_groups = {}))],
      'group-count': (o, p) => [p, edited(o, (sd) => sd.param_groups.push({ ...sd.param_groups[0] }))],
      'group-not-a-dict': (o, p) => [p, edited(o, (sd) => (sd.param_groups[0] = 5))],
      'params-not-ids': (o, p) => [p, edited(o, (sd) => (sd.param_groups[0].params = ['w', 'b']))],
      'param-count': (o, p) => [p, edited(o, (sd) => (sd.param_groups[0].params = [0]))],
      'group-keys': (o, p) => [p, edited(o, (sd) => { delete sd.param_groups[0].eps; sd.param_groups[0].foo = 1; })],
      'too-few-parameters': (o, p) => [{ w: p.w }, o.stateDict()],
      'extra-state-keys': (o, p) => [p, edited(o, (sd) => (sd.state[7] = {}))],
    };
    it('uninitialized state', () => {
      const { opt, params } = build();
      expect(() => optim.swapInOptimizerParamsAndState(opt, params, opt.stateDict())).toThrow(`optim.swapInOptimizerParamsAndState: ${fixture.errors.uninitialized!.message}`);
    });
    for (const [name, make] of Object.entries(inputs)) {
      it(name, () => {
        const { opt, params } = build();
        opt.step();
        const [swapParams, osd] = make(opt, params);
        const state = opt.state;
        const groupsBefore = opt.paramGroups.map((g) => ({ ...g }));
        expect(fixture.errors[name]!.type).toBe('RuntimeError');
        expect(() => optim.swapInOptimizerParamsAndState(opt, swapParams as Record<string, T>, osd as torch.optim.OptimizerStateDict)).toThrow(`optim.swapInOptimizerParamsAndState: ${fixture.errors[name]!.message}`);
        expect(opt.state).toBe(state);
        expect(opt.paramGroups).toEqual(groupsBefore);
      });
    }
    it('every Python error case is covered', () => {
      expect(Object.keys(fixture.errors).sort()).toEqual(['uninitialized', ...Object.keys(inputs)].sort());
    });
    it('refuses state keyed by tensors, and a non-tensor parameter', () => {
      const { opt, params } = build();
      opt.step();
      const byTensor = { state: new Map([[params.w, {}]]) as unknown as Map<number, torch.optim.ParamState>, param_groups: opt.stateDict().param_groups };
      expect(() => optim.swapInOptimizerParamsAndState(opt, params, byTensor)).toThrow("requires optimizer.state_dict()-style state keyed by packed parameter ids.");
      expect(() => optim.swapInOptimizerParamsAndState(opt, { w: params.w, b: 3 as never }, opt.stateDict())).toThrow('swapinParameters[1] must be a Tensor, got number');
    });
  });
});
