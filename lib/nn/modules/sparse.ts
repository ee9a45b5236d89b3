// torch.nn Embedding and EmbeddingBag (torch/nn/modules/sparse.py, 2.13): weight from normal_
// with the padding row zeroed, as reset_parameters does; fromPretrained; forward through the parsed
// functional forms (lib/nn/functional/sparse.ts), max_norm renorming the weight in place as PyTorch does.
import { noGrad } from '../../autograd.js';
import { empty } from '../../creation.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, numArg, type Call } from '../functional/activation.js';
import { embeddingBagImpl, embeddingImpl, type EmbeddingBagMode } from '../functional/sparse.js';
import * as init from '../init.js';
import { declareForward, Module } from '../module.js';
import { ownedParameter, Parameter } from '../parameter.js';
import { factoryOptions, pyBool, pyFloat, pyRepr } from './_format.js';

type Factory = { device?: unknown; dtype?: unknown };
const optNumber = (fn: string, name: string, v: unknown): number | null => (v === undefined || v === null ? null : numArg(fn, name, v));

/** The layers' padding_idx check (an AssertionError in Python) and its normalisation to a non-negative index. */
function layerPaddingIdx(name: string, v: unknown, numEmbeddings: number, spelling: string): number | null {
  if (v === undefined || v === null) return null;
  const idx = numArg(name, 'paddingIdx', v);
  if (!Number.isInteger(idx)) throw new TypeError(`${name}: padding_idx must be an int or null, got ${idx}`);
  if ((idx > 0 && idx >= numEmbeddings) || (idx < 0 && idx < -numEmbeddings)) throw new RangeError(`${name}: ${spelling} must be within num_embeddings`);
  return idx < 0 ? numEmbeddings + idx : idx;
}

/** The `_weight` a layer wraps (fromPretrained), checked against its shape. */
function givenWeight(name: string, w: unknown, rows: number, cols: number): Tensor | null {
  if (w === undefined || w === null) return null;
  checkTensor(name, w, '_weight');
  if (w.dim() !== 2 || w.size(0) !== rows || w.size(1) !== cols) throw new RangeError(`${name}: Shape of weight does not match num_embeddings and embedding_dim`);
  return w;
}

export interface EmbeddingOptions extends Factory {
  numEmbeddings?: number; embeddingDim?: number; paddingIdx?: number | null; maxNorm?: number | null; normType?: number;
  scaleGradByFreq?: boolean; sparse?: boolean; _weight?: Tensor | null; _freeze?: boolean;
}

/** nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None) */
export class Embedding extends Module {
  numEmbeddings: number;
  embeddingDim: number;
  paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  declare weight: Parameter;
  sparse: boolean;
  constructor(...args: Call<[number, number, number | null, number | null, number, boolean, boolean], EmbeddingOptions>) {
    super();
    const n = 'Embedding';
    const a = bindArgs(n, args, ['numEmbeddings', 'embeddingDim', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse', '_weight', '_freeze', 'device', 'dtype']);
    this.numEmbeddings = numArg(n, 'numEmbeddings', a.numEmbeddings);
    this.embeddingDim = numArg(n, 'embeddingDim', a.embeddingDim);
    this.paddingIdx = layerPaddingIdx(n, a.paddingIdx, this.numEmbeddings, 'Padding_idx');
    this.maxNorm = optNumber(n, 'maxNorm', a.maxNorm);
    this.normType = numArg(n, 'normType', a.normType, 2);
    this.scaleGradByFreq = boolArg(n, 'scaleGradByFreq', a.scaleGradByFreq, false);
    const freeze = boolArg(n, '_freeze', a._freeze, false);
    const weight = givenWeight(n, a._weight, this.numEmbeddings, this.embeddingDim);
    if (weight === null) {
      this.weight = ownedParameter(empty([this.numEmbeddings, this.embeddingDim], factoryOptions(a)), !freeze);
      this.resetParameters();
    } else {
      this.weight = new Parameter(weight, !freeze);
    }
    this.sparse = boolArg(n, 'sparse', a.sparse, false);
  }
  resetParameters(): void {
    init.normal_(this.weight);
    this.fillPaddingIdxWithZero();
  }
  protected fillPaddingIdxWithZero(): void {
    const idx = this.paddingIdx;
    if (idx !== null) noGrad(() => this.weight.select(0, idx).fill_(0));
  }
  override forward(input: Tensor): Tensor {
    checkTensor('Embedding', input);
    return embeddingImpl(input, this.weight, this.paddingIdx ?? -1, this.maxNorm, this.normType, this.scaleGradByFreq, this.sparse);
  }
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }

  /** Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False) */
  static fromPretrained(embeddings: Tensor, ...args: Call<[boolean, number | null, number | null, number, boolean, boolean], { freeze?: boolean; paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: boolean }>): Embedding {
    checkTensor('Embedding.fromPretrained', embeddings, 'embeddings');
    if (embeddings.dim() !== 2) throw new RangeError('Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional');
    const a = bindArgs('Embedding.fromPretrained', args, ['freeze', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
    const { freeze, ...rest } = a;
    const [rows, cols] = embeddings.shape as [number, number];
    return new this(rows, cols, { ...rest, _weight: embeddings, _freeze: boolArg('Embedding.fromPretrained', 'freeze', freeze, true) } as EmbeddingOptions);
  }
}

export interface EmbeddingBagOptions extends Factory {
  numEmbeddings?: number; embeddingDim?: number; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; mode?: EmbeddingBagMode;
  sparse?: boolean; _weight?: Tensor | null; includeLastOffset?: boolean; paddingIdx?: number | null;
}

/** nn.EmbeddingBag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None, dtype=None) */
export class EmbeddingBag extends Module {
  numEmbeddings: number;
  embeddingDim: number;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  paddingIdx: number | null;
  declare weight: Parameter;
  mode: EmbeddingBagMode;
  sparse: boolean;
  includeLastOffset: boolean;
  constructor(...args: Call<[number, number, number | null, number, boolean, EmbeddingBagMode, boolean, Tensor | null, boolean, number | null], EmbeddingBagOptions>) {
    super();
    const n = 'EmbeddingBag';
    const a = bindArgs(n, args, ['numEmbeddings', 'embeddingDim', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', '_weight', 'includeLastOffset', 'paddingIdx', 'device', 'dtype']);
    this.numEmbeddings = numArg(n, 'numEmbeddings', a.numEmbeddings);
    this.embeddingDim = numArg(n, 'embeddingDim', a.embeddingDim);
    this.maxNorm = optNumber(n, 'maxNorm', a.maxNorm);
    this.normType = numArg(n, 'normType', a.normType, 2);
    this.scaleGradByFreq = boolArg(n, 'scaleGradByFreq', a.scaleGradByFreq, false);
    this.paddingIdx = layerPaddingIdx(n, a.paddingIdx, this.numEmbeddings, 'padding_idx');
    const weight = givenWeight(n, a._weight, this.numEmbeddings, this.embeddingDim);
    if (weight === null) {
      this.weight = ownedParameter(empty([this.numEmbeddings, this.embeddingDim], factoryOptions(a)));
      this.resetParameters();
    } else {
      this.weight = new Parameter(weight);
    }
    const mode = a.mode ?? 'mean';
    if (typeof mode !== 'string') throw new TypeError(`${n}: mode must be 'sum', 'mean' or 'max', got ${String(mode)}`);
    this.mode = mode as EmbeddingBagMode;
    this.sparse = boolArg(n, 'sparse', a.sparse, false);
    this.includeLastOffset = boolArg(n, 'includeLastOffset', a.includeLastOffset, false);
  }
  resetParameters(): void {
    init.normal_(this.weight);
    const idx = this.paddingIdx;
    if (idx !== null) noGrad(() => this.weight.select(0, idx).fill_(0));
  }
  /** forward(input, offsets=None, per_sample_weights=None) */
  override forward(input: Tensor, ...args: Call<[Tensor | null, Tensor | null], { offsets?: Tensor | null; perSampleWeights?: Tensor | null }>): Tensor {
    checkTensor('EmbeddingBag', input);
    const a = args.length === 0 ? {} : bindArgs('EmbeddingBag.forward', args, ['offsets', 'perSampleWeights']);
    const offsets = a.offsets;
    const psw = a.perSampleWeights;
    if (offsets !== undefined && offsets !== null) checkTensor('EmbeddingBag', offsets, 'offsets');
    if (psw !== undefined && psw !== null) checkTensor('EmbeddingBag', psw, 'per_sample_weights');
    return embeddingBagImpl(
      input, this.weight, (offsets ?? null) as Tensor | null, this.maxNorm, this.normType, this.scaleGradByFreq, this.mode, this.sparse,
      (psw ?? null) as Tensor | null, this.includeLastOffset, this.paddingIdx,
    );
  }
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += `, scale_grad_by_freq=${pyBool(this.scaleGradByFreq)}`;
    s += `, mode=${pyRepr(this.mode)}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }

  /** EmbeddingBag.from_pretrained(embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, include_last_offset=False, padding_idx=None) */
  static fromPretrained(embeddings: Tensor, ...args: Call<[boolean, number | null, number, boolean, EmbeddingBagMode, boolean, boolean, number | null], { freeze?: boolean; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; mode?: EmbeddingBagMode; sparse?: boolean; includeLastOffset?: boolean; paddingIdx?: number | null }>): EmbeddingBag {
    checkTensor('EmbeddingBag.fromPretrained', embeddings, 'embeddings');
    if (embeddings.dim() !== 2) throw new RangeError('EmbeddingBag.fromPretrained: Embeddings parameter is expected to be 2-dimensional');
    const a = bindArgs('EmbeddingBag.fromPretrained', args, ['freeze', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'includeLastOffset', 'paddingIdx']);
    const { freeze, ...rest } = a;
    const [rows, cols] = embeddings.shape as [number, number];
    const bag = new this(rows, cols, { ...rest, _weight: embeddings } as EmbeddingBagOptions);
    bag.weight.requiresGrad_(!boolArg('EmbeddingBag.fromPretrained', 'freeze', freeze, true));
    return bag;
  }
}

declareForward([Embedding], ['input']);
declareForward([EmbeddingBag], ['input'], ['offsets', 'perSampleWeights']);
