// torchvision.models.mnasnet: MNASNet 0.5, 0.75, 1.0, 1.3 (Tan et al., 2019, the B1 variant), with
// torchvision's module names, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { loadWeights, resolveWeights, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
const BN_MOMENTUM = 1 - 0.9997; // the TensorFlow reference's decay, as a PyTorch momentum

/** 1x1 expansion, depthwise KxK and 1x1 projection, with a skip connection when shapes allow. */
class _InvertedResidual extends nn.Module {
  declare layers: torch.nn.Sequential;
  readonly applyResidual: boolean;
  constructor(inCh: number, outCh: number, kernelSize: number, stride: number, expansionFactor: number, bnMomentum = 0.1) {
    super();
    if (stride !== 1 && stride !== 2) throw new RangeError(`stride should be 1 or 2 instead of ${stride}`);
    if (kernelSize !== 3 && kernelSize !== 5) throw new RangeError(`kernel_size should be 3 or 5 instead of ${kernelSize}`);
    const mid = inCh * expansionFactor;
    this.applyResidual = inCh === outCh && stride === 1;
    this.layers = new nn.Sequential(
      new nn.Conv2d(inCh, mid, 1, { bias: false }), new nn.BatchNorm2d(mid, { momentum: bnMomentum }), new nn.ReLU(true),
      new nn.Conv2d(mid, mid, kernelSize, { padding: Math.floor(kernelSize / 2), stride, groups: mid, bias: false }),
      new nn.BatchNorm2d(mid, { momentum: bnMomentum }), new nn.ReLU(true),
      new nn.Conv2d(mid, outCh, 1, { bias: false }), new nn.BatchNorm2d(outCh, { momentum: bnMomentum }),
    );
  }
  override forward(input: Tensor): Tensor {
    const out = this.layers.call(input) as Tensor;
    return this.applyResidual ? out.add(input) : out;
  }
}

/** A stack of inverted residuals: the first changes the shape (no skip), the rest keep it. */
function stack(inCh: number, outCh: number, kernelSize: number, stride: number, expFactor: number, repeats: number): torch.nn.Sequential {
  if (repeats < 1) throw new RangeError(`repeats should be >= 1, instead got ${repeats}`);
  const blocks = [new _InvertedResidual(inCh, outCh, kernelSize, stride, expFactor, BN_MOMENTUM)];
  for (let i = 1; i < repeats; i++) blocks.push(new _InvertedResidual(outCh, outCh, kernelSize, 1, expFactor, BN_MOMENTUM));
  return new nn.Sequential(...blocks);
}

/** torchvision's _round_to_multiple_of: to a multiple of `divisor`, rounding up unless at most 10 % above the lower one. */
function roundToMultipleOf(val: number, divisor: number, roundUpBias = 0.9): number {
  const newVal = Math.max(divisor, Math.floor(Math.trunc(val + divisor / 2) / divisor) * divisor);
  return newVal >= roundUpBias * val ? newVal : newVal + divisor;
}

export interface MNASNetOptions { numClasses?: number; dropout?: number; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean; }

/** torchvision's MNASNet (version 2 of its stem): depths scaled by alpha, stacks of inverted residuals, global mean and a classifier. */
export class MNASNet extends nn.Module {
  static override _version = 2; // torchvision's: its stem's version 2 (a state dict saved without it is refused by Python's MNASNet)
  declare layers: torch.nn.Sequential; declare classifier: torch.nn.Sequential;
  readonly alpha: number;
  readonly numClasses: number;
  constructor(alpha: number, options: MNASNetOptions = {}) {
    super();
    const { numClasses = 1000, dropout = 0.2, weights = null, progress = true } = readOptions('MNASNet', options, ['numClasses', 'dropout', 'weights', 'progress']) as MNASNetOptions;
    if (!(alpha > 0.0)) throw new RangeError(`alpha should be greater than 0.0 instead of ${alpha}`);
    this.alpha = alpha;
    this.numClasses = numClasses;
    const d = [32, 16, 24, 40, 80, 96, 192, 320].map((depth) => roundToMultipleOf(depth * alpha, 8));
    const bn = (c: number): torch.nn.BatchNorm2d => new nn.BatchNorm2d(c, { momentum: BN_MOMENTUM });
    this.layers = new nn.Sequential(
      new nn.Conv2d(3, d[0]!, 3, { padding: 1, stride: 2, bias: false }), bn(d[0]!), new nn.ReLU(true),
      new nn.Conv2d(d[0]!, d[0]!, 3, { padding: 1, stride: 1, groups: d[0]!, bias: false }), bn(d[0]!), new nn.ReLU(true),
      new nn.Conv2d(d[0]!, d[1]!, 1, { padding: 0, stride: 1, bias: false }), bn(d[1]!),
      stack(d[1]!, d[2]!, 3, 2, 3, 3), stack(d[2]!, d[3]!, 5, 2, 3, 3), stack(d[3]!, d[4]!, 5, 2, 6, 3),
      stack(d[4]!, d[5]!, 3, 1, 6, 2), stack(d[5]!, d[6]!, 5, 2, 6, 4), stack(d[6]!, d[7]!, 3, 1, 6, 1),
      new nn.Conv2d(d[7]!, 1280, 1, { padding: 0, stride: 1, bias: false }), bn(1280), new nn.ReLU(true),
    );
    this.classifier = new nn.Sequential(new nn.Dropout(dropout, true), new nn.Linear(1280, numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.kaimingUniform_(m.weight, { mode: 'fan_out', nonlinearity: 'sigmoid' });
        nn.init.zeros_(m.bias!);
      }
    }
    if (weights !== null) loadWeights(this, weights, progress);
  }
  override forward(x: Tensor): Tensor {
    return this.classifier.call((this.layers.call(x) as Tensor).mean([2, 3])) as Tensor;
  }
}

/** MNASNet 0.5 */
export const mnasnet0_5 = (options: MNASNetOptions = {}): MNASNet => new MNASNet(0.5, resolveWeights(W.MNASNet0_5_Weights, options));
export const mnasnet0_75 = (options: MNASNetOptions = {}): MNASNet => new MNASNet(0.75, resolveWeights(W.MNASNet0_75_Weights, options));
/** MNASNet 1.0 */
export const mnasnet1_0 = (options: MNASNetOptions = {}): MNASNet => new MNASNet(1.0, resolveWeights(W.MNASNet1_0_Weights, options));
export const mnasnet1_3 = (options: MNASNetOptions = {}): MNASNet => new MNASNet(1.3, resolveWeights(W.MNASNet1_3_Weights, options));
