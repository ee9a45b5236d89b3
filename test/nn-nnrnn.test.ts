// torch.nn recurrent and attention families against PyTorch 2.13: RNN/LSTM/GRU and their cells,
// nn.utils.rnn (pack/pad), F.scaledDotProductAttention, F.multiHeadAttentionForward, MultiheadAttention
// and the Transformer family. Each case (test/fixtures/nn-nnrnn.json, from scripts/make-nn-nnrnn-fixtures.py)
// is data: the layer, its constructor and forward arguments; the test builds it under the same seed,
// compares parameters bit for bit, the repr and state_dict keys, the forward result, and the gradients
// of sum(out * g) for inputs and parameters. Results through BLAS carry the fixture's small tolerance.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
const { testing } = torch;
import { check, makeTensor, type Enc, type TensorEnc, type Tol } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type ResultEnc = Enc | { packed: Enc[] } | { seq: ResultEnc[] };
interface ModuleCase {
  name: string; kind: string; args: Json[]; kwargs: Record<string, Json>; seed: number; train: boolean; noGrad: boolean;
  forward: Json[]; fkwargs: Record<string, Json>; params: [string, TensorEnc][]; stateDictKeys: string[]; repr: string;
  result: ResultEnc; tol: Tol; gradOutputs?: (TensorEnc | null)[]; inputGrads?: TensorEnc[]; paramGrads?: [string, TensorEnc | null][];
  unpacked?: TensorEnc[]; tensors: Record<string, TensorEnc>;
}
interface FunctionCase {
  name: string; fn: string; args?: Json[]; pack?: Json[]; kwargs: Record<string, Json>; seed?: number; result?: ResultEnc; error?: string;
  tol?: Tol; gradOutputs?: (TensorEnc | null)[]; grads?: Record<string, TensorEnc>; tensors: Record<string, TensorEnc>;
}
interface StackCase {
  name: string; layerKwargs?: Record<string, Json>; norm?: boolean; train: boolean; noGrad: boolean; fkwargs?: Record<string, Json>;
  params: [string, TensorEnc][]; repr: string; result: TensorEnc; tol: Tol; gradOutputs?: TensorEnc[]; inputGrads?: TensorEnc[];
  paramGrads?: [string, TensorEnc][]; tensors: Record<string, TensorEnc>;
}
interface ErrorCase { name: string; kind: string; args: Json[]; kwargs: Record<string, Json>; forward: Json[]; errorType: string; error: string; tensors: Record<string, TensorEnc> }
interface CheckpointCase { name: string; kind: string; args: Json[]; kwargs: Record<string, Json>; forward: Json[]; stateDict: string; result: ResultEnc; tol: Tol; tensors: Record<string, TensorEnc> }
interface Fixture { modules: ModuleCase[]; functions: FunctionCase[]; stacks: StackCase[]; errors: ErrorCase[]; masks: Record<string, TensorEnc>; checkpoints: CheckpointCase[] }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-nnrnn.json', import.meta.url), 'utf8')) as Fixture;
const { nn } = torch;
const F = nn.functional;
const rnnUtils = nn.utils.rnn;
type Tensor = torch.Tensor;
const layers = nn as unknown as Record<string, new (...args: unknown[]) => torch.nn.Module>;

// The fixture's argument encoding: {t} names a stored tensor (one object per name, so identities hold),
// {tuple} an array, {dtype} a dtype name, {module} a new nn.<name>(), {fn} F.<name>, {packSequence} a PackedSequence
// packed here from stored tensors.
function decode(v: Json, T: Record<string, Tensor>): unknown {
  if (Array.isArray(v)) return v.map((e) => decode(e, T));
  if (v === null || typeof v !== 'object') return v;
  const only = (key: string): boolean => key in v && Object.keys(v).length === 1;
  if (only('t')) return T[v.t as string]!;
  if (only('tuple')) return (v.tuple as Json[]).map((e) => decode(e, T));
  if (only('dtype')) return v.dtype;
  if (only('module')) return new layers[v.module as string]!();
  if (only('fn')) return (F as unknown as Record<string, unknown>)[v.fn as string];
  if ('packSequence' in v) {
    const seqs = (v.packSequence as Json[]).map((e) => decode(e, T) as Tensor);
    for (const s of seqs) s.requiresGrad_(true);
    return rnnUtils.packSequence(seqs, { enforceSorted: v.enforceSorted as boolean });
  }
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decode(e, T)]));
}
const tensorsOf = (enc: Record<string, TensorEnc>): Record<string, Tensor> => Object.fromEntries(Object.entries(enc).map(([k, e]) => [k, makeTensor(e)]));
const withOptions = (args: unknown[], options: Record<string, unknown>): unknown[] => (Object.keys(options).length ? [...args, options] : args);

function checkResult(actual: unknown, exp: ResultEnc, tol: Tol | undefined, path: string): void {
  if ('packed' in exp) {
    expect(actual, `${path}: a PackedSequence`).toBeInstanceOf(rnnUtils.PackedSequence);
    const p = actual as torch.nn.utils.rnn.PackedSequence;
    exp.packed.forEach((e, i) => check(p[i], e, i === 0 ? tol : undefined, `${path}[${i}]`));
    expect(p.data).toBe(p[0]);
    expect(p.batchSizes).toBe(p[1]);
    expect(p.sortedIndices).toBe(p[2]);
    expect(p.unsortedIndices).toBe(p[3]);
  } else if ('seq' in exp) {
    expect(Array.isArray(actual), `${path}: an array`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path}: length`).toBe(exp.seq.length);
    exp.seq.forEach((e, i) => checkResult(a[i], e as ResultEnc, tol, `${path}[${i}]`));
  } else check(actual, exp, tol, path);
}

// The tensors of a result in order (a PackedSequence gives its data), as the generator's flat_outputs.
function flatOutputs(result: unknown): (Tensor | null)[] {
  if (result instanceof rnnUtils.PackedSequence) return [result.data];
  if (result === null) return [null];
  if (Array.isArray(result)) return result.flatMap(flatOutputs);
  return [result as Tensor];
}

function backwardOf(result: unknown, gradOutputs: (TensorEnc | null)[]): void {
  const outs = flatOutputs(result);
  expect(outs.length).toBe(gradOutputs.length);
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const g = gradOutputs[i];
    if (o === null || g === null || g === undefined) return;
    const term = o.mul(makeTensor(g)).sum();
    loss = loss === null ? term : loss.add(term);
  });
  (loss as unknown as Tensor).backward();
}

function checkParams(m: torch.nn.Module, params: [string, TensorEnc][]): void {
  const got = m.namedParameters();
  expect(got.map(([n]) => n)).toEqual(params.map(([n]) => n));
  got.forEach(([n, p], i) => check(p.detach(), params[i]![1], undefined, `param ${n}`));
}

function checkGrads(m: torch.nn.Module, leaves: Tensor[], c: { inputGrads?: TensorEnc[]; paramGrads?: [string, TensorEnc | null][]; tol: Tol }): void {
  expect(leaves.length).toBe(c.inputGrads!.length);
  leaves.forEach((x, i) => check(x.grad, c.inputGrads![i]!, c.tol, `input grad ${i}`));
  const named = new Map(m.namedParameters());
  for (const [n, g] of c.paramGrads!) {
    if (g === null) expect(named.get(n)!.grad, `grad of ${n}`).toBeNull();
    else check(named.get(n)!.grad, g, c.tol, `grad of ${n}`);
  }
}

describe('nn layers: construction, forward, gradients (PyTorch 2.13 fixtures)', () => {
  for (const c of fixture.modules) {
    it(c.name, () => {
      const T = tensorsOf(c.tensors);
      torch.manualSeed(c.seed);
      const m = new layers[c.kind]!(...withOptions(decode(c.args, T) as unknown[], decode(c.kwargs, T) as Record<string, unknown>));
      m.train(c.train);
      checkParams(m, c.params);
      expect(Object.keys(m.stateDict())).toEqual(c.stateDictKeys);
      expect(String(m)).toBe(c.repr);
      const inputs = decode(c.forward, T) as unknown[];
      const leaves: Tensor[] = [];
      if (c.gradOutputs) {
        if (inputs[0] instanceof rnnUtils.PackedSequence) {
          leaves.push(...(c.forward[0] as { packSequence: { t: string }[] }).packSequence.map((r) => T[r.t]!));
          for (const x of inputs.slice(1)) leaves.push(...(Array.isArray(x) ? (x as Tensor[]) : [x as Tensor]));
        } else {
          for (const x of inputs) {
            for (const t of Array.isArray(x) ? (x as Tensor[]) : [x]) {
              if (torch.isTensor(t) && t.dtype.isFloatingPoint) leaves.push(t.requiresGrad_(true));
            }
          }
        }
        for (const t of leaves) t.requiresGrad_(true);
      }
      const args = withOptions(inputs, decode(c.fkwargs, T) as Record<string, unknown>);
      const result = c.noGrad ? torch.noGrad(() => m.call(...args)) : m.call(...args);
      checkResult(result, c.result, c.tol, 'result');
      if (c.unpacked) {
        const [padded, lengths] = rnnUtils.padPackedSequence((result as [torch.nn.utils.rnn.PackedSequence])[0], { batchFirst: true });
        check(padded, c.unpacked[0]!, c.tol, 'padded output');
        check(lengths, c.unpacked[1]!, undefined, 'lengths');
      }
      if (c.gradOutputs) {
        backwardOf(result, c.gradOutputs);
        checkGrads(m, leaves, c);
      }
    });
  }
});

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  'rnn_utils.pad_sequence': rnnUtils.padSequence as never,
  'rnn_utils.pack_sequence': rnnUtils.packSequence as never,
  'rnn_utils.pack_padded_sequence': rnnUtils.packPaddedSequence as never,
  'F.scaled_dot_product_attention': F.scaledDotProductAttention as never,
  'F.multi_head_attention_forward': F.multiHeadAttentionForward as never,
  unpadSequence: rnnUtils.unpadSequence as never,
  padPackedSequence: rnnUtils.padPackedSequence as never,
  unpackSequence: rnnUtils.unpackSequence as never,
};

describe('nn.utils.rnn and attention functions (PyTorch 2.13 fixtures)', () => {
  for (const c of fixture.functions) {
    it(c.name, () => {
      const T = tensorsOf(c.tensors);
      const grads = Boolean(c.gradOutputs);
      if (grads) for (const t of Object.values(T)) if (t.dtype.isFloatingPoint) t.requiresGrad_(true);
      const positional = c.pack
        ? [rnnUtils.packSequence((decode(c.pack, T) as Tensor[]), { enforceSorted: false })]
        : (decode(c.args!, T) as unknown[]);
      const call = (): unknown => {
        torch.manualSeed(c.seed ?? 0);
        return FUNCTIONS[c.fn]!(...withOptions(positional, decode(c.kwargs, T) as Record<string, unknown>));
      };
      if (c.error !== undefined) {
        expect(call).toThrow(c.error);
        return;
      }
      const result = call();
      checkResult(result, c.result!, c.tol, 'result');
      if (grads) {
        backwardOf(result, c.gradOutputs!);
        for (const [name, g] of Object.entries(c.grads!)) check(T[name]!.grad, g, c.tol, `grad of ${name}`);
      }
    });
  }

  it('unpadSequence transposes a time-major input in place, as PyTorch does', () => {
    const padded = torch.zeros(4, 2, 3);
    rnnUtils.unpadSequence(padded, torch.tensor([4, 2]));
    expect(padded.shape).toEqual([2, 4, 3]);
  });

  it('PackedSequence is a named tuple: destructuring, fields, frozen, to()', () => {
    const packed = rnnUtils.packSequence([torch.ones(3, 2), torch.ones(1, 2)]);
    const [data, batchSizes, sortedIndices, unsortedIndices] = packed;
    expect(data).toBe(packed.data);
    expect(batchSizes!.tolist()).toEqual([2, 1, 1]);
    expect(sortedIndices).toBeNull();
    expect(unsortedIndices).toBeNull();
    expect(packed.length).toBe(4);
    expect(Object.isFrozen(packed)).toBe(true);
    expect(packed.to(torch.float32)).toBe(packed); // nothing to convert: the same object, as in Python
    const doubled = packed.double();
    expect(doubled.data.dtype).toBe(torch.float64);
    expect(doubled.batchSizes).toBe(packed.batchSizes);
    expect(() => new rnnUtils.PackedSequence(torch.ones(2), null)).toThrow(TypeError);
  });

  it('generateSquareSubsequentMask matches PyTorch', () => {
    for (const [n, e] of Object.entries(fixture.masks)) check(nn.Transformer.generateSquareSubsequentMask(Number(n)), e, undefined, `mask ${n}`);
  });
});

describe('TransformerEncoder / TransformerDecoder stacks (deep-copied layers)', () => {
  for (const c of fixture.stacks) {
    it(c.name, () => {
      const T = tensorsOf(c.tensors);
      torch.manualSeed(0);
      let m: torch.nn.Module;
      const inputs: Tensor[] = [];
      if (c.name === 'decoder') {
        m = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, 16), 2);
        inputs.push(T.t!, T.m!);
      } else {
        const layer = new nn.TransformerEncoderLayer(8, 2, 16, decode(c.layerKwargs ?? {}, T) as Record<string, unknown>);
        m = c.norm ? new nn.TransformerEncoder(layer, 2, new nn.LayerNorm(8), { enableNestedTensor: false }) : new nn.TransformerEncoder(layer, 2);
        inputs.push(T.x!);
      }
      m.train(c.train);
      checkParams(m, c.params);
      expect(String(m)).toBe(c.repr);
      if (!c.noGrad) for (const x of inputs) x.requiresGrad_(true);
      const args = withOptions(inputs, decode(c.fkwargs ?? {}, T) as Record<string, unknown>);
      const result = c.noGrad ? torch.noGrad(() => m.call(...args)) : m.call(...args);
      check(result, c.result, c.tol, 'result');
      if (c.gradOutputs) {
        backwardOf(result, c.gradOutputs);
        checkGrads(m, inputs, c);
      }
    });
  }

  it('every constructor argument may go in the options, as Python takes them by keyword', () => {
    // The same seed gives the same parameters by position and by keyword; the options object alone must do.
    const same = (a: torch.nn.Module, b: torch.nn.Module): void => {
      expect(String(a)).toBe(String(b));
      const sa = a.stateDict(), sb = b.stateDict();
      expect(Object.keys(sa)).toEqual(Object.keys(sb));
      for (const k of Object.keys(sa)) expect(sa[k]!.equal(sb[k]!), k).toBe(true);
    };
    const seeded = <M,>(make: () => M): M => (torch.manualSeed(0), make());
    same(seeded(() => new nn.MultiheadAttention(8, 2, 0.1, true, true)), seeded(() => new nn.MultiheadAttention({ embedDim: 8, numHeads: 2, dropout: 0.1, addBiasKv: true })));
    same(seeded(() => new nn.RNN(3, 4, 2, 'relu')), seeded(() => new nn.RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: 'relu' })));
    same(seeded(() => new nn.LSTM(3, 4, { projSize: 2 })), seeded(() => new nn.LSTM({ inputSize: 3, hiddenSize: 4, projSize: 2 })));
    same(seeded(() => new nn.GRU(3, 4, 1, false)), seeded(() => new nn.GRU({ inputSize: 3, hiddenSize: 4, bias: false })));
    same(seeded(() => new nn.RNNCell(3, 4, true, 'relu')), seeded(() => new nn.RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' })));
    same(seeded(() => new nn.LSTMCell(3, 4)), seeded(() => new nn.LSTMCell({ inputSize: 3, hiddenSize: 4 })));
    same(seeded(() => new nn.GRUCell(3, 4, false)), seeded(() => new nn.GRUCell({ inputSize: 3, hiddenSize: 4, bias: false })));
    same(seeded(() => new nn.TransformerEncoderLayer(8, 2, 16)), seeded(() => new nn.TransformerEncoderLayer({ dModel: 8, nhead: 2, dimFeedforward: 16 })));
    same(seeded(() => new nn.TransformerDecoderLayer(8, 2, 16)), seeded(() => new nn.TransformerDecoderLayer({ dModel: 8, nhead: 2, dimFeedforward: 16 })));
    same(
      seeded(() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16), 2, { enableNestedTensor: false })),
      seeded(() => new nn.TransformerEncoder({ encoderLayer: new nn.TransformerEncoderLayer(8, 2, 16), numLayers: 2, enableNestedTensor: false })),
    );
    same(
      seeded(() => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, 16), 2)),
      seeded(() => new nn.TransformerDecoder({ decoderLayer: new nn.TransformerDecoderLayer(8, 2, 16), numLayers: 2 })),
    );
    expect(() => new nn.RNN({ inputSize: 3 } as never)).toThrow('RNN: hidden_size should be of type int, got: NoneType');
    expect(() => new nn.LSTM(3, 4, { bias: 1 } as never)).toThrow('LSTM: bias should be of type bool, got: int');
    expect(() => new nn.MultiheadAttention(8, 2, 0.0, true, false, false, null, null, false, { embedDim: 4 } as never)).toThrow("got multiple values for argument 'embedDim'");
  });

  it('a lazy layer made float64 before its first call materializes in float64, as in PyTorch', () => {
    const m = new nn.LazyLinear(4).to(torch.float64);
    expect(m.weight.dtype).toBe(torch.float64);
    const y = m.call(torch.ones([2, 3], { dtype: torch.float64 }));
    expect([y.dtype, m.weight.dtype, m.weight.shape]).toEqual([torch.float64, torch.float64, [4, 3]]);
  });

  it('the clones are independent copies with equal weights', () => {
    torch.manualSeed(0);
    const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16), 2, { enableNestedTensor: false });
    const [a, b] = [...encoder.layers] as torch.nn.TransformerEncoderLayer[];
    expect(a).not.toBe(b);
    expect(a!.self_attn.in_proj_weight).not.toBe(b!.self_attn.in_proj_weight);
    expect(a!.self_attn.in_proj_weight!.equal(b!.self_attn.in_proj_weight!)).toBe(true);
    torch.noGrad(() => a!.linear1.weight.zero_());
    expect(b!.linear1.weight.abs().sum().item()).toBeGreaterThan(0);
  });
});

describe('MultiheadAttention outside its fast path, torch.backends.mha', () => {
  // Python 2.13's AssertionError texts, checked by hand (torch.no_grad, nested inputs of 4 and 2 rows of 8).
  const NOT_NESTED = 'MultiheadAttention does not support NestedTensor outside of its fast path. The fast path was not hit because ';
  const nested = () => torch.nested.nestedTensor([torch.randn([4, 8]), torch.randn([2, 8])]);

  it('a nested input that cannot take the fast path names why, as Python', () => {
    torch.noGrad(() => {
      const nt = nested();
      const mha = new torch.nn.MultiheadAttention(8, 2, { batchFirst: true });
      expect(() => mha.call(nt, nt, nt)).toThrow(NOT_NESTED + 'training is enabled');
      expect(() => new torch.nn.MultiheadAttention(8, 2).call(nt, nt, nt)).toThrow(NOT_NESTED + 'training is enabled');
      mha.eval();
      expect(() => mha.call(nt, nt, nt, { keyPaddingMask: torch.zeros([2, 4], { dtype: torch.bool }) }))
        .toThrow(NOT_NESTED + 'supplying both src_key_padding_mask and src_mask at the same time                                  is not supported with NestedTensor input');
      expect(() => new torch.nn.MultiheadAttention(8, 2, { batchFirst: true, bias: false }).eval().call(nt, nt, nt)).toThrow(new RegExp(`${NOT_NESTED.replace(/[.()]/g, '\\$&')}$`));
    });
  });

  it('torch.backends.mha.setFastpathEnabled(false) keeps MultiheadAttention and the encoder layer off their fast paths (same values)', () => {
    const x = torch.randn(2, 3, 8);
    const mha = new torch.nn.MultiheadAttention(8, 2, { batchFirst: true }).eval();
    const layer = new torch.nn.TransformerEncoderLayer(8, 2, 16, 0.0, { batchFirst: true }).eval();
    expect(torch.backends.mha.getFastpathEnabled()).toBe(true);
    torch.noGrad(() => {
      const [fast, fastLayer] = [mha.call(x, x, x)[0], layer.call(x) as torch.Tensor];
      torch.backends.mha.setFastpathEnabled(false);
      try {
        const nt = nested();
        expect(() => mha.call(nt, nt, nt)).toThrow(NOT_NESTED + 'torch.backends.mha.get_fastpath_enabled() was not True');
        testing.assertClose(mha.call(x, x, x)[0], fast);
        testing.assertClose(layer.call(x) as torch.Tensor, fastLayer);
      } finally {
        torch.backends.mha.setFastpathEnabled(true);
      }
    });
    expect(() => torch.backends.mha.setFastpathEnabled(1 as never)).toThrow(TypeError);
  });
});

describe('bad arguments and inputs raise errors that name the layer', () => {
  for (const c of fixture.errors) {
    it(`${c.name}: ${c.errorType}`, () => {
      const T = tensorsOf(c.tensors);
      let thrown: unknown;
      try {
        const m = new layers[c.kind]!(...withOptions(decode(c.args, T) as unknown[], decode(c.kwargs, T) as Record<string, unknown>));
        m.call(...(decode(c.forward, T) as unknown[]));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).message).toContain(c.error);
      if (c.forward.length && c.kind !== 'TransformerEncoderLayer') expect((thrown as Error).message).toMatch(new RegExp(`^${c.kind}`));
      if (c.errorType === 'TypeError') expect(thrown).toBeInstanceOf(TypeError);
    });
  }

  it('dropout on a one-layer RNN warns, as PyTorch does', async () => {
    const seen: string[] = [];
    const listener = (w: Error): void => void seen.push(w.message);
    process.on('warning', listener);
    try {
      new nn.LSTM(3, 4, { dropout: 0.5 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(seen).toContain('dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.5 and num_layers=1');
  });

  it('an LSTM state must be a pair of tensors', () => {
    const lstm = new nn.LSTM(3, 4);
    expect(() => lstm.call(torch.zeros(2, 1, 3), torch.zeros(1, 1, 4) as never)).toThrow(/LSTM: hx must be an array/);
  });

  it('unknown options are TypeErrors', () => {
    expect(() => new nn.GRU(3, 4, { hiddenLayers: 2 })).toThrow(TypeError);
    expect(() => new nn.MultiheadAttention(4, 2, { dropOut: 0.1 })).toThrow(TypeError);
    // F._in_projection's shape checks, with Python's tuple text: (4,) keeps its comma.
    const [q, w] = [torch.zeros(3, 1, 4), torch.zeros(4, 4)];
    const separate = (wK: Tensor, inProjBias: Tensor | null) =>
      F.multiHeadAttentionForward(q, q, q, 4, 2, null, inProjBias, null, null, false, 0, w, null, {
        useSeparateProjWeight: true, qProjWeight: w, kProjWeight: wK, vProjWeight: w,
      });
    expect(() => separate(torch.zeros(3, 4), null)).toThrow('expecting key weights shape of (4, 4), but got torch.Size([3, 4])');
    // in_proj_bias.chunk(3) of 10 elements: 4, 4 and 2.
    expect(() => separate(w, torch.zeros(10))).toThrow('expecting value bias shape of (4,), but got torch.Size([2])');
    const z = torch.zeros(1, 2, 2);
    expect(() => F.scaledDotProductAttention(z, z, z, { causal: true })).toThrow(TypeError);
    expect(() => F.scaledDotProductAttention(z, z, z, null, 0, false, 0.5)).toThrow(/keyword-only/); // scale is keyword-only in Python
  });
});

describe('module state', () => {
  it('RNN parameters follow to(), loadStateDict({ assign }) and stay in PyTorch order', () => {
    torch.manualSeed(0);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2 });
    expect(lstm.allWeights.map((ws) => ws.length)).toEqual([5, 5, 5, 5]);
    lstm.double();
    const [out] = lstm.call(torch.zeros(2, 1, 3, { dtype: torch.float64 }));
    expect((out as Tensor).dtype).toBe(torch.float64);
    const sd = Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, v]) => [k, v.mul(0)]));
    lstm.loadStateDict(sd, { assign: true });
    const [zeroOut] = lstm.call(torch.ones(2, 1, 3, { dtype: torch.float64 }));
    expect((zeroOut as Tensor).abs().sum().item()).toBe(0);
    lstm.flattenParameters();
  });

  it('torch.tidy frees the forward intermediates but never the parameters; a disposed layer refuses to run', () => {
    torch.manualSeed(0);
    const gru = new nn.GRU(3, 4, { numLayers: 2 });
    const mha = new nn.MultiheadAttention(4, 2);
    const kept = torch.tidy(() => {
      const [out] = gru.call(torch.randn(5, 2, 3));
      const [attn] = mha.call(out as Tensor, out as Tensor, out as Tensor);
      return attn;
    });
    expect(kept.shape).toEqual([5, 2, 4]);
    for (const p of [...gru.parameters(), ...mha.parameters()]) expect(p.isDisposed).toBe(false);
    const [again] = gru.call(torch.randn(5, 2, 3)); // still usable after the scope
    expect((again as Tensor).shape).toEqual([5, 2, 4]);
    gru.dispose();
    expect(() => gru.call(torch.randn(5, 2, 3))).toThrow(/GRU/);
  });

  it('a forward hook on a submodule keeps the encoder layer off the fast path (it runs, as in PyTorch)', () => {
    torch.manualSeed(0);
    const layer = new nn.TransformerEncoderLayer(8, 2, 16, { batchFirst: true }).eval();
    const x = torch.randn(2, 3, 8);
    let seen = 0;
    const handle = layer.linear1.registerForwardHook(() => {
      seen++;
    });
    const hooked = torch.noGrad(() => layer.call(x));
    expect(seen).toBe(1);
    handle.remove();
    const fast = torch.noGrad(() => layer.call(x));
    expect(seen).toBe(1);
    expect(torch.allclose(hooked, fast, { rtol: 1e-5, atol: 1e-6 })).toBe(true);
  });

  it('hx may be given as an option, as Python\'s keyword', () => {
    torch.manualSeed(0);
    const gru = new nn.GRU(3, 4);
    const lstm = new nn.LSTM(3, 4);
    const cell = new nn.LSTMCell(3, 4);
    const x = torch.randn(5, 2, 3);
    const h = torch.randn(1, 2, 4);
    const c = torch.randn(1, 2, 4);
    expect((gru.call(x, { hx: h })[1]).equal(gru.call(x, h)[1])).toBe(true);
    expect((lstm.call(x, { hx: [h, c] })[1][1]).equal(lstm.call(x, [h, c])[1][1])).toBe(true);
    const x1 = x.select(0, 0);
    expect(cell.call(x1, { hx: [h.select(0, 0), c.select(0, 0)] })[0].equal(cell.call(x1, [h.select(0, 0), c.select(0, 0)])[0])).toBe(true);
    expect(() => gru.call(x, { h0: h } as never)).toThrow(TypeError);
  });
});

describe('checkpoints: state_dicts saved by Python load into layers built here', () => {
  for (const c of fixture.checkpoints) {
    it(c.name, () => {
      const T = tensorsOf(c.tensors);
      torch.manualSeed(0); // other weights than Python's seed 1234: the checkpoint must replace every one
      const m = new layers[c.kind]!(...withOptions(decode(c.args, T) as unknown[], decode(c.kwargs, T) as Record<string, unknown>)).eval();
      const sd = torch.load(new Uint8Array(Buffer.from(c.stateDict, 'base64'))) as Record<string, Tensor>;
      expect(Object.keys(sd)).toEqual(Object.keys(m.stateDict()));
      expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      const result = torch.noGrad(() => m.call(...(decode(c.forward, T) as unknown[])));
      checkResult(result, c.result, c.tol, 'result');
      // and back: what torchnode saves loads again to the same weights
      const again = torch.load(new Uint8Array(torch.save(m.stateDict())!)) as Record<string, Tensor>;
      for (const [k, v] of Object.entries(sd)) expect(again[k]!.equal(v), k).toBe(true);
    });
  }
});

