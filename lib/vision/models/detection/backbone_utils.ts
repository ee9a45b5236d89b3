// torchvision.models.detection.backbone_utils (0.28): BackboneWithFPN (an IntermediateLayerGetter and a
// FeaturePyramidNetwork), the ResNet and MobileNet backbones of the detection models (resnetFpnBackbone,
// mobilenetBackbone and their _resnetFpnExtractor / _mobilenetExtractor: frozen BatchNorm, frozen early
// layers, the FPN over the chosen stages) and _validateTrainableLayers. Built in torchvision's order, so
// a seed gives torchvision's weights.
import * as torch from '../../../index.js';
import { describe, readOptions } from '../../../options.js';
import type { Tensor } from '../../../tensor.js';
import { warn } from '../../../warnings.js';
import { ExtraFPNBlock, FeaturePyramidNetwork, LastLevelMaxPool } from '../../ops/feature_pyramid_network.js';
import { FrozenBatchNorm2d } from '../../ops/frozen_batch_norm.js';
import type { NormLayerFactory } from '../../ops/misc.js';
import { IntermediateLayerGetter, disposeUnusedModules } from '../_utils.js';
import { MobileNetV2, mobilenet_v2 } from '../mobilenet_v2.js';
import { MobileNetV3, mobilenet_v3_large, mobilenet_v3_small } from '../mobilenet_v3.js';
import * as R from '../resnet.js';
import type { Weights } from '../weights.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** FrozenBatchNorm2d (torchvision's misc_nn_ops.FrozenBatchNorm2d), the detection backbones' default norm layer. */
const frozenBatchNorm: NormLayerFactory = (c) => new FrozenBatchNorm2d(c);

/**
 * A backbone's intermediate feature maps (IntermediateLayerGetter over `returnLayers`) through a
 * FeaturePyramidNetwork of `outChannels` channels (extra block: LastLevelMaxPool unless given).
 */
export class BackboneWithFPN extends nn.Module {
  declare body: IntermediateLayerGetter; declare fpn: FeaturePyramidNetwork;
  readonly outChannels: number;
  constructor(backbone: Module, returnLayers: Readonly<Record<string, string>> | ReadonlyMap<string, string>, inChannelsList: readonly number[], outChannels: number,
    options: { extraBlocks?: ExtraFPNBlock | null; normLayer?: NormLayerFactory | null } = {}) {
    super();
    const o = readOptions('BackboneWithFPN', options, ['extraBlocks', 'normLayer']) as { extraBlocks?: ExtraFPNBlock | null; normLayer?: NormLayerFactory | null };
    const extraBlocks = o.extraBlocks ?? new LastLevelMaxPool();
    this.body = new IntermediateLayerGetter(backbone, returnLayers);
    this.fpn = new FeaturePyramidNetwork(inChannelsList, outChannels, { extraBlocks, normLayer: o.normLayer ?? null });
    this.outChannels = outChannels;
  }
  /** The FPN's feature maps, keyed by the returnLayers' names and then the extra block's ('pool'). */
  override forward(x: Tensor): Record<string, Tensor> {
    return this.fpn.call(this.body.call(x) as Record<string, Tensor>);
  }
}

const RESNETS = {
  resnet18: R.resnet18, resnet34: R.resnet34, resnet50: R.resnet50, resnet101: R.resnet101, resnet152: R.resnet152,
  resnext50_32x4d: R.resnext50_32x4d, resnext101_32x8d: R.resnext101_32x8d, resnext101_64x4d: R.resnext101_64x4d,
  wide_resnet50_2: R.wide_resnet50_2, wide_resnet101_2: R.wide_resnet101_2,
} as const;
export type ResNetBackboneName = keyof typeof RESNETS;

export interface ResnetFpnBackboneOptions {
  backboneName: ResNetBackboneName;
  /** ImageNet weights of the ResNet (an entry of its enum, or a state dict file), or null. */
  weights: Weights | string | null;
  normLayer?: NormLayerFactory;
  trainableLayers?: number;
  returnedLayers?: readonly number[] | null;
  extraBlocks?: ExtraFPNBlock | null;
}

/**
 * torchvision's resnet_fpn_backbone: the ResNet `backboneName` (FrozenBatchNorm2d by default) with its
 * first layers frozen (all but the last `trainableLayers` of layer4, layer3, layer2, layer1, conv1) and
 * an FPN of 256 channels over layer{returnedLayers} (default all four), named '0', '1', ... and 'pool'.
 */
export function resnetFpnBackbone(options: ResnetFpnBackboneOptions): BackboneWithFPN {
  const o = readOptions('resnetFpnBackbone', options, ['backboneName', 'weights', 'normLayer', 'trainableLayers', 'returnedLayers', 'extraBlocks']) as Partial<ResnetFpnBackboneOptions>;
  if (o.backboneName === undefined) throw new TypeError("resnetFpnBackbone() missing required keyword argument 'backboneName'");
  if (o.weights === undefined) throw new TypeError("resnetFpnBackbone() missing required keyword argument 'weights'");
  const build = Object.hasOwn(RESNETS, o.backboneName) ? RESNETS[o.backboneName] : undefined;
  if (build === undefined) throw new RangeError(`resnetFpnBackbone: unknown backboneName '${String(o.backboneName)}' (one of ${Object.keys(RESNETS).join(', ')})`);
  const backbone = build({ weights: o.weights, normLayer: o.normLayer ?? frozenBatchNorm });
  const model = _resnetFpnExtractor(backbone, o.trainableLayers ?? 3, o.returnedLayers ?? null, o.extraBlocks ?? null);
  disposeUnusedModules(backbone, [model]); // avgpool, fc and the layers past the last returned
  return model;
}

/**
 * torchvision's _resnet_fpn_extractor (see resnetFpnBackbone); `normLayer` is the FPN's. The ResNet stays
 * usable, as in Python; its unused parts (avgpool, fc) go with it (the builders free them at once).
 */
export function _resnetFpnExtractor(backbone: R.ResNet, trainableLayers: number, returnedLayers: readonly number[] | null = null,
  extraBlocks: ExtraFPNBlock | null = null, normLayer: NormLayerFactory | null = null): BackboneWithFPN {
  if (!(backbone instanceof R.ResNet)) throw new TypeError(`_resnetFpnExtractor: backbone should be a ResNet, got ${describe(backbone)}`);
  if (!Number.isInteger(trainableLayers)) throw new TypeError(`_resnetFpnExtractor: trainableLayers should be an int, got ${String(trainableLayers)}`);
  if (trainableLayers < 0 || trainableLayers > 5) throw new RangeError(`Trainable layers should be in the range [0,5], got ${trainableLayers}`);
  const layersToTrain = ['layer4', 'layer3', 'layer2', 'layer1', 'conv1'].slice(0, trainableLayers);
  if (trainableLayers === 5) layersToTrain.push('bn1');
  for (const [name, parameter] of backbone.namedParameters())
    if (layersToTrain.every((layer) => !name.startsWith(layer))) parameter.requiresGrad_(false);

  const extra = extraBlocks ?? new LastLevelMaxPool();
  const returned = returnedLayers ?? [1, 2, 3, 4];
  if (!Array.isArray(returned) || returned.length === 0 || !returned.every((v) => Number.isInteger(v))) throw new TypeError(`_resnetFpnExtractor: returnedLayers should be a non-empty array of ints, got ${describe(returned)}`);
  if (Math.min(...returned) <= 0 || Math.max(...returned) >= 5) throw new RangeError(`Each returned layer should be in the range [1,4]. Got [${returned.join(', ')}]`);
  const returnLayers = new Map(returned.map((k, v) => [`layer${k}`, String(v)]));
  const inChannelsStage2 = Math.floor(backbone.fc.inFeatures / 8); // backbone.inplanes // 8
  const inChannelsList = returned.map((i) => inChannelsStage2 * 2 ** (i - 1));
  return new BackboneWithFPN(backbone, returnLayers, inChannelsList, 256, { extraBlocks: extra, normLayer });
}

/**
 * torchvision's _validate_trainable_layers: without pretrained weights every layer trains (a warning
 * when trainableBackboneLayers was set anyway); otherwise trainableBackboneLayers, defaultValue when
 * null, checked against [0, maxValue].
 */
export function _validateTrainableLayers(isTrained: boolean, trainableBackboneLayers: number | null | undefined, maxValue: number, defaultValue: number): number {
  let layers = trainableBackboneLayers ?? null;
  if (!isTrained) {
    if (layers !== null)
      warn('Changing trainable_backbone_layers has no effect if neither pretrained nor pretrained_backbone have been set to True, '
        + `falling back to trainable_backbone_layers=${maxValue} so that all layers are trainable`, 'UserWarning');
    layers = maxValue;
  }
  if (layers === null) layers = defaultValue;
  if (layers < 0 || layers > maxValue) throw new RangeError(`Trainable backbone layers should be in the range [0,${maxValue}], got ${layers} `);
  return layers;
}

const MOBILENETS = { mobilenet_v2, mobilenet_v3_large, mobilenet_v3_small } as const;
export type MobileNetBackboneName = keyof typeof MOBILENETS;

export interface MobilenetBackboneOptions {
  backboneName: MobileNetBackboneName;
  weights: Weights | string | null;
  fpn: boolean;
  normLayer?: NormLayerFactory;
  trainableLayers?: number;
  returnedLayers?: readonly number[] | null;
  extraBlocks?: ExtraFPNBlock | null;
}

/** torchvision's mobilenet_backbone: the MobileNet `backboneName` (FrozenBatchNorm2d by default) through _mobilenetExtractor. */
export function mobilenetBackbone(options: MobilenetBackboneOptions): Module {
  const o = readOptions('mobilenetBackbone', options, ['backboneName', 'weights', 'fpn', 'normLayer', 'trainableLayers', 'returnedLayers', 'extraBlocks']) as Partial<MobilenetBackboneOptions>;
  for (const key of ['backboneName', 'weights', 'fpn'] as const)
    if (o[key] === undefined) throw new TypeError(`mobilenetBackbone() missing required keyword argument '${key}'`);
  const build = Object.hasOwn(MOBILENETS, o.backboneName!) ? MOBILENETS[o.backboneName!] : undefined;
  if (build === undefined) throw new RangeError(`mobilenetBackbone: unknown backboneName '${String(o.backboneName)}' (one of ${Object.keys(MOBILENETS).join(', ')})`);
  const backbone = build({ weights: o.weights, normLayer: o.normLayer ?? frozenBatchNorm });
  const model = _mobilenetExtractor(backbone, o.fpn!, o.trainableLayers ?? 2, o.returnedLayers ?? null, o.extraBlocks ?? null);
  disposeUnusedModules(backbone, [model]); // avgpool, classifier and the blocks past the last returned
  return model;
}

/**
 * Whether features[i] starts a new stage (torchvision's InvertedResidual._is_cn: its config's stride > 1).
 * MobileNetV2's blocks keep their stride; MobileNetV3's are read from their convolutions: a strided one, or
 * a dilation larger than the previous block's (torchvision's dilated configs turn the stride-2 block into
 * the first dilated one). A module's own boolean `_isCn` takes precedence.
 */
function stageStarts(features: torch.nn.Sequential): boolean[] {
  let prevDilation = 1;
  return Array.from({ length: features.length }, (_, i) => {
    const b = features.at(i) as Module & { _isCn?: unknown; stride?: unknown; block?: unknown };
    if (typeof b._isCn === 'boolean') return b._isCn;
    if (i === 0 || i === features.length - 1) return false; // the stem and last convolution (Conv2dNormActivation: no _is_cn)
    if (typeof b.stride === 'number') return b.stride > 1;
    if (!(b.block instanceof nn.Sequential)) return false;
    const convs = b.modules().filter((m): m is torch.nn.Conv2d => m instanceof nn.Conv2d);
    const strided = convs.some((c) => c.stride.some((s) => s > 1));
    const dilation = Math.max(1, ...convs.map((c) => Math.max(...c.dilation)));
    const isCn = strided || dilation > prevDilation;
    prevDilation = dilation;
    return isCn;
  });
}

/** A module's out_channels (Conv2dNormActivation's and InvertedResidual's outChannels). */
function outChannelsOf(m: Module): number {
  const c = (m as { outChannels?: unknown }).outChannels;
  if (typeof c !== 'number') throw new TypeError(`_mobilenetExtractor: ${m.constructor.name} has no outChannels`);
  return c;
}

/**
 * torchvision's _mobilenet_extractor: the MobileNet's `features` with all blocks before the last
 * `trainableLayers` stages frozen, then (fpn) a BackboneWithFPN of 256 channels over the stages
 * `returnedLayers` (default the last two), or (not fpn) the features followed by a 1x1 convolution to
 * 256 channels (a Sequential with outChannels 256). The MobileNet stays usable, as in Python (the
 * builders free its unused parts at once).
 */
export function _mobilenetExtractor(backbone: MobileNetV2 | MobileNetV3, fpn: boolean, trainableLayers: number, returnedLayers: readonly number[] | null = null,
  extraBlocks: ExtraFPNBlock | null = null, normLayer: NormLayerFactory | null = null): Module {
  if (!(backbone instanceof MobileNetV2 || backbone instanceof MobileNetV3)) throw new TypeError(`_mobilenetExtractor: backbone should be a MobileNetV2 or MobileNetV3, got ${describe(backbone)}`);
  const features = backbone.features;
  const starts = stageStarts(features);
  const stageIndices = [0, ...starts.flatMap((s, i) => (s ? [i] : [])), features.length - 1];
  const numStages = stageIndices.length;
  if (!Number.isInteger(trainableLayers)) throw new TypeError(`_mobilenetExtractor: trainableLayers should be an int, got ${String(trainableLayers)}`);
  if (trainableLayers < 0 || trainableLayers > numStages) throw new RangeError(`Trainable layers should be in the range [0,${numStages}], got ${trainableLayers} `);
  const freezeBefore = trainableLayers === 0 ? features.length : stageIndices[numStages - trainableLayers]!;
  for (let i = 0; i < freezeBefore; i++) for (const p of features.at(i).parameters()) p.requiresGrad_(false);

  const outChannels = 256;
  let result: Module;
  if (fpn) {
    const extra = extraBlocks ?? new LastLevelMaxPool();
    const returned = returnedLayers ?? [numStages - 2, numStages - 1];
    if (!Array.isArray(returned) || returned.length === 0 || !returned.every((v) => Number.isInteger(v))) throw new TypeError(`_mobilenetExtractor: returnedLayers should be a non-empty array of ints, got ${describe(returned)}`);
    if (Math.min(...returned) < 0 || Math.max(...returned) >= numStages)
      throw new RangeError(`Each returned layer should be in the range [0,${numStages - 1}], got [${returned.join(', ')}] `);
    const returnLayers = new Map(returned.map((k, v) => [String(stageIndices[k]), String(v)]));
    const inChannelsList = returned.map((i) => outChannelsOf(features.at(stageIndices[i]!)));
    result = new BackboneWithFPN(features, returnLayers, inChannelsList, outChannels, { extraBlocks: extra, normLayer });
  } else {
    // a Sequential (as torchvision's) that also says its outChannels
    result = Object.assign(new nn.Sequential(features, new nn.Conv2d(outChannelsOf(features.at(features.length - 1)), outChannels, 1)), { outChannels });
  }
  return result;
}
