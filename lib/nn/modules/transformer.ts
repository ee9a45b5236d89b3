// torch.nn Transformer family (torch/nn/modules/transformer.py): Transformer, TransformerEncoder/Decoder and
// their layers, with normFirst, activation as a string or function, batchFirst, masks and isCausal. The
// inference fast paths PyTorch takes (_transformer_encoder_layer_fwd, nested tensors for padded batches)
// are taken under the same conditions, so outputs match PyTorch's bit for bit there too.
import { backends } from '../../backends.js';
import { aten } from '../../call.js';
import { full } from '../../creation.js';
import type { DType } from '../../dtype.js';
import type { DeviceLike } from '../../device.js';
import { isGradEnabled } from '../../autograd.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import { triu } from '../../generated/functions.js';
import { describe } from '../../options.js';
import { isTensor, Tensor } from '../../tensor.js';
import { warn } from '../../warnings.js';
import { _autocastEnabled, _canonicalMask, _optionalTensor, _noneOrDtype } from '../functional/attention.js';
import { gelu, relu } from '../functional/activation.js';
import * as init from '../init.js';
import { declareForward, Module } from '../module.js';
import { deepcopyModule } from '../utils/_common.js';
import { MultiheadAttention } from './attention.js';
import { ModuleList } from './container.js';
import { GELU, ReLU } from './activation.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';
import { factoryOptions } from './_format.js';

type MaybeTensor = Tensor | null;
type Activation = ((x: Tensor) => Tensor) | Module;



function optionalBool(fn: string, name: string, v: unknown): boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean or null, got ${describe(v)}`);
  return v;
}

/** Python's _get_activation_fn: 'relu' and 'gelu' are F.relu and F.gelu. */
function activationFn(activation: unknown): Activation {
  if (activation === 'relu') return relu as (x: Tensor) => Tensor;
  if (activation === 'gelu') return gelu as (x: Tensor) => Tensor;
  if (typeof activation === 'string') throw new RangeError(`activation should be relu/gelu, not ${activation}`);
  if (typeof activation === 'function' || activation instanceof Module) return activation as Activation;
  throw new TypeError(`activation must be 'relu', 'gelu', a function or a Module, got ${describe(activation)}`);
}

const applyActivation = (f: Activation, x: Tensor): Tensor => (f instanceof Module ? (f.call(x) as Tensor) : f(x));

/** The square causal mask: -inf above the diagonal, 0 elsewhere (Transformer.generateSquareSubsequentMask). */
function generateSquareSubsequentMask(sz: number, options: { device?: DeviceLike | null; dtype?: DType | null } = {}): Tensor {
  const factory = factoryOptions(options);
  return triu(full([sz, sz], -Infinity, factory), 1);
}

// Python's _get_seq_len: null for a nested tensor.
function seqLen(src: Tensor, batchFirst: boolean): number | null {
  if (src.isNested) return null;
  const size = src.shape;
  return size.length === 2 ? size[0]! : size[batchFirst ? 1 : 0]!;
}

// Python's _detect_is_causal_mask: an explicit hint wins; otherwise compare the mask with the causal one.
function detectIsCausalMask(mask: MaybeTensor, isCausal: boolean | null, size: number | null): boolean {
  let makeCausal = isCausal === true;
  if (isCausal === null && mask !== null) {
    const sz = size ?? mask.size(-2);
    const causal = generateSquareSubsequentMask(sz, { device: mask.device, dtype: mask.dtype });
    const same = mask.shape.length === causal.shape.length && mask.shape.every((d, i) => d === causal.shape[i]);
    makeCausal = same ? Boolean(mask.eq(causal).all().item()) : false;
  }
  return makeCausal;
}

const LAYER_ARGS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias', 'device', 'dtype'] as const;
/** Every constructor argument of a Transformer encoder or decoder layer by keyword, as Python takes them. */
export type TransformerLayerOptions = { dModel: number; nhead: number; dimFeedforward?: number; dropout?: number; activation?: unknown; layerNormEps?: number; batchFirst?: boolean; normFirst?: boolean; bias?: boolean; device?: unknown; dtype?: unknown };

// The constructor arguments both layer kinds share, read once.
function layerOptions(fn: string, args: unknown[]) {
  const o = bindArgs(fn, args, ['dModel', 'nhead', ...LAYER_ARGS]);
  return {
    dModel: o.dModel as number,
    nhead: o.nhead as number,
    dimFeedforward: (o.dimFeedforward ?? 2048) as number,
    dropout: (o.dropout ?? 0.1) as number,
    activation: o.activation ?? (relu as unknown),
    layerNormEps: (o.layerNormEps ?? 1e-5) as number,
    batchFirst: boolArg(fn, 'batchFirst', o.batchFirst, false),
    normFirst: boolArg(fn, 'normFirst', o.normFirst, false),
    bias: boolArg(fn, 'bias', o.bias, true),
    factory: factoryOptions(o),
  };
}

const ENCODER_LAYER_FORWARD = ['srcMask', 'srcKeyPaddingMask', 'isCausal'] as const;

/**
 * `new nn.TransformerEncoderLayer(dModel, nhead, dimFeedforward = 2048, dropout = 0.1, activation = 'relu' | F.relu,
 * layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true, { device, dtype })`;
 * `layer.call(src, { srcMask, srcKeyPaddingMask, isCausal })`.
 */
export class TransformerEncoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  normFirst: boolean;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  activationReluOrGelu: number;
  declare activation: Activation; // declared, not defined early: a Module activation is a submodule, registered after the others as in PyTorch

  constructor(dModel: number, nhead: number, ...rest: unknown[]);
  constructor(options: TransformerLayerOptions);
  constructor(...args: unknown[]) {
    const o = layerOptions('TransformerEncoderLayer', args);
    const { dModel, nhead } = o;
    super();
    const f = o.factory;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst, ...f });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias, ...f });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias, ...f });
    this.normFirst = o.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, ...f });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, ...f });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    const activation = activationFn(o.activation);
    this.activationReluOrGelu = activation === relu || activation instanceof ReLU ? 1 : activation === gelu || activation instanceof GELU ? 2 : 0;
    this.activation = activation;
  }

  override forward(src: Tensor, ...rest: unknown[]): Tensor {
    const fn = 'TransformerEncoderLayer';
    const o = bindArgs(fn, rest, ENCODER_LAYER_FORWARD);
    let srcMask = _optionalTensor(fn, 'srcMask', o.srcMask);
    let srcKeyPaddingMask = _optionalTensor(fn, 'srcKeyPaddingMask', o.srcKeyPaddingMask);
    const isCausal = boolArg(fn, 'isCausal', o.isCausal, false);
    if (!isTensor(src)) throw new TypeError(`${fn}: src must be a Tensor, got ${describe(src)}`);
    srcKeyPaddingMask = _canonicalMask(srcKeyPaddingMask, 'src_key_padding_mask', _noneOrDtype(srcMask), 'src_mask', src.dtype);
    srcMask = _canonicalMask(srcMask, 'src_mask', null, '', src.dtype, false);

    if (this._fastPathAllowed(src, srcMask, srcKeyPaddingMask)) {
      const sa = this.self_attn;
      const [mergedMask, maskType] = sa.mergeMasks(srcMask, srcKeyPaddingMask, src);
      return aten('_transformer_encoder_layer_fwd', [
        src, sa.embedDim, sa.numHeads, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, this.activationReluOrGelu === 2,
        this.normFirst, this.norm1.eps, this.norm1.weight, this.norm1.bias, this.norm2.weight, this.norm2.bias, this.linear1.weight, this.linear1.bias,
        this.linear2.weight, this.linear2.bias, mergedMask, maskType,
      ]) as Tensor;
    }
    if (src.isNested) throw new TypeError(`${fn}: a nested tensor input needs the inference fast path (eval mode, no grad, batchFirst)`);
    let x = src;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.call(x) as Tensor, srcMask, srcKeyPaddingMask, isCausal));
      x = x.add(this._ffBlock(this.norm2.call(x) as Tensor));
    } else {
      x = this.norm1.call(x.add(this._saBlock(x, srcMask, srcKeyPaddingMask, isCausal))) as Tensor;
      x = this.norm2.call(x.add(this._ffBlock(x))) as Tensor;
    }
    return x;
  }

  // The conditions under which PyTorch calls torch._transformer_encoder_layer_fwd.
  private _fastPathAllowed(src: Tensor, srcMask: MaybeTensor, srcKeyPaddingMask: MaybeTensor): boolean {
    const sa = this.self_attn;
    if (!backends.mha.getFastpathEnabled()) return false;
    if (src.dim() !== 3 || this.training || !sa.batchFirst || sa.in_proj_bias === null || !sa._qkvSameEmbedDim) return false;
    if (!this.activationReluOrGelu || this.norm1.eps !== this.norm2.eps) return false;
    if (src.isNested && (srcKeyPaddingMask !== null || srcMask !== null)) return false;
    if (sa.numHeads % 2 === 1 || _autocastEnabled() || hasHooks(this)) return false;
    const tensors = [src, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, this.norm1.weight, this.norm1.bias, this.norm2.weight,
      this.norm2.bias, this.linear1.weight, this.linear1.bias, this.linear2.weight, this.linear2.bias];
    // Python reads the attributes of every argument (a bias=False layer has none, which fails earlier).
    if (tensors.some((t) => t === null || t === undefined)) return false;
    if (!(tensors as Tensor[]).every((t) => t.device.type === 'cpu' || t.device.type === 'cuda')) return false;
    return !(isGradEnabled() && (tensors as Tensor[]).some((t) => t.requiresGrad));
  }

  private _saBlock(x: Tensor, attnMask: MaybeTensor, keyPaddingMask: MaybeTensor, isCausal: boolean): Tensor {
    const [out] = this.self_attn.call(x, x, x, { attnMask, keyPaddingMask, needWeights: false, isCausal }) as [Tensor, MaybeTensor];
    return this.dropout1.call(out) as Tensor;
  }

  private _ffBlock(x: Tensor): Tensor {
    const h = this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x) as Tensor))) as Tensor;
    return this.dropout2.call(h) as Tensor;
  }
}

// Whether any module in the tree has forward hooks (PyTorch then leaves the fast path).
const hasHooks = (m: Module): boolean => m.modules().some((sub) => sub._hasForwardHooks());

const DECODER_LAYER_FORWARD = ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal'] as const;

/**
 * `new nn.TransformerDecoderLayer(dModel, nhead, dimFeedforward = 2048, dropout = 0.1, activation = 'relu' | F.relu,
 * layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true, { device, dtype })`;
 * `layer.call(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal })`.
 */
export class TransformerDecoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  normFirst: boolean;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;
  declare activation: Activation; // declared, not defined early: a Module activation is a submodule, registered after the others as in PyTorch

  constructor(dModel: number, nhead: number, ...rest: unknown[]);
  constructor(options: TransformerLayerOptions);
  constructor(...args: unknown[]) {
    const o = layerOptions('TransformerDecoderLayer', args);
    const { dModel, nhead } = o;
    super();
    const f = o.factory;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, batchFirst: o.batchFirst, bias: o.bias, ...f });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, batchFirst: o.batchFirst, bias: o.bias, ...f });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias, ...f });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias, ...f });
    this.normFirst = o.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, ...f });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, ...f });
    this.norm3 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, ...f });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.dropout3 = new Dropout(o.dropout);
    this.activation = activationFn(o.activation);
  }

  override forward(tgt: Tensor, memory: Tensor, ...rest: unknown[]): Tensor {
    const fn = 'TransformerDecoderLayer';
    const o = bindArgs(fn, rest, DECODER_LAYER_FORWARD);
    const tgtMask = _optionalTensor(fn, 'tgtMask', o.tgtMask);
    const memoryMask = _optionalTensor(fn, 'memoryMask', o.memoryMask);
    const tgtKpm = _optionalTensor(fn, 'tgtKeyPaddingMask', o.tgtKeyPaddingMask);
    const memoryKpm = _optionalTensor(fn, 'memoryKeyPaddingMask', o.memoryKeyPaddingMask);
    const tgtIsCausal = boolArg(fn, 'tgtIsCausal', o.tgtIsCausal ?? undefined, false);
    const memoryIsCausal = boolArg(fn, 'memoryIsCausal', o.memoryIsCausal ?? undefined, false);
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.call(x) as Tensor, tgtMask, tgtKpm, tgtIsCausal));
      x = x.add(this._mhaBlock(this.norm2.call(x) as Tensor, memory, memoryMask, memoryKpm, memoryIsCausal));
      x = x.add(this._ffBlock(this.norm3.call(x) as Tensor));
    } else {
      x = this.norm1.call(x.add(this._saBlock(x, tgtMask, tgtKpm, tgtIsCausal))) as Tensor;
      x = this.norm2.call(x.add(this._mhaBlock(x, memory, memoryMask, memoryKpm, memoryIsCausal))) as Tensor;
      x = this.norm3.call(x.add(this._ffBlock(x))) as Tensor;
    }
    return x;
  }

  private _saBlock(x: Tensor, attnMask: MaybeTensor, keyPaddingMask: MaybeTensor, isCausal: boolean): Tensor {
    const [out] = this.self_attn.call(x, x, x, { attnMask, keyPaddingMask, isCausal, needWeights: false }) as [Tensor, MaybeTensor];
    return this.dropout1.call(out) as Tensor;
  }

  private _mhaBlock(x: Tensor, mem: Tensor, attnMask: MaybeTensor, keyPaddingMask: MaybeTensor, isCausal: boolean): Tensor {
    const [out] = this.multihead_attn.call(x, mem, mem, { attnMask, keyPaddingMask, isCausal, needWeights: false }) as [Tensor, MaybeTensor];
    return this.dropout2.call(out) as Tensor;
  }

  private _ffBlock(x: Tensor): Tensor {
    const h = this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x) as Tensor))) as Tensor;
    return this.dropout3.call(h) as Tensor;
  }
}

// _get_clones: copy.deepcopy of the layer, n times (no RNG drawn, no registration hooks, as Python's deepcopy)
const getClones = (module: Module, n: number): ModuleList => new ModuleList(Array.from({ length: n }, () => deepcopyModule(module)));

const ENCODER_ARGS = ['norm', 'enableNestedTensor', 'maskCheck'] as const;
const ENCODER_FORWARD = ['mask', 'srcKeyPaddingMask', 'isCausal'] as const;

/**
 * `new nn.TransformerEncoder(encoderLayer, numLayers, norm = null, enableNestedTensor = true, maskCheck = true)`: numLayers
 * deep copies of the layer (the same initial weights, as in PyTorch); `encoder.call(src, { mask, srcKeyPaddingMask, isCausal })`.
 */
export class TransformerEncoder extends Module {
  declare layers: ModuleList;
  numLayers: number;
  declare norm: Module | null;
  enableNestedTensor: boolean;
  useNestedTensor: boolean;
  maskCheck: boolean;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, ...rest: unknown[]);
  constructor(options: { encoderLayer: TransformerEncoderLayer; numLayers: number; norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean });
  constructor(...args: unknown[]) {
    const fn = 'TransformerEncoder';
    const { encoderLayer, numLayers, ...o } = bindArgs(fn, args, ['encoderLayer', 'numLayers', ...ENCODER_ARGS]) as { encoderLayer: TransformerEncoderLayer; numLayers: number } & Partial<Record<(typeof ENCODER_ARGS)[number], unknown>>;
    if (!(encoderLayer instanceof Module)) throw new TypeError(`${fn}: encoder_layer must be a Module, got ${describe(encoderLayer)}`);
    super();
    this.layers = getClones(encoderLayer, numLayers);
    this.numLayers = numLayers;
    this.norm = (o.norm ?? null) as Module | null;
    this.enableNestedTensor = boolArg(fn, 'enableNestedTensor', o.enableNestedTensor, true);
    this.useNestedTensor = this.enableNestedTensor;
    this.maskCheck = boolArg(fn, 'maskCheck', o.maskCheck, true);
    let whyNot = '';
    const l = encoderLayer as TransformerEncoderLayer;
    if (!(encoderLayer instanceof TransformerEncoderLayer)) whyNot = 'encoder_layer was not TransformerEncoderLayer';
    else if (l.normFirst) whyNot = 'encoder_layer.norm_first was True';
    else if (!l.self_attn.batchFirst) whyNot = 'encoder_layer.self_attn.batch_first was not True(use batch_first for better inference performance)';
    else if (!l.self_attn._qkvSameEmbedDim) whyNot = 'encoder_layer.self_attn._qkv_same_embed_dim was not True';
    else if (l.self_attn.in_proj_bias === null) whyNot = 'encoder_layer.self_attn was passed bias=False';
    else if (!l.activationReluOrGelu) whyNot = 'encoder_layer.activation_relu_or_gelu was not True';
    else if (l.norm1.eps !== l.norm2.eps) whyNot = 'encoder_layer.norm1.eps was not equal to encoder_layer.norm2.eps';
    else if (l.self_attn.numHeads % 2 === 1) whyNot = 'encoder_layer.self_attn.num_heads is odd';
    if (this.enableNestedTensor && whyNot) {
      warn(`enable_nested_tensor is True, but self.use_nested_tensor is False because ${whyNot}`);
      this.useNestedTensor = false;
    }
  }

  override forward(src: Tensor, ...rest: unknown[]): Tensor {
    const fn = 'TransformerEncoder';
    const o = bindArgs(fn, rest, ENCODER_FORWARD);
    if (!isTensor(src)) throw new TypeError(`${fn}: src must be a Tensor, got ${describe(src)}`);
    let mask = _optionalTensor(fn, 'mask', o.mask);
    let kpm = _optionalTensor(fn, 'srcKeyPaddingMask', o.srcKeyPaddingMask);
    kpm = _canonicalMask(kpm, 'src_key_padding_mask', _noneOrDtype(mask), 'mask', src.dtype);
    mask = _canonicalMask(mask, 'mask', null, '', src.dtype, false);
    const first = this.layers.at(0) as TransformerEncoderLayer;
    const batchFirst = first.self_attn.batchFirst;
    let output = src;
    let kpmForLayers = kpm;
    let convertToNested = false;
    if (this._sparsityFastPath(src, first, mask, kpm)) {
      convertToNested = true;
      output = aten('_nested_tensor_from_mask', [output, kpm!.logicalNot(), { maskCheck: false }]) as Tensor;
      kpmForLayers = null;
    }
    const isCausal = detectIsCausalMask(mask, optionalBool(fn, 'isCausal', o.isCausal), seqLen(src, batchFirst));
    for (const layer of this.layers) output = layer.call(output, { srcMask: mask, isCausal, srcKeyPaddingMask: kpmForLayers }) as Tensor;
    if (convertToNested) output = aten('to_padded_tensor', [output, 0.0, src.shape]) as Tensor;
    if (this.norm !== null) output = this.norm.call(output) as Tensor;
    return output;
  }

  // PyTorch's conditions for running a padded batch as a nested tensor (inference, batch-first, a left-aligned padding mask).
  private _sparsityFastPath(src: Tensor, first: TransformerEncoderLayer, mask: MaybeTensor, kpm: MaybeTensor): boolean {
    if (!backends.mha.getFastpathEnabled() || !this.useNestedTensor || first.training || src.dim() !== 3 || kpm === null) return false;
    if (!(first instanceof TransformerEncoderLayer)) return false;
    if (this.maskCheck && !aten('_nested_tensor_from_mask_left_aligned', [src, kpm.logicalNot()])) return false;
    if (src.isNested || mask !== null || _autocastEnabled()) return false;
    const sa = first.self_attn;
    const tensors = [src, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, first.norm1.weight, first.norm1.bias, first.norm2.weight,
      first.norm2.bias, first.linear1.weight, first.linear1.bias, first.linear2.weight, first.linear2.bias].filter((t): t is Tensor => t !== null && t !== undefined);
    if (!['cpu', 'cuda'].includes(src.device.type)) return false;
    return !(isGradEnabled() && tensors.some((t) => t.requiresGrad));
  }
}

const DECODER_ARGS = ['norm'] as const;

/**
 * `new nn.TransformerDecoder(decoderLayer, numLayers, norm = null)`;
 * `decoder.call(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal })`.
 */
export class TransformerDecoder extends Module {
  declare layers: ModuleList;
  numLayers: number;
  declare norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, ...rest: unknown[]);
  constructor(options: { decoderLayer: TransformerDecoderLayer; numLayers: number; norm?: Module | null });
  constructor(...args: unknown[]) {
    const fn = 'TransformerDecoder';
    const { decoderLayer, numLayers, ...o } = bindArgs(fn, args, ['decoderLayer', 'numLayers', ...DECODER_ARGS]) as { decoderLayer: TransformerDecoderLayer; numLayers: number } & Partial<Record<(typeof DECODER_ARGS)[number], unknown>>;
    if (!(decoderLayer instanceof Module)) throw new TypeError(`${fn}: decoder_layer must be a Module, got ${describe(decoderLayer)}`);
    super();
    this.layers = getClones(decoderLayer, numLayers);
    this.numLayers = numLayers;
    this.norm = (o.norm ?? null) as Module | null;
  }

  override forward(tgt: Tensor, memory: Tensor, ...rest: unknown[]): Tensor {
    const fn = 'TransformerDecoder';
    const o = bindArgs(fn, rest, DECODER_LAYER_FORWARD);
    const tgtMask = _optionalTensor(fn, 'tgtMask', o.tgtMask);
    const first = this.layers.at(0) as TransformerDecoderLayer;
    const tgtIsCausal = detectIsCausalMask(tgtMask, optionalBool(fn, 'tgtIsCausal', o.tgtIsCausal), seqLen(tgt, first.self_attn.batchFirst));
    const memoryIsCausal = boolArg(fn, 'memoryIsCausal', o.memoryIsCausal ?? undefined, false);
    let output = tgt;
    for (const layer of this.layers) {
      output = layer.call(output, memory, {
        tgtMask, memoryMask: o.memoryMask ?? null, tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null, memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null,
        tgtIsCausal, memoryIsCausal,
      }) as Tensor;
    }
    if (this.norm !== null) output = this.norm.call(output) as Tensor;
    return output;
  }
}

const TRANSFORMER_ARGS = [
  'dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'dimFeedforward', 'dropout', 'activation', 'customEncoder', 'customDecoder', 'layerNormEps',
  'batchFirst', 'normFirst', 'bias', 'device', 'dtype',
] as const;
const TRANSFORMER_FORWARD = [
  'srcMask', 'tgtMask', 'memoryMask', 'srcKeyPaddingMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'srcIsCausal', 'tgtIsCausal', 'memoryIsCausal',
] as const;

/**
 * `new nn.Transformer(dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, dimFeedforward = 2048, dropout = 0.1,
 * activation = 'relu', customEncoder = null, customDecoder = null, layerNormEps = 1e-5, batchFirst = false, normFirst = false,
 * bias = true, { device, dtype })`; `model.call(src, tgt, { srcMask, tgtMask, memoryMask, srcKeyPaddingMask, ... })`.
 */
export class Transformer extends Module {
  declare encoder: Module;
  declare decoder: Module;
  dModel: number;
  nhead: number;
  batchFirst: boolean;

  constructor(...args: unknown[]) {
    const fn = 'Transformer';
    const o = bindArgs(fn, args, TRANSFORMER_ARGS);
    super();
    const dModel = (o.dModel ?? 512) as number;
    const nhead = (o.nhead ?? 8) as number;
    const layerNormEps = (o.layerNormEps ?? 1e-5) as number;
    const bias = boolArg(fn, 'bias', o.bias, true);
    const batchFirst = boolArg(fn, 'batchFirst', o.batchFirst, false);
    const f = factoryOptions(o);
    const layerArgs = {
      dimFeedforward: (o.dimFeedforward ?? 2048) as number, dropout: (o.dropout ?? 0.1) as number, activation: o.activation ?? relu, layerNormEps, batchFirst,
      normFirst: boolArg(fn, 'normFirst', o.normFirst, false), bias, ...f,
    };
    if (o.customEncoder !== undefined && o.customEncoder !== null) this.encoder = o.customEncoder as Module;
    else {
      const encoderLayer = new TransformerEncoderLayer(dModel, nhead, layerArgs);
      const encoderNorm = new LayerNorm(dModel, { eps: layerNormEps, bias, ...f });
      this.encoder = new TransformerEncoder(encoderLayer, (o.numEncoderLayers ?? 6) as number, encoderNorm);
    }
    if (o.customDecoder !== undefined && o.customDecoder !== null) this.decoder = o.customDecoder as Module;
    else {
      const decoderLayer = new TransformerDecoderLayer(dModel, nhead, layerArgs);
      const decoderNorm = new LayerNorm(dModel, { eps: layerNormEps, bias, ...f });
      this.decoder = new TransformerDecoder(decoderLayer, (o.numDecoderLayers ?? 6) as number, decoderNorm);
    }
    this._resetParameters();
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = batchFirst;
  }

  override forward(src: Tensor, tgt: Tensor, ...rest: unknown[]): Tensor {
    const fn = 'Transformer';
    const o = bindArgs(fn, rest, TRANSFORMER_FORWARD);
    if (!isTensor(src) || !isTensor(tgt)) throw new TypeError(`${fn}: src and tgt must be Tensors`);
    const isBatched = src.dim() === 3;
    if (!this.batchFirst && src.size(1) !== tgt.size(1) && isBatched) throw new RangeError(`${fn}: the batch number of src and tgt must be equal`);
    if (this.batchFirst && src.size(0) !== tgt.size(0) && isBatched) throw new RangeError(`${fn}: the batch number of src and tgt must be equal`);
    if (src.size(-1) !== this.dModel || tgt.size(-1) !== this.dModel) throw new RangeError(`${fn}: the feature number of src and tgt must be equal to d_model`);
    const memory = this.encoder.call(src, { mask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal: o.srcIsCausal ?? null }) as Tensor;
    return this.decoder.call(tgt, memory, {
      tgtMask: o.tgtMask ?? null, memoryMask: o.memoryMask ?? null, tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null, tgtIsCausal: o.tgtIsCausal ?? null, memoryIsCausal: o.memoryIsCausal ?? false,
    }) as Tensor;
  }

  /** `nn.Transformer.generateSquareSubsequentMask(sz, { device, dtype })`: -inf above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number, options: { device?: DeviceLike | null; dtype?: DType | null } = {}): Tensor {
    return generateSquareSubsequentMask(sz, options);
  }

  private _resetParameters(): void {
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
  }
}

declareForward([TransformerEncoderLayer], ['src'], ENCODER_LAYER_FORWARD);
declareForward([TransformerDecoderLayer, TransformerDecoder], ['tgt', 'memory'], DECODER_LAYER_FORWARD);
declareForward([TransformerEncoder], ['src'], ENCODER_FORWARD);
declareForward([Transformer], ['src', 'tgt'], TRANSFORMER_FORWARD);
