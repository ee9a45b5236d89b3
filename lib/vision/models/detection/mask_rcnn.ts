// torchvision.models.detection.mask_rcnn (0.28): MaskRCNN (He et al., 2017), Faster R-CNN with a mask
// branch in its RoIHeads, its heads (MaskRCNNHeads, MaskRCNNPredictor) and the builders
// maskrcnn_resnet50_fpn and maskrcnn_resnet50_fpn_v2. As torchvision, the mask modules are built before
// FasterRCNN's (so a seed gives torchvision's weights) and set on roi_heads after it, with its names.
// `weights` takes the COCO entries of MaskRCNN_ResNet50_FPN_Weights / MaskRCNN_ResNet50_FPN_V2_Weights
// (weights_table.ts), their names or a state-dict file; `weightsBackbone` ResNet50_Weights' entries.
import * as torch from '../../../index.js';
import type { LoadMetadata } from '../../../nn/module.js';
import { describe } from '../../../options.js';
import { Conv2dNormActivation, type NormLayerFactory } from '../../ops/misc.js';
import { MultiScaleRoIAlign } from '../../ops/poolers.js';
import { disposeUnusedModules } from '../_utils.js';
import { resnet50 } from '../resnet.js';
import * as W from '../weights_table.js';
import { backboneOutChannels, readDetectorOptions } from './_detector.js';
import { overwriteEps } from './_utils.js';
import { _resnetFpnExtractor } from './backbone_utils.js';
import {
  FasterRCNN, FastRCNNConvFCHead, OPTION_KEYS, _defaultAnchorgen, batchNorm, frozenBatchNorm, loadModelWeights, refuseBuiltParts, resolveBuilder,
  type FasterRCNNBuilderOptions, type FasterRCNNOptions,
} from './faster_rcnn.js';
import { RPNHead } from './rpn.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** MaskRCNN's keywords: FasterRCNN's and the mask branch's modules (torchvision's defaults when null). */
export interface MaskRCNNOptions extends FasterRCNNOptions {
  /** Pools the mask branch's boxes (default MultiScaleRoIAlign over '0' .. '3', 14x14, sampling ratio 2). */
  maskRoiPool?: MultiScaleRoIAlign | null;
  /** The pooled features to mask features (default MaskRCNNHeads(outChannels, [256, 256, 256, 256], 1)). */
  maskHead?: Module | null;
  /** Mask features to per-class mask logits (default MaskRCNNPredictor(256, 256, numClasses)). */
  maskPredictor?: Module | null;
}
const MASK_KEYS = ['maskRoiPool', 'maskHead', 'maskPredictor'] as const;

/**
 * MaskRCNN's preamble, in torchvision's order: the mask options checked and the mask modules built
 * (before FasterRCNN's, as torchvision's __init__ builds them before calling FasterRCNN's); returns
 * FasterRCNN's arguments and the three modules.
 */
function maskRcnnParts(backbone: Module, numClassesArg: unknown, options: unknown): [number | null | undefined, FasterRCNNOptions, [MultiScaleRoIAlign, Module, Module]] {
  const fn = 'MaskRCNN';
  const o = readDetectorOptions<MaskRCNNOptions>(fn, numClassesArg, options, [...OPTION_KEYS, ...MASK_KEYS]);
  const numClasses = o.numClasses;
  const { maskRoiPool, maskHead, maskPredictor, numClasses: _, ...rest } = o;
  if (maskRoiPool !== null && maskRoiPool !== undefined && !(maskRoiPool instanceof MultiScaleRoIAlign))
    throw new TypeError(`mask_roi_pool should be of type MultiScaleRoIAlign or None instead of ${describe(maskRoiPool)}`);
  for (const [k, v] of [['maskHead', maskHead], ['maskPredictor', maskPredictor]] as const)
    if (v !== null && v !== undefined && !(v instanceof nn.Module)) throw new TypeError(`${fn}: ${k} should be a Module or null, got ${describe(v)}`);
  const hasClasses = numClasses !== null && numClasses !== undefined;
  if (hasClasses && maskPredictor !== null && maskPredictor !== undefined) throw new RangeError('num_classes should be None when mask_predictor is specified');
  const outChannels = backboneOutChannels(fn, backbone);
  if (!hasClasses && (maskPredictor === null || maskPredictor === undefined))
    throw new RangeError('num_classes should not be None when mask_predictor is not specified (MaskRCNNPredictor needs it)');
  if (hasClasses && (!Number.isInteger(numClasses) || (numClasses as number) < 1)) throw new RangeError(`${fn}: numClasses should be a positive int, got ${describe(numClasses)}`);
  const pool = maskRoiPool ?? new MultiScaleRoIAlign(['0', '1', '2', '3'], 14, 2);
  const head = maskHead ?? new MaskRCNNHeads(outChannels, [256, 256, 256, 256], 1);
  // 256: mask_layers[-1], the default head's channels
  const predictor = maskPredictor ?? new MaskRCNNPredictor(256, 256, numClasses as number);
  return [numClasses, rest, [pool, head, predictor]];
}

/**
 * torchvision's MaskRCNN(backbone, numClasses, options): FasterRCNN (see its options) whose RoIHeads also
 * predict a mask per detection: `maskRoiPool` (14x14 by default) pools the boxes, `maskHead` (four 3x3
 * convolutions of 256 channels) and `maskPredictor` (a 2x transposed convolution, then per-class logits)
 * give 28x28 mask logits. `new MaskRCNN(backbone, { numClasses, ... })` also works. In training (targets
 * with masks (N, H, W) uint8) forward returns FasterRCNN's losses and loss_mask; in eval one
 * { boxes, labels, scores, masks } per image, masks (n, 1, H, W) probabilities in the original image.
 */
export class MaskRCNN extends FasterRCNN {
  constructor(backbone: Module, numClasses?: number | null, options?: MaskRCNNOptions);
  constructor(backbone: Module, options: MaskRCNNOptions);
  constructor(backbone: Module, numClasses?: number | null | MaskRCNNOptions, options?: MaskRCNNOptions) {
    const [n, rest, [pool, head, predictor]] = maskRcnnParts(backbone, numClasses, options);
    super(backbone, n, rest);
    this.roi_heads.mask_roi_pool = pool;
    this.roi_heads.mask_head = head;
    this.roi_heads.mask_predictor = predictor;
  }
}

/**
 * torchvision's MaskRCNNHeads(inChannels, layers, dilation, normLayer): a 3x3 Conv2dNormActivation per
 * entry of layers (padding and dilation `dilation`; no normalization unless normLayer), the convolutions
 * re-initialized (Kaiming normal, fan_out, zero bias). Checkpoints of its first version (mask_fcn1 ...
 * keys) load too, as torchvision maps them.
 */
export class MaskRCNNHeads extends nn.Sequential {
  static override _version = 2;
  constructor(inChannels: number, layers: readonly number[], dilation: number, normLayer: NormLayerFactory | null = null) {
    if (!Number.isInteger(inChannels) || inChannels < 1) throw new TypeError(`MaskRCNNHeads: inChannels should be a positive int, got ${describe(inChannels)}`);
    if (!Array.isArray(layers) || !layers.every((v) => Number.isInteger(v))) throw new TypeError(`MaskRCNNHeads: layers should be an array of ints, got ${describe(layers)}`);
    if (!Number.isInteger(dilation) || dilation < 1) throw new TypeError(`MaskRCNNHeads: dilation should be a positive int, got ${describe(dilation)}`);
    const blocks: Module[] = [];
    let nextFeature = inChannels;
    for (const layerFeatures of layers) {
      blocks.push(new Conv2dNormActivation(nextFeature, layerFeatures, { kernelSize: 3, stride: 1, padding: dilation, dilation, normLayer }));
      nextFeature = layerFeatures;
    }
    super(...blocks);
    for (const layer of this.modules()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(layer.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (layer.bias) nn.init.zeros_(layer.bias);
      }
    }
  }

  // version 1 named the convolutions mask_fcn1 ... mask_fcnN
  protected override _loadFromStateDict(stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    const version = localMetadata.version;
    if (version === undefined || version < 2) {
      for (let i = 0; i < this.length; i++) {
        for (const type of ['weight', 'bias']) {
          const oldKey = `${prefix}mask_fcn${i + 1}.${type}`;
          if (oldKey in stateDict) {
            stateDict[`${prefix}${i}.0.${type}`] = stateDict[oldKey];
            delete stateDict[oldKey];
          }
        }
      }
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }
}

/**
 * torchvision's MaskRCNNPredictor(inChannels, dimReduced, numClasses): conv5_mask (a 2x2 stride-2
 * ConvTranspose2d, doubling the resolution), relu, and mask_fcn_logits (a 1x1 convolution to numClasses);
 * the weights re-initialized (Kaiming normal, fan_out), the biases left as PyTorch's.
 */
export class MaskRCNNPredictor extends nn.Sequential {
  constructor(inChannels: number, dimReduced: number, numClasses: number) {
    for (const [name, v] of [['inChannels', inChannels], ['dimReduced', dimReduced], ['numClasses', numClasses]] as const)
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`MaskRCNNPredictor: ${name} should be a positive int, got ${describe(v)}`);
    super(new Map<string, Module>([
      ['conv5_mask', new nn.ConvTranspose2d(inChannels, dimReduced, 2, 2, 0)],
      ['relu', new nn.ReLU(true)],
      ['mask_fcn_logits', new nn.Conv2d(dimReduced, numClasses, 1, 1, 0)],
    ]));
    for (const [name, param] of this.namedParameters())
      if (name.includes('weight')) nn.init.kaimingNormal_(param, { mode: 'fan_out', nonlinearity: 'relu' });
  }
}

/** The Mask R-CNN builders' options: MaskRCNN's, and torchvision's builder keywords camelCased (see FasterRCNNBuilderOptions). */
export interface MaskRCNNBuilderOptions extends Omit<FasterRCNNBuilderOptions, 'weights'>, Omit<MaskRCNNOptions, 'numClasses'> {
  /**
   * Pretrained Mask R-CNN weights (none by default): an entry of the builder's COCO enum
   * (MaskRCNN_ResNet50_FPN_Weights.COCO_V1, ...), its name, or a state-dict file's path; as in the Faster
   * R-CNN builders, an entry fixes numClasses to 91 and drops weightsBackbone.
   */
  weights?: FasterRCNNBuilderOptions['weights'];
}

/**
 * Mask R-CNN with a ResNet-50-FPN backbone (torchvision's maskrcnn_resnet50_fpn). Options: weights
 * (MaskRCNN_ResNet50_FPN_Weights; none by default), numClasses (91), weightsBackbone
 * (ResNet50_Weights.IMAGENET1K_V1 by default, as torchvision; null for a random backbone with BatchNorm2d),
 * trainableBackboneLayers (0 .. 5, default 3), and MaskRCNN's options. With the COCO_V1 entry the
 * FrozenBatchNorm2d layers' eps is 0, as torchvision sets it (overwrite_eps).
 */
export function maskrcnn_resnet50_fpn(options: MaskRCNNBuilderOptions = {}): MaskRCNN {
  const r = resolveBuilder('maskrcnn_resnet50_fpn', W.MaskRCNN_ResNet50_FPN_Weights, W.ResNet50_Weights, options as FasterRCNNBuilderOptions, true, 5, {}, MASK_KEYS);
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress, normLayer: r.isTrained ? frozenBatchNorm : batchNorm });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers);
  disposeUnusedModules(resnet, [backbone]); // avgpool and fc, which torchvision's model drops
  const model = loadModelWeights(new MaskRCNN(backbone, r.numClasses, r.rest as MaskRCNNOptions), r);
  if (r.weights === W.MaskRCNN_ResNet50_FPN_Weights.COCO_V1) overwriteEps(model, 0.0);
  return model;
}

/**
 * The improved Mask R-CNN ResNet-50-FPN (torchvision's maskrcnn_resnet50_fpn_v2, Li et al., 2021):
 * BatchNorm2d in the backbone and the FPN, a two-convolution RPN head, a FastRCNNConvFCHead box head and
 * a MaskRCNNHeads with BatchNorm2d. weights: MaskRCNN_ResNet50_FPN_V2_Weights; weightsBackbone defaults to null.
 */
export function maskrcnn_resnet50_fpn_v2(options: MaskRCNNBuilderOptions = {}): MaskRCNN {
  const r = resolveBuilder('maskrcnn_resnet50_fpn_v2', W.MaskRCNN_ResNet50_FPN_V2_Weights, W.ResNet50_Weights, options as FasterRCNNBuilderOptions, false, 5, {}, MASK_KEYS);
  refuseBuiltParts(r, ['rpnAnchorGenerator', 'rpnHead', 'boxHead', 'maskHead'], 'MaskRCNN');
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers, null, null, batchNorm);
  disposeUnusedModules(resnet, [backbone]); // avgpool and fc
  const rpnAnchorGenerator = _defaultAnchorgen();
  const rpnHead = new RPNHead(backbone.outChannels, rpnAnchorGenerator.numAnchorsPerLocation()[0]!, 2);
  const boxHead = new FastRCNNConvFCHead([backbone.outChannels, 7, 7], [256, 256, 256, 256], [1024], batchNorm);
  const maskHead = new MaskRCNNHeads(backbone.outChannels, [256, 256, 256, 256], 1, batchNorm);
  return loadModelWeights(new MaskRCNN(backbone, r.numClasses, { ...(r.rest as MaskRCNNOptions), rpnAnchorGenerator, rpnHead, boxHead, maskHead }), r);
}
