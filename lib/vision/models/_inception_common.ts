// What GoogLeNet and Inception v3 share in torchvision (written twice there): their initialization and
// the input transform their ported TensorFlow weights expect.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { warn } from '../../warnings.js';

const { nn } = torch;

/** Truncated-normal convolution and linear weights (Inception v3: a layer's own `stddev` if it has one), unit batch norms. */
export function initInceptionWeights(model: torch.nn.Module, defaultStd: number, ownStddev: boolean): void {
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
      const std = ownStddev && 'stddev' in m ? Number(m.stddev) : defaultStd;
      nn.init.truncNormal_(m.weight, { mean: 0.0, std, a: -2, b: 2 });
    } else if (m instanceof nn.BatchNorm2d) {
      nn.init.constant_(m.weight!, 1);
      nn.init.constant_(m.bias!, 0);
    }
  }
}

/** Each channel from ImageNet normalization to the (x - 0.5) / 0.5 scaling of the TensorFlow weights. */
export function imagenetToHalfScale(x: Tensor): Tensor {
  const channel = (i: number, std: number, mean: number): Tensor => torch.unsqueeze(x.index(':', i), 1).mul(std / 0.5).add((mean - 0.5) / 0.5);
  return torch.cat([channel(0, 0.229, 0.485), channel(1, 0.224, 0.456), channel(2, 0.225, 0.406)], 1);
}

/**
 * init_weights as both models read it: given, else false for a pretrained entry (its load overwrites
 * them), else true with torchvision's FutureWarning naming `model` ('GoogleNet', 'inception_v3').
 */
export function resolveInitWeights(model: string, given: boolean | null | undefined, pretrained: boolean): boolean {
  if (given != null) return given;
  if (pretrained) return false;
  warn(`The default weight initialization of ${model} will be changed in future releases of torchvision. If you wish to keep the old behavior `
    + '(which leads to long initialization times due to scipy/scipy#11299), please set init_weights=True.', 'FutureWarning');
  return true;
}
