// The chunked path of F.linearCrossEntropy / nn.LinearCrossEntropyLoss (options: nn.LinearCrossEntropyOptions,
// new in PyTorch 2.13), against Python torch 2.13's chunked op (test/fixtures/nn-linear-cross-entropy.json from
// scripts/make-linear-cross-entropy-fixtures.py): the loss and the gradients of input, linear weight and bias
// per reduction, dtype, chunk size and acc policy, what the options resolve to, their validation, the fallback
// warning, the second-backward errors; that the result agrees with the reference path; and that the whole
// (N, C) logits are never materialised.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js'; // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';
import { warningsOf } from './warnings-of.js';

torch.setNumThreads(1); // as the fixture script: a one-thread reduction sums in one order

type T = torch.Tensor;
const { nn } = torch;
const F = nn.functional;
const Options = nn.LinearCrossEntropyOptions;

interface Case {
  name: string;
  dtype: string;
  reduction: 'mean' | 'sum' | 'none';
  ignore_index: number | null;
  options: Record<string, unknown>;
  requires: string[];
  backward: 'once' | 'twice';
  no_grad: boolean;
  x: unknown; w: unknown; b: unknown; cw: unknown; t: unknown; up: unknown;
  resolved: string;
  grad_fn: string | null;
  loss: unknown;
  grads: unknown[];
}
const fixture = JSON.parse(readFileSync(new URL('fixtures/nn-linear-cross-entropy.json', import.meta.url), 'utf8')) as {
  cases: Case[];
  resolve: { options: Record<string, unknown>; n: number; f: number; c: number; dtype: string; repr?: string; error?: string }[];
  invalid: { options: Record<string, unknown>; error: string }[];
  reprs: { options: Record<string, unknown>; repr: string }[];
  inputs: Record<string, unknown>;
  blas_probe: { a: unknown; b: unknown; mm: unknown }[];
  fallback: { label: string; warnings: string[]; result: unknown; reference: unknown }[];
  errors: Record<string, string>;
  module: { repr: string; state_dict: Record<string, unknown>; loss: unknown; input_grad: unknown; grads: Record<string, unknown>; grad_fn: string };
};

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** Python's LinearCrossEntropyOptions keyword arguments as the JS options object (dtype names stay names). */
const optionsOf = (kw: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(kw).map(([k, v]) => [camel(k), v]));
const dtypeOf = (name: string): torch.DType => (torch as unknown as Record<string, torch.DType>)[name]!;
const input = (v: unknown): T | null => (v === null ? null : (decode(v) as T));

/** The warnings emitted while fn runs, as 'Category: message'. */

// libtorch's kernels are the same in Python and here, and the port issues Python's op sequence (mm into
// the chunk buffer, in-place max shift, exp, sums, index_add_, addmm), so the chunked results are compared
// bit for bit. The fixture pins the CPU kernels (ATEN_CPU_CAPABILITY=avx2, one thread) as vitest.config.ts
// does; BLAS (MKL) picks its matmul kernel by CPU model, though: where a probe matmul does not give the
// fixture's bits, this machine rounds matmuls otherwise and the cases allow the reference-path tolerance
// below instead (a few ulps of the dtype).
const blasMatches = fixture.blas_probe.every((p) => compare((decode(p.a) as T).mm(decode(p.b) as T), p.mm, { exact: true }) === null);
const exactOr = (dtype: string): { exact: true } | { tolerance: [number, number] } => (blasMatches ? { exact: true } : { tolerance: AGREE[dtype]! });

// Reference-path agreement: the reference computes the logits with one addmm and the loss with the fused
// log_softmax + nll_loss, the chunked path with per-chunk mm, a max shift, exp, sum, log and dot products:
// the same math rounded in another order, a few ulps of the magnitudes (losses and gradients are O(1)-O(10)).
// The float16/bfloat16 references round the whole logits to the input dtype where the chunked path
// accumulates in float32: they differ by a few ulps of the low-precision dtype (bfloat16's is 2^-8).
const AGREE: Record<string, [number, number]> = {
  float64: [1e-12, 1e-13],
  float32: [1e-5, 1e-6],
  float16: [1e-2, 5e-3],
  bfloat16: [5e-2, 3e-2],
};

/** Runs one fixture case here, as the fixture script ran it in Python (options null: the reference path). */
function run(c: Case, chunked = true): { loss: T; grads: (T | null)[]; gradFn: string | null } {
  const x = input(c.x)!.clone();
  const w = input(c.w)!.clone();
  const b = c.b === null ? null : input(c.b)!.clone();
  if (c.requires.includes('input')) x.requiresGrad_();
  if (c.requires.includes('weight')) w.requiresGrad_();
  if (b !== null && c.requires.includes('bias')) b.requiresGrad_();
  const kw = {
    linearBias: b,
    weight: input(c.cw),
    reduction: c.reduction,
    options: chunked ? new Options(optionsOf(c.options)) : null,
    ...(c.ignore_index === null ? {} : { ignoreIndex: c.ignore_index }),
  };
  const call = (): T => F.linearCrossEntropy(x, w, input(c.t)!, kw);
  const loss = c.no_grad ? torch.noGrad(call) : call();
  const gradFn = loss.gradFn?.name() ?? null;
  if (gradFn !== null) {
    const up = input(c.up)!;
    if (c.backward === 'twice') loss.mul(up).sum().backward({ retainGraph: true });
    loss.mul(up).sum().backward();
  }
  return { loss: loss.detach(), grads: [x, w, b].map((v) => v?.grad ?? null), gradFn };
}

// Peak resident memory of this process (Linux): vitest runs each test file in a fresh process.
const peakRss = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const MiB = 2 ** 20;

describe('memory: the chunked path never materialises the (N, C) logits', () => {
  // First in this file, so that the process's peak is still the loading's: 2048 rows of 8 features over
  // 16384 classes have 128 MiB of float32 logits; chunks of 128 rows need an 8 MiB logits buffer.
  it.skipIf(process.platform !== 'linux')('forward and backward stay far below the logits size; the reference path does not', () => {
    torch.manualSeed(0);
    const x = torch.randn(2048, 8).requiresGrad_();
    const w = torch.randn(16384, 8).mul(0.5).requiresGrad_();
    const b = torch.randn(16384).requiresGrad_();
    const t = torch.randint(0, 16384, [2048]);
    const start = peakRss();
    const loss = F.linearCrossEntropy(x, w, t, { linearBias: b, options: new Options({ batchChunkSize: 128 }) });
    loss.backward();
    const chunkedPeak = peakRss() - start;
    const grads = [x.grad!, w.grad!, b.grad!];
    x.grad = null;
    w.grad = null;
    b.grad = null;
    const reference = F.linearCrossEntropy(x, w, t, { linearBias: b });
    reference.backward();
    const referencePeak = peakRss() - start;
    expect(chunkedPeak).toBeLessThan(64 * MiB);
    expect(referencePeak).toBeGreaterThan(128 * MiB); // what the measure shows for a path that holds the logits
    expect(Math.abs(Number(loss.item()) - Number(reference.item()))).toBeLessThan(1e-5);
    [x, w, b].forEach((v, i) => expect(v.grad!.sub(grads[i]!).abs().max().item(), `grad ${i}`).toBeLessThan(1e-6));
  });
});

describe('nn.LinearCrossEntropyOptions', () => {
  it("has Python's fields, defaults and repr, and is frozen", () => {
    const o = new Options();
    expect([o.allowRetainGraph, o.batchChunkSize, o.chunkingMethod, o.accPolicy, o.accDtype]).toEqual([false, null, 'auto', 'auto', null]);
    for (const { options, repr } of fixture.reprs) expect(String(new Options(optionsOf(options)))).toBe(repr);
    // positional arguments in the dataclass's field order, then an options object
    expect(String(new Options(true, 8, null, 'compact', torch.bfloat16))).toBe(fixture.reprs[1]!.repr);
    expect(String(new Options(true, 8, { chunkingMethod: null, accPolicy: 'compact', accDtype: 'bfloat16' }))).toBe(fixture.reprs[1]!.repr);
    expect(new Options({ accDtype: 'float32' }).accDtype).toBe(torch.float32);
    expect(() => {
      (o as { batchChunkSize: number | null }).batchChunkSize = 3;
    }).toThrow(TypeError);
    expect(nn.LinearCrossEntropyOptions).toBe(Options);
  });

  it("refuses Python's invalid values with Python's messages", () => {
    expect(fixture.invalid.length).toBe(10);
    for (const { options, error } of fixture.invalid) expect(() => new Options(optionsOf(options)), error).toThrow(`LinearCrossEntropyOptions: ${error}`);
    expect(() => new Options({ accPolicy: 'fast' as 'auto' })).toThrow(RangeError);
    expect(() => new Options({ batchChunkSize: 2, chunkSize: 3 } as never)).toThrow(TypeError);
    expect(() => new Options({ chunkingMethod: 5 as never })).toThrow('chunkingMethod must be a string or null');
  });

  it('resolves "auto" and null per call as Python does', () => {
    for (const r of fixture.resolve) {
      const adjust = (): unknown => new Options(optionsOf(r.options))._adjust(r.n, r.f, r.c, dtypeOf(r.dtype), torch.device('cpu'));
      if (r.error !== undefined) expect(adjust, JSON.stringify(r)).toThrow(r.error);
      else expect(String(adjust()), JSON.stringify(r)).toBe(r.repr);
    }
    // device null: the fallback pick whatever the dtype
    expect(String(new Options()._adjust(8, 3, 7, torch.bfloat16))).toBe(
      "LinearCrossEntropyOptions(allow_retain_graph=False, batch_chunk_size=2, chunking_method='aspect_ratio:2', acc_policy='compact', acc_dtype=torch.bfloat16)",
    );
  });
});

describe("F.linearCrossEntropy's chunked path against Python's", () => {
  it('covers the fixture', () => expect(fixture.cases.length).toBe(70));

  for (const c of fixture.cases) {
    it(c.name, () => {
      const got = run(c);
      expect(got.gradFn).toBe(c.grad_fn);
      const mode = exactOr(c.dtype);
      expect(compare(got.loss, c.loss, mode), 'loss').toBeNull();
      ['input', 'linear weight', 'bias'].forEach((what, i) => expect(compare(got.grads[i], c.grads[i], mode), `${what} grad`).toBeNull());
      const rows = c.name.includes('1-D') ? 1 : input(c.x)!.shape[0]!;
      const [classes, features] = input(c.w)!.shape as [number, number];
      expect(String(new Options(optionsOf(c.options))._adjust(rows, features, classes, dtypeOf(c.dtype), torch.device('cpu')))).toBe(c.resolved);
    });
  }

  it('agrees with the reference path (options null) within a few ulps', () => {
    let checked = 0;
    for (const c of fixture.cases) {
      if (c.name.includes('every target ignored') || c.name.includes('empty batch')) continue; // nan / empty: compared with Python above
      const chunked = run(c);
      const reference = run(c, false);
      const [rtol, atol] = AGREE[c.dtype]!;
      const close = (a: T, b: T): boolean => torch.allclose(a.double(), b.double(), { rtol, atol });
      expect(close(chunked.loss, reference.loss), `${c.name}: loss`).toBe(true);
      chunked.grads.forEach((g, i) => {
        const want = reference.grads[i] ?? null;
        expect(g === null, `${c.name}: grad ${i} presence`).toBe(want === null);
        if (g !== null) expect(close(g, want!), `${c.name}: grad ${i}`).toBe(true);
      });
      checked++;
    }
    expect(checked).toBe(62);
  });
});

describe('autograd of the chunked path', () => {
  const x24 = (): T => (decode(fixture.inputs.x24) as T).clone().requiresGrad_();
  const w54 = decode(fixture.inputs.w54) as T;
  const y2 = decode(fixture.inputs.y2) as T;

  it("consumes the precomputed gradients: a second backward throws Python's error, retain_graph or not", () => {
    const x = x24();
    let loss = F.linearCrossEntropy(x, w54, y2, { options: new Options({ batchChunkSize: 1 }) });
    loss.backward({ retainGraph: true });
    expect(() => loss.backward()).toThrow(fixture.errors['second backward (retain_graph)']!);
    loss = F.linearCrossEntropy(x, w54, y2, { options: new Options({ batchChunkSize: 1 }) });
    loss.backward();
    expect(() => loss.backward()).toThrow(fixture.errors['second backward']!);
  });

  it('allowRetainGraph keeps them: every backward adds the same gradient, with or without retainGraph', () => {
    const x = x24();
    const loss = F.linearCrossEntropy(x, w54, y2, { options: new Options({ batchChunkSize: 1, allowRetainGraph: true }) });
    loss.backward();
    const once = x.grad!.clone();
    loss.backward();
    loss.backward({ retainGraph: true });
    expect(x.grad!.equal(once.mul(3))).toBe(true);
  });

  it("reduction 'none' recomputes in backward: a second backward needs retainGraph, as for any graph", () => {
    const x = x24();
    const loss = F.linearCrossEntropy(x, w54, y2, { reduction: 'none', options: new Options({ batchChunkSize: 1 }) });
    loss.sum().backward();
    expect(() => loss.sum().backward()).toThrow(fixture.errors['none: second backward without retain_graph']!);
  });

  it('gradients through torch.autograd.grad, of the inputs asked for', () => {
    const x = x24();
    const w = w54.clone().requiresGrad_();
    const loss = F.linearCrossEntropy(x, w, y2, { reduction: 'sum', options: new Options({ batchChunkSize: 1 }) });
    const [gx] = torch.autograd.grad(loss, [x]) as T[];
    const ref = F.linearCrossEntropy(x, w, y2, { reduction: 'sum' });
    const [rx] = torch.autograd.grad(ref, [x]) as T[];
    expect(torch.allclose(gx!, rx!, { rtol: 1e-5, atol: 1e-6 })).toBe(true);
    expect(w.grad).toBeNull();
  });

  it('refuses compute flags that contradict requires_grad (the internal op, as Python)', async () => {
    const { _linearCrossEntropyBatchChunked } = await import('../dist/nn/modules/linear_cross_entropy.js');
    const x = x24();
    expect(() => _linearCrossEntropyBatchChunked(x, w54, y2, null, null, 'mean', -100, 0, 1, 'compact', torch.float32, false, false, false, false)).toThrow(
      'linear_cross_entropy chunked op: compute_input_grad was False at trace time but input.requires_grad is True at runtime; recompile the graph with the desired requires_grad.',
    );
    // under noGrad the flags may be false
    expect(torch.noGrad(() => _linearCrossEntropyBatchChunked(x, w54, y2, null, null, 'mean', -100, 0, 1, 'compact', torch.float32, false, false, false, false)).gradFn).toBeNull();
  });
});

describe('errors and the fallback to the reference path', () => {
  const inputs = Object.fromEntries(Object.entries(fixture.inputs).map(([k, v]) => [k, decode(v) as T]));
  const { x24, w54, w534, b53, y2, y23, probs } = inputs as Record<string, T>;
  const calls: Record<string, (o: InstanceType<typeof Options> | null) => T> = {
    'label smoothing': (options) => F.linearCrossEntropy(x24, w54, y2, { labelSmoothing: 0.25, options }),
    'probability targets': (options) => F.linearCrossEntropy(x24, w54, probs, { reduction: 'sum', options }),
    out_features: (options) => F.linearCrossEntropy(x24, w534, y23, { linearBias: b53, options }),
  };

  for (const fb of fixture.fallback) {
    it(`${fb.label}: Python's warning, then the reference path's result`, () => {
      let result: T | undefined;
      expect(warningsOf(() => (result = calls[fb.label]!(new Options({ batchChunkSize: 1 }))))).toEqual(fb.warnings.map((m) => ['UserWarning', m]));
      expect(compare(result!.detach(), fb.result, { tolerance: [1e-6, 1e-6] })).toBeNull();
      expect(compare(calls[fb.label]!(null).detach(), fb.reference, { tolerance: [1e-6, 1e-6] })).toBeNull();
    });
  }

  it('falls back while torch.jit.trace runs, saying so', () => {
    let seen: [string, string][] = [];
    const traced = (x: T): T => F.linearCrossEntropy(x, w54, y2, { options: new Options({ batchChunkSize: 1 }) });
    seen = warningsOf(() => torch.jit.trace(traced, [x24]));
    expect(seen.some(([, m]) => m.includes('``options`` ignored;') && m.includes(', tracing=True, linear_bias.shape=None.'))).toBe(true);
  });

  it("throws Python's errors at call time", () => {
    expect(() => F.linearCrossEntropy(x24.double(), w54.double(), y2, { options: new Options({ accDtype: torch.float32 }) })).toThrow(
      fixture.errors['acc_dtype float32 with float64 input']!,
    );
    expect(() => F.linearCrossEntropy(x24, w54, y2, { options: new Options({ batchChunkSize: 2, chunkingMethod: 'aspect_ratio' }) })).toThrow(
      fixture.errors['chunk size conflict']!,
    );
    // the checks before the dispatch are the reference path's
    expect(() => F.linearCrossEntropy(x24.unsqueeze(0), w54, y2, { options: new Options() })).toThrow('expected input with dimensionality 1 or 2, got 3');
    expect(() => F.linearCrossEntropy(x24, w54, y2, { options: { batchChunkSize: 2 } as never })).toThrow(
      'linear_cross_entropy: options must be an nn.LinearCrossEntropyOptions or null, got Object',
    );
  });
});

describe('nn.LinearCrossEntropyLoss with options', () => {
  it("repr, loss and gradients are Python's", () => {
    const m = new nn.LinearCrossEntropyLoss(4, 5, { bias: true, ignoreIndex: 1, options: new Options({ batchChunkSize: 1, accPolicy: 'accurate' }) });
    expect(String(m)).toBe(fixture.module.repr);
    m.loadStateDict(Object.fromEntries(Object.entries(fixture.module.state_dict).map(([k, v]) => [k, decode(v) as T])));
    const x = (decode(fixture.inputs.x24) as T).clone().requiresGrad_();
    const out = m.call(x, decode(fixture.inputs.y2) as T) as T;
    expect(out.gradFn!.name()).toBe(fixture.module.grad_fn);
    out.backward();
    const mode = exactOr('float32');
    expect(compare(out.detach(), fixture.module.loss, mode)).toBeNull();
    expect(compare(x.grad, fixture.module.input_grad, mode)).toBeNull();
    for (const [name, p] of m.namedParameters()) expect(compare(p.grad, fixture.module.grads[name], mode), name).toBeNull();
    expect(m.options).toBeInstanceOf(Options);
    expect(() => new nn.LinearCrossEntropyLoss(4, 5, { options: 'chunked' as never })).toThrow('LinearCrossEntropyLoss: options must be an nn.LinearCrossEntropyOptions or null');
  });
});

// nn.LinearCrossEntropyLoss(in_features=2, num_classes=3) and (2, num_classes=3) build the same module as (2, 3):
// repr 'LinearCrossEntropyLoss(\n  in_features=2, num_classes=3, out_features=(), bias=False, ...\n  (linear): Linear(in_features=2, out_features=3, bias=False)\n)'
describe('LinearCrossEntropyLoss arguments', () => {
  it('takes inFeatures and numClasses as options too, as Python takes them by keyword', () => {
    const { nn } = torch;
    const want = String(new nn.LinearCrossEntropyLoss(2, 3));
    expect(String(new nn.LinearCrossEntropyLoss({ inFeatures: 2, numClasses: 3 }))).toBe(want);
    expect(String(new nn.LinearCrossEntropyLoss(2, { numClasses: 3 }))).toBe(want);
    expect(want).toContain('(linear): Linear(in_features=2, out_features=3, bias=False)');
  });
});
