// v2's calling convention: `t.call(...inputs)` takes any sample (an image, `img, label`, `[img, label]`,
// `{ image, label }`); the image in it is transformed and every other leaf passes through, as
// torchvision.transforms.v2.Transform does. Which leaf is the image follows v2's rule: the
// vision.Image (v2's PIL image) or a tensor ToImage made (v2's tv_tensors.Image) if there is one,
// else the first tensor.
import { isTensor } from '../../../tensor.js';
import { treeLeaves, withLeaves } from '../../../pytree.js';
import { Image } from '../../image.js';
import { applyTransform, type Transform, type TransformLike } from '../transform.js';

/** The sample of a v2 call: one argument as it is, several as an array (Python's tuple). */
export const sampleOf = (inputs: readonly unknown[]): unknown => (inputs.length === 1 ? inputs[0] : [...inputs]);

// Tensors v2 treats as images wherever they are in a sample (its tv_tensors.Image): what ToImage
// returns, and what the transforms make of those.
const imageTensors = new WeakSet<object>();

/** Marks a tensor as an image (tv_tensors.Image); returns it. */
export function markImage<T>(t: T): T {
  if (isTensor(t)) imageTensors.add(t);
  return t;
}

/** Whether a leaf is an image in its own right: a vision.Image or a marked tensor. */
export const isImageLeaf = (leaf: unknown): boolean => leaf instanceof Image || (isTensor(leaf) && imageTensors.has(leaf));

/** The indexes of the leaves v2 transforms as images: every vision.Image and marked tensor, else the first tensor. */
export function imageLeafIndexes(leaves: readonly unknown[]): number[] {
  const images = leaves.flatMap((leaf, i) => (isImageLeaf(leaf) ? [i] : []));
  if (images.length > 0) return images;
  const first = leaves.findIndex((leaf) => isTensor(leaf));
  return first < 0 ? [] : [first];
}

/**
 * The sample with `fn` applied to its image. A sample without an image comes back as it is. Several
 * vision.Images in one sample would need one draw of the random parameters shared by all of them,
 * which these transforms do not have: an Error says so.
 */
export function onImage(owner: string, inputs: readonly unknown[], fn: (image: any) => unknown): unknown {
  const sample = sampleOf(inputs);
  const leaves = treeLeaves(sample);
  const indexes = imageLeafIndexes(leaves);
  if (indexes.length === 0) return sample;
  if (indexes.length > 1) throw new TypeError(`${owner}: the sample holds ${indexes.length} images; transforms.v2 here transforms one image per sample`);
  const out = [...leaves];
  const image = leaves[indexes[0]!];
  out[indexes[0]!] = fn(image);
  if (isImageLeaf(image) && isTensor(image)) markImage(out[indexes[0]!]);  // an image stays an image (tv_tensors.wrap)
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

/** A v1 transform class with v2's calling convention (its forward is applied to the sample's image). */
export function v2Of<C extends abstract new (...args: any[]) => Transform>(Base: C): (abstract new (...args: any[]) => V2Call) & C {
  abstract class V2Transform extends Base {
    override call(...inputs: unknown[]): any {
      return onImage(this.constructor.name, inputs, (image) => this.forward(image));
    }
  }
  return V2Transform;
}
