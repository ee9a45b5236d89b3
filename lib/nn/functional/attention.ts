// torch.nn.functional attention: scaledDotProductAttention (the ATen op) and multiHeadAttentionForward,
// written as torch/nn/functional.py writes multi_head_attention_forward, over the same ATen ops.
import { isMainThread } from 'node:worker_threads';
import { isAutocastEnabled } from '../../autocast.js';
import { aten } from '../../call.js';
import { zeros, zerosLike } from '../../creation.js';
import { bfloat16, bool as boolDtype, float16, float32, type DType, pySize } from '../../dtype.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import { baddbmm, bmm, cat, matmul, where } from '../../generated/functions.js';
import { describe, isOptionsObject, numberArg } from '../../options.js';
import { pyTuple } from '../../print.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { warn } from '../../warnings.js';
import { dropoutOp } from './dropout.js';
import { CausalBias, CausalVariant } from '../attention_bias.js';

type MaybeTensor = Tensor | null;

// Python prints shapes as torch.Size([2, 3]) in these messages.
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** An optional Tensor argument (null when left out); TypeError naming `fn` otherwise. Shared with the attention layers. */
export function _optionalTensor(fn: string, name: string, v: unknown): MaybeTensor {
  if (v === undefined || v === null) return null;
  if (!isTensor(v)) throw new TypeError(`${fn}: ${name} must be a Tensor or null, got ${describe(v)}`);
  return v;
}

function requireTensor(fn: string, name: string, v: unknown): Tensor {
  if (!isTensor(v)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(v)}`);
  return v;
}

/**
 * aten::scaled_dot_product_attention. With dropout on the CPU that is ATen's math path, whose dropout draws
 * from the process's generator, not a worker thread's own: there the same steps run with dropoutOp between
 * (the math op without dropout gives the weights, computed in float32 for float16/bfloat16 as ATen does).
 */
function attentionOp(query: Tensor, key: Tensor, value: Tensor, attnMask: MaybeTensor, dropoutP: number, isCausal: boolean, scale: number | null, enableGqa: boolean): Tensor {
  if (isMainThread || !(dropoutP > 0) || query.device.type !== 'cpu' || query.isNested) {
    return aten('scaled_dot_product_attention', [query, key, value, attnMask, dropoutP, isCausal, { scale, enableGqa }]) as Tensor;
  }
  const dtype = query.dtype;
  const upcast = dtype === float16 || dtype === bfloat16;
  const [q, k, v] = upcast ? [query.to(float32), key.to(float32), value.to(float32)] : [query, key, value];
  let mask = attnMask;
  if (mask !== null && mask.dtype === boolDtype) mask = where(mask.logicalNot(), -Infinity, zeros([], { dtype: q.dtype }));
  else if (mask !== null && upcast) mask = mask.to(float32);
  const weights = (aten('_scaled_dot_product_attention_math', [q, k, v, mask, 0.0, isCausal, { scale, enableGqa }]) as Tensor[])[1]!;
  const values = enableGqa ? v.repeatInterleave(q.size(-3) / v.size(-3), -3) : v;
  const out = matmul(dropoutOp(weights, dropoutP, true), values);
  return upcast ? out.to(dtype) : out;
}

const SDPA_ARGS = ['attnMask', 'dropoutP', 'isCausal', 'scale', 'enableGqa'] as const;

/**
 * `F.scaledDotProductAttention(query, key, value, attnMask = null, dropoutP = 0, isCausal = false, { scale, enableGqa })`:
 * softmax(QKᵀ·scale + mask)·V through ATen's scaled_dot_product_attention (its dropout draws from the
 * default generator as in PyTorch). A boolean attnMask marks the positions that take part; a
 * nn.attention.bias CausalBias runs as Python's.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): Tensor {
  const fn = 'scaledDotProductAttention';
  const positional = rest.length > 0 && isOptionsObject(rest[rest.length - 1]) ? rest.length - 1 : rest.length;
  if (positional > 3) throw new TypeError(`${fn}: scale and enableGqa are keyword-only: pass them in the options object`);
  const o = bindArgs(fn, rest, SDPA_ARGS);
  const causalBias = o.attnMask instanceof CausalBias ? o.attnMask : null;
  let attnMask = causalBias ? null : _optionalTensor(fn, 'attnMask', o.attnMask);
  const dropoutP = numberArg(fn, 'dropoutP', o.dropoutP, 0);
  let isCausal = boolArg(fn, 'isCausal', o.isCausal, false);
  const scale = o.scale === undefined || o.scale === null ? null : numberArg(fn, 'scale', o.scale, 0);
  const enableGqa = boolArg(fn, 'enableGqa', o.enableGqa, false);
  if (causalBias) {
    // CausalBias._dispatch: causal attention where that is the same; else (off CUDA's fused kernels) the materialized mask
    if (isCausal) throw new RangeError('CausalBias should not be used with causal=True');
    if (causalBias.seqLenQ === causalBias.seqLenKv || causalBias.variant === CausalVariant.UPPER_LEFT) isCausal = true;
    else attnMask = causalBias._materialize(query.device);
  }
  return attentionOp(query, key, value, attnMask, dropoutP, isCausal, scale, enableGqa);
}

/** F._canonical_mask: a bool mask becomes a float mask of `targetType` with -inf where it was true. */
export function _canonicalMask(mask: MaybeTensor, maskName: string, otherType: DType | null, otherName: string, targetType: DType, checkOther = true): MaybeTensor {
  if (mask === null) return null;
  const isFloat = mask.dtype.isFloatingPoint;
  if (mask.dtype !== boolDtype && !isFloat) throw new TypeError(`only bool and floating types of ${maskName} are supported`);
  if (checkOther && otherType !== null && mask.dtype !== otherType) {
    warn(`Support for mismatched ${maskName} and ${otherName} is deprecated. Use same type for both instead.`);
  }
  return isFloat ? mask : zerosLike(mask, { dtype: targetType }).maskedFill_(mask, -Infinity);
}

/** F._none_or_dtype. */
export const _noneOrDtype = (t: MaybeTensor): DType | null => (t === null ? null : t.dtype);

/** What multi_head_attention_forward takes besides query, key and value; parsed once by the caller. */
export interface MultiHeadAttentionParams {
  embedDimToCheck: number;
  numHeads: number;
  inProjWeight: MaybeTensor;
  inProjBias: MaybeTensor;
  biasK: MaybeTensor;
  biasV: MaybeTensor;
  addZeroAttn: boolean;
  dropoutP: number;
  outProjWeight: Tensor;
  outProjBias: MaybeTensor;
  training: boolean;
  keyPaddingMask: MaybeTensor;
  needWeights: boolean;
  attnMask: MaybeTensor;
  useSeparateProjWeight: boolean;
  qProjWeight: MaybeTensor;
  kProjWeight: MaybeTensor;
  vProjWeight: MaybeTensor;
  staticK: MaybeTensor;
  staticV: MaybeTensor;
  averageAttnWeights: boolean;
  isCausal: boolean;
}

const linear = (x: Tensor, w: Tensor, b: MaybeTensor): Tensor => aten('linear', [x, w, b]) as Tensor;
const pad01 = (t: Tensor): Tensor => aten('pad', [t, [0, 1]]) as Tensor;

// F._mha_shape_check: whether the query is batched, after checking the ranks of everything.
function mhaShapeCheck(who: string, query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: MaybeTensor, attnMask: MaybeTensor, numHeads: number): boolean {
  const fail = (msg: string): never => {
    throw new RangeError(`${who}: ${msg}`);
  };
  if (query.dim() === 3) {
    if (key.dim() !== 3 || value.dim() !== 3) fail(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    if (keyPaddingMask !== null && keyPaddingMask.dim() !== 2) fail(`For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${keyPaddingMask.dim()}-D tensor instead`);
    if (attnMask !== null && attnMask.dim() !== 2 && attnMask.dim() !== 3) fail(`For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
    return true;
  }
  if (query.dim() === 2) {
    if (key.dim() !== 2 || value.dim() !== 2) fail(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    if (keyPaddingMask !== null && keyPaddingMask.dim() !== 1) fail(`For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${keyPaddingMask.dim()}-D tensor instead`);
    if (attnMask !== null) {
      if (attnMask.dim() !== 2 && attnMask.dim() !== 3) fail(`For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
      const expected = [numHeads, query.shape[0]!, key.shape[0]!];
      if (attnMask.dim() === 3 && !sameShape(attnMask.shape, expected)) fail(`Expected \`attn_mask\` shape to be (${expected.join(', ')}) but got ${pySize(attnMask.shape)}`);
    }
    return false;
  }
  return fail(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
}

// F._in_projection_packed: one matmul for self-attention, two when key is value, three otherwise.
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: MaybeTensor): [Tensor, Tensor, Tensor] {
  const E = q.size(-1);
  if (k === v) {
    if (q === k) {
      const proj = linear(q, w, b).unflatten(-1, [3, E]).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous();
      return [proj.select(0, 0), proj.select(0, 1), proj.select(0, 2)];
    }
    const [wQ, wKv] = w.split([E, E * 2]) as [Tensor, Tensor];
    const [bQ, bKv] = b === null ? [null, null] : (b.split([E, E * 2]) as [Tensor, Tensor]);
    const qProj = linear(q, wQ, bQ);
    const kvProj = linear(k, wKv, bKv).unflatten(-1, [2, E]).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous();
    return [qProj, kvProj.select(0, 0), kvProj.select(0, 1)];
  }
  const [wQ, wK, wV] = w.chunk(3) as [Tensor, Tensor, Tensor];
  const [bQ, bK, bV] = b === null ? [null, null, null] : (b.chunk(3) as [Tensor, Tensor, Tensor]);
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

// F._in_projection: separate q/k/v weights (kdim/vdim differ from embed_dim).
function inProjection(who: string, q: Tensor, k: Tensor, v: Tensor, wQ: Tensor, wK: Tensor, wV: Tensor, bQ: MaybeTensor, bK: MaybeTensor, bV: MaybeTensor): [Tensor, Tensor, Tensor] {
  const [Eq, Ek, Ev] = [q.size(-1), k.size(-1), v.size(-1)];
  const expect = (what: string, t: MaybeTensor, shape: number[]): void => {
    if (t !== null && !sameShape(t.shape, shape)) throw new RangeError(`${who}: expecting ${what} shape of ${pyTuple(shape)}, but got ${pySize(t.shape)}`);
  };
  expect('query weights', wQ, [Eq, Eq]);
  expect('key weights', wK, [Eq, Ek]);
  expect('value weights', wV, [Eq, Ev]);
  expect('query bias', bQ, [Eq]);
  expect('key bias', bK, [Eq]);
  expect('value bias', bV, [Eq]);
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

/** multi_head_attention_forward with its arguments already parsed; `who` names the caller in errors. */
export function _multiHeadAttentionForward(who: string, query: Tensor, key: Tensor, value: Tensor, p: MultiHeadAttentionParams): [Tensor, MaybeTensor] {
  const { numHeads } = p;
  let { keyPaddingMask, attnMask, isCausal, dropoutP } = p;
  const fail = (msg: string): never => {
    throw new RangeError(`${who}: ${msg}`);
  };
  const isBatched = mhaShapeCheck(who, query, key, value, keyPaddingMask, attnMask, numHeads);
  if (!isBatched) {
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = query.shape as [number, number, number];
  let srcLen = key.shape[0]!;
  keyPaddingMask = _canonicalMask(keyPaddingMask, 'key_padding_mask', _noneOrDtype(attnMask), 'attn_mask', query.dtype);
  if (isCausal && attnMask === null) {
    throw new Error(`${who}: Need attn_mask if specifying the is_causal hint. You may use the Transformer module method \`generate_square_subsequent_mask\` to create this mask.`);
  }
  if (isCausal && keyPaddingMask === null && !p.needWeights) {
    // The causal hint alone drives scaled_dot_product_attention: the mask is dropped.
    attnMask = null;
  } else {
    attnMask = _canonicalMask(attnMask, 'attn_mask', null, '', query.dtype, false);
    if (keyPaddingMask !== null) isCausal = false;
  }
  if (embedDim !== p.embedDimToCheck) fail(`was expecting embedding dimension of ${p.embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  if (headDim * numHeads !== embedDim) fail(`embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (p.useSeparateProjWeight) {
    if (!sameShape(key.shape.slice(0, 2), value.shape.slice(0, 2))) fail(`key's sequence and batch dims ${pySize(key.shape.slice(0, 2))} do not match value's ${pySize(value.shape.slice(0, 2))}`);
  } else if (!sameShape(key.shape, value.shape)) {
    fail(`key shape ${pySize(key.shape)} does not match value shape ${pySize(value.shape)}`);
  }

  let q: Tensor, k: Tensor, v: Tensor;
  if (!p.useSeparateProjWeight) {
    if (p.inProjWeight === null) fail('use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = inProjectionPacked(query, key, value, p.inProjWeight!, p.inProjBias);
  } else {
    if (p.qProjWeight === null) fail('use_separate_proj_weight is True but q_proj_weight is None');
    if (p.kProjWeight === null) fail('use_separate_proj_weight is True but k_proj_weight is None');
    if (p.vProjWeight === null) fail('use_separate_proj_weight is True but v_proj_weight is None');
    const [bQ, bK, bV] = p.inProjBias === null ? [null, null, null] : (p.inProjBias.chunk(3) as [Tensor, Tensor, Tensor]);
    [q, k, v] = inProjection(who, query, key, value, p.qProjWeight!, p.kProjWeight!, p.vProjWeight!, bQ, bK, bV);
  }

  if (attnMask !== null) {
    if (attnMask.dim() === 2) {
      if (!sameShape(attnMask.shape, [tgtLen, srcLen])) throw new RangeError(`${who}: The shape of the 2D attn_mask is ${pySize(attnMask.shape)}, but should be (${tgtLen}, ${srcLen}).`);
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.dim() === 3) {
      if (!sameShape(attnMask.shape, [bsz * numHeads, tgtLen, srcLen])) throw new RangeError(`${who}: The shape of the 3D attn_mask is ${pySize(attnMask.shape)}, but should be (${bsz * numHeads}, ${tgtLen}, ${srcLen}).`);
    } else {
      throw new RangeError(`${who}: attn_mask's dimension ${attnMask.dim()} is not supported`);
    }
  }

  if (p.biasK !== null && p.biasV !== null) {
    if (p.staticK !== null) fail('bias cannot be added to static key.');
    if (p.staticV !== null) fail('bias cannot be added to static value.');
    k = cat([k, p.biasK.repeat(1, bsz, 1)]);
    v = cat([v, p.biasV.repeat(1, bsz, 1)]);
    if (attnMask !== null) attnMask = pad01(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = pad01(keyPaddingMask);
  } else {
    if (p.biasK !== null) fail('bias_k is set but bias_v is None');
    if (p.biasV !== null) fail('bias_v is set but bias_k is None');
  }

  q = q.view(tgtLen, bsz * numHeads, headDim).transpose(0, 1);
  const useStatic = (t: Tensor | null, name: string, projected: Tensor): Tensor => {
    if (t === null) return projected.view(projected.shape[0]!, bsz * numHeads, headDim).transpose(0, 1);
    if (t.size(0) !== bsz * numHeads) fail(`expecting ${name}.size(0) of ${bsz * numHeads}, but got ${t.size(0)}`);
    if (t.size(2) !== headDim) fail(`expecting ${name}.size(2) of ${headDim}, but got ${t.size(2)}`);
    return t;
  };
  k = useStatic(p.staticK, 'static_k', k);
  v = useStatic(p.staticV, 'static_v', v);

  if (p.addZeroAttn) {
    const zeroAttnShape = [bsz * numHeads, 1, headDim];
    k = cat([k, zeros(zeroAttnShape, { dtype: k.dtype, device: k.device })], 1);
    v = cat([v, zeros(zeroAttnShape, { dtype: v.dtype, device: v.device })], 1);
    if (attnMask !== null) attnMask = pad01(attnMask);
    if (keyPaddingMask !== null) keyPaddingMask = pad01(keyPaddingMask);
  }

  srcLen = k.size(1);
  if (keyPaddingMask !== null) {
    if (keyPaddingMask.shape[0] !== bsz) throw new RangeError(`${who}: Expected key_padded_mask.shape[0] to be ${bsz}, but got ${keyPaddingMask.shape[0]}`);
    if (keyPaddingMask.shape[1] !== srcLen) throw new RangeError(`${who}: Expected key_padded_mask.shape[1] to be ${srcLen}, but got ${keyPaddingMask.shape[1]}`);
    keyPaddingMask = keyPaddingMask.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
    attnMask = attnMask === null ? keyPaddingMask : attnMask.add(keyPaddingMask);
  }

  if (!p.training) dropoutP = 0.0;

  if (p.needWeights) {
    const E = q.shape[2]!;
    const qScaled = q.mul(Math.sqrt(1.0 / E));
    if (isCausal && attnMask === null) fail('FIXME: is_causal not implemented for need_weights');
    let weights = attnMask !== null ? baddbmm(attnMask, qScaled, k.transpose(-2, -1)) : bmm(qScaled, k.transpose(-2, -1));
    weights = weights.softmax(-1);
    if (dropoutP > 0.0) weights = dropoutOp(weights, dropoutP, true);
    let out = bmm(weights, v);
    out = out.transpose(0, 1).reshape(tgtLen * bsz, embedDim);
    out = linear(out, p.outProjWeight, p.outProjBias);
    out = out.view(tgtLen, bsz, out.size(1));
    weights = weights.view(bsz, numHeads, tgtLen, srcLen);
    if (p.averageAttnWeights) weights = weights.mean(1);
    if (!isBatched) {
      out = out.squeeze(1);
      weights = weights.squeeze(0);
    }
    return [out, weights];
  }
  if (attnMask !== null) {
    attnMask = attnMask.size(0) === 1 && attnMask.dim() === 3 ? attnMask.unsqueeze(0) : attnMask.view(bsz, numHeads, -1, srcLen);
  }
  q = q.view(bsz, numHeads, tgtLen, headDim);
  k = k.view(bsz, numHeads, srcLen, headDim);
  v = v.view(bsz, numHeads, srcLen, headDim);
  let out = attentionOp(q, k, v, attnMask, dropoutP, isCausal, null, false);
  out = out.permute(2, 0, 1, 3).reshape(bsz * tgtLen, embedDim);
  out = linear(out, p.outProjWeight, p.outProjBias);
  out = out.view(tgtLen, bsz, out.size(1));
  if (!isBatched) out = out.squeeze(1);
  return [out, null];
}

const MHA_POSITIONAL = [
  'embedDimToCheck', 'numHeads', 'inProjWeight', 'inProjBias', 'biasK', 'biasV', 'addZeroAttn', 'dropoutP', 'outProjWeight', 'outProjBias',
] as const;
const MHA_KEYWORDS = [
  'training', 'keyPaddingMask', 'needWeights', 'attnMask', 'useSeparateProjWeight', 'qProjWeight', 'kProjWeight', 'vProjWeight', 'staticK', 'staticV',
  'averageAttnWeights', 'isCausal',
] as const;

/**
 * `F.multiHeadAttentionForward(query, key, value, embedDimToCheck, numHeads, inProjWeight, inProjBias, biasK, biasV,
 * addZeroAttn, dropoutP, outProjWeight, outProjBias, { training = true, keyPaddingMask, needWeights = true, attnMask,
 * useSeparateProjWeight = false, qProjWeight, kProjWeight, vProjWeight, staticK, staticV, averageAttnWeights = true,
 * isCausal = false })` → `[attnOutput, attnOutputWeights | null]`; inputs are (L, N, E) or unbatched (L, E).
 */
export function multiHeadAttentionForward(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): [Tensor, MaybeTensor] {
  const fn = 'multiHeadAttentionForward';
  const o = bindArgs(fn, rest, [...MHA_POSITIONAL, ...MHA_KEYWORDS]);
  for (const name of ['embedDimToCheck', 'numHeads'] as const) {
    if (typeof o[name] !== 'number' || !Number.isInteger(o[name])) throw new TypeError(`${fn}: ${name} must be an integer, got ${describe(o[name])}`);
  }
  const tensorOrNull = (name: (typeof MHA_POSITIONAL | typeof MHA_KEYWORDS)[number]): MaybeTensor => _optionalTensor(fn, name, o[name]);
  const params: MultiHeadAttentionParams = {
    embedDimToCheck: o.embedDimToCheck as number,
    numHeads: o.numHeads as number,
    inProjWeight: tensorOrNull('inProjWeight'),
    inProjBias: tensorOrNull('inProjBias'),
    biasK: tensorOrNull('biasK'),
    biasV: tensorOrNull('biasV'),
    addZeroAttn: boolArg(fn, 'addZeroAttn', o.addZeroAttn, false),
    dropoutP: numberArg(fn, 'dropoutP', o.dropoutP, 0),
    outProjWeight: requireTensor(fn, 'outProjWeight', o.outProjWeight),
    outProjBias: tensorOrNull('outProjBias'),
    training: boolArg(fn, 'training', o.training, true),
    keyPaddingMask: tensorOrNull('keyPaddingMask'),
    needWeights: boolArg(fn, 'needWeights', o.needWeights, true),
    attnMask: tensorOrNull('attnMask'),
    useSeparateProjWeight: boolArg(fn, 'useSeparateProjWeight', o.useSeparateProjWeight, false),
    qProjWeight: tensorOrNull('qProjWeight'),
    kProjWeight: tensorOrNull('kProjWeight'),
    vProjWeight: tensorOrNull('vProjWeight'),
    staticK: tensorOrNull('staticK'),
    staticV: tensorOrNull('staticV'),
    averageAttnWeights: boolArg(fn, 'averageAttnWeights', o.averageAttnWeights, true),
    isCausal: boolArg(fn, 'isCausal', o.isCausal, false),
  };
  for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) requireTensor(fn, name, t);
  return _multiHeadAttentionForward(fn, query, key, value, params);
}

/** Python's torch.is_autocast_enabled() (CUDA autocast) for the fast-path checks; false where this build has no CUDA. */
export function _autocastEnabled(): boolean {
  try {
    return isAutocastEnabled('cuda');
  } catch {
    return false;
  }
}
