// v2's calling convention: `t.call(...inputs)` takes any sample (an image, `img, label`, `[img, label]`,
// `{ image, boxes, masks, labels }`). Which plain tensor is the image follows v2's rule: with a
// vision.Image (v2's PIL image) or a tv_tensors Image/Video in the sample, no plain tensor is; else
// the first plain tensor is. The transforms with box and mask kernels run as torchvision's
// Transform.forward (v2Forward): check the leaves, draw the parameters once, then transform every
// image, video, mask and box leaf with them; the others (v2Of) transform the one image and pass the
// other leaves through, refusing boxes and masks where they are geometric.
import { isTensor, Tensor as TensorClass } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { treeLeaves, withLeaves } from '../../../pytree.js';
import { Image } from '../../image.js';
import { applyTransform, Transform as Transform_, type TransformLike } from '../transform.js';
import type { Tensor } from '../../../tensor.js';
import { boxesMeta, isPureTensor, keyPointsCanvasSize, kindOf, markAs } from '../../tv_tensors.js';
import { getDimensions, type ImageLike } from '../functional.js';
import { rand1 } from '../_random.js';
import { warn } from '../../../warnings.js';
import { pyStrRepr } from '../../../nn/modules/_format.js';

/** The sample of a v2 call: one argument as it is, several as an array (Python's tuple). */
export const sampleOf = (inputs: readonly unknown[]): unknown => (inputs.length === 1 ? inputs[0] : [...inputs]);

/** Marks a tensor as an image (tv_tensors.Image); returns it. */
export function markImage<T>(t: T): T {
  if (isTensor(t)) markAs(t, 'Image');
  return t;
}

/** Whether a leaf is an image in its own right: a vision.Image, a tv_tensors.Image or a tv_tensors.Video. */
export const isImageLeaf = (leaf: unknown): boolean => leaf instanceof Image || ['Image', 'Video'].includes(kindOf(leaf) as string);

/** The indexes of the leaves v2 transforms as images: every vision.Image, tv_tensors Image and Video, else the first plain tensor. */
export function imageLeafIndexes(leaves: readonly unknown[]): number[] {
  const images = leaves.flatMap((leaf, i) => (isImageLeaf(leaf) ? [i] : []));
  if (images.length > 0) return images;
  const first = leaves.findIndex((leaf) => isPureTensor(leaf));
  return first < 0 ? [] : [first];
}

/** The kinds of leaf v2 transforms: images (a vision.Image, a tv_tensors.Image or the plain tensor taken as the image), videos, masks, boxes, keypoints. */
export type LeafKind = 'Image' | 'Video' | 'Mask' | 'BoundingBoxes' | 'KeyPoints';

/** The kind a leaf is transformed as: its tv_tensor kind; a vision.Image or plain tensor: 'Image'; else null. */
export const leafKind = (leaf: unknown): LeafKind | null => (leaf instanceof Image || isPureTensor(leaf) ? 'Image' : kindOf(leaf));

/**
 * torchvision's Transform._needs_transform_list: tv_tensors and vision.Images are transformed; plain
 * tensors only when the sample has no image or video, and then only the first.
 */
export function needsTransformList(leaves: readonly unknown[], accepts: (leaf: unknown) => boolean = (l) => l instanceof Image || isTensor(l)): boolean[] {
  let pureOpen = !leaves.some(isImageLeaf);
  return leaves.map((leaf) => {
    if (!accepts(leaf)) return false;
    if (isPureTensor(leaf)) {
      if (!pureOpen) return false;
      pureOpen = false;
    }
    return true;
  });
}

/** [height, width] of a leaf (torchvision's get_size): an image's last two sizes, a mask's, boxes' and keypoints' canvas size. */
export function sizeOf(leaf: unknown): [number, number] {
  if (leaf instanceof Image) return [leaf.height, leaf.width];
  if (kindOf(leaf) === 'BoundingBoxes') return boxesMeta(leaf).canvasSize;
  if (kindOf(leaf) === 'KeyPoints') return keyPointsCanvasSize(leaf);
  const s = (leaf as Tensor).shape;
  if (s.length < 2) throw new TypeError(`Input tensor should have at least two dimensions, but got ${s.length}`);
  return [s[s.length - 2]!, s[s.length - 1]!];
}

/** torchvision's query_size: the one [height, width] of the images, videos, masks, boxes and keypoints among the leaves. */
export function querySize(leaves: readonly unknown[]): [number, number] {
  const sizes = new Map<string, [number, number]>();
  for (const leaf of leaves) {
    if (leafKind(leaf) === null) continue;
    const hw = sizeOf(leaf);
    sizes.set(hw.join(','), hw);
  }
  if (sizes.size === 0) throw new TypeError('No image, video, mask, bounding box of keypoint was found in the sample');
  if (sizes.size > 1) throw new RangeError(`Found multiple HxW dimensions in the sample: ${[...sizes.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([h, w]) => `'(${h}, ${w})'`).join(', ')}`);
  return [...sizes.values()][0]!;
}

/** torchvision's query_chw: [channels, height, width] of the images and videos among the leaves. */
export function queryChw(leaves: readonly unknown[]): [number, number, number] {
  const dims = new Map<string, [number, number, number]>();
  for (const leaf of leaves) {
    const k = leafKind(leaf);
    if (k !== 'Image' && k !== 'Video') continue;
    const d = getDimensions(leaf as ImageLike);
    dims.set(d.join(','), d);
  }
  if (dims.size === 0) throw new TypeError('No image or video was found in the sample');
  if (dims.size > 1) throw new RangeError(`Found multiple CxHxW dimensions in the sample: ${[...dims.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]).map((d) => `'(${d.join(', ')})'`).join(', ')}`);
  return [...dims.values()][0]!;
}

/** `out` marked as the same tv_tensor kind as `inpt` where that is an Image, Video or Mask (kernels that do not dispatch). */
export function keepKind<T>(inpt: unknown, out: T): T {
  const k = kindOf(inpt);
  if (isTensor(out) && (k === 'Image' || k === 'Video' || k === 'Mask')) markAs(out, k);
  return out;
}

/** The kinds of input one of v2's functionals has kernels for; any other is refused with v2's _get_kernel message. */
export function checkKernelKinds(fn: string, inpt: unknown, kinds: readonly ('Image' | 'Video')[], pil: boolean): void {
  const names = ['torch.Tensor', ...kinds.map((k) => `tv_tensors.${k}`), ...(pil ? ['vision.Image'] : [])].join(', ');
  const refuse = (got: string): never => { throw new TypeError(`Functional F.${fn} supports inputs of type ${names}, but got ${got} instead.`); };
  if (inpt instanceof Image) {
    if (!pil) refuse('vision.Image');
    return;
  }
  if (!isTensor(inpt)) refuse(describe(inpt));
  const kind = kindOf(inpt);
  if (kind !== null && !(kinds as readonly string[]).includes(kind)) refuse(`tv_tensors.${kind}`);
}

/**
 * v2's dispatch around a functional's kernels: a tv_tensor of a kind it has no kernel for is refused
 * (_get_kernel's TypeError), and an Image or Video comes back as that kind (torchvision wraps the
 * kernel's output like its input; a list, as five_crop's, item by item).
 */
export function dispatching<Fn extends (inpt: any, ...args: any[]) => unknown>(name: string, kinds: readonly ('Image' | 'Video')[], pil: boolean, kernel: Fn): Fn {
  const pyName = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const dispatch = (inpt: unknown, ...args: unknown[]): unknown => {
    if (kindOf(inpt) !== null) checkKernelKinds(pyName, inpt, kinds, pil);
    const out = kernel(inpt, ...args);
    return Array.isArray(out) ? out.map((o: unknown) => keepKind(inpt, o)) : keepKind(inpt, out);
  };
  Object.defineProperty(dispatch, 'name', { value: name });
  return dispatch as Fn;
}

/** The first tv_tensor kind among the leaves that is one of `kinds` (the one v2's checks name), or undefined. */
export const firstKindAmong = (leaves: readonly unknown[], kinds: readonly string[]): string | undefined =>
  leaves.map(kindOf).find((k): k is NonNullable<typeof k> => k !== null && kinds.includes(k));

/** FiveCrop's and TenCrop's check_inputs: a sample with boxes or masks is refused with torchvision's message. */
export function refuseBoxesAndMasks(owner: string, leaves: readonly unknown[]): void {
  if (firstKindAmong(leaves, ['BoundingBoxes', 'Mask'])) throw new TypeError(`BoundingBoxes'es and Mask's are not supported by ${owner}()`);
}

/** What a v2 transform with per-leaf kernels supplies: torchvision's check_inputs, make_params and transform. */
export interface V2Kernels<P> {
  /** v2's check_inputs, on every leaf. */
  check?(leaves: readonly unknown[]): void;
  /** _RandomApplyTransform's p: one `torch.rand(1) >= p` draw first, to skip the transform. */
  p?: number;
  /** Which leaves the transform applies to (v2's _transformed_types): tensors and vision.Images by default. */
  accepts?(leaf: unknown): boolean;
  /** v2's _needs_transform_list, where a transform overrides it (else needsTransformList with `accepts`). */
  needs?(leaves: readonly unknown[]): readonly boolean[];
  /** The random parameters, drawn once for all the leaves it transforms (v2's make_params). */
  makeParams?(leaves: readonly unknown[]): P;
  /** One leaf with the parameters: `kind` is how it is transformed. */
  transform(leaf: any, kind: LeafKind, params: P): unknown;
}

/** torchvision's Transform.forward: flatten the sample, check, draw the parameters once, transform each leaf that needs it. */
export function v2Forward<P>(inputs: readonly unknown[], k: V2Kernels<P>): unknown {
  const sample = sampleOf(inputs);
  const leaves = treeLeaves(sample);
  k.check?.(leaves);
  if (k.p !== undefined && rand1() >= Math.fround(k.p)) return sample;
  const needs = k.needs ? k.needs(leaves) : needsTransformList(leaves, k.accepts);
  const params = k.makeParams ? k.makeParams(leaves.filter((_, i) => needs[i])) : (undefined as P);
  const out: unknown[] = [];
  try {
    for (const [i, leaf] of leaves.entries()) out.push(needs[i] ? k.transform(leaf, leafKind(leaf)!, params) : leaf);
  } catch (e) {
    for (const [i, o] of out.entries()) if (o !== leaves[i] && isTensor(o)) o.dispose();  // the leaves done before the one that failed
    throw e;
  }
  return withLeaves(sample, out);
}

/**
 * The sample with `fn` applied to its image. A sample without an image comes back as it is. Several
 * vision.Images in one sample would need one draw of the random parameters shared by all of them,
 * which these transforms do not have: an Error says so.
 */
export function onImage(owner: string, inputs: readonly unknown[], fn: (image: any) => unknown, refuse = false): unknown {
  const sample = sampleOf(inputs);
  const leaves = treeLeaves(sample);
  if (refuse) {
    refuseBoxesAndMasks(owner, leaves);
    if (firstKindAmong(leaves, ['KeyPoints'])) warn(`${owner}() is currently passing through inputs of type tv_tensors.KeyPoints. This will likely change in the future.`);
  }
  const indexes = imageLeafIndexes(leaves);
  if (indexes.length === 0) return sample;
  if (indexes.length > 1) throw new TypeError(`${owner}: the sample holds ${indexes.length} images; transforms.v2 here transforms one image per sample`);
  const out = [...leaves];
  const image = leaves[indexes[0]!];
  const result = fn(image);
  // an image stays an image, a video a video (tv_tensors.wrap), the crops of FiveCrop and TenCrop included
  out[indexes[0]!] = Array.isArray(result) ? result.map((r) => keepKind(image, r)) : keepKind(image, result);
  return withLeaves(sample, out);
}

/** Calls a transform of a v2 pipeline with the sample's parts as arguments, as v2 containers call `transform(*inputs)`. */
export function callTransform(transform: TransformLike, inputs: readonly unknown[], owner: string): unknown {
  if (inputs.length === 1) return applyTransform(transform, inputs[0], owner);
  if (typeof transform === 'function') return (transform as (...a: unknown[]) => unknown)(...inputs);
  return (transform as { call(...a: unknown[]): unknown }).call(...inputs);
}

/** What v2 adds to a transform's type: calls with the sample's parts as arguments. */
export interface V2Call {
  call(...inputs: unknown[]): any;
}

/** How v2Of adapts a v1 class: the checks v2 adds to it. */
export interface V2Adaptation {
  /** A geometric transform whose box and mask kernels torchvision lacks (FiveCrop, TenCrop): a sample holding them is refused. */
  refuseBoxesAndMasks?: boolean;
  /** One of v2's _RandomApplyTransform classes: `p` outside [0, 1] is refused with its message (v1 takes any p). */
  randomApply?: boolean;
}

/** v2's _RandomApplyTransform (and RandomApply's) check of p. */
export function checkRandomApplyP(p: unknown): asserts p is number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError('`p` should be a floating point value in the interval [0.0, 1.0].');
}

// torchvision's built-in v2 classes are v2.Transform subclasses; torchnode's share v1's implementation
// (they extend v1's classes), so a brand on their prototypes answers `instanceof v2.Transform` for them.
const V2_BUILT_IN = Symbol('torchnode.vision.transforms.v2.builtIn');

/** Brands a built-in v2 class built on a v1 class, so that its instances are `instanceof v2.Transform`. */
export function markV2BuiltIn(cls: abstract new (...args: any[]) => unknown): void {
  Object.defineProperty(cls.prototype, V2_BUILT_IN, { value: true });
}

/** A v2 class whose constructor takes no arguments refuses any, as Python's `__init__(self)` raises. */
export function checkNoArguments(owner: string, count: number): void {
  if (count > 0) throw new TypeError(`${owner}.__init__() takes 1 positional argument but ${count + 1} were given`);
}

/** The base of v2's own built-in classes: v1's Transform (calling convention, repr, worker transfer), branded a v2.Transform. */
export abstract class V2BuiltIn extends Transform_ {}
markV2BuiltIn(V2BuiltIn);

/**
 * A v1 transform class with v2's calling convention (its forward is applied to the sample's image;
 * masks and boxes pass through, as v2's photometric transforms pass them) and v2's extra checks.
 */
export function v2Of<C extends abstract new (...args: any[]) => Transform_>(Base: C, adapt: V2Adaptation = {}): (abstract new (...args: any[]) => V2Call) & C {
  abstract class V2Transform extends Base {
    constructor(...args: any[]) {
      super(...args);
      if (adapt.randomApply) checkRandomApplyP((this as unknown as { p: unknown }).p);
    }
    override call(...inputs: unknown[]): any {
      return onImage(this.constructor.name, inputs, (image) => this.forward(image), adapt.refuseBoxesAndMasks);
    }
  }
  markV2BuiltIn(V2Transform);
  return V2Transform;
}

// ---- the public extension API: v2.Transform and the helpers torchvision exports for it ----------------

/** A type of leaf as torchvision's check_type takes it: a class (instanceof; Number, String and Boolean match primitives) or a predicate. */
export type TypeOrCheck = Function | ((inpt: any) => boolean);

/** Whether `t` is used as a class (instanceof) rather than called as a predicate: ES classes, builtins, the tv_tensors classes, torch.Tensor. */
function isClassLike(t: Function): boolean {
  if (Object.hasOwn(t, Symbol.hasInstance)) return true;  // tv_tensors classes, torch.FloatTensor and friends
  const source = Function.prototype.toString.call(t);
  return /^class\b/.test(source) || /\{\s*\[native code\]\s*\}\s*$/.test(source);  // ES classes; builtins and torch.Tensor (a Proxy)
}

/** `obj instanceof cls`, with Number, String and Boolean matching primitives. */
export function isInstance(obj: unknown, cls: Function): boolean {
  if (cls === Number) return typeof obj === 'number';
  if (cls === String) return typeof obj === 'string';
  if (cls === Boolean) return typeof obj === 'boolean';
  return obj instanceof (cls as new (...a: never[]) => unknown);
}

function checkTypesArg(types: readonly unknown[], fn: string): void {
  for (const t of types) if (typeof t !== 'function') throw new TypeError(`${fn}: types must be classes or predicate functions, got ${describe(t)}`);
}

/** torchvision's check_type: whether `obj` is an instance of one of the classes or passes one of the predicates. */
export function checkType(obj: unknown, typesOrChecks: TypeOrCheck | readonly TypeOrCheck[]): boolean {
  const types = typeof typesOrChecks === 'function' ? [typesOrChecks] : typesOrChecks;
  if (!Array.isArray(types)) throw new TypeError(`checkType: typesOrChecks must be a class, a predicate or an array of them, got ${describe(typesOrChecks)}`);
  checkTypesArg(types, 'checkType');
  return types.some((t) => (isClassLike(t) ? isInstance(obj, t) : Boolean((t as (x: unknown) => unknown)(obj))));
}

function checkFlat(flatInputs: unknown, fn: string): readonly unknown[] {
  if (!Array.isArray(flatInputs)) throw new TypeError(`${fn}: flatInputs must be an array (the flattened sample), got ${describe(flatInputs)}`);
  return flatInputs;
}

/** torchvision's has_any: whether some leaf matches one of the types or checks. */
export function hasAny(flatInputs: readonly unknown[], ...typesOrChecks: TypeOrCheck[]): boolean {
  checkTypesArg(typesOrChecks, 'hasAny');
  return checkFlat(flatInputs, 'hasAny').some((inpt) => checkType(inpt, typesOrChecks));
}

/** torchvision's has_all: whether every type or check is matched by some leaf. */
export function hasAll(flatInputs: readonly unknown[], ...typesOrChecks: TypeOrCheck[]): boolean {
  checkTypesArg(typesOrChecks, 'hasAll');
  const leaves = checkFlat(flatInputs, 'hasAll');
  return typesOrChecks.every((t) => leaves.some((inpt) => checkType(inpt, [t])));
}

/** torchvision's get_bounding_boxes: the first tv_tensors.BoundingBoxes leaf (a sample holds one). */
export function getBoundingBoxes(flatInputs: readonly unknown[]): Tensor {
  const boxes = checkFlat(flatInputs, 'getBoundingBoxes').find((l) => kindOf(l) === 'BoundingBoxes');
  if (boxes === undefined) throw new RangeError('No bounding boxes were found in the sample');
  return boxes as Tensor;
}

/** torchvision's get_keypoints: the first tv_tensors.KeyPoints leaf (a sample holds one). */
export function getKeypoints(flatInputs: readonly unknown[]): Tensor {
  const keypoints = checkFlat(flatInputs, 'getKeypoints').find((l) => kindOf(l) === 'KeyPoints');
  if (keypoints === undefined) throw new RangeError('No keypoints were found in the sample');
  return keypoints as Tensor;
}

/** Every overload's parameters of a function (up to three overloads), as a union. */
type OverloadParams<Fn> = Fn extends { (...a: infer A1): any; (...a: infer A2): any; (...a: infer A3): any } ? A1 | A2 | A3 : never;
/** The arguments a functional takes after its input, any overload's. */
export type KernelArgs<Fn> = OverloadParams<Fn> extends infer A ? (A extends [any, ...infer R] ? R : never) : never;

/** The kernel lookup of Transform.callKernel (v2.functional's dispatch table, in _kernels.ts). */
let kernelLookup: ((functional: Function, inpt: unknown) => boolean) | null = null;
/** @internal Set by _kernels.ts: whether a functional has a kernel for a leaf. */
export function setKernelLookup(lookup: (functional: Function, inpt: unknown) => boolean): void { kernelLookup = lookup; }

/** A value as Python's str() shows it in extra_repr. */
function pyStr(v: unknown, nested = false): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return nested ? pyStrRepr(v) : v;
  if (Array.isArray(v)) return `[${v.map((x) => pyStr(x, true)).join(', ')}]`;
  if (v === null) return 'None';
  return String(v);
}

/**
 * torchvision's transforms.v2.Transform: the base class of your own v2 transforms. `t.call(...inputs)`
 * (Python's `t(*inputs)`) runs forward, which flattens the sample (an image, several arguments, arrays,
 * plain objects, nested), calls checkInputs on every leaf, makeParams once on the leaves it transforms,
 * and then transform(leaf, params) on each of them; the other leaves come back as they are. Which
 * leaves: those matching transformedTypes (tensors, tv_tensors and vision.Images by default), a plain
 * tensor only when the sample holds no image or video (vision.Image, tv_tensors.Image/Video), and then
 * only the first (needsTransformList). Override transform (and makeParams, checkInputs,
 * transformedTypes), not forward.
 */
export class Transform<P = Record<string, unknown>> extends Transform_ {
  /** Ordinary instanceof, and for v2.Transform itself also the built-in v2 classes (branded: they extend v1's). */
  static override [Symbol.hasInstance](inpt: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, inpt)) return true;
    return this === Transform && typeof inpt === 'object' && inpt !== null && V2_BUILT_IN in inpt;
  }

  /** Which leaves are transformed (torchvision's _transformed_types): classes or predicates; the rest pass through. */
  transformedTypes: readonly TypeOrCheck[] = [TensorClass, Image];

  /** torchvision's check_inputs: called with every leaf of the sample before anything is drawn; throw to refuse a sample. */
  checkInputs(flatInputs: unknown[]): void { void flatInputs; }

  /** torchvision's make_params: the parameters drawn once per call for all the leaves it transforms (those leaves are given). */
  makeParams(flatInputs: unknown[]): P { void flatInputs; return {} as P; }

  /** torchvision's transform: one leaf with the parameters. */
  transform(inpt: any, params: P): unknown {
    void inpt; void params;
    throw new Error(`${this.constructor.name}: transform(inpt, params) is not implemented: a v2.Transform subclass overrides it`);
  }

  /** torchvision's _needs_transform_list: which of the leaves transform() is called on. */
  needsTransformList(flatInputs: readonly unknown[]): boolean[] {
    return needsTransformList(flatInputs, (leaf) => checkType(leaf, this.transformedTypes));
  }

  /** torchvision's Transform.forward: the sample flattened, checked, the parameters drawn once, each leaf that needs it transformed. */
  override forward(...inputs: unknown[]): any {
    if (inputs.length === 0) throw new TypeError(`${this.constructor.name}: expected a sample (one or more inputs), got none`);
    return v2Forward<P>(inputs, {
      check: (leaves) => this.checkInputs([...leaves]),
      needs: (leaves) => this.needsTransformList([...leaves]),  // a subclass may override it, as torchvision's _needs_transform_list
      makeParams: (leaves) => this.makeParams([...leaves]),
      transform: (leaf, _kind, params) => this.transform(leaf, params),
    });
  }

  /** Python's `t(*inputs)`: forward on the sample. */
  override call(...inputs: unknown[]): any { return this.forward(...inputs); }

  /**
   * torchvision's _call_kernel: `functional(inpt, ...args)` where that v2.functional function has a
   * kernel for the leaf's type (a plain tensor, a vision.Image, a tv_tensors kind), else the leaf as it
   * is (a Mask given to adjustBrightness passes through, as torchvision's dispatch passes it). The result
   * keeps the leaf's tv_tensor kind.
   */
  protected callKernel<Fn extends (inpt: any, ...args: any[]) => unknown>(functional: Fn, inpt: unknown, ...args: KernelArgs<Fn>): any {
    if (typeof functional !== 'function') throw new TypeError(`callKernel: functional must be a v2.functional function, got ${describe(functional)}`);
    if (kernelLookup === null) throw new Error('callKernel: v2.functional is not loaded');
    if (!kernelLookup(functional, inpt)) return inpt;
    const out = functional(inpt, ...(args as unknown[]));  // an image stays an image, a video a video, a mask a mask (torchvision's tv_tensors.wrap)
    return Array.isArray(out) ? out.map((o) => keepKind(inpt, o)) : keepKind(inpt, out);
  }

  /** torchvision's extra_repr: the own properties whose values are booleans, numbers, strings or arrays, `name=value`. */
  extraRepr(): string {
    return Object.entries(this)
      .filter(([k, v]) => !k.startsWith('_') && k !== 'workerArgs' && k !== 'transformedTypes' && k !== 'training' &&
        (['boolean', 'number', 'string'].includes(typeof v) || Array.isArray(v)))
      .map(([k, v]) => `${k}=${pyStr(v)}`).join(', ');
  }

  override toString(): string { return `${this.constructor.name}(${this.extraRepr()})`; }
}
