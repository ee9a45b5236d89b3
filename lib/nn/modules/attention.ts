// torch.nn.MultiheadAttention (torch/nn/modules/activation.py in PyTorch): parameters built as PyTorch
// builds them, forward through F.multiHeadAttentionForward, or through ATen's _native_multi_head_attention
// where PyTorch takes its fast path (inference, batch-first self-attention), so results match bit for bit.
import { isGradEnabled } from '../../autograd.js';
import { backends } from '../../backends.js';
import { aten } from '../../call.js';
import { empty } from '../../creation.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { _autocastEnabled, _canonicalMask, _optionalTensor, _multiHeadAttentionForward, _noneOrDtype, type MultiHeadAttentionParams } from '../functional/attention.js';
import * as init from '../init.js';
import { declareForward, Module } from '../module.js';
import { ownedParameter, Parameter } from '../parameter.js';
import { Linear } from './linear.js';
import { factoryOptions } from './_format.js';

type MaybeTensor = Tensor | null;

/** The out_proj of MultiheadAttention: a Linear under the name PyTorch prints (it only matters to quantization). */
export class NonDynamicallyQuantizableLinear extends Linear {}

const MHA_ARGS = ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst', 'device', 'dtype'] as const;
const FORWARD_ARGS = ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal'] as const;


/**
 * `new nn.MultiheadAttention(embedDim, numHeads, dropout = 0, bias = true, addBiasKv = false, addZeroAttn = false,
 * kdim = null, vdim = null, batchFirst = false, { device, dtype })`;
 * `mha.call(query, key, value, { keyPaddingMask, needWeights = true, attnMask, averageAttnWeights = true, isCausal = false })`
 * → `[attnOutput, attnOutputWeights | null]`.
 */
export class MultiheadAttention extends Module {
  embedDim: number;
  kdim: number;
  vdim: number;
  _qkvSameEmbedDim: boolean;
  numHeads: number;
  dropout: number;
  batchFirst: boolean;
  headDim: number;
  addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(embedDim: number, numHeads: number, ...rest: unknown[]);
  constructor(options: { embedDim: number; numHeads: number; dropout?: number; bias?: boolean; addBiasKv?: boolean; addZeroAttn?: boolean; kdim?: number | null; vdim?: number | null; batchFirst?: boolean; device?: unknown; dtype?: unknown });
  constructor(...args: unknown[]) {
    const fn = 'MultiheadAttention';
    const { embedDim, numHeads, ...o } = bindArgs(fn, args, ['embedDim', 'numHeads', ...MHA_ARGS]) as { embedDim: number; numHeads: number } & Partial<Record<(typeof MHA_ARGS)[number], unknown>>;
    if (typeof embedDim !== 'number' || typeof numHeads !== 'number') throw new TypeError(`${fn}: embed_dim and num_heads must be numbers, got ${describe(embedDim)} and ${describe(numHeads)}`);
    if (embedDim <= 0 || numHeads <= 0) throw new RangeError(`${fn}: embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    super();
    const factory = factoryOptions(o);
    const bias = boolArg(fn, 'bias', o.bias, true);
    this.embedDim = embedDim;
    this.kdim = (o.kdim ?? embedDim) as number;
    this.vdim = (o.vdim ?? embedDim) as number;
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = (o.dropout ?? 0.0) as number;
    this.batchFirst = boolArg(fn, 'batchFirst', o.batchFirst, false);
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== this.embedDim) throw new RangeError(`${fn}: embed_dim must be divisible by num_heads`);
    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = ownedParameter(empty([embedDim, embedDim], factory));
      this.k_proj_weight = ownedParameter(empty([embedDim, this.kdim], factory));
      this.v_proj_weight = ownedParameter(empty([embedDim, this.vdim], factory));
      this.registerParameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = ownedParameter(empty([3 * embedDim, embedDim], factory));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    }
    if (bias) this.in_proj_bias = ownedParameter(empty([3 * embedDim], factory));
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, ...factory });
    if (boolArg(fn, 'addBiasKv', o.addBiasKv, false)) {
      this.bias_k = ownedParameter(empty([1, 1, embedDim], factory));
      this.bias_v = ownedParameter(empty([1, 1, embedDim], factory));
    } else {
      this.bias_k = this.bias_v = null;
    }
    this.addZeroAttn = boolArg(fn, 'addZeroAttn', o.addZeroAttn, false);
    this._resetParameters();
  }

  _resetParameters(): void {
    if (this._qkvSameEmbedDim) init.xavierUniform_(this.in_proj_weight!);
    else {
      init.xavierUniform_(this.q_proj_weight!);
      init.xavierUniform_(this.k_proj_weight!);
      init.xavierUniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias !== null) {
      init.constant_(this.in_proj_bias, 0.0);
      init.constant_(this.out_proj.bias!, 0.0);
    }
    if (this.bias_k !== null) init.xavierNormal_(this.bias_k);
    if (this.bias_v !== null) init.xavierNormal_(this.bias_v);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): [Tensor, MaybeTensor] {
    const fn = 'MultiheadAttention';
    const o = bindArgs(fn, rest, FORWARD_ARGS);
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!isTensor(t)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
    }
    let keyPaddingMask = _optionalTensor(fn, 'keyPaddingMask', o.keyPaddingMask);
    let attnMask = _optionalTensor(fn, 'attnMask', o.attnMask);
    const needWeights = boolArg(fn, 'needWeights', o.needWeights, true);
    const averageAttnWeights = boolArg(fn, 'averageAttnWeights', o.averageAttnWeights, true);
    const isCausal = boolArg(fn, 'isCausal', o.isCausal, false);
    const floatMask = (attnMask !== null && attnMask.dtype.isFloatingPoint) || (keyPaddingMask !== null && keyPaddingMask.dtype.isFloatingPoint);
    const isBatched = query.dim() === 3;
    keyPaddingMask = _canonicalMask(keyPaddingMask, 'key_padding_mask', _noneOrDtype(attnMask), 'attn_mask', query.dtype);
    attnMask = _canonicalMask(attnMask, 'attn_mask', null, '', query.dtype, false);

    let whyNotFastPath = this._whyNotFastPath(query, key, value, keyPaddingMask, attnMask);
    if (floatMask && !whyNotFastPath) whyNotFastPath = 'floating-point masks are not supported for fast path.';
    if (!whyNotFastPath) {
      const [mergedMask, maskType] = this.mergeMasks(attnMask, keyPaddingMask, query);
      if (this.in_proj_bias !== null && this.in_proj_weight !== null) {
        const [out, weights] = aten('_native_multi_head_attention', [
          query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.out_proj.weight, this.out_proj.bias,
          mergedMask, needWeights, averageAttnWeights, maskType,
        ]) as [Tensor, Tensor];
        return [out, needWeights ? weights : null];
      }
    }
    if (query.isNested || key.isNested || value.isNested)
      throw new Error(`MultiheadAttention does not support NestedTensor outside of its fast path. The fast path was not hit because ${whyNotFastPath}`);
    if (this.batchFirst && isBatched) {
      // Keep the identities F.multiHeadAttentionForward looks at (self-attention, key is value).
      if (key === value) {
        if (query === key) query = key = value = query.transpose(1, 0);
        else {
          query = query.transpose(1, 0);
          key = value = key.transpose(1, 0);
        }
      } else [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
    }
    const params: MultiHeadAttentionParams = {
      embedDimToCheck: this.embedDim,
      numHeads: this.numHeads,
      inProjWeight: this.in_proj_weight,
      inProjBias: this.in_proj_bias,
      biasK: this.bias_k,
      biasV: this.bias_v,
      addZeroAttn: this.addZeroAttn,
      dropoutP: this.dropout,
      outProjWeight: this.out_proj.weight,
      outProjBias: this.out_proj.bias,
      training: this.training,
      keyPaddingMask,
      needWeights,
      attnMask,
      useSeparateProjWeight: !this._qkvSameEmbedDim,
      qProjWeight: this.q_proj_weight ?? null,
      kProjWeight: this.k_proj_weight ?? null,
      vProjWeight: this.v_proj_weight ?? null,
      staticK: null,
      staticV: null,
      averageAttnWeights,
      isCausal,
    };
    const [out, weights] = _multiHeadAttentionForward(fn, query, key, value, params);
    return [this.batchFirst && isBatched ? out.transpose(1, 0) : out, weights];
  }

  // PyTorch's conditions for torch._native_multi_head_attention (the eval-mode fast path), in its order:
  // why it is not taken ('' when it is), the text of its error for a nested input outside it.
  private _whyNotFastPath(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: MaybeTensor, attnMask: MaybeTensor): string {
    const inW = this.in_proj_weight;
    const inB = this.in_proj_bias;
    if (!backends.mha.getFastpathEnabled()) return 'torch.backends.mha.get_fastpath_enabled() was not True';
    if (query.dim() !== 3) return `input not batched; expected query.dim() of 3 but got ${query.dim()}`;
    if (query !== key || key !== value) return 'non-self attention was used (query, key, and value are not the same Tensor)';
    if (inB !== null && query.dtype !== inB.dtype) return `dtypes of query (${query.dtype}) and self.in_proj_bias (${inB.dtype}) don't match`;
    if (inW === null) return 'in_proj_weight was None';
    if (query.dtype !== inW.dtype) return `dtypes of query (${query.dtype}) and self.in_proj_weight (${inW.dtype}) don't match`;
    if (this.training) return 'training is enabled';
    if (this.numHeads % 2 !== 0) return 'self.num_heads is not even';
    if (!this.batchFirst) return 'batch_first was not True';
    if (this.bias_k !== null) return 'self.bias_k was not None';
    if (this.bias_v !== null) return 'self.bias_v was not None';
    if (this.addZeroAttn) return 'add_zero_attn was enabled';
    if (!this._qkvSameEmbedDim) return '_qkv_same_embed_dim was not True';
    if (query.isNested && (keyPaddingMask !== null || attnMask !== null))
      return `supplying both src_key_padding_mask and src_mask at the same time${' '.repeat(34)}is not supported with NestedTensor input`; // Python's string continues a line there
    if (_autocastEnabled()) return 'autocast is enabled';
    const tensors = [query, inW, inB, this.out_proj.weight, this.out_proj.bias].filter((t): t is Tensor => t !== null);
    if (!tensors.every((t) => t.device.type === 'cpu' || t.device.type === 'cuda')) return "some Tensor argument's device is neither one of cpu, cuda or privateuseone";
    if (isGradEnabled() && tensors.some((t) => t.requiresGrad)) return 'grad is enabled and at least one of query or the input/output projection weights or biases requires_grad';
    return '';
  }

  /** Python's merge_masks: one mask of shape (N, H, L, L) and its type code for the native kernel (1: padding, 2: general). */
  mergeMasks(attnMask: MaybeTensor, keyPaddingMask: MaybeTensor, query: Tensor): [MaybeTensor, number | null] {
    let maskType: number | null = null;
    let merged: MaybeTensor = null;
    if (keyPaddingMask !== null) {
      maskType = 1;
      merged = keyPaddingMask;
    }
    if (attnMask !== null) {
      const [batchSize, seqLen] = query.shape as [number, number, number];
      maskType = 2;
      const expanded = attnMask.dim() === 3 ? attnMask.view(batchSize, -1, seqLen, seqLen) : attnMask.view(1, 1, seqLen, seqLen).expand(batchSize, this.numHeads, -1, -1);
      merged = keyPaddingMask !== null ? expanded.add(keyPaddingMask.view(batchSize, 1, 1, seqLen).expand(-1, this.numHeads, -1, -1)) : expanded;
    }
    return [merged, maskType];
  }
}

declareForward([MultiheadAttention], ['query', 'key', 'value'], FORWARD_ARGS);
