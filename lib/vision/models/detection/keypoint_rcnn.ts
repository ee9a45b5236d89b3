// torchvision.models.detection.keypoint_rcnn (0.28): KeypointRCNN (He et al., 2017), Faster R-CNN with a
// keypoint branch in its RoIHeads, its heads (KeypointRCNNHeads, KeypointRCNNPredictor) and the builder
// keypointrcnn_resnet50_fpn. As torchvision, the keypoint modules are built before FasterRCNN's (so a seed
// gives torchvision's weights) and set on roi_heads after it, with its names. `weights` takes the entries of
// KeypointRCNN_ResNet50_FPN_Weights (COCO_LEGACY, COCO_V1; weights_table.ts), their names or a state-dict file.
import * as torch from '../../../index.js';
import { describe, isOptionsObject } from '../../../options.js';
import type { Tensor } from '../../../tensor.js';
import { MultiScaleRoIAlign } from '../../ops/poolers.js';
import { disposeUnusedModules } from '../_utils.js';
import { resnet50 } from '../resnet.js';
import * as W from '../weights_table.js';
import { backboneOutChannels, readDetectorOptions } from './_detector.js';
import { overwriteEps } from './_utils.js';
import { _resnetFpnExtractor } from './backbone_utils.js';
import {
  FasterRCNN, OPTION_KEYS, batchNorm, frozenBatchNorm, loadModelWeights, resolveBuilder,
  type FasterRCNNBuilderOptions, type FasterRCNNOptions,
} from './faster_rcnn.js';

const { nn } = torch;
const F = nn.functional;
type Module = torch.nn.Module;

/** KeypointRCNN's keywords: FasterRCNN's and the keypoint branch's (torchvision's defaults when null). */
export interface KeypointRCNNOptions extends FasterRCNNOptions {
  /** Pools the keypoint branch's boxes (default MultiScaleRoIAlign over '0' .. '3', 14x14, sampling ratio 2). */
  keypointRoiPool?: MultiScaleRoIAlign | null;
  /** The pooled features to keypoint features (default KeypointRCNNHeads(outChannels, eight 512s)). */
  keypointHead?: Module | null;
  /** Keypoint features to heatmap logits (default KeypointRCNNPredictor(512, numKeypoints)). */
  keypointPredictor?: Module | null;
  /** Keypoints per instance (17, COCO's; null when keypointPredictor is given). */
  numKeypoints?: number | null;
}
const KEYPOINT_KEYS = ['keypointRoiPool', 'keypointHead', 'keypointPredictor', 'numKeypoints'] as const;

/**
 * KeypointRCNN's preamble, in torchvision's order: the keypoint options checked and the keypoint modules
 * built (before FasterRCNN's); minSize defaults to torchvision's (640, 672, 704, 736, 768, 800).
 */
function keypointRcnnParts(backbone: Module, numClassesArg: unknown, options: unknown): [number | null | undefined, FasterRCNNOptions, [MultiScaleRoIAlign, Module, Module]] {
  const fn = 'KeypointRCNN';
  const o = readDetectorOptions<KeypointRCNNOptions>(fn, numClassesArg, options, [...OPTION_KEYS, ...KEYPOINT_KEYS]);
  const numClasses = o.numClasses;
  const { keypointRoiPool, keypointHead, keypointPredictor, numKeypoints: nk, numClasses: _, ...rest } = o;
  if (keypointRoiPool !== null && keypointRoiPool !== undefined && !(keypointRoiPool instanceof MultiScaleRoIAlign))
    throw new TypeError(`keypoint_roi_pool should be of type MultiScaleRoIAlign or None instead of ${describe(keypointRoiPool)}`);
  for (const [k, v] of [['keypointHead', keypointHead], ['keypointPredictor', keypointPredictor]] as const)
    if (v !== null && v !== undefined && !(v instanceof nn.Module)) throw new TypeError(`${fn}: ${k} should be a Module or null, got ${describe(v)}`);
  rest.minSize ??= [640, 672, 704, 736, 768, 800];
  let numKeypoints = 17;
  if (nk !== null && nk !== undefined) {
    if (keypointPredictor !== null && keypointPredictor !== undefined) throw new RangeError('num_keypoints should be None when keypoint_predictor is specified');
    if (!Number.isInteger(nk) || nk < 1) throw new RangeError(`${fn}: numKeypoints should be a positive int, got ${describe(nk)}`);
    numKeypoints = nk;
  }
  const outChannels = backboneOutChannels(fn, backbone);
  const pool = keypointRoiPool ?? new MultiScaleRoIAlign(['0', '1', '2', '3'], 14, 2);
  const head = keypointHead ?? new KeypointRCNNHeads(outChannels, Array.from({ length: 8 }, () => 512));
  // 512: keypoint_layers[-1], the default head's channels
  const predictor = keypointPredictor ?? new KeypointRCNNPredictor(512, numKeypoints);
  return [numClasses, rest, [pool, head, predictor]];
}

/**
 * torchvision's KeypointRCNN(backbone, numClasses, options): FasterRCNN (see its options; minSize defaults to
 * 640 .. 800, one picked per training image) whose RoIHeads also predict keypoints: `keypointRoiPool`
 * (14x14) pools the boxes, `keypointHead` (eight 3x3 convolutions of 512 channels) and `keypointPredictor`
 * (a transposed convolution and a 2x bilinear upsampling) give 56x56 heatmap logits per keypoint. In
 * training (targets with keypoints (N, K, 3) float32, [x, y, visibility]) forward returns FasterRCNN's
 * losses and loss_keypoint; in eval one { boxes, labels, scores, keypoints (n, K, 3), keypoints_scores (n, K) }
 * per image, in the original image's pixels.
 */
export class KeypointRCNN extends FasterRCNN {
  constructor(backbone: Module, numClasses?: number | null, options?: KeypointRCNNOptions);
  constructor(backbone: Module, options: KeypointRCNNOptions);
  constructor(backbone: Module, numClasses?: number | null | KeypointRCNNOptions, options?: KeypointRCNNOptions) {
    const [n, rest, [pool, head, predictor]] = keypointRcnnParts(backbone, numClasses, options);
    super(backbone, n, rest);
    this.roi_heads.keypoint_roi_pool = pool;
    this.roi_heads.keypoint_head = head;
    this.roi_heads.keypoint_predictor = predictor;
  }
}

/**
 * torchvision's KeypointRCNNHeads(inChannels, layers): a 3x3 convolution (padding 1) and a ReLU per entry
 * of layers, the convolutions re-initialized (Kaiming normal, fan_out, zero bias).
 */
export class KeypointRCNNHeads extends nn.Sequential {
  constructor(inChannels: number, layers: readonly number[]) {
    if (!Number.isInteger(inChannels) || inChannels < 1) throw new TypeError(`KeypointRCNNHeads: inChannels should be a positive int, got ${describe(inChannels)}`);
    if (!Array.isArray(layers) || !layers.every((v) => Number.isInteger(v) && v >= 1)) throw new TypeError(`KeypointRCNNHeads: layers should be an array of positive ints, got ${describe(layers)}`);
    const d: Module[] = [];
    let nextFeature = inChannels;
    for (const outChannels of layers) {
      d.push(new nn.Conv2d(nextFeature, outChannels, 3, { stride: 1, padding: 1 }));
      d.push(new nn.ReLU(true));
      nextFeature = outChannels;
    }
    super(...d);
    for (const m of this.children()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        nn.init.constant_(m.bias!, 0);
      }
    }
  }
}

/**
 * torchvision's KeypointRCNNPredictor(inChannels, numKeypoints): kps_score_lowres (a 4x4 stride-2
 * ConvTranspose2d, padding 1, to numKeypoints channels; Kaiming normal, zero bias), then a 2x bilinear
 * upsampling: 4x the input's resolution.
 */
export class KeypointRCNNPredictor extends nn.Module {
  declare kps_score_lowres: torch.nn.ConvTranspose2d;
  upScale: number;
  outChannels: number;
  constructor(inChannels: number, numKeypoints: number) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['numKeypoints', numKeypoints]] as const)
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`KeypointRCNNPredictor: ${name} should be a positive int, got ${describe(v)}`);
    const deconvKernel = 4;
    this.kps_score_lowres = new nn.ConvTranspose2d(inChannels, numKeypoints, deconvKernel, { stride: 2, padding: deconvKernel / 2 - 1 });
    nn.init.kaimingNormal_(this.kps_score_lowres.weight, { mode: 'fan_out', nonlinearity: 'relu' });
    nn.init.constant_(this.kps_score_lowres.bias!, 0);
    this.upScale = 2;
    this.outChannels = numKeypoints;
  }
  override forward(x: Tensor): Tensor {
    return torch.tidy(() => F.interpolate(this.kps_score_lowres.call(x), { scaleFactor: this.upScale, mode: 'bilinear', alignCorners: false, recomputeScaleFactor: false }));
  }
}

/** The Keypoint R-CNN builder's options: KeypointRCNN's, and torchvision's builder keywords camelCased (see FasterRCNNBuilderOptions). */
export interface KeypointRCNNBuilderOptions extends FasterRCNNBuilderOptions, Omit<KeypointRCNNOptions, 'numClasses'> {
  /** Keypoints per instance (17; an entry fixes it to its keypoint names' count). */
  numKeypoints?: number | null;
}

/**
 * Keypoint R-CNN with a ResNet-50-FPN backbone (torchvision's keypointrcnn_resnet50_fpn). Options: weights
 * (KeypointRCNN_ResNet50_FPN_Weights: COCO_LEGACY, COCO_V1 = DEFAULT; none by default), numClasses (2: no
 * person, person), numKeypoints (17), weightsBackbone (ResNet50_Weights.IMAGENET1K_V1 by default, as
 * torchvision), trainableBackboneLayers (0 .. 5, default 3), and KeypointRCNN's options. An entry fixes
 * numClasses and numKeypoints to its categories' and keypoint names' counts; with COCO_V1 the
 * FrozenBatchNorm2d layers' eps is 0, as torchvision sets it (overwrite_eps).
 */
export function keypointrcnn_resnet50_fpn(options: KeypointRCNNBuilderOptions = {}): KeypointRCNN {
  const fn = 'keypointrcnn_resnet50_fpn';
  if (!isOptionsObject(options)) throw new TypeError(`${fn}: expected an options object, got ${describe(options)}`);
  const { numKeypoints, ...others } = options as KeypointRCNNBuilderOptions & Record<string, unknown>;
  const numClasses = (others.numClasses ?? (isEntryGiven(others.weights) ? null : 2)) as number | null;
  const r = resolveBuilder(fn, W.KeypointRCNN_ResNet50_FPN_Weights, W.ResNet50_Weights, { ...(others as FasterRCNNBuilderOptions), numClasses },
    true, 5, {}, KEYPOINT_KEYS.filter((k) => k !== 'numKeypoints'));
  let nk: number | null = (numKeypoints as number | null | undefined) ?? null;
  if (r.weights !== null && typeof r.weights !== 'string') {
    const names = (r.weights.meta as { keypointNames?: readonly string[] }).keypointNames!;
    if (nk !== null && nk !== names.length) throw new RangeError(`The parameter 'numKeypoints' expected value ${names.length} but got ${nk} instead.`);
    nk = names.length;
  }
  nk ??= 17;
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress, normLayer: r.isTrained ? frozenBatchNorm : batchNorm });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers);
  disposeUnusedModules(resnet, [backbone]); // avgpool and fc, which torchvision's model drops
  const model = loadModelWeights(new KeypointRCNN(backbone, r.numClasses, { ...(r.rest as KeypointRCNNOptions), numKeypoints: nk }), r);
  if (r.weights === W.KeypointRCNN_ResNet50_FPN_Weights.COCO_V1) overwriteEps(model, 0.0);
  return model;
}

/** Whether `weights` names or is an enum entry (not null, not a file's path), as the builders read it. */
function isEntryGiven(weights: unknown): boolean {
  return weights !== null && weights !== undefined && (typeof weights !== 'string' || /^(?:[A-Za-z0-9_]+_Weights\.)?[A-Z][A-Z0-9_]*$/.test(weights));
}
