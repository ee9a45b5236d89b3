// vision.ops' box operations and losses and vision.utils' drawBoundingBoxes / drawSegmentationMasks / drawKeypoints
// against torchvision 0.28 (test/fixtures/box-ops.json, made by scripts/make-box-ops-fixtures.py): every
// case is the JS port of the Python call of the same name and must give torchvision's tensors bit for
// bit (values, input gradients of the differentiable ops, NMS indices, drawn pixels); errors and warnings
// carry torchvision's messages.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '../lib/index.js';
import * as B from '../lib/vision/ops/boxes.js';
import * as L from '../lib/vision/ops/losses.js';
import * as D from '../lib/vision/draw.js';
import { check, makeTensor, type Enc, type TensorEnc } from './golden-replay.js';
import { liveTensors } from './run-child.js';

type Tensor = torch.Tensor;
interface Fixture {
  meta: { torch: string; torchvision: string; pillow: string; cpuCapability: string; threads: number };
  inputs: Record<string, TensorEnc>;
  palette: number[][];
  colors: Record<string, number[]>;
  cases: Record<string, Enc>;
  errors: Record<string, string>;
  warnings: Record<string, string>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/box-ops.json', import.meta.url), 'utf8')) as Fixture;
// reshaped: makeTensor cannot tell an empty (0, 4) from a (0) tensor
const I = (name: string): Tensor => makeTensor(fx.inputs[name]!).reshape(fx.inputs[name]!.shape);

/** fn's output on fresh leaf copies of the inputs, then (after output.sum().backward()) their grads (Python's with_grads). */
function withGrads(fn: (...t: Tensor[]) => Tensor, ...names: string[]): Tensor[] {
  const leaves = names.map((n) => I(n).requiresGrad_());
  const out = fn(...leaves);
  out.sum().backward();
  return [out, ...leaves.map((l) => l.grad!)];
}

// ---- the JS port of each Python case, in the script's order
const PORTS: Record<string, () => unknown> = {};
const port = (name: string, fn: () => unknown): void => {
  if (name in PORTS) throw new Error(`duplicate port ${name}`);
  PORTS[name] = fn;
};

const FMTS = ['xyxy', 'xywh', 'cxcywh'] as const;
for (const src of ['a32', 'a64', 'ai', 'ah', 'batch_a', 'empty'])
  for (const fi of FMTS) for (const fo of FMTS) port(`box_convert_${src}_${fi}_${fo}`, () => B.boxConvert(I(src), fi, fo));
for (const src of ['rot32', 'rot64', 'roti']) {
  for (const [fi, fo] of [['cxcywhr', 'xywhr'], ['xywhr', 'cxcywhr'], ['cxcywhr', 'xyxyxyxy'], ['xywhr', 'xyxyxyxy'], ['cxcywhr', 'cxcywhr']] as const)
    port(`box_convert_${src}_${fi}_${fo}`, () => B.boxConvert(I(src), { inFmt: fi, outFmt: fo }));
  port(`box_convert_${src}_roundtrip8`, () => B.boxConvert(B.boxConvert(I(src), 'cxcywhr', 'xyxyxyxy'), 'xyxyxyxy', 'cxcywhr'));
  port(`box_convert_${src}_8_to_xywhr`, () => B.boxConvert(B.boxConvert(I(src), 'xywhr', 'xyxyxyxy'), 'xyxyxyxy', 'xywhr'));
}
port('box_convert_grad', () => withGrads((b) => B.boxConvert(b, 'cxcywh', { outFmt: 'xywh' }).mul(torch.arange(4.0)), 'a32'));

for (const src of ['a32', 'a64', 'ai', 'au8', 'ah', 'batch_a', 'empty'])
  for (const f of FMTS) port(`box_area_${src}_${f}`, () => B.boxArea(I(src), { fmt: f }));

for (const [a, b] of [['a32', 'b32'], ['a64', 'b64'], ['ai', 'bi'], ['ah', 'bh'], ['batch_a', 'batch_b'], ['empty', 'b32'], ['a32', 'empty']] as const) {
  for (const f of FMTS) port(`box_iou_${a}_${b}_${f}`, () => B.boxIou(I(a), I(b), f));
  port(`generalized_box_iou_${a}_${b}`, () => B.generalizedBoxIou(I(a), I(b)));
  port(`distance_box_iou_${a}_${b}`, () => B.distanceBoxIou(I(a), I(b)));
  port(`complete_box_iou_${a}_${b}`, () => B.completeBoxIou(I(a), I(b)));
}
port('distance_box_iou_eps', () => B.distanceBoxIou(I('a64'), I('b64'), { eps: 0.5 }));
port('complete_box_iou_eps', () => B.completeBoxIou(I('a32'), I('b32'), 1e-3));
for (const [a, b] of [['a32', 'b32'], ['a64', 'b64'], ['batch_a', 'batch_b']] as const) {
  for (const f of FMTS) port(`box_iou_grad_${a}_${f}`, () => withGrads((x, y) => B.boxIou(x!, y!, { fmt: f }), a, b));
  port(`generalized_box_iou_grad_${a}`, () => withGrads((x, y) => B.generalizedBoxIou(x!, y!), a, b));
  port(`distance_box_iou_grad_${a}`, () => withGrads((x, y) => B.distanceBoxIou(x!, y!), a, b));
  port(`complete_box_iou_grad_${a}`, () => withGrads((x, y) => B.completeBoxIou(x!, y!), a, b));
}

for (const src of ['wild32', 'wild64', 'wildi', 'wild_batch', 'empty']) port(`clip_boxes_${src}`, () => B.clipBoxesToImage(I(src), [10, 15]));
port('clip_boxes_grad', () => withGrads((b) => B.clipBoxesToImage(b, { size: [10, 15] }).mul(torch.arange(4.0)), 'wild32'));

for (const [src, sizes] of [['a32', [0.0, 1.0, 4.5]], ['a64', [2.25]], ['ai', [3, 5.5]], ['batch_a', [2.0]], ['empty', [1.0]]] as const)
  sizes.forEach((v, k) => port(`remove_small_boxes_${src}_${k}`, () => B.removeSmallBoxes(I(src), v)));

for (const src of ['masks', 'masks_u8', 'masks_f']) port(`masks_to_boxes_${src}`, () => B.masksToBoxes(I(src)));
port('masks_to_boxes_empty', () => B.masksToBoxes(torch.zeros([0, 7, 9], { dtype: torch.bool })));
port('masks_to_boxes_zero_width', () => B.masksToBoxes(torch.ones([2, 4, 0], { dtype: torch.bool })));

const LOSSES = { giou: L.generalizedBoxIouLoss, diou: L.distanceBoxIouLoss, ciou: L.completeBoxIouLoss };
for (const [lname, fn] of Object.entries(LOSSES)) {
  for (const [a, b] of [['p32', 't32'], ['p64', 't64'], ['pone', 'tone']])
    for (const red of ['none', 'mean', 'sum'] as const)
      port(`${lname}_loss_${a}_${red}`, () => withGrads((x, y) => fn(x!, y!, { reduction: red }), a!, b!));
  port(`${lname}_loss_eps`, () => withGrads((x, y) => fn(x!, y!, 'sum', 0.25), 'p64', 't64'));
  port(`${lname}_loss_int`, () => fn(I('pi'), I('ti')));
  port(`${lname}_loss_empty_mean`, () => withGrads((x, y) => fn(x!, y!, { reduction: 'mean' }), 'empty', 'empty'));
  port(`${lname}_loss_empty_none`, () => fn(I('empty'), I('empty')));
}

for (const [lg, tg] of [['logits32', 'labels32'], ['logits32', 'soft32'], ['logits64', 'labels64']] as const)
  for (const [alpha, gamma] of [[0.25, 2], [-1, 2], [0.75, 0], [0.5, 1.5], [1, 2]] as const)
    for (const red of ['none', 'mean', 'sum'] as const)
      port(`focal_${lg}_${tg}_${alpha}_${gamma}_${red}`, () => withGrads((x) => L.sigmoidFocalLoss(x!, I(tg), { alpha, gamma, reduction: red }), lg));
port('focal_target_grad', () => withGrads((x, y) => L.sigmoidFocalLoss(x!, y!), 'logits32', 'soft32'));
port('focal_empty_mean', () => L.sigmoidFocalLoss(torch.zeros([0]), torch.zeros([0]), 0.25, 2, 'mean'));

const HAND: Record<string, [string, string, number]> = {
  hand_at_half: ['hand_boxes', 'hand_scores', 0.5],
  hand_below_half: ['hand_boxes', 'hand_scores', 0.49],
  hand_zero: ['hand_boxes', 'hand_scores', 0.0],
  hand_one: ['hand_boxes', 'hand_scores', 1.0],
  hand_negative: ['hand_boxes', 'hand_scores', -0.5],
  third_f32: ['third_boxes', 'third_scores', 1 / 3],
  third_f64: ['third_boxes64', 'third_scores64', 1 / 3],
  hand_degenerate: ['degenerate_boxes', 'degenerate_scores', 0.3],
};
for (const [name, [bx, sc, thr]] of Object.entries(HAND)) port(`nms_${name}`, () => B.nms(I(bx), I(sc), thr));
port('nms_ties_order', () => I('tie_scores').sort(0, true)[1]);
port('nms_ties', () => B.nms(I('hand_boxes'), I('tie_scores'), 0.3));
for (const thr of [0.3, 0.5, 0.7]) {
  port(`nms_rand32_${thr}`, () => B.nms(I('nms_boxes32'), I('nms_scores32'), thr));
  port(`nms_rand64_${thr}`, () => B.nms(I('nms_boxes64'), I('nms_scores64'), { iouThreshold: thr }));
}
port('nms_tied_scores', () => B.nms(I('nms_tie_boxes'), I('nms_tie_scores'), 0.4));
port('nms_empty', () => B.nms(I('empty'), torch.zeros([0]), 0.5));
port('batched_nms_32', () => B.batchedNms(I('nms_tie_boxes'), I('nms_tie_scores'), I('nms_idxs'), 0.4));
port('batched_nms_vanilla_small', () => B._internal.batchedNmsVanilla(I('nms_tie_boxes'), I('nms_tie_scores'), I('nms_idxs'), 0.4));
port('batched_nms_64', () => B.batchedNms(I('nms_boxes64'), I('nms_scores64'), I('nms_idxs').index(':30'), { iouThreshold: 0.5 }));
port('batched_nms_one_class', () => B.batchedNms(I('nms_boxes32'), I('nms_scores32'), torch.zeros([30], { dtype: torch.int64 }), 0.5));
port('batched_nms_empty', () => B.batchedNms(I('empty'), torch.zeros([0]), torch.zeros([0], { dtype: torch.int64 }), 0.5));
port('batched_nms_big', () => B.batchedNms(I('big_boxes'), I('big_scores'), I('big_idxs'), 0.5));
port('batched_nms_big_trick', () => B._internal.batchedNmsCoordinateTrick(I('big_boxes'), I('big_scores'), I('big_idxs'), 0.5));

const DRAW: Record<string, () => Tensor> = {
  boxes_default: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes')),
  boxes_width3_colors: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes'), { colors: ['red', '#00ff7f', [10, 20, 30], 'hsl(200, 50%, 40%)', 'rgb(10%, 20%, 90%)', 'DarkGoldenRod'], width: 3 }),
  boxes_fill: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes'), { fill: true }),
  boxes_fill_width2: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), null, 'blue', true, 2),
  boxes_wide: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { width: 5, colors: [255, 128, 0] }),
  boxes_width0: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { width: 0 }),
  boxes_width0_fill: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { width: 0, fill: true }),
  boxes_gray: () => D.drawBoundingBoxes(I('img_gray'), I('draw_boxes_small'), { colors: 'yellow' }),
  boxes_f32: () => D.drawBoundingBoxes(I('img_f32'), I('draw_boxes'), { fill: true, width: 2 }),
  boxes_f64: () => D.drawBoundingBoxes(I('img_f64'), I('draw_boxes_small'), { colors: ['white', 'hsv(120, 100%, 50%)', '#abc'] }),
  boxes_int: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_int'), { colors: [[300, -5, 0], 'rgba(1, 2, 3, 4)'] }),
  boxes_none_labels: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { labels: [null, null, null] }),
  boxes_font_size: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { fontSize: 12 }),
  masks_default: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks')),
  masks_2d: () => D.drawSegmentationMasks(I('img_u8'), I('draw_mask2d'), { colors: 'red' }),
  masks_alpha: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks'), 0.3, ['green', [1, 2, 3], '#123456', 'blue']),
  masks_alpha1: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks'), { alpha: 1.0 }),
  masks_alpha0: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks'), { alpha: 0.0 }),
  masks_many: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks_many'), { alpha: 0.6 }),
  masks_f32: () => D.drawSegmentationMasks(I('img_f32'), I('draw_masks')),
  masks_f64: () => D.drawSegmentationMasks(I('img_f64'), I('draw_masks_many')),
  masks_f64_named: () => D.drawSegmentationMasks(I('img_f64'), I('draw_masks'), { alpha: 0.45, colors: ['orchid', [200, 100, 50], 'hsl(10, 80%, 30%)'] }),
  obox_default: () => D.drawBoundingBoxes(I('img_big'), I('oboxes')),
  obox_fill: () => D.drawBoundingBoxes(I('img_big'), I('oboxes'), { fill: true }),
  obox_width2_fill: () => D.drawBoundingBoxes(I('img_big'), I('oboxes'), null, 'orange', true, 2),
  obox_width3: () => D.drawBoundingBoxes(I('img_big'), I('oboxes'), { width: 3, colors: [[255, 0, 0], 'lime', '#00f', 'white', 'black', 'yellow', 'cyan'] }),
  obox_width5_fill: () => D.drawBoundingBoxes(I('img_big'), I('oboxes_diag'), { width: 5, fill: true }),
  obox_width4: () => D.drawBoundingBoxes(I('img_big'), I('oboxes_diag'), { width: 4, colors: 'magenta' }),
  obox_diag: () => D.drawBoundingBoxes(I('img_big'), I('oboxes_diag')),
  obox_width0_fill: () => D.drawBoundingBoxes(I('img_big'), I('oboxes'), { width: 0, fill: true }),
  obox_gray: () => D.drawBoundingBoxes(I('img_big_gray'), I('oboxes_diag'), { width: 2, colors: 'red' }),
  obox_f32: () => D.drawBoundingBoxes(I('img_big_f32'), I('oboxes'), { fill: true, width: 3 }),
  kp_default: () => D.drawKeypoints(I('img_big'), I('kps')),
  kp_red: () => D.drawKeypoints(I('img_big'), I('kps'), { colors: 'red' }),
  kp_connect: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1], [1, 2], [2, 3], [3, 4], [0, 4], [-1, 1]], colors: 'blue' }),
  kp_connect_nocolor: () => D.drawKeypoints(I('img_big'), I('kps'), [[0, 2], [1, 3]]),
  kp_radius0_width1: () => D.drawKeypoints(I('img_big'), I('kps'), [[0, 1], [2, 4]], [10, 200, 30], 0, 1),
  kp_radius1_width2: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1], [1, 2], [3, 0]], colors: '#abcdef', radius: 1, width: 2 }),
  kp_radius3_width4: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[4, 3], [2, 1]], colors: [300, -4, 128], radius: 3, width: 4 }),
  kp_radius5_width5: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1], [1, 2], [2, 3]], colors: 'hsl(120, 60%, 40%)', radius: 5, width: 5 }),
  kp_radius8_width7: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 2], [1, 4]], colors: [1, 2, 3, 4], radius: 8, width: 7 }),
  kp_radius_float: () => D.drawKeypoints(I('img_big'), I('kps'), { colors: 'green', radius: 2.5 }),
  kp_width0: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1]], colors: 'red', width: 0 }),
  kp_visibility: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1], [1, 2], [2, 3], [3, 4]], colors: 'yellow', visibility: I('kps_vis') }),
  kp_visibility3d: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1], [1, 2], [2, 3], [3, 4]], colors: 'yellow', visibility: I('kps_vis').unsqueeze(-1) }),
  kp_visibility_float: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 2], [2, 4], [1, 3]], colors: 'white', visibility: I('kps_vis_float') }),
  kp_f32: () => D.drawKeypoints(I('img_big_f32'), I('kps'), { connectivity: [[0, 1], [1, 2]], colors: 'red', radius: 3, width: 2 }),
  kp_f64: () => D.drawKeypoints(I('img_big'), I('kps_f64'), { connectivity: [[0, 1], [1, 2], [2, 0]], colors: 'cyan', radius: 4 }),
  kp_empty: () => D.drawKeypoints(I('img_big'), torch.zeros([0, 3, 2]), { connectivity: [[0, 9]], colors: 'red' }),
  kp_radius_negative_nocolor: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1]], radius: -1 }),
};
for (const [name, fn] of Object.entries(DRAW)) port(`draw_${name}`, fn);

// ---- errors: torchvision's message (the port prefixes its function name)
const ERRORS: Record<string, () => unknown> = {
  box_convert_fmt: () => B.boxConvert(I('a32'), 'xyxy', 'foo' as never),
  box_convert_rotated: () => B.boxConvert(I('a32'), 'xyxy', 'xywhr'),
  box_area_fmt: () => B.boxArea(I('a32'), { fmt: 'xyxyxyxy' as never }),
  box_iou_fmt: () => B.boxIou(I('a32'), I('b32'), { fmt: 'foo' as never }),
  focal_alpha: () => L.sigmoidFocalLoss(I('logits32'), I('labels32'), { alpha: 1.5 }),
  focal_reduction: () => L.sigmoidFocalLoss(I('logits32'), I('labels32'), { reduction: 'foo' as never }),
  giou_reduction: () => L.generalizedBoxIouLoss(I('p32'), I('t32'), { reduction: 'avg' as never }),
  draw_boxes_batch: () => D.drawBoundingBoxes(I('img_u8').unsqueeze(0), I('draw_boxes')),
  draw_boxes_channels: () => D.drawBoundingBoxes(I('img_u8').index(':2'), I('draw_boxes')),
  draw_boxes_dtype: () => D.drawBoundingBoxes(I('img_u8').int(), I('draw_boxes')),
  draw_boxes_order: () => D.drawBoundingBoxes(I('img_u8'), torch.tensor([[5.0, 1.0, 2.0, 4.0]])),
  draw_boxes_labels: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { labels: ['a', 'b'] }),
  draw_boxes_few_colors: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { colors: ['red'] }),
  draw_boxes_tuple: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { colors: [1, 2] as never }),
  draw_boxes_color_name: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { colors: 'notacolor' }),
  draw_boxes_rgba_fill: () => D.drawBoundingBoxes(I('img_u8'), I('draw_boxes_small'), { colors: '#ff000080', fill: true }),
  draw_masks_channels: () => D.drawSegmentationMasks(I('img_gray'), I('draw_masks')),
  draw_masks_shape: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks').unsqueeze(0)),
  draw_masks_dtype: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks').to(torch.uint8)),
  draw_masks_size: () => D.drawSegmentationMasks(I('img_u8'), I('draw_masks').index(':', ':5')),
  draw_masks_dtype_image: () => D.drawSegmentationMasks(I('img_u8').long(), I('draw_masks')),
  draw_obox_rgba_fill: () => D.drawBoundingBoxes(I('img_big'), I('oboxes'), { colors: 'rgba(1, 2, 3, 4)', fill: true }),
  draw_kp_channels: () => D.drawKeypoints(I('img_gray'), I('kps')),
  draw_kp_batch: () => D.drawKeypoints(I('img_big').unsqueeze(0), I('kps')),
  draw_kp_dtype: () => D.drawKeypoints(I('img_big').int(), I('kps')),
  draw_kp_shape: () => D.drawKeypoints(I('img_big'), I('kps').index(0)),
  draw_kp_vis_ndim: () => D.drawKeypoints(I('img_big'), I('kps'), { visibility: I('kps_vis').index(0) }),
  draw_kp_vis_shape: () => D.drawKeypoints(I('img_big'), I('kps'), { visibility: I('kps_vis').index(':', ':4') }),
  draw_kp_vis_3d: () => D.drawKeypoints(I('img_big'), I('kps'), { visibility: torch.ones([2, 5, 2]) }),
  draw_kp_radius: () => D.drawKeypoints(I('img_big'), I('kps'), { colors: 'red', radius: -1 }),
  draw_kp_connectivity: () => D.drawKeypoints(I('img_big'), I('kps'), { connectivity: [[0, 1], [1, 5]] }),
  draw_kp_color_name: () => D.drawKeypoints(I('img_big'), I('kps'), { colors: 'notacolor' }),
  draw_kp_color_before_radius: () => D.drawKeypoints(I('img_big'), I('kps'), { colors: 'notacolor', radius: -1 }),
  draw_kp_nan: () => D.drawKeypoints(I('img_big'), torch.tensor([[[5.0, 5.0], [NaN, 3.0]]]), { colors: 'red' }),
};

describe('vision.ops boxes, losses and drawing against torchvision 0.28', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the fixture is torchvision 0.28 on torch 2.13, and every case and error has a port', () => {
    expect(fx.meta.torchvision).toMatch(/^0\.28\./);
    expect(fx.meta.torch).toMatch(/^2\.13\./);
    expect(Object.keys(PORTS).sort()).toEqual(Object.keys(fx.cases).sort());
    expect(Object.keys(ERRORS).sort()).toEqual(Object.keys(fx.errors).sort());
  });

  it("every case gives torchvision's result bit for bit (values and gradients)", () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const failures: string[] = [];
    for (const [name, fn] of Object.entries(PORTS)) {
      try {
        torch.tidy(() => check(fn(), fx.cases[name]!, undefined, name));
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("throws torchvision's errors with its messages", () => {
    for (const [name, fn] of Object.entries(ERRORS)) expect(fn, name).toThrow(fx.errors[name]!);
  });

  it("warns as torchvision does, returning the input itself when there is nothing to draw", () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const img = I('img_u8');
    expect(D.drawBoundingBoxes(img, torch.zeros([0, 4]))).toBe(img);
    expect(D.drawSegmentationMasks(img, torch.zeros([0, 12, 16], { dtype: torch.bool }))).toBe(img);
    D.drawBoundingBoxes(img, I('draw_boxes_small'), { fontSize: 12 });
    const messages = emit.mock.calls.map((c) => String(c[0]));
    expect(messages).toHaveLength(3);
    for (const [k, key] of ['draw_boxes_empty', 'draw_masks_empty', 'draw_boxes_font_size'].entries()) expect(messages[k]).toContain(fx.warnings[key]!);
  });

  it('leaves the input image unchanged and returns new tensors', () => {
    const img = I('img_u8'), before = img.clone();
    const drawn = D.drawBoundingBoxes(img, I('draw_boxes'), { fill: true });
    const masked = D.drawSegmentationMasks(img, I('draw_masks'));
    const keypoints = D.drawKeypoints(img, torch.zeros([0, 3, 2]));
    expect(drawn).not.toBe(img);
    expect(masked).not.toBe(img);
    expect(keypoints).not.toBe(img);
    expect(img.equal(before)).toBe(true);
  });

  it("parses colors as PIL's ImageColor.getrgb and torchvision's palette", () => {
    for (const [spec, rgb] of Object.entries(fx.colors)) expect(D.getrgb(spec), spec).toEqual(rgb);
    expect(D.generateColorPalette(fx.palette.length)).toEqual(fx.palette);
    expect(() => D.getrgb('x'.repeat(101))).toThrow(/color specifier is too long/);
  });

  it('batchedNms: the per-class loop and the coordinate trick keep the same boxes', () => {
    const [boxes, scores, idxs] = [I('nms_boxes32'), I('nms_scores32'), I('nms_idxs').index(':30')];
    const loop = B._internal.batchedNmsVanilla(boxes, scores, idxs, 0.5);
    const trick = B._internal.batchedNmsCoordinateTrick(boxes, scores, idxs, 0.5);
    expect(loop.tolist()).toEqual(trick.tolist());
    // per class, the same as nms on that class alone
    for (const c of [0, 1, 2]) {
      const members = torch.where(idxs.eq(c))[0]!;
      const alone = members.index(B.nms(boxes.index(members), scores.index(members), 0.5)).tolist() as number[];
      expect((loop.tolist() as number[]).filter((i) => (idxs.tolist() as number[])[i] === c)).toEqual(alone);
    }
  });

  it('nms reads boxes that require grad and are not contiguous, and keeps the index dtype', () => {
    const boxes = I('nms_boxes32').t().contiguous().t().requiresGrad_();
    const keep = B.nms(boxes, I('nms_scores32'), 0.5);
    expect(keep.dtype).toBe(torch.int64);
    check(keep, fx.cases['nms_rand32_0.5']!, undefined, 'keep');
  });

  it('rejects bad arguments with errors naming the function and the problem', () => {
    const boxes = I('nms_boxes32'), scores = I('nms_scores32');
    expect(() => B.nms(boxes.index(0), scores, 0.5)).toThrow(/nms: boxes should be a 2d tensor, got 1D/);
    expect(() => B.nms(boxes.index(':', ':3'), scores, 0.5)).toThrow(/nms: boxes should have 4 elements in dimension 1, got 3/);
    expect(() => B.nms(boxes, scores.unsqueeze(0), 0.5)).toThrow(/nms: scores should be a 1d tensor, got 2D/);
    expect(() => B.nms(boxes, scores.index(':5'), 0.5)).toThrow(/boxes and scores should have same number of elements in dimension 0, got 30 and 5/);
    expect(() => B.nms(boxes.half(), scores.half(), 0.5)).toThrow(/"nms_kernel" not implemented for 'Half'/);
    expect(() => B.nms(boxes, scores.double(), 0.5)).toThrow(/dets should have the same type as scores/);
    expect(() => B.nms(boxes, scores, '0.5' as never)).toThrow(/nms: iouThreshold must be a number, got string/);
    expect(() => B.nms(boxes, scores, { iouThresh: 0.5 } as never)).toThrow(/unexpected option 'iouThresh'/);
    expect(() => B.batchedNms(boxes, scores, I('nms_idxs'), 0.5)).toThrow(/batchedNms: idxs must be a 1d tensor of one category per box \(30\)/);
    expect(() => B.boxConvert([1, 2, 3, 4] as never, 'xyxy', 'xywh')).toThrow(/boxConvert: boxes must be a Tensor, got an array/);
    expect(() => B.boxConvert(torch.zeros([2, 5]), 'xyxy', 'xywh')).toThrow(/boxConvert: boxes must hold 4 numbers per box in its last dimension, got shape \[2, 5\]/);
    expect(() => B.boxIou(I('a32'), I('b32'), 'cxcywhr' as never)).toThrow(/boxIou: rotated boxes \('cxcywhr'\) need torchvision's native box_iou_rotated kernel/);
    expect(() => B.clipBoxesToImage(I('a32'), [10] as never)).toThrow(/clipBoxesToImage: size must be \[height, width\], got \[10\]/);
    expect(() => B.masksToBoxes(torch.ones([3, 3], { dtype: torch.bool }))).toThrow(/masksToBoxes: masks must be \(N, H, W\), got shape \[3, 3\]/);
    expect(() => L.generalizedBoxIouLoss(I('p32'), I('t32').index(':', ':3'))).toThrow(/generalizedBoxIouLoss: boxes2 must be xyxy boxes \(N, 4\) or \(4\)/);
    expect(() => L.sigmoidFocalLoss(I('logits32'), I('labels32'), { alpha: '1' as never })).toThrow(/sigmoidFocalLoss: alpha must be a number, got string/);
    const img = I('img_u8'), small = I('draw_boxes_small');
    expect(() => D.drawBoundingBoxes(img, small, { labels: ['a', null, 'c'] })).toThrow(/drawBoundingBoxes: drawing label text is not supported/);
    expect(() => D.drawBoundingBoxes(img, torch.tensor([[NaN, 0, 5, 5, 5, 5, 0, 5]]))).toThrow(/drawBoundingBoxes: box 0: its first edge is 9223372036854776000 pixels long, too long to draw dashed/);
    expect(() => D.drawBoundingBoxes(img, torch.zeros([2, 6]))).toThrow(/drawBoundingBoxes: boxes must be \(N, 4\) or \(N, 8\), got shape \[2, 6\]/);
    // PIL checks the width at the first line it draws: without connectivity a float width draws as torchvision does
    expect(() => D.drawKeypoints(img, I('kps'), { connectivity: [[0, 1]], width: 2.5 })).toThrow(/drawKeypoints: width must be an integer, got 2.5/);
    check(D.drawKeypoints(I('img_big'), I('kps'), { colors: 'red', width: 2.5 }), fx.cases['draw_kp_red']!, undefined, 'draw_kp_red, width 2.5');
    expect(() => D.drawKeypoints(img, I('kps'), { colors: [1, 2] as never })).toThrow(/drawKeypoints: color must be int, or tuple of one, three or four elements/);
    expect(() => D.drawKeypoints(img, I('kps'), { colors: ['red', 'blue'] as never })).toThrow(/drawKeypoints: colors must be a color string or an \[r, g, b\] array/);
    expect(() => D.drawKeypoints(img, I('kps'), { connectivity: [[0, 1.5]] as never })).toThrow(/drawKeypoints: connectivity must hold pairs of integer keypoint indices/);
    expect(() => D.drawKeypoints(img, [[[1, 2]]] as never)).toThrow(/drawKeypoints: keypoints must be a Tensor, got an array/);
    expect(() => D.drawBoundingBoxes(img, small, { width: 1.5 })).toThrow(/drawBoundingBoxes: width must be an integer, got 1.5/);
    expect(() => D.drawBoundingBoxes(img, small, { colors: [[10.5, 0, 0], 'red', 'red'] })).toThrow(/color components must be integers/);
    expect(() => D.drawBoundingBoxes(img, small, { colors: 5 as never })).toThrow(/colors must be a tuple or a string, or a list thereof, but got number/);
    expect(() => D.drawBoundingBoxes(img, small, { labelColors: 'nocolor' })).toThrow(/unknown color specifier: 'nocolor'/);
    expect(() => D.drawBoundingBoxes(img, small, { fill: 1 as never })).toThrow(/drawBoundingBoxes: fill must be a boolean/);
    expect(() => D.drawSegmentationMasks(img, I('draw_masks'), { colors: '#ff000080' })).toThrow(/shape mismatch/);
    expect(() => D.drawSegmentationMasks(img, I('draw_masks'), { colors: [300, 0, 0] })).toThrow(/cannot be converted to type uint8 without overflow/);
    expect(() => D.drawSegmentationMasks(img, I('draw_masks'), { alpha: null as never })).toThrow(/drawSegmentationMasks: alpha must be a number, got null/);
    // PIL checks the corners' order after torchvision's int64 cast: a NaN corner becomes int64's minimum
    expect(() => D.drawBoundingBoxes(img, torch.tensor([[0, 0, NaN, 3]]))).toThrow(/drawBoundingBoxes: box 0: x1 must be greater than or equal to x0/);
    expect(() => B.nms(boxes, scores.to('meta'), 0.5)).toThrow(/nms: boxes and scores must be on the same device, got cpu and meta/);
    expect(() => B.boxIou(I('a32'), torch.zeros([2, 3]))).toThrow(/boxIou: boxes2 must hold 4 numbers per box/);
  });

  it('leaves no tensor behind, a 2-D mask and the error paths included', () => {
    const img = I('img_u8'), mask = I('draw_masks').index(0), small = I('draw_boxes_small');
    const byteMask = mask.to(torch.uint8), boxes = I('nms_boxes32'), scores = I('nms_scores32');
    const oboxes = I('oboxes'), kps = I('kps'), vis = I('kps_vis'), floatImg = I('img_big_f32');
    // the earlier tests' garbage collected first, so that a collection in the loop cannot hide a leak
    const before = liveTensors(torch);
    for (let i = 0; i < 5; i++) {
      D.drawSegmentationMasks(img, mask).dispose();
      expect(() => D.drawSegmentationMasks(img, byteMask)).toThrow(/must be of dtype bool/);
      D.drawBoundingBoxes(img, small, { fill: true }).dispose();
      D.drawBoundingBoxes(img, oboxes, { fill: true, width: 2 }).dispose();
      D.drawKeypoints(floatImg, kps, { connectivity: [[0, 1]], colors: 'red', visibility: vis }).dispose();
      expect(() => D.drawKeypoints(img, kps, { connectivity: [[0, 7]] })).toThrow(/list index out of range/);
      B.nms(boxes, scores, 0.5).dispose();
    }
    expect(torch.nativeStats().tensors - before).toBe(0);
  });
});
