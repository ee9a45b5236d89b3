// torch.testing.assertClose and torch.hub against Python torch 2.13: every expected message below was
// printed by the Python quoted above it (`ac` is torch.testing.assert_close, errors shown as repr(e)).
import { AssertionError } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { errorOf as thrown } from './golden-replay.js';

const ac = torch.testing.assertClose;

describe('assertClose: ints beyond 2^53 are exact', () => {
  // >>> ac(2**62, 2**62+1)
  // AssertionError('Scalars are not equal!\n\nExpected 4611686018427387905 but got 4611686018427387904.\nAbsolute difference: 1\nRelative difference: 2.168404344971009e-19')
  // >>> ac(2**62, 2**62); ac(2**62, 2**62+1, rtol=0, atol=1); ac(2**62, 2**62+1, rtol=1e-18, atol=0)
  // (all pass)
  it('bigints that differ by 1 are not equal, but within tolerances close', () => {
    const err = thrown(() => ac(2n ** 62n, 2n ** 62n + 1n));
    expect(err).toBeInstanceOf(AssertionError);
    expect(err.message).toBe('Scalars are not equal!\n\nExpected 4611686018427387905 but got 4611686018427387904.\nAbsolute difference: 1\nRelative difference: 2.168404344971009e-19');
    expect(() => ac(2n ** 62n, 2n ** 62n)).not.toThrow();
    expect(() => ac(2n ** 62n, 2n ** 62n + 1n, { rtol: 0, atol: 1 })).not.toThrow();
    expect(() => ac(2n ** 62n, 2n ** 62n + 1n, { rtol: 1e-18, atol: 0 })).not.toThrow();
  });

  // >>> ac(2**70, 2**70+3)
  // AssertionError('Scalars are not equal!\n\nExpected 1180591620717411303427 but got 1180591620717411303424.\nAbsolute difference: 3\nRelative difference: 2.541098841762901e-21')
  // >>> ac(2**62, 2**62+1000, rtol=1e-16, atol=0)
  // AssertionError('Scalars are not close!\n\nExpected 4611686018427388904 but got 4611686018427387904.\nAbsolute difference: 1000 (up to 0 allowed)\nRelative difference: 2.1684043449710084e-16 (up to 1e-16 allowed)')
  // >>> ac(-2**62, 2**62)
  // AssertionError('Scalars are not equal!\n\nExpected 4611686018427387904 but got -4611686018427387904.\nAbsolute difference: 9223372036854775808\nRelative difference: 2.0')
  it('beyond 2^64, with tolerances, and of opposite signs', () => {
    expect(thrown(() => ac(2n ** 70n, 2n ** 70n + 3n)).message).toBe(
      'Scalars are not equal!\n\nExpected 1180591620717411303427 but got 1180591620717411303424.\nAbsolute difference: 3\nRelative difference: 2.541098841762901e-21',
    );
    expect(thrown(() => ac(2n ** 62n, 2n ** 62n + 1000n, { rtol: 1e-16, atol: 0 })).message).toBe(
      'Scalars are not close!\n\nExpected 4611686018427388904 but got 4611686018427387904.\nAbsolute difference: 1000 (up to 0 allowed)\nRelative difference: 2.1684043449710084e-16 (up to 1e-16 allowed)',
    );
    expect(thrown(() => ac(-(2n ** 62n), 2n ** 62n)).message).toBe(
      'Scalars are not equal!\n\nExpected 4611686018427387904 but got -4611686018427387904.\nAbsolute difference: 9223372036854775808\nRelative difference: 2.0',
    );
  });
});

describe('assertClose: quantized attributes', () => {
  // >>> q1 = torch.quantize_per_tensor(torch.tensor([1.5,2.5]), 0.1, 0, torch.quint8)
  // >>> q2 = torch.quantize_per_channel(torch.tensor([1.5,2.5]), torch.tensor([0.1,0.1]), torch.tensor([0,0]), 0, torch.quint8)
  // >>> ac(q1, q2)
  // AssertionError("The values for attribute 'qscheme()' do not match: torch.per_tensor_affine != torch.per_channel_affine.")
  // >>> ac(q1, torch.tensor([1.5,2.5]))
  // AssertionError("The values for attribute 'is_quantized' do not match: True != False.")
  // >>> ac(torch.tensor([1.5,2.5]), q1)
  // AssertionError("The values for attribute 'is_quantized' do not match: False != True.")
  // >>> ac(q1, torch.tensor([1.5,2.5]), check_dtype=False)
  // AssertionError("The values for attribute 'is_quantized' do not match: True != False.")
  // >>> ac(q1, q2[:1])
  // AssertionError("The values for attribute 'shape' do not match: torch.Size([2]) != torch.Size([1]).")
  it('is_quantized and qscheme() are checked after the shape', () => {
    const values = (): torch.Tensor => torch.tensor([1.5, 2.5]);
    const q1 = torch.quantizePerTensor(values(), 0.1, 0, torch.quint8);
    const q2 = torch.quantizePerChannel(values(), torch.tensor([0.1, 0.1]), torch.tensor([0, 0]), 0, torch.quint8);
    const e1 = thrown(() => ac(q1, q2));
    expect(e1).toBeInstanceOf(AssertionError);
    expect(e1.message).toBe("The values for attribute 'qscheme()' do not match: torch.per_tensor_affine != torch.per_channel_affine.");
    expect(thrown(() => ac(q1, values())).message).toBe("The values for attribute 'is_quantized' do not match: True != False.");
    expect(thrown(() => ac(values(), q1)).message).toBe("The values for attribute 'is_quantized' do not match: False != True.");
    const e2 = thrown(() => ac(q1, values(), { checkDtype: false }));
    expect(e2).toBeInstanceOf(AssertionError);
    expect(e2.message).toBe("The values for attribute 'is_quantized' do not match: True != False.");
    expect(thrown(() => ac(q1, q2.index(':1'))).message).toBe("The values for attribute 'shape' do not match: torch.Size([2]) != torch.Size([1]).");
  });
});

describe('assertClose: typed arrays of different element types are all numpy arrays', () => {
  // >>> ac(np.array([1.5],dtype=np.float32), np.array([1.5],dtype=np.float64))
  // AssertionError("The values for attribute 'dtype' do not match: torch.float32 != torch.float64.")
  // >>> ac(np.array([1],dtype=np.uint8), np.array([1],dtype=np.int64))
  // AssertionError("The values for attribute 'dtype' do not match: torch.uint8 != torch.int64.")
  // >>> ac(np.array([1.5],dtype=np.float32), np.array([1.5],dtype=np.float64), allow_subclasses=False)
  // AssertionError("The values for attribute 'dtype' do not match: torch.float32 != torch.float64.")
  it('a dtype mismatch, not a refusal', () => {
    const err = thrown(() => ac(new Float32Array([1.5]), new Float64Array([1.5])));
    expect(err).toBeInstanceOf(AssertionError);
    expect(err.message).toBe("The values for attribute 'dtype' do not match: torch.float32 != torch.float64.");
    expect(thrown(() => ac(new Uint8Array([1]), new BigInt64Array([1n]))).message).toBe("The values for attribute 'dtype' do not match: torch.uint8 != torch.int64.");
    expect(thrown(() => ac(new Float32Array([1.5]), new Float64Array([1.5]), { allowSubclasses: false })).message).toBe(
      "The values for attribute 'dtype' do not match: torch.float32 != torch.float64.",
    );
  });

  // >>> ac(np.array([1.5],dtype=np.float32), np.array([2.5],dtype=np.float64), check_dtype=False)
  // AssertionError('Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 1.0 at index (0,) (up to 1e-05 allowed)\nGreatest relative difference: 0.4 at index (0,) (up to 1.3e-06 allowed)')
  // >>> ac(np.array([1.5],dtype=np.float32), np.array([1.5],dtype=np.float64), check_dtype=False)
  // (passes)
  // >>> ac(np.array([1,2],dtype=np.int32), np.array([1,3],dtype=np.float32), check_dtype=False)
  // AssertionError('Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)\nGreatest relative difference: 0.3333333432674408 at index (1,) (up to 1.3e-06 allowed)')
  // >>> ac(np.array([1],dtype=np.int64), np.array([2],dtype=np.uint64), check_dtype=False)
  // AssertionError('Tensor-likes are not equal!\n\nMismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 1 at index (0,)\nGreatest relative difference: 0.5 at index (0,)')
  it('checkDtype: false compares after promotion', () => {
    expect(thrown(() => ac(new Float32Array([1.5]), new Float64Array([2.5]), { checkDtype: false })).message).toBe(
      'Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 1.0 at index (0,) (up to 1e-05 allowed)\nGreatest relative difference: 0.4 at index (0,) (up to 1.3e-06 allowed)',
    );
    expect(() => ac(new Float32Array([1.5]), new Float64Array([1.5]), { checkDtype: false })).not.toThrow();
    expect(thrown(() => ac(new Int32Array([1, 2]), new Float32Array([1, 3]), { checkDtype: false })).message).toBe(
      'Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)\nGreatest relative difference: 0.3333333432674408 at index (1,) (up to 1.3e-06 allowed)',
    );
    expect(thrown(() => ac(new BigInt64Array([1n]), new BigUint64Array([2n]), { checkDtype: false })).message).toBe(
      'Tensor-likes are not equal!\n\nMismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 1 at index (0,)\nGreatest relative difference: 0.5 at index (0,)',
    );
  });
});

describe('assertClose: complex scalars with a NaN part', () => {
  // >>> cx = lambda re, im: torch.complex(torch.tensor(re, dtype=torch.float64), torch.tensor(im, dtype=torch.float64))
  // >>> ac(cx(inf, nan), cx(1, 0))
  // AssertionError('Scalars are not close!\n\nExpected (1+0j) but got (inf+nanj).\nAbsolute difference: inf (up to 1e-07 allowed)\nRelative difference: inf (up to 1e-07 allowed)')
  // >>> ac(cx(1, 1), cx(-0.0, nan))
  // AssertionError('Scalars are not close!\n\nExpected (-0+nanj) but got (1+1j).\nAbsolute difference: nan (up to 1e-07 allowed)\nRelative difference: nan (up to 1e-07 allowed)')
  // >>> ac(cx(1, 1), cx(0.0, nan))
  // AssertionError('Scalars are not close!\n\nExpected nanj but got (1+1j).\nAbsolute difference: nan (up to 1e-07 allowed)\nRelative difference: nan (up to 1e-07 allowed)')
  // >>> ac(cx(1, 1), cx(nan, nan))
  // AssertionError('Scalars are not close!\n\nExpected (nan+nanj) but got (1+1j).\nAbsolute difference: nan (up to 1e-07 allowed)\nRelative difference: nan (up to 1e-07 allowed)')
  // >>> repr(complex(1, -float('nan')))
  // '(1+nanj)'
  const cx = (re: number, im: number): torch.Tensor => torch.complex(torch.tensor(re, { dtype: torch.float64 }), torch.tensor(im, { dtype: torch.float64 }));
  it('prints nan with a plus sign, as Python does', () => {
    expect(thrown(() => ac(cx(Infinity, NaN), cx(1, 0))).message).toBe(
      'Scalars are not close!\n\nExpected (1+0j) but got (inf+nanj).\nAbsolute difference: inf (up to 1e-07 allowed)\nRelative difference: inf (up to 1e-07 allowed)',
    );
    expect(thrown(() => ac(cx(1, 1), cx(-0, NaN))).message).toBe(
      'Scalars are not close!\n\nExpected (-0+nanj) but got (1+1j).\nAbsolute difference: nan (up to 1e-07 allowed)\nRelative difference: nan (up to 1e-07 allowed)',
    );
    expect(thrown(() => ac(cx(1, 1), cx(0, NaN))).message).toBe(
      'Scalars are not close!\n\nExpected nanj but got (1+1j).\nAbsolute difference: nan (up to 1e-07 allowed)\nRelative difference: nan (up to 1e-07 allowed)',
    );
    expect(thrown(() => ac(cx(1, 1), cx(NaN, NaN))).message).toBe(
      'Scalars are not close!\n\nExpected (nan+nanj) but got (1+1j).\nAbsolute difference: nan (up to 1e-07 allowed)\nRelative difference: nan (up to 1e-07 allowed)',
    );
  });
});

describe('assertClose: allowSubclasses', () => {
  // >>> t = torch.tensor([1.5])
  // >>> ac(t, torch.nn.Parameter(torch.tensor([1.5])), allow_subclasses=False)
  // TypeError("No comparison pair was able to handle inputs of type <class 'torch.Tensor'> and <class 'torch.nn.parameter.Parameter'>.")
  // >>> ac(torch.nn.Parameter(torch.tensor([1.5])), t, allow_subclasses=False)
  // TypeError("No comparison pair was able to handle inputs of type <class 'torch.nn.parameter.Parameter'> and <class 'torch.Tensor'>.")
  // >>> ac(t, torch.nn.Parameter(torch.tensor([1.5])), allow_subclasses=True)
  // (passes)
  // >>> ac(torch.nn.Parameter(torch.tensor([1.5])), torch.nn.Parameter(torch.tensor([2.5])), allow_subclasses=False)
  // AssertionError('Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 1.0 at index (0,) (up to 1e-05 allowed)\nGreatest relative difference: 0.4000000059604645 at index (0,) (up to 1.3e-06 allowed)')
  it('false: a Parameter is no match for a Tensor', () => {
    const t = torch.tensor([1.5]);
    const p = (v: number): torch.nn.Parameter => new torch.nn.Parameter(torch.tensor([v]));
    const err = thrown(() => ac(t, p(1.5), { allowSubclasses: false }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("No comparison pair was able to handle inputs of type <class 'torch.Tensor'> and <class 'torch.nn.parameter.Parameter'>.");
    expect(thrown(() => ac(p(1.5), t, { allowSubclasses: false })).message).toBe(
      "No comparison pair was able to handle inputs of type <class 'torch.nn.parameter.Parameter'> and <class 'torch.Tensor'>.",
    );
    expect(() => ac(t, p(1.5), { allowSubclasses: true })).not.toThrow();
    expect(() => ac(t, p(1.5))).not.toThrow();
    expect(thrown(() => ac(p(1.5), p(2.5), { allowSubclasses: false })).message).toBe(
      'Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 1.0 at index (0,) (up to 1e-05 allowed)\nGreatest relative difference: 0.4000000059604645 at index (0,) (up to 1.3e-06 allowed)',
    );
  });
});

// test/fixtures/hub/*.zip: scripts/make-hub-fixtures.py (a legacy torch.save file, zipped).
const HUB_FIXTURES = new URL('./fixtures/hub/', import.meta.url);
const TMP = mkdtempSync(join(tmpdir(), 'torchnode-hub-parity-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

// Warnings go out on the next tick: the messages f's warnings carry.
async function warningsOf(f: () => unknown): Promise<{ value: unknown; warnings: string[] }> {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    const value = f();
    await new Promise((resolve) => setImmediate(resolve));
    return { value, warnings };
  } finally {
    process.off('warning', onWarning);
  }
}

describe('torch.hub.loadStateDictFromUrl: legacy zip checkpoints', () => {
  const LEGACY_WARNING =
    'FutureWarning: Falling back to the old format < 1.6. This support will be deprecated in favor of default zipfile format introduced in 1.6. Please redo torch.save() to save it in the new zipfile format.';

  // >>> d = tempfile.mkdtemp()
  // >>> torch.hub.load_state_dict_from_url(pathlib.Path('test/fixtures/hub/legacy-stored.zip').absolute().as_uri(), model_dir=d, progress=False)
  // {'w': tensor([0., 1., 2.]), 'step': 7}     (warns: FutureWarning 'Falling back to the old format < 1.6. This support will be
  //   deprecated in favor of default zipfile format introduced in 1.6. Please redo torch.save() to save it in the new zipfile format.')
  // >>> sorted(os.listdir(d))
  // ['legacy-stored.zip', 'legacy_inner.pth']
  // (the same for legacy-deflated.zip: {'w': tensor([0., 1., 2.]), 'step': 7}, ['legacy-deflated.zip', 'legacy_inner.pth'])
  for (const name of ['legacy-stored.zip', 'legacy-deflated.zip']) {
    it(`extracts ${name}'s one file into modelDir and loads it, warning as Python does`, async () => {
      const modelDir = join(TMP, name);
      const { value, warnings } = await warningsOf(() => torch.hub.loadStateDictFromUrl(new URL(name, HUB_FIXTURES).href, { modelDir, progress: false }));
      const sd = value as { w: torch.Tensor; step: number };
      expect(sd.w.tolist()).toEqual([0, 1, 2]);
      expect(sd.step).toBe(7);
      expect(readdirSync(modelDir).sort()).toEqual([name, 'legacy_inner.pth']);
      // shown once per call site, as Python's default filter does (this line calls for both zips)
      if (name === 'legacy-stored.zip') expect(warnings).toContain(LEGACY_WARNING);
      // the cached zip is read again the same way
      expect((torch.hub.loadStateDictFromUrl(new URL(name, HUB_FIXTURES).href, { modelDir, progress: false }) as { w: torch.Tensor }).w.tolist()).toEqual([0, 1, 2]);
    });
  }

  // >>> torch.hub.load_state_dict_from_url(pathlib.Path('test/fixtures/hub/legacy-slip.zip').absolute().as_uri(), model_dir=d, progress=False)
  // ValueError('Archive entry contains directory traversal: ../escape.pth')
  // >>> sorted(os.listdir(d))
  // ['legacy-slip.zip']
  it('refuses an entry that would land outside modelDir', () => {
    const modelDir = join(TMP, 'slip', 'md');
    expect(() => torch.hub.loadStateDictFromUrl(new URL('legacy-slip.zip', HUB_FIXTURES).href, { modelDir, progress: false })).toThrow(
      'torch.hub.loadStateDictFromUrl: Archive entry contains directory traversal: ../escape.pth',
    );
    expect(readdirSync(modelDir)).toEqual(['legacy-slip.zip']);
    expect(existsSync(join(TMP, 'slip', 'escape.pth'))).toBe(false);
  });
});

describe('torch.hub.loadStateDictFromUrl: a hash mismatch', () => {
  // >>> src = os.path.join(d, 'bad-deadbeef.pth'); torch.save({'w': torch.arange(3.)}, src)
  // >>> torch.hub.load_state_dict_from_url(pathlib.Path(src).as_uri(), model_dir=os.path.join(d, 'md'), check_hash=True, progress=False)
  // RuntimeError('invalid hash value (expected "deadbeef", got "<sha256 of the file>")')
  // >>> os.listdir(os.path.join(d, 'md'))
  // []
  // (a refused connection is a network failure: torchnode's hint about a copy placed in the cache stays)
  it('says so, without the offline hint, which a failed connection keeps', () => {
    const src = join(TMP, 'bad-deadbeef.pth');
    writeFileSync(src, torch.save({ w: torch.arange(3, { dtype: torch.float32 }) })!);
    const sha = createHash('sha256').update(readFileSync(src)).digest('hex');
    const url = pathToFileURL(src).href;
    const modelDir = join(TMP, 'hash');
    const err = thrown(() => torch.hub.loadStateDictFromUrl(url, { modelDir, checkHash: true, progress: false }));
    expect(err.message).toBe(`torch.hub.downloadUrlToFile: ${url}: invalid hash value (expected "deadbeef", got "${sha}")`);
    expect(readdirSync(modelDir)).toEqual([]);
    expect(() => torch.hub.loadStateDictFromUrl('http://127.0.0.1:2/x.pth', { modelDir: join(TMP, 'offline'), progress: false })).toThrow(
      /ECONNREFUSED.* \(without a network, a copy of the file placed at .*x\.pth is used as it is\)$/,
    );
  });
});
