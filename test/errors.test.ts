// Bad input never crashes the process: it raises a JS Error whose message names the function and the
// problem (libtorch's own text where it has one), TypeError for bad JS argument types, RangeError for
// numbers out of range where torchnode checks them itself, and a failed call changes no state.
//
// Each row of `cases` is one kind of bad input. A row marked `bug` states what the API contract asks
// for and is known not to hold yet: it runs as `it.fails`, so it turns red the day the bug is fixed
// (then drop the `bug` field); TORCHNODE_STRICT_ERRORS=1 runs them as plain tests. Out-of-range dims and
// indices give a RangeError (libtorch's IndexError maps to it), libtorch's TypeError a TypeError, and
// all other libtorch errors a plain Error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

type Tensor = torch.Tensor;
type ErrorClass = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;
type Phrase = string | RegExp;

// `any`-typed views for calls the typings (rightly) reject.
const T = torch as any;
const bad = (v: unknown): any => v;

/** Runs fn, which must throw exactly `Class` with every phrase in its message and no C++ backtrace. */
function expectError(fn: () => unknown, Class: ErrorClass, ...phrases: Phrase[]): Error {
  let thrown: unknown;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    thrown = e;
  }
  expect(threw, 'expected the call to throw').toBe(true);
  expect(thrown).toBeInstanceOf(Error);
  const err = thrown as Error;
  expect(err.constructor.name, err.message).toBe(Class.name);
  for (const p of phrases) {
    if (typeof p === 'string') expect(err.message).toContain(p);
    else expect(err.message).toMatch(p);
  }
  expect(err.message).not.toMatch(/Exception raised from|frame #\d/);
  return err;
}

const alive = (): number => torch.ones(2).add(1).sum().item();
const snap = (t: Tensor) => ({ shape: t.shape, dtype: t.dtype.name, values: t.tolist(), requiresGrad: t.requiresGrad });
const disposed = (): Tensor => {
  const t = torch.ones(2, 3);
  t.dispose();
  return t;
};
const leaf = (...shape: number[]): Tensor => torch.ones(shape).requiresGrad_(true);
const hasCuda = torch.cuda.isAvailable();
const cudaBuild = torch.version.cuda !== null; // the 'no CUDA in this libtorch' messages; a CUDA build without a GPU says 'no CUDA device was found'
// TORCHNODE_STRICT_ERRORS=1 runs the known-bug rows as plain tests, to see how each one fails now.
const strict = process.env.TORCHNODE_STRICT_ERRORS === '1';

interface Arranged {
  fn: () => unknown; // the bad call
  same?: () => unknown; // read before and after the bad call: must not change
  then?: () => void; // more checks after the bad call
}
interface Case {
  name: string;
  cls: ErrorClass;
  has: Phrase[]; // the function's name first, then the problem
  setup: () => Arranged;
  bug?: string; // contract not met yet: see the report in the file header
  skip?: boolean;
}
type Extra = Pick<Case, 'bug' | 'skip'>;
// A case without state, and one with (setup returns the call and what must stay the same).
const c = (name: string, cls: ErrorClass, has: Phrase[], fn: () => unknown, extra: Extra = {}): Case => ({ name, cls, has, setup: () => ({ fn }), ...extra });
const s = (name: string, cls: ErrorClass, has: Phrase[], setup: () => Arranged, extra: Extra = {}): Case => ({ name, cls, has, setup, ...extra });
// An in-place call on a fresh tensor that must leave it (values, shape, dtype, requiresGrad) as it was.
const inplace = (name: string, cls: ErrorClass, has: Phrase[], make: () => Tensor, call: (x: Tensor) => unknown, extra: Extra = {}): Case =>
  s(name, cls, has, () => {
    const x = make();
    return { fn: () => call(x), same: () => snap(x) };
  }, extra);

const m23 = (): Tensor => torch.arange(6).reshape(2, 3).float();
const NO_OVERLOAD = 'received an invalid combination of arguments';
const DIM_RANGE = 'Dimension out of range';

const cases: Case[] = [
  // ---- shapes ------------------------------------------------------------------------------
  c('add (method): broadcast mismatch', Error, [/^add: /, 'must match the size of tensor b (5)'], () => torch.ones(2, 3).add(torch.ones(4, 5))),
  c('torch.add: broadcast mismatch', Error, [/^add: /, 'must match the size'], () => T.add(torch.ones(2, 3), torch.ones(4, 5))),
  c('matmul: inner sizes differ', Error, [/^matmul: /, 'cannot be multiplied (2x3 and 2x3)'], () => torch.ones(2, 3).matmul(torch.ones(2, 3))),
  c('matmul: 0-d operand', Error, ['matmul', 'at least 1D'], () => T.matmul(torch.tensor(1), torch.ones(2, 3))),
  c('dot: length mismatch', Error, [/^dot: /, 'inconsistent tensor size'], () => torch.ones(3).dot(torch.ones(4))),
  c('cat: sizes differ off the cat dim', Error, [/^cat: /, 'Sizes of tensors must match except in dimension 0'], () => T.cat([torch.ones(2, 3), torch.ones(4, 5)])),
  c('cat: empty list', Error, [/^cat: /, 'non-empty list of Tensors'], () => T.cat([])),
  c('stack: sizes differ', Error, [/^stack: /, 'stack expects each tensor to be equal size'], () => T.stack([torch.ones(2, 3), torch.ones(4, 5)])),
  c('stack: empty list', Error, [/^stack: /, 'non-empty TensorList'], () => T.stack([])),
  c('view: wrong element count', Error, [/^view: /, "shape '[4, 2]' is invalid for input of size 6"], () => torch.ones(2, 3).view(4, 2)),
  c('view: two inferred dims', Error, [/^view: /, 'only one dimension can be inferred'], () => torch.ones(2, 3).view(-1, -1)),
  c('view: non-contiguous input', Error, [/^view: /, 'not compatible with input tensor'], () => torch.ones(2, 3).t().view(6)),
  c('reshape: wrong element count', Error, [/^reshape: /, "shape '[7]' is invalid for input of size 6"], () => torch.ones(2, 3).reshape(7)),
  c('reshape: negative size other than -1', Error, [/^reshape: /, 'invalid shape dimension -2'], () => torch.ones(2, 3).reshape(-2, 3)),
  c('unfold: window larger than dim', Error, [/^unfold: /, 'maximum size for tensor at dimension 0 is 3'], () => torch.ones(3).unfold(0, 5, 1)),
  inplace('add_: broadcast result does not fit self', Error, [/^add_: /, "output with shape [3] doesn't match the broadcast shape [2, 3]"], () => torch.tensor([1.5, 2, 3]), (x) => x.add_(torch.ones(2, 3))),
  inplace('mul_: broadcast mismatch', Error, [/^mul_: /, 'must match the size'], m23, (x) => x.mul_(torch.ones(4, 5))),
  inplace('addmm_ (generic in-place): shape mismatch', Error, [/^addmm_: /, 'cannot be multiplied'], () => torch.ones(2, 2), (x) => x.addmm_(torch.ones(2, 3), torch.ones(2, 2))),
  inplace('copy_: source shape does not broadcast', Error, [/^copy_: /, 'must match the size'], m23, (x) => x.copy_(torch.ones(4))),
  inplace('add_ on an expanded (overlapping) tensor', Error, [/^add_: /, 'more than one element of the written-to tensor refers to a single memory location'], () => torch.ones(1).expand(3), (x) => x.add_(1)),
  inplace('resize_: negative size', Error, [/^resize_: /], m23, (x) => x.resize_(-1)),
  s('resize_: allocation failure', Error, [/^resize_: /, "can't allocate memory"], () => {
    const x = torch.tensor([5.5, 6]);
    return { fn: () => x.resize_(2 ** 45), same: () => x.shape, then: () => x.dispose() };
  }),

  // ---- dtypes ------------------------------------------------------------------------------
  c('tensor: unknown dtype name', TypeError, [/^tensor: /, "unknown dtype 'float33'"], () => torch.tensor([1], { dtype: 'float33' })),
  c('tensor: dtype is not a dtype', TypeError, [/^tensor: /, 'dtype must be a torch dtype'], () => torch.tensor([1], { dtype: bad({}) })),
  c('zeros: unknown dtype name', TypeError, [/^zeros: /, 'float33'], () => torch.zeros([2], { dtype: 'float33' })),
  c('zeros: dtype is a plain object', TypeError, [/^zeros: /, 'dtype must be a torch dtype or its name'], () => torch.zeros([2], { dtype: bad({ foo: 1 }) })),
  c('zeros: raw dtype code 18 (ScalarType::Undefined)', TypeError, [/^zeros: /, 'dtype must be a torch dtype or its name'], () => torch.zeros([2], { dtype: bad(18) })),
  c('setDefaultDtype: integer dtype', TypeError, [/^setDefaultDtype: /, 'floating-point'], () => T.setDefaultDtype('int64')),
  c('to: options with unknown dtype', TypeError, [/^to(\.dtype_layout)?: /, "argument 'dtype' must be dtype | null, not string"], () => torch.ones(2).to({ dtype: 'float33' })),
  c('to: a number', TypeError, [/^to: /, 'expected (dtype), (device, dtype?), (tensor)'], () => torch.ones(2).to(bad(5))),
  inplace('div_: int tensor by int gives float, cannot store', Error, [/^div_: /, "result type Float can't be cast to the desired output type Long"], () => torch.tensor([5, 6]), (x) => x.div_(2)),
  c('dot: dtypes differ', Error, [/^dot: /, 'same dtype'], () => torch.ones(3).dot(torch.ones(3, { dtype: torch.float64 }))),

  // ---- torch.tensor data -------------------------------------------------------------------
  c('tensor: ragged nested arrays', RangeError, [/^tensor: /, 'expected sequence of length 2 at dim 1 (got 1)'], () => torch.tensor(bad([[1, 2], [3]]))),
  c('tensor: number where a sequence belongs', TypeError, [/^tensor: /, 'expected a sequence at [1]'], () => torch.tensor(bad([[1, 2], 3]))),
  c('tensor: sequence where a number belongs', TypeError, [/^tensor: /, 'could not infer dtype of an array at [1]'], () => torch.tensor(bad([1, [2]]))),
  c('tensor: string element', TypeError, [/^tensor: /, 'could not infer dtype of string at [1]'], () => torch.tensor(bad([1, 'a']))),
  c('tensor: object element', TypeError, [/^tensor: /, 'could not infer dtype of Object at [1]'], () => torch.tensor(bad([1, {}]))),
  c('tensor: undefined element', TypeError, [/^tensor: /, 'could not infer dtype of undefined at [1]'], () => torch.tensor(bad([1, undefined]))),
  c('tensor: array hole', TypeError, [/^tensor: /, 'undefined at [1]'], () => torch.tensor(bad([1, , 3]))), // eslint-disable-line no-sparse-arrays
  c('tensor: null element', TypeError, [/^tensor: /, 'could not infer dtype of null'], () => torch.tensor(bad([[1, null]]))),
  c('tensor: a string', TypeError, [/^tensor: /, 'could not infer dtype of string'], () => torch.tensor(bad('abc'))),
  c('tensor: unsupported ArrayBufferView', TypeError, [/^tensor: /, 'unsupported TypedArray DataView'], () => torch.tensor(bad(new DataView(new ArrayBuffer(4))))),
  // Python 2.13: torch.tensor([300], dtype=torch.uint8) -> RuntimeError value cannot be converted to type uint8 without overflow
  c('tensor: BigInt beyond uint8', RangeError, [/^tensor: /, 'value 300 cannot be converted to type uint8 without overflow'], () => torch.tensor(bad([300n]), { dtype: torch.uint8 })),
  c('tensor: BigInt beyond int64', RangeError, [/^tensor: /, 'int64'], () => torch.tensor(bad([2n ** 70n]))),
  c('tensor: Infinity into int64', RangeError, [/^tensor: /, /overflow/i], () => torch.tensor([Infinity], { dtype: torch.int64 })),
  c('tensor: 1e10 into int32', RangeError, [/^tensor: /, /overflow/i], () => torch.tensor([1e10], { dtype: torch.int32 })),
  c('full: fill value overflows the dtype', Error, [/^full: /, 'value cannot be converted to type int without overflow'], () => torch.full([2], 1e10, { dtype: torch.int32 })),
  // A whole JS number is a Python int: 10**20 overflows in Python's argument parser already.
  c('full: whole fill value below int64', RangeError, [/^full: /, 'fill_value: -10000000000000000000 is a whole number, so it counts as a Python int', 'below int64 (Python raises OverflowError)'], () => torch.full([2], -1e19, { dtype: torch.int32 })),
  c('full: string fill value', TypeError, [/^full: /, "argument 'fillValue' (position 2) must be number, not string"], () => torch.full([2], bad('x'))),

  // ---- dims --------------------------------------------------------------------------------
  c('sum: dim out of range', RangeError, [/^sum: /, `${DIM_RANGE} (expected to be in range of [-2, 1], but got 5)`], () => torch.ones(2, 3).sum(5)),
  c('sum: dim out of range (options)', RangeError, [/^sum: /, DIM_RANGE], () => torch.ones(2, 3).sum({ dim: -3 })),
  c('sum: NaN dim', TypeError, [/^sum: /, "argument 'dim' (position 1) must be int | int[] | null, not number (nan)"], () => torch.ones(2, 3).sum(NaN)),
  c('size(d): dim out of range', RangeError, [/^size: /, `${DIM_RANGE} (expected to be in range of [-2, 1], but got 2)`], () => torch.ones(2, 3).size(2)),
  c('size(d): non-integer dim', TypeError, [/^size: /, 'dim must be an integer, got 1.5'], () => torch.ones(2, 3).size(1.5)),
  c('stride(d): dim out of range', RangeError, [/^stride: /, DIM_RANGE], () => torch.ones(2, 3).stride(-3)),
  c('transpose: dim out of range', RangeError, [/^transpose: /, DIM_RANGE], () => torch.ones(2, 3).transpose(0, 3)),
  c('squeeze: dim out of range', RangeError, [/^squeeze: /, DIM_RANGE], () => torch.ones(2, 3).squeeze(4)),
  c('unsqueeze: dim out of range', RangeError, [/^unsqueeze: /, DIM_RANGE], () => torch.ones(2, 3).unsqueeze(5)),
  c('select: dim out of range', RangeError, [/^select: /, DIM_RANGE], () => torch.ones(2, 3).select(4, 0)),
  c('select: index out of range', RangeError, [/^select: /, 'index 5 out of range for tensor of size [2, 3] at dimension 0'], () => torch.ones(2, 3).select(0, 5)),
  c('indexSelect: index out of range', Error, [/^index_?select: /i, 'out of DATA bounds'], () => torch.ones(2, 3).indexSelect(1, torch.tensor([7]))),
  c('gather: index out of range', Error, [/^gather: /, 'index 9 is out of bounds for dimension 0 with size 3'], () => T.gather(torch.ones(3), 0, torch.tensor([9]))),
  c('embedding: index out of range', RangeError, [/^embedding: /, 'index out of range in self'], () => T.embedding(torch.ones(5, 3), torch.tensor([7]))),
  c('cat: dim out of range', RangeError, [/^cat: /, DIM_RANGE], () => T.cat([torch.ones(2, 3), torch.ones(2, 3)], 5)),
  c('permute: repeated dim', Error, [/^permute: /, 'duplicate dims are not allowed'], () => torch.ones(2, 3).permute(0, 0)),
  c('flatten: start after end', Error, [/^flatten: /, 'start_dim cannot come after end_dim'], () => torch.ones(2, 3).flatten(1, 0)),

  // ---- sizes -------------------------------------------------------------------------------
  c('zeros: negative size', Error, [/^zeros: /, 'Dimension size must be non-negative'], () => torch.zeros(-1, 2)),
  c('rand: negative size', Error, [/^rand: /, 'negative dimension -1'], () => torch.rand([-1])),
  c('randperm: negative n', Error, [/^randperm: /, 'negative dimension -1'], () => torch.randperm(-1)),
  c('eye: negative n', Error, [/^eye: /, 'n must be greater or equal to 0, got -1'], () => torch.eye(-1)),
  c('linspace: negative steps', Error, [/^linspace: /, 'number of steps must be non-negative'], () => torch.linspace(0, 1, -1)),
  c('zeros: fractional size', TypeError, [/^zeros: /, "argument 'size' (position 1) must be int | int[], not number (2.5)"], () => torch.zeros(2.5)),
  c('zeros: NaN size', TypeError, [/^zeros: /, "argument 'size' (position 1) must be int | int[], not number (nan)"], () => torch.zeros(NaN)),
  c('zeros: Infinity size', TypeError, [/^zeros: /, "argument 'size' (position 1) must be int | int[], not [number, number (inf)]"], () => torch.zeros([2, Infinity])),
  c('zeros: string in the size list', TypeError, [/^zeros: /, "argument 'size' (position 1) must be int | int[], not [number, string]"], () => torch.zeros(bad([2, 'a']))),
  c('view: fractional size', TypeError, [/^view: /, "argument 'size' (position 1) must be int | int[], not [number, number (3.5)]"], () => torch.ones(2, 3).view(2, 3.5)),
  c('view: one fractional size (not taken for a dtype code)', TypeError, [/^view: /, NO_OVERLOAD, 'got (number (2.5))', 'view(size: number | number[])'], () => torch.ones(2, 3).view(2.5)),
  c('index_put_: signatures use the JS name', TypeError, [/^index_put_: /, NO_OVERLOAD, 'got (Tensor)', 'indexPut_(self: Tensor, indices: (Tensor | null)[], values: Tensor, accumulate?: boolean)'], () => T.ops.aten.index_put_(torch.ones(2))),
  c('zeros: element count overflows int64', Error, [/^zeros: /, 'Storage size calculation overflowed'], () => torch.zeros(2 ** 40, 2 ** 40)),
  c('zeros: size beyond 2^53', RangeError, [/^zeros: /, 'beyond 2^53'], () => torch.zeros(2 ** 62)),
  c('empty: allocation too large', Error, [/^empty: /, "can't allocate memory"], () => torch.empty(2 ** 50)),

  // ---- NaN / Infinity / range of numbers -----------------------------------------------------
  c('arange: infinite end', Error, [/^arange: /, 'unsupported range: 0 -> inf'], () => torch.arange(0, Infinity)),
  c('arange: NaN end', Error, [/^arange: /, 'unsupported range: 0 -> nan'], () => torch.arange(0, NaN)),
  c('arange: zero step', Error, [/^arange: /, 'step must be nonzero'], () => torch.arange(0, 10, 0)),
  c('arange: step of the wrong sign', Error, [/^arange: /, 'inconsistent with step sign'], () => torch.arange(0, 10, -1)),
  c('randint: NaN high', TypeError, [/^randint: /], () => torch.randint(0, NaN, [2])),
  c('randint: high 0 (empty range)', Error, [/^randint: /, "expects 'from' to be less than 'to'"], () => torch.randint(0, [2])),
  c('randint(low, high, size): low > high', Error, [/^randint: /, "expects 'from' to be less than 'to', but got from=5 >= to=2"], () => torch.randint(5, 2, [2])),
  // Python: torch.manual_seed(float('nan')) -> ValueError: cannot convert float NaN to integer (manual_seed(1.5) seeds int(1.5))
  s('manualSeed: NaN (RNG stream unchanged)', RangeError, [/^manualSeed: /, 'cannot convert float NaN to integer'], () => rngUnchanged(() => torch.manualSeed(NaN))),
  s("manualSeed: 'x' (RNG stream unchanged)", TypeError, [/^manualSeed: /, 'seed must be an integer'], () => rngUnchanged(() => torch.manualSeed(bad('x')))),
  s('Generator.manualSeed: 1.5 (RNG stream unchanged)', TypeError, [/^Generator.manualSeed: /, 'got 1.5'], () => rngUnchanged(() => torch.defaultGenerator.manualSeed(1.5))),
  s('manualSeed: BigInt beyond 64 bits', RangeError, [/^manualSeed: /], () => rngUnchanged(() => torch.manualSeed(2n ** 64n))),
  s('setNumThreads: 0 (thread count unchanged)', RangeError, [/^setNumThreads: /, 'must be positive, got 0'], () => ({ fn: () => torch.setNumThreads(0), same: () => torch.getNumThreads() })),
  s('setNumThreads: -1', RangeError, [/^setNumThreads: /, 'must be positive'], () => ({ fn: () => torch.setNumThreads(-1), same: () => torch.getNumThreads() })),
  s('setNumThreads: Infinity', TypeError, [/^setNumThreads: /, 'expected an integer, got Infinity'], () => ({ fn: () => torch.setNumThreads(Infinity), same: () => torch.getNumThreads() })),
  s('setNumThreads: NaN', TypeError, [/^setNumThreads: /, 'got NaN'], () => ({ fn: () => torch.setNumThreads(NaN), same: () => torch.getNumThreads() })),

  // ---- disposed tensors --------------------------------------------------------------------
  c('disposed receiver: add (direct binding)', Error, [/^add: /, 'Tensor was disposed'], () => disposed().add(1)),
  c('disposed receiver: sum (generic op)', Error, [/^sum: /, 'Tensor was disposed'], () => disposed().sum()),
  c('disposed receiver: add_', Error, [/^add_: /, 'Tensor was disposed'], () => disposed().add_(1)),
  c('disposed receiver: shape', Error, [/^shape: /, 'Tensor was disposed'], () => disposed().shape),
  c('disposed receiver: item', Error, [/^item: /, 'Tensor was disposed'], () => disposed().item()),
  c('disposed receiver: tolist', Error, [/^tolist/, 'Tensor was disposed'], () => disposed().tolist()),
  c('disposed receiver: backward', Error, [/^backward: /, 'Tensor was disposed'], () => disposed().backward()),
  c('disposed argument: add (direct binding)', Error, [/^add: /, 'other: Tensor was disposed'], () => torch.ones(2, 3).add(disposed())),
  c('disposed argument: torch.add (generic)', Error, [/^add: /, 'Tensor was disposed'], () => T.add(torch.ones(2, 3), disposed())),
  c('disposed argument: in a list (cat)', Error, [/^cat: /, 'Tensor was disposed'], () => T.cat([torch.ones(2, 3), disposed()])),
  c('disposed argument: matmul', Error, [/^matmul: /, 'Tensor was disposed'], () => torch.ones(3, 2).matmul(disposed())),
  c('disposed argument: tensor(t)', Error, ['Tensor was disposed'], () => torch.tensor(disposed())),
  s('disposed by tidy: receiver', Error, [/^add: /, 'Tensor was disposed'], () => {
    let inner!: Tensor;
    torch.tidy(() => {
      inner = torch.ones(3);
      return null;
    });
    return { fn: () => inner.add(1) };
  }),
  s('disposed by tidy: argument', Error, [/^mul: /, 'other: Tensor was disposed'], () => {
    const x = torch.ones(3);
    let gone!: Tensor;
    torch.tidy(() => {
      gone = torch.ones(3);
    });
    return { fn: () => x.mul(gone), same: () => snap(x) };
  }),

  // ---- x.index (PyTorch's x[...]) -----------------------------------------------------------
  c('index: int out of range', RangeError, [/^index: /, 'index 5 is out of bounds for dimension 0 with size 2'], () => m23().index(5)),
  c('index: too many indices', RangeError, [/^index: /, 'too many indices for tensor of dimension 2'], () => m23().index(0, 0, 0)),
  c("index: malformed slice 'a:b'", TypeError, [/^index: /, "'a:b' is not a slice"], () => m23().index('a:b')),
  c("index: zero slice step '::0'", RangeError, [/^index: /, 'slice step cannot be zero'], () => m23().index('::0')),
  c('index: plain object item', TypeError, [/^index: /, 'unsupported index item Object'], () => m23().index(bad({}))),
  c('index: fractional int item', RangeError, [/^index: /, 'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)'], () => m23().index(1.5)),
  c('index: index tensor out of range', RangeError, [/^index: /, 'index 5 is out of bounds for dimension 0 with size 2'], () => m23().index(torch.tensor([0, 5]))),
  c('index: float index tensor', RangeError, [/^index: /, 'tensors used as indices must be long, int, byte or bool tensors'], () => m23().index(torch.tensor([0.5]))),
  c('index: bool mask of the wrong shape', RangeError, [/^index: /, 'The shape of the mask [3] at index 0 does not match'], () => m23().index(torch.tensor([true, false, true]))),
  c('index: ragged nested index array', RangeError, [/^index: /, 'expected sequence of length 2 at dim 1 (got 1)'], () => m23().index([[0, 1], [1]], 0)),
  c('index: index array past int64', RangeError, [/^index: /, 'cannot be converted to type int64 without overflow'], () => m23().index([1e19])),
  c('index: string in an index array', TypeError, [/^index: /], () => m23().index(bad(['a']))),
  inplace('indexPut_: index tensor out of range (no partial write)', RangeError, [/^index_?put_: /i, 'index 5 is out of bounds for dimension 0 with size 3'], () => torch.zeros(3), (x) => x.indexPut_([torch.tensor([0, 5])], torch.tensor(1, { dtype: torch.float32 })), {
    bug: 'x[0] is written before index 5 is found out of bounds: values become [1, 0, 0] (PyTorch 1.13 does the same; so do scatter_/index_add_/index_copy_/put_)',
  }),
  inplace('indexPut_: values do not broadcast', Error, [/^index_?put_: /i, 'shape mismatch'], () => torch.zeros(3), (x) => x.indexPut_([torch.tensor([0, 1])], torch.ones(3))),

  // ---- devices -----------------------------------------------------------------------------
  c("to: unknown device type 'gpu'", TypeError, [/^to(\.dtype_layout)?: /, 'gpu'], () => torch.ones(2).to('gpu')),
  c("to: malformed device 'cuda:x'", TypeError, [/^to(\.dtype_layout)?: /, "invalid device string 'cuda:x'"], () => torch.ones(2).to('cuda:x')),
  c("zeros: malformed device 'cuda:x'", TypeError, [/^zeros: /, "invalid device string 'cuda:x'"], () => torch.zeros([2], { device: 'cuda:x' })),
  c("torch.device('gpu')", TypeError, ['gpu'], () => torch.device('gpu')),
  c("torch.device('cuda:x')", TypeError, ["invalid device string 'cuda:x'"], () => torch.device('cuda:x')),
  c('torch.device: negative index', RangeError, ['index must be a non-negative integer, got -1'], () => torch.device('cuda', -1)),
  c("to('cuda') without CUDA", Error, [/^to: /, "device 'cuda': this libtorch has no CUDA support", 'npm rebuild torchnode'], () => torch.ones(2).to('cuda'), { skip: cudaBuild }),
  c('cuda() without CUDA', Error, [/^to: /, 'this libtorch has no CUDA support'], () => torch.ones(2).cuda(), { skip: cudaBuild }),
  c("ones({ device: 'cuda' }) without CUDA", Error, [/^ones: /, "device 'cuda': this libtorch has no CUDA support", 'point LIBTORCH at a CUDA build'], () => torch.ones(2, { device: 'cuda' }), { skip: cudaBuild }),
  c("zeros({ device: 'cuda' }) without CUDA", Error, [/^zeros: /, 'CUDA'], () => torch.zeros([2], { device: 'cuda' }), { skip: hasCuda }),
  c("tensor({ device: 'cuda' }) without CUDA", Error, [/^to: /, 'cuda'], () => torch.tensor([1], { device: 'cuda' }), { skip: hasCuda }),
  c('cuda.synchronize without CUDA', Error, [/^cuda\.synchronize: /, 'this libtorch was built without CUDA'], () => torch.cuda.synchronize(), { skip: cudaBuild }),

  // ---- reading values ----------------------------------------------------------------------
  c('item: several elements', Error, [/^item: /, 'a Tensor with 6 elements cannot be converted to Scalar'], () => torch.ones(2, 3).item()),
  c('item: no elements', Error, [/^item: /, '0 elements'], () => torch.ones(0).item()),
  c('item: int64 beyond 2^53', RangeError, [/^item\(\): /, 'beyond 2^53', 'toTypedArray()'], () => torch.tensor([2n ** 53n + 1n]).item()),
  c('tolist: int64 beyond 2^53', RangeError, [/^tolist\(\): /, '1152921504606846976 is beyond 2^53', 'toTypedArray()'], () => torch.tensor([1n, 2n ** 60n]).tolist()),
  c('item: complex', TypeError, [/^item: /, 'complex'], () => torch.ones(1, { dtype: 'complex64' }).item()),
  c('toTypedArray: meta tensor has no data', Error, [/^toTypedArray: /, 'meta tensor'], () => torch.zeros([2], { device: 'meta' }).toTypedArray()),
  c('toTypedArray: sparse tensor', Error, [/^toTypedArray: /, "unsupported memory format option"], () => torch.ones(3).toSparse().toTypedArray()),

  // ---- autograd ----------------------------------------------------------------------------
  s('backward: non-scalar without gradient', Error, [/^backward: /, 'grad can be implicitly created only for scalar outputs'], () => {
    const x = leaf(3);
    return { fn: () => x.mul(2).backward(), same: () => x.grad };
  }),
  s('backward: twice without retainGraph (.grad unchanged)', Error, [/^backward: /, 'backward through the graph a second time'], () => {
    const x = leaf(3);
    const y = x.exp().sum();
    y.backward();
    return { fn: () => y.backward(), same: () => x.grad!.tolist() };
  }),
  s('backward: nothing requires grad', Error, [/^backward: /, 'does not require grad and does not have a grad_fn'], () => {
    const x = torch.ones(3);
    return { fn: () => x.sum().backward(), same: () => x.grad };
  }),
  s('backward: gradient of the wrong shape (.grad unchanged)', Error, [/^backward: /, 'Mismatch in shape: grad_output[0] has a shape of torch.Size([5]) and output[0] has a shape of torch.Size([3]).'], () => {
    const x = leaf(3);
    x.mul(2).sum().backward();
    return { fn: () => x.mul(3).backward(torch.ones(5)), same: () => x.grad!.tolist() };
  }),
  s('backward: retainGraph is not a boolean', TypeError, [/^backward: /, 'retainGraph must be a boolean'], () => {
    const x = leaf(3);
    return { fn: () => x.sum().backward(bad({ retainGraph: 'yes' })), same: () => x.grad };
  }),
  inplace('add_ on a leaf that requires grad', Error, [/^add_: /, 'a leaf Variable that requires grad is being used in an in-place operation'], () => leaf(3), (x) => x.add_(1)),
  inplace('exp_ (generic) on a leaf that requires grad', Error, [/^exp_: /, 'leaf Variable that requires grad'], () => leaf(3), (x) => x.exp_()),
  inplace('requiresGrad_ on an integer tensor', Error, [/^requiresGrad_: /, 'floating point'], () => torch.tensor([1, 2]), (x) => x.requiresGrad_()),
  s('requiresGrad_(false) on a non-leaf', Error, [/^requiresGrad_: /, 'only change requires_grad flags of leaf variables'], () => {
    const y = leaf(3).mul(2);
    return { fn: () => y.requiresGrad_(false), same: () => y.requiresGrad };
  }),
  inplace('requiresGrad = 1 (not a boolean)', TypeError, ['requiresGrad must be a boolean, got number'], () => torch.ones(2), (x) => {
    bad(x).requiresGrad = 1;
  }),
  inplace('requiresGrad_(\'yes\')', TypeError, ['requiresGrad_ must be a boolean'], () => torch.ones(2), (x) => x.requiresGrad_(bad('yes'))),
  c('zeros({ requiresGrad: \'yes\' })', TypeError, [/^zeros: /, 'requiresGrad'], () => torch.zeros([2], bad({ requiresGrad: 'yes' }))),
  s('grad = tensor of another shape (.grad unchanged)', Error, [/^grad: /, 'different size'], () => {
    const x = leaf(3);
    x.sum().backward();
    return {
      fn: () => {
        x.grad = torch.ones(4);
      },
      same: () => x.grad!.tolist(),
    };
  }),
  s('grad = plain object', TypeError, ['grad must be a Tensor, got Object'], () => {
    const x = leaf(3);
    return {
      fn: () => {
        x.grad = bad({});
      },
      same: () => x.grad,
    };
  }),
  inplace('inference tensor: requiresGrad_ outside inferenceMode', Error, [/^requiresGrad_: /, 'inference tensor outside InferenceMode'], () => torch.inferenceMode(() => torch.ones(2)), (x) => x.requiresGrad_()),
  inplace('inference tensor: in-place update outside inferenceMode', Error, [/^add_: /, 'Inplace update to inference tensor outside InferenceMode'], () => torch.inferenceMode(() => torch.ones(2)), (x) => x.add_(1), {
    bug: 'libtorch bumps the version counter after the kernel ran: the error comes with the values already changed (1 -> 2); PyTorch 1.13 does the same',
  }),
  s('setGradEnabled: not a boolean (grad mode unchanged)', TypeError, [/^setGradEnabled: /, 'must be a boolean'], () => ({ fn: () => torch.setGradEnabled(bad('x')), same: () => torch.isGradEnabled() })),

  // ---- option objects ----------------------------------------------------------------------
  c("sum({ dim: 'a' }): a name for dim (named tensors are gone in 2.13)", TypeError, [/^sum: /, "argument 'dim' must be int | int[] | null, not string"], () => torch.ones(2, 3).sum(bad({ dim: 'a' })), { skip: torch.version.features.namedTensors }),   // before 2.13, libtorch's own 'Name not found'
  c('sum({ dim: 1, keepdim: 1 })', TypeError, [/^sum: /, "argument 'keepdim' must be boolean, not number"], () => torch.ones(2, 3).sum(bad({ dim: 1, keepdim: 1 }))),
  c('sum(1, 1): keepdim positional but not a boolean', TypeError, [/^sum: /, "argument 'keepdim' (position 2) must be boolean, not number"], () => torch.ones(2, 3).sum(1, bad(1))),
  c('sum: unknown option name', TypeError, [/^sum: /, "unexpected option 'dimm' (did you mean 'dim'?); expected one of { input, dtype, dim, keepdim, out }"], () => torch.ones(2, 3).sum(bad({ dimm: 1 }))),
  c("div: roundingMode 'bogus'", Error, [/^div: /, "rounding_mode to be one of None, 'trunc', or 'floor' but found 'bogus'"], () => torch.ones(2).div(2, bad({ roundingMode: 'bogus' }))),
  c("ones: layout 'bogus'", TypeError, [/^ones: /, "unknown layout 'bogus'"], () => torch.ones([2], bad({ layout: 'bogus' }))),
  c('empty: channels_last on a 2-d size', Error, [/^empty: /, 'required rank 4 tensor to use channels_last format'], () => torch.empty([2, 2], bad({ memoryFormat: 'channels_last' }))),
  c('clamp: neither min nor max', Error, [/^clamp: /, "At least one of 'min' or 'max' must not be None"], () => torch.ones(2).clamp()),
  c('add: alpha given in options is a string', TypeError, [/^add: /, 'alpha must be a number'], () => torch.ones(2).add(torch.ones(2), bad({ alpha: 'x' }))),
  c('add: positional alpha (keyword-only in Python)', TypeError, [/^add: /, 'takes 1 positional argument but 2 were given'], () => torch.ones(2).add(torch.ones(2), bad('x'))),
  c('add: float alpha with int tensors', Error, [/^add: /, 'alpha must not be a floating point number'], () => torch.tensor([1]).add(torch.tensor([1]), { alpha: 2.5 })),

  // ---- operator names and argument counts --------------------------------------------------
  c('ops.aten.nope: unknown operator', TypeError, ["no operator named 'aten::nope'"], () => T.ops.aten.nope(torch.ones(2))),
  c('ops.aten.add.nope: unknown overload', TypeError, ["no operator named 'aten::add.nope'"], () => T.ops.aten.add.nope(torch.ones(2), 1)),
  c('exp: one argument too many', TypeError, [/^exp: /, NO_OVERLOAD, 'got (number), but expected one of:\n  exp({ out })'], () => bad(torch.ones(2)).exp(1)),
  // The candidates are JS signatures (camelCase options, JS types), not raw schemas; the call's own values are named.
  c('sum: no overload lists JS signatures', TypeError, [/^sum: /, 'got (number, boolean, number, { keepdim: boolean })',
    'sum(dim: number | number[] | null, keepdim?: boolean, { dtype, out })'], () => bad(torch.ones(2, 3)).sum(1, true, 5, { keepdim: true })),
  c('torch.sum: no overload names input', TypeError, [/^sum: /, 'got (Tensor, number, boolean, number)', 'sum(input: Tensor, dim: number | number[] | null'], () => T.sum(torch.ones(2), 1, true, 5)),
  c('zeros: fractional size printed as Python prints it', TypeError, [/^zeros: /, 'not number (2.5)'], () => torch.zeros(2.5)),
  c('div: numbers in messages as Python prints them', TypeError, [/^div: /, 'got (Tensor, number (0.1), number (1e-07))'], () => T.div(torch.ones(2), 0.1, bad(1e-7))),
  c('sum: five extra arguments', TypeError, [/^sum: /, NO_OVERLOAD], () => bad(torch.ones(2)).sum(1, true, torch.float32, 5, 6)),
  c('mul (direct binding): extra argument', TypeError, [/^mul: /], () => bad(torch.ones(2)).mul(torch.ones(2), 5)),
  c('torch.add: 30 arguments', TypeError, [/^add: /], () => T.add(torch.ones(2), ...Array<number>(30).fill(1))),

  // ---- non-tensors where a Tensor is needed ------------------------------------------------
  // Python: torch.ones(2).add({}) → add(): argument 'other' (position 1) must be Tensor, not dict
  c('add (method): plain object', TypeError, [/^add: /, "argument 'other' (position 1) must be Tensor, not object"], () => torch.ones(2).add(bad({}))),
  c('add (method): string', TypeError, [/^add: /, "argument 'other' (position 1) must be Tensor, not string"], () => torch.ones(2).add(bad('x'))),
  // Python: torch.ones(2).matmul([1, 2]) → matmul(): argument 'other' (position 1) must be Tensor, not list
  c('matmul: array', TypeError, [/^matmul: /, "argument 'other' (position 1) must be Tensor, not array"], () => torch.ones(2).matmul(bad([1, 2]))),
  c('torch.add: plain object as input', TypeError, [/^add: /, "argument 'input' (position 1) must be Tensor, not object"], () => T.add({}, torch.ones(2))),
  c('torch.exp: array', TypeError, [/^exp: /, "argument 'input' (position 1) must be Tensor, not number[]"], () => T.exp([1, 2])),
  // Python: torch.abs_(-7) → abs_(): argument 'input' (position 1) must be Tensor, not int (a number was taken as a temporary tensor, written, and -7 returned)
  c('torch.abs_: a number where the op writes', TypeError, [/^abs_: /, "argument 'input' (position 1) must be Tensor, not number"], () => T.abs_(-7)),
  c('F.relu_: a number where the op writes', TypeError, [/^relu_: /, "argument 'input' (position 1) must be Tensor, not number"], () => torch.nn.functional.relu_(bad(-2))),
  c('torch.exp: string', TypeError, [/^exp: /, "argument 'input' (position 1) must be Tensor, not string"], () => T.exp('x')),
  c('cat: string instead of a list', TypeError, [/^cat: /, "argument 'tensors' (position 1) must be Tensor[], not string"], () => T.cat('ab')),
  c('cat: number in the tensor list', TypeError, [/^cat: /, "argument 'tensors' (position 1) must be Tensor[], not [Tensor, number]"], () => T.cat([torch.ones(2, 3), 1])),
  c('stack: numbers in the tensor list', TypeError, [/^stack: /, 'Tensor'], () => T.stack([1, 2])),
  c('backward: gradient is not a tensor', TypeError, [/^backward: /, 'string'], () => leaf(3).mul(2).backward(bad('x'))),

  // ---- callbacks ---------------------------------------------------------------------------
  s('noGrad: not a function (grad mode unchanged)', TypeError, [/^noGrad: /, 'expected a function'], () => ({ fn: () => torch.noGrad(bad(5)), same: () => torch.isGradEnabled() })),
  s('enableGrad: not a function', TypeError, [/^enableGrad: /, 'expected a function'], () => ({ fn: () => torch.enableGrad(bad(null)), same: () => torch.isGradEnabled() })),
  c('inferenceMode: not a function', TypeError, [/^inferenceMode: /, 'expected a function'], () => torch.inferenceMode(true, bad('f'))),
  c('tidy: not a function', TypeError, [/^tidy: /, 'expected a function'], () => torch.tidy(bad(5))),

  // ---- integer division by zero (PyTorch: div gives float inf; the rest raise ZeroDivisionError) --
  c('floorDivide: by scalar zero', Error, [/^floor_?divide: /i, 'ZeroDivisionError'], () => torch.tensor([5, 6]).floorDivide(0)),
  c('floorDivide: by a zero tensor', Error, [/^floor_?divide: /i, 'ZeroDivisionError'], () => torch.tensor([5, 6]).floorDivide(torch.tensor([0, 0]))),
  c('remainder: int by zero', Error, [/^remainder: /, 'ZeroDivisionError'], () => torch.tensor([5, 6]).remainder(0)),
  c('fmod: int by zero', Error, [/^fmod: /, 'ZeroDivisionError'], () => torch.tensor([5, 6]).fmod(0)),
  c("div: int by zero, roundingMode 'trunc'", Error, [/^div: /, 'ZeroDivisionError'], () => torch.tensor([5, 6]).div(0, { roundingMode: 'trunc' })),
  inplace("div_: int by zero, roundingMode 'floor'", Error, [/^div_: /, 'ZeroDivisionError'], () => torch.tensor([5, 6]), (x) => x.div_(0, { roundingMode: 'floor' })),
];

// The next `rand` after a failed manualSeed matches a reference run from the same seed.
function rngUnchanged(fn: () => unknown): Arranged {
  torch.manualSeed(123);
  const expected = torch.rand(4).tolist();
  torch.manualSeed(123);
  return { fn, then: () => expect(torch.rand(4).tolist()).toEqual(expected) };
}

describe('bad input raises a JS error that names the function and the problem', () => {
  it('covers at least 35 kinds of bad input, each named once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
    expect(new Set(cases.map((k) => k.name)).size).toBe(cases.length);
  });

  for (const k of cases) {
    const run = (): void => {
      const { fn, same, then } = k.setup();
      const before = same?.();
      expectError(fn, k.cls, ...k.has);
      if (same) expect(same(), 'state changed by the failed call').toEqual(before);
      then?.();
      expect(alive()).toBe(4);
    };
    if (k.skip) it.skip(k.name, run);
    else if (k.bug && !strict) it.fails(`${k.name} [known bug: ${k.bug}]`, run);
    else it(k.name, run);
  }
});

describe('a failed call leaves no state behind', () => {
  it('noGrad restores grad mode when the callback throws', () => {
    expect(torch.isGradEnabled()).toBe(true);
    const boom = new Error('boom');
    expect(() => torch.noGrad(() => {
      expect(torch.isGradEnabled()).toBe(false);
      throw boom;
    })).toThrow(boom);
    expect(torch.isGradEnabled()).toBe(true);
    expect(leaf(2).mul(2).requiresGrad).toBe(true);
  });

  it('enableGrad inside noGrad restores no-grad mode when its callback throws', () => {
    torch.noGrad(() => {
      expect(() => torch.enableGrad(() => {
        expect(torch.isGradEnabled()).toBe(true);
        torch.ones(2).view(5); // a libtorch error inside the callback
      })).toThrow(/^view: /);
      expect(torch.isGradEnabled()).toBe(false);
    });
    expect(torch.isGradEnabled()).toBe(true);
  });

  it('noGrad refuses an async callback and leaves grad mode as it was', () => {
    expect(() => torch.noGrad(async () => {
      await Promise.resolve();
      throw new RangeError('later');
    })).toThrow(/^noGrad: fn must be synchronous/);
    expect(torch.isGradEnabled()).toBe(true);
  });

  it('inferenceMode and noGrad refuse async callbacks and promise results, and leave the mode as it was', () => {
    expect(() => torch.inferenceMode(async () => torch.ones(1))).toThrow(/^inferenceMode: fn must be synchronous/);
    expect(torch.isInferenceModeEnabled()).toBe(false);
    // A plain function that returns a promise: the mode is left before the promise settles.
    expect(() => torch.inferenceMode(() => Promise.resolve(1))).toThrow(/^inferenceMode: fn must be synchronous/);
    expect(torch.isInferenceModeEnabled()).toBe(false);
    expect(() => torch.noGrad(() => Promise.reject(new Error('later')))).toThrow(/^noGrad: fn must be synchronous/);
    expect(torch.isGradEnabled()).toBe(true);
  });

  it('inferenceMode is left when the callback throws', () => {
    expect(() => torch.inferenceMode(() => {
      throw new TypeError('inside');
    })).toThrow(TypeError);
    // Outside inference mode a new tensor may join autograd again.
    const x = torch.ones(2).requiresGrad_(true);
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
  });

  it('tidy disposes the tensors made inside when the callback throws, and rethrows the same error', () => {
    const outside = torch.ones(2);
    const baseline = torch.nativeStats().tensors;
    const made: Tensor[] = [];
    let caught: unknown;
    try {
      torch.tidy(() => {
        made.push(torch.ones(3), torch.zeros(4), outside.add(1));
        torch.ones(2, 3).matmul(torch.ones(2, 3)); // throws
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toMatch(/^matmul: /);
    expect(made.every((t) => t.isDisposed)).toBe(true);
    expect(torch.nativeStats().tensors).toBeLessThanOrEqual(baseline); // GC finalizers may only lower it
    expect(outside.isDisposed).toBe(false);
    expect(outside.tolist()).toEqual([1, 1]);
    expectError(() => made[0]!.sum(), Error, /^sum: /, 'Tensor was disposed');
  });

  it('tidy rethrows the very object thrown, even a non-Error', () => {
    const thrown = { reason: 'not an Error' };
    let caught: unknown;
    try {
      torch.tidy(() => {
        torch.ones(2);
        throw thrown;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrown);
  });

  it('a nested tidy that throws frees only its own tensors', () => {
    const kept = torch.tidy(() => {
      const a = torch.ones(3);
      let inner!: Tensor;
      expect(() => torch.tidy(() => {
        inner = torch.ones(3);
        throw new Error('inner');
      })).toThrow('inner');
      expect(inner.isDisposed).toBe(true);
      expect(a.isDisposed).toBe(false);
      return a.mul(2);
    });
    expect(kept.tolist()).toEqual([2, 2, 2]);
  });

  it('an async tidy disposes its tensors when the promise rejects', async () => {
    let inner!: Tensor;
    await expect(torch.tidy(async () => {
      inner = torch.ones(3);
      await Promise.resolve();
      torch.ones(2).add(torch.ones(3));
    })).rejects.toThrow(/^add: /);
    expect(inner.isDisposed).toBe(true);
  });

  it('a failed in-place op on a view leaves the base unchanged', () => {
    const base = m23();
    const row = base.select(0, 1);
    expectError(() => row.add_(torch.ones(2)), Error, /^add_: /, 'must match the size');
    expect(base.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });
});

describe('integer division as PyTorch does it (controls)', () => {
  it('div of int tensors by zero gives float inf, not an error', () => {
    const q = torch.tensor([5, -6]).div(0);
    expect(q.dtype).toBe(torch.float32);
    expect(q.tolist()).toEqual([Infinity, -Infinity]);
  });

  it('randint(low, high, size) works (the bad-bounds case above relies on it)', () => {
    const r = torch.randint(3, 10, [50]);
    expect(r.shape).toEqual([50]);
    expect(r.dtype).toBe(torch.int64);
    const v = r.tolist() as number[];
    expect(Math.min(...v)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...v)).toBeLessThan(10);
  });
});

// The process survives: a call that corrupts a tensor must not take the next op down with it.
// Runs in a child process, since a failure here is a segfault.
describe('the process survives', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const runChild = (body: string): ReturnType<typeof spawnSync> => {
    const dir = mkdtempSync(join(tmpdir(), 'torchnode-errors-'));
    const file = join(dir, 'child.ts');
    writeFileSync(file, `import * as torch from ${JSON.stringify(join(root, 'lib', 'index.ts'))};\n${body}\n`);
    try {
      return spawnSync(process.execPath, [join(root, 'node_modules', 'vite-node', 'vite-node.mjs'), file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('the child-process harness itself works', () => {
    const r = runChild('console.log(torch.ones(2).sum().item());');
    expect(r.status, String(r.stderr)).toBe(0);
    expect(String(r.stdout).trim()).toBe('2');
  });

  it('sum after a failed resize_ (the failed call restored the shape)', () => {
    const r = runChild(`
      const x = torch.tensor([5.5, 6]);
      try { x.resize_(2 ** 45); } catch {}
      try { x.sum(); } catch {}
      console.log('alive');`);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(String(r.stdout)).toContain('alive');
  });
});
