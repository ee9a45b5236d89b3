// torchvision.tv_tensors: Image, Video, Mask, BoundingBoxes and KeyPoints. torchvision subclasses
// torch.Tensor; here a tv_tensor is a plain torchnode Tensor whose kind (and, for boxes, format, canvas
// size and clamping mode; for keypoints, canvas size) is recorded in a WeakMap, so every tensor operation but clone, to, detach
// and pinMemory returns a plain tensor, as torchvision's default, and `wrap(tensor, { like })` marks a result as the same kind. The
// constructors return such tensors (`new tvTensors.BoundingBoxes(data, { format, canvasSize })`),
// and `x instanceof tvTensors.BoundingBoxes` asks the WeakMap. Boxes also carry `format`,
// `canvasSize` and `clampingMode` as read-only properties, as Python's attributes; keypoints `canvasSize`.
import * as torch from '../index.js';
import { isTensor, type Tensor } from '../tensor.js';
import { describe } from '../options.js';
import { registerTensorTag } from '../data/codec.js';
import { Image as PILImage } from './image.js';
import { pilToTensor } from './transforms/functional.js';
import { pySize } from '../dtype.js';

/**
 * Coordinate formats of boxes (torchvision's BoundingBoxFormat; strings are accepted wherever it is):
 * unrotated XYXY, XYWH, CXCYWH (4 numbers a box) and rotated XYWHR, CXCYWHR (5: the angle r in degrees,
 * counter-clockwise) and XYXYXYXY (8: the four corners).
 */
export type BoundingBoxFormat = 'XYXY' | 'XYWH' | 'CXCYWH' | 'XYWHR' | 'CXCYWHR' | 'XYXYXYXY';
export const BoundingBoxFormat = Object.freeze({ XYXY: 'XYXY', XYWH: 'XYWH', CXCYWH: 'CXCYWH', XYWHR: 'XYWHR', CXCYWHR: 'CXCYWHR', XYXYXYXY: 'XYXYXYXY' } as const);
const ROTATED_FORMATS: readonly string[] = ['XYWHR', 'CXCYWHR', 'XYXYXYXY'];

/** The numbers a box of each format holds. */
export const BOX_COORDINATES: Readonly<Record<BoundingBoxFormat, number>> = Object.freeze({ XYXY: 4, XYWH: 4, CXCYWH: 4, XYWHR: 5, CXCYWHR: 5, XYXYXYXY: 8 });

/** torchvision's tv_tensors.is_rotated_bounding_format: whether `format` (a BoundingBoxFormat or its exact name) is XYWHR, CXCYWHR or XYXYXYXY. */
export function isRotatedBoundingFormat(format: BoundingBoxFormat | string): boolean {
  if (typeof format !== 'string') throw new TypeError(`format should be str or BoundingBoxFormat, got ${describe(format)}`);
  return ROTATED_FORMATS.includes(format);
}

/** What transforms do with boxes that leave the canvas: 'soft'/'hard' clamp them (the same for unrotated boxes; for rotated ones hard keeps every corner inside), null does not. */
export type ClampingMode = 'soft' | 'hard' | null;

/** The kinds of tv_tensor. */
export type TVTensorKind = 'Image' | 'Video' | 'Mask' | 'BoundingBoxes' | 'KeyPoints';

interface BoxesMeta { format: BoundingBoxFormat; canvasSize: [number, number]; clampingMode: ClampingMode }
type Meta = { kind: 'Image' | 'Video' | 'Mask' } | ({ kind: 'BoundingBoxes' } & BoxesMeta) | { kind: 'KeyPoints'; canvasSize: [number, number] };

const META = new WeakMap<object, Meta>();

/** A tensor marked as bounding boxes: Python's BoundingBoxes attributes as read-only properties. */
export interface BoundingBoxesTensor extends Tensor {
  readonly format: BoundingBoxFormat;
  readonly canvasSize: [number, number];
  readonly clampingMode: ClampingMode;
}

/** A tensor marked as keypoints ([..., 2] points (x, y)): Python's KeyPoints.canvas_size as a read-only property. */
export interface KeyPointsTensor extends Tensor {
  readonly canvasSize: [number, number];
}

/** BoundingBoxFormat from an enum value or a string in any case (Python's BoundingBoxFormat[format.upper()]). */
export function toBoundingBoxFormat(format: unknown, fn = 'BoundingBoxes'): BoundingBoxFormat {
  if (typeof format !== 'string') throw new TypeError(`${fn}: format should be a BoundingBoxFormat or a string, got ${describe(format)}`);
  const upper = format.toUpperCase();
  if (upper in BoundingBoxFormat) return upper as BoundingBoxFormat;
  throw new RangeError(`${fn}: unknown bounding box format '${format}' (expected XYXY, XYWH, CXCYWH, XYWHR, CXCYWHR or XYXYXYXY)`);
}

function checkCanvasSize(size: unknown, fn: string): [number, number] {
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new TypeError(`${fn}: canvasSize must be [height, width] (two non-negative integers), got ${describe(size)}`);
  }
  return [size[0], size[1]];
}

function checkClampingMode(mode: unknown, fn: string): ClampingMode {
  if (mode !== null && mode !== 'soft' && mode !== 'hard') throw new RangeError(`${fn}: clamping_mode must be None, hard or soft, got ${describe(mode)}.`);
  return mode;
}

const prop = (value: unknown): PropertyDescriptor => ({ value, configurable: true, enumerable: false });

/** Records `meta` for `t` (in place) and returns it. */
function mark<T extends Tensor>(t: T, meta: Meta): T {
  META.set(t, meta);
  for (const k of ['format', 'canvasSize', 'clampingMode']) {
    if (Object.prototype.hasOwnProperty.call(t, k)) delete (t as unknown as Record<string, unknown>)[k];
  }
  if (meta.kind === 'BoundingBoxes') {
    const { format, canvasSize, clampingMode } = meta;
    Object.defineProperties(t, { format: prop(format), canvasSize: prop([...canvasSize]), clampingMode: prop(clampingMode) });
  } else if (meta.kind === 'KeyPoints') {
    Object.defineProperty(t, 'canvasSize', prop([...meta.canvasSize]));
  }
  return t;
}

// A tv_tensor that a DataLoader worker returns arrives as one, as a pickled torchvision subclass does.
registerTensorTag('tvTensor', {
  read: (t) => {
    const m = META.get(t);
    return m === undefined ? undefined : { ...m, ...('canvasSize' in m ? { canvasSize: [...m.canvasSize] } : {}) };
  },
  apply: (t, record) => void mark(t, record as Meta),
});

// torchvision's _FORCE_TORCHFUNCTION_SUBCLASS: clone, to, detach and pin_memory keep the tv_tensor type and
// metadata (requires_grad_ returns the tensor itself); every other operation returns a plain tensor.
for (const name of ['clone', 'to', 'detach', 'pinMemory'] as const) {
  const original = (torch.Tensor.prototype as unknown as Record<string, unknown>)[name];
  if (typeof original !== 'function') continue;
  Object.defineProperty(torch.Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]): unknown {
      const out: unknown = original.apply(this, args);
      const meta = META.get(this);
      if (meta !== undefined && isTensor(out) && out !== this && !META.has(out)) mark(out, meta);
      return out;
    },
    writable: true,
    configurable: true,
  });
}

/** The tv_tensor kind of a value, or null for anything else (a plain tensor included). */
export function kindOf(x: unknown): TVTensorKind | null {
  return isTensor(x) ? (META.get(x)?.kind ?? null) : null;
}

/** Whether `x` is a tensor that is not a tv_tensor (torchvision's is_pure_tensor). */
export const isPureTensor = (x: unknown): x is Tensor => isTensor(x) && !META.has(x);

/** format, canvasSize and clampingMode of boxes, or a TypeError. */
export function boxesMeta(x: unknown, fn = 'boxesMeta'): BoxesMeta {
  const m = isTensor(x) ? META.get(x) : undefined;
  if (m?.kind !== 'BoundingBoxes') throw new TypeError(`${fn}: expected tv_tensors.BoundingBoxes, got ${describe(x)}`);
  return { format: m.format, canvasSize: [...m.canvasSize], clampingMode: m.clampingMode };
}

/** The canvas size of keypoints, or a TypeError. */
export function keyPointsCanvasSize(x: unknown, fn = 'keyPointsCanvasSize'): [number, number] {
  const m = isTensor(x) ? META.get(x) : undefined;
  if (m?.kind !== 'KeyPoints') throw new TypeError(`${fn}: expected tv_tensors.KeyPoints, got ${describe(x)}`);
  return [...m.canvasSize];
}

interface TensorOptions { dtype?: torch.dtype; device?: torch.DeviceLike; requiresGrad?: boolean }

/** Python's TVTensor._to_tensor: a new tensor object (an alias of a tensor given), so the caller's tensor stays plain. */
function toTensor(data: unknown, { dtype, device, requiresGrad }: TensorOptions): Tensor {
  let t: Tensor;
  if (isTensor(data)) {
    t = data;
    if (dtype !== undefined && dtype !== t.dtype) t = t.to(dtype);
    if (device !== undefined) t = t.to(typeof device === 'string' ? torch.device(device) : device);
    if (t === data) t = t.viewAs(t);
  } else {
    t = torch.tensor(data as never, { ...(dtype === undefined ? {} : { dtype }), ...(device === undefined ? {} : { device }) });
  }
  if (requiresGrad !== undefined) t.requiresGrad_(requiresGrad);
  return t;
}

const OPTION_KEYS: Record<TVTensorKind, readonly string[]> = {
  Image: ['dtype', 'device', 'requiresGrad'], Video: ['dtype', 'device', 'requiresGrad'], Mask: ['dtype', 'device', 'requiresGrad'],
  BoundingBoxes: ['format', 'canvasSize', 'clampingMode', 'dtype', 'device', 'requiresGrad'],
  KeyPoints: ['canvasSize', 'dtype', 'device', 'requiresGrad'],
};

function checkOptions(kind: TVTensorKind, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${kind}: options must be an object, got ${describe(options)}`);
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS[kind].includes(k));
  if (unknown.length > 0) throw new TypeError(`${kind}: unexpected option '${unknown[0]}' (expected ${OPTION_KEYS[kind].join(', ')})`);
  return options as Record<string, unknown>;
}

/** The constructor type of a tv_tensor class: `new` returns a marked tensor; instanceof asks the mark. */
export interface TVTensorClass<O, R extends Tensor = Tensor> {
  // options are required where some of them are (BoundingBoxes' format and canvasSize)
  new (...args: {} extends O ? [data: unknown, options?: O] : [data: unknown, options: O]): R;
  readonly kind: TVTensorKind;
}

function tvClass<O, R extends Tensor>(kind: TVTensorKind, make: (data: unknown, options: Record<string, unknown>) => R): TVTensorClass<O, R> {
  const cls = {
    [kind]: function (this: unknown, data: unknown, options?: O): R {
      if (new.target === undefined) throw new TypeError(`Class constructor ${kind} cannot be invoked without 'new'`);
      return make(data, checkOptions(kind, options));
    },
  }[kind]!;
  Object.defineProperty(cls, Symbol.hasInstance, { value: (x: unknown) => kindOf(x) === kind });
  Object.defineProperty(cls, 'kind', { value: kind });
  return cls as unknown as TVTensorClass<O, R>;
}

/** tv_tensors.Image: a [..., C, H, W] tensor (a 2-D tensor gains a channel; a vision.Image becomes its uint8 tensor). */
export const Image = tvClass<TensorOptions, Tensor>('Image', (data, options) => {
  let t = data instanceof PILImage ? pilToTensor(data) : toTensor(data, options);
  if (data instanceof PILImage && (options.dtype !== undefined || options.device !== undefined)) t = toTensor(t, options);
  if (t.dim() < 2) throw new RangeError(`Image: Tensor must be 2D or higher, got ${t.dim()}D tensor.`);
  if (t.dim() === 2) t = t.unsqueeze(0);
  return mark(t, { kind: 'Image' });
});

/** tv_tensors.Video: a [..., T, C, H, W] tensor (at least 4-D). */
export const Video = tvClass<TensorOptions, Tensor>('Video', (data, options) => {
  const t = toTensor(data, options);
  if (t.dim() < 4) throw new RangeError(`Video: expected a tensor of at least 4 dimensions [..., T, C, H, W], got ${t.dim()}D`);
  return mark(t, { kind: 'Video' });
});

/** tv_tensors.Mask: [..., H, W] (a vision.Image becomes its [C, H, W] tensor, as pil_to_tensor gives it). */
export const Mask = tvClass<TensorOptions, Tensor>('Mask', (data, options) => {
  const t = data instanceof PILImage ? torch.tidy(() => toTensor(pilToTensor(data), options)) : toTensor(data, options);
  return mark(t, { kind: 'Mask' });
});

/** The options of `new BoundingBoxes(data, options)`. */
export interface BoundingBoxesOptions extends TensorOptions {
  format: BoundingBoxFormat | Lowercase<BoundingBoxFormat>;
  canvasSize: readonly [number, number] | readonly number[];
  clampingMode?: ClampingMode;
}

function wrapBoxes(t: Tensor, format: unknown, canvasSize: unknown, clampingMode: unknown, checkDims: boolean): BoundingBoxesTensor {
  if (checkDims) {
    if (t.dim() === 1) t = t.unsqueeze(0);
    else if (t.dim() !== 2) throw new RangeError(`BoundingBoxes: Expected a 1D or 2D tensor, got ${t.dim()}D`);
  }
  const fmt = toBoundingBoxFormat(format);
  const k = BOX_COORDINATES[fmt];
  if (t.dim() > 0 && t.size(-1) !== k) throw new RangeError(`BoundingBoxes: ${fmt} boxes have ${k} coordinates, got a last dimension of ${t.size(-1)}`);
  return mark(t, { kind: 'BoundingBoxes', format: fmt, canvasSize: checkCanvasSize(canvasSize, 'BoundingBoxes'), clampingMode: checkClampingMode(clampingMode, 'BoundingBoxes') }) as BoundingBoxesTensor;
}

/** tv_tensors.BoundingBoxes: [N, K] boxes (K = 4, or 5 or 8 for the rotated formats, which must be floating point; one box [K] becomes [1, K]) in `format` on a canvas of [height, width]. */
export const BoundingBoxes = tvClass<BoundingBoxesOptions, BoundingBoxesTensor>('BoundingBoxes', (data, options) => {
  if (options.format === undefined) throw new TypeError("BoundingBoxes: missing required option 'format'");
  if (options.canvasSize === undefined) throw new TypeError("BoundingBoxes: missing required option 'canvasSize'");
  const format = toBoundingBoxFormat(options.format);
  const t = toTensor(data, options);
  let out: BoundingBoxesTensor | undefined;
  try {
    if (!t.isFloatingPoint() && isRotatedBoundingFormat(format)) throw new TypeError(`BoundingBoxes: Rotated bounding boxes should be floating point tensors, got torch.${t.dtype.name}.`);
    return (out = wrapBoxes(t, format, options.canvasSize, options.clampingMode === undefined ? 'soft' : options.clampingMode, true));
  } finally {
    if (out !== t) t.dispose();  // one box [K] became a new [1, K] view, or the checks failed: the alias is ours to free
  }
});

/** The options of `new KeyPoints(data, options)`. */
export interface KeyPointsOptions extends TensorOptions {
  canvasSize: readonly [number, number] | readonly number[];
}

/** Python's KeyPoints._wrap: with checkDims, one point [2] becomes [1, 2] and any other shape must end in 2. */
function wrapKeyPoints(t: Tensor, canvasSize: unknown, checkDims: boolean): KeyPointsTensor {
  const size = checkCanvasSize(canvasSize, 'KeyPoints');
  if (checkDims) {
    if (t.dim() === 1) t = t.unsqueeze(0);
    else if (t.dim() === 0 || t.size(-1) !== 2) throw new RangeError(`KeyPoints: Expected a tensor of shape (..., 2), not ${pySize(t.shape)}`);
  }
  return mark(t, { kind: 'KeyPoints', canvasSize: size }) as KeyPointsTensor;
}

/**
 * tv_tensors.KeyPoints: points (x, y) on a canvas of [height, width], any shape [..., 2] (points [N, 2],
 * polygons or chains [N, P, 2], skeletons [N, B, 2, 2]); one point [2] becomes [1, 2].
 */
export const KeyPoints = tvClass<KeyPointsOptions, KeyPointsTensor>('KeyPoints', (data, options) => {
  if (options.canvasSize === undefined) throw new TypeError("KeyPoints: missing required option 'canvasSize'");
  const t = toTensor(data, options);
  let out: KeyPointsTensor | undefined;
  try {
    return (out = wrapKeyPoints(t, options.canvasSize, true));
  } finally {
    if (out !== t) t.dispose();  // one point [2] became a new [1, 2] view, or the checks failed: the alias is ours to free
  }
});

/** Overrides `wrap` accepts for boxes (format, canvasSize, clampingMode) and keypoints (canvasSize). */
export interface WrapOptions { like: Tensor; format?: BoundingBoxFormat | string; canvasSize?: readonly number[]; clampingMode?: ClampingMode }

/**
 * tv_tensors.wrap: marks `tensor` as the same kind of tv_tensor as `like` (boxes: its format, canvas
 * size and clamping mode, each overridable; keypoints: its canvas size) and returns it. Python returns
 * a new tensor object sharing the data; here the tensor itself is marked (wrap `t.viewAs(t)` to keep
 * `t` plain), except a 1-D tensor wrapped as keypoints, which becomes a new [1, 2] view (Python's _wrap).
 */
export function wrap<T extends Tensor>(tensor: T, options: WrapOptions): T {
  if (!isTensor(tensor)) throw new TypeError(`wrap: expected a tensor to wrap, got ${describe(tensor)}`);
  if (options === null || typeof options !== 'object') throw new TypeError('wrap: expected { like } (the tv_tensor to copy the kind and metadata of)');
  const unknown = Object.keys(options).filter((k) => !['like', 'format', 'canvasSize', 'clampingMode'].includes(k));
  if (unknown.length > 0) throw new TypeError(`wrap: unexpected option '${unknown[0]}'`);
  const meta = isTensor(options.like) ? META.get(options.like) : undefined;
  if (meta === undefined) throw new TypeError(`wrap: like must be a tv_tensor (Image, Video, Mask, BoundingBoxes or KeyPoints), got ${describe(options.like)}`);
  if (meta.kind === 'KeyPoints') {
    if (options.format !== undefined || options.clampingMode !== undefined) throw new TypeError('wrap: format and clampingMode only apply to BoundingBoxes, not KeyPoints');
    return wrapKeyPoints(tensor, options.canvasSize ?? meta.canvasSize, true) as unknown as T;
  }
  if (meta.kind !== 'BoundingBoxes') {
    if (options.format !== undefined || options.canvasSize !== undefined || options.clampingMode !== undefined) throw new TypeError(`wrap: format, canvasSize and clampingMode only apply to BoundingBoxes, not ${meta.kind}`);
    return mark(tensor, { kind: meta.kind });
  }
  return wrapBoxes(tensor, options.format ?? meta.format, options.canvasSize ?? meta.canvasSize,
    options.clampingMode === undefined ? meta.clampingMode : options.clampingMode, false) as unknown as T;
}

/** Marks a tensor as an Image in place (what ToImage returns; internal). */
export const markAs = (t: Tensor, kind: 'Image' | 'Video' | 'Mask'): Tensor => mark(t, { kind });
