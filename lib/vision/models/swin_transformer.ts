// torchvision.models.swin_transformer: Swin Transformer T/S/B (Liu et al., 2021) and Swin Transformer V2
// T/S/B (Liu et al., 2022), with torchvision's module names, buffers, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { pow } from '../../libm.js';
import { getRelativePositionIndex } from './maxvit.js';
import { MLP, Permute, type NormLayerFactory } from '../ops/misc.js';
import { StochasticDepth } from '../ops/stochastic_depth.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
const F = nn.functional;
type Module = torch.nn.Module;
const layerNorm: NormLayerFactory = (dim) => new nn.LayerNorm(dim);

/** torchvision's _patch_merging_pad: [..., H, W, C] padded to even H and W, each 2x2 neighbourhood's four pixels concatenated: [..., H/2, W/2, 4C]. */
export function patchMergingPad(x: Tensor): Tensor {
  if (x.dim() < 3) throw new RangeError(`patchMergingPad: expected an input of layout [..., H, W, C], got shape [${x.shape.join(', ')}]`);
  const [h, w] = x.shape.slice(-3) as [number, number, number];
  const padded = F.pad(x, [0, 0, 0, w % 2, 0, h % 2]);
  const x0 = padded.index('...', '0::2', '0::2', ':');
  const x1 = padded.index('...', '1::2', '0::2', ':');
  const x2 = padded.index('...', '0::2', '1::2', ':');
  const x3 = padded.index('...', '1::2', '1::2', ':');
  return torch.cat([x0, x1, x2, x3], -1);
}

/** torchvision's _get_relative_position_bias: the table's rows gathered by the index, as 1 x heads x N x N (N = window area). */
export function getRelativePositionBias(relativePositionBiasTable: Tensor, relativePositionIndex: Tensor, windowSize: readonly number[]): Tensor {
  const n = windowSize[0]! * windowSize[1]!;
  return relativePositionBiasTable.index(relativePositionIndex).view(n, n, -1).permute(2, 0, 1).contiguous().unsqueeze(0);
}

/** A downsampling layer between stages, as SwinTransformer builds it: `new layer(dim, normLayer)`. */
export type DownsampleLayer = new (dim: number, normLayer: NormLayerFactory) => Module;

/** Patch merging: each 2x2 neighbourhood's 4C features normalized, then reduced to 2C ([..., H, W, C] to [..., H/2, W/2, 2C]). */
export class PatchMerging extends nn.Module {
  declare reduction: torch.nn.Linear; declare norm: Module;
  constructor(readonly dim: number, normLayer: NormLayerFactory = layerNorm) {
    super();
    this.reduction = new nn.Linear(4 * dim, 2 * dim, { bias: false });
    this.norm = normLayer(4 * dim);
  }
  override forward(x: Tensor): Tensor {
    return this.reduction.call(this.norm.call(patchMergingPad(x))) as Tensor;
  }
}

/** Swin V2's patch merging: the reduction first, then the norm over the 2C outputs. */
export class PatchMergingV2 extends nn.Module {
  declare reduction: torch.nn.Linear; declare norm: Module;
  constructor(readonly dim: number, normLayer: NormLayerFactory = layerNorm) {
    super();
    this.reduction = new nn.Linear(4 * dim, 2 * dim, { bias: false });
    this.norm = normLayer(2 * dim); // V2 normalizes after the reduction
  }
  override forward(x: Tensor): Tensor {
    return this.norm.call(this.reduction.call(patchMergingPad(x))) as Tensor;
  }
}

export interface ShiftedWindowAttentionFnOptions {
  attentionDropout?: number; dropout?: number; qkvBias?: Tensor | null; projBias?: Tensor | null;
  /** Swin V2's per-head logit scale: cosine attention instead of scaled dot products. */
  logitScale?: Tensor | null; training?: boolean;
}

/**
 * torchvision's shifted_window_attention: window multi-head self-attention with a relative position
 * bias on an N x H x W x C input, the windows cyclically shifted by `shiftSize` (masked where they wrap).
 */
export function shiftedWindowAttention(input: Tensor, qkvWeight: Tensor, projWeight: Tensor, relativePositionBias: Tensor, windowSize: readonly number[],
  numHeads: number, shiftSize: readonly number[], options: ShiftedWindowAttentionFnOptions = {}): Tensor {
  const o = readOptions('shiftedWindowAttention', options, ['attentionDropout', 'dropout', 'qkvBias', 'projBias', 'logitScale', 'training']) as ShiftedWindowAttentionFnOptions;
  const { attentionDropout = 0.0, dropout = 0.0, projBias = null, logitScale = null, training = true } = o;
  if (input.dim() !== 4) throw new RangeError(`shiftedWindowAttention: expected an input of layout [B, H, W, C], got shape [${input.shape.join(', ')}]`);
  const [b, h, w, c] = input.shape as [number, number, number, number];
  const [wh, ww] = windowSize as [number, number];
  // pad feature maps to multiples of the window size
  const padR = (ww - (w % ww)) % ww;
  const padB = (wh - (h % wh)) % wh;
  let x = F.pad(input, [0, 0, 0, padR, 0, padB]);
  const [, padH, padW] = x.shape as [number, number, number, number];
  const shift = [...shiftSize] as [number, number];
  // a window as large as the feature map has nothing to shift
  if (wh >= padH) shift[0] = 0;
  if (ww >= padW) shift[1] = 0;
  const shifted = shift[0] + shift[1] > 0;
  if (shifted) x = x.roll([-shift[0], -shift[1]], [1, 2]);

  // partition windows: B*nW x Wh*Ww x C
  const nH = padH / wh;
  const nW = padW / ww;
  const numWindows = nH * nW;
  x = x.view(b, nH, wh, nW, ww, c).permute(0, 1, 3, 2, 4, 5).reshape(b * numWindows, wh * ww, c);

  let qkvBias = o.qkvBias ?? null;
  if (logitScale !== null && qkvBias !== null) {
    // V2 has no key bias: its third of qkv's bias is zeroed (on a copy, so the parameter keeps its gradient path)
    qkvBias = qkvBias.clone();
    const length = Math.floor(qkvBias.numel() / 3);
    qkvBias.index(`${length}:${2 * length}`).zero_();
  }
  const headDim = Math.floor(c / numHeads);
  const qkv = F.linear(x, qkvWeight, qkvBias).reshape(x.size(0), x.size(1), 3, numHeads, headDim).permute(2, 0, 3, 1, 4);
  const q = qkv.index(0);
  const k = qkv.index(1);
  const v = qkv.index(2);
  let attn: Tensor;
  if (logitScale !== null) {
    // cosine attention, the scale clamped at log(100)
    attn = F.normalize(q, { dim: -1 }).matmul(F.normalize(k, { dim: -1 }).transpose(-2, -1));
    attn = attn.mul(logitScale.clamp({ max: Math.log(100.0) }).exp());
  } else {
    attn = q.mul(pow(headDim, -0.5)).matmul(k.transpose(-2, -1)); // C's pow, as Python's: V8's ** differs in the last bit for some head sizes
  }
  attn = attn.add(relativePositionBias);

  if (shifted) {
    // tokens that the roll brought together from different regions must not attend to each other
    const regions = x.newZeros([padH, padW]);
    const slice = (from: number, to: number | null): string => `${from}:${to === null ? '' : to}`;
    const hSlices = [slice(0, -wh), slice(-wh, -shift[0]), slice(-shift[0], null)];
    const wSlices = [slice(0, -ww), slice(-ww, -shift[1]), slice(-shift[1], null)];
    let count = 0;
    for (const hs of hSlices) {
      for (const ws of wSlices) {
        regions.indexPut_([hs, ws], count);
        count += 1;
      }
    }
    const windows = regions.view(nH, wh, nW, ww).permute(0, 2, 1, 3).reshape(numWindows, wh * ww);
    const diff = windows.unsqueeze(1).sub(windows.unsqueeze(2));
    const mask = diff.maskedFill(diff.ne(0), -100.0).maskedFill(diff.eq(0), 0.0);
    attn = attn.view(Math.floor(x.size(0) / numWindows), numWindows, numHeads, x.size(1), x.size(1));
    attn = attn.add(mask.unsqueeze(1).unsqueeze(0));
    attn = attn.view(-1, numHeads, x.size(1), x.size(1));
  }

  attn = F.softmax(attn, -1);
  attn = F.dropout(attn, { p: attentionDropout, training });

  x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c);
  x = F.linear(x, projWeight, projBias);
  x = F.dropout(x, { p: dropout, training });

  // reverse windows, the shift and the padding
  x = x.view(b, nH, nW, wh, ww, c).permute(0, 1, 3, 2, 4, 5).reshape(b, padH, padW, c);
  if (shifted) x = x.roll([shift[0], shift[1]], [1, 2]);
  return x.index(':', `:${h}`, `:${w}`, ':').contiguous();
}

export interface ShiftedWindowAttentionOptions { qkvBias?: boolean; projBias?: boolean; attentionDropout?: number; dropout?: number }
/** An attention layer, as SwinTransformerBlock builds it: `new layer(dim, windowSize, shiftSize, numHeads, options)`. */
export type AttentionLayer = new (dim: number, windowSize: readonly number[], shiftSize: readonly number[], numHeads: number, options: ShiftedWindowAttentionOptions) => Module;

/** Window attention with a learned relative position bias table (see shiftedWindowAttention). */
export class ShiftedWindowAttention extends nn.Module {
  declare qkv: torch.nn.Linear; declare proj: torch.nn.Linear;
  declare relative_position_bias_table: torch.nn.Parameter; declare relative_position_index: Tensor;
  readonly windowSize: number[];
  readonly shiftSize: number[];
  readonly numHeads: number;
  readonly attentionDropout: number;
  readonly dropout: number;
  constructor(dim: number, windowSize: readonly number[], shiftSize: readonly number[], numHeads: number, options: ShiftedWindowAttentionOptions = {}) {
    super();
    const o = readOptions(new.target.name, options, ['qkvBias', 'projBias', 'attentionDropout', 'dropout']) as ShiftedWindowAttentionOptions;
    const { qkvBias = true, projBias = true, attentionDropout = 0.0, dropout = 0.0 } = o;
    if (windowSize.length !== 2 || shiftSize.length !== 2) throw new RangeError('window_size and shift_size must be of length 2');
    this.windowSize = [...windowSize];
    this.shiftSize = [...shiftSize];
    this.numHeads = numHeads;
    this.attentionDropout = attentionDropout;
    this.dropout = dropout;
    this.qkv = new nn.Linear(dim, dim * 3, { bias: qkvBias });
    this.proj = new nn.Linear(dim, dim, { bias: projBias });
    this.defineRelativePositionBiasTable();
    this.defineRelativePositionIndex();
  }

  /** The parameter table of relative position biases: (2Wh-1)(2Ww-1) x heads, truncated N(0, 0.02). */
  protected defineRelativePositionBiasTable(): void {
    const [wh, ww] = this.windowSize as [number, number];
    this.relative_position_bias_table = new nn.Parameter(torch.zeros((2 * wh - 1) * (2 * ww - 1), this.numHeads));
    nn.init.truncNormal_(this.relative_position_bias_table, { std: 0.02 });
  }

  /** The buffer of each token pair's row in the table (Wh*Ww*Wh*Ww int64). */
  protected defineRelativePositionIndex(): void {
    const [wh, ww] = this.windowSize as [number, number];
    this.registerBuffer('relative_position_index', getRelativePositionIndex(wh, ww).flatten()); // the same index as MaxViT's
  }

  /** The bias added to the attention logits: 1 x heads x N x N. */
  getRelativePositionBias(): Tensor {
    return getRelativePositionBias(this.relative_position_bias_table, this.relative_position_index, this.windowSize);
  }

  /** [B, H, W, C] in, the same layout out. */
  override forward(x: Tensor): Tensor {
    return shiftedWindowAttention(x, this.qkv.weight, this.proj.weight, this.getRelativePositionBias(), this.windowSize, this.numHeads, this.shiftSize, {
      attentionDropout: this.attentionDropout, dropout: this.dropout, qkvBias: this.qkv.bias, projBias: this.proj.bias, training: this.training,
    });
  }
}

/** Swin V2's window attention: cosine attention with a learned logit scale, the bias from a small MLP over log-spaced coordinates. */
export class ShiftedWindowAttentionV2 extends ShiftedWindowAttention {
  declare logit_scale: torch.nn.Parameter; declare cpb_mlp: torch.nn.Sequential; declare relative_coords_table: Tensor;
  constructor(dim: number, windowSize: readonly number[], shiftSize: readonly number[], numHeads: number, options: ShiftedWindowAttentionOptions = {}) {
    super(dim, windowSize, shiftSize, numHeads, options);
    this.logit_scale = new nn.Parameter(torch.log(torch.ones(numHeads, 1, 1).mul(10)));
    // the MLP that makes the continuous relative position bias
    this.cpb_mlp = new nn.Sequential(new nn.Linear(2, 512, { bias: true }), new nn.ReLU(true), new nn.Linear(512, numHeads, { bias: false }));
    const bias = this.qkv.bias;
    if (bias) {
      const length = Math.floor(bias.numel() / 3);
      torch.noGrad(() => bias.index(`${length}:${2 * length}`).zero_());
    }
  }

  /** No table of parameters in V2: the buffer of relative coordinates, normalized to [-8, 8] and log-spaced. */
  protected override defineRelativePositionBiasTable(): void {
    const [wh, ww] = this.windowSize as [number, number];
    const h = torch.arange(1 - wh, wh, { dtype: torch.float32 });
    const w = torch.arange(1 - ww, ww, { dtype: torch.float32 });
    let table = torch.stack(torch.meshgrid([h, w], { indexing: 'ij' })).permute(1, 2, 0).contiguous().unsqueeze(0); // 1, 2*Wh-1, 2*Ww-1, 2
    table.index(':', ':', ':', 0).div_(wh - 1);
    table.index(':', ':', ':', 1).div_(ww - 1);
    table.mul_(8); // normalize to -8, 8
    table = table.sign().mul(table.abs().add(1.0).log2()).div(3.0);
    this.registerBuffer('relative_coords_table', table);
  }

  /** 16 * sigmoid of the MLP's biases, gathered as 1 x heads x N x N. */
  override getRelativePositionBias(): Tensor {
    const table = (this.cpb_mlp.call(this.relative_coords_table) as Tensor).view(-1, this.numHeads);
    return getRelativePositionBias(table, this.relative_position_index, this.windowSize).sigmoid().mul(16);
  }

  override forward(x: Tensor): Tensor {
    return shiftedWindowAttention(x, this.qkv.weight, this.proj.weight, this.getRelativePositionBias(), this.windowSize, this.numHeads, this.shiftSize, {
      attentionDropout: this.attentionDropout, dropout: this.dropout, qkvBias: this.qkv.bias, projBias: this.proj.bias, logitScale: this.logit_scale,
      training: this.training,
    });
  }
}

export interface SwinTransformerBlockOptions {
  mlpRatio?: number; dropout?: number; attentionDropout?: number; stochasticDepthProb?: number; normLayer?: NormLayerFactory; attnLayer?: AttentionLayer;
}
const BLOCK_KEYS = ['mlpRatio', 'dropout', 'attentionDropout', 'stochasticDepthProb', 'normLayer', 'attnLayer'] as const;
/** A block, as SwinTransformer builds it: `new block(dim, numHeads, windowSize, shiftSize, options)`. */
export type SwinBlock = new (dim: number, numHeads: number, windowSize: readonly number[], shiftSize: readonly number[], options: SwinTransformerBlockOptions) => Module;

/** Pre-norm window attention and MLP, each a residual branch with stochastic depth. */
export class SwinTransformerBlock extends nn.Module {
  declare norm1: Module; declare attn: Module; declare stochastic_depth: StochasticDepth; declare norm2: Module; declare mlp: MLP;
  constructor(dim: number, numHeads: number, windowSize: readonly number[], shiftSize: readonly number[], options: SwinTransformerBlockOptions = {}) {
    super();
    const o = readOptions(new.target.name, options, BLOCK_KEYS) as SwinTransformerBlockOptions;
    const { mlpRatio = 4.0, dropout = 0.0, attentionDropout = 0.0, stochasticDepthProb = 0.0, normLayer = layerNorm, attnLayer = ShiftedWindowAttention } = o;
    this.norm1 = normLayer(dim);
    this.attn = new attnLayer(dim, windowSize, shiftSize, numHeads, { attentionDropout, dropout });
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
    this.norm2 = normLayer(dim);
    this.mlp = new MLP(dim, [Math.trunc(dim * mlpRatio), dim], { activationLayer: () => new nn.GELU(), inplace: null, dropout });
    for (const m of this.mlp.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.xavierUniform_(m.weight);
        if (m.bias) nn.init.normal_(m.bias, { std: 1e-6 });
      }
    }
  }
  override forward(x: Tensor): Tensor {
    const y = x.add(this.stochastic_depth.call(this.attn.call(this.norm1.call(x))) as Tensor);
    return y.add(this.stochastic_depth.call(this.mlp.call(this.norm2.call(y))) as Tensor);
  }
}

/** Swin V2's block: the norms after the attention and the MLP (res-post-norm), V2 attention by default. */
export class SwinTransformerBlockV2 extends SwinTransformerBlock {
  constructor(dim: number, numHeads: number, windowSize: readonly number[], shiftSize: readonly number[], options: SwinTransformerBlockOptions = {}) {
    super(dim, numHeads, windowSize, shiftSize, { attnLayer: ShiftedWindowAttentionV2, ...(readOptions(new.target.name, options, BLOCK_KEYS) as SwinTransformerBlockOptions) });
  }
  override forward(x: Tensor): Tensor {
    const y = x.add(this.stochastic_depth.call(this.norm1.call(this.attn.call(x))) as Tensor);
    return y.add(this.stochastic_depth.call(this.norm2.call(this.mlp.call(y))) as Tensor);
  }
}

export interface SwinTransformerOptions {
  mlpRatio?: number; dropout?: number; attentionDropout?: number; stochasticDepthProb?: number; numClasses?: number;
  normLayer?: NormLayerFactory | null; block?: SwinBlock | null; downsampleLayer?: DownsampleLayer; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}
const OPTION_KEYS = ['mlpRatio', 'dropout', 'attentionDropout', 'stochasticDepthProb', 'numClasses', 'normLayer', 'block', 'downsampleLayer', 'weights', 'progress'] as const;

/**
 * torchvision's SwinTransformer: a patch embedding (strided convolution, channels last, norm), stages
 * of blocks at 2x the width of the last with patch merging between them, a norm, pooling and the head.
 */
export class SwinTransformer extends nn.Module {
  declare features: torch.nn.Sequential; declare norm: Module; declare permute: Permute; declare avgpool: torch.nn.AdaptiveAvgPool2d;
  declare flatten: torch.nn.Flatten; declare head: torch.nn.Linear;
  readonly numClasses: number;
  constructor(patchSize: readonly number[], embedDim: number, depths: readonly number[], numHeads: readonly number[], windowSize: readonly number[], options: SwinTransformerOptions = {}) {
    super();
    const o = readOptions('SwinTransformer', options, OPTION_KEYS) as SwinTransformerOptions;
    const { mlpRatio = 4.0, dropout = 0.0, attentionDropout = 0.0, stochasticDepthProb = 0.1, numClasses = 1000, downsampleLayer = PatchMerging } = o;
    if (!Array.isArray(patchSize) || patchSize.length < 2) throw new RangeError(`SwinTransformer: patch_size must be [height, width], got ${JSON.stringify(patchSize)}`);
    if (!Array.isArray(depths) || depths.length === 0) throw new RangeError('SwinTransformer: depths must name at least one stage');
    if (!Array.isArray(windowSize) || windowSize.length !== 2 || !windowSize.every((v) => Number.isInteger(v) && v > 0))
      throw new RangeError(`SwinTransformer: window_size must be two positive integers, got ${JSON.stringify(windowSize)}`);
    if (!Array.isArray(numHeads) || numHeads.length < depths.length)
      throw new RangeError(`SwinTransformer: num_heads must give the heads of each of the ${depths.length} stages, got ${JSON.stringify(numHeads)}`);
    const totalStageBlocks = depths.reduce((n, d) => n + d, 0);
    // Python divides by sum(depths) - 1 to spread the stochastic depth: a single block is a ZeroDivisionError there
    if (totalStageBlocks - 1 === 0) throw new RangeError('SwinTransformer: float division by zero (depths must hold at least 2 blocks in all)');
    this.numClasses = numClasses;
    const block = o.block ?? SwinTransformerBlock;
    const normLayer = o.normLayer ?? ((d: number) => new nn.LayerNorm(d, { eps: 1e-5 }));

    // split the image into non-overlapping patches
    const layers: Module[] = [new nn.Sequential(
      new nn.Conv2d(3, embedDim, [patchSize[0]!, patchSize[1]!], { stride: [patchSize[0]!, patchSize[1]!] }),
      new Permute([0, 2, 3, 1]),
      normLayer(embedDim),
    )];
    let stageBlockId = 0;
    for (let iStage = 0; iStage < depths.length; iStage++) {
      const stage: Module[] = [];
      const dim = embedDim * 2 ** iStage;
      for (let iLayer = 0; iLayer < depths[iStage]!; iLayer++) {
        // later blocks are dropped more often
        const sdProb = (stochasticDepthProb * stageBlockId) / (totalStageBlocks - 1);
        const shiftSize = windowSize.map((w) => (iLayer % 2 === 0 ? 0 : Math.floor(w / 2)));
        stage.push(new block(dim, numHeads[iStage]!, windowSize, shiftSize, { mlpRatio, dropout, attentionDropout, stochasticDepthProb: sdProb, normLayer }));
        stageBlockId++;
      }
      layers.push(new nn.Sequential(...stage));
      if (iStage < depths.length - 1) layers.push(new downsampleLayer(dim, normLayer));
    }
    this.features = new nn.Sequential(...layers);

    const numFeatures = embedDim * 2 ** (depths.length - 1);
    this.norm = normLayer(numFeatures);
    this.permute = new Permute([0, 3, 1, 2]); // B H W C -> B C H W
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.flatten = new nn.Flatten(1);
    this.head = new nn.Linear(numFeatures, numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.truncNormal_(m.weight, { std: 0.02 });
        if (m.bias) nn.init.zeros_(m.bias);
      }
    }
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }
  override forward(x: Tensor): Tensor {
    const features = this.norm.call(this.features.call(x)) as Tensor;
    return this.head.call(this.flatten.call(this.avgpool.call(this.permute.call(features)))) as Tensor;
  }
}

/** The named variants take SwinTransformer's options but those the variant fixes (stochasticDepthProb; V2's block and downsampleLayer). */
export type SwinOptions = Omit<SwinTransformerOptions, 'stochasticDepthProb'>;
export type SwinV2Options = Omit<SwinOptions, 'block' | 'downsampleLayer'>;
const SNAKE: Record<string, string> = { stochasticDepthProb: 'stochastic_depth_prob', block: 'block', downsampleLayer: 'downsample_layer' };
function swin(name: string, patchSize: number[], embedDim: number, depths: number[], numHeads: number[], windowSize: number[], stochasticDepthProb: number, weights: AnyWeightsEnum, v2: boolean) {
  const fixed = v2 ? ['stochasticDepthProb', 'block', 'downsampleLayer'] : ['stochasticDepthProb'];
  return (options: SwinOptions = {}): SwinTransformer => {
    // torchvision passes these itself: a second value is Python's TypeError
    for (const k of fixed) if (Object.hasOwn(options, k)) throw new TypeError(`${name}() got multiple values for keyword argument '${SNAKE[k]}'`);
    const resolved = resolveWeights(weights, options);
    return new SwinTransformer(patchSize, embedDim, depths, numHeads, windowSize,
      { ...resolved, stochasticDepthProb, ...(v2 ? { block: SwinTransformerBlockV2, downsampleLayer: PatchMergingV2 } : {}) });
  };
}
/** Swin-T. */
export const swin_t = swin('swin_t', [4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [7, 7], 0.2, W.Swin_T_Weights, false);
/** Swin-S. */
export const swin_s = swin('swin_s', [4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [7, 7], 0.3, W.Swin_S_Weights, false);
/** Swin-B. */
export const swin_b = swin('swin_b', [4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [7, 7], 0.5, W.Swin_B_Weights, false);
/** Swin V2-T. */
export const swin_v2_t: (options?: SwinV2Options) => SwinTransformer = swin('swin_v2_t', [4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [8, 8], 0.2, W.Swin_V2_T_Weights, true);
/** Swin V2-S. */
export const swin_v2_s: (options?: SwinV2Options) => SwinTransformer = swin('swin_v2_s', [4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [8, 8], 0.3, W.Swin_V2_S_Weights, true);
/** Swin V2-B. */
export const swin_v2_b: (options?: SwinV2Options) => SwinTransformer = swin('swin_v2_b', [4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [8, 8], 0.5, W.Swin_V2_B_Weights, true);
