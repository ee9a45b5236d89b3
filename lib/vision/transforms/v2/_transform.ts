// v2's calling convention: `t.call(...inputs)` takes any sample (an image, `img, label`, `[img, label]`,
// `{ image, boxes, masks, labels }`). Which plain tensor is the image follows v2's rule: with a
// vision.Image (v2's PIL image) or a tv_tensors Image/Video in the sample, no plain tensor is; else
// the first plain tensor is. The transforms with box and mask kernels run as torchvision's
// Transform.forward (v2Forward): check the leaves, draw the parameters once, then transform every
// image, video, mask and box leaf with them; the others (v2Of) transform the one image and pass the
// other leaves through, refusing boxes and masks where they are geometric.
import { isTensor } from '../../../tensor.js';
import { treeLeaves, withLeaves } from '../../../pytree.js';
import { Image } from '../../image.js';
import { applyTransform, type Transform, type TransformLike } from '../transform.js';
import type { Tensor } from '../../../tensor.js';
import { boxesMeta, isPureTensor, keyPointsCanvasSize, kindOf, markAs } from '../../tv_tensors.js';
import { getDimensions, type ImageLike } from '../functional.js';
import { rand1 } from '../_random.js';
import { warn } from '../../../warnings.js';

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
  if (s.length < 2) throw new TypeError(`get_size: expected a tensor of at least 2 dimensions, got ${s.length}`);
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
  if (dims.size > 1) throw new RangeError(`Found multiple CxHxW dimensions in the sample: ${[...dims.values()].map((d) => `(${d.join(', ')})`).join(', ')}`);
  return [...dims.values()][0]!;
}

/** `out` marked as the same tv_tensor kind as `inpt` where that is an Image, Video or Mask (kernels that do not dispatch). */
export function keepKind<T>(inpt: unknown, out: T): T {
  const k = kindOf(inpt);
  if (isTensor(out) && (k === 'Image' || k === 'Video' || k === 'Mask')) markAs(out, k);
  return out;
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
  const needs = needsTransformList(leaves, k.accepts);
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

/**
 * A v1 transform class with v2's calling convention (its forward is applied to the sample's image;
 * masks and boxes pass through, as v2's photometric transforms pass them; with `refuse`, a geometric
 * transform whose box and mask kernels are not ported, a sample holding them is an Error).
 */
export function v2Of<C extends abstract new (...args: any[]) => Transform>(Base: C, refuse = false): (abstract new (...args: any[]) => V2Call) & C {
  abstract class V2Transform extends Base {
    override call(...inputs: unknown[]): any {
      return onImage(this.constructor.name, inputs, (image) => this.forward(image), refuse);
    }
  }
  return V2Transform;
}
