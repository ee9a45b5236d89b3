// transforms.v2's transforms for bounding boxes and keypoints: ConvertBoundingBoxFormat,
// ClampBoundingBoxes, SanitizeBoundingBoxes, RandomIoUCrop (SSD's crop), ClampKeyPoints and
// SanitizeKeyPoints, ported from torchvision 0.28 with its draws.
import * as torch from '../../../index.js';
import { asGiven, copied, float, v2Repr } from '../_repr.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { treeLeaves, withLeaves } from '../../../pytree.js';
import { Image } from '../../image.js';
import { boxesMeta, isPureTensor, keyPointsCanvasSize, kindOf, toBoundingBoxFormat, wrap, type BoundingBoxFormat, type ClampingMode } from '../../tv_tensors.js';
import { randint1 } from '../_random.js';
import * as F from './functional.js';
import { boxIou, convertFormat, sanitizeBoundingBoxesMask, sanitizeKeypointsMask } from './_geometry.js';

export { sanitizeBoundingBoxesMask };
import { checkNoArguments, querySize, sampleOf, V2BuiltIn, v2Forward } from './_transform.js';
import { pySize } from '../../../dtype.js';

const isBoxes = (leaf: unknown): boolean => kindOf(leaf) === 'BoundingBoxes';
const isKeyPoints = (leaf: unknown): boolean => kindOf(leaf) === 'KeyPoints';

/** Converts the sample's boxes to `format` (unrotated to 'XYXY', 'XYWH' or 'CXCYWH'; rotated to 'XYWHR', 'CXCYWHR' or 'XYXYXYXY'); everything else passes through. */
export class ConvertBoundingBoxFormat extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly format: BoundingBoxFormat;
  constructor(format: BoundingBoxFormat | string | { format: BoundingBoxFormat | string });
  constructor(...args: unknown[]) {
    super();
    const [format] = bind(signature('ConvertBoundingBoxFormat', { format: undefined }), args);
    this.format = toBoundingBoxFormat(format, 'ConvertBoundingBoxFormat');
    this.workerArgs = [this.format];
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { accepts: isBoxes, transform: (b: Tensor) => F.convertBoundingBoxFormat(b, null, this.format) }); }
  override toString(): string { return `ConvertBoundingBoxFormat(format=${this.format})`; }
}

/** Clamps the sample's boxes to their canvas ('auto': each box set's own clamping mode). */
export class ClampBoundingBoxes extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly clampingMode: ClampingMode | 'auto';
  constructor(...args: PyArgs<[clampingMode: ClampingMode | 'auto'], { clampingMode?: ClampingMode | 'auto' }>);
  constructor(...args: unknown[]) {
    super();
    const [mode] = bind(signature('ClampBoundingBoxes', { clampingMode: 'auto' }), args);
    if (mode !== null && mode !== 'soft' && mode !== 'hard' && mode !== 'auto') throw new RangeError(`ClampBoundingBoxes: clamping_mode must be soft, hard, auto or None, got ${describe(mode)}`);
    this.clampingMode = mode as ClampingMode | 'auto';
    this.workerArgs = [this.clampingMode];
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { accepts: isBoxes, transform: (b: Tensor) => F.clampBoundingBoxes(b, null, null, this.clampingMode) }); }
  override toString(): string { return `ClampBoundingBoxes(clamping_mode=${this.clampingMode === null ? 'None' : this.clampingMode})`; }
}

/** Sets the clamping mode ('soft', 'hard' or null) of the sample's boxes for the transforms after it (torchvision's SetClampingMode: the boxes are copied). */
export class SetClampingMode extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly clampingMode: ClampingMode;
  constructor(clampingMode: ClampingMode | { clampingMode: ClampingMode });
  constructor(...args: unknown[]) {
    super();
    const [mode] = bind(signature('SetClampingMode', { clampingMode: undefined }), args);
    if (mode !== null && mode !== 'soft' && mode !== 'hard') throw new RangeError(`SetClampingMode: clamping_mode must be soft, hard or None, got ${typeof mode === 'string' ? mode : describe(mode)}`);
    this.clampingMode = mode;
    this.workerArgs = [this.clampingMode];
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { accepts: isBoxes, transform: (b: Tensor) => wrap(b.clone(), { like: b, clampingMode: this.clampingMode }) }); }
  override toString(): string { return this.clampingMode === null ? 'SetClampingMode()' : `SetClampingMode(clamping_mode=${this.clampingMode})`; }
}

/** Ends the transform with a keypoints' clamp to their canvas: x into [0, W - 1], y into [0, H - 1] (torchvision's ClampKeyPoints). */
export class ClampKeyPoints extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  constructor() { super(); checkNoArguments(new.target.name, arguments.length); this.workerArgs = []; }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { accepts: isKeyPoints, transform: (k: Tensor) => F.clampKeypoints(k) }); }
  override toString(): string { return 'ClampKeyPoints()'; }
}

/** torchvision's _find_labels_default_heuristic: a dict's (or a pair's second item's) 'labels' key, else a key containing 'label'. */
function defaultLabelsGetter(owner: string, sample: unknown): unknown {
  let inputs = sample;
  if (Array.isArray(inputs)) inputs = inputs[1];
  if (isPureTensor(inputs)) return inputs;
  if (inputs === null || typeof inputs !== 'object' || isTensor(inputs) || inputs instanceof Image || Array.isArray(inputs)) {
    throw new TypeError(`${owner}: When using the default labels_getter, the input passed to forward must be a dictionary or a two-tuple whose second item is a dictionary or a tensor, but got ${describe(inputs)} instead.`);
  }
  const keys = Object.keys(inputs);
  const key = keys.find((k) => k.toLowerCase() === 'labels') ?? keys.find((k) => k.toLowerCase().includes('label'));
  if (key === undefined) throw new RangeError(`${owner}: Could not infer where the labels are in the sample. Try passing a callable as the labels_getter parameter? If there are no labels in the sample by design, pass labels_getter=None.`);
  return (inputs as Record<string, unknown>)[key];
}

type LabelsGetter = 'default' | ((sample: any) => unknown) | null;

/** torchvision's _parse_labels_getter: 'default', a function or null, else an Error. */
function checkLabelsGetter(owner: string, labelsGetter: unknown): LabelsGetter {
  if (labelsGetter !== 'default' && labelsGetter !== null && typeof labelsGetter !== 'function') {
    throw new TypeError(`${owner}: labels_getter should either be 'default', a callable, or None, but got ${describe(labelsGetter)}.`);
  }
  return labelsGetter as LabelsGetter;
}

/** The tensors `labelsGetter` finds in the sample (a tensor or a list of them), or null for none. */
function labelsOf(owner: string, labelsGetter: LabelsGetter, sample: unknown): Tensor[] | null {
  const got = labelsGetter === 'default' ? defaultLabelsGetter(owner, sample) : labelsGetter === null ? null : labelsGetter(sample);
  if (got === null || got === undefined) return null;
  const msg = (v: unknown) => `${owner}: The labels in the input to forward() must be a tensor or None, got ${describe(v)} instead.`;
  if (isTensor(got)) return [got];
  if (!Array.isArray(got)) throw new TypeError(msg(got));
  for (const e of got) if (!isTensor(e)) throw new TypeError(msg(e));
  return got as Tensor[];
}

/** What the Sanitize transforms start from: the sample's leaves, its labels, and its first leaf `is` picks (or `missing` as an Error). */
function sanitizeInputs(owner: string, labelsGetter: LabelsGetter, inputs: unknown[], is: (leaf: unknown) => boolean, missing: string): { sample: unknown; leaves: unknown[]; labels: Tensor[] | null; target: Tensor } {
  const sample = sampleOf(inputs);
  const labels = labelsOf(owner, labelsGetter, sample);
  const leaves = treeLeaves(sample);
  const target = leaves.find(is) as Tensor | undefined;
  if (target === undefined) throw new RangeError(`${owner}: ${missing}`);
  return { sample, leaves, labels, target };
}

/** labels_getter as v2's repr shows it: the string 'default'; a function or None is left out. */
const labelsGetterRepr = (g: LabelsGetter): string | undefined => (typeof g === 'string' ? g : undefined);

const SANITIZE_BOXES = signature('SanitizeBoundingBoxes', { minSize: 1.0, minArea: 1.0, labelsGetter: 'default' });

/**
 * Removes degenerate boxes (narrower or lower than minSize, smaller than minArea, outside the canvas)
 * and, with them, the matching rows of the labels (labelsGetter: 'default' finds a 'labels' key, a
 * function returns a tensor or a list of them, null only boxes) and of per-instance masks ([N, H, W]).
 */
export class SanitizeBoundingBoxes extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly minSize: number;
  readonly minArea: number;
  readonly labelsGetter: LabelsGetter;
  constructor(...args: PyArgs<[minSize: number, minArea: number, labelsGetter: LabelsGetter], { minSize?: number; minArea?: number; labelsGetter?: LabelsGetter }>);
  constructor(...args: unknown[]) {
    super();
    const [minSize, minArea, labelsGetter] = bind(SANITIZE_BOXES, args) as [number, number, unknown];
    if (typeof minSize !== 'number' || minSize < 1) throw new RangeError(`SanitizeBoundingBoxes: min_size must be >= 1, got ${typeof minSize === 'number' ? String(minSize) : describe(minSize)}.`);
    if (typeof minArea !== 'number' || minArea < 1) throw new RangeError(`SanitizeBoundingBoxes: min_area must be >= 1, got ${typeof minArea === 'number' ? String(minArea) : describe(minArea)}.`);
    this.minSize = minSize;
    this.minArea = minArea;
    this.labelsGetter = checkLabelsGetter('SanitizeBoundingBoxes', labelsGetter);
    this.workerArgs = typeof labelsGetter === 'function' ? null : [minSize, minArea, labelsGetter];
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    const { sample, leaves, labels, target: boxes } = sanitizeInputs('SanitizeBoundingBoxes', this.labelsGetter, inputs, isBoxes, 'No bounding boxes were found in the sample');
    for (const l of labels ?? []) {
      if (l.dim() === 0 || boxes.size(0) !== l.size(0)) throw new RangeError(`SanitizeBoundingBoxes: Number of boxes (shape=[${boxes.shape.join(', ')}]) and must match the number of labels. Found labels with shape=[${l.shape.join(', ')}]).`);
    }
    const meta = boxesMeta(boxes);
    const valid = sanitizeBoundingBoxesMask(boxes, meta.format, meta.canvasSize, this.minSize, this.minArea);
    const n = valid.size(0);
    // boxes and per-instance masks; a leaf of another length (a semantic [H, W] mask) passes through, as torchvision's IndexError lets it
    const indexed = (leaf: unknown): boolean => (kindOf(leaf) === 'BoundingBoxes' || kindOf(leaf) === 'Mask') && (leaf as Tensor).dim() > 0 && (leaf as Tensor).size(0) === n;
    return keepRows(sample, leaves, labels, valid, indexed);
  }
  override toString(): string {
    // v2's repr shows labels_getter only as the string 'default' (a function or None is left out)
    return v2Repr('SanitizeBoundingBoxes', { min_size: asGiven(SANITIZE_BOXES, 'minSize', this.minSize), min_area: asGiven(SANITIZE_BOXES, 'minArea', this.minArea), labels_getter: labelsGetterRepr(this.labelsGetter) });
  }
}

/** The sample with the labels and every `indexed` leaf cut to the rows `valid` keeps (tv_tensors stay what they were); `valid` is freed. */
function keepRows(sample: unknown, leaves: readonly unknown[], labels: readonly Tensor[] | null, valid: Tensor, indexed: (leaf: unknown) => boolean): unknown {
  try {
    return withLeaves(sample, leaves.map((leaf) => {
      const isLabel = labels !== null && labels.some((l) => l === leaf);
      if (!isLabel && !indexed(leaf)) return leaf;
      const kept = (leaf as Tensor).index(valid);
      return isLabel ? kept : wrap(kept, { like: leaf as Tensor });
    }));
  } finally {
    valid.dispose();
  }
}

/**
 * Removes the keypoints outside their canvas ([0, W) x [0, H)): of [N, ..., 2] keypoints, the groups
 * (polygons, skeletons) with any point outside; with them, the matching rows of the labels
 * (labelsGetter: null, the default, only keypoints; 'default' finds a 'labels' key; a function
 * returns a tensor or a list of them).
 */
export class SanitizeKeyPoints extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly labelsGetter: LabelsGetter;
  constructor(...args: PyArgs<[labelsGetter: LabelsGetter], { labelsGetter?: LabelsGetter }>);
  constructor(...args: unknown[]) {
    super();
    const [labelsGetter] = bind(signature('SanitizeKeyPoints', { labelsGetter: null }), args);
    this.labelsGetter = checkLabelsGetter('SanitizeKeyPoints', labelsGetter);
    this.workerArgs = typeof labelsGetter === 'function' ? null : [labelsGetter];
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    const { sample, leaves, labels, target: points } = sanitizeInputs('SanitizeKeyPoints', this.labelsGetter, inputs, isKeyPoints, 'No keypoints were found in the sample');
    const size = (t: Tensor) => `${pySize(t.shape)}`;
    for (const l of labels ?? []) {
      if (l.dim() === 0 || points.size(0) !== l.size(0)) throw new RangeError(`SanitizeKeyPoints: Number of kepyoints (shape=${size(points)}) must match the number of labels.Found labels with shape=${size(l)}).`);
    }
    return keepRows(sample, leaves, labels, sanitizeKeypointsMask(points, keyPointsCanvasSize(points)), isKeyPoints);
  }
  override toString(): string { return v2Repr('SanitizeKeyPoints', { labels_getter: labelsGetterRepr(this.labelsGetter) }); }
}

interface IoUCropParams { top: number; left: number; height: number; width: number; isWithinCropArea: Tensor }

const IOU_CROP = signature('RandomIoUCrop', { minScale: 0.3, maxScale: 1.0, minAspectRatio: 0.5, maxAspectRatio: 2.0, samplerOptions: null, trials: 40 });

/**
 * SSD's random IoU crop: a minimum IoU drawn from samplerOptions (1.0 or more: no crop), then up to
 * `trials` crops drawn until one keeps a box center inside with that IoU. Boxes whose centers fall
 * outside are zeroed (degenerate): follow with SanitizeBoundingBoxes. Needs an image and boxes.
 */
export class RandomIoUCrop extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly minScale: number;
  readonly maxScale: number;
  readonly minAspectRatio: number;
  readonly maxAspectRatio: number;
  readonly options: number[];
  readonly trials: number;
  readonly #optionsGiven: boolean;
  constructor(...args: PyArgs<[minScale: number, maxScale: number, minAspectRatio: number, maxAspectRatio: number, samplerOptions: readonly number[] | null, trials: number],
    { minScale?: number; maxScale?: number; minAspectRatio?: number; maxAspectRatio?: number; samplerOptions?: readonly number[] | null; trials?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [minScale, maxScale, minAr, maxAr, sampler, trials] = bind(IOU_CROP, args) as unknown[];
    for (const [name, v] of [['min_scale', minScale], ['max_scale', maxScale], ['min_aspect_ratio', minAr], ['max_aspect_ratio', maxAr]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`RandomIoUCrop: ${name} must be a number, got ${describe(v)}`);
    }
    const options = sampler ?? [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0];
    if (!Array.isArray(options) || options.length === 0 || !options.every((o) => typeof o === 'number')) throw new TypeError(`RandomIoUCrop: sampler_options must be a non-empty list of numbers or null, got ${describe(sampler)}`);
    if (!Number.isInteger(trials) || (trials as number) < 0) throw new TypeError(`RandomIoUCrop: trials must be a non-negative integer, got ${describe(trials)}`);
    [this.minScale, this.maxScale, this.minAspectRatio, this.maxAspectRatio] = [minScale, maxScale, minAr, maxAr] as number[] as [number, number, number, number];
    this.options = [...options];
    this.#optionsGiven = sampler !== null;  // the default options are floats
    this.trials = trials as number;
    this.workerArgs = [this.minScale, this.maxScale, this.minAspectRatio, this.maxAspectRatio, copied(sampler), this.trials];  // null: the default options, for the repr
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    const drawn: { params: IoUCropParams | null } = { params: null };
    try {
      return this.run(inputs, drawn);
    } finally {
      drawn.params?.isWithinCropArea.dispose();
    }
  }
  private run(inputs: unknown[], drawn: { params: IoUCropParams | null }): unknown {
    return v2Forward<IoUCropParams | null>(inputs, {
      check: (leaves) => {
        if (!(leaves.some(isBoxes) && leaves.some((l) => l instanceof Image || kindOf(l) === 'Image' || isPureTensor(l)))) {
          throw new TypeError('RandomIoUCrop() requires input sample to contain tensor or PIL images and bounding boxes. Sample can also contain masks.');
        }
      },
      makeParams: (leaves) => (drawn.params = this.params(leaves)),
      transform: (x, kind, p) => {
        if (p === null) return x;
        const out = F.crop(x, p.top, p.left, p.height, p.width);
        if (kind === 'BoundingBoxes') torch.tidy(() => { (out as Tensor).indexPut_([p.isWithinCropArea.logicalNot()], 0); });
        return out;
      },
    });
  }
  private params(leaves: readonly unknown[]): IoUCropParams | null {
    const [origH, origW] = querySize(leaves);
    const bboxes = leaves.find(isBoxes) as Tensor | undefined;
    if (bboxes === undefined) throw new RangeError('RandomIoUCrop: No bounding boxes were found in the sample');
    const { format } = boxesMeta(bboxes);
    for (;;) {
      const minJaccard = this.options[randint1(0, this.options.length)]!;
      if (minJaccard >= 1.0) return null;  // the leave-as-is option
      for (let trial = 0; trial < this.trials; trial++) {
        const found = torch.tidy(() => {
          const r = torch.rand(2).mul(this.maxScale - this.minScale).add(this.minScale);
          const newW = Math.trunc(r.index(0).mul(origW).item());
          const newH = Math.trunc(r.index(1).mul(origH).item());
          if (newH === 0) throw new RangeError('RandomIoUCrop: a crop of height 0 was drawn (division by zero in the aspect ratio, as in Python): the image is too small for min_scale');
          const aspect = newW / newH;
          if (!(this.minAspectRatio <= aspect && aspect <= this.maxAspectRatio)) return null;
          const r2 = torch.rand(2);
          const left = Math.trunc(r2.index(0).mul(origW - newW).item());
          const top = Math.trunc(r2.index(1).mul(origH - newH).item());
          const [right, bottom] = [left + newW, top + newH];
          if (left === right || top === bottom) return null;
          const xyxy = convertFormat(bboxes, format, 'XYXY');
          const cx = xyxy.index('...', 0).add(xyxy.index('...', 2)).mul(0.5);
          const cy = xyxy.index('...', 1).add(xyxy.index('...', 3)).mul(0.5);
          const within = cx.gt(left).logicalAnd(cx.lt(right)).logicalAnd(cy.gt(top)).logicalAnd(cy.lt(bottom));
          if (!(within.any().item<boolean>())) return null;
          const ious = boxIou(xyxy.index(within), torch.tensor([[left, top, right, bottom]], { dtype: xyxy.dtype, device: xyxy.device }));
          if (ious.max().lt(minJaccard).item<boolean>()) return null;
          return { top, left, height: newH, width: newW, isWithinCropArea: within };
        });
        if (found !== null) return found;
      }
    }
  }
  override toString(): string {
    const f = (name: string, v: number): unknown => asGiven(IOU_CROP, name, v);
    return v2Repr('RandomIoUCrop', {
      min_scale: f('minScale', this.minScale), max_scale: f('maxScale', this.maxScale), min_aspect_ratio: f('minAspectRatio', this.minAspectRatio),
      max_aspect_ratio: f('maxAspectRatio', this.maxAspectRatio), options: this.#optionsGiven ? this.options : float(this.options), trials: this.trials,
    });
  }
}
