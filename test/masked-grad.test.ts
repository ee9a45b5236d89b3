// Autograd through torch.masked.MaskedTensor gives PyTorch 2.13's gradients bit for bit: each
// case's gradient data (masked-out elements included) and mask, or Python's error where its
// MaskedTensor backward fails. The cases (test/fixtures/masked-grad.json) are Python snippets run by
// real PyTorch and translated to JS; regenerate with `.venv/bin/python scripts/make-masked-grad-fixtures.py`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { caseName, replay, sameRelease as isSameRelease, type Enc, type GoldenCase, type GoldenFixture } from './golden-replay.js';

torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

const fixture = JSON.parse(readFileSync(new URL('./fixtures/masked-grad.json', import.meta.url), 'utf8')) as GoldenFixture;
const sameRelease = isSameRelease(fixture);

// as_masked_tensor(xg, m): Python hands the plain tensor xg a MaskedTensor gradient, which a JS
// Tensor's grad cannot be; its data must equal xg.grad (the mask is xg's MaskedTensor's).
const PLAIN_GRAD = 'return [xg.grad.getData(), xg.grad.getMask()];';
function replayCase(c: GoldenCase): void {
  if (!c.js.includes(PLAIN_GRAD)) return replay(fixture, c);
  const plain: GoldenCase = { ...c, js: c.js.replace(PLAIN_GRAD, 'return xg.grad;'), expected: (c.expected as { seq: Enc[] }).seq[0]! };
  replay(fixture, plain);
}

describe('MaskedTensor autograd (PyTorch 2.13 fixtures)', () => {
  const groups: [string, RegExp][] = [
    ['errors Python raises', /^$/],
    ['reductions', /\.(sum|mean|amax|amin|prod|var|std|argmax|argmin|logsumexp|norm)\(/],
    ['where, layouts and views', /where|to_|get_data|contiguous|clone|transpose|\.t\(|view|select|expand|unfold|unsqueeze/],
    ['elementwise', /./],
  ];
  const seen = new Set<string>();
  const errors = fixture.cases.filter((c) => 'error' in c.expected);
  errors.forEach((c) => seen.add(c.js));
  for (const [title, pattern] of groups) {
    const cases = title.startsWith('errors') ? errors : fixture.cases.filter((c) => !seen.has(c.js) && pattern.test(c.py));
    cases.forEach((c) => seen.add(c.js));
    describe(title, () => {
      for (const c of cases) it.runIf(sameRelease)(caseName(c), () => replayCase(c));
    });
  }
  it('the fixture covers float32 and float64 gradients and Python errors', () => {
    const dtypes = new Set(fixture.cases.flatMap((c) => ('seq' in c.expected ? c.expected.seq : []).map((e) => ('dtype' in e ? e.dtype : ''))));
    expect([...dtypes].filter((d) => d.startsWith('float')).sort()).toEqual(['float32', 'float64']);
    expect(errors.length).toBeGreaterThan(20);
  });
});

describe('MaskedTensor autograd in JS', () => {
  const x = torch.tensor([[1.5, -2.5, 3.5], [4.5, 5.5, -6.5]]);
  const m = torch.tensor([[true, false, true], [false, false, false]]);
  it('grad is a MaskedTensor with the leaf mask; masked-out gradient values are kept, not zeroed', () => {
    const mt = torch.masked.maskedTensor(x, m, true);
    mt.mul(mt).sum().backward();
    const g = mt.grad!;
    expect(g).toBeInstanceOf(torch.masked.MaskedTensor);
    expect(g.getData().tolist()).toEqual(x.mul(2).tolist());
    expect(g.getMask().tolist()).toEqual(m.tolist());
    mt.grad = null;
    expect(mt.grad).toBe(null);
  });
  it('a MaskedTensor gradient of the wrong mask is refused before any gradient changes', () => {
    const mt = torch.masked.maskedTensor(x, m, true);
    const y = mt.exp();
    expect(() => y.backward(torch.masked.maskedTensor(x, m.logicalNot()))).toThrow('Input masks must match');
    expect(mt.grad).toBe(null);
  });
  it("tidy frees the intermediate MaskedTensors of a returned result; backward still runs (the graph keeps what it needs)", () => {
    const mt = torch.masked.maskedTensor(x, m, true);
    let middle: torch.masked.MaskedTensor | undefined;
    const y = torch.tidy(() => {
      middle = mt.exp().mul(torch.masked.maskedTensor(x, m));
      return middle.sin().sum();
    });
    expect(() => middle!.getData().tolist()).toThrow();
    y.backward();
    expect(mt.grad!.getMask().tolist()).toEqual(m.tolist());
    expect(mt.grad!.getData().tolist()).toEqual(x.exp().mul(x).cos().mul(x).mul(x.exp()).tolist());
  });
  it('dispose frees the data, the mask and the gradient mask; tidy keeps a returned graph usable', () => {
    const mt = torch.masked.maskedTensor(x, m, true);
    const y = torch.tidy(() => mt.sin().mul(torch.masked.maskedTensor(x, m)).sum(1));
    y.sum().backward();
    expect(mt.grad!.getData().tolist()).toEqual(x.cos().mul(x).tolist());
    const grad = mt.grad!;
    grad.dispose();
    expect(mt.grad!.getData().tolist()).toEqual(x.cos().mul(x).tolist()); // the wrapper's dispose leaves the leaf's gradient
    y.dispose();
    mt.dispose();
    expect(() => mt.getData().tolist()).toThrow();
  });
});

describe('MaskedTensor gradient masks are owned by the leaf', () => {
  it("replacing a leaf's gradient mask frees none of the masks it came from", () => {
    const x = torch.tensor([1.5, -2.5, 3.5]);
    const m = torch.tensor([true, false, true]);
    const mt = torch.masked.maskedTensor(x, m, true);
    const y = mt.exp();
    y.backward(torch.masked.maskedTensor(x, m)); // the gradient's mask flows to the leaf
    mt.sum().backward(); // the reduction hands back the leaf's own mask
    mt.sum().backward();
    expect(mt.getMask().tolist()).toEqual([true, false, true]);
    expect(y.getMask().tolist()).toEqual([true, false, true]);
    expect(mt.grad!.getData().tolist()).toEqual(x.mul(x.exp()).add(1).add(1).tolist());
  });
});
