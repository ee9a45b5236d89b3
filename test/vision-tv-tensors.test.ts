// vision.tvTensors and their handling in transforms.v2 against torchvision 0.28
// (test/fixtures/tv-tensors.json, made by scripts/make-tv-tensors-fixtures.py): detection samples
// ({ image, boxes, masks, labels } with tv_tensors, or [plainImage, { boxes, labels, masks }]) and a
// segmentation pair, each transform called after torch.manualSeed(seed) as Python calls it; every
// leaf must match bit for bit with its tv_tensor kind, format and canvas size, and the torch RNG must
// be left where Python left it (boxes and masks do not change the number of draws).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { makeTensor, type TensorEnc } from './golden-replay.js';
import { checkLeaf, type LeafEnc } from './tv-leaf.js';
import { liveTensors, runWithGc } from './run-child.js';
import { buildSource, packSource } from '../lib/data/worker_source.js';
import { decode, encode } from '../lib/data/codec.js';

const v2 = vision.transforms.v2;
const F = v2.functional;
const tv = vision.tvTensors;
type BoundingBoxesTensor = vision.tvTensors.BoundingBoxesTensor;
type KeyPointsTensor = vision.tvTensors.KeyPointsTensor;
type BoundingBoxFormat = vision.tvTensors.BoundingBoxFormat;
type Tensor = torch.Tensor;

interface Case { name: string; py: string; how: 'dict' | 'pair' | 'seg' | 'kp' | 'kp_pair' | 'kp_int' | 'kp_only' | 'img' | 'img_pure'; boxes: string; seed: number; calls: number; outputs: LeafEnc[]; after: number }
const fx = JSON.parse(readFileSync(new URL('./fixtures/tv-tensors.json', import.meta.url), 'utf8')) as {
  meta: { torchvision: string; cpu_capability: string; canvasSize: [number, number] };
  inputs: { image: TensorEnc; masks: TensorEnc; semantic: TensorEnc; labels: TensorEnc; displacement: TensorEnc; boxes: Record<string, TensorEnc>; keypoints: Record<string, TensorEnc> };
  cases: Case[]; functional: { name: string; py: string; output: LeafEnc }[]; errors: { name: string; py: string; type: string; message: string }[];
};
const [H, W] = fx.meta.canvasSize;
const IMAGE = makeTensor(fx.inputs.image), MASKS = makeTensor(fx.inputs.masks), SEMANTIC = makeTensor(fx.inputs.semantic), LABELS = makeTensor(fx.inputs.labels);
const BOXES = Object.fromEntries(Object.entries(fx.inputs.boxes).map(([k, v]) => [k, makeTensor(v)]));
const boxes = (key: string): BoundingBoxesTensor => new tv.BoundingBoxes(BOXES[key]!, { format: key.split('_')[0] as BoundingBoxFormat, canvasSize: [H, W] });
const KEYPOINTS = Object.fromEntries(Object.entries(fx.inputs.keypoints).map(([k, v]) => [k, makeTensor(v)]));
const [KP, KPG, KP_INT] = [KEYPOINTS.KP!, KEYPOINTS.KPG!, KEYPOINTS.KP_int!];
const kp = (key: string): KeyPointsTensor => new tv.KeyPoints(KEYPOINTS[key]!, { canvasSize: [H, W] });

function sample(how: Case['how'], key: string): unknown[] {
  if (how === 'kp') return [{ image: new tv.Image(IMAGE), boxes: boxes(key), keypoints: kp('KP'), masks: new tv.Mask(MASKS), labels: LABELS }];
  if (how === 'kp_pair') return [IMAGE, { boxes: boxes(key), keypoints: kp('KPG'), labels: LABELS }];
  if (how === 'kp_int') return [{ image: new tv.Image(IMAGE), keypoints: kp('KP_int'), boxes: boxes(key), labels: LABELS }];
  if (how === 'kp_only') return [new tv.Image(IMAGE), kp('KP')];
  if (how === 'dict') return [{ image: new tv.Image(IMAGE), boxes: boxes(key), masks: new tv.Mask(MASKS), labels: LABELS }];
  if (how === 'pair') return [IMAGE, { boxes: boxes(key), labels: LABELS, masks: new tv.Mask(MASKS) }];
  if (how === 'img') return [new tv.Image(IMAGE)];
  if (how === 'img_pure') return [IMAGE];
  return [new tv.Image(IMAGE), new tv.Mask(SEMANTIC)];
}

// The JS port of each Python case (fx.cases[i].py).
const PORTS: Record<string, () => { call(...inputs: unknown[]): unknown }> = {
  hflip: () => new v2.RandomHorizontalFlip({ p: 1.0 }),
  hflip_xywh_pair: () => new v2.RandomHorizontalFlip(),
  vflip_cxcywh: () => new v2.RandomVerticalFlip({ p: 1.0 }),
  vflip_xyxy_pair: () => new v2.RandomVerticalFlip({ p: 0.5 }),
  resize: () => new v2.Resize(10),
  resize_hw_cxcywh_pair: () => new v2.Resize([15, 30]),
  resize_int: () => new v2.Resize(13),
  resize_max_size_xywh: () => new v2.Resize(12, { maxSize: 13 }),
  random_resized_crop: () => new v2.RandomResizedCrop(12),
  random_resized_crop_xywh_pair: () => new v2.RandomResizedCrop([10, 16], { scale: [0.3, 1.0] }),
  random_resized_crop_int: () => new v2.RandomResizedCrop(9),
  random_crop_padding: () => new v2.RandomCrop(16, { padding: 4 }),
  random_crop_pad_if_needed_cxcywh: () => new v2.RandomCrop([24, 28], { padIfNeeded: true, fill: 3 }),
  random_crop_xywh_pair: () => new v2.RandomCrop([12, 20]),
  center_crop_xywh: () => new v2.CenterCrop(12),
  center_crop_larger: () => new v2.CenterCrop([25, 27]),
  center_crop_odd_cxcywh_pair: () => new v2.CenterCrop([11, 13]),
  pad: () => new v2.Pad([2, 3, 4, 5]),
  pad_fill_cxcywh_pair: () => new v2.Pad(3, { fill: 9 }),
  zoom_out: () => new v2.RandomZoomOut({ p: 1.0 }),
  zoom_out_side_xywh_pair: () => new v2.RandomZoomOut({ fill: 5, sideRange: [1.0, 2.0], p: 0.7 }),
  iou_crop: () => new v2.RandomIoUCrop(),
  iou_crop_cxcywh_pair: () => new v2.RandomIoUCrop({ minScale: 0.5, samplerOptions: [0.1, 0.3, 0.5], trials: 20 }),
  iou_crop_sanitize: () => new v2.Compose([new v2.RandomIoUCrop(), new v2.SanitizeBoundingBoxes()]),
  scale_jitter: () => new v2.ScaleJitter([16, 20]),
  shortest_size_xywh: () => new v2.RandomShortestSize([8, 10, 12], { maxSize: 16 }),
  random_resize_cxcywh_pair: () => new v2.RandomResize(8, 14),
  clamp: () => new v2.ClampBoundingBoxes(),
  clamp_cxcywh_pair: () => new v2.ClampBoundingBoxes(),
  clamp_int: () => new v2.ClampBoundingBoxes(),
  sanitize: () => new v2.SanitizeBoundingBoxes(),
  sanitize_xywh_pair: () => new v2.SanitizeBoundingBoxes({ minSize: 2 }),
  clamp_sanitize_cxcywh: () => new v2.Compose([new v2.ClampBoundingBoxes(), new v2.SanitizeBoundingBoxes({ minArea: 4 })]),
  convert_to_cxcywh: () => new v2.ConvertBoundingBoxFormat('CXCYWH'),
  convert_to_xywh_pair: () => new v2.ConvertBoundingBoxFormat(tv.BoundingBoxFormat.XYWH),
  convert_to_xyxy: () => new v2.ConvertBoundingBoxFormat('xyxy'),
  convert_int_cxcywh: () => new v2.ConvertBoundingBoxFormat('CXCYWH'),
  to_dtype_per_type: () => new v2.ToDtype(new Map<any, torch.dtype | null>([[tv.Image, torch.float32], [tv.Mask, torch.int64], ['others', null]]), { scale: true }),
  to_dtype_plain: () => new v2.ToDtype(torch.float32, { scale: true }),
  to_dtype_pure_key_pair: () => new v2.ToDtype(new Map<any, torch.dtype | null>([[torch.Tensor, torch.float64], [tv.BoundingBoxes, torch.float64], ['others', null]])),
  ssd_train: () => new v2.Compose([new v2.RandomZoomOut({ p: 0.6 }), new v2.RandomIoUCrop(), new v2.RandomHorizontalFlip(), new v2.ToDtype(torch.float32, { scale: true }), new v2.SanitizeBoundingBoxes()]),
  detr_like_train: () => new v2.Compose([new v2.RandomHorizontalFlip(), new v2.RandomShortestSize([12, 14, 16], { maxSize: 24 }), new v2.RandomResizedCrop(14, { scale: [0.5, 1.0] }),
    new v2.ClampBoundingBoxes(), new v2.SanitizeBoundingBoxes()]),
  seg_train: () => new v2.Compose([new v2.RandomResize(10, 20), new v2.RandomCrop(12, { padIfNeeded: true }), new v2.RandomHorizontalFlip()]),
  rotation: () => new v2.RandomRotation(30),
  rotation_expand_xywh_pair: () => new v2.RandomRotation([20, 70], { expand: true }),
  rotation_center_fill_cxcywh: () => new v2.RandomRotation(45, { center: [5, 8], fill: 3 }),
  rotation_expand_int: () => new v2.RandomRotation(180, { expand: true }),
  rotation_90_expand: () => new v2.RandomRotation([90, 90], { expand: true }),
  rotation_bilinear_seg: () => new v2.RandomRotation(60, { interpolation: 'bilinear' }),
  affine: () => new v2.RandomAffine(20, { translate: [0.1, 0.2], scale: [0.8, 1.2], shear: 10 }),
  affine_shear4_xywh_pair: () => new v2.RandomAffine(0, { shear: [-10, 10, -5, 5] }),
  affine_center_fill_cxcywh: () => new v2.RandomAffine(30, { scale: [0.5, 0.9], center: [4, 6], fill: 7 }),
  affine_int: () => new v2.RandomAffine(15, { translate: [0.3, 0.3] }),
  affine_bilinear_seg: () => new v2.RandomAffine(25, { translate: [0.1, 0.1], interpolation: 'bilinear' }),
  rotate_sanitize_pair: () => new v2.Compose([new v2.RandomRotation(30, { expand: true }), new v2.ClampBoundingBoxes(), new v2.SanitizeBoundingBoxes()]),
  perspective: () => new v2.RandomPerspective({ p: 1.0 }),
  perspective_fill_xywh_pair: () => new v2.RandomPerspective(0.3, { p: 0.6, fill: 4 }),
  perspective_nearest_int: () => new v2.RandomPerspective(0.7, { p: 1.0, interpolation: 'nearest' }),
  perspective_seg: () => new v2.RandomPerspective({ p: 1.0 }),
  perspective_cxcywh: () => new v2.RandomPerspective(0.4, { p: 1.0 }),
  elastic: () => new v2.ElasticTransform({ sigma: 2.0 }),
  elastic_fill_xywh_pair: () => new v2.ElasticTransform({ alpha: 20.0, sigma: 3.0, fill: 2 }),
  elastic_nearest_int: () => new v2.ElasticTransform({ alpha: [30.0, 10.0], sigma: [2.0, 4.0], interpolation: 'nearest' }),
  elastic_cxcywh: () => new v2.ElasticTransform({ alpha: 80.0, sigma: 1.5 }),
  elastic_unblurred_seg: () => new v2.ElasticTransform({ sigma: 0.0 }),
  // the keypoints cases with a box case's Python source take its port (portOf)
  kp_vflip_pair: () => new v2.RandomVerticalFlip(),
  kp_clamp: () => new v2.ClampKeyPoints(),
  kp_clamp_int: () => new v2.ClampKeyPoints(),
  kp_sanitize: () => new v2.SanitizeKeyPoints(),
  kp_sanitize_labels_pair: () => new v2.SanitizeKeyPoints({ labelsGetter: 'default' }),
  kp_sanitize_labels_int: () => new v2.SanitizeKeyPoints('default'),
  kp_to_dtype_per_type_int: () => new v2.ToDtype(new Map<any, torch.dtype | null>([[tv.KeyPoints, torch.float64], ['others', null]])),
  kp_to_pure_tensor: () => new v2.ToPureTensor(),
  kp_five_crop_passes_through: () => new v2.FiveCrop(8),
  kp_color_jitter_passes_through: () => new v2.ColorJitter(0.5, 0.5),
  // per-type fills: plain objects keyed by the kinds' names, or Maps keyed by the classes (Python's dicts of types)
  pad_fill_dict: () => new v2.Pad(3, { fill: { Image: 127, Mask: 255 } }),
  pad_fill_dict_others_pair: () => new v2.Pad([2, 3, 4, 5], { fill: new Map<vision.transforms.v2.FillMapKey, number>([[tv.Mask, 255], ['others', 7]]) }),
  pad_fill_dict_tensor_key_pair: () => new v2.Pad(2, new Map<vision.transforms.v2.FillMapKey, number>([[torch.Tensor, 50], [tv.Mask, 1]])),
  pad_fill_dict_missing: () => new v2.Pad(2, { fill: { Mask: 9 } }),
  zoom_out_fill_dict: () => new v2.RandomZoomOut({ fill: { Image: [10, 20, 30], Mask: 255 }, p: 1.0 }),
  zoom_out_fill_dict_others_pair: () => new v2.RandomZoomOut({ fill: { Mask: 3, others: 9 }, sideRange: [1.0, 2.0], p: 1.0 }),
  random_crop_fill_dict_seg: () => new v2.RandomCrop(24, { padIfNeeded: true, fill: { Mask: 255, others: 0 } }),
  random_crop_fill_dict_missing: () => new v2.RandomCrop(16, { padding: 4, fill: { Mask: 9 } }),
  random_crop_fill_dict_tensor_key_pair: () => new v2.RandomCrop([22, 26], { padIfNeeded: true, fill: { Tensor: 40, Image: 1, others: 2 } }),
  rotation_fill_dict: () => new v2.RandomRotation(30, { interpolation: 'bilinear', fill: { Image: 127, Mask: 255 } }),
  rotation_fill_none_bilinear: () => new v2.RandomRotation(30, { interpolation: 'bilinear', fill: null }),
  affine_fill_none_bilinear_pair: () => new v2.RandomAffine(25, { interpolation: 'bilinear', fill: null }),
  perspective_fill_none: () => new v2.RandomPerspective({ p: 1.0, fill: null }),
  elastic_fill_none_pair: () => new v2.ElasticTransform(20.0, 3.0, 'bilinear', null),
  pad_fill_none: () => new v2.Pad(3, { fill: null }),
  pad_fill_list_kp_pair: () => new v2.Pad([1, 2, 3, 4], [10, 20, 30]),
  pad_fill_dict_list: () => new v2.Pad(3, { fill: { Image: [1, 2, 3], Mask: 255 } }),
  random_crop_fill_dict_list_seg: () => new v2.RandomCrop(24, { padIfNeeded: true, fill: new Map<any, number | number[]>([[tv.Image, [5, 6, 7]], [tv.Mask, 255]]) }),
  random_crop_fill_none_seg: () => new v2.RandomCrop(24, { padIfNeeded: true, fill: null }),
  zoom_out_fill_none: () => new v2.RandomZoomOut({ fill: null, p: 1.0 }),
  rotation_fill_dict_missing_bilinear: () => new v2.RandomRotation(30, { interpolation: 'bilinear', fill: new Map([[tv.Mask, 255]]) }),
  rotation_fill_dict_tensor_key_pair: () => new v2.RandomRotation(45, { fill: new Map<vision.transforms.v2.FillMapKey, number | number[]>([[torch.Tensor, [1, 2, 3]], ['others', 4]]) }),
  affine_fill_dict: () => new v2.RandomAffine(20, { translate: [0.1, 0.2], interpolation: 'bilinear', fill: { Image: [5, 6, 7], Mask: 200 } }),
  affine_fill_dict_others_seg: () => new v2.RandomAffine(30, { scale: [0.7, 1.1], fill: { Mask: 255, others: 0 } }),
  affine_fill_dict_missing_bilinear_pair: () => new v2.RandomAffine(25, { interpolation: 'bilinear', fill: { Image: 9, Mask: 1 } }),
  perspective_fill_dict: () => new v2.RandomPerspective({ p: 1.0, fill: { Image: 127, Mask: 255 } }),
  perspective_fill_dict_missing_pair: () => new v2.RandomPerspective(0.6, { p: 1.0, fill: { Mask: 1 } }),
  perspective_fill_dict_others_seg: () => new v2.RandomPerspective(0.4, { p: 1.0, fill: { Mask: 255, others: [1, 2, 3] } }),
  elastic_fill_dict: () => new v2.ElasticTransform({ sigma: 2.0, fill: { Image: 100, Mask: 7 } }),
  elastic_fill_dict_others_pair: () => new v2.ElasticTransform({ alpha: 20.0, sigma: 3.0, fill: { Mask: 2, others: [9, 8, 7] } }),
  elastic_fill_dict_missing_seg: () => new v2.ElasticTransform({ alpha: 80.0, sigma: 1.5, fill: { Mask: 4 } }),
  auto_augment_fill_dict: () => new v2.AutoAugment({ fill: new Map<vision.transforms.v2.FillMapKey, number>([[tv.Image, 127], [torch.Tensor, 3]]) }),
  auto_augment_fill_dict_pure: () => new v2.AutoAugment('svhn', { fill: { Image: 127, Tensor: 3 } }),
  rand_augment_fill_dict: () => new v2.RandAugment({ numOps: 4, fill: { Image: [10, 20, 30], others: 0 } }),
  rand_augment_fill_dict_missing_pure: () => new v2.RandAugment({ numOps: 3, interpolation: 'bilinear', fill: { Image: 5 } }),
  trivial_augment_fill_dict: () => new v2.TrivialAugmentWide({ fill: { Image: 200, Mask: 1 } }),
  trivial_augment_fill_dict_others_pure: () => new v2.TrivialAugmentWide({ interpolation: 'bilinear', fill: { others: [1, 2, 3] } }),
  augmix_fill_dict: () => new v2.AugMix({ fill: { Image: 200, Tensor: 50 } }),
  augmix_fill_dict_image_key_only: () => new v2.AugMix({ severity: 5, fill: { Image: 200 } }),
  augmix_fill_dict_others_pure: () => new v2.AugMix({ chainDepth: 2, fill: { others: 90 } }),
  kp_pipeline: () => new v2.Compose([new v2.RandomZoomOut({ p: 0.6 }), new v2.RandomIoUCrop(), new v2.RandomHorizontalFlip(), new v2.RandomRotation(20, { expand: true }), new v2.Resize(16),
    new v2.ToDtype(torch.float32, { scale: true }), new v2.ClampKeyPoints(), new v2.SanitizeBoundingBoxes(), new v2.SanitizeKeyPoints()]),
};

/** The port of a case: its own, or that of the case with the same Python source. */
const PORT_BY_PY = new Map(fx.cases.filter((c) => c.name in PORTS).map((c) => [c.py, PORTS[c.name]!]));
const portOf = (c: Case) => PORTS[c.name] ?? PORT_BY_PY.get(c.py);

const CORNERS = [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]];
const COEFFICIENTS = [1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002];
const DISPLACEMENT = makeTensor(fx.inputs.displacement);
const FUNCTIONAL: Record<string, () => unknown> = {
  clamp_plain: () => F.clampBoundingBoxes(BOXES.CXCYWH!, 'CXCYWH', [H, W], 'soft'),
  convert_plain: () => F.convertBoundingBoxFormat(BOXES.XYWH!, 'XYWH', 'CXCYWH'),
  convert_plain_int: () => F.convertBoundingBoxFormat(BOXES.XYXY_int!, { oldFormat: 'XYXY', newFormat: 'XYWH' }),
  hflip_boxes: () => F.horizontalFlipBoundingBoxes(BOXES.XYWH!, 'XYWH', [H, W]),
  vflip_boxes: () => F.verticalFlipBoundingBoxes(BOXES.XYXY!, 'XYXY', [H, W]),
  resize_boxes: () => F.resizeBoundingBoxes(BOXES.XYXY!, [H, W], [7, 31])[0],
  crop_boxes: () => F.cropBoundingBoxes(BOXES.CXCYWH!, 'CXCYWH', -2, 3, 15, 14)[0],
  pad_image_vector_fill_int: () => F.pad(new tv.Image(IMAGE), [1, 2, 3, 4], [1, 2, 3]),
  pad_image_vector_fill_float: () => F.pad(IMAGE, [2, 1], [7.5, 300.5, -2.25]),
  pad_image_vector_fill_negative: () => F.pad(IMAGE.float(), [-2, 3, 1, -1], [0.25, 0.5, 0.75]),
  pad_boxes: () => F.padBoundingBoxes(BOXES.XYXY!, 'XYXY', [H, W], [1, 2])[0],
  hflip_tv: () => F.horizontalFlip(boxes('CXCYWH')),
  resize_tv: () => F.resize(boxes('XYWH'), [30, 12]),
  crop_mask: () => F.crop(new tv.Mask(SEMANTIC), 3, 4, 10, 30),
  resize_mask: () => F.resize(new tv.Mask(SEMANTIC), [9, 31], 'bilinear'),
  rotate_boxes: () => F.rotateBoundingBoxes(BOXES.XYWH!, 'XYWH', [H, W], 33.0),
  rotate_boxes_center_int: () => F.rotateBoundingBoxes(BOXES.XYXY_int!, 'XYXY', [H, W], -50, false, [3, 4]),
  rotate_boxes_expand_center: () => F.rotateBoundingBoxes(BOXES.CXCYWH!, 'CXCYWH', [H, W], 123.0, true, [7, 9]),
  affine_boxes: () => F.affineBoundingBoxes(BOXES.CXCYWH!, 'CXCYWH', [H, W], 12.5, [2, -3], 1.3, [5, -7]),
  affine_boxes_float64: () => F.affineBoundingBoxes(BOXES.XYXY!.double(), 'XYXY', [H, W], -20, [0, 0], 0.7, 15, [10, 2]),
  rotate_tv_expand: () => F.rotate(boxes('CXCYWH'), 75, { expand: true }),
  rotate_tv_empty_expand: () => F.rotate(new tv.BoundingBoxes(torch.zeros([0, 4]), { format: 'XYXY', canvasSize: [H, W] }), 30, { expand: true }),
  affine_tv: () => F.affine(boxes('XYWH'), 10, [1, 2], 1.1, [3, 4]),
  rotate_mask_expand: () => F.rotate(new tv.Mask(MASKS), 40, { expand: true }),
  rotate_mask_center_fill: () => F.rotate(new tv.Mask(SEMANTIC), -35, { center: [3, 17], fill: 9 }),
  rotate_mask_270_expand: () => F.rotate(new tv.Mask(SEMANTIC), 270, { expand: true }),
  rotate_mask_bool: () => F.rotateMask(MASKS.bool(), 100.0),
  affine_mask_fill: () => F.affine(new tv.Mask(SEMANTIC), 20, [2, 1], 0.9, 8, { fill: 4 }),
  affine_mask_instances: () => F.affineMask(MASKS, -15, [-3, 0], 1.2, [0, 10], null, [8, 8]),
  perspective_boxes: () => F.perspectiveBoundingBoxes(BOXES.XYWH!, 'XYWH', [H, W], CORNERS, [[2, 1], [20, 3], [22, 18], [1, 17]]),
  perspective_boxes_coefficients_int: () => F.perspectiveBoundingBoxes(BOXES.XYXY_int!, 'XYXY', [H, W], null, null, COEFFICIENTS),
  perspective_boxes_fractional_corners: () => F.perspectiveBoundingBoxes(BOXES.CXCYWH!, 'CXCYWH', [H, W], [[0.5, 0], [23, 0.25], [23, 19], [0, 19]], [[2.5, 1], [20, 3], [22, 18.75], [1, 17]]),
  perspective_tv: () => F.perspective(boxes('CXCYWH'), CORNERS, [[3, 2], [21, 0], [23, 16], [0, 19]]),
  perspective_mask_fill: () => F.perspective(new tv.Mask(MASKS), CORNERS, [[3, 2], [21, 0], [23, 16], [0, 19]], { fill: 1 }),
  perspective_mask_coefficients: () => F.perspectiveMask(SEMANTIC, null, null, null, COEFFICIENTS),
  elastic_boxes: () => F.elasticBoundingBoxes(BOXES.XYXY!, 'XYXY', [H, W], DISPLACEMENT),
  elastic_boxes_int: () => F.elasticBoundingBoxes(BOXES.XYXY_int!, 'XYXY', [H, W], DISPLACEMENT),
  elastic_boxes_float64_cxcywh: () => F.elasticBoundingBoxes(BOXES.CXCYWH!.double(), 'CXCYWH', [H, W], DISPLACEMENT),
  elastic_tv: () => F.elastic(boxes('XYWH'), DISPLACEMENT),
  elastic_mask_fill: () => F.elastic(new tv.Mask(MASKS), DISPLACEMENT, { fill: 3 }),
  elastic_mask_semantic: () => F.elasticMask(SEMANTIC, DISPLACEMENT),
  kp_new_one_point: () => new tv.KeyPoints([3.5, 4.0], { canvasSize: [H, W] }),
  kp_new_int_groups: () => new tv.KeyPoints([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { canvasSize: [5, 9] }),
  kp_hflip: () => F.horizontalFlipKeypoints(KP, [H, W]),
  kp_vflip_groups: () => F.verticalFlipKeypoints(KPG, [H, W]),
  kp_hflip_tv_int: () => F.horizontalFlip(kp('KP_int')),
  kp_vflip_tv: () => F.verticalFlip(kp('KP')),
  kp_resize: () => F.resizeKeypoints(KP, [H, W], [7, 31]),
  kp_resize_same: () => F.resizeKeypoints(KP, [H, W], [H, W]),
  kp_resize_double: () => F.resizeKeypoints(KP.double(), [H, W], [30, 12]),
  kp_resize_tv_int: () => F.resize(kp('KP_int'), 13),
  kp_resize_tv_max_size_groups: () => F.resize(kp('KPG'), 12, { maxSize: 13 }),
  kp_crop: () => F.cropKeypoints(KP, -2, 3, 15, 14),
  kp_crop_tv_int: () => F.crop(kp('KP_int'), 3, 4, 10, 30),
  kp_pad: () => F.padKeypoints(KP, [H, W], [1, 2]),
  kp_pad_tv_groups: () => F.pad(kp('KPG'), [2, 3, 4, 5]),
  kp_pad_tv_int_fill: () => F.pad(kp('KP_int'), 3, 7, 'constant'),
  kp_center_crop_tv: () => F.centerCrop(kp('KP'), [11, 13]),
  kp_center_crop_larger: () => F.centerCropKeypoints(KP, [H, W], [25, 27]),
  kp_center_crop_odd_int: () => F.centerCrop(kp('KP_int'), 9),
  kp_resized_crop_tv_groups: () => F.resizedCrop(kp('KPG'), 2, 3, 12, 16, [9, 21]),
  kp_resized_crop_int: () => F.resizedCropKeypoints(KP_INT, 1, -2, 15, 20, [30, 10]),
  kp_crop_tv_uint8: () => F.crop(new tv.KeyPoints(torch.tensor([[1, 2], [8, 9]], { dtype: torch.uint8 }), { canvasSize: [10, 12] }), 2, 3, 6, 7),
  kp_center_crop_tv_uint8: () => F.centerCrop(new tv.KeyPoints(torch.tensor([[1, 2], [8, 9]], { dtype: torch.uint8 }), { canvasSize: [10, 12] }), [4, 6]),
  kp_pad_tv_uint8_negative: () => F.pad(new tv.KeyPoints(torch.tensor([[1, 2], [8, 9]], { dtype: torch.uint8 }), { canvasSize: [10, 12] }), [-3, 1]),
  kp_rotate: () => F.rotateKeypoints(KP, [H, W], 33.0),
  kp_rotate_tv_expand: () => F.rotate(kp('KP'), 75, { expand: true }),
  kp_rotate_tv_center_groups: () => F.rotate(kp('KPG'), -50, { center: [3, 4] }),
  kp_rotate_expand_center_int: () => F.rotateKeypoints(KP_INT, [H, W], 123.0, true, [7, 9]),
  kp_rotate_tv_90_expand: () => F.rotate(kp('KP'), 90, { expand: true }),
  kp_rotate_tv_empty_expand: () => F.rotate(new tv.KeyPoints(torch.zeros([0, 2]), { canvasSize: [H, W] }), 30, { expand: true }),
  kp_affine: () => F.affineKeypoints(KP, [H, W], 12.5, [2, -3], 1.3, [5, -7]),
  kp_affine_double_center: () => F.affineKeypoints(KP.double(), [H, W], -20, [0, 0], 0.7, 15, [10, 2]),
  kp_affine_tv_int: () => F.affine(kp('KP_int'), 10, [1, 2], 1.1, [3, 4]),
  kp_affine_tv_groups: () => F.affine(kp('KPG'), -7.5, [0.5, 1.5], 0.9, 12),
  kp_perspective: () => F.perspectiveKeypoints(KP, [H, W], CORNERS, [[2, 1], [20, 3], [22, 18], [1, 17]]),
  kp_perspective_coefficients_int: () => F.perspectiveKeypoints(KP_INT, [H, W], null, null, COEFFICIENTS),
  kp_perspective_tv_groups: () => F.perspective(kp('KPG'), CORNERS, [[3, 2], [21, 0], [23, 16], [0, 19]]),
  kp_perspective_tv_double: () => F.perspective(kp('KP_double'), [[0.5, 0], [23, 0.25], [23, 19], [0, 19]], [[2.5, 1], [20, 3], [22, 18.75], [1, 17]]),
  kp_elastic: () => F.elasticKeypoints(KP, [H, W], DISPLACEMENT),
  kp_elastic_tv_int: () => F.elastic(kp('KP_int'), DISPLACEMENT),
  kp_elastic_tv_groups: () => F.elastic(kp('KPG'), DISPLACEMENT),
  kp_elastic_double: () => F.elasticKeypoints(KP.double(), [H, W], DISPLACEMENT),
  kp_clamp_tv: () => F.clampKeypoints(kp('KPG')),
  kp_clamp_plain_int: () => F.clampKeypoints(KP_INT, [H, W]),
  kp_sanitize_tv: () => F.sanitizeKeypoints(kp('KP')),
  kp_sanitize_plain_groups: () => F.sanitizeKeypoints(KPG, [H, W]),
  kp_to_dtype_tv: () => F.toDtype(kp('KP_int'), torch.float64),
  kp_get_size: () => F.getSize(kp('KPG')),
  perspective_image_coefficients: () => F.perspective(new tv.Image(IMAGE), null, null, { coefficients: COEFFICIENTS }),
  perspective_image_coefficients_nearest_fill: () => F.perspectiveImage(IMAGE, null, null, 'nearest', [1, 2, 3], [0.9, -0.1, 1.5, 0.1, 1.05, -2.0, -0.002, 0.003]),
  perspective_image_coefficients_fill: () => F.perspective(IMAGE, { startpoints: null, endpoints: null, fill: 7, coefficients: COEFFICIENTS }),
  perspective_image_coefficients_float: () => F.perspective(new tv.Image(IMAGE.float().div(255)), null, null, { fill: 0.5, coefficients: COEFFICIENTS }),
};

// What torchvision refuses (fx.errors[i].py): the same message (ours may add the function's name before it).
const ERRORS: Record<string, () => unknown> = {
  kp_shape: () => new tv.KeyPoints(torch.zeros([2, 3]), { canvasSize: [H, W] }),
  kp_shape_3d: () => new tv.KeyPoints(torch.zeros([2, 3, 4]), { canvasSize: [H, W] }),
  pad_image_vector_fill_reflect: () => F.pad(IMAGE, 2, [1, 2, 3], 'reflect'),
  pad_image_vector_fill_channels: () => F.pad(IMAGE, [1, 2], [1, 2]),
  kp_pad_reflect: () => F.pad(kp('KP'), 2, { paddingMode: 'reflect' }),
  kp_pad_edge: () => F.padKeypoints(KP, [H, W], [1, 2], 'edge'),
  kp_pad_symmetric: () => F.pad(kp('KPG'), [1, 2, 3, 4], { paddingMode: 'symmetric' }),
  kp_random_crop_reflect: () => new v2.RandomCrop(8, { padding: 2, paddingMode: 'reflect' }).call(new tv.Image(IMAGE), kp('KP')),
  kp_perspective_not_invertible: () => F.perspectiveKeypoints(KP, [H, W], null, null, [0, 0, 0, 0, 0, 0, 0, 0]),
  kp_clamp_plain_no_canvas: () => F.clampKeypoints(KP),
  kp_clamp_tv_canvas: () => F.clampKeypoints(kp('KP'), [H, W]),
  kp_sanitize_plain_no_canvas: () => F.sanitizeKeypoints(KP),
  kp_sanitize_labels_mismatch: () => new v2.SanitizeKeyPoints({ labelsGetter: 'default' }).call({ image: new tv.Image(IMAGE), keypoints: kp('KP'), labels: LABELS.index(':3') }),
  kp_sanitize_no_keypoints: () => new v2.SanitizeKeyPoints().call(new tv.Image(IMAGE), boxes('XYXY')),
  kp_auto_augment: () => new v2.AutoAugment().call(new tv.Image(IMAGE), kp('KP')),
  kp_rand_augment: () => new v2.RandAugment().call(IMAGE, { keypoints: kp('KP') }),
  kp_trivial_augment: () => new v2.TrivialAugmentWide().call(kp('KP'), new tv.Image(IMAGE)),
  kp_augmix: () => new v2.AugMix().call({ image: new tv.Image(IMAGE), keypoints: kp('KP') }),
  kp_mixup: () => new v2.MixUp({ numClasses: 3 }).call(torch.zeros([2, 3, 4, 4]), torch.tensor([0, 1]), new tv.KeyPoints([[1.0, 2.0]], { canvasSize: [4, 4] })),
  kp_cutmix: () => new v2.CutMix({ numClasses: 3 }).call({ image: torch.zeros([2, 3, 4, 4]), labels: torch.tensor([0, 1]), kp: new tv.KeyPoints([[1.0, 2.0]], { canvasSize: [4, 4] }) }),
  perspective_image_coefficients_and_points: () => F.perspective(new tv.Image(IMAGE), CORNERS, CORNERS, { coefficients: COEFFICIENTS }),
  perspective_image_coefficients_length: () => F.perspectiveImage(IMAGE, null, null, 'bilinear', null, [1.0, 0.0, 0.0]),
  perspective_image_no_points: () => F.perspective(IMAGE, null, null),
  fill_dict_value: () => new v2.RandomRotation(30, { fill: { Image: 'a' as never } }),
  v1_pad_refuses_fill_dict: () => new vision.transforms.Pad(2, { fill: { Image: 1 } as never }),
  kp_query_size: () => new v2.RandomResizedCrop(8).call(new tv.Image(IMAGE), new tv.KeyPoints([[1.0, 2.0]], { canvasSize: [5, 7] })),
};

/** Compares an output with its encoding: values bit for bit, and the tv_tensor kind and box metadata. */
describe('transforms.v2 on tv_tensors match torchvision 0.28', () => {
  it('has a port for every fixture case, and ran on the capability the tests pin', () => {
    expect(fx.cases.filter((c) => portOf(c) === undefined).map((c) => c.name)).toEqual([]);
    expect(fx.functional.map((c) => c.name).filter((n) => !(n in FUNCTIONAL))).toEqual([]);
    expect(fx.errors.map((c) => c.name).filter((n) => !(n in ERRORS))).toEqual([]);
    expect(fx.meta.torchvision.startsWith('0.28')).toBe(true);
    expect(fx.meta.cpu_capability).toBe(torch.backends.cpu.getCpuCapability());
  });
  for (const c of fx.cases) {
    it(`${c.name}: ${c.py} (${c.how}, ${c.boxes} boxes)`, () => {
      const transform = portOf(c)!();
      const inputs = sample(c.how, c.boxes);
      torch.manualSeed(c.seed);
      c.outputs.forEach((exp, k) => checkLeaf(transform.call(...inputs), exp, `${c.name} call ${k}`));
      expect(torch.rand(1).item(), 'the next torch.rand(1): the same RNG draws as torchvision').toBe(c.after);
    });
  }
  for (const c of fx.functional) {
    it(`functional ${c.name}: ${c.py}`, () => checkLeaf(FUNCTIONAL[c.name]!(), c.output, c.name));
  }
  for (const c of fx.errors) {
    it(`refuses ${c.name} with torchvision's ${c.type}: ${c.py}`, () => expect(ERRORS[c.name]!).toThrow(c.message));
  }
});

describe('vision.tvTensors', () => {
  it('constructs marked tensors without marking the caller\'s tensor; operations return plain tensors; wrap marks', () => {
    const data = torch.tensor([[1, 2, 5, 6]], { dtype: torch.float32 });
    const b = new tv.BoundingBoxes(data, { format: 'xywh' as never, canvasSize: [8, 9] });
    expect(b instanceof tv.BoundingBoxes).toBe(true);
    expect(data instanceof tv.BoundingBoxes).toBe(false);
    expect(tv.isPureTensor(data)).toBe(true);
    expect([b.format, b.canvasSize, b.clampingMode]).toEqual(['XYWH', [8, 9], 'soft']);
    const plain = b.add(1);
    expect(tv.kindOf(plain)).toBe(null);
    const wrapped = tv.wrap(plain, { like: b, canvasSize: [4, 4] }) as BoundingBoxesTensor;
    expect(wrapped).toBe(plain);
    expect([wrapped.format, wrapped.canvasSize]).toEqual(['XYWH', [4, 4]]);
    expect(new tv.BoundingBoxes([0, 0, 2, 2], { format: tv.BoundingBoxFormat.XYXY, canvasSize: [3, 3] }).shape).toEqual([1, 4]);
    const img = new tv.Image(torch.zeros([4, 5], { dtype: torch.uint8 }));
    expect([img.shape, img instanceof tv.Image, img instanceof tv.Mask]).toEqual([[1, 4, 5], true, false]);
    const fromPil = new tv.Image(new vision.Image(2, 3, 'RGB'));
    expect([fromPil.shape, tv.kindOf(fromPil)]).toEqual([[3, 3, 2], 'Image']);
    expect(tv.kindOf(new tv.Video(torch.zeros([2, 3, 4, 4])))).toBe('Video');
    expect(tv.kindOf(tv.wrap(torch.ones([2, 2]), { like: new tv.Mask(torch.zeros([2, 2])) }))).toBe('Mask');
    // ToPureTensor drops the marks
    const [pi, pb] = new v2.ToPureTensor().call(img, b) as [Tensor, Tensor];
    expect([tv.kindOf(pi), tv.kindOf(pb)]).toEqual([null, null]);
  });

  it("clone, to, detach keep the kind and metadata, as torchvision's _FORCE_TORCHFUNCTION_SUBCLASS (torchvision 0.28's boxes)", () => {
    const F2 = v2.functional;
    const b = new tv.BoundingBoxes(torch.tensor([[1, 1, 3, 2]], { dtype: torch.float32 }), { format: 'XYXY', canvasSize: [4, 6] });
    // Python: F.horizontal_flip(bb.clone()) etc. -> [[3, 1, 5, 2]]; F.resize(bb.clone(), [8, 12]) -> [[2, 2, 6, 4]]
    for (const copy of [b.clone(), b.to(torch.float64), b.detach()]) {
      expect(tv.kindOf(copy)).toBe('BoundingBoxes');
      expect((F2.horizontalFlip(copy) as Tensor).tolist()).toEqual([[3, 1, 5, 2]]);
    }
    expect((F2.resize(b.clone(), [8, 12]) as Tensor).tolist()).toEqual([[2, 2, 6, 4]]);
    expect([(b.clone() as BoundingBoxesTensor).canvasSize, tv.kindOf(b.add(1))]).toEqual([[4, 6], null]);
    expect(tv.kindOf(new tv.Mask(torch.zeros([2, 2])).clone())).toBe('Mask');
  });

  it('KeyPoints: a [..., 2] tensor with its canvas size; operations return plain tensors; wrap keeps the kind and canvas size', () => {
    const data = torch.tensor([[1.5, 2], [3, 4]]);
    const k = new tv.KeyPoints(data, { canvasSize: [6, 7] });
    expect([k instanceof tv.KeyPoints, k instanceof tv.BoundingBoxes, data instanceof tv.KeyPoints, tv.kindOf(k), k.canvasSize, k.shape]).toEqual([true, false, false, 'KeyPoints', [6, 7], [2, 2]]);
    expect(tv.isPureTensor(data) && !tv.isPureTensor(k)).toBe(true);
    expect('format' in k || 'clampingMode' in k).toBe(false);
    k.canvasSize[0] = 99;  // a copy: the canvas size stays
    expect(F.getSize(k)).toEqual([6, 7]);
    const plain = k.mul(2);
    expect(tv.kindOf(plain)).toBe(null);
    const wrapped = tv.wrap(plain, { like: k, canvasSize: [12, 14] }) as KeyPointsTensor;
    expect([wrapped === plain, tv.kindOf(wrapped), wrapped.canvasSize]).toEqual([true, 'KeyPoints', [12, 14]]);
    // Python's KeyPoints._wrap: one point [2] becomes [1, 2] (a new view: the 1-D tensor stays plain)
    const one = torch.tensor([1, 2]);
    const w1 = tv.wrap(one, { like: k });
    expect([w1.shape, tv.kindOf(w1), tv.kindOf(one)]).toEqual([[1, 2], 'KeyPoints', null]);
    expect(() => tv.wrap(torch.zeros([3, 4]), { like: k })).toThrow('Expected a tensor of shape (..., 2), not torch.Size([3, 4])');
    expect(() => tv.wrap(plain, { like: k, format: 'XYXY' })).toThrow(/format and clampingMode only apply to BoundingBoxes, not KeyPoints/);
    // re-marking as boxes drops the keypoints' canvas size, and back
    const asBoxes = tv.wrap(torch.zeros([1, 4]), { like: boxes('XYXY') }) as BoundingBoxesTensor;
    tv.wrap(asBoxes.index(':', ':2'), { like: k });
    expect([asBoxes.format, asBoxes.canvasSize]).toEqual(['XYXY', [H, W]]);
    expect(new tv.KeyPoints([[1, 2]], { canvasSize: [3, 3], dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(F.getSizeKeypoints(k)).toEqual([6, 7]);
    // a DataLoader worker's keypoints arrive as keypoints, canvas size included
    const back = decode(encode({ k }, [])) as { k: KeyPointsTensor };
    expect([tv.kindOf(back.k), back.k.canvasSize, back.k.equal(k)]).toEqual(['KeyPoints', [6, 7], true]);
    const [pk] = new v2.ToPureTensor().call(k) as [Tensor];
    expect(tv.kindOf(pk ?? null)).toBe(null);
    expect(() => new tv.KeyPoints(torch.zeros([2, 2]), {} as never)).toThrow(/missing required option 'canvasSize'/);
    expect(() => new tv.KeyPoints(torch.zeros([2, 2]), { canvasSize: [2, -1] })).toThrow(/canvasSize must be \[height, width\]/);
    expect(() => new tv.KeyPoints(torch.zeros([2, 2]), { canvasSize: [2, 2], format: 'XYXY' } as never)).toThrow(/unexpected option 'format'/);
    expect(() => new tv.KeyPoints(torch.tensor(3.0), { canvasSize: [2, 2] })).toThrow('Expected a tensor of shape (..., 2), not torch.Size([])');
  });

  it('ClampKeyPoints and SanitizeKeyPoints rebuild in a worker thread; a sample with no keypoints passes ClampKeyPoints unchanged', async () => {
    for (const x of [new v2.ClampKeyPoints(), new v2.SanitizeKeyPoints(), new v2.SanitizeKeyPoints({ labelsGetter: 'default' })]) {
      const rebuilt = (await buildSource(structuredClone(packSource(x.workerSource(), [], 'transform')))) as typeof x;
      expect(String(rebuilt)).toBe(String(x));
      const a = x.call({ image: new tv.Image(IMAGE), keypoints: kp('KPG'), labels: LABELS }) as { keypoints: Tensor; labels: Tensor };
      const b = rebuilt.call({ image: new tv.Image(IMAGE), keypoints: kp('KPG'), labels: LABELS }) as { keypoints: Tensor; labels: Tensor };
      expect([a.keypoints.equal(b.keypoints), a.labels.equal(b.labels), tv.kindOf(b.keypoints)]).toEqual([true, true, 'KeyPoints']);
    }
    expect(String(new v2.SanitizeKeyPoints({ labelsGetter: 'default' }))).toBe('SanitizeKeyPoints(labels_getter=default)');
    const out = new v2.ClampKeyPoints().call(new tv.Image(IMAGE), boxes('XYXY')) as [Tensor, Tensor];
    expect(out[1].equal(BOXES.XYXY!)).toBe(true);
    expect(() => new v2.SanitizeKeyPoints({ labelsGetter: 3 as never })).toThrow(/labels_getter should either be 'default', a callable, or None, but got number/);
  });

  it('refuses bad tv_tensors with clear messages', () => {
    expect(() => new tv.BoundingBoxes(torch.zeros([2, 4]), { format: 'XYXY' } as never)).toThrow(/missing required option 'canvasSize'/);
    expect(() => new tv.BoundingBoxes(torch.zeros([2, 4]), { format: 'XYWHR', canvasSize: [2, 2] })).toThrow(/XYWHR boxes have 5 coordinates, got a last dimension of 4/);
    expect(() => new tv.BoundingBoxes(torch.zeros([2, 4]), { format: 'ABCD', canvasSize: [2, 2] } as never)).toThrow(/unknown bounding box format 'ABCD'/);
    expect(() => new tv.BoundingBoxes(torch.zeros([1, 2, 4]), { format: 'XYXY', canvasSize: [2, 2] })).toThrow(/Expected a 1D or 2D tensor, got 3D/);
    expect(() => new tv.BoundingBoxes(torch.zeros([2, 4]), { format: 'XYXY', canvasSize: [2] })).toThrow(/canvasSize must be \[height, width\]/);
    expect(() => new tv.BoundingBoxes(torch.zeros([2, 4]), { format: 'XYXY', canvasSize: [2, 2], clampingMode: 'loose' as never })).toThrow(/clamping_mode must be None, hard or soft/);
    expect(() => new tv.Image(torch.zeros([3]))).toThrow(/Tensor must be 2D or higher/);
    expect(() => new tv.Video(torch.zeros([3, 4, 4]))).toThrow(/at least 4 dimensions/);
    expect(() => tv.wrap(torch.zeros([2]), { like: torch.zeros([2]) })).toThrow(/like must be a tv_tensor/);
    expect(() => new tv.Mask(torch.zeros([2]), { dtpe: torch.int64 } as never)).toThrow(/unexpected option 'dtpe'/);
    expect(() => (tv.Image as unknown as (x: unknown) => unknown)(torch.zeros([2, 2]))).toThrow(/without 'new'/);
  });

  // review: the plain-tensor kernels read the format as the constructors do (any case; the rotated ones too, test/vision-tv-rotated.test.ts)
  it('the box kernels take formats in any case', () => {
    torch.tidy(() => {
      const b = torch.tensor([[1, 1, 3, 2]]);
      const upper = F.horizontalFlipBoundingBoxes(b, 'XYXY', [4, 5]);
      expect(upper.tolist()).toEqual([[2, 1, 4, 2]]);
      expect(F.horizontalFlipBoundingBoxes(b, 'xyxy' as never, [4, 5]).tolist()).toEqual([[2, 1, 4, 2]]);
      expect(F.verticalFlipBoundingBoxes(b, 'xyxy' as never, [4, 5]).equal(F.verticalFlipBoundingBoxes(b, 'XYXY', [4, 5]))).toBe(true);
      expect(F.padBoundingBoxes(b, 'xyxy' as never, [4, 5], [2])[0].tolist()).toEqual(F.padBoundingBoxes(b, 'XYXY', [4, 5], [2])[0].tolist());
      expect(F.cropBoundingBoxes(b, 'cxcywh' as never, 1, 1, 2, 2)[0].tolist()).toEqual(F.cropBoundingBoxes(b, 'CXCYWH', 1, 1, 2, 2)[0].tolist());
      expect(F.horizontalFlipBoundingBoxes(torch.tensor([[1, 1, 3, 2, 0]], { dtype: torch.float32 }), 'cxcywhr' as never, [4, 5]).tolist()).toEqual([[4, 1, 3, 2, -0]]);
    });
  });

  // review: as pil_to_tensor gives it, [C, H, W] (torchvision's Mask(PIL image))
  it('a Mask of a vision.Image keeps its channel dimension', () => {
    const toImage = vision.transforms.functional.toPILImage;
    const gray = toImage(torch.randint(0, 3, [1, 4, 5], { dtype: torch.uint8 }));
    const rgb = toImage(torch.randint(0, 3, [3, 4, 5], { dtype: torch.uint8 }));
    expect(new tv.Mask(gray).shape).toEqual([1, 4, 5]);
    expect(new tv.Mask(rgb).shape).toEqual([3, 4, 5]);
  });
});

describe('transforms.v2 samples with tv_tensors', () => {
  const sampleDict = () => ({ image: new tv.Image(IMAGE), boxes: boxes('XYXY'), masks: new tv.Mask(MASKS), labels: LABELS });

  it('nested samples: the same draws whatever the structure; labels pass through; several images share the draw', () => {
    const t = new v2.RandomResizedCrop(10);
    torch.manualSeed(11);
    const a = t.call(sampleDict()) as { image: Tensor; boxes: Tensor; masks: Tensor; labels: Tensor };
    torch.manualSeed(11);
    const [img, target] = t.call(new tv.Image(IMAGE), { nested: [{ boxes: boxes('XYXY') }], masks: new tv.Mask(MASKS), labels: LABELS }) as [Tensor, { nested: { boxes: Tensor }[]; masks: Tensor; labels: Tensor }];
    expect(img.equal(a.image)).toBe(true);
    expect(target.nested[0]!.boxes.equal(a.boxes)).toBe(true);
    expect(target.masks.equal(a.masks)).toBe(true);
    expect(target.labels).toBe(LABELS);
    // two images in one sample: flipped together (one draw)
    const pil = new vision.Image(3, 2, 'RGB', Uint8Array.from({ length: 18 }, (_, i) => i));
    const [f1, f2] = new v2.RandomHorizontalFlip({ p: 1 }).call(pil, pil) as [vision.Image, vision.Image];
    expect(Array.from(f1.data)).toEqual(Array.from(f2.data));
    // a Video takes the image kernels and stays a Video
    const video = new tv.Video(torch.arange(48, { dtype: torch.uint8 }).view(2, 3, 2, 4));
    const flippedVideo = new v2.RandomHorizontalFlip({ p: 1 }).call(video) as Tensor;
    expect([flippedVideo.equal(video.flip(-1)), tv.kindOf(flippedVideo)]).toEqual([true, 'Video']);
    // Lambda: masks and boxes are not plain tensors (always offered to the function)
    const seen: unknown[] = [];
    new v2.Lambda((x: unknown) => seen.push(x)).call(IMAGE, LABELS, new tv.Mask(MASKS));
    expect(seen.length).toBe(2);
    // a vision.Image with boxes and masks
    const [pOut, pBoxes] = new v2.Pad(1).call(pil, new tv.BoundingBoxes([0, 0, 3, 2], { format: 'XYXY', canvasSize: [2, 3] })) as [vision.Image, BoundingBoxesTensor];
    expect([pOut.width, pOut.height, pBoxes.tolist(), pBoxes.canvasSize]).toEqual([5, 4, [[1, 1, 4, 3]], [4, 5]]);
  });

  it('the transforms without box and mask kernels refuse them rather than pass them through unchanged', async () => {
    // FiveCrop and TenCrop: torchvision's check_inputs and its message; keypoints pass through, as v2's passthrough kernel
    for (const t of [new v2.FiveCrop(4), new v2.TenCrop(4)]) {
      expect(() => t.call(sampleDict()), t.constructor.name).toThrow(`BoundingBoxes'es and Mask's are not supported by ${t.constructor.name}()`);
      expect(() => t.call(new tv.Image(IMAGE), new tv.Mask(MASKS)), t.constructor.name).toThrow(`BoundingBoxes'es and Mask's are not supported by ${t.constructor.name}()`);
      const warnings: string[] = [];
      const onWarning = (w: Error): void => { warnings.push(w.message); };
      process.on('warning', onWarning);
      const points = kp('KP');
      const [crops, passed] = t.call(new tv.Image(IMAGE), points) as [unknown[], unknown];
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
      expect([passed === points, crops.length]).toEqual([true, t instanceof v2.FiveCrop ? 5 : 10]);
      expect(warnings).toContain(`${t.constructor.name}() is currently passing through inputs of type tv_tensors.KeyPoints. This will likely change in the future.`);
      for (const c of crops) (c as Tensor).dispose();
    }
    // the automatic augmentations: torchvision's message, for the first box, mask or keypoints leaf of the sample
    for (const t of [new v2.TrivialAugmentWide(), new v2.RandAugment(), new v2.AutoAugment(), new v2.AugMix()]) {
      expect(() => t.call(sampleDict()), t.constructor.name).toThrow(`Inputs of type BoundingBoxes are not supported by ${t.constructor.name}()`);
      expect(() => t.call(new tv.Image(IMAGE), new tv.Mask(MASKS), kp('KP')), t.constructor.name).toThrow(`Inputs of type Mask are not supported by ${t.constructor.name}()`);
    }
    expect(() => new v2.MixUp({ numClasses: 3 }).call(torch.zeros([2, 3, 4, 4]), torch.tensor([0, 1]), new tv.Mask(torch.zeros([2, 4, 4])))).toThrow(/does not support PIL images, bounding boxes/);
    // photometric transforms pass boxes and masks through, as v2
    const out = new v2.ColorJitter(0.5).call(sampleDict()) as { boxes: Tensor; masks: Tensor };
    expect(out.boxes instanceof tv.BoundingBoxes && out.masks instanceof tv.Mask).toBe(true);
  });

  it('RandomRotation and RandomAffine transform boxes and masks with one draw; bad arguments name the problem', () => {
    const rotated = new v2.RandomRotation([30, 30], { expand: true }).call(sampleDict()) as { image: Tensor; boxes: BoundingBoxesTensor; masks: Tensor; labels: Tensor };
    // torchvision 0.28 sizes the boxes' canvas from the matrix about the pixel center, the image's about (0, 0): here they differ by one, as there
    expect([rotated.image.shape, rotated.masks.shape, rotated.boxes.canvasSize, tv.kindOf(rotated.masks), rotated.labels]).toEqual([[3, 30, 32], [7, 30, 32], [30, 31], 'Mask', LABELS]);
    const affined = new v2.RandomAffine(0, { translate: [0.5, 0.5] }).call(IMAGE, { boxes: boxes('XYXY'), masks: new tv.Mask(MASKS) }) as [Tensor, { boxes: Tensor; masks: Tensor }];
    expect([affined[1].boxes instanceof tv.BoundingBoxes, affined[1].masks instanceof tv.Mask]).toEqual([true, true]);
    const b = BOXES.XYXY!;
    expect(() => F.rotateBoundingBoxes(b, 'XYXY', [H, W], '30' as never)).toThrow(/Argument angle should be int or float/);
    expect(() => F.affine(boxes('XYXY'), 10, [1], 1, 0)).toThrow(/Argument translate should be a sequence of length 2/);
    expect(() => F.affine(new tv.Mask(MASKS), 10, [0, 0], 0, 0)).toThrow(/Argument scale should be positive/);
    expect(() => F.affineBoundingBoxes(b, 'XYXY', [H, W], 0, [0, 0], 1, [1, 2, 3])).toThrow(/Shear should be a sequence containing two values/);
    expect(() => F.rotate(new tv.Mask(MASKS), 30, { center: 5 as never })).toThrow(/Argument center should be a sequence/);
    expect(() => F.rotateBoundingBoxes(b, 'XYWHQ' as never, [H, W], 30)).toThrow(/unknown bounding box format 'XYWHQ'/);
    // a fill list per image channel does not fit a mask of 7 instances: torchvision's ValueError
    expect(() => F.rotate(new tv.Mask(MASKS), 30, { fill: [1, 2, 3] })).toThrow(/cannot broadcast to match the number of channels of the image \(3 != 7\)/);
    expect(() => new v2.RandomAffine(10, { fill: [1, 2, 3] }).call(sampleDict())).toThrow(/\(3 != 7\)/);
  });

  it('RandomPerspective and ElasticTransform transform boxes and masks; bad arguments name the problem', () => {
    const out = new v2.RandomPerspective({ p: 1 }).call(sampleDict()) as { boxes: BoundingBoxesTensor; masks: Tensor };
    expect([out.boxes.canvasSize, tv.kindOf(out.masks)]).toEqual([[H, W], 'Mask']);
    const unchanged = new v2.RandomPerspective({ p: 0 }).call(sampleDict()) as { boxes: Tensor };
    expect(unchanged.boxes.equal(BOXES.XYXY!)).toBe(true);
    const elastic = new v2.ElasticTransform({ sigma: 2 }).call(IMAGE, { boxes: boxes('XYWH'), masks: new tv.Mask(MASKS) }) as [Tensor, { boxes: Tensor; masks: Tensor }];
    expect([elastic[1].boxes instanceof tv.BoundingBoxes, elastic[1].masks instanceof tv.Mask]).toEqual([true, true]);
    const b = BOXES.XYXY!;
    expect(() => F.perspective(boxes('XYXY'), null, null)).toThrow(/Either the startpoints\/endpoints or the coefficients must have non `None` values/);
    expect(() => F.perspective(new tv.Mask(MASKS), CORNERS, CORNERS, { coefficients: COEFFICIENTS })).toThrow(/shouldn't be defined concurrently/);
    expect(() => F.perspectiveBoundingBoxes(b, 'XYXY', [H, W], null, null, [1, 2, 3])).toThrow(/Argument coefficients should have 8 float values/);
    expect(() => F.perspectiveBoundingBoxes(b, 'XYXY', [H, W], null, null, [0, 0, 0, 0, 0, 0, 0, 0])).toThrow('Provided perspective_coeffs [0, 0, 0, 0, 0, 0, 0, 0] can not be inverted to transform bounding boxes. Denominator is zero, denom=0');
    expect(() => F.perspective(boxes('XYXY'), [[0, 0]], CORNERS)).toThrow(/Please provide exactly four corners, got 1 startpoints and 4 endpoints/);
    const ends = [[3, 2], [21, 0], [23, 16], [0, 19]];  // an image from the corners' coefficients is the image from the corners
    expect((F.perspective(new tv.Image(IMAGE), null, null, { coefficients: F.perspectiveCoefficients(CORNERS, ends) }) as Tensor).equal(F.perspective(new tv.Image(IMAGE), CORNERS, ends))).toBe(true);
    expect(() => F.elastic(boxes('XYXY'), torch.zeros([1, 5, 5, 2]))).toThrow(/Argument displacement shape should be \[1, 20, 24, 2\], but given \[1, 5, 5, 2\]/);
    expect(() => F.elasticBoundingBoxes(b, 'XYXY', [H, W], [0] as never)).toThrow(/Argument displacement should be a Tensor/);
    expect(() => F.elastic(new tv.Mask(MASKS), DISPLACEMENT, { fill: [1, 2] })).toThrow(/\(2 != 7\)/);
  });

  it('errors name the problem', () => {
    expect(() => new v2.RandomIoUCrop().call(IMAGE, LABELS)).toThrow(/requires input sample to contain tensor or PIL images and bounding boxes/);
    expect(() => new v2.SanitizeBoundingBoxes().call(new tv.Image(IMAGE), boxes('XYXY'))).toThrow(/must be a dictionary or a two-tuple/);
    expect(() => new v2.SanitizeBoundingBoxes().call({ image: IMAGE, boxes: boxes('XYXY'), cls: LABELS })).toThrow(/Could not infer where the labels are/);
    expect(() => new v2.SanitizeBoundingBoxes().call({ image: IMAGE, boxes: boxes('XYXY'), labels: torch.tensor([1, 2]) })).toThrow(/must match the number of labels/);
    expect(() => new v2.SanitizeBoundingBoxes({ minSize: 0.5 })).toThrow(/min_size must be >= 1/);
    expect(new v2.SanitizeBoundingBoxes({ labelsGetter: null }).call(new tv.Image(IMAGE), boxes('XYXY'))).toHaveLength(2);
    expect(() => new v2.RandomCrop(8, { padding: 2, paddingMode: 'reflect' }).call(sampleDict())).toThrow(/Padding mode 'reflect' is not supported with bounding boxes/);
    expect(() => new v2.RandomZoomOut({ fill: [1, 2, 3], p: 1 }).call(sampleDict())).toThrow(/Non-scalar fill value is not supported/);
    expect(() => new v2.Resize(8).call(new tv.Image(IMAGE), new tv.Mask(torch.zeros([5, 7])))).not.toThrow();  // Resize draws nothing: no size check
    expect(() => new v2.RandomResizedCrop(8).call(new tv.Image(IMAGE), new tv.Mask(torch.zeros([5, 7])))).toThrow("Found multiple HxW dimensions in the sample: '(5, 7)', '(20, 24)'");
    expect(() => new v2.ToDtype(new Map([[tv.Image, torch.float32]])).call(sampleDict())).toThrow(/No dtype was specified for type tv_tensors.BoundingBoxes/);
    expect(() => new v2.ToDtype(new Map([['Boxes' as never, torch.float32]]))).toThrow(/keys of a per-type dtype mapping/);
    expect(() => F.convertBoundingBoxFormat(BOXES.XYXY!, null, 'XYWH')).toThrow(/For pure tensor inputs, `old_format` has to be passed/);
    expect(() => F.convertBoundingBoxFormat(boxes('XYXY'), 'XYXY', 'XYWH')).toThrow(/`old_format` must not be passed/);
    expect(() => F.clampBoundingBoxes(BOXES.XYXY!)).toThrow(/have to be passed/);
  });

  it('tv_tensor transforms rebuild in a worker thread (ToDtype with a per-type Map included)', async () => {
    const t = new v2.ToDtype(new Map<any, torch.dtype | null>([[tv.Image, torch.float32], [tv.Mask, torch.int64], ['others', null]]), { scale: true });
    const copy = (await buildSource(structuredClone(packSource(t.workerSource(), [], 'transform')))) as typeof t;
    const out = copy.call(sampleDict()) as { image: Tensor; masks: Tensor; boxes: Tensor };
    expect([out.image.dtype, out.masks.dtype, out.boxes.dtype]).toEqual([torch.float32, torch.int64, torch.float32]);
    for (const x of [new v2.RandomIoUCrop({ trials: 5 }), new v2.SanitizeBoundingBoxes({ minSize: 2 }), new v2.ClampBoundingBoxes(), new v2.ConvertBoundingBoxFormat('XYWH')]) {
      expect(String(await buildSource(structuredClone(packSource(x.workerSource(), [], 'transform'))))).toBe(String(x));
    }
    // the geometric classes with per-leaf kernels: the rebuilt copy makes the same draws and outputs
    for (const x of [new v2.RandomRotation(20, { expand: true, fill: 2 }), new v2.RandomAffine(10, { translate: [0.1, 0.2], shear: [1, 2, 3, 4] }),
      new v2.RandomPerspective(0.4, { p: 0.8 }), new v2.ElasticTransform({ alpha: 9, sigma: 2 }),
      new v2.RandomRotation(20, 'bilinear', false, null, new Map<vision.transforms.v2.FillMapKey, number>([[tv.Image, 3], [tv.Mask, 255]]))]) {  // a per-type fill (a Map: sent as its plain object)
      const rebuilt = (await buildSource(structuredClone(packSource(x.workerSource(), [], 'transform')))) as typeof x;
      torch.manualSeed(3);
      const a = x.call(sampleDict()) as { image: Tensor; boxes: Tensor; masks: Tensor };
      torch.manualSeed(3);
      const b = rebuilt.call(sampleDict()) as { image: Tensor; boxes: Tensor; masks: Tensor };
      expect([a.image.equal(b.image), a.boxes.equal(b.boxes), a.masks.equal(b.masks)], x.constructor.name).toEqual([true, true, true]);
    }
  });

  it('per-type fills: a Map normalized to the kinds\' names, keys naming no type ignored (as torchvision), reprs, worker rebuilds, v1 refuses them', async () => {
    const t = new v2.Pad(2, new Map<unknown, number | null>([[tv.Image, 1], [torch.Tensor, 2], [vision.Image, 3], ['others', null], [Symbol('x'), 4], ['Boxes', 5]]) as never);
    expect(t.fillDict).toEqual({ Image: 1, Tensor: 2, PIL: 3, others: null, Boxes: 5 });
    expect(t.fill).toBe(0);  // v1's field keeps its default
    expect(String(t)).toBe('Pad(padding=2, padding_mode=constant)');  // torchvision's v2 repr leaves a per-type fill (a dict) out
    expect(String(new v2.Pad(2, { fill: 4 }))).toBe('Pad(padding=2, fill=4, padding_mode=constant)');
    expect(new v2.Pad(2, { fill: 4 }).fillDict).toEqual({ others: 4 });
    // the vision.Image (PIL) key; a missing key is None: Pad's None pads with 0
    const pil = vision.transforms.functional.toPILImage(IMAGE);
    const padded = t.call(pil) as vision.Image;
    expect([padded.width, padded.data[0]]).toEqual([W + 4, 3]);
    expect((new v2.Pad(1, { fill: { Mask: 9 } }).forward(IMAGE) as Tensor).index(0, 0, 0).item()).toBe(0);
    expect((new v2.Pad(1, { fill: { Tensor: 9 } }).forward(IMAGE) as Tensor).index(0, 0, 0).item()).toBe(9);
    // torchvision 0.28's v2 reprs (extra_repr) leave dicts, so per-type fills, out
    expect(String(new v2.RandomAffine(5, { fill: { Image: [1, 2, 3] }, center: [1, 2] }))).toBe('RandomAffine(degrees=[-5.0, 5.0], interpolation=nearest, center=[1, 2])');
    expect(String(new v2.RandomRotation(5, { fill: { Mask: 255, others: 0 } }))).toBe('RandomRotation(degrees=[-5.0, 5.0], interpolation=nearest, expand=False)');
    expect(String(new v2.RandomRotation(5, { center: [1, 2], fill: { Mask: 255 } }))).toBe('RandomRotation(degrees=[-5.0, 5.0], interpolation=nearest, expand=False, center=[1, 2])');
    expect(String(new v2.ElasticTransform({ fill: { Mask: 1 } }))).toBe('ElasticTransform(alpha=[50.0, 50.0], sigma=[5.0, 5.0], interpolation=bilinear)');
    expect(String(new v2.RandomZoomOut({ fill: { Mask: 1, others: [1, 2, 3] } }))).toBe('RandomZoomOut(p=0.5, side_range=(1.0, 4.0))');
    expect(String(new v2.AutoAugment({ fill: { Image: 1 } }))).toBe('AutoAugment(interpolation=nearest, policy=AutoAugmentPolicy.IMAGENET)');
    expect(String(new v2.TrivialAugmentWide())).toBe('TrivialAugmentWide(interpolation=nearest, num_magnitude_bins=31)');
    // the worker rebuilds each from its plain object
    for (const x of [t, new v2.RandomCrop(16, { padding: 4, fill: { Mask: 255, others: 0 } }), new v2.RandomZoomOut({ fill: new Map([[tv.Mask, 1]]), p: 1 }),
      new v2.RandomPerspective(0.5, 1, 'bilinear', new Map<vision.transforms.v2.FillMapKey, number>([[tv.Image, 5]])), new v2.ElasticTransform({ fill: { Mask: 2 } }),
      new v2.AutoAugment({ fill: { Image: 1 } }), new v2.RandAugment(2, 9, 31, 'nearest', new Map([['others', 3]])), new v2.TrivialAugmentWide({ fill: { Tensor: 1 } }), new v2.AugMix({ fill: { others: 4 } })]) {
      const rebuilt = (await buildSource(structuredClone(packSource(x.workerSource(), [], 'transform')))) as typeof x;
      expect([String(rebuilt), rebuilt.fillDict]).toEqual([String(x), x.fillDict]);
    }
    // values are checked; a per-type fill goes in the options (or as a Map): a plain object last is the options
    expect(() => new v2.RandomZoomOut({ fill: { Mask: 'x' as never } })).toThrow(/Got inappropriate fill arg, only Numbers, tuples, lists and dicts are allowed. Got string/);
    expect(() => new v2.RandomRotation(5, 'nearest', false, null, { Image: 1 } as never)).toThrow(/unexpected option 'Image'|Image/);
    // v1 refuses them, as torchvision's v1
    expect(() => new vision.transforms.RandomRotation(5, { fill: { Image: 1 } as never })).toThrow(/Fill should be either a sequence or a number/);
    expect(() => new vision.transforms.RandomAffine(5, { fill: new Map([[tv.Image, 1]]) as never })).toThrow(/Fill should be either a sequence or a number/);
    expect(() => new vision.transforms.AutoAugment({ fill: { Image: 1 } as never })).toThrow(/Fill should be either a sequence or a number/);
    // forward on one image takes the image's fill, with the draws of call
    const rot = new v2.RandomRotation(30, { interpolation: 'bilinear', fill: { Tensor: 9 } });
    torch.manualSeed(1);
    const one = rot.forward(IMAGE);
    torch.manualSeed(1);
    expect(one.equal(rot.call(IMAGE) as Tensor)).toBe(true);
    for (const x of [new v2.RandomAffine(20, { fill: { Image: 7 } }), new v2.RandomPerspective({ p: 1, fill: { Image: 7 } })]) {
      torch.manualSeed(2);
      const a = x.forward(new tv.Image(IMAGE));
      torch.manualSeed(2);
      expect(a.equal(x.call(new tv.Image(IMAGE)) as Tensor)).toBe(true);
    }
  });

  it('a transform that fails on one leaf frees the leaves it had already transformed', () => {
    const failing: [() => { call(...inputs: unknown[]): unknown }, RegExp][] = [
      [() => new v2.RandomRotation(30, { fill: { Mask: [1, 2] } }), /cannot broadcast/],
      [() => new v2.RandomAffine(20, { fill: { Mask: [1, 2] } }), /cannot broadcast/],
      [() => new v2.RandomPerspective({ p: 1, fill: { Mask: [1, 2] } }), /cannot broadcast/],
      [() => new v2.ElasticTransform({ alpha: 20.0, sigma: 2.0, fill: { Mask: [1, 2] } }), /cannot broadcast/],
      [() => new v2.Pad(2, { paddingMode: 'reflect' }), /not supported with KeyPoints/],
      [() => new v2.RandomCrop(H + 4, { padIfNeeded: true, paddingMode: 'reflect' }), /not supported with KeyPoints/],
    ];
    const image = new tv.Image(IMAGE), mask = new tv.Mask(MASKS.index(':1')), points = kp('KP');
    for (const [make, message] of failing) {
      const t = make();
      const before = liveTensors(torch);
      expect(() => t.call(image, mask, points), String(t)).toThrow(message);
      expect(torch.nativeStats().tensors, String(t)).toBe(before);  // freed at once, not left to the GC
    }
    for (const x of [image, mask, points]) x.dispose();
  });

  it('a detection pipeline leaves no native tensors behind once collected', () => {
    const r = runWithGc(`
      const v2 = torch.vision.transforms.v2, tv = torch.vision.tvTensors;
      const t = new v2.Compose([new v2.RandomZoomOut({ p: 0.6 }), new v2.RandomIoUCrop(), new v2.RandomHorizontalFlip(), new v2.RandomRotation(15),
        new v2.RandomAffine(10, { translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 5 }), new v2.Resize(16), new v2.RandomPerspective(), new v2.ElasticTransform({ sigma: 2 }),
        new v2.ToDtype(new Map([[tv.Image, torch.float32], ['others', null]]), { scale: true }), new v2.ClampBoundingBoxes(), new v2.SanitizeBoundingBoxes(),
        new v2.CenterCrop(14), new v2.RandomResizedCrop(12), new v2.Pad(2), new v2.ClampKeyPoints(), new v2.SanitizeKeyPoints()]);
      torch.manualSeed(0);
      const image = new tv.Image(torch.randint(0, 256, [3, 20, 24], { dtype: torch.uint8 }));
      const boxes = new tv.BoundingBoxes(torch.tensor([[2, 3, 10, 12], [12, 8, 20, 18], [4, 14, 18, 22]], { dtype: torch.float32 }), { format: 'XYXY', canvasSize: [20, 24] });
      const masks = new tv.Mask(torch.zeros([3, 20, 24], { dtype: torch.uint8 }));
      const labels = torch.tensor([1, 2, 3]);
      const keypoints = new tv.KeyPoints(torch.tensor([[[2, 3], [10, 12]], [[12, 8], [25, 18]], [[4, 14], [18, 19]]], { dtype: torch.float32 }), { canvasSize: [20, 24] });
      t.call({ image, boxes, masks, labels, keypoints });
      const before = await settle();
      for (let i = 0; i < 100; i++) t.call({ image, boxes, masks, labels, keypoints });
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(10);
  });
});
