// torchvision.models.segmentation._utils: _SimpleSegmentationModel, a backbone returning features
// { out, aux? }, a classifier on 'out' and an optional auxiliary classifier on 'aux', both upsampled to
// the input's size; and what the builders share.
import * as torch from '../../../index.js';
import type { Tensor } from '../../../tensor.js';
import { describe, readOptions } from '../../../options.js';
import { loadWeights, resolveWeights, type AnyWeights, type AnyWeightsEnum, type Weights } from '../weights.js';
import type { ResNet, ResNetOptions } from '../resnet.js';
import type { SemanticSegmentation } from '../../transforms/presets.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** What a segmentation model returns (Python's OrderedDict): 'out', then 'aux' where the model has the auxiliary classifier. */
export interface SegmentationOutput { out: Tensor; aux?: Tensor }

/** Python's `features[key]` on the backbone's result (a plain object, or a Map): an error naming what it has where the key is missing. */
export function feature(features: unknown, key: string, who: string): Tensor {
  const value = features instanceof Map ? features.get(key) as unknown
    : features !== null && typeof features === 'object' && Object.hasOwn(features, key) ? (features as Record<string, unknown>)[key] : undefined;
  if (!torch.isTensor(value)) {
    const has = features instanceof Map ? [...features.keys()] : features !== null && typeof features === 'object' ? Object.keys(features) : null;
    throw new RangeError(`${who}: the backbone should return tensors by name with '${key}' among them, got ${has === null ? describe(features) : `the keys ${has.join(', ') || '(none)'}`}`);
  }
  return value;
}

/** F.interpolate(x, size=size, mode="bilinear", align_corners=False). */
export const upsample = (x: Tensor, size: readonly number[]): Tensor => nn.functional.interpolate(x, { size: [...size], mode: 'bilinear', alignCorners: false });

/** torchvision's _SimpleSegmentationModel: FCN and DeepLabV3 are it under their names. */
export class _SimpleSegmentationModel extends nn.Module {
  declare backbone: Module; declare classifier: Module;
  /** The auxiliary classifier, or null (a plain attribute then, not a submodule, as Python's None). */
  declare aux_classifier: Module | null;

  constructor(backbone: Module, classifier: Module, auxClassifier: Module | null = null) {
    super();
    const who = new.target.name;
    if (!(backbone instanceof nn.Module)) throw new TypeError(`${who}: backbone should be a Module, got ${describe(backbone)}`);
    if (!(classifier instanceof nn.Module)) throw new TypeError(`${who}: classifier should be a Module, got ${describe(classifier)}`);
    if (auxClassifier !== null && auxClassifier !== undefined && !(auxClassifier instanceof nn.Module))
      throw new TypeError(`${who}: aux_classifier should be a Module or null, got ${describe(auxClassifier)}`);
    this.backbone = backbone;
    this.classifier = classifier;
    this.aux_classifier = auxClassifier ?? null;
  }

  /** { out, aux? }: the classifiers' outputs, upsampled (bilinear) to the input's height and width. */
  override forward(x: Tensor): SegmentationOutput {
    if (!torch.isTensor(x)) throw new TypeError(`${this.constructor.name}: the input must be an image batch Tensor (N, C, H, W), got ${describe(x)}`);
    const inputShape = x.shape.slice(-2);
    const features = this.backbone.call(x) as unknown; // contract: an object of tensors
    const who = this.constructor.name;
    const result: SegmentationOutput = { out: upsample(this.classifier.call(feature(features, 'out', who)) as Tensor, inputShape) };
    if (this.aux_classifier !== null) result.aux = upsample(this.aux_classifier.call(feature(features, 'aux', who)) as Tensor, inputShape);
    return result;
  }
}

/** A weights string that names an enum entry rather than a file (as weights.ts reads it). */
const ENTRY_NAME = /^(?:[A-Za-z0-9_]+_Weights\.)?[A-Z][A-Z0-9_]*$/;

/** The options of the segmentation builders (torchvision's keywords in camelCase). */
export interface SegmentationBuilderOptions {
  /** Pretrained weights: an entry of the builder's enum, its name ('DEFAULT'), or a state-dict file's path; none by default. */
  weights?: Weights<SemanticSegmentation> | string | null;
  /** A progress bar on stderr while weights download (default true). */
  progress?: boolean;
  /** Output classes, the background included: 21 by default; the entry's categories with weights. */
  numClasses?: number | null;
  /** The backbone's ImageNet weights (default: its IMAGENET1K_V1 entry, as torchvision; null for none); ignored with `weights`. */
  weightsBackbone?: Weights | string | null;
}
/**
 * The builders whose model has the auxiliary classifier: `auxLoss` adds it (true by default with an
 * entry, which holds it; with a state-dict file of torchvision's, pass `auxLoss: true`).
 */
export interface AuxSegmentationBuilderOptions extends SegmentationBuilderOptions {
  auxLoss?: boolean | null;
}

/** What a builder resolved: torchvision's verify, _ovewrite_value_param and defaults. */
export interface ResolvedSegmentation { weights: AnyWeights | string | null; progress: boolean; numClasses: number; auxLoss: boolean; weightsBackbone: Weights | string | null }

/**
 * The builders' preamble: `weights` resolved against the enum; with weights the backbone's weights are
 * dropped and numClasses (the entry's category count) and auxLoss (true, where `withAux`) are checked or
 * filled in; without, numClasses defaults to 21. The backbone's weights are checked against its enum.
 */
export function resolveSegmentation(fn: string, weightsEnum: AnyWeightsEnum, backboneEnum: AnyWeightsEnum, options: AuxSegmentationBuilderOptions, withAux: boolean): ResolvedSegmentation {
  const keys = ['weights', 'progress', 'numClasses', 'weightsBackbone', ...(withAux ? ['auxLoss'] : [])] as const;
  const o = readOptions(fn, options, keys as readonly (keyof AuxSegmentationBuilderOptions)[]) as AuxSegmentationBuilderOptions;
  const numClasses = o.numClasses ?? undefined; // None is "not given", as _ovewrite_value_param reads it
  const auxLoss = o.auxLoss ?? undefined;
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses >= 1)) throw new RangeError(`${fn}: numClasses should be a positive integer, got ${String(numClasses)}`);
  if (auxLoss !== undefined && typeof auxLoss !== 'boolean') throw new TypeError(`${fn}: auxLoss should be a boolean, got ${describe(auxLoss)}`);
  // verified in torchvision's order: the weights, then the backbone's (even where `weights` makes them unused); file paths pass as they are
  const isEntry = (w: unknown): boolean => w !== null && w !== undefined && (typeof w !== 'string' || ENTRY_NAME.test(w));
  if (isEntry(o.weights)) weightsEnum.verify(o.weights);
  const backbone = o.weightsBackbone === undefined ? (backboneEnum.verify('IMAGENET1K_V1') as Weights) : o.weightsBackbone; // an ImageNet classification entry
  if (isEntry(backbone)) backboneEnum.verify(backbone);
  const r = resolveWeights(weightsEnum, { weights: o.weights ?? null, numClasses, auxLoss }, () => (withAux ? { auxLoss: true } : {}));
  const progress = o.progress ?? true;
  if (r.weights !== null && r.weights !== undefined) // a state dict file is the whole model's too: no backbone weights to load first
    return { weights: r.weights, progress, numClasses: r.numClasses ?? 21, auxLoss: r.auxLoss ?? false, weightsBackbone: null };
  return { weights: null, progress, numClasses: r.numClasses ?? 21, auxLoss: r.auxLoss ?? false, weightsBackbone: backbone };
}

/**
 * torchvision's stage indices of a MobileNetV3's `features`: 0 (the stem), each strided block (C1 ..
 * Cn-1) and the last (Cn). torchvision reads InvertedResidual._is_cn (its config's stride > 1); here
 * the config's strides say it, block i being features[i + 1].
 */
export function mobileNetStageIndices(features: torch.nn.Sequential, strides: readonly number[]): number[] {
  if (features.length !== strides.length + 2) throw new RangeError(`expected the stem, ${strides.length} blocks and the last convolution, got ${features.length} modules`);
  return [0, ...strides.flatMap((s, i) => (s > 1 ? [i + 1] : [])), features.length - 1];
}

/** A block's out_channels (Conv2dNormActivation's and InvertedResidual's outChannels). */
export function outChannelsOf(m: Module, who: string): number {
  const c = (m as { outChannels?: unknown }).outChannels;
  if (typeof c !== 'number') throw new TypeError(`${who}: ${m.constructor.name} has no outChannels`);
  return c;
}

/**
 * The ResNet builders of FCN and DeepLabV3 (torchvision's fcn_resnet50 ... deeplabv3_resnet101): the
 * options resolved, a dilated backbone (output stride 8), `make`'s model on it, then `weights` loaded.
 */
export function buildOnResNet<M extends torch.nn.Module>(fn: string, resnet: (options: ResNetOptions) => ResNet, weightsEnum: AnyWeightsEnum, backboneEnum: AnyWeightsEnum,
  options: AuxSegmentationBuilderOptions, make: (backbone: ResNet, numClasses: number, aux: boolean) => M): M {
  const o = resolveSegmentation(fn, weightsEnum, backboneEnum, options, true);
  const backbone = resnet({ weights: o.weightsBackbone, progress: o.progress, replaceStrideWithDilation: [false, true, true] });
  const model = make(backbone, o.numClasses, o.auxLoss);
  if (o.weights !== null) loadWeights(model, o.weights, o.progress);
  return model;
}

