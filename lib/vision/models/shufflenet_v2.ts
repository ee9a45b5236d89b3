// torchvision.models.shufflenetv2: ShuffleNetV2 x0.5, x1.0, x1.5, x2.0 (Ma et al., 2018), with
// torchvision's module names and construction order (default layer initialization).
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;

/** Interleaves the channels of `groups` groups, so information crosses between the two branches. */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return x.view(n, groups, Math.floor(c / groups), h, w).transpose(1, 2).contiguous().view(n, c, h, w);
}

const depthwise = (channels: number, stride: number): torch.nn.Conv2d => new nn.Conv2d(channels, channels, 3, { stride, padding: 1, bias: false, groups: channels });

/** Channel split (stride 1) or two downsampling branches (stride 2), concatenated and shuffled. */
class InvertedResidual extends nn.Module {
  declare branch1: torch.nn.Sequential; declare branch2: torch.nn.Sequential;
  readonly stride: number;
  constructor(inp: number, oup: number, stride: number) {
    super();
    if (!(stride >= 1 && stride <= 3)) throw new RangeError('illegal stride value');
    this.stride = stride;
    const branch = Math.floor(oup / 2);
    if (stride === 1 && inp !== branch << 1)
      throw new RangeError(`Invalid combination of stride ${stride}, inp ${inp} and oup ${oup} values. If stride == 1 then inp should be equal to oup // 2 << 1.`);
    this.branch1 = stride > 1
      ? new nn.Sequential(depthwise(inp, stride), new nn.BatchNorm2d(inp), new nn.Conv2d(inp, branch, 1, { bias: false }), new nn.BatchNorm2d(branch), new nn.ReLU(true))
      : new nn.Sequential();
    this.branch2 = new nn.Sequential(
      new nn.Conv2d(stride > 1 ? inp : branch, branch, 1, { bias: false }), new nn.BatchNorm2d(branch), new nn.ReLU(true),
      depthwise(branch, stride), new nn.BatchNorm2d(branch),
      new nn.Conv2d(branch, branch, 1, { bias: false }), new nn.BatchNorm2d(branch), new nn.ReLU(true),
    );
  }
  override forward(x: Tensor): Tensor {
    let out: Tensor;
    if (this.stride === 1) {
      const [x1, x2] = x.chunk(2, 1) as [Tensor, Tensor];
      out = torch.cat([x1, this.branch2.call(x2) as Tensor], 1);
    } else {
      out = torch.cat([this.branch1.call(x) as Tensor, this.branch2.call(x) as Tensor], 1);
    }
    return channelShuffle(out, 2);
  }
}

export interface ShuffleNetV2Options { numClasses?: number; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean; }

/** torchvision's ShuffleNetV2: 3x3 stem, max-pool, three stages, a 1x1 convolution, global mean and a linear classifier. */
export class ShuffleNetV2 extends nn.Module {
  declare conv1: torch.nn.Sequential; declare maxpool: torch.nn.MaxPool2d; declare stage2: torch.nn.Sequential; declare stage3: torch.nn.Sequential;
  declare stage4: torch.nn.Sequential; declare conv5: torch.nn.Sequential; declare fc: torch.nn.Linear;
  constructor(stagesRepeats: readonly number[], stagesOutChannels: readonly number[], options: ShuffleNetV2Options = {}) {
    super();
    const { numClasses = 1000, weights = null, progress = true } = readOptions('ShuffleNetV2', options, ['numClasses', 'weights', 'progress']) as ShuffleNetV2Options;
    if (stagesRepeats.length !== 3) throw new RangeError('expected stages_repeats as list of 3 positive ints');
    if (stagesOutChannels.length !== 5) throw new RangeError('expected stages_out_channels as list of 5 positive ints');
    let input = stagesOutChannels[0]!;
    this.conv1 = new nn.Sequential(new nn.Conv2d(3, input, 3, { stride: 2, padding: 1, bias: false }), new nn.BatchNorm2d(input), new nn.ReLU(true));
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    const stages = (['stage2', 'stage3', 'stage4'] as const).map((name, i) => {
      const out = stagesOutChannels[i + 1]!;
      const seq = [new InvertedResidual(input, out, 2)];
      for (let r = 0; r < stagesRepeats[i]! - 1; r++) seq.push(new InvertedResidual(out, out, 1));
      input = out;
      return [name, new nn.Sequential(...seq)] as const;
    });
    for (const [name, seq] of stages) this[name] = seq;
    const last = stagesOutChannels[4]!;
    this.conv5 = new nn.Sequential(new nn.Conv2d(input, last, 1, { bias: false }), new nn.BatchNorm2d(last), new nn.ReLU(true));
    this.fc = new nn.Linear(last, numClasses);
    if (weights !== null) loadWeights(this, weights, progress);
  }
  override forward(x: Tensor): Tensor {
    const h = this.stage4.call(this.stage3.call(this.stage2.call(this.maxpool.call(this.conv1.call(x) as Tensor))));
    return this.fc.call((this.conv5.call(h) as Tensor).mean([2, 3]));
  }
}

const shufflenet = (outChannels: number[], weights: AnyWeightsEnum) => (options: ShuffleNetV2Options = {}): ShuffleNetV2 =>
  new ShuffleNetV2([4, 8, 4], outChannels, resolveWeights(weights, options));
/** ShuffleNetV2 x0.5 */
export const shufflenet_v2_x0_5 = shufflenet([24, 48, 96, 192, 1024], W.ShuffleNet_V2_X0_5_Weights);
/** ShuffleNetV2 x1.0 */
export const shufflenet_v2_x1_0 = shufflenet([24, 116, 232, 464, 1024], W.ShuffleNet_V2_X1_0_Weights);
export const shufflenet_v2_x1_5 = shufflenet([24, 176, 352, 704, 1024], W.ShuffleNet_V2_X1_5_Weights);
export const shufflenet_v2_x2_0 = shufflenet([24, 244, 488, 976, 2048], W.ShuffleNet_V2_X2_0_Weights);
