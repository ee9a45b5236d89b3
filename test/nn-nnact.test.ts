// torch.nn activations, normalizations, dropouts and embeddings (layers and nn.functional) against
// PyTorch 2.13: construction under a seed, forward, gradients of input and parameters, buffers in
// train and eval mode, repr, RNG streams (dropout masks, rrelu noise, gumbel samples) and errors.
// The cases (test/fixtures/nn-nnact.json) are Python snippets run by real PyTorch and translated to
// JS by scripts/make-nn-nnact-fixtures.py; regenerate with `.venv/bin/python scripts/make-nn-nnact-fixtures.py`.
// All compare bit for bit (CPU kernels pinned to AVX2, one thread).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, makeTensor, sameRelease, type ErrorEnc, type GoldenCase, type GoldenFixture } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-nnact.json', import.meta.url), 'utf8')) as GoldenFixture;
const { nn } = torch;
const F = nn.functional;
// The helpers the Python snippets use, spelled the same on both sides.
const keys = (o: object): string[] => Object.keys(o);
const without = (o: Record<string, unknown>, k: string): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([n]) => n !== k));
const grads = (m: torch.nn.Module): (torch.Tensor | null)[] => m.parameters().map((p) => p.grad);

function run(c: GoldenCase): void {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the snippets come from our own generator
  const fn = new Function('torch', 'nn', 'F', 'keys', 'without', 'grads', ...c.uses, c.js) as (...args: unknown[]) => unknown;
  const call = (): unknown => {
    torch.manualSeed(0);
    return fn(torch, nn, F, keys, without, grads, ...c.uses.map((n) => makeTensor(fixture.tensors[n]!)));
  };
  const exp = c.expected;
  torch.tidy(() => {
    if (!('error' in exp)) return check(call(), exp, c.tol, 'result');
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `should throw, as PyTorch does (${(exp as ErrorEnc).errorType}): ${exp.error}`).toBeInstanceOf(Error);
    expect((thrown as Error).message).toContain(exp.error);
  });
}

const groups: Record<string, GoldenCase[]> = {};
for (const c of fixture.cases) {
  const layer = /nn\.([A-Z]\w+)/.exec(c.py)?.[1] ?? /F\.(\w+)/.exec(c.py)?.[1] ?? 'other';
  (groups[layer] ??= []).push(c);
}

// Cases whose results a later PyTorch changed, run only against the fixtures' release: 2.14 counts
// an index's frequency for EmbeddingBag's scale_grad_by_freq differently (its gradient differs from 2.13's).
const RELEASE_DEPENDENT = [/EmbeddingBag\(10, 3, scale_grad_by_freq=True\)/];
const onFixtureRelease = sameRelease(fixture);

for (const [group, cases] of Object.entries(groups)) {
  describe(group, () => {
    for (const c of cases) it.runIf(onFixtureRelease || !RELEASE_DEPENDENT.some((r) => r.test(c.py)))(c.js.replace(/^let [^;]*; /, ''), () => run(c));
  });
}

describe('nnact: beyond the fixtures', () => {
  it('the same seed gives the same dropout mask as Python, and another seed another one', () => {
    const x = torch.ones(64);
    torch.manualSeed(7);
    const first = F.dropout(x, 0.5).tolist();
    torch.manualSeed(7);
    expect(F.dropout(x, 0.5).tolist()).toEqual(first);
    torch.manualSeed(8);
    expect(F.dropout(x, 0.5).tolist()).not.toEqual(first);
  });

  it('unknown options and wrong types are TypeErrors naming the function', () => {
    const x = torch.ones(2, 3);
    expect(() => F.relu(x, { inplac: true } as never)).toThrow(TypeError);
    expect(() => F.elu(x, { alpha: 'big' } as never)).toThrow(/elu/);
    expect(() => F.dropout(x, { p: 0.5, training: 1 } as never)).toThrow(TypeError);
    expect(() => F.batchNorm(x, null, null, { momentum: 0.1, epsilon: 1 } as never)).toThrow(TypeError);
    expect(() => F.relu('x' as never)).toThrow(TypeError);
    // layers read their options once, when built: bad ones fail there, naming the layer
    expect(() => new nn.BatchNorm2d(3, { momentun: 0.1 } as never)).toThrow(/BatchNorm2d.*momentun/);
    expect(() => new nn.LayerNorm('5' as never)).toThrow(TypeError);
    expect(() => new nn.Dropout(0.5, { inplace: 'yes' } as never)).toThrow(/Dropout: inplace must be a boolean/);
    expect(() => new nn.Embedding(10)).toThrow(/Embedding.*embeddingDim/);
    expect(() => new nn.GELU('exact' as never)).toThrow(TypeError);
  });

  it('layers built (and lazily initialised) inside torch.tidy keep their parameters and buffers', () => {
    const x = torch.randn(2, 3, 4, 4);
    const built = torch.tidy(() => {
      const lazy = new nn.LazyBatchNorm2d();
      lazy.call(x);
      return { lazy, sync: nn.SyncBatchNorm.convertSyncBatchnorm(new nn.BatchNorm2d(3)), emb: nn.Embedding.fromPretrained(torch.randn(5, 2)), lrn: new nn.CrossMapLRN2d(3) };
    });
    const eager = new nn.BatchNorm2d(3);
    eager.call(x);
    expect(built.lazy.call(x).tolist()).toEqual(eager.call(x).tolist());
    expect((built.lazy as unknown as { running_mean: torch.Tensor }).running_mean.tolist()).toEqual(eager.running_mean!.tolist());
    expect(built.sync.call(x).shape).toEqual([2, 3, 4, 4]);
    expect(built.emb.call(torch.tensor([1, 2])).shape).toEqual([2, 2]);
    // CrossMapLRN2d's saved tensors outlive the scope of its forward
    const xg = x.clone().requiresGrad_();
    const y = torch.tidy(() => built.lrn.call(xg));
    y.sum().backward();
    expect(xg.grad!.shape).toEqual([2, 3, 4, 4]);
  });

  it('the lazy layers become their eager class and print as it', () => {
    const m = new nn.LazyInstanceNorm2d();
    expect(m).toBeInstanceOf(nn.LazyInstanceNorm2d);
    m.call(torch.randn(2, 5, 3, 3));
    expect(m).toBeInstanceOf(nn.InstanceNorm2d);
    expect(m).not.toBeInstanceOf(nn.LazyInstanceNorm2d);
    expect(m.numFeatures).toBe(5);
    expect(m.weight).toBeInstanceOf(nn.Parameter);
    expect(m.weight).not.toBeInstanceOf(nn.UninitializedParameter);
  });
});
