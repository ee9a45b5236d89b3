// torchvision.models.vision_transformer: ViT-B/16, B/32, L/16, L/32 and H/14 (Dosovitskiy et al., 2021),
// with torchvision's module names, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { MLP, type NormLayerFactory } from '../ops/misc.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
const layerNorm = (dim: number): torch.nn.Module => new nn.LayerNorm(dim, { eps: 1e-6 });

/** The transformer's MLP: Linear-GELU-Dropout-Linear-Dropout, Xavier-uniform weights and N(0, 1e-6) biases. */
class MLPBlock extends MLP {
  constructor(inDim: number, mlpDim: number, dropout: number) {
    super(inDim, [mlpDim, inDim], { activationLayer: () => new nn.GELU(), dropout });
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.xavierUniform_(m.weight);
        if (m.bias) nn.init.normal_(m.bias, { std: 1e-6 });
      }
    }
  }
}

/** Pre-norm self-attention and MLP, each with a residual connection. */
class EncoderBlock extends nn.Module {
  declare ln_1: torch.nn.Module; declare self_attention: torch.nn.MultiheadAttention; declare dropout: torch.nn.Dropout;
  declare ln_2: torch.nn.Module; declare mlp: MLPBlock;
  constructor(readonly numHeads: number, hiddenDim: number, mlpDim: number, dropout: number, attentionDropout: number, normLayer: NormLayerFactory) {
    super();
    this.ln_1 = normLayer(hiddenDim);
    this.self_attention = new nn.MultiheadAttention(hiddenDim, numHeads, { dropout: attentionDropout, batchFirst: true });
    this.dropout = new nn.Dropout(dropout);
    this.ln_2 = normLayer(hiddenDim);
    this.mlp = new MLPBlock(hiddenDim, mlpDim, dropout);
  }
  override forward(input: Tensor): Tensor {
    if (input.dim() !== 3) throw new RangeError(`Expected (batch_size, seq_length, hidden_dim) got [${input.shape.join(', ')}]`);
    const normed = this.ln_1.call(input) as Tensor;
    const [attended] = this.self_attention.call(normed, normed, normed, { needWeights: false }) as [Tensor, Tensor | null];
    const x = (this.dropout.call(attended) as Tensor).add(input);
    return x.add(this.mlp.call(this.ln_2.call(x)) as Tensor);
  }
}

/** Learned position embeddings (N(0, 0.02), as BERT), dropout, the encoder blocks and a final norm. */
class Encoder extends nn.Module {
  declare pos_embedding: torch.nn.Parameter; declare dropout: torch.nn.Dropout; declare layers: torch.nn.Sequential; declare ln: torch.nn.Module;
  constructor(seqLength: number, numLayers: number, numHeads: number, hiddenDim: number, mlpDim: number, dropout: number, attentionDropout: number, normLayer: NormLayerFactory) {
    super();
    this.pos_embedding = new nn.Parameter(torch.empty(1, seqLength, hiddenDim).normal_(0, 0.02));
    this.dropout = new nn.Dropout(dropout);
    const layers: Record<string, torch.nn.Module> = {};
    for (let i = 0; i < numLayers; i++) layers[`encoder_layer_${i}`] = new EncoderBlock(numHeads, hiddenDim, mlpDim, dropout, attentionDropout, normLayer);
    this.layers = new nn.Sequential(layers);
    this.ln = normLayer(hiddenDim);
  }
  override forward(input: Tensor): Tensor {
    if (input.dim() !== 3) throw new RangeError(`Expected (batch_size, seq_length, hidden_dim) got [${input.shape.join(', ')}]`);
    return this.ln.call(this.layers.call(this.dropout.call(input.add(this.pos_embedding)))) as Tensor;
  }
}

export interface VisionTransformerOptions {
  dropout?: number; attentionDropout?: number; numClasses?: number; representationSize?: number | null;
  normLayer?: NormLayerFactory | null; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}

/** torchvision's VisionTransformer: patch embedding (a strided convolution), a class token, the encoder and the head on the class token. */
export class VisionTransformer extends nn.Module {
  declare conv_proj: torch.nn.Conv2d; declare class_token: torch.nn.Parameter; declare encoder: Encoder; declare heads: torch.nn.Sequential;
  readonly imageSize: number;
  readonly patchSize: number;
  readonly hiddenDim: number;
  readonly seqLength: number;
  constructor(imageSize: number, patchSize: number, numLayers: number, numHeads: number, hiddenDim: number, mlpDim: number, options: VisionTransformerOptions = {}) {
    super();
    const o = readOptions('VisionTransformer', options, ['dropout', 'attentionDropout', 'numClasses', 'representationSize', 'normLayer', 'weights', 'progress']) as VisionTransformerOptions;
    const { dropout = 0.0, attentionDropout = 0.0, numClasses = 1000, representationSize = null } = o;
    const normLayer = o.normLayer ?? layerNorm;
    if (imageSize % patchSize !== 0) throw new RangeError('Input shape indivisible by patch size!');
    this.imageSize = imageSize; this.patchSize = patchSize; this.hiddenDim = hiddenDim;
    this.conv_proj = new nn.Conv2d(3, hiddenDim, patchSize, { stride: patchSize });
    this.class_token = new nn.Parameter(torch.zeros(1, 1, hiddenDim));
    this.seqLength = (imageSize / patchSize) ** 2 + 1;
    this.encoder = new Encoder(this.seqLength, numLayers, numHeads, hiddenDim, mlpDim, dropout, attentionDropout, normLayer);
    this.heads = new nn.Sequential(representationSize === null
      ? { head: new nn.Linear(hiddenDim, numClasses) }
      : { pre_logits: new nn.Linear(hiddenDim, representationSize), act: new nn.Tanh(), head: new nn.Linear(representationSize, numClasses) });
    const fanIn = 3 * patchSize * patchSize;
    nn.init.truncNormal_(this.conv_proj.weight, { std: Math.sqrt(1 / fanIn) });
    if (this.conv_proj.bias) nn.init.zeros_(this.conv_proj.bias);
    const preLogits = (this.heads as unknown as { pre_logits?: torch.nn.Linear }).pre_logits;
    if (preLogits) {
      nn.init.truncNormal_(preLogits.weight, { std: Math.sqrt(1 / hiddenDim) });
      nn.init.zeros_(preLogits.bias!);
    }
    const head = (this.heads as unknown as { head: torch.nn.Linear }).head;
    nn.init.zeros_(head.weight);
    nn.init.zeros_(head.bias!);
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }

  /** The image as a sequence of patch embeddings, N x (H/p * W/p) x hidden. */
  processInput(x: Tensor): Tensor {
    const [n, , h, w] = x.shape as [number, number, number, number];
    if (h !== this.imageSize) throw new RangeError(`Wrong image height! Expected ${this.imageSize} but got ${h}!`);
    if (w !== this.imageSize) throw new RangeError(`Wrong image width! Expected ${this.imageSize} but got ${w}!`);
    const p = this.patchSize;
    return this.conv_proj.call(x).reshape(n, this.hiddenDim, Math.floor(h / p) * Math.floor(w / p)).permute(0, 2, 1);
  }

  override forward(x: Tensor): Tensor {
    const patches = this.processInput(x);
    const tokens = torch.cat([this.class_token.expand(patches.size(0), -1, -1), patches], 1);
    return this.heads.call(this.encoder.call(tokens).index(':', 0)) as Tensor;
  }
}

/** The named variants take torchvision's keyword arguments, `imageSize` (224 by default) among them. */
export interface VitOptions extends VisionTransformerOptions { imageSize?: number }
const vit = (patchSize: number, numLayers: number, numHeads: number, hiddenDim: number, mlpDim: number, weights: AnyWeightsEnum) => (options: VitOptions = {}): VisionTransformer => {
  // weights fix the image size to theirs (the SWAG ones are 384 or 518)
  const { imageSize = 224, ...rest } = resolveWeights(weights, options, (w) => ({ imageSize: w.meta.minSize[0] }));
  return new VisionTransformer(imageSize, patchSize, numLayers, numHeads, hiddenDim, mlpDim, rest);
};
/** ViT-B/16 */
export const vit_b_16 = vit(16, 12, 12, 768, 3072, W.ViT_B_16_Weights);
/** ViT-B/32. */
export const vit_b_32 = vit(32, 12, 12, 768, 3072, W.ViT_B_32_Weights);
/** ViT-L/16. */
export const vit_l_16 = vit(16, 24, 16, 1024, 4096, W.ViT_L_16_Weights);
/** ViT-L/32. */
export const vit_l_32 = vit(32, 24, 16, 1024, 4096, W.ViT_L_32_Weights);
/** ViT-H/14. */
export const vit_h_14 = vit(14, 32, 16, 1280, 5120, W.ViT_H_14_Weights);
