// transforms.v2.MixUp and CutMix: batch-level mixing of an image batch (N, C, H, W) and its labels,
// with lambda drawn from Beta(alpha, alpha) the way torch.distributions.Beta samples it (the aten
// Dirichlet sampler on the default generator), so a seed gives Python's batches.
import * as torch from '../../../index.js';
import { float, v2Repr } from '../_repr.js';
import type { Tensor } from '../../../tensor.js';
import { isTensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, signature } from '../../../nn/functional/_signature.js';
import { treeLeaves, withLeaves, isTreeNode } from '../../../pytree.js';
import { Image } from '../../image.js';
import { imageLeafIndexes, isImageLeaf, markImage, sampleOf, V2BuiltIn } from './_transform.js';
import { kindOf } from '../../tv_tensors.js';

type LabelsGetter = 'default' | ((sample: unknown) => unknown);
export interface MixOptions {
  /** Beta(alpha, alpha)'s parameter. Default 1. */
  alpha?: number;
  /** Needed when the labels are class indexes (N,); checked against (N, numClasses) labels. */
  numClasses?: number | null;
  /** Where the labels are: 'default' (the second part of the sample, or a 'labels' key) or a function of the sample. */
  labelsGetter?: LabelsGetter;
}

// torchvision's _find_labels_default_heuristic.
function defaultLabels(sample: unknown): unknown {
  let inputs = sample;
  if (Array.isArray(inputs)) inputs = inputs[1];
  if (isTensor(inputs)) return inputs;
  if (!isTreeNode(inputs) || Array.isArray(inputs)) {
    throw new TypeError('When using the default labels_getter, the input passed to forward must be a dictionary or a two-tuple whose second item is a dictionary or a tensor, ' +
      `but got ${describe(inputs)} instead.`);
  }
  const keys = Object.keys(inputs);
  const key = keys.find((k) => k.toLowerCase() === 'labels') ?? keys.find((k) => k.toLowerCase().includes('label'));
  if (key === undefined) throw new TypeError(`Could not infer where the labels are in the sample. Try passing a callable as the labels_getter parameter? Keys: [${keys.join(', ')}]`);
  return (inputs as Record<string, unknown>)[key];
}

abstract class MixBase extends V2BuiltIn {
  readonly alpha: number;
  readonly numClasses: number | null;
  private readonly labelsGetter: LabelsGetter;

  constructor(fn: string, args: unknown[]) {
    super();
    const [alpha, numClasses, labelsGetter] = bind(signature(fn, { alpha: 1.0, numClasses: null, labelsGetter: 'default' }), args);
    if (typeof alpha !== 'number' || !(alpha > 0)) throw new RangeError(`${fn}: alpha must be a positive number, got ${describe(alpha)}`);
    if (numClasses !== null && !(Number.isInteger(numClasses) && (numClasses as number) >= 1)) throw new TypeError(`${fn}: numClasses must be a positive integer or null, got ${describe(numClasses)}`);
    if (labelsGetter !== 'default' && typeof labelsGetter !== 'function') throw new TypeError(`${fn}: labelsGetter must be 'default' or a function, got ${describe(labelsGetter)}`);
    this.alpha = alpha;
    this.numClasses = numClasses as number | null;
    this.labelsGetter = labelsGetter as LabelsGetter;
    this.workerArgs = typeof labelsGetter === 'function' ? null : [{ alpha, numClasses, labelsGetter }];
  }

  /** float(Beta(alpha, alpha).sample(())): the first component of a Dirichlet([alpha, alpha]) draw. */
  protected lambda(): number {
    return torch.tidy(() => (torch.ops.aten._sample_dirichlet(torch.full([1, 2], this.alpha, { dtype: torch.float32 })) as Tensor).index(0, 0).item());
  }

  protected abstract params(height: number, width: number): { lam: number; box?: [number, number, number, number] };
  protected abstract mixImages(images: Tensor, p: { lam: number; box?: [number, number, number, number] }): Tensor;

  forward(x: unknown): unknown { return this.call(x); }

  override call(...inputs: unknown[]): any {
    const name = this.constructor.name;
    const sample = sampleOf(inputs);
    const leaves = treeLeaves(sample);
    if (leaves.some((l) => l instanceof Image || ['BoundingBoxes', 'Mask', 'KeyPoints'].includes(kindOf(l)!))) throw new TypeError(`${name}() does not support PIL images, bounding boxes, keypoints and masks.`);
    const labels = this.labelsGetter === 'default' ? defaultLabels(sample) : this.labelsGetter(sample);
    if (!isTensor(labels)) throw new TypeError(`The labels must be a tensor, but got ${describe(labels)} instead.`);
    if (labels.dim() !== 1 && labels.dim() !== 2) {
      throw new RangeError(`labels should be index based with shape (batch_size,) or probability based with shape (batch_size, num_classes), but got a tensor of shape [${labels.shape.join(', ')}] instead.`);
    }
    if (labels.dim() === 2 && this.numClasses !== null && labels.size(-1) !== this.numClasses) {
      throw new RangeError(`When passing 2D labels, the number of elements in last dimension must match num_classes: ${labels.size(-1)} != ${this.numClasses}. You can Leave num_classes to None.`);
    }
    if (labels.dim() === 1 && this.numClasses === null) throw new TypeError('num_classes must be passed if the labels are index-based (1D)');
    const batchSize = labels.size(0);
    const imageIndexes = imageLeafIndexes(leaves).filter((i) => leaves[i] !== labels);
    const image = imageIndexes.length > 0 ? (leaves[imageIndexes[0]!] as Tensor) : null;
    const p = this.params(image ? image.size(-2) : 0, image ? image.size(-1) : 0);
    const out = leaves.map((leaf, i) => {
      if (leaf === labels) return this.mixLabels(labels, p.lam);
      if (i !== imageIndexes[0]) return leaf;
      const img = leaf as Tensor;
      if (img.dim() !== 4) throw new RangeError(`Expected a batched input with 4 dims, but got ${img.dim()} dimensions instead.`);
      if (img.size(0) !== batchSize) throw new RangeError(`The batch size of the image or video does not match the batch size of the labels: ${img.size(0)} != ${batchSize}.`);
      const mixed = this.mixImages(img, p);
      return isImageLeaf(img) ? markImage(mixed) : mixed;
    });
    return withLeaves(sample, out);
  }

  /** _mixup_label: one-hot (float) labels, rolled by one and blended with weight lam. */
  private mixLabels(label: Tensor, lam: number): Tensor {
    return torch.tidy(() => {
      let l = label.dim() === 1 ? torch.nn.functional.oneHot(label, this.numClasses!) : label;
      if (!l.isFloatingPoint()) l = l.float();
      return l.roll(1, 0).mul_(1.0 - lam).add_(l.mul(lam));
    });
  }

  override toString(): string {
    return v2Repr(this.constructor.name, { alpha: float(this.alpha), num_classes: this.numClasses });  // v2 keeps float(alpha)
  }
}

/** MixUp: images and labels blended with the batch rolled by one, by lam ~ Beta(alpha, alpha). */
export class MixUp extends MixBase {
  static readonly sourceModule = import.meta.url;
  constructor(options?: MixOptions);
  constructor(...args: unknown[]) { super('MixUp', args); }
  protected params(): { lam: number } { return { lam: this.lambda() }; }
  protected mixImages(images: Tensor, { lam }: { lam: number }): Tensor {
    return torch.tidy(() => images.roll(1, 0).mul_(1.0 - lam).add_(images.mul(lam)));
  }
}

/** CutMix: a box of each image replaced by the rolled batch's, labels blended by the box's area. */
export class CutMix extends MixBase {
  static readonly sourceModule = import.meta.url;
  constructor(options?: MixOptions);
  constructor(...args: unknown[]) { super('CutMix', args); }
  protected params(height: number, width: number): { lam: number; box: [number, number, number, number] } {
    const lam = this.lambda();
    const [rx, ry] = torch.tidy(() => [torch.randint(width, [1]).item(), torch.randint(height, [1]).item()]);
    const r = 0.5 * Math.sqrt(1.0 - lam);
    const rw = Math.trunc(r * width), rh = Math.trunc(r * height);
    const x1 = Math.max(rx - rw, 0), y1 = Math.max(ry - rh, 0);
    const x2 = Math.min(rx + rw, width), y2 = Math.min(ry + rh, height);
    return { lam: 1.0 - ((x2 - x1) * (y2 - y1)) / (width * height), box: [x1, y1, x2, y2] };
  }
  protected mixImages(images: Tensor, { box }: { box?: [number, number, number, number] }): Tensor {
    const [x1, y1, x2, y2] = box!;
    return torch.tidy(() => {
      const out = images.clone();
      out.index('...', `${y1}:${y2}`, `${x1}:${x2}`).copy_(images.roll(1, 0).index('...', `${y1}:${y2}`, `${x1}:${x2}`));
      return out;
    });
  }
}
