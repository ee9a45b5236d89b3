// torch.save / torch.load: files written by Python torch 2.13 and 1.13 (test/fixtures/save, made by
// scripts/make-save-fixtures.py) load with their values, dtypes, views and shared storages; what
// torchnode saves loads back the same; weightsOnly refuses what PyTorch's refuses; damaged files
// give errors naming the file, never a crash. Node -> Python: scripts/check-node-saves.py.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { asJs, describeJs, storageKey } from './save-describe.js';
import { childTimeoutMs, lastJson, runChild, runWithGc } from './run-child.js';

const dir = new URL('./fixtures/save/', import.meta.url);
const fixture = (name: string): string => new URL(name, dir).pathname;
interface Expected {
  torch: string;
  cases: Record<string, unknown>;
}
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Expected;
const expected113 = JSON.parse(readFileSync(new URL('expected_113.json', dir), 'utf8')) as Expected;
const expectedLegacy = JSON.parse(readFileSync(new URL('expected_legacy.json', dir), 'utf8')) as Expected;
const tmp = mkdtempSync(join(tmpdir(), 'torchnode-save-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('torch.load reads files written by Python torch.save', () => {
  for (const [label, exp, suffix] of [['2.13', expected, ''], ['1.13', expected113, '_113']] as const) {
    it(`loads every fixture of torch ${label} with its values, dtypes, strides and shared storages`, () => {
      expect(exp.torch.startsWith(label)).toBe(true);
      expect(Object.keys(exp.cases).length).toBeGreaterThanOrEqual(10);
      for (const [name, want] of Object.entries(exp.cases)) {
        if (name === 'cuda') continue;  // tested below with mapLocation
        const got = torch.load(fixture(`${name}${suffix}.pt`), { weightsOnly: name !== 'protocol4' && !name.startsWith('numpy') });
        expect(describeJs(got, new Map()), `${label} ${name}`).toEqual(asJs(want));
      }
    });
  }

  it('loads the legacy (pre-1.6, non-zip) format as Python 2.13 loads it back', () => {
    expect(Object.keys(expectedLegacy.cases)).toEqual(expect.arrayContaining(['classic_dtypes', 'views', 'state_dict', 'sgd', 'nested', 'parameter']));
    for (const [name, want] of Object.entries(expectedLegacy.cases)) {
      const got = torch.load(fixture(`${name}_legacy.pt`));
      expect(describeJs(got, new Map()), `legacy ${name}`).toEqual(asJs(want));
      expect(describeJs(torch.load(readFileSync(fixture(`${name}_legacy.pt`))), new Map()), `legacy ${name} from a Buffer`).toEqual(asJs(want));
    }
    const v = torch.load(fixture('views_legacy.pt')) as Record<string, torch.Tensor>;
    v.base!.add_(100);
    expect(v.view!.tolist()).toEqual([[102, 103, 104], [105, 106, 107]]);
    expect(storageKey(v.t!)).toBe(storageKey(v.base!));
  });

  it('loads numpy arrays as CPU tensors and numpy scalars as numbers (weightsOnly: false), as Python loads them back', () => {
    for (const name of ['numpy', 'numpy_protocol5']) {
      expect(expected.cases[name], name).toBeDefined();
      const got = torch.load(fixture(`${name}.pt`), { weightsOnly: false }) as Record<string, unknown>;
      expect((got.fortran as torch.Tensor).stride(), name).toEqual([1, 2]);  // numpy's Fortran order kept, as torch.from_numpy
      expect(got.s_big, name).toBe(2n ** 60n);
      expect(got.same, name).toBe(got.f4);  // one array pickled twice is one tensor
      const rng = got.rng as [string, torch.Tensor, number, number, number];
      expect(rng[0]).toBe('MT19937');
      expect([rng[1].dtype, rng[1].shape]).toEqual([torch.uint32, [624]]);
      // PyTorch's weights-only unpickler has no numpy globals (nor protocol 5's opcodes): refused by default, as in Python.
      expect(() => torch.load(fixture(`${name}.pt`)), name).toThrow(name === 'numpy' ? /Unsupported global: GLOBAL numpy\._core\.multiarray\._reconstruct/ : /Unsupported operand/);
    }
  });

  it('keeps numpy values no tensor can hold (strings, objects, dates, structured) as inert descriptions, and loads the rest', () => {
    const got = torch.load(fixture('numpy_inert.pt'), { weightsOnly: false }) as Record<string, unknown>;
    expect((got.w as torch.Tensor).tolist()).toEqual([0, 1, 2]);
    expect(got.f8).toBe(2.5);
    for (const key of ['strings', 'objects', 'dates', 'structured', 's_str']) {
      expect(got[key], key).toBeInstanceOf(torch.PickledObject);
      expect((got[key] as torch.PickledObject).className, key).toMatch(/^numpy\._core\.multiarray\.(_reconstruct|scalar)$/);
    }
    expect(((got.strings as torch.PickledObject).state as unknown[])[1]).toEqual([2]);  // (version, shape, dtype, fortran, data)
  });

  it('keeps views of one storage as views of one storage (writes through, as in Python)', () => {
    const v = torch.load(fixture('views.pt')) as Record<string, torch.Tensor>;
    v.base!.add_(100);
    expect(v.view!.tolist()).toEqual([[102, 103, 104], [105, 106, 107]]);
    expect(v.strided!.tolist()).toEqual([100, 103, 106, 109]);
    expect(storageKey(v.t!)).toBe(storageKey(v.base!));
    expect(storageKey(v.other!)).not.toBe(storageKey(v.base!));
  });

  it('reads a Buffer as it reads a file', () => {
    const fromFile = describeJs(torch.load(fixture('state_dict.pt')), new Map());
    expect(describeJs(torch.load(readFileSync(fixture('state_dict.pt'))), new Map())).toEqual(fromFile);
  });

  it("returns a state_dict with Python's keys and its _metadata kept out of the enumerable keys", () => {
    const sd = torch.load(fixture('state_dict.pt')) as Record<string, torch.Tensor> & { _metadata?: Record<string, unknown> };
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(sd['1.num_batches_tracked']!.dtype).toBe(torch.int64);
    expect(sd._metadata!['1']).toEqual({ version: 2 });
  });

  it('gives optimizer state dicts with int keys as strings, and parameters as tensors that require grad', () => {
    const sgd = torch.load(fixture('sgd.pt')) as { state: Record<string, { momentum_buffer: torch.Tensor }>; param_groups: Record<string, unknown>[] };
    expect(Object.keys(sgd.state)).toEqual(['0', '1', '2', '3']);
    expect(sgd.param_groups[0]!.params).toEqual([0, 1, 2, 3]);
    expect(sgd.param_groups[0]!.momentum).toBe(0.9);
    const p = torch.load(fixture('parameter.pt')) as torch.Tensor;
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
  });
});

describe('mapLocation', () => {
  it("refuses 'cuda' storages on a machine without CUDA, and maps them as Python does", () => {
    if (torch.cuda.isAvailable()) return;
    expect(() => torch.load(fixture('cuda.pt'))).toThrow(/cuda\.pt: Attempting to deserialize object on a CUDA device .* mapLocation: 'cpu'/);
    const want = asJs(expected.cases.cuda);
    for (const mapLocation of ['cpu', torch.device('cpu'), { 'cuda:0': 'cpu' }, (_s: torch.Tensor, loc: string) => (loc === 'cuda:0' ? 'cpu' : null), (s: torch.Tensor) => s] as torch.MapLocation[])
      expect(describeJs(torch.load(fixture('cuda.pt'), { mapLocation }), new Map())).toEqual(want);
    const seen: string[] = [];
    torch.load(fixture('views.pt'), { mapLocation: (s, loc) => (seen.push(`${loc}:${s.dtype.name}:${s.numel()}`), null) });
    expect(seen).toEqual(['cpu:uint8:48', 'cpu:uint8:8']);
  });

  it('moves a legacy file\'s storages to another device with their views (meta here), as a zip file\'s', () => {
    for (const name of ['views.pt', 'views_legacy.pt']) {
      const seen: string[] = [];
      torch.load(fixture(name), { mapLocation: (s, loc) => (seen.push(`${loc}:${s.numel()}`), null) });
      expect(seen, name).toEqual(['cpu:48', 'cpu:8']);
      const v = torch.load(fixture(name), { mapLocation: 'meta' }) as Record<string, torch.Tensor>;
      expect(Object.values(v).map((t) => String(t.device)), name).toEqual(['meta', 'meta', 'meta', 'meta', 'meta']);
      expect([v.view!.shape, v.t!.stride(), v.strided!.storageOffset()], name).toEqual([[2, 3], [1, 4], 0]);
    }
  });

  it('rejects a bad mapLocation', () => {
    expect(() => torch.load(fixture('views.pt'), { mapLocation: 'gpu' })).toThrow(/torch\.load: .*views\.pt: .*device/);
    expect(() => torch.load(fixture('views.pt'), { mapLocation: 5 as unknown as string })).toThrow(TypeError);
  });
});

describe('weightsOnly', () => {
  it('refuses a user class by default, naming the global; weightsOnly: false gives an inert description', () => {
    expect(() => torch.load(fixture('custom_class.pt'))).toThrow(/custom_class\.pt: Weights only load failed: Unsupported global: GLOBAL __main__\.Custom/);
    const r = torch.load(fixture('custom_class.pt'), { weightsOnly: false }) as { obj: torch.PickledObject };
    expect(r.obj).toBeInstanceOf(torch.PickledObject);
    expect(r.obj.className).toBe('__main__.Custom');
    expect(r.obj.state).toEqual({ x: 1 });
  });

  it('never runs pickled code: os.system is refused, or described, never called', () => {
    rmSync('/tmp/torchnode-pwned', { force: true });
    expect(() => torch.load(fixture('runs_code.pt'))).toThrow(/GLOBAL posix\.system whose module posix is blocked/);
    const r = torch.load(fixture('runs_code.pt'), { weightsOnly: false }) as { evil: torch.PickledObject };
    expect(r.evil.className).toBe('posix.system');
    expect(r.evil.args).toEqual(['echo torchnode-must-not-run-this > /tmp/torchnode-pwned']);
    expect(existsSync('/tmp/torchnode-pwned')).toBe(false);
  });

  it('accepts only the opcodes of PyTorch weights_only unpickler (pickle_protocol=4 needs weightsOnly: false)', () => {
    expect(() => torch.load(fixture('protocol4.pt'))).toThrow(/protocol4\.pt: Unsupported operand 149/);
  });

  it('checks its options', () => {
    expect(() => torch.load(fixture('views.pt'), { weightsOnly: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => torch.load(fixture('views.pt'), { map_location: 'cpu' } as unknown as torch.LoadOptions)).toThrow(/unexpected option 'map_location'/);
  });

  it('accepts mmap (read into memory) and encoding, with Python\'s refusals', () => {
    const want = describeJs(torch.load(fixture('views.pt')), new Map());
    expect(describeJs(torch.load(fixture('views.pt'), { mmap: true }), new Map())).toEqual(want);
    expect(describeJs(torch.load(fixture('views.pt'), { mmap: false, encoding: 'latin1' }), new Map())).toEqual(want);
    expect(() => torch.load(readFileSync(fixture('views.pt')), { mmap: true })).toThrow('f must be a file path in order to use the mmap argument');
    expect(() => torch.load(fixture('legacy.pt'), { mmap: true })).toThrow('mmap can only be used with files saved with `torch.save(');
    expect(() => torch.load(fixture('views.pt'), { mmap: 1 as unknown as boolean })).toThrow('mmap must be a boolean');
    expect(() => torch.load(fixture('views.pt'), { encoding: 'koi8-r' })).toThrow("encoding 'koi8-r' is not supported");
    // A legacy file whose object is the Python 2 str b'\xc3\xa9' (SHORT_BINSTRING). Python 2.13's torch.load gives
    // 'é' with encoding='utf-8' (its default), 'Ã©' with 'latin1', b'\xc3\xa9' with 'bytes', and refuses it with 'ascii'.
    const magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
    const py2 = Buffer.from([...magic, 0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e, 0x7d, 0x2e, 0x80, 0x02, 0x55, 0x02, 0xc3, 0xa9, 0x2e, 0x5d, 0x2e]);
    expect(torch.load(py2, { encoding: 'utf-8' })).toBe('é');
    expect(torch.load(py2, { encoding: 'latin1' })).toBe('Ã©');
    expect(torch.load(py2, { encoding: 'bytes' })).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(() => torch.load(py2, { encoding: 'ascii' })).toThrow("'ascii' codec can't decode");
  });
});

describe('torch.save', () => {
  it('refuses a quantized tensor with a message that says so (quantized tensors are deprecated in 2.13)', () => {
    const q = torch.quantizePerTensor(torch.tensor([1.5, 2.5]), 0.1, 10, torch.quint8);
    expect(() => torch.save(q, join(tmpdir(), 'never-written.pt'))).toThrow("torch.save: quantized tensors cannot be saved by torchnode (PyTorch's _rebuild_qtensor is not supported)");
  });
  it('refuses a nested tensor with a message that says so (it failed reading its shape)', () => {
    const n = torch.nested.nestedTensor([torch.ones(2), torch.ones(3)]);
    expect(() => torch.save({ n }, join(tmpdir(), 'never-written.pt'))).toThrow('torch.save: nested tensors cannot be saved by torchnode (at obj.n)');
  });
  it('round-trips every Python fixture Node -> Node (file and Buffer) with values, views and sharing', () => {
    for (const [name, want] of Object.entries(expected.cases)) {
      const obj = torch.load(fixture(`${name}.pt`), { weightsOnly: name !== 'protocol4' && !name.startsWith('numpy'), mapLocation: 'cpu' });
      const path = join(tmp, `${name}.pt`);
      expect(torch.save(obj, path)).toBeUndefined();
      // Written by PyTorchStreamWriter from the path: the archive folder is the base name, as in Python.
      expect(readFileSync(path).includes(Buffer.from(`${name}/data.pkl`)), name).toBe(true);
      expect(describeJs(torch.load(path), new Map()), name).toEqual(asJs(want));
      const buf = torch.save(obj)!;
      expect(Buffer.isBuffer(buf)).toBe(true);
      expect(describeJs(torch.load(buf), new Map()), name).toEqual(asJs(want));
    }
  });

  it("writes the same data.pkl bytes as Python's torch.save for what JS holds exactly", () => {
    // Tuples and torch.Size have no JS type (they come back as arrays), and Python memoizes equal
    // strings only when they are one object: the other fixtures differ there. Parameters, mixed and
    // tuple dict keys, complex numbers, lone surrogates, ints from 2**53 on and meta tensors: keys_values.
    const zip = native as unknown as { zipOpen(b: Uint8Array): object; zipRecord(r: object, name: string): Buffer | null };
    const pickle = (b: Uint8Array): Buffer => zip.zipRecord(zip.zipOpen(b), 'data.pkl')!;
    for (const name of ['dtypes', 'views', 'noncontiguous', 'sgd', 'requires_grad', 'conj', 'parameter', 'parameters', 'keys_values']) {
      const python = readFileSync(fixture(`${name}.pt`));
      expect(pickle(torch.save(torch.load(python))!).equals(pickle(python)), name).toBe(true);
    }
  });

  it('writes int keys back as ints, Maps with their key types, bigints, floats and dtypes', () => {
    const sgd = torch.load(fixture('sgd.pt')) as { state: object };
    const obj = {
      sgdState: sgd.state,
      marked: torch.markIntKeys({ 3: 'x', 1: 'y' }),
      plain: { 3: 'x' },
      map: new Map<unknown, unknown>([[1, 'one'], ['1', 'str one'], [2.5, 'float'], [null, 'none'], [true, 'bool']]),
      big: 2n ** 70n, negBig: -(2n ** 63n), float: 0.25, whole: 3, negZero: -0, inf: Infinity,
      dtype: torch.bfloat16, device: torch.device('cpu'), set: new Set([1, 'a']), bytes: Buffer.from([0, 255, 7]),
    };
    const back = torch.load(torch.save(obj)!) as Record<string, unknown>;
    expect(Object.keys(back.sgdState as object)).toEqual(['0', '1', '2', '3']);
    expect(back.map).toEqual(new Map<unknown, unknown>([[1, 'bool'], ['1', 'str one'], [2.5, 'float'], [null, 'none']]));
    expect(back.big).toBe(2n ** 70n);
    expect(back.negBig).toBe(-(2n ** 63n));
    expect([back.float, back.whole, Object.is(back.negZero, -0), back.inf]).toEqual([0.25, 3, true, Infinity]);
    expect(back.dtype).toBe(torch.bfloat16);
    expect(back.device).toEqual(torch.device('cpu'));
    expect(back.set).toEqual(new Set([1, 'a']));
    expect(back.bytes).toEqual(Buffer.from([0, 255, 7]));
    // Int-ness of keys survives saving again: marked objects keep int keys (BININT1 3), plain ones str keys.
    const pickled = (o: unknown): Buffer => torch.save({ o })!;
    expect(pickled(back.marked).includes(Buffer.from('K\x03X\x01\x00\x00\x00x', 'latin1'))).toBe(true);
    expect(pickled(back.plain).includes(Buffer.from('X\x01\x00\x00\x003q\x03X\x01\x00\x00\x00x', 'latin1'))).toBe(true);
  });

  it('keeps storage sharing and non-contiguous layouts of tensors made in Node', () => {
    const base = torch.arange(10, { dtype: torch.float64 });
    const obj = { base, tail: base.index('5:'), t: base.view(2, 5).t(), other: torch.ones(2) };
    const back = torch.load(torch.save(obj)!) as typeof obj;
    expect(back.t.stride()).toEqual([1, 5]);
    expect(back.tail.storageOffset()).toBe(5);
    back.base.mul_(2);
    expect(back.tail.tolist()).toEqual([10, 12, 14, 16, 18]);
    expect(back.t.tolist()).toEqual(base.view(2, 5).t().mul(2).tolist());
  });

  it('leaves only the tensors it returns alive: the storages\' own handles are freed at once, not at GC', () => {
    const r = runWithGc(`
      const buf = torch.save({ base: torch.arange(10), view: torch.arange(4).view(2, 2), n: 3 });
      const live = await settle();
      const back = torch.load(buf);
      const loaded = torch.nativeStats().tensors - live;
      back.base.dispose();
      back.view.dispose();
      // a mapLocation function that returns a copy: the CPU original goes at once
      const copied = torch.load(buf, { mapLocation: (s) => s.clone() });
      const withCopies = torch.nativeStats().tensors - live;
      copied.base.dispose();
      copied.view.dispose();
      // a legacy file cut inside its storage data: the error frees what the load had rebuilt
      const legacy = ${JSON.stringify(fixture('state_dict_legacy.pt'))};
      const bytes = (await import('node:fs')).readFileSync(legacy);
      let message = '';
      try { torch.load(bytes.subarray(0, bytes.length - 10)); } catch (e) { message = e.message; }
      return { loaded, afterDispose: torch.nativeStats().tensors - live, withCopies, afterFailure: torch.nativeStats().tensors - live, message };`);
    expect(r).toEqual({ loaded: 2, afterDispose: 0, withCopies: 2, afterFailure: 0, message: expect.stringMatching(/truncated/) });
  });

  it("refuses views of one storage under different dtypes, as Python's _save, writing no file", () => {
    const message = 'torch.save: Cannot save multiple tensors or storages that view the same data as different types';
    const x = torch.tensor([1.5, 2.5, 3.5, 4.5]);
    const path = join(tmp, 'dtype-views.pt');
    expect(() => torch.save({ f: x, i: x.view(torch.int32) }, path)).toThrow(message);
    expect(existsSync(path)).toBe(false);
    const c = torch.complex(torch.ones(2), torch.zeros(2));
    expect(() => torch.save([c, torch.viewAsReal(c)])).toThrow(message);
    // One dtype, several views: fine.
    expect(() => torch.save([x, x.index('1:')])).not.toThrow();
  });

  it('loads nn.Parameter as a Parameter and writes it back as Python does (_rebuild_parameter)', () => {
    const back = torch.load(fixture('parameters.pt')) as { p: torch.Tensor; frozen: torch.Tensor };
    expect(back.p).toBeInstanceOf(torch.nn.Parameter);
    expect(back.frozen).toBeInstanceOf(torch.nn.Parameter);
    expect([back.p.requiresGrad, back.frozen.requiresGrad]).toEqual([true, false]);
    const p = new torch.nn.Parameter(torch.ones(2));
    const again = torch.load(torch.save({ p, same: p })!) as { p: torch.Tensor; same: torch.Tensor };
    expect(again.p).toBeInstanceOf(torch.nn.Parameter);
    expect(again.same).toBe(again.p);
    expect(torch.save(p)!.includes(Buffer.from('torch._utils\n_rebuild_parameter\n'))).toBe(true);
  });

  it('keeps key types of dicts with mixed int and str keys (a Map), tuple keys, complex numbers and lone surrogates', () => {
    const kv = torch.load(fixture('keys_values.pt')) as Record<string, unknown>;
    expect(kv.mixed).toEqual(new Map<unknown, unknown>([[1, 'int'], ['1', 'str']]));
    expect(kv.mixed2).toEqual(new Map<unknown, unknown>([['1', 'x'], [2, 'y']]));
    expect([...(kv.tuple_keys as Map<unknown, unknown>).keys()]).toEqual([[1, 2], [3, [4, 5]]]);
    expect(kv.complex).toEqual({ real: 1.5, imag: -2 });
    expect(kv.surrogates).toEqual(['a\ud800b', '\udfff', 'ok \u{1f600}']);
    // Made in Node: a Map with an array key is a dict with a tuple key (TUPLE2), a lone surrogate WTF-8.
    const pkl = torch.save(new Map([[[1, 2], 'x']]))!;
    expect(pkl.includes(Buffer.from([0x4b, 1, 0x4b, 2, 0x86]))).toBe(true);
    expect(torch.load(torch.save({ s: 'x\udc00y\ud83d' })!)).toEqual({ s: 'x\udc00y\ud83d' });
    expect(torch.save('\ud800')!.includes(Buffer.from([0x58, 3, 0, 0, 0, 0xed, 0xa0, 0x80]))).toBe(true);
  });

  it('writes every whole number as a Python int, 2 ** 53 and beyond exactly', () => {
    const back = torch.load(torch.save({ a: 2 ** 53, b: -(2 ** 64), c: 1e300, d: 2 ** 53 + 0.5 * 0 })!) as Record<string, unknown>;
    expect(back).toEqual({ a: 2n ** 53n, b: -(2n ** 64n), c: BigInt(1e300), d: 2n ** 53n });
    expect(torch.load(torch.save({ f: 2.5, z: -0 })!)).toEqual({ f: 2.5, z: -0 });
  });

  it('saves and loads meta tensors (_rebuild_meta_tensor_no_storage)', () => {
    const m = torch.empty([4, 2], { device: 'meta', dtype: torch.float16 }).t();
    const buf = torch.save({ m })!;
    expect(buf.includes(Buffer.from('_rebuild_meta_tensor_no_storage'))).toBe(true);
    const back = (torch.load(buf) as { m: torch.Tensor }).m;
    expect([back.device.type, back.dtype, back.shape, back.stride()]).toEqual(['meta', torch.float16, [2, 4], [1, 2]]);
  });

  // Python 2.13: w = torch.ones(2, requires_grad=True); torch.save(w * 2, f); torch.load(f)
  // -> tensor([2., 2.], requires_grad=True), a leaf (is_leaf True, grad_fn None)
  it('saves a non-leaf tensor that requires grad as Python does: it loads as a leaf that requires grad', () => {
    const x = torch.ones(2).requiresGrad_();
    const back = torch.load(torch.save({ y: x.mul(2), v: x.mul(3).narrow(0, 0, 1) })!) as Record<string, torch.Tensor>;
    expect([back.y!.tolist(), back.y!.requiresGrad, back.y!.isLeaf, back.y!.gradFn]).toEqual([[2, 2], true, true, null]);
    expect([back.v!.tolist(), back.v!.requiresGrad]).toEqual([[3], true]);
  });

  // Python 2.13: m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)); m.state_dict()._metadata
  //   -> OrderedDict([('', {'version': 1}), ('0', {'version': 1}), ('1', {'version': 2})])
  // sd = m.state_dict(); del sd['1.num_batches_tracked']; m.load_state_dict(sd)
  //   -> RuntimeError ... Missing key(s) in state_dict: "1.num_batches_tracked".   (BatchNorm's version 2 format)
  // m.load_state_dict(dict(sd)) (no _metadata: an old checkpoint) -> <All keys matched successfully>
  // torchvision mnasnet0_5(num_classes=4).load_state_dict of the file JS writes below -> all keys matched
  //   (without _metadata: ValueError "version shluld be set to 1 or 2 instead of None")
  it("stateDict records each module's version in _metadata, as Python's, and loadStateDict reads it", () => {
    const m = new torch.nn.Sequential(new torch.nn.Linear(2, 2), new torch.nn.BatchNorm1d(2));
    const sd = m.stateDict() as torch.nn.StateDict & { _metadata?: unknown };
    expect(sd._metadata).toEqual({ '': { version: 1 }, '0': { version: 1 }, '1': { version: 2 } });
    expect(Object.keys(sd)).not.toContain('_metadata');
    const back = torch.load(torch.save(sd)!) as { _metadata?: unknown };
    expect(back._metadata).toEqual(sd._metadata);
    delete sd['1.num_batches_tracked'];
    expect(() => m.loadStateDict(sd)).toThrow(/Missing key\(s\) in state_dict: "1\.num_batches_tracked"/);
    expect(m.loadStateDict({ ...sd })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const mnasnet = torch.vision.models.mnasnet0_5({ numClasses: 4 }).stateDict() as { _metadata?: Record<string, unknown> };
    expect(mnasnet._metadata!['']).toEqual({ version: 2 });
  });

  it('refuses what Python cannot load, naming where it is', () => {
    expect(() => torch.save({ a: { f: () => 1 } })).toThrow(/torch\.save: cannot save a function \(at obj\.a\.f\)/);
    expect(() => torch.save([new Float32Array(2)])).toThrow(/Float32Array .*torch\.tensor/);
    expect(() => torch.save({ d: new Date() })).toThrow(/instance of Date/);
    expect(() => torch.save(1, 5 as unknown as string)).toThrow(TypeError);
    expect(() => torch.save(1, join(tmp, 'no-such-dir', 'x.pt'))).toThrow(/torch\.save: .*no-such-dir\/x\.pt: /);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const back = torch.load(torch.save(cyclic)!) as Record<string, unknown>;
    expect(back.self).toBe(back);
  });

  // Checked with Python 2.13 reading the files this test writes (torch.load, weights_only):
  // {p, other, again: other, s1, s2, p2: p} with p a sparse COO Parameter -> r['p2'] is r['p'] True, r['again'] is r['other'] True
  // {s: Set([[1, 2], [3, 4]])} -> {'s': {(1, 2), (3, 4)}}; {x: 2n ** 2038n} -> x == 2**2038 True
  // torch.save({'bigk': {2**60: 'x', 3: 'y'}}) loaded and saved again by torchnode -> {'bigk': {3: 'y', 1152921504606846976: 'x'}}
  it('back-references after a sparse Parameter, set items and big int keys as Python reads them', () => {
    const p = new torch.nn.Parameter(torch.tensor([[0, 1.5], [2, 0]]).toSparse());
    const other = torch.tensor([7, 8]);
    const r = torch.load(torch.save({ p, other, again: other, s1: 'hello', s2: 'hello', p2: p })!) as Record<string, unknown>;
    expect([r.p2 === r.p, r.again === r.other, r.s2]).toEqual([true, true, 'hello']);
    const set = (torch.load(torch.save({ s: new Set([[1, 2], [3, 4]]) })!) as { s: Set<unknown> }).s;
    expect([...set]).toEqual([[1, 2], [3, 4]]);
    expect(torch.save({ s: new Set([[1, 2]]) })!.includes(Buffer.from([0x4b, 1, 0x4b, 2, 0x86]))).toBe(true); // BININT1 1, BININT1 2, TUPLE2
    expect(() => torch.save(new Map([[new Map([[1, 2]]), 1]]))).toThrow("a Map cannot be a Map key or a Set item (at obj key): Python's dict and set are unhashable");
    expect(() => torch.save({ s: new Set([{ a: 1 }]) })).toThrow('a plain object cannot be a Map key or a Set item');
    expect((torch.load(torch.save({ x: 2n ** 2038n })!) as { x: bigint }).x).toBe(2n ** 2038n);
    expect(() => torch.save({ x: 2n ** 2039n })).toThrow("an integer of 256 bytes cannot be saved (Python's weights_only torch.load reads integers up to 255 bytes)");
    // an int-keyed dict (loaded from one) keeps a key beyond 2^53 an int: LONG1 of 2^60, not its digits as a str
    const intKeyed = torch.load(torch.save(new Map<unknown, string>([[2n ** 60n, 'x'], [3, 'y']]))!) as Record<string, string>;
    expect(intKeyed).toEqual({ 3: 'y', '1152921504606846976': 'x' });
    const again = torch.save({ bigk: intKeyed })!;
    expect([again.includes(Buffer.from([0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x10])), again.includes(Buffer.from('1152921504606846976'))]).toEqual([true, false]);
  });
});

describe('damaged files', () => {
  it('name the file and say what is wrong', () => {
    expect(() => torch.load(join(tmp, 'missing.pt'))).toThrow(/torch\.load: .*missing\.pt: .*(No such file|open file failed)/);
    expect(() => torch.load(Buffer.from('hello world'))).toThrow(/torch\.load: <buffer>: not a PyTorch zip archive/);
    // legacy.pt was written with storages tagged 'cuda:0' (see make-save-fixtures.py): as Python, it needs mapLocation here
    expect(() => torch.load(fixture('legacy.pt'))).toThrow(/legacy\.pt: Attempting to deserialize object on a CUDA device \(cuda:0\)/);
    expect((torch.load(fixture('legacy.pt'), { mapLocation: 'cpu' }) as { t: torch.Tensor }).t.tolist()).toEqual([0, 1, 2]);
    expect(() => torch.load(Buffer.concat([readFileSync(fixture('state_dict_legacy.pt')).subarray(0, 40)]))).toThrow(/torch\.load: <buffer>: .*truncated/);
    expect(() => torch.load(fixture('bad_version.pt'))).toThrow(/bad_version\.pt: unsupported file format version: .*version 99/);
    expect(() => torch.load(42 as unknown as string)).toThrow(TypeError);
  });

  it('truncated at any offset or with flipped bytes, with weightsOnly or not: an Error naming the buffer, never a crash', () => {
    const r = runChild(`
      import { readFileSync, readdirSync } from 'node:fs';
      const dir = ${JSON.stringify(new URL('.', dir).pathname)};
      let seed = 12345;
      const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
      const stats = { threw: 0, loaded: 0, bad: [] };
      const attempt = (bytes) => {
        for (const weightsOnly of [true, false]) {
          try { torch.load(bytes, { weightsOnly }); stats.loaded++; }
          catch (e) { if (e instanceof Error && e.message.startsWith('torch.load: <buffer>: ')) stats.threw++; else stats.bad.push(String(e)); }
        }
      };
      for (const name of ['state_dict.pt', 'dtypes.pt', 'sgd.pt', 'nested.pt', 'views_113.pt', 'state_dict_legacy.pt', 'views_legacy.pt', 'numpy.pt']) {
        const data = readFileSync(dir + name);
        for (let n = 0; n < data.length; n += 7) attempt(data.subarray(0, n));
        for (let i = 0; i < 300; i++) {
          const b = Buffer.from(data);
          for (let k = 0; k <= rand(3); k++) b[rand(b.length)] ^= 1 << rand(8);
          attempt(b);
        }
      }
      console.log(JSON.stringify(stats));
    `);
    expect(r.status, r.stderr).toBe(0);
    const stats = lastJson<{ threw: number; loaded: number; bad: string[] }>(r);
    expect(stats.bad).toEqual([]);
    expect(stats.threw).toBeGreaterThan(1000);
  }, childTimeoutMs + 10_000);
});
