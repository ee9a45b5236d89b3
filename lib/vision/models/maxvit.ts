// torchvision.models.maxvit: MaxViT-T (Tu et al., 2022), multi-axis attention (block then grid) after an
// MBConv in every layer, with torchvision's module names, buffers, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { pyFloat, pyTuple } from '../../print.js';
import { Conv2dNormActivation, SqueezeExcitation, type ActivationFactory, type NormLayerFactory } from '../ops/misc.js';
import { StochasticDepth } from '../ops/stochastic_depth.js';
import { loadWeights, resolveWeights, Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
type Module = torch.nn.Module;
const gelu: ActivationFactory = () => new nn.GELU();
const layerNorm: NormLayerFactory = (c) => new nn.LayerNorm(c);

/** torchvision's _get_conv_output_shape: the [H, W] a convolution with this kernel, stride and padding makes of `inputSize`. */
export function getConvOutputShape(inputSize: readonly number[], kernelSize: number, stride: number, padding: number): [number, number] {
  return [Math.floor((inputSize[0]! - kernelSize + 2 * padding) / stride) + 1, Math.floor((inputSize[1]! - kernelSize + 2 * padding) / stride) + 1];
}

/** torchvision's _make_block_input_shapes: the grid each of `nBlocks` blocks works on (after the stem's and its own stride-2 3x3). */
export function makeBlockInputShapes(inputSize: readonly number[], nBlocks: number): [number, number][] {
  const shapes: [number, number][] = [];
  let shape = getConvOutputShape(inputSize, 3, 2, 1);
  for (let i = 0; i < nBlocks; i++) {
    shape = getConvOutputShape(shape, 3, 2, 1);
    shapes.push(shape);
  }
  return shapes;
}

/** torchvision's _get_relative_position_index: each token pair's row in the (2H-1)(2W-1) bias table, H*W x H*W int64. */
export function getRelativePositionIndex(height: number, width: number): Tensor {
  const coords = torch.stack(torch.meshgrid([torch.arange(height), torch.arange(width)], { indexing: 'ij' })); // 2, H, W
  const flat = torch.flatten(coords, 1); // 2, H*W
  const relative = flat.index(':', ':', null).sub(flat.index(':', null, ':')).permute(1, 2, 0).contiguous(); // H*W, H*W, 2
  relative.index(':', ':', 0).add_(height - 1); // shift to start from 0
  relative.index(':', ':', 1).add_(width - 1);
  relative.index(':', ':', 0).mul_(2 * width - 1);
  return relative.sum(-1);
}

/** Mobile inverted bottleneck: pre-norm, 1x1 expansion, depthwise 3x3 (strided), SE, 1x1 projection; a pooled 1x1 shortcut when the shape changes. */
export class MBConv extends nn.Module {
  declare proj: Module; declare stochastic_depth: Module; declare layers: torch.nn.Sequential;
  constructor(inChannels: number, outChannels: number, expansionRatio: number, squeezeRatio: number, stride: number,
    activationLayer: ActivationFactory, normLayer: NormLayerFactory, pStochasticDropout = 0.0) {
    super();
    if (stride !== 1 || inChannels !== outChannels) {
      const conv = new nn.Conv2d(inChannels, outChannels, 1, { stride: 1, bias: true });
      // the shortcut downsamples by average pooling before the 1x1
      this.proj = stride === 2 ? new nn.Sequential(new nn.AvgPool2d(3, { stride, padding: 1 }), conv) : new nn.Sequential(conv);
    } else {
      this.proj = new nn.Identity();
    }
    const midChannels = Math.trunc(outChannels * expansionRatio);
    const sqzChannels = Math.trunc(outChannels * squeezeRatio);
    // no StochasticDepth module at all when its probability is 0 (Python's truthiness test)
    this.stochastic_depth = pStochasticDropout ? new StochasticDepth(pStochasticDropout, 'row') : new nn.Identity();
    this.layers = new nn.Sequential({
      pre_norm: normLayer(inChannels),
      conv_a: new Conv2dNormActivation(inChannels, midChannels, { kernelSize: 1, stride: 1, padding: 0, activationLayer, normLayer, inplace: null }),
      conv_b: new Conv2dNormActivation(midChannels, midChannels, { kernelSize: 3, stride, padding: 1, activationLayer, normLayer, groups: midChannels, inplace: null }),
      squeeze_excitation: new SqueezeExcitation(midChannels, sqzChannels, () => new nn.SiLU()),
      conv_c: new nn.Conv2d(midChannels, outChannels, 1, { bias: true }),
    });
  }
  /** [B, C, H, W] in, [B, C', H/stride, W/stride] out. */
  override forward(x: Tensor): Tensor {
    const res = this.proj.call(x) as Tensor;
    return res.add(this.stochastic_depth.call(this.layers.call(x)) as Tensor);
  }
}

/** Multi-head self-attention within each group of P tokens, with a learned bias per relative 2-D offset (P a square). */
export class RelativePositionalMultiHeadAttention extends nn.Module {
  declare to_qkv: torch.nn.Linear; declare merge: torch.nn.Linear;
  declare relative_position_bias_table: torch.nn.Parameter; declare relative_position_index: Tensor;
  readonly nHeads: number;
  readonly headDim: number;
  readonly size: number;
  readonly maxSeqLen: number;
  readonly scaleFactor: number;
  constructor(featDim: number, headDim: number, maxSeqLen: number) {
    super();
    if (featDim % headDim !== 0) throw new RangeError(`feat_dim: ${featDim} must be divisible by head_dim: ${headDim}`);
    this.nHeads = Math.floor(featDim / headDim);
    this.headDim = headDim;
    this.size = Math.trunc(Math.sqrt(maxSeqLen));
    this.maxSeqLen = maxSeqLen;
    this.to_qkv = new nn.Linear(featDim, this.nHeads * this.headDim * 3);
    this.scaleFactor = featDim ** -0.5; // the feature dimension's, not the head's
    this.merge = new nn.Linear(this.headDim * this.nHeads, featDim);
    this.relative_position_bias_table = new nn.Parameter(torch.empty((2 * this.size - 1) * (2 * this.size - 1), this.nHeads, { dtype: torch.float32 }));
    this.registerBuffer('relative_position_index', getRelativePositionIndex(this.size, this.size));
    nn.init.truncNormal_(this.relative_position_bias_table, { std: 0.02 });
  }

  /** The bias added to the attention logits: 1 x heads x P x P. */
  getRelativePositionalBias(): Tensor {
    const biasIndex = this.relative_position_index.view(-1);
    const relativeBias = this.relative_position_bias_table.index(biasIndex).view(this.maxSeqLen, this.maxSeqLen, -1);
    return relativeBias.permute(2, 0, 1).contiguous().unsqueeze(0);
  }

  /** [B, G, P, D] in, the same layout out. */
  override forward(x: Tensor): Tensor {
    if (x.dim() !== 4) throw new RangeError(`RelativePositionalMultiHeadAttention: expected an input of layout [B, G, P, D], got shape [${x.shape.join(', ')}]`);
    const [b, g, p, d] = x.shape as [number, number, number, number];
    const h = this.nHeads;
    const dh = this.headDim;
    const [q0, k0, v0] = torch.chunk(this.to_qkv.call(x), 3, -1) as [Tensor, Tensor, Tensor];
    const q = q0.reshape(b, g, p, h, dh).permute(0, 1, 3, 2, 4);
    let k = k0.reshape(b, g, p, h, dh).permute(0, 1, 3, 2, 4);
    const v = v0.reshape(b, g, p, h, dh).permute(0, 1, 3, 2, 4);
    k = k.mul(this.scaleFactor);
    let dotProd = torch.einsum('B G H I D, B G H J D -> B G H I J', q, k);
    dotProd = nn.functional.softmax(dotProd.add(this.getRelativePositionalBias()), -1);
    const out = torch.einsum('B G H I J, B G H J D -> B G H I D', dotProd, v).permute(0, 1, 3, 2, 4).reshape(b, g, p, d);
    return this.merge.call(out);
  }
}

/** Two axes of a tensor swapped, as a module. */
export class SwapAxes extends nn.Module {
  constructor(readonly a: number, readonly b: number) { super(); }
  override forward(x: Tensor): Tensor { return torch.swapaxes(x, this.a, this.b); }
}

/** [B, C, H, W] cut into non-overlapping p x p windows: [B, H/p * W/p, p*p, C]. */
export class WindowPartition extends nn.Module {
  override forward(x: Tensor, p: number): Tensor {
    if (x.dim() !== 4) throw new RangeError(`WindowPartition: expected an input of layout [B, C, H, W], got shape [${x.shape.join(', ')}]`);
    const [b, c, h, w] = x.shape as [number, number, number, number];
    // chunk up H and W, then collapse each window's p * p pixels
    return x.reshape(b, c, Math.floor(h / p), p, Math.floor(w / p), p).permute(0, 2, 4, 3, 5, 1).reshape(b, Math.floor(h / p) * Math.floor(w / p), p * p, c);
  }
}

/** WindowPartition undone: [B, hPartitions * wPartitions, p*p, C] back to [B, C, hPartitions * p, wPartitions * p]. */
export class WindowDepartition extends nn.Module {
  override forward(x: Tensor, p: number, hPartitions: number, wPartitions: number): Tensor {
    if (x.dim() !== 4) throw new RangeError(`WindowDepartition: expected an input of layout [B, G, P*P, C], got shape [${x.shape.join(', ')}]`);
    const [b, , , c] = x.shape as [number, number, number, number];
    // split p * p into two tile dimensions, then interleave them with the partitions: B, C, HP, P, WP, P
    return x.reshape(b, hPartitions, wPartitions, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, hPartitions * p, wPartitions * p);
  }
}

/** Which tokens attend to each other: 'window' (p x p neighbourhoods) or 'grid' (a sparse p x p grid spread over the whole map). */
export type PartitionType = 'grid' | 'window';

/** The input partitioned (window or grid), pre-norm relative attention and MLP in each partition, each a residual branch with stochastic depth. */
export class PartitionAttentionLayer extends nn.Module {
  declare partition_op: WindowPartition; declare departition_op: WindowDepartition; declare partition_swap: Module; declare departition_swap: Module;
  declare attn_layer: torch.nn.Sequential; declare mlp_layer: torch.nn.Sequential; declare stochastic_dropout: StochasticDepth;
  readonly nHeads: number;
  readonly headDim: number;
  readonly nPartitions: number;
  readonly partitionType: PartitionType;
  readonly gridSize: [number, number];
  readonly p: number;
  readonly g: number;
  constructor(inChannels: number, headDim: number, partitionSize: number, partitionType: PartitionType, gridSize: readonly number[], mlpRatio: number,
    activationLayer: ActivationFactory, normLayer: NormLayerFactory, attentionDropout: number, mlpDropout: number, pStochasticDropout: number) {
    super();
    this.nHeads = Math.floor(inChannels / headDim);
    this.headDim = headDim;
    this.nPartitions = Math.floor(gridSize[0]! / partitionSize);
    this.partitionType = partitionType;
    this.gridSize = [gridSize[0]!, gridSize[1]!];
    if (partitionType !== 'grid' && partitionType !== 'window') throw new RangeError("partition_type must be either 'grid' or 'window'");
    // a grid partition is a window partition of the transposed layout: p and g trade places
    [this.p, this.g] = partitionType === 'window' ? [partitionSize, this.nPartitions] : [this.nPartitions, partitionSize];
    this.partition_op = new WindowPartition();
    this.departition_op = new WindowDepartition();
    this.partition_swap = partitionType === 'grid' ? new SwapAxes(-2, -3) : new nn.Identity();
    this.departition_swap = partitionType === 'grid' ? new SwapAxes(-2, -3) : new nn.Identity();
    this.attn_layer = new nn.Sequential(
      normLayer(inChannels),
      // always partition_size ** 2 tokens per group, thanks to the swap in grid mode
      new RelativePositionalMultiHeadAttention(inChannels, headDim, partitionSize ** 2),
      new nn.Dropout(attentionDropout),
    );
    this.mlp_layer = new nn.Sequential(
      new nn.LayerNorm(inChannels),
      new nn.Linear(inChannels, inChannels * mlpRatio),
      activationLayer(false),
      new nn.Linear(inChannels * mlpRatio, inChannels),
      new nn.Dropout(mlpDropout),
    );
    this.stochastic_dropout = new StochasticDepth(pStochasticDropout, 'row');
  }

  /** [B, C, H, W] in (H, W the grid size given at construction), the same layout out. */
  override forward(x: Tensor): Tensor {
    const gh = Math.floor(this.gridSize[0] / this.p);
    const gw = Math.floor(this.gridSize[1] / this.p);
    if (this.gridSize[0] % this.p !== 0 || this.gridSize[1] % this.p !== 0)
      throw new Error(`Grid size must be divisible by partition size. Got grid size of ${pyTuple(this.gridSize)} and partition size of ${this.p}`);
    let y = this.partition_op.call(x, this.p);
    y = this.partition_swap.call(y) as Tensor;
    y = y.add(this.stochastic_dropout.call(this.attn_layer.call(y) as Tensor));
    y = y.add(this.stochastic_dropout.call(this.mlp_layer.call(y) as Tensor));
    y = this.departition_swap.call(y) as Tensor;
    return this.departition_op.call(y, this.p, gh, gw);
  }
}

/** One MaxViT layer: MBConv, then window attention, then grid attention (the attention with LayerNorm whatever the convolutions' norm). */
export class MaxVitLayer extends nn.Module {
  declare layers: torch.nn.Sequential;
  constructor(inChannels: number, outChannels: number, squeezeRatio: number, expansionRatio: number, stride: number, normLayer: NormLayerFactory,
    activationLayer: ActivationFactory, headDim: number, mlpRatio: number, mlpDropout: number, attentionDropout: number, pStochasticDropout: number,
    partitionSize: number, gridSize: readonly number[]) {
    super();
    const attention = (type: PartitionType): PartitionAttentionLayer => new PartitionAttentionLayer(outChannels, headDim, partitionSize, type, gridSize, mlpRatio,
      activationLayer, layerNorm, attentionDropout, mlpDropout, pStochasticDropout);
    this.layers = new nn.Sequential({
      MBconv: new MBConv(inChannels, outChannels, expansionRatio, squeezeRatio, stride, activationLayer, normLayer, pStochasticDropout),
      window_attention: attention('window'), // block attention first, then grid
      grid_attention: attention('grid'),
    });
  }
  /** [B, C, H, W] in, [B, C', H', W'] out. */
  override forward(x: Tensor): Tensor {
    return this.layers.call(x) as Tensor;
  }
}

/** `nLayers` MaxViT layers, the first strided 2 (and changing the channels); `pStochastic` the stochastic depth of each. */
export class MaxVitBlock extends nn.Module {
  declare layers: torch.nn.ModuleList;
  /** The grid the layers work on: the input grid after the first layer's stride. */
  readonly gridSize: [number, number];
  constructor(inChannels: number, outChannels: number, squeezeRatio: number, expansionRatio: number, normLayer: NormLayerFactory, activationLayer: ActivationFactory,
    headDim: number, mlpRatio: number, mlpDropout: number, attentionDropout: number, partitionSize: number, inputGridSize: readonly number[],
    nLayers: number, pStochastic: readonly number[]) {
    super();
    if (pStochastic.length !== nLayers)
      throw new RangeError(`p_stochastic must have length n_layers=${nLayers}, got p_stochastic=[${pStochastic.map((p) => pyFloat(p)).join(', ')}].`);
    this.layers = new nn.ModuleList();
    this.gridSize = getConvOutputShape(inputGridSize, 3, 2, 1); // the first layer's stride
    pStochastic.forEach((p, idx) => {
      this.layers.append(new MaxVitLayer(idx === 0 ? inChannels : outChannels, outChannels, squeezeRatio, expansionRatio, idx === 0 ? 2 : 1, normLayer,
        activationLayer, headDim, mlpRatio, mlpDropout, attentionDropout, p, partitionSize, this.gridSize));
    });
  }
  override forward(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.call(x) as Tensor;
    return x;
  }
}

/** numpy.linspace(0, stop, num) as numpy computes it: i * (stop / (num - 1)), the last exactly `stop`. */
function linspace(stop: number, num: number): number[] {
  if (num <= 1) return num === 1 ? [0.0] : [];
  const step = stop / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : step === 0 ? (i / (num - 1)) * stop : i * step));
}

export interface MaxVitOptions {
  /** The convolutions' norm (the attention always uses LayerNorm); default BatchNorm2d(eps=1e-3, momentum=0.01). */
  normLayer?: NormLayerFactory | null;
  /** The activation of both the convolutions and the MLPs; default GELU. */
  activationLayer?: ActivationFactory;
  squeezeRatio?: number; expansionRatio?: number; mlpRatio?: number; mlpDropout?: number; attentionDropout?: number; numClasses?: number;
  weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}
const OPTION_KEYS = ['normLayer', 'activationLayer', 'squeezeRatio', 'expansionRatio', 'mlpRatio', 'mlpDropout', 'attentionDropout', 'numClasses', 'weights', 'progress'] as const;

/**
 * torchvision's MaxVit: a two-convolution stem (stride 2), blocks of MaxViT layers each halving the grid,
 * then pooling, LayerNorm, Linear-Tanh and a bias-free head. `inputSize` must leave every block's grid
 * divisible by `partitionSize`.
 */
export class MaxVit extends nn.Module {
  declare stem: torch.nn.Sequential; declare blocks: torch.nn.ModuleList; declare classifier: torch.nn.Sequential;
  readonly partitionSize: number;
  constructor(inputSize: readonly number[], stemChannels: number, partitionSize: number, blockChannels: readonly number[], blockLayers: readonly number[],
    headDim: number, stochasticDepthProb: number, options: MaxVitOptions = {}) {
    super();
    const o = readOptions('MaxVit', options, OPTION_KEYS) as MaxVitOptions;
    const { activationLayer = gelu, squeezeRatio = 0.25, expansionRatio = 4, mlpRatio = 4, mlpDropout = 0.0, attentionDropout = 0.0, numClasses = 1000 } = o;
    if (!Array.isArray(inputSize) || inputSize.length !== 2) throw new RangeError(`MaxVit: input_size must be [height, width], got ${JSON.stringify(inputSize)}`);
    if (!Array.isArray(blockChannels) || !Array.isArray(blockLayers)) throw new TypeError('MaxVit: block_channels and block_layers must be arrays');
    if (blockChannels.length === 0) throw new RangeError('MaxVit: block_channels must name at least one block (list index out of range)');
    // the batch norm parameters of the reference implementation
    const normLayer = o.normLayer ?? ((c: number) => new nn.BatchNorm2d(c, { eps: 1e-3, momentum: 0.01 }));

    // every block's grid must split into whole partitions
    const blockInputSizes = makeBlockInputShapes(inputSize, blockChannels.length);
    blockInputSizes.forEach((size, idx) => {
      if (size[0] % partitionSize !== 0 || size[1] % partitionSize !== 0) {
        throw new RangeError(`Input size ${pyTuple(size)} of block ${idx} is not divisible by partition size ${partitionSize}. `
          + 'Consider changing the partition size or the input size.\n'
          + `Current configuration yields the following block input sizes: [${blockInputSizes.map((s) => pyTuple(s)).join(', ')}].`);
      }
    });

    this.stem = new nn.Sequential(
      new Conv2dNormActivation(3, stemChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer, bias: false, inplace: null }),
      new Conv2dNormActivation(stemChannels, stemChannels, { kernelSize: 3, stride: 1, normLayer: null, activationLayer: null, bias: true }),
    );
    let gridSize = getConvOutputShape(inputSize, 3, 2, 1); // the stem's stride
    this.partitionSize = partitionSize;

    this.blocks = new nn.ModuleList();
    const inChannels = [stemChannels, ...blockChannels.slice(0, -1)];
    // stochastic depth rising linearly from 0 to stochasticDepthProb over all the layers of all the blocks
    const pStochastic = linspace(stochasticDepthProb, blockLayers.reduce((n, l) => n + l, 0));
    let pIdx = 0;
    // as Python's zip: as many blocks as the shorter list
    for (let i = 0; i < Math.min(blockChannels.length, blockLayers.length); i++) {
      const numLayers = blockLayers[i]!;
      const block = new MaxVitBlock(inChannels[i]!, blockChannels[i]!, squeezeRatio, expansionRatio, normLayer, activationLayer, headDim, mlpRatio,
        mlpDropout, attentionDropout, partitionSize, gridSize, numLayers, pStochastic.slice(pIdx, pIdx + numLayers));
      this.blocks.append(block);
      gridSize = block.gridSize;
      pIdx += numLayers;
    }

    const lastChannels = blockChannels[blockChannels.length - 1]!;
    // Linear-Tanh-Linear as the reference implementation's head
    this.classifier = new nn.Sequential(
      new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(),
      new nn.LayerNorm(lastChannels),
      new nn.Linear(lastChannels, lastChannels),
      new nn.Tanh(),
      new nn.Linear(lastChannels, numClasses, { bias: false }),
    );
    this.initWeights();
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }

  /** torchvision's _init_weights: N(0, 0.02) convolution and linear weights with zero biases, BatchNorm2d at 1 and 0. */
  private initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.normal_(m.weight, { std: 0.02 });
        if (m.bias) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d) {
        if (m.weight) nn.init.constant_(m.weight, 1);
        if (m.bias) nn.init.constant_(m.bias, 0);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, { std: 0.02 });
        if (m.bias) nn.init.zeros_(m.bias);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    let y = this.stem.call(x) as Tensor;
    for (const block of this.blocks) y = block.call(y) as Tensor;
    return this.classifier.call(y) as Tensor;
  }
}

/** maxvit_t's options: MaxVit's, and `inputSize` ([224, 224] by default; the weights fix it to theirs). */
export interface MaxVitTOptions extends MaxVitOptions { inputSize?: readonly number[] }
// what maxvit_t passes MaxVit itself: given again, Python's TypeError
const FIXED: Record<string, string> = {
  stemChannels: 'stem_channels', blockChannels: 'block_channels', blockLayers: 'block_layers', headDim: 'head_dim',
  stochasticDepthProb: 'stochastic_depth_prob', partitionSize: 'partition_size',
};

/** MaxViT-T: stem 64, blocks [64, 128, 256, 512] x [2, 2, 5, 2] layers, heads of 32, 7x7 partitions, stochastic depth 0.2. */
export function maxvit_t(options: MaxVitTOptions = {}): MaxVit {
  for (const k of Object.keys(FIXED)) if (Object.hasOwn(options, k)) throw new TypeError(`maxvit_t() got multiple values for keyword argument '${FIXED[k]}'`);
  const { inputSize, ...rest } = readOptions('maxvit_t', options, [...OPTION_KEYS, 'inputSize']) as MaxVitTOptions;
  const resolved = resolveWeights(W.MaxVit_T_Weights, rest);
  let size: readonly number[] = inputSize ?? [224, 224];
  if (resolved.weights instanceof Weights) {
    // the weights fix the input size to their minimum size
    const min = resolved.weights.meta.minSize;
    if (inputSize !== undefined && (inputSize.length !== min.length || inputSize.some((v, i) => v !== min[i])))
      throw new RangeError(`The parameter 'inputSize' expected value ${pyTuple(min)} but got ${pyTuple(inputSize)} instead.`);
    size = min;
  }
  return new MaxVit(size, 64, 7, [64, 128, 256, 512], [2, 2, 5, 2], 32, 0.2, resolved);
}
