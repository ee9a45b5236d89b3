// What torchvision's single-stage detectors (RetinaNet, FCOS, SSD and SSDlite) share: the forward's frame
// (OneStageDetector: checks, transform, backbone, head, anchors, then the losses or the detections), the
// per-level selection of detections, and the constructors' and builders' argument handling.
import * as torch from '../../../index.js';
import { describe, isOptionsObject, readOptions } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { batchedNms, clipBoxesToImage } from '../../ops/boxes.js';
import { loadWeights, type AnyWeights, type AnyWeightsEnum } from '../weights.js';
import * as W from '../weights_table.js';
import { _topkMin } from './_utils.js';
import { resolveBuilder, type FasterRCNNBuilderOptions, type Resolved } from './faster_rcnn.js';
import type { ImageList, ImageSize } from './image_list.js';
import type { RetinaNetBuilderOptions } from './retinanet.js';
import { Detector } from './_detector.js';
import {
  BOX_MESSAGES, GeneralizedRCNNTransform, checkDegenerateBoxes, checkDetectorInputs, type BoxMessages, type DetectionTarget, type DetectionTargetInput,
} from './transform.js';

type Module = torch.nn.Module;

/** The losses of a single-stage detector in training (Python's dict[str, Tensor]). */
export type DetectorLosses = Record<string, Tensor>;
/** A head's outputs (Python's dict[str, Tensor]): 'cls_logits' (N, HWA, C), 'bbox_regression' (N, HWA, 4), ... */
export type HeadOutputs = Record<string, Tensor>;

/** The first part of a single-stage detector's forward: checks, transform, backbone, head, anchors. */
export interface StagedInputs {
  imageList: ImageList; targets: DetectionTarget[] | null; originalImageSizes: ImageSize[]; features: Tensor[]; headOutputs: HeadOutputs; anchors: Tensor[];
}

/** Within a tidy: torchvision's checks of the inputs, then transform, backbone (a Tensor is feature '0'), head and anchors. */
export function stageInputs(model: { training: boolean; transform: Module; backbone: Module; head: Module; anchor_generator: Module },
  owner: string, images: readonly Tensor[], targets: readonly DetectionTarget[] | null, messages?: BoxMessages): StagedInputs {
  const originalImageSizes = checkDetectorInputs(owner, model.training, images, targets, messages);
  const [imageList, tgts] = model.transform.call(images, targets ?? null) as [ImageList, DetectionTarget[] | null];
  checkDegenerateBoxes(tgts);
  const out = model.backbone.call(imageList.tensors) as Tensor | Record<string, Tensor> | Map<string, Tensor>;
  const features = isTensor(out) ? [out] : out instanceof Map ? [...out.values()] : Object.values(out);
  const headOutputs = model.head.call(features) as HeadOutputs;
  const anchors = model.anchor_generator.call(imageList, features) as Tensor[];
  return { imageList, targets: tgts, originalImageSizes, features, headOutputs, anchors };
}

/**
 * One image's detections from its per-level scores (flattened anchor x class), as RetinaNet and FCOS keep
 * them: scores above scoreThresh, the topkCandidates best per level, boxes decoded and clipped, batched NMS
 * per label, the detectionsPerImg best.
 */
export function selectDetections(levels: readonly { scores: Tensor; numClasses: number; decode: (anchorIdxs: Tensor) => Tensor }[], imageShape: readonly number[],
  scoreThresh: number, topkCandidates: number, nmsThresh: number, detectionsPerImg: number): DetectionTarget {
  return torch.tidy(() => {
    const imageBoxes: Tensor[] = [];
    const imageScores: Tensor[] = [];
    const imageLabels: Tensor[] = [];
    for (const { scores: all, numClasses, decode } of levels) {
      // remove low scoring boxes
      const keepIdxs = all.gt(scoreThresh);
      let scores = all.index(keepIdxs);
      let topkIdxs = torch.where(keepIdxs)[0]!;
      // keep only the topk scoring predictions
      const numTopk = _topkMin(topkIdxs, topkCandidates, 0);
      const top = scores.topk(numTopk);
      scores = top.values;
      topkIdxs = topkIdxs.index(top.indices);
      const anchorIdxs = torch.div(topkIdxs, numClasses, { roundingMode: 'floor' });
      const labels = topkIdxs.remainder(numClasses);
      imageBoxes.push(clipBoxesToImage(decode(anchorIdxs), imageShape.slice(0, 2)));
      imageScores.push(scores);
      imageLabels.push(labels);
    }
    const boxes = torch.cat(imageBoxes, 0);
    const scores = torch.cat(imageScores, 0);
    const labels = torch.cat(imageLabels, 0);
    // non-maximum suppression
    const keep = batchedNms(boxes, scores, labels, nmsThresh).index(`:${detectionsPerImg}`);
    return { boxes: boxes.index(keep), scores: scores.index(keep), labels: labels.index(keep) };
  });
}

/** The eval branch's split: each head output and each image's anchors split per level (H*W*A anchors each). */
export function splitLevels(features: readonly Tensor[], headOutputs: HeadOutputs, anchors: readonly Tensor[]): [Record<string, Tensor[]>, Tensor[][]] {
  const hw = features.map((x) => x.size(2) * x.size(3));
  const HW = hw.reduce((a, b) => a + b, 0);
  const HWA = headOutputs.cls_logits!.size(1);
  const A = Math.floor(HWA / HW);
  const perLevel = hw.map((v) => v * A);
  const split = Object.fromEntries(Object.entries(headOutputs).map(([k, v]) => [k, v.split(perLevel, 1)]));
  return [split, anchors.map((a) => a.split(perLevel))];
}

/**
 * The frame of torchvision's single-stage detectors: forward checks the inputs, runs transform, backbone,
 * head and anchor generator (stageInputs), then returns the subclass's losses in training and its
 * detections, mapped back to the original image sizes, in eval.
 */
export abstract class OneStageDetector extends Detector {
  declare backbone: Module; declare anchor_generator: Module; declare head: Module; declare transform: GeneralizedRCNNTransform;

  /** The losses of a training forward from its staged inputs (targets set). */
  protected abstract stagedLosses(s: StagedInputs): DetectorLosses;
  /** The detections of an eval forward from its staged inputs, in the transformed images' pixels. */
  protected abstract stagedDetections(s: StagedInputs): DetectionTarget[];
  /** torchvision's wording of this model's bad-boxes errors. */
  protected boxMessages(): BoxMessages {
    return BOX_MESSAGES;
  }

  /** torchvision's forward as TorchScript returns it: [losses, detections] (in training the detections are empty, in eval the losses). */
  override forwardBoth(imagesIn: readonly Tensor[] | Tensor, targetsIn: readonly DetectionTargetInput[] | null = null): [DetectorLosses, DetectionTarget[]] {
    // a batched (N, C, H, W) tensor is its N images, as Python iterates it
    if (isTensor(imagesIn) && imagesIn.dim() === 4) return torch.tidy(() => this.forwardBoth(imagesIn.unbind(0), targetsIn));
    return torch.tidy(() => {
      const s = stageInputs(this, this.constructor.name, imagesIn as readonly Tensor[], targetsIn as readonly DetectionTarget[] | null, this.boxMessages());
      if (this.training) return [this.stagedLosses(s), []] as [DetectorLosses, DetectionTarget[]];
      return [{}, this.transform.postprocess(this.stagedDetections(s), s.imageList.imageSizes, s.originalImageSizes)] as [DetectorLosses, DetectionTarget[]];
    });
  }
}

/** What RetinaNet's and FCOS's options share: numClasses and the GeneralizedRCNNTransform keywords (torchvision's **kwargs included). */
export interface OneStageOptions {
  /** Output classes, the background included (required unless head is given). */
  numClasses?: number | null;
  /** The shorter side the images are resized to (800); a list: training picks one per image. */
  minSize?: number | readonly number[];
  /** The longer side's limit (1333). */
  maxSize?: number;
  imageMean?: readonly number[] | null;
  imageStd?: readonly number[] | null;
  sizeDivisible?: number; fixedSize?: readonly [number, number] | null; _skipResize?: boolean;
}

/** OneStageOptions' keys, spelled once for the option checks. */
export const ONE_STAGE_OPTION_KEYS = ['numClasses', 'minSize', 'maxSize', 'imageMean', 'imageStd', 'sizeDivisible', 'fixedSize', '_skipResize'] as const satisfies readonly (keyof OneStageOptions)[];

/** The detector's GeneralizedRCNNTransform from its options, with torchvision's defaults (800, 1333, ImageNet's mean and std). */
export function transformOf(o: OneStageOptions): GeneralizedRCNNTransform {
  const transformOptions = Object.fromEntries((['sizeDivisible', 'fixedSize', '_skipResize'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  return new GeneralizedRCNNTransform(o.minSize ?? 800, o.maxSize ?? 1333, o.imageMean ?? [0.485, 0.456, 0.406], o.imageStd ?? [0.229, 0.224, 0.225], transformOptions);
}

export function checkNumber(fn: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${fn}: ${name} should be a number, got ${describe(v)}`);
}

/** The model's weights loaded, as the builders end; the model freed if that fails. */
export function loadDetectorWeights<M extends torch.nn.Module>(model: M, weights: AnyWeights | string | null, progress: boolean): M {
  if (weights === null) return model;
  try {
    loadWeights(model, weights, progress);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** A builder's preamble (resolveBuilder's: weights, backbone weights, numClasses, trainable layers) with the detector's keys. */
export function resolveDetectorBuilder(fn: string, weightsEnum: AnyWeightsEnum, options: RetinaNetBuilderOptions, defaultBackbone: boolean, keys: readonly string[]): Resolved {
  if (!isOptionsObject(options)) throw new TypeError(`${fn}: expected an options object, got ${describe(options)}`);
  readOptions(fn, options, ['weights', 'progress', 'numClasses', 'weightsBackbone', 'trainableBackboneLayers', ...keys.filter((k) => k !== 'numClasses')]);
  return resolveBuilder(fn, weightsEnum, W.ResNet50_Weights, options as FasterRCNNBuilderOptions, defaultBackbone, 5, {}, keys);
}

/** Python's TypeError where a builder passes the detector a part the caller's keywords also give. */
export function refuseParts(fn: string, rest: Record<string, unknown>, parts: Readonly<Record<string, string>>): void {
  const given = Object.keys(parts).find((k) => rest[k] !== undefined && rest[k] !== null);
  if (given !== undefined) throw new TypeError(`${fn} got multiple values for keyword argument '${parts[given]}' (${given}: this builder makes its own)`);
}
