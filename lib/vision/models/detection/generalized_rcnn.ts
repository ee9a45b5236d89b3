// torchvision.models.detection.generalized_rcnn (0.28): GeneralizedRCNN, the frame of the R-CNN
// detectors: transform (normalize, resize, batch), backbone, region proposal network, RoI heads, and the
// detections mapped back to the original image sizes. In training forward returns the losses, in eval
// the detections (torchvision's eager_outputs), with torchvision's checks of the targets.
import * as torch from '../../../index.js';
import { describe } from '../../../options.js';
import { pyFloat } from '../../../print.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import type { ImageList, ImageSize } from './image_list.js';
import { checkTargetList, type DetectionTarget, type DetectionTargetInput } from './transform.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** The losses of an R-CNN in training (Python's dict[str, Tensor]): the RoI heads' then the RPN's. */
export type RCNNLosses = Record<string, Tensor>;

const size = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`;

/**
 * torchvision's GeneralizedRCNN(backbone, rpn, roiHeads, transform): `transform` (a
 * GeneralizedRCNNTransform) batches the images and targets, `backbone` maps the batch to a feature map or
 * named feature maps, `rpn` proposes boxes, `roiHeads` classifies and refines them; eval detections are
 * resized back to each image's original size.
 */
export class GeneralizedRCNN extends nn.Module {
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

  /** torchvision's eager_outputs: the losses in training, the detections in eval. */
  eagerOutputs(losses: RCNNLosses, detections: DetectionTarget[]): RCNNLosses | DetectionTarget[] {
    return this.training ? losses : detections;
  }

  /**
   * images: one float Tensor (C, H, W) in [0, 1] per image, sizes may differ. targets (training only,
   * required then): per image { boxes: Tensor[N, 4] (x1, y1, x2, y2, positive width and height), labels:
   * int64 Tensor[N] }. Training returns the losses ({ loss_classifier, loss_box_reg, loss_objectness,
   * loss_rpn_box_reg }), eval one { boxes, labels, scores } per image, boxes in the original image's pixels.
   */
  override forward(images: readonly Tensor[] | Tensor, targets: readonly DetectionTargetInput[] | null = null): RCNNLosses | DetectionTarget[] {
    const [losses, detections] = this.forwardBoth(images, targets);
    if (this.training) {
      for (const d of detections) for (const t of Object.values(d)) t.dispose();
      return losses;
    }
    for (const t of Object.values(losses)) t.dispose();
    return detections;
  }

  /** torchvision's forward as TorchScript returns it: [losses, detections] (in training the detections are empty, in eval the losses). */
  forwardBoth(imagesIn: readonly Tensor[] | Tensor, targetsIn: readonly DetectionTargetInput[] | null = null): [RCNNLosses, DetectionTarget[]] {
    // a batched (N, C, H, W) tensor is its N images, as Python iterates it
    if (isTensor(imagesIn) && imagesIn.dim() === 4) return torch.tidy(() => this.forwardBoth(imagesIn.unbind(0), targetsIn));
    const images = imagesIn as readonly Tensor[];
    const targets = targetsIn as readonly DetectionTarget[] | null;
    if (!Array.isArray(images) || !images.every(isTensor)) throw new TypeError(`${this.constructor.name}: images should be an array of Tensors (C, H, W) or one (N, C, H, W) Tensor, got ${describe(images)}`);
    if (this.training) {
      if (targets === null || targets === undefined) throw new RangeError('targets should not be none when in training mode');
      checkTargetList(this.constructor.name, targets);
      for (const target of targets) {
        const boxes = target.boxes as unknown;
        if (isTensor(boxes)) {
          if (!(boxes.dim() === 2 && boxes.shape[1] === 4)) throw new RangeError(`Expected target boxes to be a tensor of shape [N, 4], got ${size(boxes.shape)}.`);
        } else {
          throw new TypeError(`Expected target boxes to be of type Tensor, got ${describe(boxes)}.`);
        }
      }
    }
    const originalImageSizes: ImageSize[] = images.map((img) => {
      if (img.dim() < 2) throw new RangeError(`expecting the last two dimensions of the Tensor to be H and W instead got ${size(img.shape.slice(-2))}`);
      const [h, w] = img.shape.slice(-2) as [number, number];
      return [h, w];
    });
    return torch.tidy(() => {
      const [imageList, tgts] = this.transform.call(images, targets ?? null) as [ImageList, DetectionTarget[] | null];
      // degenerate boxes (after the resize)
      if (tgts !== null) {
        tgts.forEach((target, targetIdx) => {
          const boxes = target.boxes!;
          const degenerate = boxes.index(':', '2:').le(boxes.index(':', ':2'));
          if (degenerate.any().item()) {
            const bbIdx = torch.where(degenerate.any(1))[0]!.index(0).item() as number;
            const degenBb = (boxes.select(0, bbIdx).tolist() as number[]).map(pyFloat);
            throw new RangeError(`All bounding boxes should have positive height and width. Found invalid box [${degenBb.join(', ')}] for target at index ${targetIdx}.`);
          }
        });
      }
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
