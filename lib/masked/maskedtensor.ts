// torch.masked.MaskedTensor (torch/masked/maskedtensor, 2.13): a data tensor and a bool mask of the
// same shape and layout (strided, sparse COO or sparse CSR; sparse ones share their indices).
// Elementwise ops apply to the data (a sparse one's values) and keep the mask; binary ops need
// matching masks; reductions run torch.masked's reduction on the data and mask the result where no
// element was valid. Autograd: the data tensor carries the graph (its gradients are Python's,
// masked-out elements included), and each MaskedTensor that requires grad records how a gradient's
// mask flows back to its inputs (GRAD_NODE), so x.grad is a MaskedTensor with Python's mask and
// backward raises Python's errors for the ops whose MaskedTensor backward Python cannot run.
import { inspect } from 'node:util';
import { aten } from '../call.js';
import { bool, type DType, type DTypeLike, float16, float32, float64, int16, int32, int64, int8, type Layout, pySize, toDType } from '../dtype.js';
import { type Device } from '../device.js';
import { camelCase, describe, isOptionsObject, readOptions } from '../options.js';
import { noGrad } from '../autograd.js';
import { Function, type FunctionCtx } from '../function.js';
import type { Node } from '../autograd_node.js';
import { isTensor, type BackwardOptions, type Tensor } from '../tensor.js';
import { checkArity } from '../functional/args.js';
import { tensor } from '../creation.js';
import { sparseCooTensor, sparseCsrTensor } from '../sparse.js';
import { MASKED, MaskedExpand, isMaskedTensor } from './core.js';
import { isCoo, isCsr, isStrided, sparseCooWhere, sparseCsrWhere } from './sparse.js';
import { amax, amin, argmax, argmin, mean, prod, std, sum, variance, type MaskedArg } from './reductions.js';

// ---- the operation tables (torch/masked/maskedtensor/{unary,binary,reductions,passthrough}.py) ----

const UNARY_NAMES = [
  'abs', 'absolute', 'acos', 'arccos', 'acosh', 'arccosh', 'angle', 'asin', 'arcsin', 'asinh', 'arcsinh', 'atan', 'arctan', 'atanh',
  'arctanh', 'bitwise_not', 'ceil', 'clamp', 'clip', 'conj_physical', 'cos', 'cosh', 'deg2rad', 'digamma', 'erf', 'erfc', 'erfinv',
  'exp', 'exp2', 'expm1', 'fix', 'floor', 'frac', 'lgamma', 'log', 'log10', 'log1p', 'log2', 'logit', 'i0', 'isnan', 'nan_to_num',
  'neg', 'negative', 'positive', 'pow', 'rad2deg', 'reciprocal', 'round', 'rsqrt', 'sigmoid', 'sign', 'sgn', 'signbit', 'sin', 'sinc',
  'sinh', 'sqrt', 'square', 'tan', 'tanh', 'trunc',
] as const;
const NOT_INPLACE_UNARY = ['angle', 'positive', 'signbit', 'isnan'] as const;

const BINARY_NAMES = [
  'add', 'atan2', 'arctan2', 'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_left_shift', 'bitwise_right_shift', 'div', 'divide',
  'floor_divide', 'fmod', 'logaddexp', 'logaddexp2', 'mul', 'multiply', 'nextafter', 'remainder', 'sub', 'subtract', 'true_divide',
  'eq', 'ne', 'le', 'ge', 'greater', 'greater_equal', 'gt', 'less_equal', 'lt', 'less', 'maximum', 'minimum', 'fmax', 'fmin', 'not_equal',
] as const;
const NOT_INPLACE_BINARY = ['logaddexp', 'logaddexp2', 'fmin', 'minimum', 'maximum', 'fmax'] as const;

// Applied to data and mask alike (passthrough.py), with Python's Tensor-method argument forms.
const PASSTHROUGH_NAMES = ['select', 'transpose', 't', 'expand', 'view', 'unsqueeze', 'unfold'] as const;

// Python's reductions with their torch.masked function ('all' is _masked_all). norm is left out: Python's
// MaskedTensor.norm fails (Tensor.norm passes p=, which its reduction does not take).
const REDUCTIONS = { sum, mean, amin, amax, argmin, argmax, prod, var: variance, std } as const;
// The Tensor methods whose Python signature takes one int dim, not a list.
const ONE_DIM_REDUCTIONS: readonly string[] = ['prod', 'argmax', 'argmin'];

const DATA = Symbol('data');
const MASK = Symbol('mask');
const GRAD_NODE = Symbol('gradNode');
const GRAD_MASK = Symbol('gradMask');

// How the mask of a result's gradient becomes the mask of an input's gradient (Python runs the
// backward formulas on MaskedTensors; these are what those formulas do to the mask).
type MaskRule =
  | { kind: 'same'; check: boolean } // elementwise: the gradient's mask (checked against the result's where the formula reads saved MaskedTensors)
  | { kind: 'own' } // the reductions' Combine and get_data: the input's own mask
  | { kind: 'where'; condition: Tensor; side: boolean } // _MaskedWhere: where(cond, grad, masked-out) and the reverse
  | { kind: 'view'; name: string; args: unknown[] } // a passthrough op: its backward applied to the mask
  | { kind: 'softmax' } // _softmax_backward_data: the gradient's mask, which must be the output's
  | { kind: 'layout' }; // to_dense/to_sparse: the gradient's mask in the input's layout
interface GradEdge { input: MaskedTensor; rule: MaskRule }
// The graph keeps what the mask rules read (masks as their own handles, shapes, layouts), not the
// intermediate MaskedTensors, so their data is freed as Python's is; leaves are kept (as AccumulateGrad does).
interface StoredEdge { to: GradNode | MaskedTensor; rule: MaskRule; inputMask: Tensor | null; inputShape: number[]; inputLayout: string }
// mask: the result's; refuse: the error Python's backward raises here (its formula needs an op MaskedTensor lacks);
// retainedBy: the result whose retainGrad() asked for its gradient.
interface GradNode { mask: Tensor; edges: StoredEdge[]; refuse?: string; retainedBy?: MaskedTensor }

const dispatchFailed = (op: string): string => `Multiple dispatch failed for 'torch._ops.aten.${op}'; all __torch_dispatch__ handlers returned NotImplemented:`;
const RECURSION = 'maximum recursion depth exceeded while calling a Python object';
const MASKS_MUST_MATCH = 'Input masks must match. If you need support for this, please open an issue on Github.';
// Python 2.13's backward of these MaskedTensor ops fails: the ATen op its formula needs is missing from MaskedTensor's dispatch table.
const UNARY_BACKWARD_ERRORS: Readonly<Record<string, string>> = {
  angle: dispatchFailed('zeros_like.default'), ceil: dispatchFailed('zeros_like.default'), fix: dispatchFailed('zeros_like.default'),
  floor: dispatchFailed('zeros_like.default'), round: dispatchFailed('zeros_like.default'), sign: dispatchFailed('zeros_like.default'),
  trunc: dispatchFailed('zeros_like.default'), atanh: dispatchFailed('empty_like.default'), arctanh: dispatchFailed('empty_like.default'),
  clamp: dispatchFailed('logical_and_.default'), clip: dispatchFailed('logical_and_.default'), digamma: dispatchFailed('polygamma.default'),
  logit: dispatchFailed('logit_backward.default'), i0: dispatchFailed('special_i1.default'), sigmoid: dispatchFailed('sigmoid_backward.default'),
  tanh: dispatchFailed('tanh_backward.default'), sinc: RECURSION,
};
const BINARY_BACKWARD_ERRORS: Readonly<Record<string, string>> = {
  atan2: dispatchFailed('masked_fill.Scalar'), arctan2: dispatchFailed('masked_fill.Scalar'), fmax: dispatchFailed('logical_or_.default'),
  fmin: dispatchFailed('logical_or_.default'), maximum: RECURSION, minimum: RECURSION, nextafter: RECURSION,
  logaddexp2: 'MaskedTensor unary ops do not support additional Tensor arguments',
};
// fmod and remainder: only the gradient of `other` fails (its formula divides with rounding_mode=, a keyword the binary ops refuse).
const OTHER_BACKWARD_ERRORS: Readonly<Record<string, string>> = { fmod: 'len(kwargs) must equal 0', remainder: 'len(kwargs) must equal 0' };
// The formulas that use the gradient alone, or with numbers only: no saved MaskedTensor whose mask the gradient's must match.
const UNARY_GRAD_ONLY: readonly string[] = ['conj_physical', 'deg2rad', 'frac', 'neg', 'negative', 'positive', 'rad2deg', 'sgn'];
const BINARY_GRAD_ONLY: readonly string[] = ['add', 'sub', 'subtract', 'fmod', 'remainder'];
// The binary formulas that make a MaskedTensor of a plain `other` too (the others multiply the gradient by it).
const BINARY_CHECK_PLAIN: readonly string[] = ['logaddexp', 'logaddexp2', 'atan2', 'arctan2', 'maximum', 'minimum', 'fmax', 'fmin', 'nextafter'];

/** The dtypes a MaskedTensor's data may have (core.py _validate_members). */
const DATA_DTYPES: readonly DType[] = [float16, float32, float64, bool, int8, int16, int32, int64];

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type Operand = MaskedTensor | Tensor | number | boolean;
type UnaryMethods = { [N in (typeof UNARY_NAMES)[number] as Camel<N>]: (...args: (number | boolean | null)[]) => MaskedTensor };
type InplaceUnaryMethods = { [N in Exclude<(typeof UNARY_NAMES)[number], (typeof NOT_INPLACE_UNARY)[number]> as `${Camel<N>}_`]: (...args: (number | boolean | null)[]) => MaskedTensor };
type BinaryMethods = { [N in (typeof BINARY_NAMES)[number] as Camel<N>]: (other: Operand) => MaskedTensor };
type InplaceBinaryMethods = { [N in Exclude<(typeof BINARY_NAMES)[number], (typeof NOT_INPLACE_BINARY)[number]> as `${Camel<N>}_`]: (other: Operand) => MaskedTensor };
type PassthroughMethods = { [N in (typeof PASSTHROUGH_NAMES)[number]]: (...args: (number | number[])[]) => MaskedTensor };
/** A reduction: all elements with no argument, else (dim, keepdim = false, dtype = null) or { dim, keepdim, dtype }. */
export type MaskedReduction = (dim?: number | number[] | MaskedReduceOptions, keepdim?: boolean, dtype?: DTypeLike | null) => MaskedTensor;
export interface MaskedReduceOptions { dim?: number | number[]; keepdim?: boolean; dtype?: DTypeLike | null }
type ReductionMethods = { [N in keyof typeof REDUCTIONS | 'all']: MaskedReduction };

// The data side of Python's autograd.Functions and of its backward formulas run on MaskedTensor
// gradients, where they differ from the plain tensor's formula.

// _MaskedWhere: each side's gradient is the whole gradient (only its mask is cut by the condition).
class MaskedWhereData extends Function {
  static override forward(_ctx: FunctionCtx, condition: Tensor, input: Tensor, other: Tensor): Tensor {
    return aten('where', [condition, input, other]) as Tensor;
  }
  static override backward(_ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    return [null, grad, grad];
  }
}

// _MaskedToSparseCsr: the gradient made dense.
class MaskedToSparseCsr extends Function {
  static override forward(_ctx: FunctionCtx, data: Tensor, sparseMask: Tensor): Tensor {
    return data.sparseMask(sparseMask);
  }
  static override backward(_ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    return [isStrided(grad) ? grad : grad.toDense(), null];
  }
}

let resultOf: (data: Tensor, mask: Tensor, edges?: GradEdge[], refuse?: string, copy?: boolean) => MaskedTensor;

// The method interface the tables above install on MaskedTensor.prototype.
/** Python's composite methods that decompose to passthrough ops (view, transpose, expand, slice). */
interface CompositeViewMethods {
  reshape(...shape: (number | number[])[]): MaskedTensor;
  viewAs(other: Tensor | MaskedTensor): MaskedTensor;
  ravel(): MaskedTensor;
  flatten(startDim?: number, endDim?: number): MaskedTensor;
  unflatten(dim: number, sizes: number[]): MaskedTensor;
  swapaxes(dim0: number, dim1: number): MaskedTensor;
  swapdims(dim0: number, dim1: number): MaskedTensor;
  expandAs(other: Tensor | MaskedTensor): MaskedTensor;
  narrow(dim: number, start: number, length: number): MaskedTensor;
  split(splitSizeOrSections: number | number[], dim?: number): MaskedTensor[];
  chunk(chunks: number, dim?: number): MaskedTensor[];
  tensorSplit(indicesOrSections: number | number[], dim?: number): MaskedTensor[];
  /** The last two dims transposed. */
  readonly mT: MaskedTensor;
}
export interface MaskedTensor extends UnaryMethods, InplaceUnaryMethods, BinaryMethods, InplaceBinaryMethods, PassthroughMethods, ReductionMethods, CompositeViewMethods {}

/**
 * torch.masked.MaskedTensor(data, mask, requiresGrad = false): `data` with the elements where `mask`
 * is false marked invalid. Both are copied; they must have the same shape and layout (strided, sparse
 * COO or CSR), mask bool. Sparse data with other specified elements than the mask's is cut to the mask's.
 */
export class MaskedTensor {
  declare readonly [MASKED]: true;
  // Own (non-enumerable) properties, not #private fields: torch.tidy finds the tensors of a returned MaskedTensor there.
  declare private readonly [DATA]: Tensor;
  declare private readonly [MASK]: Tensor;

  constructor(data: Tensor, mask: Tensor, requiresGrad: boolean | { requiresGrad?: boolean } = false) {
    checkArity('MaskedTensor', arguments.length, 3);
    if (isMaskedTensor(data) || !isTensor(data)) throw new TypeError('MaskedTensor: data must be a Tensor');
    if (isMaskedTensor(mask) || !isTensor(mask)) throw new TypeError('MaskedTensor: mask must be a Tensor');
    const flag = isOptionsObject(requiresGrad) ? (readOptions('MaskedTensor', requiresGrad, ['requiresGrad']).requiresGrad ?? false) : requiresGrad;
    if (typeof flag !== 'boolean') throw new TypeError(`MaskedTensor: requiresGrad must be a boolean, got ${describe(flag)}`);
    [data, mask] = preprocess(data, mask);
    validate(data, mask);
    // a new leaf, as Python's wrapper is: the data's own history is not kept
    Object.defineProperty(this, DATA, { value: noGrad(() => data.clone()).requiresGrad_(flag), writable: true });
    Object.defineProperty(this, MASK, { value: mask.clone(), writable: true });
  }

  /**
   * A result of an op on MaskedTensors: its data (with its autograd history; copied when it may alias
   * another tensor, `copy`), its mask copied, and how gradient masks flow back. A fresh result is kept
   * as is, so an in-place change of it is seen by the backward that saved it, as in Python.
   */
  static #result(data: Tensor, mask: Tensor, edges: GradEdge[] = [], refuse?: string, copy = false): MaskedTensor {
    [data, mask] = preprocess(data, mask);
    validate(data, mask);
    const mt = Object.create(MaskedTensor.prototype) as MaskedTensor;
    Object.defineProperty(mt, DATA, { value: copy ? data.clone() : data, writable: true });
    Object.defineProperty(mt, MASK, { value: mask.clone(), writable: true });
    if (!data.requiresGrad) return mt;
    const stored = edges.flatMap(({ input, rule }): StoredEdge[] => {
      const to = nodeOf(input) ?? (input.requiresGrad && input.isLeaf ? input : undefined);
      if (to === undefined) return []; // no MaskedTensor leaf behind it
      const kept: MaskRule = rule.kind === 'where' ? { ...rule, condition: rule.condition.detach() } : rule;
      return [{ to, rule: kept, inputMask: rule.kind === 'own' ? input.getMask().detach() : null, inputShape: input.shape, inputLayout: String(input.layout) }];
    });
    if (stored.length > 0 || refuse !== undefined) Object.defineProperty(mt, GRAD_NODE, { value: { mask: mt[MASK].detach(), edges: stored, refuse } satisfies GradNode });
    return mt;
  }
  static {
    resultOf = (data, mask, edges, refuse, copy) => MaskedTensor.#result(data, mask, edges, refuse, copy);
  }


  /** The data, invalid elements included (Python's get_data; differentiable: its gradient reaches this MaskedTensor). */
  getData(): Tensor {
    return this[DATA];
  }
  /** The bool mask: true where an element is valid (Python's get_mask). */
  getMask(): Tensor {
    return this[MASK];
  }
  /** The data with invalid elements replaced by `value` (Python's to_tensor). */
  toTensor(value: number | boolean): Tensor {
    return this[DATA].maskedFill(this[MASK].bitwiseNot(), value);
  }

  get shape(): number[] {
    return this[DATA].shape;
  }
  get dtype(): DType {
    return this[DATA].dtype;
  }
  get device(): Device {
    return this[DATA].device;
  }
  get layout(): Layout {
    return this[DATA].layout;
  }
  get ndim(): number {
    return this[DATA].dim();
  }
  get requiresGrad(): boolean {
    return this[DATA].requiresGrad;
  }
  /** Whether this MaskedTensor is a leaf of the autograd graph (made by maskedTensor/new, or not requiring grad). */
  get isLeaf(): boolean {
    return this[DATA].isLeaf;
  }
  /** The data's autograd node (null for a leaf): non-null where Python's grad_fn is; its name is the data's op, not Python's. */
  get gradFn(): Node | null {
    return this[DATA].gradFn;
  }
  /** x.retain_grad(): a result keeps its gradient (a MaskedTensor, with the mask that reached it). */
  retainGrad(): void {
    this[DATA].retainGrad();
    const node = nodeOf(this);
    if (node !== undefined) node.retainedBy = this;
  }
  /** x.requires_grad_(flag = true): this leaf's gradient is accumulated by backward. */
  requiresGrad_(requiresGrad: boolean | { requiresGrad?: boolean } = true): this {
    this[DATA].requiresGrad_(requiresGrad);
    return this;
  }
  /** The accumulated gradient of a leaf, a MaskedTensor (masked-out elements of the gradient masked out), or null. */
  get grad(): MaskedTensor | null {
    let g = this[DATA].grad;
    if (g === null) return null;
    if (isCoo(g) && !g.isCoalesced()) g = g.coalesce(); // Python's sparse gradient comes coalesced
    const own = this as unknown as Record<symbol, Tensor | undefined>;
    return wrap(g, (own[GRAD_MASK] ?? this[MASK]).detach());
  }
  set grad(g: MaskedTensor | null) {
    if (g !== null && !(g instanceof MaskedTensor)) throw new TypeError(`MaskedTensor.grad: expected a MaskedTensor or null, got ${describe(g)}`);
    this[DATA].grad = g === null ? null : g.getData().detach();
    setGradMask(this, g === null ? undefined : g.getMask().detach());
  }
  /**
   * y.backward(gradient?, { retainGraph, createGraph }): the gradients of the leaves y depends on.
   * gradient: a MaskedTensor of y's shape (y's mask when y is a scalar and none is given).
   */
  backward(gradient?: MaskedTensor | null | BackwardOptions, options: BackwardOptions = {}): void {
    if (gradient !== undefined && gradient !== null && !(gradient instanceof MaskedTensor)) {
      if (!isOptionsObject(gradient) || isTensor(gradient)) throw new TypeError(`MaskedTensor.backward: gradient must be a MaskedTensor or null, got ${describe(gradient)}`);
      options = gradient as BackwardOptions;
      gradient = null;
    }
    const leafMasks = gradientMasks(this, gradient ? gradient.getMask() : this[MASK]);
    this[DATA].backward(gradient ? gradient.getData() : null, options);
    for (const [leaf, mask] of leafMasks) setGradMask(leaf, mask.detach()); // its own handle: the mask may be another MaskedTensor's
  }
  /** Python's is_sparse: COO or CSR data. */
  get isSparse(): boolean {
    return this.isSparseCoo() || this.isSparseCsr();
  }
  isSparseCoo(): boolean {
    return isCoo(this[DATA]);
  }
  isSparseCsr(): boolean {
    return isCsr(this[DATA]);
  }
  /** x.to_dense(): this one if strided, else data and mask made dense. */
  toDense(): MaskedTensor {
    // Python's _MaskedToDense returns a strided input as is, and its backward then fails reading ctx.layout
    if (isStrided(this[DATA])) return resultOf(this[DATA].view(this.shape), this[MASK], [{ input: this, rule: { kind: 'same', check: false } }], "'_MaskedToDenseBackward' object has no attribute 'layout'", true);
    return resultOf(this[DATA].toDense(), this[MASK].toDense(), [{ input: this, rule: { kind: 'layout' } }]);
  }
  /** x.to_sparse() (Python's _MaskedToSparse): the mask as coalesced COO, the data at its specified elements. */
  toSparse(): MaskedTensor {
    if (this.isSparseCoo()) return unchanged(this);
    const sparseMask = this[MASK].toSparseCoo().coalesce();
    return resultOf(this[DATA].sparseMask(sparseMask), sparseMask, [{ input: this, rule: { kind: 'layout' } }]);
  }
  /** x.to_sparse_coo(): x.to_sparse(), as Tensor.to_sparse_coo is in Python. */
  toSparseCoo(): MaskedTensor {
    return this.toSparse();
  }
  /** x.to_sparse_csr() (Python's _MaskedToSparseCsr): 2-D only. */
  toSparseCsr(): MaskedTensor {
    if (this[DATA].dim() !== 2) throw new RangeError(`Only 2D tensors can be converted to the SparseCsr layout but got shape: ${pySize(this[DATA].shape)}`);
    if (this.isSparseCsr()) return unchanged(this);
    const sparseMask = this[MASK].toSparseCsr();
    return resultOf(MaskedToSparseCsr.apply(this[DATA], sparseMask) as Tensor, sparseMask, [{ input: this, rule: { kind: 'layout' } }]);
  }
  dim(): number {
    return this[DATA].dim();
  }
  size(d?: number): number | number[] {
    return d === undefined ? this[DATA].shape : this[DATA].size(d);
  }
  numel(): number {
    return this[DATA].numel();
  }

  /** A MaskedTensor of the same data and mask, copied (clone, differentiable) or detached. */
  clone(): MaskedTensor {
    return resultOf(this[DATA].clone(), this[MASK], [{ input: this, rule: { kind: 'same', check: false } }]);
  }
  /** x.contiguous() (Python's _MaskedContiguous): this one (a view of it) if contiguous, else a contiguous copy. */
  contiguous(): MaskedTensor {
    if (!isStrided(this[DATA])) throw new RangeError('MaskedTensors with sparse data do not have contiguous');
    if (this[DATA].isContiguous()) return unchanged(this);
    return resultOf(this[DATA].contiguous(), this[MASK].contiguous(), [{ input: this, rule: { kind: 'same', check: false } }]);
  }
  /**
   * where(condition, this, other) (Python's torch.where(condition, mt, other), _MaskedWhere): data and
   * mask taken from this where condition holds, else from other (a Tensor counts as all valid).
   */
  where(condition: Tensor, other: MaskedTensor | Tensor): MaskedTensor {
    checkArity('MaskedTensor.where', arguments.length, 2);
    if (!isTensor(condition)) throw new TypeError(`MaskedTensor.where: condition must be a Tensor, got ${describe(condition)}`);
    const otherMt = other instanceof MaskedTensor ? other : isTensor(other) ? new MaskedTensor(other, aten('ones_like', [other, { dtype: bool }]) as Tensor) : null;
    if (otherMt === null) throw new TypeError(`MaskedTensor.where: other must be a MaskedTensor or a Tensor, got ${describe(other)}`);
    const data = MaskedWhereData.apply(condition, this[DATA], otherMt.getData()) as Tensor;
    const mask = aten('where', [condition, this[MASK], otherMt.getMask()]) as Tensor;
    return resultOf(data, mask, [
      { input: this, rule: { kind: 'where', condition, side: true } },
      { input: otherMt, rule: { kind: 'where', condition, side: false } },
    ]);
  }
  detach(): MaskedTensor {
    return new MaskedTensor(this[DATA], this[MASK]);
  }
  /** x.to(dtype or device): the data converted, the mask moved along (Python's _to_copy). */
  to(...args: unknown[]): MaskedTensor {
    const data = (this[DATA].to as (...a: unknown[]) => Tensor)(...args);
    const mask = (this[MASK].to as (...a: unknown[]) => Tensor)(...args.map((a) => (isDtypeArg(a) ? bool : a)));
    return resultOf(data, mask, [{ input: this, rule: { kind: 'same', check: false } }], undefined, data === this[DATA] || data.dtype === this.dtype);
  }
  /** x.softmax(dim): the softmax over the valid elements only (aten._masked_softmax), as Python's MaskedTensor does. */
  softmax(dim: number): MaskedTensor {
    checkArity('MaskedTensor.softmax', arguments.length, 1);
    return resultOf(aten('_masked_softmax', [this[DATA], this[MASK].bitwiseNot(), dim, 2]) as Tensor, this[MASK], [{ input: this, rule: { kind: 'softmax' } }]);
  }
  /** Frees the data, the mask and the gradient's mask now. */
  dispose(): void {
    this[DATA].dispose();
    this[MASK].dispose();
    setGradMask(this, undefined);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** PyTorch's repr: invalid elements print as "--". */
  toString(): string {
    const formatted = (v: number | boolean): string => (this.dtype.isFloatingPoint ? pyFixed(v as number) : pyStr(v));
    if (this.dim() === 0) {
      const valid = this[MASK].item<boolean>();
      return `MaskedTensor(${valid ? formatted(this[DATA].item()) : '--'}, ${pyStr(valid)})`;
    }
    const dense = (t: Tensor): Nested => (isStrided(t) ? t : t.toDense()).tolist() as Nested;
    const s = maskedStr(dense(this[DATA]), dense(this[MASK]), formatted);
    return `MaskedTensor(\n${indent(s)}\n)`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}
Object.defineProperty(MaskedTensor.prototype, MASKED, { value: true });


// A MaskedTensor around these very tensors (no copy): the gradient a leaf hands out.
function wrap(data: Tensor, mask: Tensor): MaskedTensor {
  const mt = Object.create(MaskedTensor.prototype) as MaskedTensor;
  Object.defineProperty(mt, DATA, { value: data, writable: true });
  Object.defineProperty(mt, MASK, { value: mask, writable: true });
  return mt;
}

function setGradMask(mt: MaskedTensor, mask: Tensor | undefined): void {
  const own = mt as unknown as Record<symbol, Tensor | undefined>;
  if (own[GRAD_MASK] !== undefined && own[GRAD_MASK] !== mask) own[GRAD_MASK].dispose();
  Object.defineProperty(mt, GRAD_MASK, { value: mask, writable: true, configurable: true });
}

const maskOf = (mt: MaskedTensor): Tensor => mt.getMask();
const nodeOf = (mt: MaskedTensor): GradNode | undefined => (mt as unknown as Record<symbol, GradNode | undefined>)[GRAD_NODE];

// What Python's backward does to masks from `root` (whose gradient has mask rootMask) down to the
// leaves: each node's incoming masks must match (Python adds the MaskedTensor gradients), and a node
// whose formula Python cannot run raises Python's error, all before any gradient is computed.
// Returns each leaf's new gradient mask (matched against the one it holds, as Python's accumulation adds).
function gradientMasks(root: MaskedTensor, rootMask: Tensor): Map<MaskedTensor, Tensor> {
  type Vertex = GradNode | MaskedTensor;
  const edgesOf = (v: Vertex): StoredEdge[] => (v instanceof MaskedTensor ? [] : v.edges);
  const start: Vertex = nodeOf(root) ?? root;
  const order: Vertex[] = [];
  const seen = new Set<Vertex>([start]);
  const stack: [Vertex, number][] = [[start, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const edges = edgesOf(top[0]);
    if (top[1] < edges.length) {
      const next = edges[top[1]++]!.to;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else order.push(stack.pop()![0]);
  }
  const pending = new Map<Vertex, Tensor>([[start, rootMask]]);
  const add = (v: Vertex, mask: Tensor): void => {
    const held = pending.get(v);
    if (held !== undefined && !tensorsMatch(held, mask)) throw new RangeError(MASKS_MUST_MATCH);
    pending.set(v, held ?? mask);
  };
  const leaves = new Map<MaskedTensor, Tensor>();
  for (const v of order.reverse()) {
    const gradMask = pending.get(v);
    if (gradMask === undefined) continue;
    if (v instanceof MaskedTensor) {
      if (!v.requiresGrad || !v.isLeaf) continue;
      const held = (v as unknown as Record<symbol, Tensor | undefined>)[GRAD_MASK] ?? maskOf(v);
      if (v.getData().grad !== null && !tensorsMatch(held, gradMask)) throw new RangeError(MASKS_MUST_MATCH);
      leaves.set(v, gradMask);
      continue;
    }
    if (v.refuse !== undefined) throw new TypeError(v.refuse);
    if (v.retainedBy !== undefined) leaves.set(v.retainedBy, gradMask);
    for (const edge of v.edges) add(edge.to, inputGradMask(v, edge, gradMask));
  }
  return leaves;
}

function inputGradMask(node: GradNode, edge: StoredEdge, gradMask: Tensor): Tensor {
  const rule = edge.rule;
  switch (rule.kind) {
    case 'same':
      if (rule.check && !tensorsMatch(gradMask, node.mask)) throw new RangeError(MASKS_MUST_MATCH);
      return gradMask;
    case 'own':
      return edge.inputMask!;
    case 'softmax':
      if (!tensorsMatch(gradMask, node.mask)) throw new RangeError('__torch_dispatch__, aten._softmax_backward_data: expected the masks of grad and output to match');
      return gradMask;
    case 'where':
      return rule.side ? gradMask.logicalAnd(rule.condition) : gradMask.logicalAnd(rule.condition.logicalNot());
    case 'layout':
      if (edge.inputLayout === 'torch.strided') return isStrided(gradMask) ? gradMask : gradMask.toDense();
      return edge.inputLayout === 'torch.sparse_coo' ? gradMask.toSparseCoo().coalesce() : gradMask.toSparseCsr();
    case 'view':
      return viewBackward(rule.name, rule.args, gradMask, edge.inputShape);
  }
}

// The backward of a passthrough op, applied to a gradient's mask (select_backward fills with false; expand's sum_to_size is any).
function viewBackward(name: string, args: unknown[], mask: Tensor, inputShape: number[]): Tensor {
  switch (name) {
    case 'transpose':
    case 't':
      return (mask[name as 'transpose'] as (...a: unknown[]) => Tensor)(...args);
    case 'view':
      return mask.reshape(inputShape);
    case 'select':
      return aten('select_backward', [mask, inputShape, ...args]) as Tensor;
    case 'expand': {
      const lead = mask.dim() - inputShape.length;
      let m = mask;
      for (let d = mask.dim() - 1; d >= 0; d--) {
        const inner = d - lead;
        if (inner < 0) m = aten('any', [m, d, false]) as Tensor;
        else if (inputShape[inner] === 1 && mask.shape[d] !== 1) m = aten('any', [m, d, true]) as Tensor;
      }
      return m;
    }
    case 'unfold':
      return aten('unfold_backward', [mask, inputShape, ...args]) as Tensor;
    case 'slice':
      return aten('slice_backward', [mask, inputShape, ...args]) as Tensor;
  }
  throw new Error(`viewBackward: ${name}`);
}

// What Python's autograd.Function gives for an input its forward returns unchanged: a view of it
// (x.view(x.shape), which sparse data cannot make: libtorch's error then, as in Python).
const unchanged = (mt: MaskedTensor): MaskedTensor => mt.view(...mt.shape);

// _preprocess_data: sparse data and mask coalesced (COO); data cut to the mask's specified elements when their counts differ.
function preprocess(data: Tensor, mask: Tensor): [Tensor, Tensor] {
  if (String(data.layout) !== String(mask.layout)) throw new TypeError('MaskedTensor: data and mask must have the same layout.');
  if (isCoo(data)) {
    data = data.coalesce();
    mask = mask.coalesce();
    if (data._nnz() !== mask._nnz()) data = sparseCooWhere(mask, data, tensor(0));
  } else if (isCsr(data) && data._nnz() !== mask._nnz()) data = sparseCsrWhere(mask, data, tensor(0));
  return [data, mask];
}

// Python's _set_data_mask: the in-place ops' new data (a sparse one is rebuilt around its new values).
function setDataMask(mt: MaskedTensor, data: Tensor, mask: Tensor): void {
  validate(data, mask);
  const fields = mt as unknown as Record<symbol, Tensor>;
  fields[DATA] = data;
  fields[MASK] = mask;
}

// _tensors_match(a, b, exact=True): same layout; sparse ones by their indices and values; b cast to a's dtype.
function tensorsMatch(a: Tensor, b: Tensor): boolean {
  if (String(a.layout) !== String(b.layout)) throw new TypeError(`\`a\` and \`b\` must have the same layout. Got ${String(a.layout)} and ${String(b.layout)}`);
  if (a.dtype !== b.dtype) b = b.to(a.dtype);
  if (isCoo(a)) return tensorsMatch(a.values(), b.values()) && tensorsMatch(a.indices(), b.indices());
  if (isCsr(a)) return tensorsMatch(a.crowIndices(), b.crowIndices()) && tensorsMatch(a.colIndices(), b.colIndices()) && tensorsMatch(a.values(), b.values());
  return a.dim() === b.dim() && (aten('eq', [a, b]) as Tensor).all().item<boolean>();
}

// _validate_members
function validate(data: Tensor, mask: Tensor): void {
  if (!(isStrided(data) || isCoo(data) || isCsr(data))) throw new TypeError(`MaskedTensor: data layout of ${String(data.layout)} is not supported.`);
  if (isCoo(data) && !tensorsMatch(data.indices(), mask.indices()))
    throw new RangeError('MaskedTensor: data and mask are both sparse COO tensors but do not have the same indices.');
  if (isCsr(data) && !(tensorsMatch(data.crowIndices(), mask.crowIndices()) && tensorsMatch(data.colIndices(), mask.colIndices())))
    throw new RangeError('MaskedTensor: data and mask are both sparse CSR tensors but do not share either crow or col indices.');
  if (mask.dtype !== bool) throw new TypeError('MaskedTensor: mask must have dtype bool.');
  if (!DATA_DTYPES.includes(data.dtype)) throw new TypeError(`MaskedTensor: ${String(data.dtype)} is not supported in MaskedTensor.`);
  if (data.dim() !== mask.dim()) throw new RangeError('MaskedTensor: data.dim() must equal mask.dim()');
  if (data.shape.some((s, i) => s !== mask.shape[i])) throw new RangeError('MaskedTensor: data.size() must equal mask.size()');
}

const isDtypeArg = (a: unknown): boolean => typeof a === 'object' && a !== null && a.constructor?.name === 'DType';

/** torch.masked.masked_tensor(data, mask, requiresGrad = false): a new MaskedTensor (data and mask copied). */
export function maskedTensor(data: Tensor, mask: Tensor, requiresGrad: boolean | { requiresGrad?: boolean } = false): MaskedTensor {
  return new MaskedTensor(data, mask, requiresGrad);
}

/** torch.masked.as_masked_tensor(data, mask): a MaskedTensor of data and mask that keeps data's autograd history (its gradient reaches data). */
export function asMaskedTensor(data: Tensor, mask: Tensor): MaskedTensor {
  checkArity('asMaskedTensor', arguments.length, 2);
  if (isMaskedTensor(data) || !isTensor(data)) throw new TypeError('MaskedTensor: data must be a Tensor');
  if (isMaskedTensor(mask) || !isTensor(mask)) throw new TypeError('MaskedTensor: mask must be a Tensor');
  return resultOf(data, mask, [], undefined, true);
}

// ---- elementwise ops ----

// Python's unary/binary ops take no keyword arguments: a trailing options object is refused as they refuse kwargs.
function noKwargs(fn: string, args: readonly unknown[], message: string): void {
  if (args.length > 0 && isOptionsObject(args[args.length - 1])) throw new TypeError(`MaskedTensor.${fn}: ${message}`);
}

// _masks_match: masks of two MaskedTensors must be equal (exact; sparse ones by indices and values).
function masksMatch(a: unknown, b: unknown): boolean {
  if (!(a instanceof MaskedTensor && b instanceof MaskedTensor)) return true;
  return tensorsMatch(a.getMask(), b.getMask());
}

// Python's sparse branches of the unary and binary helpers: fn on the values, rebuilt on the same indices.
function onValues(data: Tensor, fn: (values: Tensor) => Tensor): Tensor {
  if (isCoo(data)) {
    const coalesced = data.coalesce();
    return sparseCooTensor(coalesced.indices(), fn(coalesced.values()), data.shape);
  }
  return csrOfValues(data, fn(csrValues(data))); // no size: Python infers it from the indices
}

// CSR values and back, differentiable (libtorch has no derivative for sparse_csr_tensor; Python's
// autograd runs above it): the gradient keeps the data's sparsity pattern.
class CsrValues extends Function {
  static override forward(ctx: FunctionCtx, data: Tensor): Tensor {
    ctx.saveForBackward(data.crowIndices(), data.colIndices());
    ctx.shape = data.shape;
    return data.values();
  }
  static override backward(ctx: FunctionCtx, grad: Tensor): Tensor {
    const [crow, col] = ctx.savedTensors as Tensor[];
    return sparseCsrTensor(crow!, col!, grad, ctx.shape as number[]);
  }
}
class CsrOfValues extends Function {
  static override forward(_ctx: FunctionCtx, crow: Tensor, col: Tensor, values: Tensor, shape?: number[]): Tensor {
    return shape === undefined ? sparseCsrTensor(crow, col, values) : sparseCsrTensor(crow, col, values, shape);
  }
  static override backward(_ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    return [null, null, isCsr(grad) ? grad.values() : grad, null];
  }
}
const csrValues = (data: Tensor): Tensor => (data.requiresGrad ? (CsrValues.apply(data) as Tensor) : data.values());
const csrOfValues = (data: Tensor, values: Tensor, shape?: number[]): Tensor =>
  values.requiresGrad ? (CsrOfValues.apply(data.crowIndices(), data.colIndices(), values, shape) as Tensor) : shape === undefined ? sparseCsrTensor(data.crowIndices(), data.colIndices(), values) : sparseCsrTensor(data.crowIndices(), data.colIndices(), values, shape);

const dataOf = (a: unknown): unknown => (a instanceof MaskedTensor ? a.getData() : a);

function installUnary(name: string, inplace: boolean): void {
  const js = camelCase(name) + (inplace ? '_' : '');
  const op = inplace ? `${name}_` : name;
  define(js, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    noKwargs(js, args, 'MaskedTensor unary ops require that len(kwargs) == 0. If you need support for this, please open an issue on Github.');
    if (args.some((a) => isTensor(a) || a instanceof MaskedTensor)) throw new TypeError(`MaskedTensor.${js}: MaskedTensor unary ops do not support additional Tensor arguments`);
    const data = this.getData();
    const result = isStrided(data) ? (aten(op, [data, ...args]) as Tensor) : onValues(data, (v) => aten(op, [v, ...args]) as Tensor);
    if (inplace) {
      setDataMask(this, isStrided(data) ? data : result, this.getMask());
      return this;
    }
    return resultOf(result, this.getMask(), [{ input: this, rule: { kind: 'same', check: !UNARY_GRAD_ONLY.includes(name) } }], UNARY_BACKWARD_ERRORS[name], name === 'positive');
  });
}

function installBinary(name: string, inplace: boolean): void {
  const js = camelCase(name) + (inplace ? '_' : '');
  const op = inplace ? `${name}_` : name;
  define(js, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    noKwargs(js, args, 'len(kwargs) must equal 0');
    if (args.length === 0) throw new TypeError(`MaskedTensor.${js}: missing required argument 'other'`);
    if (args.slice(1).some((a) => isTensor(a) || a instanceof MaskedTensor))
      throw new TypeError(`MaskedTensor.${js}: MaskedTensor binary ops do not support Tensor arguments aside from the lhs and rhs`);
    const other = args[0];
    if (!masksMatch(this, other)) throw new RangeError(`MaskedTensor.${js}: Input masks must match. If you need support for this, please open an issue on Github.`);
    const data = this.getData();
    const rest = args.map(dataOf);
    const otherData = rest[0];
    const sameLayout = isTensor(otherData) && String(otherData.layout) === String(data.layout);
    let result: Tensor;
    if (isCoo(data)) {
      if (sameLayout) {
        if (!tensorsMatch(data.indices(), otherData.indices()))
          throw new RangeError(`MaskedTensor.${js}: sparse_coo indices must match. If you need support for this, please open an issue on Github.`);
        if (data.shape.some((s, i) => s !== otherData.shape[i]) || data.dim() !== otherData.dim())
          throw new RangeError(`MaskedTensor.${js}: input1 and input2 must have the same size for binary functions.`);
        rest[0] = otherData.values();
      }
      result = sparseCooTensor(data.indices(), aten(op, [data.values(), ...rest]) as Tensor, data.shape);
    } else if (isCsr(data)) {
      if (sameLayout) {
        if (!(tensorsMatch(data.crowIndices(), otherData.crowIndices()) && tensorsMatch(data.colIndices(), otherData.colIndices())))
          throw new RangeError(`MaskedTensor.${js}: sparse_csr indices must match. If you need support for this, please open an issue on Github.`);
        rest[0] = csrValues(otherData);
      }
      result = csrOfValues(data, aten(op, [csrValues(data), ...rest]) as Tensor, data.shape);
    } else {
      // a plain operand broadcast to a MaskedTensor: Python sums its gradient over the valid elements only
      if (isTensor(otherData) && !(other instanceof MaskedTensor) && otherData.requiresGrad && !inplace && !sameShape(otherData.shape, data.shape))
        rest[0] = MaskedExpand.apply(otherData, this.getMask().expand(broadcastShape(data.shape, otherData.shape)));
      result = aten(op, [data, ...rest]) as Tensor;
    }
    if (inplace) {
      setDataMask(this, isStrided(data) ? data : result, this.getMask());
      return this;
    }
    const mask = this.getMask();
    const check = !BINARY_GRAD_ONLY.includes(name) && (other instanceof MaskedTensor || (isTensor(other) && BINARY_CHECK_PLAIN.includes(name)));
    const rule: MaskRule = { kind: 'same', check };
    const edges: GradEdge[] = [{ input: this, rule }];
    if (other instanceof MaskedTensor) edges.push({ input: other, rule });
    const refuse = BINARY_BACKWARD_ERRORS[name] ?? (other instanceof MaskedTensor && other.requiresGrad ? OTHER_BACKWARD_ERRORS[name] : undefined);
    return resultOf(result, isStrided(data) ? mask.expandAs(result) : mask, edges, refuse);
  });
}

// A passthrough op on data and mask alike ('slice' is aten.slice: no Tensor method of that name).
function passthrough(mt: MaskedTensor, name: string, args: unknown[], refuse?: string): MaskedTensor {
  const apply = (t: Tensor): Tensor => (name === 'slice' ? (aten('slice', [t, ...args]) as Tensor) : (t[name as 'view'] as (...a: unknown[]) => Tensor)(...args));
  // unsqueeze's backward is squeeze, which MaskedTensor's dispatch lacks
  if (name === 'unsqueeze') refuse = dispatchFailed('squeeze.dim');
  const mask = apply(mt.getMask());
  const data = name === 'expand' ? (MaskedExpand.apply(mt.getData(), mask) as Tensor) : apply(mt.getData());
  return resultOf(data, mask, [{ input: mt, rule: { kind: 'view', name, args } }], refuse, true);
}

function installPassthrough(name: string): void {
  define(name, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    return passthrough(this, name, args);
  });
}

// Python's composite Tensor methods reach MaskedTensor's dispatch as the passthrough ops they decompose
// to (reshape and flatten as view, so a layout view cannot make fails as there; narrow and split as slice).
const wrapDim = (d: number, n: number): number => (d < 0 ? d + n : d);
const sliceOf = (mt: MaskedTensor, dim: number, start: number, end: number, refuse?: string): MaskedTensor => passthrough(mt, 'slice', [dim, start, end, 1], refuse);
// split(size) / chunk / tensor_split as Python computes their pieces, each a slice of dim; `refuse`: Python's backward error.
function pieces(mt: MaskedTensor, dim: number, bounds: number[], refuse?: string): MaskedTensor[] {
  const d = wrapDim(dim, mt.dim());
  return bounds.slice(0, -1).map((start, i) => sliceOf(mt, d, start, bounds[i + 1]!, refuse));
}
// aten.split's backward (split_backward) makes the unused pieces' gradients as plain zeros, a mask Python's MaskedTensor refuses
const SPLIT_BACKWARD_ERROR = 'mask must have dtype bool.';
const COMPOSITE_VIEWS: Record<string, (this: MaskedTensor, ...args: never[]) => MaskedTensor | MaskedTensor[]> = {
  reshape(this: MaskedTensor, ...shape: (number | number[])[]) {
    return this.view(...shape);
  },
  viewAs(this: MaskedTensor, other: Tensor | MaskedTensor) {
    return this.view(other.shape);
  },
  ravel(this: MaskedTensor) {
    return this.view(-1);
  },
  flatten(this: MaskedTensor, startDim = 0, endDim = -1) {
    const shape = this.shape;
    if (shape.length === 0) return this.view(1);
    const [a, b] = [wrapDim(startDim, shape.length), wrapDim(endDim, shape.length)];
    if (a > b) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
    return this.view([...shape.slice(0, a), shape.slice(a, b + 1).reduce((x, y) => x * y, 1), ...shape.slice(b + 1)]);
  },
  unflatten(this: MaskedTensor, dim: number, sizes: number[]) {
    const shape = this.shape;
    const d = wrapDim(dim, shape.length);
    return this.view([...shape.slice(0, d), ...sizes, ...shape.slice(d + 1)]);
  },
  swapaxes(this: MaskedTensor, a: number, b: number) {
    return this.transpose(a, b);
  },
  swapdims(this: MaskedTensor, a: number, b: number) {
    return this.transpose(a, b);
  },
  expandAs(this: MaskedTensor, other: Tensor | MaskedTensor) {
    return this.expand(other.shape);
  },
  narrow(this: MaskedTensor, dim: number, start: number, length: number) {
    const d = wrapDim(dim, this.dim());
    const s = wrapDim(start, this.shape[d]!);
    return sliceOf(this, d, s, s + length);
  },
  split(this: MaskedTensor, size: number | number[], dim = 0) {
    if (Array.isArray(size)) throw new TypeError(dispatchFailed('split_with_sizes.default')); // not a passthrough op in Python
    const total = this.shape[wrapDim(dim, this.dim())]!;
    const sizes = Array.from({ length: Math.max(1, Math.ceil(total / size)) }, (_, i) => Math.min(size, total - i * size));
    return pieces(this, dim, sizes.reduce((b, n) => [...b, b[b.length - 1]! + n], [0]), SPLIT_BACKWARD_ERROR);
  },
  chunk(this: MaskedTensor, chunks: number, dim = 0) {
    const total = this.shape[wrapDim(dim, this.dim())]!;
    return (COMPOSITE_VIEWS.split as (this: MaskedTensor, s: number, d: number) => MaskedTensor[]).call(this, Math.ceil(total / chunks), dim);
  },
  tensorSplit(this: MaskedTensor, sections: number | number[], dim = 0) {
    const total = this.shape[wrapDim(dim, this.dim())]!;
    // n sections: the first total % n get one more element; indices: cut there (clamped to the dim)
    const bounds = Array.isArray(sections)
      ? [0, ...sections.map((i) => Math.min(Math.max(wrapDim(i, total), 0), total)), total]
      : Array.from({ length: sections + 1 }, (_, i) => i * Math.floor(total / sections) + Math.min(i, total % sections));
    return pieces(this, dim, bounds); // a cut before the previous one gives an empty piece, as aten.slice does
  },
};
for (const [name, fn] of Object.entries(COMPOSITE_VIEWS)) define(name, fn as (this: MaskedTensor, ...args: unknown[]) => MaskedTensor);
Object.defineProperty(MaskedTensor.prototype, 'mT', {
  get(this: MaskedTensor) {
    return this.transpose(-2, -1);
  },
  configurable: true,
});

// ---- reductions ----

// _multidim_any(mask, dim, keepdim): the result mask, valid where any reduced element was.
function multidimAny(mask: Tensor, dim: number | number[], keepdim: boolean): Tensor {
  const dims = typeof dim === 'number' ? [dim] : [...dim].sort((a, b) => b - a);
  return dims.reduce((m, d) => aten('any', [m, d, keepdim]) as Tensor, mask);
}

// _masked_all: all() with invalid elements counted as true.
function maskedAll(data: Tensor, mask: Tensor, dim?: number | number[], keepdim = false): Tensor {
  const filled = data.maskedFill(mask.bitwiseNot(), true);
  return dim === undefined ? filled.all() : (aten('all', [filled, dim, keepdim]) as Tensor);
}

// _torch_reduce_all: the reduction of every valid element (a sparse tensor's valid values); valid if any element is.
function reduceAll(mt: MaskedTensor, name: keyof typeof REDUCTIONS | 'all'): MaskedTensor {
  const data = mt.getData();
  const mask = mt.isSparse ? mt.getMask().values() : mt.getMask();
  const reduction = REDUCTIONS[name as keyof typeof REDUCTIONS] as (x: MaskedArg, o?: object) => Tensor;
  let result: Tensor;
  if (name === 'all') result = maskedAll(data, mask);
  else if ((name === 'argmin' || name === 'argmax') && mt.isSparseCoo()) {
    // the position among the values, mapped to the flat index of its element as Python computes it (in float)
    const sparseIdx = reduction(data.values(), { mask }).to(int32);
    const idx = data.indices().unbind(1)[Number(sparseIdx.item())]!;
    const stride = tensor(data.shape).cumprod(0).reciprocal().mul(data.numel()); // numel / tensor(size).cumprod(0): Python's __rtruediv__
    result = idx.mul(stride).sum();
  } else if (mt.isSparse) result = reduction(new MaskedTensor(data.values(), mask));
  else result = reduction(mt, { mask });
  return resultOf(result, aten('any', [mask]) as Tensor, [{ input: mt, rule: { kind: 'own' } }]);
}

function installReduction(name: keyof typeof REDUCTIONS | 'all'): void {
  const fn = `MaskedTensor.${name}`;
  define(name, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    checkArity(fn, args.length, 3);
    if (args.length === 0) return reduceAll(this, name);
    // Python's reduce_dim returns NotImplemented for sparse data, and the dispatch then fails
    if (this.isSparse) throw new TypeError(`Multiple dispatch failed for 'torch.Tensor.${name}'; all __torch_function__ handlers returned NotImplemented:`);
    const mask = this.getMask();
    // _torch_reduce_dim(self, dim, keepdim=False, dtype=None)
    const o = isOptionsObject(args[args.length - 1]) ? (args[args.length - 1] as Record<string, unknown>) : {};
    const positional = isOptionsObject(args[args.length - 1]) ? args.slice(0, -1) : args;
    for (const key of Object.keys(o)) if (!['dim', 'keepdim', 'dtype'].includes(key)) throw new TypeError(`${fn}: unexpected keyword argument '${key}'`);
    const [dim, keepdim = false, dtype = null] = [positional[0] ?? o.dim, positional[1] ?? o.keepdim, positional[2] ?? o.dtype];
    if (dim === undefined || dim === null) throw new TypeError(`${fn}: missing required argument 'dim'`);
    if (ONE_DIM_REDUCTIONS.includes(name) && !Number.isInteger(dim)) throw new TypeError(`${fn}: dim must be an int, got ${describe(dim)}`);
    if (typeof keepdim !== 'boolean') throw new TypeError(`${fn}: keepdim must be a boolean, got ${describe(keepdim)}`);
    const d = dim as number | number[];
    const result = name === 'all'
      ? maskedAll(this.getData(), mask, d, keepdim)
      : (REDUCTIONS[name] as (x: MaskedArg, o: object) => Tensor)(this, { dim: d, keepdim, dtype: dtype === null ? null : toDType(dtype, fn), mask });
    return resultOf(result, multidimAny(mask, d, keepdim), [{ input: this, rule: { kind: 'own' } }]);
  });
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);
// torch.broadcast_shapes of two shapes (the op itself raises for shapes that do not broadcast).
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const [x, y] = [a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1];
    return x === 1 ? y : x;
  });
}

function define(name: string, value: (this: MaskedTensor, ...args: unknown[]) => MaskedTensor): void {
  Object.defineProperty(MaskedTensor.prototype, name, { value, writable: true, configurable: true });
}

for (const name of UNARY_NAMES) {
  installUnary(name, false);
  if (!(NOT_INPLACE_UNARY as readonly string[]).includes(name)) installUnary(name, true);
}
for (const name of BINARY_NAMES) {
  installBinary(name, false);
  if (!(NOT_INPLACE_BINARY as readonly string[]).includes(name)) installBinary(name, true);
}
for (const name of PASSTHROUGH_NAMES) installPassthrough(name);
for (const name of [...Object.keys(REDUCTIONS), 'all'] as (keyof typeof REDUCTIONS | 'all')[]) installReduction(name);

// ---- printing (core.py _masked_tensor_str) ----

type Nested = (number | boolean | Nested)[];
const pyStr = (v: number | boolean): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
// Python's '{0:8.4f}'.format(v).
const pyFixed = (v: number): string => (Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? v.toFixed(4) : v > 0 ? 'inf' : '-inf').padStart(8);
const indent = (s: string): string => s.split('\n').map((line) => `  ${line}`).join('\n');

function maskedStr(data: Nested, mask: Nested, formatted: (v: number | boolean) => string): string {
  if (data.length === 0 || !Array.isArray(data[0])) {
    const items = data.map((v) => formatted(v as number | boolean));
    const width = Math.max(...items.map((e, i) => (mask[i] ? e.length : 8)));
    return `[${items.map((e, i) => (mask[i] ? e : '--'.padStart(width))).join(', ')}]`;
  }
  return `[\n${data.map((d, i) => indent(maskedStr(d as Nested, mask[i] as Nested, formatted))).join(',\n')}\n]`;
}
