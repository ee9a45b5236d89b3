// The frame every torchvision detector's forward shares: forwardBoth gives [losses, detections] (as the
// TorchScript forward returns them), forward returns the half torchvision's eager_outputs picks and frees the other.
import * as torch from '../../../index.js';
import { describe, isOptionsObject, readOptions } from '../../../options.js';
import type { Tensor } from '../../../tensor.js';
import type { DetectionTarget, DetectionTargetInput } from './transform.js';

/** The R-CNNs' and the single-stage detectors' common base: forward from forwardBoth. */
export abstract class Detector extends torch.nn.Module {
  /** torchvision's forward as TorchScript returns it: [losses, detections] (in training the detections are empty, in eval the losses). */
  abstract forwardBoth(images: readonly Tensor[] | Tensor, targets?: readonly DetectionTargetInput[] | null): [Record<string, Tensor>, DetectionTarget[]];

  /** torchvision's eager_outputs: the losses in training, the detections in eval. */
  eagerOutputs(losses: Record<string, Tensor>, detections: DetectionTarget[]): Record<string, Tensor> | DetectionTarget[] {
    return this.training ? losses : detections;
  }

  /**
   * images: one float Tensor (C, H, W) in [0, 1] per image, sizes may differ (or one (N, C, H, W) Tensor);
   * targets (training only, required then): per image { boxes: Tensor[N, 4] xyxy with positive width and
   * height, labels: int64 Tensor[N], and the model's own keys }. Training returns the losses, eval one
   * detection object per image, boxes in the original image's pixels.
   */
  override forward(images: readonly Tensor[] | Tensor, targets: readonly DetectionTargetInput[] | null = null): Record<string, Tensor> | DetectionTarget[] {
    const [losses, detections] = this.forwardBoth(images, targets);
    for (const t of (this.training ? detections.flatMap((d) => Object.values(d)) : Object.values(losses))) t.dispose();
    return this.eagerOutputs(losses, detections);
  }
}

/** The constructor's numClasses and options, given as (numClasses, options) or (options), as torchvision's detectors take them: the options with numClasses set. */
export function readDetectorOptions<O extends { numClasses?: number | null }>(fn: string, numClassesArg: unknown, options: unknown, keys: readonly string[]): O {
  const optionsGiven = isOptionsObject(numClassesArg) && options === undefined;
  const o = readOptions(fn, optionsGiven ? numClassesArg : options ?? {}, keys) as O;
  if (!optionsGiven && numClassesArg !== undefined) {
    if (o.numClasses !== undefined) throw new TypeError(`${fn}: numClasses given twice (as an argument and as an option)`);
    o.numClasses = numClassesArg as number | null;
  }
  return o;
}

/** The backbone's outChannels, checked as torchvision reads backbone.out_channels. */
export function backboneOutChannels(fn: string, backbone: unknown): number {
  if (!(backbone instanceof torch.nn.Module)) throw new TypeError(`${fn}: backbone should be a Module, got ${describe(backbone)}`);
  const outChannels = (backbone as { outChannels?: unknown }).outChannels;
  if (outChannels === undefined)
    throw new RangeError('backbone should contain an attribute out_channels specifying the number of output channels (assumed to be the same for all the levels) (outChannels here)');
  if (!Number.isInteger(outChannels)) throw new TypeError(`${fn}: backbone.outChannels should be an int, got ${describe(outChannels)}`);
  return outChannels as number;
}

/** The constructor's (backbone, numClasses, options) or (backbone, options): the options, then the backbone's outChannels. */
export function readDetectorArgs<O extends { numClasses?: number | null }>(fn: string, backbone: unknown, numClassesArg: unknown, options: unknown, keys: readonly string[]): [O, number] {
  const o = readDetectorOptions<O>(fn, numClassesArg, options, keys);
  return [o, backboneOutChannels(fn, backbone)];
}
