// torch.nn activations, normalizations, dropouts and embeddings (layers and nn.functional) against
// PyTorch 2.13: construction under a seed, forward, gradients of input and parameters, buffers in
// train and eval mode, repr, RNG streams (dropout masks, rrelu noise, gumbel samples) and errors.
// The cases (test/fixtures/nn-nnact.json) are Python snippets run by real PyTorch and translated to
// JS by scripts/make-nn-nnact-fixtures.py; regenerate with `.venv/bin/python scripts/make-nn-nnact-fixtures.py`.
// All compare bit for bit (CPU kernels pinned to AVX2, one thread).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { check, makeTensor, type ErrorEnc, type GoldenCase, type GoldenFixture } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-nnact.json', import.meta.url), 'utf8')) as GoldenFixture;
const { nn } = torch;
const F = nn.functional;
// The helpers the Python snippets use, spelled the same on both sides.
const keys = (o: object): string[] => Object.keys(o);
const without = (o: Record<string, unknown>, k: string): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([n]) => n !== k));

function run(c: GoldenCase): void {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the snippets come from our own generator
  const fn = new Function('torch', 'nn', 'F', 'keys', 'without', ...c.uses, c.js) as (...args: unknown[]) => unknown;
  const call = (): unknown => {
    torch.manualSeed(0);
    return fn(torch, nn, F, keys, without, ...c.uses.map((n) => makeTensor(fixture.tensors[n]!)));
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

for (const [group, cases] of Object.entries(groups)) {
  describe(group, () => {
    for (const c of cases) it(c.js.replace(/^let [^;]*; /, ''), () => run(c));
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
  });
});
