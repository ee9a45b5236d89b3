// torchvision.ops.poolers (torchvision 0.28): MultiScaleRoIAlign, RoI Align over a feature pyramid. Each
// box is pooled from the level the FPN paper's eq. 1 assigns it (LevelMapper), with the level's scale
// inferred from the feature and image sizes on the first call (setupScales), through roiAlign (the path
// torchvision takes without native ops), so results and gradients agree with torchvision bit for bit.
import * as torch from '../../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { boxArea } from './boxes.js';
import { roiAlign, roiOutputSize } from './roi_align.js';

const LEVEL_MAPPER = signature('LevelMapper', { kMin: REQUIRED, kMax: REQUIRED, canonicalScale: 224, canonicalLevel: 4, eps: 1e-6 });
const MULTI_SCALE = signature('MultiScaleRoIAlign', { featmapNames: REQUIRED, outputSize: REQUIRED, samplingRatio: REQUIRED, canonicalScale: 224, canonicalLevel: 4 });

/**
 * torchvision's LevelMapper: the pyramid level of each box (eq. 1 of the FPN paper),
 * floor(canonicalLevel + log2(sqrt(area) / canonicalScale) + eps) clamped to [kMin, kMax], minus kMin.
 */
export class LevelMapper {
  kMin: number;
  kMax: number;
  s0: number;
  lvl0: number;
  eps: number;
  constructor(kMin: number, kMax: number, ...args: PyArgs<[canonicalScale: number, canonicalLevel: number, eps: number], { canonicalScale?: number; canonicalLevel?: number; eps?: number }>);
  constructor(...args: unknown[]) {
    const values = bind(LEVEL_MAPPER, args);
    values.forEach((v, i) => {
      if (typeof v !== 'number') throw new TypeError(`LevelMapper: ${LEVEL_MAPPER.names[i]} must be a number, got ${describe(v)}`);
    });
    [this.kMin, this.kMax, this.s0, this.lvl0, this.eps] = values as number[] as [number, number, number, number, number];
  }

  /** The level index (int64, from 0) of every box of every list, in order. */
  call(boxlists: readonly Tensor[]): Tensor {
    if (!Array.isArray(boxlists) || !boxlists.every(isTensor)) throw new TypeError(`LevelMapper: expected a list of box Tensors, got ${describe(boxlists)}`);
    return torch.tidy(() => {
      const s = torch.sqrt(torch.cat(boxlists.map((b) => boxArea(b))));
      const targetLvls = torch.floor(torch.log2(s.div(this.s0)).add(this.lvl0).add(torch.tensor(this.eps, { dtype: s.dtype })));
      const clamped = torch.clamp(targetLvls, this.kMin, this.kMax);
      return clamped.to(torch.int64).sub(this.kMin).to(torch.int64);
    });
  }
}

/** torchvision's initLevelMapper. */
export function initLevelMapper(kMin: number, kMax: number, canonicalScale = 224, canonicalLevel = 4, eps = 1e-6): LevelMapper {
  return new LevelMapper(kMin, kMax, canonicalScale, canonicalLevel, eps);
}

/** torchvision's _convert_to_roi_format: per-image boxes to one Tensor[K, 5] with the image index first. */
function convertToRoiFormat(boxes: readonly Tensor[]): Tensor {
  const concatBoxes = torch.cat([...boxes], 0);
  const { dtype, device } = concatBoxes;
  const ids = torch.cat(boxes.map((b, i) => torch.fullLike(b.index(':', ':1'), i, { dtype, device })), 0);
  return torch.cat([ids, concatBoxes], 1);
}

/** torchvision's _infer_scale: the power of two (in float32's log2, rounded half to even) nearest size / original size, from the height. */
export function inferScale(feature: Tensor, originalSize: readonly [number, number]): number {
  const size = feature.shape.slice(-2);
  const possibleScales = size.map((s1, i) => {
    const approxScale = s1 / originalSize[i]!;
    return 2 ** (torch.tidy(() => torch.tensor(approxScale, { dtype: torch.float32 }).log2().round().item()) as number);
  });
  return possibleScales[0]!;
}

/**
 * torchvision's _setup_scales: each feature map's scale relative to the largest image (max height, max
 * width of `imageShapes`), and the LevelMapper over the levels they span.
 */
export function setupScales(features: readonly Tensor[], imageShapes: readonly (readonly number[])[], canonicalScale: number, canonicalLevel: number): [number[], LevelMapper] {
  if (!Array.isArray(imageShapes) || imageShapes.length === 0) throw new RangeError('setupScales: images list should not be empty');
  if (!imageShapes.every((s) => Array.isArray(s) && s.length === 2 && s.every((v) => typeof v === 'number')))
    throw new TypeError(`setupScales: imageShapes should be [height, width] pairs, got ${JSON.stringify(imageShapes)}`);
  let maxX = 0, maxY = 0;
  for (const shape of imageShapes) {
    maxX = Math.max(shape[0], maxX);
    maxY = Math.max(shape[1], maxY);
  }
  const scales = features.map((f) => inferScale(f, [maxX, maxY]));
  // the levels: the network downsamples by 2 at each
  const level = (scale: number): number => torch.tidy(() => torch.log2(torch.tensor(scale, { dtype: torch.float32 })).neg().item());
  const lvlMin = level(scales[0]!), lvlMax = level(scales[scales.length - 1]!);
  return [scales, initLevelMapper(Math.trunc(lvlMin), Math.trunc(lvlMax), canonicalScale, canonicalLevel)];
}

/** torchvision's _multiscale_roi_align: every box pooled from its level. */
function multiscaleRoiAlign(xFiltered: Tensor[], boxes: readonly Tensor[], outputSize: [number, number], samplingRatio: number, scales: number[], mapper: LevelMapper): Tensor {
  return torch.tidy(() => {
    const rois = convertToRoiFormat(boxes);
    if (xFiltered.length === 1) return roiAlign(xFiltered[0]!, rois, outputSize, scales[0]!, samplingRatio);
    const levels = mapper.call(boxes);
    const numRois = rois.size(0);
    const numChannels = xFiltered[0]!.shape[1]!;
    const { dtype, device } = xFiltered[0]!;
    const result = torch.zeros([numRois, numChannels, ...outputSize], { dtype, device });
    xFiltered.forEach((perLevelFeature, level) => {
      const idxInLevel = torch.where(levels.eq(level))[0]!;
      const roisPerLevel = rois.index(idxInLevel);
      const resultIdxInLevel = roiAlign(perLevelFeature, roisPerLevel, outputSize, scales[level]!, samplingRatio);
      result.indexPut_([idxInLevel], resultIdxInLevel.to(result.dtype));
    });
    return result;
  });
}

/** The options of MultiScaleRoIAlign after its required arguments. */
export interface MultiScaleRoIAlignOptions { canonicalScale?: number; canonicalLevel?: number }

/**
 * torchvision's MultiScaleRoIAlign(featmapNames, outputSize, samplingRatio, { canonicalScale = 224,
 * canonicalLevel = 4 }): RoI Align over the named feature maps of a pyramid, each box from the level that
 * eq. 1 of the FPN paper gives it (a box of canonicalScale^2 area goes to canonicalLevel). The scales and
 * the level mapper are inferred on the first forward (and kept, as torchvision keeps them).
 */
export class MultiScaleRoIAlign extends torch.nn.Module {
  featmapNames: string[];
  samplingRatio: number;
  outputSize: [number, number];
  scales: number[] | null = null;
  mapLevels: LevelMapper | null = null;
  canonicalScale: number;
  canonicalLevel: number;
  constructor(featmapNames: readonly string[], outputSize: number | readonly number[], samplingRatio: number, options?: MultiScaleRoIAlignOptions);
  constructor(options: { featmapNames: readonly string[]; outputSize: number | readonly number[]; samplingRatio: number } & MultiScaleRoIAlignOptions);
  constructor(...args: unknown[]) {
    super();
    const fn = MULTI_SCALE.fn;
    const [featmapNames, outputSize, samplingRatio, canonicalScale, canonicalLevel] = bind(MULTI_SCALE, args);
    if (!Array.isArray(featmapNames) || !featmapNames.every((n) => typeof n === 'string')) throw new TypeError(`${fn}: featmapNames must be a list of strings, got ${describe(featmapNames)}`);
    if (typeof samplingRatio !== 'number' || !Number.isInteger(samplingRatio)) throw new TypeError(`${fn}: samplingRatio must be an int, got ${describe(samplingRatio)}`);
    if (typeof canonicalScale !== 'number' || typeof canonicalLevel !== 'number') throw new TypeError(`${fn}: canonicalScale and canonicalLevel must be numbers`);
    this.featmapNames = [...(featmapNames as string[])];
    this.samplingRatio = samplingRatio;
    this.outputSize = roiOutputSize(fn, Array.isArray(outputSize) && outputSize.length === 1 ? [outputSize[0], outputSize[0]] : outputSize);
    this.canonicalScale = canonicalScale;
    this.canonicalLevel = canonicalLevel;
  }

  /** x: the feature maps by name (in pyramid order), boxes: xyxy boxes per image in image coordinates, imageShapes: each image's [height, width]. */
  override forward(x: Record<string, Tensor> | Map<string, Tensor>, boxes: readonly Tensor[], imageShapes: readonly (readonly number[])[]): Tensor {
    const fn = MULTI_SCALE.fn;
    const entries = x instanceof Map ? [...x.entries()] : typeof x === 'object' && x !== null ? Object.entries(x) : null;
    if (entries === null) throw new TypeError(`${fn}: x must be a Record or a Map of feature maps, got ${describe(x)}`);
    if (!Array.isArray(boxes) || !boxes.every(isTensor)) throw new TypeError(`${fn}: boxes must be a list of Tensor[N, 4], got ${describe(boxes)}`);
    // _filter_input: the named maps, in x's order
    const xFiltered = entries.filter(([k]) => this.featmapNames.includes(k)).map(([, v]) => v);
    if (xFiltered.length === 0) throw new RangeError(`${fn}: none of the feature maps [${this.featmapNames.join(', ')}] is in x (it has [${entries.map(([k]) => k).join(', ')}])`);
    if (this.scales === null || this.mapLevels === null) {
      try {
        [this.scales, this.mapLevels] = setupScales(xFiltered, imageShapes, this.canonicalScale, this.canonicalLevel);
      } catch (e) {
        throw e instanceof RangeError ? new RangeError(`${fn}: ${e.message.replace(/^setupScales: /, '')}`) : e;
      }
    }
    return multiscaleRoiAlign(xFiltered, boxes, this.outputSize, this.samplingRatio, this.scales, this.mapLevels);
  }

  override toString(): string {
    return `MultiScaleRoIAlign(featmap_names=[${this.featmapNames.map((n) => `'${n.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}], output_size=(${this.outputSize.join(', ')}), sampling_ratio=${this.samplingRatio})`;
  }
}
