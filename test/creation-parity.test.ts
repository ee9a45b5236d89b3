// torch.tensor's data conversion compared with Python torch 2.13 (each Python expression and its output
// quoted above its expectation, run with .venv/bin/python; T = torch.tensor, a(l, d) = np.array(l, dtype=d)):
// BigInts range-checked like Python ints, uint64's own conversion, BigInts mixed with fractions,
// TypedArrays inside the data as NumPy arrays in a Python list, and complex tensors inside the data.
import { afterEach, describe, expect, it, vi } from 'vitest';

import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';

const T = torch.tensor;
const bad = (data: unknown): torch.TensorData => data as torch.TensorData;

describe('torch.tensor: TypedArrays inside the data (NumPy arrays in a Python list)', () => {
  afterEach(() => vi.restoreAllMocks());

  // T([a([1,2],'float32'), a([3,4],'float32')]) -> torch.float32 [[1.0, 2.0], [3.0, 4.0]]; T([a([],'float32')]).shape -> [1, 0]
  // (Python also warns that reading a list of numpy.ndarrays is extremely slow; TypedArray rows are copied
  // whole here, so torchnode gives no such warning)
  it('reads Float32Array rows as float32, without a slowness warning', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(T([new Float32Array(0)]).shape).toEqual([1, 0]);
    const t = T([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    expect(t.dtype).toBe(torch.float32);
    expect(t.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(emit).not.toHaveBeenCalled();
  });

  // for d in ['int8','uint8','int16','uint16','int32','uint32','int64','float32','float64']: T([a([1,2],d), a([3,4],d)]).dtype
  //   -> torch.int8, torch.uint8, torch.int16, torch.uint16, torch.int32, torch.uint32, torch.int64, torch.float32, torch.float64
  // (each [[1, 2], [3, 4]]; Uint8ClampedArray is uint8 here, BigInt64Array int64)
  it('infers each TypedArray row dtype as NumPy array elements do', () => {
    const cases: [new (a: number[]) => ArrayLike<number>, torch.DType][] = [
      [Int8Array, torch.int8], [Uint8Array, torch.uint8], [Uint8ClampedArray, torch.uint8], [Int16Array, torch.int16],
      [Uint16Array, torch.uint16], [Int32Array, torch.int32], [Uint32Array, torch.uint32], [Float32Array, torch.float32], [Float64Array, torch.float64],
    ];
    for (const [Ctor, dtype] of cases) {
      const t = T(bad([new Ctor([1, 2]), new Ctor([3, 4])]));
      expect(t.dtype).toBe(dtype);
      expect(t.tolist()).toEqual([[1, 2], [3, 4]]);
    }
    const t = T(bad([BigInt64Array.of(1n, 2n), BigInt64Array.of(3n, 4n)]));
    expect(t.dtype).toBe(torch.int64);
    expect(t.tolist()).toEqual([[1, 2], [3, 4]]);
  });

  // T([a([1,2],'float32'), a([3,4],'float64')]) -> torch.float64 [[1.0, 2.0], [3.0, 4.0]]
  // T([a([1,2],'int32'), a([3,4],'float32')])   -> torch.float32 [[1.0, 2.0], [3.0, 4.0]]
  // T([a([1,2],'uint8'), a([3,4],'int8')])      -> torch.int16 [[1, 2], [3, 4]]
  // T([a([1,2],'int32'), [3,4]])                -> torch.int64 [[1, 2], [3, 4]]
  // T([a([1,2],'int32'), [3.5,4]])              -> torch.float32 [[1.0, 2.0], [3.5, 4.0]]
  // T([[a([1,2],'float32')], [a([3,4],'float32')]]) -> torch.float32 [[[1.0, 2.0]], [[3.0, 4.0]]]
  // T([a([],'int32'), a([],'int32')])           -> torch.int32 [[], []]
  // T([a([2**60,1],'int64')])                    -> torch.int64 [[1152921504606846976, 1]]
  it('promotes TypedArray dtypes with each other and with plain elements', () => {
    const check = (data: unknown, dtype: torch.DType, shape: number[]): torch.Tensor => {
      const t = T(bad(data));
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual(shape);
      return t;
    };
    check([new Float32Array([1, 2]), new Float64Array([3, 4])], torch.float64, [2, 2]);
    check([new Int32Array([1, 2]), new Float32Array([3, 4])], torch.float32, [2, 2]);
    expect(check([new Uint8Array([1, 2]), new Int8Array([3, 4])], torch.int16, [2, 2]).tolist()).toEqual([[1, 2], [3, 4]]);
    check([new Int32Array([1, 2]), [3, 4]], torch.int64, [2, 2]);
    expect(check([new Int32Array([1, 2]), [3.5, 4]], torch.float32, [2, 2]).tolist()).toEqual([[1, 2], [3.5, 4]]);
    expect(check([[new Float32Array([1, 2])], [new Float32Array([3, 4])]], torch.float32, [2, 1, 2]).tolist()).toEqual([[[1, 2]], [[3, 4]]]);
    check([new Int32Array(0), new Int32Array(0)], torch.int32, [2, 0]);
    expect(check([BigInt64Array.of(2n ** 60n, 1n)], torch.int64, [1, 2]).toTypedArray()).toEqual(BigInt64Array.of(2n ** 60n, 1n));
  });

  // T([a([1,2],'float32'), a([3],'float32')]) -> ValueError expected sequence of length 2 at dim 1 (got 1)
  it('checks TypedArray row lengths like nested arrays', () => {
    expect(() => T(bad([new Float32Array([1, 2]), new Float32Array([3])]))).toThrow('expected sequence of length 2 at dim 1 (got 1)');
  });

  // T([a([1.5,-2.7],'float32')], dtype=torch.int32) -> TypeError 'numpy.float32' object cannot be interpreted as an integer
  // T([a([1.5,-2.7],'float32')], dtype=torch.bool)  -> TypeError 'numpy.float32' object cannot be interpreted as an integer
  // T([a([1.5,-2.7],'float32')], dtype=torch.float64) -> torch.float64 [[1.5, -2.700000047683716]]
  // T([a([1.5,-2.7],'float64')], dtype=torch.int32) -> torch.int32 [[1, -2]]
  // T([a([-1,2],'int32')], dtype=torch.uint8)       -> torch.uint8 [[255, 2]]
  // T([a([-1,300],'int32')], dtype=torch.uint8)     -> RuntimeError value cannot be converted to type uint8 without overflow
  // T([a([-1.0],'float64')], dtype=torch.uint8)     -> RuntimeError value cannot be converted to type uint8 without overflow
  // T([a([2**40,-1],'int64')], dtype=torch.int32)   -> RuntimeError value cannot be converted to type int32 without overflow
  // T([a([2**64-1],'uint64')], dtype=torch.int64)   -> ValueError Overflow when unpacking long long
  it('converts TypedArray elements into an explicit dtype as NumPy scalars', () => {
    expect(() => T(bad([new Float32Array([1.5, -2.7])]), { dtype: torch.int32 })).toThrow(TypeError);
    expect(() => T(bad([new Float32Array([1.5, -2.7])]), { dtype: torch.int32 })).toThrow("'numpy.float32' object cannot be interpreted as an integer");
    expect(() => T(bad([new Float32Array([1.5, -2.7])]), { dtype: torch.bool })).toThrow("'numpy.float32' object cannot be interpreted as an integer");
    expect(T(bad([new Float32Array([1.5, -2.7])]), { dtype: torch.float64 }).tolist()).toEqual([[1.5, -2.700000047683716]]);
    expect(T(bad([new Float64Array([1.5, -2.7])]), { dtype: torch.int32 }).tolist()).toEqual([[1, -2]]);
    expect(T(bad([new Int32Array([-1, 2])]), { dtype: torch.uint8 }).tolist()).toEqual([[255, 2]]);
    expect(() => T(bad([new Int32Array([-1, 300])]), { dtype: torch.uint8 })).toThrow('value 300 cannot be converted to type uint8 without overflow');
    expect(() => T(bad([new Float64Array([-1])]), { dtype: torch.uint8 })).toThrow('value -1 cannot be converted to type uint8 without overflow');
    expect(() => T(bad([BigInt64Array.of(2n ** 40n, -1n)]), { dtype: torch.int32 })).toThrow('cannot be converted to type int32 without overflow');
    expect(() => T(bad([BigUint64Array.of(2n ** 64n - 1n)]), { dtype: torch.int64 })).toThrow('Overflow when unpacking long');
  });

  // T([a([-1,2],'int32')], dtype=torch.uint64) -> TypeError an integer is required
  // T([a([1,2],'float32')], dtype=torch.uint64) -> TypeError an integer is required
  // T([a([1,2],'uint64'), a([3,4],'uint64')])  -> TypeError an integer is required
  it('refuses TypedArray elements for uint64, which takes Python ints only', () => {
    expect(() => T(bad([new Int32Array([-1, 2])]), { dtype: torch.uint64 })).toThrow(TypeError);
    expect(() => T(bad([new Int32Array([-1, 2])]), { dtype: torch.uint64 })).toThrow('an integer is required');
    expect(() => T(bad([new Float32Array([1, 2])]), { dtype: torch.uint64 })).toThrow('an integer is required');
    expect(() => T(bad([BigUint64Array.of(1n, 2n), BigUint64Array.of(3n, 4n)]))).toThrow('an integer is required');
  });
});

describe('torch.tensor: BigInt elements', () => {
  // T([300], dtype=torch.uint8) -> RuntimeError value cannot be converted to type uint8 without overflow
  // T([2**40], dtype=torch.int32) -> RuntimeError value cannot be converted to type int32 without overflow
  // T([1], dtype=torch.int8).new_tensor([-129]) -> RuntimeError value cannot be converted to type int8 without overflow
  // torch.IntTensor([2**40]) -> RuntimeError value cannot be converted to type int32 without overflow
  it('are range-checked for narrower integer dtypes', () => {
    expect(() => T([300n], { dtype: torch.uint8 })).toThrow(RangeError);
    expect(() => T([300n], { dtype: torch.uint8 })).toThrow('value 300 cannot be converted to type uint8 without overflow');
    expect(() => T([2n ** 40n], { dtype: torch.int32 })).toThrow('value 1099511627776 cannot be converted to type int32 without overflow');
    expect(() => T([1], { dtype: torch.int8 }).newTensor([-129n])).toThrow('value -129 cannot be converted to type int8 without overflow');
    expect(() => new torch.IntTensor([2n ** 40n])).toThrow('cannot be converted to type int32 without overflow');
  });

  // for v in [-257,-256,-255,-129,-128,-1,127,128,255,256]: T([v], dtype=torch.uint8) / T([v], dtype=torch.int8)
  //   uint8: -257 ERR, -256 ERR, -255 [1], -129 [127], -128 [128], -1 [255], 127 [127], 128 [128], 255 [255], 256 ERR
  //   int8:  -257 ERR, -256 ERR, -255 ERR, -129 ERR, -128 [-128], -1 [-1], 127 [127], 128 ERR, 255 ERR, 256 ERR
  // T([-32769], dtype=torch.uint16) -> torch.uint16 [32767]
  // T([-32769], dtype=torch.int16) -> RuntimeError value cannot be converted to type int16 without overflow
  // T([2**63], dtype=torch.uint8) -> ValueError Overflow when unpacking long long
  it('follow Python int boundaries: -max..max for unsigned (wrapping), min..max for signed', () => {
    const u8: [bigint, number | null][] = [[-257n, null], [-256n, null], [-255n, 1], [-129n, 127], [-128n, 128], [-1n, 255], [127n, 127], [128n, 128], [255n, 255], [256n, null]];
    const i8: [bigint, number | null][] = [[-257n, null], [-256n, null], [-255n, null], [-129n, null], [-128n, -128], [-1n, -1], [127n, 127], [128n, null], [255n, null], [256n, null]];
    for (const [dtype, cases] of [[torch.uint8, u8], [torch.int8, i8]] as const) {
      for (const [v, want] of cases) {
        if (want === null) expect(() => T([v], { dtype }), `${v} into ${dtype.name}`).toThrow(`value ${v} cannot be converted to type ${dtype.name} without overflow`);
        else expect(T([v], { dtype }).tolist(), `${v} into ${dtype.name}`).toEqual([want]);
      }
    }
    expect(T([-32769n], { dtype: torch.uint16 }).tolist()).toEqual([32767]);
    expect(() => T([-32769n], { dtype: torch.int16 })).toThrow('without overflow');
    expect(() => T([2n ** 63n], { dtype: torch.uint8 })).toThrow('Overflow when unpacking long');
  });

  // T([1, 2.5]) -> torch.float32 [1.0, 2.5]
  // T([1, 2.5], dtype=torch.float64) -> torch.float64 [1.0, 2.5]
  // T([torch.tensor(2**60), 0.5]) -> torch.float32 [1.152921504606847e+18, 0.5]
  // T([2**62+1, -2.5], dtype=torch.int64) -> torch.int64 [4611686018427387905, -2]
  // T([1, 2.5], dtype=torch.int32) -> torch.int32 [1, 2]
  it('mixed with fractional numbers give a floating tensor, or truncate into an integer dtype', () => {
    const f = T([1n, 2.5]);
    expect(f.dtype).toBe(torch.float32);
    expect(f.tolist()).toEqual([1, 2.5]);
    const d = T([1n, 2.5], { dtype: torch.float64 });
    expect(d.dtype).toBe(torch.float64);
    expect(d.tolist()).toEqual([1, 2.5]);
    const t = T(bad([T(2 ** 60), 0.5]));
    expect(t.dtype).toBe(torch.float32);
    expect(t.tolist()).toEqual([1.152921504606847e18, 0.5]);
    expect(T([2n ** 62n + 1n, -2.5], { dtype: torch.int64 }).toTypedArray()).toEqual(BigInt64Array.of(2n ** 62n + 1n, -2n));
    expect(T([1n, 2.5], { dtype: torch.int32 }).tolist()).toEqual([1, 2]);
  });

  // T([2**70, 0.5]) -> torch.float32 [1.1805916207174113e+21, 0.5]
  // T([2**70], dtype=torch.float64) -> torch.float64 [1.1805916207174113e+21]
  // T([2**70], dtype=torch.bool) -> torch.bool [True]
  // T([2**70, 0.5], dtype=torch.int64) -> ValueError Overflow when unpacking long long
  // T([2**1024, 0.5]) -> OverflowError int too large to convert to float
  it('beyond int64 go into floating and bool dtypes as Python ints do', () => {
    expect(T([2n ** 70n, 0.5]).tolist()).toEqual([1.1805916207174113e21, 0.5]);
    expect(T([2n ** 70n], { dtype: torch.float64 }).tolist()).toEqual([1.1805916207174113e21]);
    expect(T([2n ** 70n], { dtype: torch.bool }).tolist()).toEqual([true]);
    expect(() => T([2n ** 70n, 0.5], { dtype: torch.int64 })).toThrow('Overflow when unpacking long');
    expect(() => T([2n ** 1024n, 0.5])).toThrow(RangeError);
    expect(() => T([2n ** 1024n, 0.5])).toThrow('int too large to convert to float');
  });
});

describe('torch.tensor: numbers into uint64', () => {
  // T([-1], dtype=torch.uint64) -> OverflowError can't convert negative int to unsigned
  // T([1.5], dtype=torch.uint64) -> TypeError an integer is required
  // T([2.0**64], dtype=torch.uint64) -> TypeError an integer is required
  // T([float('nan')], dtype=torch.uint64) -> TypeError an integer is required
  // T(-1, dtype=torch.uint64) -> OverflowError can't convert negative int to unsigned
  it('refuses negative and fractional numbers', () => {
    expect(() => T([-1], { dtype: torch.uint64 })).toThrow(RangeError);
    expect(() => T([-1], { dtype: torch.uint64 })).toThrow("can't convert negative int to unsigned");
    expect(() => T([1.5], { dtype: torch.uint64 })).toThrow(TypeError);
    expect(() => T([1.5], { dtype: torch.uint64 })).toThrow('an integer is required');
    expect(() => T([2 ** 64], { dtype: torch.uint64 })).toThrow('an integer is required');
    expect(() => T([NaN], { dtype: torch.uint64 })).toThrow('an integer is required');
    expect(() => T(-1, { dtype: torch.uint64 })).toThrow("can't convert negative int to unsigned");
  });

  // T([-1, 1.5], dtype=torch.uint64) -> OverflowError can't convert negative int to unsigned
  // T([1.5, -1], dtype=torch.uint64) -> TypeError an integer is required
  // T([[1],[2.5]], dtype=torch.uint64) -> TypeError an integer is required
  it('reports the first bad element, in order', () => {
    expect(() => T([-1, 1.5], { dtype: torch.uint64 })).toThrow("can't convert negative int to unsigned");
    expect(() => T([1.5, -1], { dtype: torch.uint64 })).toThrow('an integer is required');
    expect(() => T([[1], [2.5]], { dtype: torch.uint64 })).toThrow('an integer is required');
  });

  // T([torch.tensor(1)], dtype=torch.uint64) -> TypeError an integer is required
  // T([torch.tensor(True)], dtype=torch.uint64) -> TypeError an integer is required
  it('refuses tensors inside the data', () => {
    expect(() => T(bad([T(1)]), { dtype: torch.uint64 })).toThrow('an integer is required');
    expect(() => T(bad([T(true)]), { dtype: torch.uint64 })).toThrow('an integer is required');
  });
});

describe('torch.tensor: tensors inside the data', () => {
  const c = (): torch.Tensor => torch.complex(T(1.5), T(2.5));

  // T([torch.complex(T(1.5), T(2.5))]) -> torch.complex64 [(1.5+2.5j)]
  // T([c, 1.0]) -> torch.complex64 [(1.5+2.5j), (1+0j)]
  // T([c, T(0.25, dtype=torch.float64)]) -> torch.complex128 [(1.5+2.5j), (0.25+0j)]
  // T([[c,1],[2,3.5]]) -> torch.complex64 [[(1.5+2.5j), (1+0j)], [(2+0j), (3.5+0j)]]
  // T([c], dtype=torch.complex128) -> torch.complex128 [(1.5+2.5j)]
  it('takes complex 0-d tensors, promoting the result to complex', () => {
    const one = T(bad([c()]));
    expect(one.dtype).toBe(torch.complex64);
    expect(one.tolist()).toEqual([[1.5, 2.5]]);
    const mixed = T(bad([c(), 1.0]));
    expect(mixed.dtype).toBe(torch.complex64);
    expect(mixed.tolist()).toEqual([[1.5, 2.5], [1, 0]]);
    const wide = T(bad([c(), T(0.25, { dtype: torch.float64 })]));
    expect(wide.dtype).toBe(torch.complex128);
    expect(wide.tolist()).toEqual([[1.5, 2.5], [0.25, 0]]);
    const rows = T(bad([[c(), 1], [2, 3.5]]));
    expect(rows.dtype).toBe(torch.complex64);
    expect(rows.tolist()).toEqual([[[1.5, 2.5], [1, 0]], [[2, 0], [3.5, 0]]]);
    const explicit = T(bad([c()]), { dtype: torch.complex128 });
    expect(explicit.dtype).toBe(torch.complex128);
    expect(explicit.tolist()).toEqual([[1.5, 2.5]]);
  });

  // c128 = torch.complex(T(1.5, dtype=torch.float64), T(-0.1, dtype=torch.float64))
  // T([c128], dtype=torch.complex64) -> torch.complex64 [(1.5-0.10000000149011612j)]
  it('rounds complex128 values into complex64', () => {
    const c128 = torch.complex(T(1.5, { dtype: torch.float64 }), T(-0.1, { dtype: torch.float64 }));
    expect(T(bad([c128]), { dtype: torch.complex64 }).tolist()).toEqual([[1.5, -0.10000000149011612]]);
  });

  // T([c], dtype=torch.float32) -> RuntimeError value cannot be converted to type double without overflow
  // T([torch.complex(T(1.5), T(0.))], dtype=torch.float32) -> torch.float32 [1.5]
  // T([c], dtype=torch.int32) -> TypeError only integer tensors of a single element can be converted to an index
  // T([T(1.5)], dtype=torch.int32) -> TypeError only integer tensors of a single element can be converted to an index
  // T([T(1.5)], dtype=torch.bool) -> TypeError only integer tensors of a single element can be converted to an index
  // T([T(300)], dtype=torch.int8) -> RuntimeError value cannot be converted to type int8 without overflow
  it('reads tensors into a real or integer dtype as Python does', () => {
    expect(() => T(bad([c()]), { dtype: torch.float32 })).toThrow('value cannot be converted to type double without overflow');
    expect(T(bad([torch.complex(T(1.5), T(0, { dtype: torch.float32 }))]), { dtype: torch.float32 }).tolist()).toEqual([1.5]);
    expect(() => T(bad([c()]), { dtype: torch.int32 })).toThrow(TypeError);
    expect(() => T(bad([c()]), { dtype: torch.int32 })).toThrow('only integer tensors of a single element can be converted to an index');
    expect(() => T(bad([T(1.5)]), { dtype: torch.int32 })).toThrow('only integer tensors of a single element can be converted to an index');
    expect(() => T(bad([T(1.5)]), { dtype: torch.bool })).toThrow('only integer tensors of a single element can be converted to an index');
    expect(() => T(bad([T(300)]), { dtype: torch.int8 })).toThrow('value 300 cannot be converted to type int8 without overflow');
  });
});

describe('torch.tensor errors leave no tensor behind', () => {
  it('a dtype, device or requiresGrad refused after the data was read frees what was made', () => {
    const c = torch.complex(torch.tensor(1.5), torch.tensor(2.5));
    const calls: (() => unknown)[] = [
      () => T(bad([c, 2]), { dtype: torch.complex64, requiresGrad: bad('x') as never }),
      () => T(bad([c, 2]), { device: bad('meta:zz') as never }),
      () => T([1, 2], { requiresGrad: true }),
      () => torch.nested.nestedTensor([[1, 2], [3]], { requiresGrad: true }),
    ];
    for (const call of calls) {
      const before = native.handleStats().tensors;
      expect(call).toThrow();
      expect(native.handleStats().tensors - before).toBe(0);
    }
  });
});
