// The TypedArray of every dtype (native/src/tensor_data.cc ArrayTypeFor), both ways, copied and
// shared, and the zip reader handles of torch.load (serialize.cc), which only accept their own kind.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';

type ArrayCtor = new (n: number) => ArrayBufferView & ArrayLike<number | bigint>;

// dtype -> the TypedArray toTypedArray returns and whether { share: true } may view the storage.
const KINDS: [torch.DType, ArrayCtor, boolean][] = [
  [torch.int8, Int8Array, true],
  [torch.uint8, Uint8Array, true],
  [torch.bool, Uint8Array, false], // a Uint8Array could store invalid booleans
  [torch.int16, Int16Array, true],
  [torch.int32, Int32Array, true],
  [torch.int64, BigInt64Array, true],
  [torch.uint16, Uint16Array, true],
  [torch.uint32, Uint32Array, true],
  [torch.uint64, BigUint64Array, true],
  [torch.float32, Float32Array, true],
  [torch.float64, Float64Array, true],
  [torch.float16, Float32Array, false], // widened: no TypedArray of the same element type
  [torch.bfloat16, Float32Array, false],
  [torch.float8_e4m3fn, Float32Array, false],
  [torch.complex64, Float32Array, true], // [re, im] interleaved
  [torch.complex128, Float64Array, true],
];

describe('toTypedArray: the TypedArray of each dtype', () => {
  it.each(KINDS.map(([dt, ctor, shares]) => [dt.name, dt, ctor, shares] as const))('%s', (_name, dt, ctor, shares) => {
    const t = torch.tensor([1, 0, 1], { dtype: dt });
    const perValue = dt.isComplex ? 2 : 1;
    const copy = t.toTypedArray();
    expect(copy).toBeInstanceOf(ctor);
    expect(copy.length).toBe(3 * perValue);
    const one = ctor === BigInt64Array || ctor === BigUint64Array ? 1n : 1;
    expect(copy[0]).toBe(one);
    if (shares) {
      const view = t.toTypedArray({ share: true });
      expect(view).toBeInstanceOf(ctor);
      expect(view.length).toBe(3 * perValue);
      (view as unknown as (number | bigint)[])[perValue] = one; // writes reach the tensor
      expect(t.index(1).tolist()).toEqual(t.index(0).tolist());
    } else {
      expect(() => t.toTypedArray({ share: true })).toThrow(/^toTypedArray: /);
    }
  });

  it('an empty tensor gives an empty array, shared or not', () => {
    expect(torch.zeros(0).toTypedArray()).toEqual(new Float32Array(0));
    expect(torch.zeros(0).toTypedArray({ share: true })).toEqual(new Float32Array(0));
  });
});

describe('torch.tensor(TypedArray): the dtype of each TypedArray', () => {
  const cases: [ArrayBufferView, torch.DType][] = [
    [new Int8Array([1, -2]), torch.int8], [new Uint8Array([1, 2]), torch.uint8], [new Uint8ClampedArray([1, 2]), torch.uint8],
    [new Int16Array([1, -2]), torch.int16], [new Int32Array([1, -2]), torch.int32], [new BigInt64Array([1n, -2n]), torch.int64],
    [new Uint16Array([1, 2]), torch.uint16], [new Uint32Array([1, 2]), torch.uint32], [new BigUint64Array([1n, 2n]), torch.uint64],
    [new Float32Array([1.5, -2]), torch.float32], [new Float64Array([1.5, -2]), torch.float64],
  ];
  it.each(cases.map(([a, dt]) => [a.constructor.name, a, dt] as const))('%s', (_name, array, dt) => {
    const t = torch.tensor(array as never);
    expect(t.dtype).toBe(dt);
    expect(Array.from(t.toTypedArray() as ArrayLike<number | bigint>)).toEqual(Array.from(array as unknown as ArrayLike<number | bigint>));
  });

  it('a view into a larger buffer copies only its own elements', () => {
    const whole = new Float64Array([9, 1, 2, 9]);
    const t = torch.tensor(whole.subarray(1, 3));
    expect(t.tolist()).toEqual([1, 2]);
    whole[1] = 5; // a copy: the tensor keeps its values
    expect(t.tolist()).toEqual([1, 2]);
  });

  // Node-API cannot reach a SharedArrayBuffer's memory: tensor and asTensor copy it, frombuffer says why it cannot share it
  it('a TypedArray over a SharedArrayBuffer is copied by tensor/asTensor/asarray and refused by frombuffer', () => {
    const shared = new Float32Array(new SharedArrayBuffer(16)).fill(2.5);
    for (const t of [torch.tensor(shared), torch.asTensor(shared), torch.asarray(shared)]) {
      expect([t.dtype.name, Array.from(t.toTypedArray() as Float32Array)]).toEqual(['float32', [2.5, 2.5, 2.5, 2.5]]);
      shared[0] = 7; // a copy: later writes are not seen
      expect((t.toTypedArray() as Float32Array)[0]).toBe(2.5);
      shared[0] = 2.5;
    }
    expect(() => torch.frombuffer(shared)).toThrow(/frombuffer: a tensor cannot share the memory of a SharedArrayBuffer/);
    expect(() => torch.asarray(shared, { copy: false })).toThrow(/can't alias the memory of a SharedArrayBuffer/);
  });

  it('a DataView and a plain object are TypeErrors naming the function', () => {
    expect(() => native.fromTypedArray(new DataView(new ArrayBuffer(4)) as never, [1], null)).toThrow(/^tensor: data must be a TypedArray/);
    expect(() => native.fromTypedArray({} as never, [1], null)).toThrow(/^tensor: data must be a TypedArray/);
  });
});

// serialize.cc's entry points, which lib/serialize.ts types privately.
const zip = native as unknown as Record<'zipOpen' | 'zipClose' | 'zipRecords' | 'zipRecord' | 'zipWrite', (...args: unknown[]) => unknown>;

describe('torch.load zip readers', () => {
  const saved = torch.save({ w: torch.arange(3) }) as Uint8Array;

  it('a tensor handle, a generator or a plain value is not a reader', () => {
    const tensorHandle = native.fromTypedArray(new Float32Array(1), [1], null);
    for (const v of [tensorHandle, native.generatorNew('cpu'), {}, null, 5])
      expect(() => zip.zipRecords(v)).toThrow(/^torch\.load: expected a zip reader/);
    zip.zipClose(tensorHandle); // a no-op for anything but a reader
    expect(native.shape(tensorHandle)).toEqual([1]);
  });

  it('a closed reader says so; reading records works until then', () => {
    const reader = zip.zipOpen(saved);
    expect(zip.zipRecords(reader)).toContain('data.pkl');
    expect(zip.zipRecord(reader, 'no such record')).toBeNull();
    zip.zipClose(reader);
    expect(() => zip.zipRecords(reader)).toThrow(/^torch\.load: the archive was already closed/);
  });

  it('records must be [name, data] pairs of a string and a Uint8Array or tensor', () => {
    expect(() => zip.zipWrite('x', null)).toThrow(/^torch\.save: records must be an array/);
    expect(() => zip.zipWrite([5], null)).toThrow(/^torch\.save: records must be \[name, data\] pairs/);
    expect(() => zip.zipWrite([['a', new Int8Array(2)]], null)).toThrow(/^torch\.save: record data must be a Uint8Array/);
    expect((torch.load(saved) as { w: torch.Tensor }).w.tolist()).toEqual([0, 1, 2]);
  });
});

describe("autograd's ZeroTensor (no memory behind data_ptr)", () => {
  // Python 2.13: torch.sgn(x).sum().backward() on real x leaves x.grad a ZeroTensor.
  it('reads, prints and computes as zeros; saving and storage access throw as in Python', () => {
    const x = torch.randn([4], { dtype: torch.float64 }).requiresGrad_();
    torch.sgn(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0, 0]);
    expect(Array.from(x.grad!.toTypedArray() as Float64Array)).toEqual([0, 0, 0, 0]);
    expect(String(x.grad)).toBe('tensor([0., 0., 0., 0.], dtype=torch.float64)');
    expect(x.grad!.add(1).tolist()).toEqual([1, 1, 1, 1]);
    expect(() => torch.save(x.grad)).toThrow('ZeroTensor is not serializable, please file an issue if required.');
    expect(() => x.grad!.untypedStorage()).toThrow(/invalid storage/);
  });
});
