// torchvision.models.convnext: ConvNeXt Tiny/Small/Base/Large (Liu et al., 2022), with torchvision's
// module names, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { Conv2dNormActivation, Permute, type NormLayerFactory } from '../ops/misc.js';
import { StochasticDepth } from '../ops/stochastic_depth.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;

/** LayerNorm over the channels of an N x C x H x W tensor (channels moved last and back). */
export class LayerNorm2d extends nn.LayerNorm {
  override forward(x: Tensor): Tensor {
    const last = nn.functional.layerNorm(x.permute(0, 2, 3, 1), this.normalizedShape, this.weight, this.bias, this.eps);
    return last.permute(0, 3, 1, 2);
  }
}

/** Depthwise 7x7, LayerNorm, 4x MLP with GELU, layer scale and stochastic depth around a residual. */
class CNBlock extends nn.Module {
  declare block: torch.nn.Sequential; declare layer_scale: torch.nn.Parameter; declare stochastic_depth: StochasticDepth;
  constructor(dim: number, layerScale: number, stochasticDepthProb: number, normLayer: NormLayerFactory = (d) => new nn.LayerNorm(d, { eps: 1e-6 })) {
    super();
    this.block = new nn.Sequential(
      new nn.Conv2d(dim, dim, 7, { padding: 3, groups: dim, bias: true }),
      new Permute([0, 2, 3, 1]),
      normLayer(dim),
      new nn.Linear(dim, 4 * dim, { bias: true }),
      new nn.GELU(),
      new nn.Linear(4 * dim, dim, { bias: true }),
      new Permute([0, 3, 1, 2]),
    );
    this.layer_scale = new nn.Parameter(torch.ones(dim, 1, 1).mul(layerScale));
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
  }
  override forward(input: Tensor): Tensor {
    const result = this.stochastic_depth.call(this.layer_scale.mul(this.block.call(input) as Tensor)) as Tensor;
    return result.add_(input);
  }
}

/** One stage: numLayers blocks at inputChannels, then (unless outChannels is null) a downsampling to outChannels. */
export interface CNBlockConfig { inputChannels: number; outChannels: number | null; numLayers: number }

export interface ConvNeXtOptions { stochasticDepthProb?: number; layerScale?: number; numClasses?: number; normLayer?: NormLayerFactory | null; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean; }

/** torchvision's ConvNeXt: a 4x4 patchify stem, stages with downsampling between them, pooling and a LayerNorm + linear classifier. */
export class ConvNeXt extends nn.Module {
  declare features: torch.nn.Sequential; declare avgpool: torch.nn.AdaptiveAvgPool2d; declare classifier: torch.nn.Sequential;
  constructor(blockSetting: readonly CNBlockConfig[], options: ConvNeXtOptions = {}) {
    super();
    const o = readOptions('ConvNeXt', options, ['stochasticDepthProb', 'layerScale', 'numClasses', 'normLayer', 'weights', 'progress']) as ConvNeXtOptions;
    const { stochasticDepthProb = 0.0, layerScale = 1e-6, numClasses = 1000 } = o;
    if (!Array.isArray(blockSetting) || blockSetting.length === 0) throw new RangeError('The block_setting should not be empty');
    const normLayer = o.normLayer ?? ((c: number) => new LayerNorm2d(c, { eps: 1e-6 }));
    const layers: torch.nn.Module[] = [new Conv2dNormActivation(3, blockSetting[0]!.inputChannels, { kernelSize: 4, stride: 4, padding: 0, normLayer, activationLayer: null, bias: true })];
    const totalBlocks = blockSetting.reduce((n, c) => n + c.numLayers, 0);
    let blockId = 0;
    for (const cnf of blockSetting) {
      const stage: torch.nn.Module[] = [];
      for (let i = 0; i < cnf.numLayers; i++) {
        stage.push(new CNBlock(cnf.inputChannels, layerScale, (stochasticDepthProb * blockId) / (totalBlocks - 1.0)));
        blockId++;
      }
      layers.push(new nn.Sequential(...stage));
      if (cnf.outChannels !== null) layers.push(new nn.Sequential(normLayer(cnf.inputChannels), new nn.Conv2d(cnf.inputChannels, cnf.outChannels, 2, { stride: 2 })));
    }
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    const last = blockSetting[blockSetting.length - 1]!;
    const lastChannels = last.outChannels ?? last.inputChannels;
    this.classifier = new nn.Sequential(normLayer(lastChannels), new nn.Flatten(1), new nn.Linear(lastChannels, numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
        nn.init.truncNormal_(m.weight, { std: 0.02 });
        if (m.bias) nn.init.zeros_(m.bias);
      }
    }
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }
  override forward(x: Tensor): Tensor {
    return this.classifier.call(this.avgpool.call(this.features.call(x) as Tensor)) as Tensor;
  }
}

const stages = (...s: [number, number | null, number][]): CNBlockConfig[] => s.map(([inputChannels, outChannels, numLayers]) => ({ inputChannels, outChannels, numLayers }));
const convnext = (setting: CNBlockConfig[], stochasticDepthProb: number, weights: AnyWeightsEnum) =>
  (options: ConvNeXtOptions = {}): ConvNeXt => new ConvNeXt(setting, { stochasticDepthProb, ...resolveWeights(weights, options) });
/** ConvNeXt-Tiny */
export const convnext_tiny = convnext(stages([96, 192, 3], [192, 384, 3], [384, 768, 9], [768, null, 3]), 0.1, W.ConvNeXt_Tiny_Weights);
export const convnext_small = convnext(stages([96, 192, 3], [192, 384, 3], [384, 768, 27], [768, null, 3]), 0.4, W.ConvNeXt_Small_Weights);
export const convnext_base = convnext(stages([128, 256, 3], [256, 512, 3], [512, 1024, 27], [1024, null, 3]), 0.5, W.ConvNeXt_Base_Weights);
export const convnext_large = convnext(stages([192, 384, 3], [384, 768, 3], [768, 1536, 27], [1536, null, 3]), 0.5, W.ConvNeXt_Large_Weights);
