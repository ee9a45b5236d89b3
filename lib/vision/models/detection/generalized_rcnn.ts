// torchvision.models.detection.generalized_rcnn (0.28): GeneralizedRCNN, the frame of the R-CNN
// detectors: transform (normalize, resize, batch), backbone, region proposal network, RoI heads, and the
// detections mapped back to the original image sizes. In training forward returns the losses, in eval
// the detections (torchvision's eager_outputs), with torchvision's checks of the targets.
import * as torch from '../../../index.js';
import { describe } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import type { ImageList, ImageSize } from './image_list.js';
import { Detector } from './_detector.js';
import { checkDegenerateBoxes, checkDetectorInputs, type DetectionTarget, type DetectionTargetInput } from './transform.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** The losses of an R-CNN in training (Python's dict[str, Tensor]): the RoI heads' then the RPN's. */
export type RCNNLosses = Record<string, Tensor>;

/**
 * torchvision's GeneralizedRCNN(backbone, rpn, roiHeads, transform): `transform` (a
 * GeneralizedRCNNTransform) batches the images and targets, `backbone` maps the batch to a feature map or
 * named feature maps, `rpn` proposes boxes, `roiHeads` classifies and refines them; eval detections are
 * resized back to each image's original size. Training forward returns the losses ({ loss_classifier,
 * loss_box_reg, loss_objectness, loss_rpn_box_reg } and the heads' own), eval one { boxes, labels, scores }
 * per image.
 */
export class GeneralizedRCNN extends Detector {
  declare transform: Module; declare backbone: Module; declare rpn: Module; declare roi_heads: Module;

  constructor(backbone: Module, rpn: Module, roiHeads: Module, transform: Module) {
    super();
    const who = new.target.name;
    for (const [name, m] of [['backbone', backbone], ['rpn', rpn], ['roiHeads', roiHeads], ['transform', transform]] as const)
      if (!(m instanceof nn.Module)) throw new TypeError(`${who}: ${name} should be a Module, got ${describe(m)}`);
    this.transform = transform;
    this.backbone = backbone;
    this.rpn = rpn;
    this.roi_heads = roiHeads;
  }

  /** torchvision's forward as TorchScript returns it: [losses, detections] (in training the detections are empty, in eval the losses). */
  override forwardBoth(imagesIn: readonly Tensor[] | Tensor, targetsIn: readonly DetectionTargetInput[] | null = null): [RCNNLosses, DetectionTarget[]] {
    // a batched (N, C, H, W) tensor is its N images, as Python iterates it
    if (isTensor(imagesIn) && imagesIn.dim() === 4) return torch.tidy(() => this.forwardBoth(imagesIn.unbind(0), targetsIn));
    const images = imagesIn as readonly Tensor[];
    const targets = targetsIn as readonly DetectionTarget[] | null;
    const originalImageSizes = checkDetectorInputs(this.constructor.name, this.training, images, targets);
    return torch.tidy(() => {
      const [imageList, tgts] = this.transform.call(images, targets ?? null) as [ImageList, DetectionTarget[] | null];
      checkDegenerateBoxes(tgts);
      let features = this.backbone.call(imageList.tensors) as Tensor | Record<string, Tensor> | Map<string, Tensor>;
      if (isTensor(features)) features = { 0: features };
      const [proposals, proposalLosses] = this.rpn.call(imageList, features, tgts) as [Tensor[], RCNNLosses];
      const [dets, detectorLosses] = this.roi_heads.call(features, proposals, imageList.imageSizes, tgts) as [DetectionTarget[], RCNNLosses];
      const detections = (this.transform as unknown as { postprocess(r: DetectionTarget[], s: readonly ImageSize[], o: readonly ImageSize[]): DetectionTarget[] })
        .postprocess(dets, imageList.imageSizes, originalImageSizes);
      const losses: RCNNLosses = { ...detectorLosses, ...proposalLosses };
      return [losses, detections] as [RCNNLosses, DetectionTarget[]];
    });
  }
}
