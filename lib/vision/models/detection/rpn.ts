// torchvision.models.detection.rpn (0.28): RPNHead and RegionProposalNetwork (Ren et al., 2015), with
// torchvision's module names, construction order and initialization. Proposals are the anchors moved by the
// predicted deltas, the pre-NMS top-n per level, clipped, filtered and suppressed per level (batchedNms);
// training adds the losses: BCE on the objectness and smooth L1 (beta 1/9) on the sampled anchors' deltas,
// the sample drawn as torchvision draws it (torch.randperm), so a seed gives torchvision's losses.
import * as torch from '../../../index.js';
import type { LoadMetadata } from '../../../nn/module.js';
import { describe, isOptionsObject } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { batchedNms, boxIou, clipBoxesToImage, removeSmallBoxes } from '../../ops/boxes.js';
import { Conv2dNormActivation } from '../../ops/misc.js';
import { AnchorGenerator } from './anchor_utils.js';
import { ImageList, type ImageSize } from './image_list.js';
import { BalancedPositiveNegativeSampler, BoxCoder, Matcher, _topkMin } from './_utils.js';

export { AnchorGenerator } from './anchor_utils.js'; // as torchvision's rpn module re-exports it

const { nn } = torch;
const F = nn.functional;

/** A 3x3 convolution (+ ReLU) `convDepth` times, then per anchor an objectness logit (cls_logits) and 4 box deltas (bbox_pred). */
export class RPNHead extends nn.Module {
  static override _version = 2;
  declare conv: torch.nn.Sequential; declare cls_logits: torch.nn.Conv2d; declare bbox_pred: torch.nn.Conv2d;
  constructor(inChannels: number, numAnchors: number, convDepth = 1) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['numAnchors', numAnchors], ['convDepth', convDepth]] as const)
      if (!Number.isInteger(v) || v < 0) throw new TypeError(`RPNHead: ${name} should be a non-negative int, got ${typeof v === 'number' ? v : describe(v)}`);
    const convs = Array.from({ length: convDepth }, () => new Conv2dNormActivation(inChannels, inChannels, { kernelSize: 3, normLayer: null }));
    this.conv = new nn.Sequential(...convs);
    this.cls_logits = new nn.Conv2d(inChannels, numAnchors, 1, 1);
    this.bbox_pred = new nn.Conv2d(inChannels, numAnchors * 4, 1, 1);
    for (const layer of this.modules()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.normal_(layer.weight, 0, 0.01);
        if (layer.bias) nn.init.constant_(layer.bias, 0);
      }
    }
  }

  // State dicts from before version 2 name the first convolution conv.weight, not conv.0.0.weight.
  protected override _loadFromStateDict(stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    const version = localMetadata.version;
    if (version === undefined || version < 2) {
      for (const type of ['weight', 'bias']) {
        const oldKey = `${prefix}conv.${type}`;
        if (oldKey in stateDict) {
          const value = stateDict[oldKey];
          delete stateDict[oldKey];
          stateDict[`${prefix}conv.0.0.${type}`] = value;
        }
      }
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }

  /** The objectness logits (N, A, H, W) and box deltas (N, 4A, H, W) of each feature map. */
  override forward(x: Tensor[]): [Tensor[], Tensor[]] {
    if (!Array.isArray(x) || !x.every(isTensor)) throw new TypeError(`RPNHead: expected an array of feature maps, got ${describe(x)}`);
    const logits: Tensor[] = [];
    const bboxReg: Tensor[] = [];
    for (const feature of x) {
      const t = this.conv.call(feature) as Tensor;
      logits.push(this.cls_logits.call(t));
      bboxReg.push(this.bbox_pred.call(t));
      if (t !== feature) t.dispose();
    }
    return [logits, bboxReg];
  }
}

/** (N, A*C, H, W) to (N, H*W*A, C), the anchors' order. */
export function permuteAndFlatten(layer: Tensor, N: number, A: number, C: number, H: number, W: number): Tensor {
  return torch.tidy(() => layer.view(N, -1, C, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, C));
}

/** Every level's predictions in the anchors' order, concatenated: the class logits (sum of anchors, C) and the deltas (sum of anchors, 4). */
export function concatBoxPredictionLayers(boxCls: readonly Tensor[], boxRegression: readonly Tensor[]): [Tensor, Tensor] {
  return torch.tidy(() => {
    const clsFlat: Tensor[] = [];
    const regFlat: Tensor[] = [];
    const count = Math.min(boxCls.length, boxRegression.length);
    for (let i = 0; i < count; i++) {
      const [N, AxC, H, W] = boxCls[i]!.shape as [number, number, number, number];
      const Ax4 = boxRegression[i]!.shape[1]!;
      const A = Math.floor(Ax4 / 4);
      const C = Math.floor(AxC / A);
      clsFlat.push(permuteAndFlatten(boxCls[i]!, N, A, C, H, W));
      regFlat.push(permuteAndFlatten(boxRegression[i]!, N, A, 4, H, W));
    }
    return [torch.cat(clsFlat, 1).flatten(0, -2), torch.cat(regFlat, 1).reshape(-1, 4)] as [Tensor, Tensor];
  });
}

/** Python's dict[str, int] of the training and testing values. */
export interface TrainTest { training: number; testing: number }
/** A target's ground-truth boxes (xyxy, (K, 4)); other keys are ignored. */
export type RpnTarget = Record<string, Tensor> & { boxes: Tensor };
/** The RPN's losses in training: loss_objectness and loss_rpn_box_reg (empty in eval). */
export type RpnLosses = Record<string, Tensor>;

function checkTrainTest(name: string, v: unknown): TrainTest {
  if (!isOptionsObject(v) || typeof v.training !== 'number' || typeof v.testing !== 'number')
    throw new TypeError(`RegionProposalNetwork: ${name} should be { training, testing } numbers, got ${describe(v)}`);
  return { training: v.training, testing: v.testing };
}

/**
 * torchvision's RegionProposalNetwork: objectness and deltas from `head` over every feature map,
 * anchors from `anchorGenerator`, proposals filtered (top preNmsTopN per level, clipped, small and
 * low-scoring ones removed, NMS per level at nmsThresh, the best postNmsTopN kept); in training, the
 * anchors are matched to the targets (IoU >= fgIouThresh positive, < bgIouThresh negative) and
 * batchSizePerImage of them sampled for the losses.
 */
export class RegionProposalNetwork extends nn.Module {
  declare anchor_generator: AnchorGenerator; declare head: torch.nn.Module;
  boxCoder: BoxCoder;
  boxSimilarity: (boxes1: Tensor, boxes2: Tensor) => Tensor;
  proposalMatcher: Matcher;
  fgBgSampler: BalancedPositiveNegativeSampler;
  _preNmsTopN: TrainTest;
  _postNmsTopN: TrainTest;
  nmsThresh: number;
  scoreThresh: number;
  minSize: number;

  constructor(anchorGenerator: AnchorGenerator, head: torch.nn.Module, fgIouThresh: number, bgIouThresh: number, batchSizePerImage: number, positiveFraction: number,
    preNmsTopN: TrainTest, postNmsTopN: TrainTest, nmsThresh: number, scoreThresh = 0.0) {
    super();
    if (!(anchorGenerator instanceof nn.Module)) throw new TypeError(`RegionProposalNetwork: anchorGenerator should be a Module (an AnchorGenerator), got ${describe(anchorGenerator)}`);
    if (!(head instanceof nn.Module)) throw new TypeError(`RegionProposalNetwork: head should be a Module, got ${describe(head)}`);
    for (const [name, v] of [['nmsThresh', nmsThresh], ['scoreThresh', scoreThresh]] as const)
      if (typeof v !== 'number') throw new TypeError(`RegionProposalNetwork: ${name} should be a number, got ${describe(v)}`);
    this.anchor_generator = anchorGenerator;
    this.head = head;
    this.boxCoder = new BoxCoder([1.0, 1.0, 1.0, 1.0]);
    this.boxSimilarity = (a, b) => boxIou(a, b);
    this.proposalMatcher = new Matcher(fgIouThresh, bgIouThresh, true);
    this.fgBgSampler = new BalancedPositiveNegativeSampler(batchSizePerImage, positiveFraction);
    this._preNmsTopN = checkTrainTest('preNmsTopN', preNmsTopN);
    this._postNmsTopN = checkTrainTest('postNmsTopN', postNmsTopN);
    this.nmsThresh = nmsThresh;
    this.scoreThresh = scoreThresh;
    this.minSize = 1e-3;
  }

  preNmsTopN(): number {
    return this.training ? this._preNmsTopN.training : this._preNmsTopN.testing;
  }
  postNmsTopN(): number {
    return this.training ? this._postNmsTopN.training : this._postNmsTopN.testing;
  }

  /** Per image: each anchor's label (1 object, 0 background, -1 ignored; float32) and its matched ground-truth box. */
  assignTargetsToAnchors(anchors: readonly Tensor[], targets: readonly RpnTarget[]): [Tensor[], Tensor[]] {
    const labels: Tensor[] = [];
    const matchedGtBoxes: Tensor[] = [];
    const count = Math.min(anchors.length, targets.length);
    for (let i = 0; i < count; i++) {
      const anchorsPerImage = anchors[i]!;
      const gtBoxes = targets[i]!.boxes;
      if (!isTensor(gtBoxes)) throw new TypeError('RegionProposalNetwork: each target should hold its "boxes" Tensor');
      const [l, m] = torch.tidy(() => {
        if (gtBoxes.numel() === 0) {
          // a background image (negative example)
          const device = anchorsPerImage.device;
          return [torch.zeros([anchorsPerImage.size(0)], { dtype: torch.float32, device }), torch.zeros(anchorsPerImage.shape, { dtype: torch.float32, device })] as const;
        }
        const matchQualityMatrix = this.boxSimilarity(gtBoxes, anchorsPerImage);
        const matchedIdxs = this.proposalMatcher.call(matchQualityMatrix);
        // clamped: a single ground truth and BETWEEN_THRESHOLDS (-2) would index out of bounds
        const matched = gtBoxes.index(matchedIdxs.clamp({ min: 0 }));
        const lab = matchedIdxs.ge(0).to(torch.float32);
        lab.indexPut_([matchedIdxs.eq(this.proposalMatcher.BELOW_LOW_THRESHOLD)], 0.0); // background
        lab.indexPut_([matchedIdxs.eq(this.proposalMatcher.BETWEEN_THRESHOLDS)], -1.0); // discarded
        return [lab, matched] as const;
      });
      labels.push(l);
      matchedGtBoxes.push(m);
    }
    return [labels, matchedGtBoxes];
  }

  /** The indices (N, sum of top-n) of each level's preNmsTopN highest objectness, offset to the level. */
  _getTopNIdx(objectness: Tensor, numAnchorsPerLevel: readonly number[]): Tensor {
    return torch.tidy(() => {
      const r: Tensor[] = [];
      let offset = 0;
      for (const ob of objectness.split([...numAnchorsPerLevel], 1)) {
        const numAnchors = ob.shape[1]!;
        const preNmsTopN = _topkMin(ob, this.preNmsTopN(), 1);
        const topNIdx = ob.topk(preNmsTopN, 1).indices;
        r.push(topNIdx.add(offset));
        offset += numAnchors;
      }
      return torch.cat(r, 1);
    });
  }

  /** Per image, the proposals kept (boxes and sigmoid scores), as described on the class. */
  filterProposals(proposals: Tensor, objectness: Tensor, imageShapes: readonly (readonly number[])[], numAnchorsPerLevel: readonly number[]): [Tensor[], Tensor[]] {
    const numImages = proposals.shape[0]!;
    const device = proposals.device;
    return torch.tidy(() => {
      const finalBoxes: Tensor[] = [];
      const finalScores: Tensor[] = [];
      // no backprop through the objectness
      let obj = objectness.detach().reshape(numImages, -1);
      let levels = torch.cat(numAnchorsPerLevel.map((n, idx) => torch.full([n], idx, { dtype: torch.int64, device })), 0).reshape(1, -1).expandAs(obj);
      const topNIdx = this._getTopNIdx(obj, numAnchorsPerLevel);
      const batchIdx = torch.arange(numImages, { device }).index(':', null);
      obj = obj.index(batchIdx, topNIdx);
      levels = levels.index(batchIdx, topNIdx);
      const props = proposals.index(batchIdx, topNIdx);
      const objectnessProb = torch.sigmoid(obj);
      const count = Math.min(numImages, imageShapes.length);
      for (let i = 0; i < count; i++) {
        let boxes = clipBoxesToImage(props.select(0, i), imageShapes[i]!.slice(0, 2));
        let scores = objectnessProb.select(0, i);
        let lvl = levels.select(0, i);
        // remove small boxes
        let keep = removeSmallBoxes(boxes, this.minSize);
        [boxes, scores, lvl] = [boxes.index(keep), scores.index(keep), lvl.index(keep)];
        // remove low scoring boxes (>= for backwards compatibility)
        keep = torch.where(scores.ge(this.scoreThresh))[0]!;
        [boxes, scores, lvl] = [boxes.index(keep), scores.index(keep), lvl.index(keep)];
        // non-maximum suppression, independently per level
        keep = batchedNms(boxes, scores, lvl, this.nmsThresh);
        // the top-k scoring predictions
        keep = keep.index(`:${this.postNmsTopN()}`);
        finalBoxes.push(boxes.index(keep));
        finalScores.push(scores.index(keep));
      }
      return [finalBoxes, finalScores] as [Tensor[], Tensor[]];
    });
  }

  /** [objectness loss, box loss] over the sampled anchors (sampled with torch.randperm). */
  computeLoss(objectness: Tensor, predBboxDeltas: Tensor, labels: readonly Tensor[], regressionTargets: readonly Tensor[]): [Tensor, Tensor] {
    return torch.tidy(() => {
      const [sampledPos, sampledNeg] = this.fgBgSampler.call(labels);
      const sampledPosInds = torch.where(torch.cat(sampledPos, 0))[0]!;
      const sampledNegInds = torch.where(torch.cat(sampledNeg, 0))[0]!;
      const sampledInds = torch.cat([sampledPosInds, sampledNegInds], 0);
      const obj = objectness.flatten();
      const allLabels = torch.cat([...labels], 0);
      const targets = torch.cat([...regressionTargets], 0);
      const boxLoss = F.smoothL1Loss(predBboxDeltas.index(sampledPosInds), targets.index(sampledPosInds), { beta: 1 / 9, reduction: 'sum' }).div(sampledInds.numel());
      const objectnessLoss = F.binaryCrossEntropyWithLogits(obj.index(sampledInds), allLabels.index(sampledInds));
      return [objectnessLoss, boxLoss] as [Tensor, Tensor];
    });
  }

  /**
   * The proposals (one Tensor[k, 4] per image) for `images` from `features` (a plain object or a Map of
   * feature maps, in order), and in training the losses against `targets` (required then).
   */
  override forward(images: ImageList, features: Record<string, Tensor> | Map<string, Tensor>, targets: readonly RpnTarget[] | null = null): [Tensor[], RpnLosses] {
    if (!(images instanceof ImageList)) throw new TypeError(`RegionProposalNetwork: images should be an ImageList, got ${describe(images)}`);
    const feats = features instanceof Map ? [...features.values()] : isOptionsObject(features) ? Object.values(features) : null;
    if (feats === null || !feats.every(isTensor)) throw new TypeError(`RegionProposalNetwork: features should be a plain object or a Map of Tensors, got ${describe(features)}`);
    if (this.training && targets === null) throw new RangeError('targets should not be None');
    return torch.tidy(() => {
      const [objectnessList, deltasList] = this.head.call(feats) as [Tensor[], Tensor[]];
      const anchors = this.anchor_generator.call(images, feats) as Tensor[];
      const numImages = anchors.length;
      const numAnchorsPerLevel = objectnessList.map((o) => o.shape[1]! * o.shape[2]! * o.shape[3]!);
      const [objectness, predBboxDeltas] = concatBoxPredictionLayers(objectnessList, deltasList);
      // the deltas are detached: Faster R-CNN does not backprop through the proposals
      const proposals = this.boxCoder.decode(predBboxDeltas.detach(), anchors).view(numImages, -1, 4);
      const [boxes] = this.filterProposals(proposals, objectness, images.imageSizes as ImageSize[], numAnchorsPerLevel);
      const losses: RpnLosses = {};
      if (this.training) {
        const [labels, matchedGtBoxes] = this.assignTargetsToAnchors(anchors, targets!);
        const regressionTargets = this.boxCoder.encode(matchedGtBoxes, anchors);
        const [lossObjectness, lossRpnBoxReg] = this.computeLoss(objectness, predBboxDeltas, labels, regressionTargets);
        losses.loss_objectness = lossObjectness;
        losses.loss_rpn_box_reg = lossRpnBoxReg;
      }
      return [boxes, losses] as [Tensor[], RpnLosses];
    });
  }
}
