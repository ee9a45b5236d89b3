// torch.nn.LinearCrossEntropyOptions and the chunked path of F.linear_cross_entropy (new in PyTorch 2.13:
// torch/nn/modules/linear_cross_entropy_options.py and linear_cross_entropy.py), ported op for op.
//
// The chunked path never materialises the (num_batches, num_classes) logits: it runs over the batch in
// chunks of batch_chunk_size rows through one (batch_chunk_size, num_classes) buffer that every chunk
// reuses in place (matmul out=, in-place exp/mul, ...). For the scalar reductions ('mean', 'sum') the
// forward computes the loss and the gradients of input, linear_weight and linear_bias in the same pass
// and stashes them; backward only scales them by the upstream gradient (in place, so a second backward
// raises, unless allowRetainGraph). For reduction='none' the forward computes the per-sample loss only
// and backward recomputes the chunks with the upstream gradient folded into the per-row weights.
// Python registers these as torch.library custom ops; here they are torch.autograd.Functions. Each
// chunk's temporaries are disposed when the chunk ends (a tidy scope), so memory stays bounded.
//
// Not ported: the custom ops' fake-tensor and vmap rules and the torch.compile promotion of
// allow_retain_graph (torchnode's torch.compiler.isCompiling() is always false: nothing is traced by
// Dynamo). The CUDA/MPS dispatch flags are kept as Python computes them; this build runs them on CPU.
import { isGradEnabled } from '../../autograd.js';
import { empty, zeros } from '../../creation.js';
import type { Device } from '../../device.js';
import { bfloat16, DType, float16, float32, float64, int64, toDType } from '../../dtype.js';
import { bindArgs } from '../../functional/args.js';
import { Function, type FunctionCtx } from '../../function.js';
import * as ops from '../../generated/functions.js';
import { native } from '../../native.js';
import { describe } from '../../options.js';
import { tidy } from '../../scope.js';
import type { Tensor } from '../../tensor.js';
import { pyStrRepr } from './_format.js';

export type LinearCrossEntropyAccPolicy = 'accurate' | 'balanced' | 'compact' | 'auto';

/** The fields of nn.LinearCrossEntropyOptions (Python's dataclass fields, camelCased). */
export interface LinearCrossEntropyOptionsInit {
  allowRetainGraph?: boolean;
  batchChunkSize?: number | null;
  chunkingMethod?: string | null;
  accPolicy?: LinearCrossEntropyAccPolicy;
  accDtype?: DType | string | null;
}

interface AutoDefault {
  accPolicy: Exclude<LinearCrossEntropyAccPolicy, 'auto'>;
  chunkingMethod: string;
}

/**
 * Python's _AUTO_DEFAULTS: the "auto" picks of accPolicy / chunkingMethod per (device type, input dtype);
 * pairs not listed (float32 and float64 inputs everywhere) get _AUTO_FALLBACK.
 */
export const _AUTO_DEFAULTS: ReadonlyMap<string, AutoDefault> = new Map([
  ['cuda:bfloat16', { accPolicy: 'compact', chunkingMethod: 'aspect_ratio:2' }],
  ['cuda:float16', { accPolicy: 'compact', chunkingMethod: 'aspect_ratio:2' }],
  ['cpu:bfloat16', { accPolicy: 'accurate', chunkingMethod: 'aspect_ratio' }],
  ['cpu:float16', { accPolicy: 'accurate', chunkingMethod: 'aspect_ratio' }],
]);
export const _AUTO_FALLBACK: AutoDefault = Object.freeze({ accPolicy: 'compact', chunkingMethod: 'aspect_ratio:2' });

const ACC_POLICIES: ReadonlySet<string> = new Set(['auto', 'accurate', 'balanced', 'compact']);
const SUPPORTED_ACC_DTYPES: ReadonlySet<DType> = new Set([float16, bfloat16, float32, float64]);
const FIELDS = ['allowRetainGraph', 'batchChunkSize', 'chunkingMethod', 'accPolicy', 'accDtype'] as const;
const CLS = 'LinearCrossEntropyOptions';

/** Python's repr of a value given where Python expects an int or a str. */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return pyStrRepr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf';
  return String(v);
}
/** Python's int.bit_length(). */
function bitLength(n: number): number {
  let v = Math.abs(n);
  let bits = 0;
  while (v >= 1) {
    v = Math.floor(v / 2);
    bits++;
  }
  return bits;
}
/** Python's str.isdigit() for the ASCII digits. */
const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);

/**
 * nn.LinearCrossEntropyOptions(allow_retain_graph=False, batch_chunk_size=None, chunking_method='auto',
 * acc_policy='auto', acc_dtype=None) (new in 2.13): opts F.linearCrossEntropy / nn.LinearCrossEntropyLoss
 * into the chunked path, which processes the batch in pieces so the full (num_batches, num_classes)
 * logits are never materialised. Frozen, as Python's dataclass; "auto" and null resolve per call.
 *
 * - `allowRetainGraph`: keep the precomputed gradients of 'mean'/'sum' so that a second backward works
 *   (one gradient-sized allocation per call); by default backward consumes them and a second one throws.
 * - `batchChunkSize`: rows per chunk (null: one chunk, unless chunkingMethod picks).
 * - `chunkingMethod`: 'auto', 'aspect_ratio', 'aspect_ratio:N' (N >= 1) or null (use batchChunkSize).
 * - `accPolicy`: 'auto', 'accurate', 'balanced' or 'compact' (which intermediates use accDtype).
 * - `accDtype`: accumulation dtype; float32 with float16/bfloat16 inputs, else the input dtype (null: auto).
 */
export class LinearCrossEntropyOptions {
  readonly allowRetainGraph: boolean;
  readonly batchChunkSize: number | null;
  readonly chunkingMethod: string | null;
  readonly accPolicy: LinearCrossEntropyAccPolicy;
  readonly accDtype: DType | null;

  constructor(options?: LinearCrossEntropyOptionsInit);
  constructor(allowRetainGraph?: boolean, batchChunkSize?: number | null, chunkingMethod?: string | null, accPolicy?: LinearCrossEntropyAccPolicy, accDtype?: DType | string | null, options?: LinearCrossEntropyOptionsInit);
  /** Any prefix of the positional arguments, then the options object with the rest. */
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = bindArgs(CLS, args, FIELDS);
    const allowRetainGraph = a.allowRetainGraph ?? false;
    if (typeof allowRetainGraph !== 'boolean') throw new TypeError(`${CLS}: allowRetainGraph must be a boolean, got ${describe(allowRetainGraph)}`);
    const batchChunkSize = a.batchChunkSize ?? null;
    const chunkingMethod = a.chunkingMethod === undefined ? 'auto' : a.chunkingMethod;
    const accPolicy = a.accPolicy === undefined ? 'auto' : a.accPolicy;
    const accDtypeArg = a.accDtype ?? null;
    // __post_init__'s checks, in its order
    if (typeof accPolicy !== 'string' || !ACC_POLICIES.has(accPolicy)) throw new RangeError(`${CLS}: invalid acc_policy: ${pyRepr(accPolicy)}`);
    if (chunkingMethod !== null && chunkingMethod !== 'auto') {
      if (typeof chunkingMethod !== 'string') throw new TypeError(`${CLS}: chunkingMethod must be a string or null, got ${describe(chunkingMethod)}`);
      const at = chunkingMethod.indexOf(':');
      const name = at < 0 ? chunkingMethod : chunkingMethod.slice(0, at);
      const factor = at < 0 ? '1' : chunkingMethod.slice(at + 1);
      if (!(name === 'aspect_ratio' && isDigits(factor) && Number.parseInt(factor, 10) > 0)) throw new RangeError(`${CLS}: invalid chunking_method: ${pyRepr(chunkingMethod)}`);
    }
    if (!(batchChunkSize === null || (typeof batchChunkSize === 'number' && Number.isInteger(batchChunkSize) && batchChunkSize > 0)))
      throw new RangeError(`${CLS}: batch_chunk_size must be positive int or None, got ${pyRepr(batchChunkSize)}`);
    const accDtype = accDtypeArg === null ? null : toDType(accDtypeArg, CLS);
    if (accDtype !== null && !SUPPORTED_ACC_DTYPES.has(accDtype))
      throw new RangeError(
        `${CLS}: acc_dtype must be one of {None, torch.float16, torch.bfloat16, torch.float32, torch.float64}, got ${String(accDtype)}. ` +
          'Pass acc_dtype=None to let the op pick automatically.',
      );
    this.allowRetainGraph = allowRetainGraph;
    this.batchChunkSize = batchChunkSize as number | null;
    this.chunkingMethod = chunkingMethod as string | null;
    this.accPolicy = accPolicy as LinearCrossEntropyAccPolicy;
    this.accDtype = accDtype;
    Object.freeze(this);
  }

  /** dataclasses.replace(self, **changes): a new instance (validated again). */
  _replace(changes: LinearCrossEntropyOptionsInit): LinearCrossEntropyOptions {
    const o: LinearCrossEntropyOptionsInit = {};
    for (const k of FIELDS) (o as Record<string, unknown>)[k] = k in changes ? (changes as Record<string, unknown>)[k] : this[k];
    return new LinearCrossEntropyOptions(o);
  }

  /** ceil(a / b) for non-negative integers. */
  static _ceilDiv(a: number, b: number): number {
    if (b === 0) throw new RangeError('integer division or modulo by zero'); // Python's ZeroDivisionError
    return -Math.floor(-a / b);
  }

  /** float32 for float16/bfloat16 input on hardware with mixed-precision mm (CPU; CUDA), else null (the input dtype). */
  static _resolveAutoAccDtype(dtype: DType, device: Device | null): DType | null {
    if (device === null || (dtype !== float16 && dtype !== bfloat16)) return null;
    if (device.type === 'cuda') {
      if (!native.cudaIsAvailable()) return null;
      // Python also asks for SM >= 7.0 (float16) / 8.0 (bfloat16); torchnode has no capability query
      // (and this build no CUDA), so an available device counts as recent enough.
      return float32;
    }
    if (device.type === 'cpu') return float32;
    return null;
  }

  /** batch_chunk_size from chunkingMethod (or the resolved `method`) for these shapes. */
  _computeBatchChunkSize(numBatches: number, inFeatures: number, numClasses: number, method: string | null = null): number {
    const m = String(method ?? this.chunkingMethod);
    if (m.startsWith('aspect_ratio')) {
      const factor = m.includes(':') ? Number.parseInt(m.slice(m.indexOf(':') + 1), 10) : 1;
      const incFactor = LinearCrossEntropyOptions._ceilDiv(numClasses, inFeatures);
      const target = LinearCrossEntropyOptions._ceilDiv(numBatches, incFactor);
      const chunkSize = 2 ** bitLength(target - 1); // the next power of 2 >= target
      return Math.min(Math.floor(chunkSize / factor), numBatches);
    }
    throw new Error(`unhandled chunking_method: ${pyRepr(m)}`); // validated by the constructor: unreachable
  }

  /**
   * Python's _adjust: resolves "auto" and null against one call (shapes, input dtype, device; device
   * null takes _AUTO_FALLBACK) and returns a fully concrete instance.
   */
  _adjust(numBatches: number, inFeatures: number, numClasses: number, dtype: DType, device: Device | null = null): LinearCrossEntropyOptions {
    let accPolicy = this.accPolicy;
    let chunkingMethod = this.chunkingMethod;
    // an explicit batchChunkSize disables auto chunking (accPolicy 'auto' still resolves)
    if (chunkingMethod === 'auto' && this.batchChunkSize !== null) chunkingMethod = null;
    if (accPolicy === 'auto' || chunkingMethod === 'auto') {
      const pick = device !== null ? _AUTO_DEFAULTS.get(`${device.type}:${dtype.name}`) ?? _AUTO_FALLBACK : _AUTO_FALLBACK;
      if (accPolicy === 'auto') accPolicy = pick.accPolicy;
      if (chunkingMethod === 'auto') chunkingMethod = pick.chunkingMethod;
    }
    let batchChunkSize = this.batchChunkSize === null ? numBatches : Math.min(this.batchChunkSize, numBatches);
    if (chunkingMethod !== null) {
      batchChunkSize = this._computeBatchChunkSize(numBatches, inFeatures, numClasses, chunkingMethod);
      if (this.batchChunkSize !== null && this.batchChunkSize !== batchChunkSize)
        throw new RangeError(
          `linear_cross_entropy: batch_chunk_size (=${this.batchChunkSize}) and chunking_method ('${chunkingMethod}') give different ` +
            `chunk sizes (${this.batchChunkSize} vs ${batchChunkSize}); pass only one.`,
        );
    }
    let accDtype: DType;
    if (this.accDtype === null) {
      // under "auto", float32 where the hardware has mixed-precision mm; else the input dtype
      const autoAcc = this.accPolicy === 'auto' ? LinearCrossEntropyOptions._resolveAutoAccDtype(dtype, device) : null;
      accDtype = autoAcc ?? dtype;
    } else {
      accDtype = this.accDtype;
    }
    return this._replace({ accPolicy, chunkingMethod, batchChunkSize: Math.max(1, batchChunkSize), accDtype });
  }

  /** Python's dataclass repr. */
  toString(): string {
    return (
      `LinearCrossEntropyOptions(allow_retain_graph=${this.allowRetainGraph ? 'True' : 'False'}, batch_chunk_size=${pyRepr(this.batchChunkSize)}, ` +
      `chunking_method=${pyRepr(this.chunkingMethod)}, acc_policy=${pyRepr(this.accPolicy)}, acc_dtype=${this.accDtype === null ? 'None' : String(this.accDtype)})`
    );
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// ---------------------------------------------------------------------------------------------
// The chunked loop (Python's _ChunkContext / _ChunkViews / _linear_cross_entropy_batch_chunked_accumulator)

type Reduction = 'mean' | 'sum' | 'none';

/** A tensor of `shape`, or a rank-matching empty one (all sizes 0) when `when` is false. */
function makeEmpty(shape: readonly number[], dtype: DType, device: Device, when = true): Tensor {
  return empty(when ? [...shape] : shape.map(() => 0), { dtype, device });
}
function makeZeros(shape: readonly number[], dtype: DType, device: Device, when = true): Tensor {
  return zeros(when ? [...shape] : shape.map(() => 0), { dtype, device });
}

/** The tensors of one chunk: views into the call's inputs and buffers, picked by the context's dispatch flags. */
class ChunkViews {
  #gradInputChunk: Tensor | undefined;
  #logitsDowncast: Tensor | undefined;
  constructor(
    readonly ctx: ChunkContext,
    readonly bchunkStart: number,
    readonly bchunkSize: number,
    readonly inputChunk: Tensor,
    readonly targetChunk: Tensor,
    readonly weightChunk: Tensor,
    readonly logits: Tensor,
    readonly inputChunkAcc: Tensor,
  ) {}
  get input(): Tensor {
    return this.ctx.forwardUsesAccInput ? this.inputChunkAcc : this.inputChunk;
  }
  get linearWeight(): Tensor {
    return this.ctx.forwardUsesCudaOutDtype ? this.ctx.linearWeight : this.ctx.linearWeightCast;
  }
  get inputGradLogits(): Tensor {
    return this.ctx.inputGradUsesLogitsLw ? this.logitsDowncast : this.logits;
  }
  get inputGradLinearWeight(): Tensor {
    return this.ctx.inputGradUsesLogitsLw ? this.ctx.linearWeight : this.ctx.linearWeightCast;
  }
  get weightGradInput(): Tensor {
    return this.ctx.isCuda && !this.ctx.weightGradMmSameDtype ? this.inputChunk : this.inputChunkAcc;
  }
  /** Non-CUDA mixed dtypes: the logits copied into the accDtype scratch, for a same-dtype mm. */
  get logitsUpcast(): Tensor {
    const ctx = this.ctx;
    if (ctx.isCuda || ctx.weightGradMmSameDtype) return this.logits;
    return ctx.logitsAccBuf.narrow(0, 0, this.bchunkSize).copy_(this.logits);
  }
  get gradInputChunk(): Tensor {
    // the buffer-and-copy commit into gradInput runs after the chunk (ChunkContext.forEachChunk)
    this.#gradInputChunk ??= this.ctx.allocInputGradAccBuf
      ? this.ctx.inputGradAccBuf.narrow(0, 0, this.bchunkSize)
      : this.ctx.gradInput.narrow(0, this.bchunkStart, this.bchunkSize);
    return this.#gradInputChunk;
  }
  get biasGradAcc(): Tensor {
    return this.ctx.allocLinearBiasGradChunk ? this.ctx.linearBiasGradChunk : this.ctx.gradLinearBias;
  }
  /** Lazy: its first read must come after the in-place changes to the logits. */
  get logitsDowncast(): Tensor {
    this.#logitsDowncast ??= this.ctx.loopCachesLogitsDowncast ? this.logits.to(this.ctx.linearWeight.dtype) : this.logits;
    return this.#logitsDowncast;
  }
}

/** Per-call state of the chunked loop: dtypes, dispatch flags and buffers, built once by ChunkContext.build. */
class ChunkContext {
  readonly device: Device;
  readonly isMps: boolean;
  // flags and dtypes computed by build
  declare readonly dtype: DType;
  declare readonly numBatches: number;
  declare readonly inFeatures: number;
  declare readonly numClasses: number;
  declare readonly isCuda: boolean;
  declare readonly useAccDtype: boolean;
  declare readonly accDtype: DType;
  declare readonly weightChunkDtype: DType;
  declare readonly gradInputDtype: DType;
  declare readonly linearWeightCastDtype: DType;
  declare readonly input: Tensor;
  declare readonly target: Tensor;
  declare readonly weight: Tensor | null;
  declare readonly ignoreIndex: number;
  declare readonly reduction: Reduction;
  declare readonly linearWeight: Tensor;
  declare readonly linearBias: Tensor | null;
  declare readonly lossGradOutput: Tensor | null;
  declare readonly logitsBuf: Tensor;
  declare readonly tmp: Tensor;
  declare readonly output: Tensor;
  declare readonly computeInputGrad: boolean;
  declare readonly computeLinearWeightGrad: boolean;
  declare readonly computeLinearBiasGrad: boolean;
  declare readonly allocWeightGradChunk: boolean;
  declare readonly allocLinearBiasGradChunk: boolean;
  declare readonly allocInputGradAccBuf: boolean;
  declare readonly allocInputChunkAccBuf: boolean;
  declare readonly allocLogitsAccBuf: boolean;
  declare readonly forwardUsesAccInput: boolean;
  declare readonly forwardUsesCudaOutDtype: boolean;
  declare readonly weightGradMmSameDtype: boolean;
  declare readonly inputGradUsesLogitsLw: boolean;
  declare readonly loopCachesLogitsDowncast: boolean;
  declare readonly weightGradUsesLogitsBufTemp: boolean;

  // Python's cached_properties
  readonly #cache = new Map<string, Tensor | null>();
  #cached(key: string, make: () => Tensor | null): Tensor | null {
    if (!this.#cache.has(key)) this.#cache.set(key, make());
    return this.#cache.get(key)!;
  }

  private constructor(fields: Partial<ChunkContext>) {
    Object.assign(this, fields);
    this.device = this.input.device;
    this.isMps = this.device.type === 'mps';
  }

  get mask(): Tensor {
    return this.#cached('mask', () => this.target.eq(this.ignoreIndex))!;
  }
  /** The targets with an out-of-range ignoreIndex replaced by 0, so index_select / index_add_ stay in bounds. */
  get correctedTarget(): Tensor {
    return this.#cached('correctedTarget', () =>
      this.ignoreIndex < 0 || this.ignoreIndex >= this.numClasses ? ops.where(this.mask, 0, this.target) : this.target,
    )!;
  }
  /**
   * Per row: -(weight[target] or 1) / d where not ignored, 0 where ignored; d is the sum of the unignored
   * weights for 'mean', 1 for 'sum'. 'none': +weight[target] in forward; in backward the upstream
   * gradient folded in, negated.
   */
  get negWeightTarget(): Tensor {
    return this.#cached('negWeightTarget', () => {
      const mask = this.mask;
      const target = this.correctedTarget;
      const weight = this.weight;
      const wcd = this.weightChunkDtype;
      let nwt: Tensor;
      if (weight === null) nwt = mask.logicalNot().to(wcd);
      else if (target.numel() > weight.numel()) nwt = ops.where(mask, 0, weight.to(wcd).indexSelect(0, target));
      else nwt = ops.where(mask, 0, weight.indexSelect(0, target).to(wcd));
      if (this.reduction === 'mean') {
        const d = nwt.sum();
        nwt.div_(ops.where(d.eq(0), Number.NaN, d.neg()));
      } else if (this.reduction === 'sum') {
        nwt.neg_();
      } else if (this.lossGradOutput !== null) {
        // 'none' backward only; the forward keeps the unsigned weight, the per-row loss weight
        nwt.neg_().mul_(this.lossGradOutput.to(nwt.dtype));
      }
      return nwt;
    })!;
  }
  get linearWeightCast(): Tensor {
    return this.#cached('linearWeightCast', () =>
      this.linearWeightCastDtype !== this.dtype ? this.linearWeight.to(this.linearWeightCastDtype) : this.linearWeight,
    )!;
  }
  /** The bias in the logits buffer's dtype (it is added to each chunk's logits); null without bias. */
  get linearBiasCast(): Tensor | null {
    return this.#cached('linearBiasCast', () => {
      if (this.linearBias === null) return null;
      return this.linearBias.dtype !== this.logitsBuf.dtype ? this.linearBias.to(this.logitsBuf.dtype) : this.linearBias;
    });
  }
  /** (C, F) accDtype accumulator of the per-chunk weight gradient; empty on the direct (compact) path. */
  get weightGradChunk(): Tensor {
    return this.#cached('weightGradChunk', () => makeEmpty([this.numClasses, this.inFeatures], this.accDtype, this.device, this.allocWeightGradChunk))!;
  }
  /** (B, C) scratch for the non-CUDA mixed-dtype logitsUpcast. */
  get logitsAccBuf(): Tensor {
    return this.#cached('logitsAccBuf', () => makeEmpty([this.logitsBuf.shape[0]!, this.numClasses], this.accDtype, this.device, this.allocLogitsAccBuf))!;
  }
  /** (B, F) scratch for the input-gradient addmm on the buffer-and-copy path (CPU mixed dtypes, MPS). */
  get inputGradAccBuf(): Tensor {
    return this.#cached('inputGradAccBuf', () =>
      makeEmpty([this.logitsBuf.shape[0]!, this.inFeatures], this.linearWeightCastDtype, this.device, this.allocInputGradAccBuf),
    )!;
  }
  get inputChunkAccBuf(): Tensor {
    return this.#cached('inputChunkAccBuf', () => makeEmpty([this.logitsBuf.shape[0]!, this.inFeatures], this.accDtype, this.device, this.allocInputChunkAccBuf))!;
  }
  get gradInput(): Tensor {
    return this.#cached('gradInput', () => makeEmpty(this.input.shape, this.gradInputDtype, this.device, this.computeInputGrad))!;
  }
  get gradLinearWeight(): Tensor {
    return this.#cached('gradLinearWeight', () => makeZeros(this.linearWeight.shape, this.dtype, this.device, this.computeLinearWeightGrad))!;
  }
  get gradLinearBias(): Tensor {
    return this.#cached('gradLinearBias', () => makeZeros(this.linearWeight.shape.slice(0, -1), this.dtype, this.device, this.computeLinearBiasGrad))!;
  }
  /** accDtype scratch of the bias gradient per chunk, committed into gradLinearBias after each chunk. */
  get linearBiasGradChunk(): Tensor {
    return this.#cached('linearBiasGradChunk', () =>
      makeZeros(this.linearWeight.shape.slice(0, -1), this.accDtype, this.device, this.allocLinearBiasGradChunk),
    )!;
  }

  static build(
    input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, reduction: string,
    ignoreIndex: number, labelSmoothing: number, batchChunkSize: number, accPolicy: string, accDtype: DType,
    computeInputGrad: boolean, computeLinearWeightGrad: boolean, computeLinearBiasGrad: boolean, lossGradOutput: Tensor | null = null,
  ): ChunkContext {
    const fn = 'linear_cross_entropy';
    if (target.dtype !== int64) throw new TypeError(`${fn}: target dtype must be torch.int64, got ${String(target.dtype)}.`);
    if (labelSmoothing > 0.0) throw new Error(`${fn} does not support label smoothing`);
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') throw new Error(`${fn} does not support reduction=${pyRepr(reduction)}`);
    const lwShape = linearWeight.shape;
    if (linearBias !== null && !(linearBias.dim() === lwShape.length - 1 && linearBias.shape.every((d, i) => d === lwShape[i])))
      throw new Error(`${fn}: expected linear_bias shape ${pyTupleOf(lwShape.slice(0, -1))}, got ${pyTupleOf(linearBias.shape)}.`);

    const device = input.device;
    const dtype = input.dtype;
    const [numBatches, inFeatures] = input.shape as [number, number];
    const numClasses = lwShape[0]!;
    // CUDA gates the out_dtype= mm fast path; elsewhere mixed-dtype mm goes through explicit casts
    const isCuda = device.type === 'cuda';
    const isMps = device.type === 'mps';

    if (dtype !== accDtype && !((dtype === float16 || dtype === bfloat16) && accDtype === float32))
      throw new Error(`${fn} supports float32 acc_dtype with float16/bfloat16 inputs, but got ${String(accDtype)} acc_dtype and ${String(dtype)} inputs.`);
    const useAccDtype = dtype !== accDtype;

    // internal dtypes; 'compact' shares 'balanced''s layout (it saves by skipping the weight-grad scratch)
    const isMemoryLike = accPolicy === 'balanced' || accPolicy === 'compact';
    let outputDtype: DType, gradInputDtype: DType, logitsBufDtype: DType, weightChunkDtype: DType;
    if (useAccDtype) {
      outputDtype = dtype === float16 ? accDtype : dtype;
      gradInputDtype = isMemoryLike ? dtype : accDtype;
      // float16 + memory-like keeps the logits in float16; everything else upcasts for softmax stability
      logitsBufDtype = dtype === float16 && isMemoryLike ? dtype : accDtype;
      weightChunkDtype = accDtype; // 1/N of 'mean' is subnormal in float16 from N = 65536
    } else {
      outputDtype = gradInputDtype = logitsBufDtype = weightChunkDtype = dtype;
    }

    // dispatch flags
    const needsLinearWeightCast = useAccDtype && (!isCuda || (computeInputGrad && gradInputDtype === logitsBufDtype));
    const linearWeightCastDtype = needsLinearWeightCast ? logitsBufDtype : dtype;
    const allocWeightGradChunk = computeLinearWeightGrad && !(accPolicy === 'compact' && (isCuda || logitsBufDtype === dtype));
    const allocLinearBiasGradChunk = computeLinearBiasGrad && useAccDtype;
    const allocInputGradAccBuf = computeInputGrad && !isCuda && (gradInputDtype !== linearWeightCastDtype || isMps);
    const allocInputChunkAccBuf = useAccDtype && (computeLinearWeightGrad || (!isCuda && dtype !== logitsBufDtype));
    const forwardUsesAccInput = useAccDtype && !isCuda && dtype !== logitsBufDtype;
    const forwardUsesCudaOutDtype = isCuda && useAccDtype;
    const weightGradMmSameDtype = logitsBufDtype === accDtype;
    const inputGradUsesLogitsLw = isCuda && computeInputGrad && logitsBufDtype !== gradInputDtype;
    const loopCachesLogitsDowncast = inputGradUsesLogitsLw || (computeLinearWeightGrad && !allocWeightGradChunk && logitsBufDtype !== dtype);
    const allocLogitsAccBuf = allocWeightGradChunk && !isCuda && logitsBufDtype !== accDtype;
    // direct weight-grad path: reuse the logits buffer for the accDtype -> dtype cast when a row fits
    const weightGradUsesLogitsBufTemp = !allocWeightGradChunk && useAccDtype && numClasses * logitsBufDtype.itemsize >= inFeatures * dtype.itemsize;

    return new ChunkContext({
      dtype, numBatches, inFeatures, numClasses, isCuda, useAccDtype, accDtype, weightChunkDtype, gradInputDtype, linearWeightCastDtype,
      input, target, weight, ignoreIndex, reduction, linearWeight, linearBias, lossGradOutput,
      logitsBuf: empty([batchChunkSize, numClasses], { dtype: logitsBufDtype, device }),
      tmp: empty([batchChunkSize], { dtype: logitsBufDtype, device }),
      output: makeZeros([], outputDtype, device),
      computeInputGrad, computeLinearWeightGrad, computeLinearBiasGrad, allocWeightGradChunk, allocLinearBiasGradChunk, allocInputGradAccBuf,
      allocInputChunkAccBuf, allocLogitsAccBuf, forwardUsesAccInput, forwardUsesCudaOutDtype, weightGradMmSameDtype, inputGradUsesLogitsLw,
      loopCachesLogitsDowncast, weightGradUsesLogitsBufTemp,
    } as Partial<ChunkContext>);
  }

  /**
   * Creates now, outside the per-chunk scopes, every call-level tensor the loop will read (Python creates
   * them lazily, at first use: the same tensors, as the unneeded ones are empty).
   */
  prime(lossOnly: boolean): void {
    void this.correctedTarget;
    void this.negWeightTarget;
    void this.linearBiasCast;
    if (!(lossOnly && this.forwardUsesCudaOutDtype)) void this.linearWeightCast;
    void this.gradInput;
    void this.gradLinearWeight;
    void this.gradLinearBias;
    if (!lossOnly) void this.weightGradChunk;
    if (this.allocLogitsAccBuf) void this.logitsAccBuf;
    if (this.allocInputGradAccBuf) void this.inputGradAccBuf;
    if (this.allocInputChunkAccBuf) void this.inputChunkAccBuf;
    if (this.allocLinearBiasGradChunk) void this.linearBiasGradChunk;
  }

  /**
   * Runs body on each chunk in a scope that disposes the chunk's temporaries, then the commits the body
   * deferred: the buffered input-gradient rows into gradInput, the accDtype bias gradient into gradLinearBias.
   */
  forEachChunk(body: (chunk: ChunkViews) => void): void {
    const batchChunkSize = this.logitsBuf.shape[0]!;
    for (let start = 0; start < this.numBatches; start += batchChunkSize) {
      const size = Math.min(batchChunkSize, this.numBatches - start);
      tidy(() => {
        const chunk = this.bindChunk(start, size);
        body(chunk);
        if (this.allocInputGradAccBuf) this.gradInput.narrow(0, start, size).copy_(chunk.gradInputChunk);
        if (this.allocLinearBiasGradChunk) {
          this.gradLinearBias.add_(chunk.biasGradAcc.to(this.gradLinearBias.dtype));
          chunk.biasGradAcc.zero_();
        }
      });
    }
  }

  bindChunk(start: number, size: number): ChunkViews {
    const inputChunk = this.input.narrow(0, start, size);
    const targetChunk = this.correctedTarget.narrow(0, start, size);
    const weightChunk = this.negWeightTarget.narrow(0, start, size);
    const logits = this.logitsBuf.narrow(0, 0, size);
    const inputChunkAcc = this.allocInputChunkAccBuf ? this.inputChunkAccBuf.narrow(0, 0, size).copy_(inputChunk) : inputChunk;
    return new ChunkViews(this, start, size, inputChunk, targetChunk, weightChunk, logits, inputChunkAcc);
  }

  // The math ops with dtype / device / buffer dispatch, as Python's _ChunkContext methods.
  mm(mat1: Tensor, mat2: Tensor, out: Tensor): void {
    if (mat1.dtype === out.dtype) ops.mm(mat1, mat2, { out });
    else ops.mm(mat1, mat2, { outDtype: out.dtype, out } as { out: Tensor });
  }
  amax(x: Tensor): Tensor {
    const out = this.tmp.narrow(0, 0, x.shape[0]!).unsqueeze(1);
    ops.amax(x, 1, true, { out });
    return out;
  }
  dotgather(weight: Tensor, x: Tensor, indices: Tensor): Tensor {
    return weight.dot(x.gather(1, indices.unsqueeze(1)).squeeze(1).to(weight.dtype));
  }
  /** In place exp, then the sum in accDtype (a float16 denominator can underflow). */
  sumexp_(x: Tensor, dim: number): Tensor {
    return x.exp_().sum(dim, { dtype: this.accDtype });
  }
  sum(x: Tensor, dim: number): Tensor {
    return x.sum(dim, { dtype: this.useAccDtype ? this.accDtype : this.dtype });
  }
  div(num: Tensor, den: Tensor): Tensor {
    const factor = this.tmp.narrow(0, 0, num.shape[0]!);
    if (this.isMps && (num.dtype !== factor.dtype || den.dtype !== factor.dtype)) factor.copy_(num.div(den));
    else ops.div(num, den, { out: factor });
    return factor;
  }
  mul(x: Tensor, w: Tensor): Tensor {
    if (this.useAccDtype) return x.mul_(w.unsqueeze(1));
    if (this.numClasses >= this.inFeatures) {
      const out = this.logitsBuf.narrow(0, 0, x.shape[0]!).narrow(1, 0, this.inFeatures);
      ops.mul(x, w.unsqueeze(1), { out });
      return out;
    }
    return x.mul(w.unsqueeze(1));
  }
  /** x in dtype, through the logits buffer's storage when a row fits. */
  to(x: Tensor, dtype: DType): Tensor {
    if (x.dtype === dtype) return x;
    if (this.weightGradUsesLogitsBufTemp) return this.logitsBuf.view(dtype).narrow(0, 0, x.shape[0]!).narrow(1, 0, x.shape[1]!).copy_(x);
    return x.to(dtype);
  }
}

const pyTupleOf = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/**
 * The chunked loop of all three entry points; returns [loss, gradInput, gradLinearWeight, gradLinearBias].
 * Scalar reductions: the loss and every requested gradient in one pass. reduction 'none' without
 * lossGradOutput: the per-sample loss only. 'none' with lossGradOutput (its backward): the gradients
 * of sum(loss * lossGradOutput), the loss then meaningless.
 */
export function _linearCrossEntropyBatchChunkedAccumulator(
  input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, reduction: string, ignoreIndex: number,
  labelSmoothing: number, batchChunkSize: number, accPolicy: string, accDtype: DType | null, computeInputGrad: boolean,
  computeLinearWeightGrad: boolean, computeLinearBiasGrad: boolean, lossGradOutput: Tensor | null = null,
): [Tensor, Tensor, Tensor, Tensor] {
  if (accPolicy === 'auto' || accDtype === null)
    throw new Error(`unresolved acc_policy=${pyRepr(accPolicy)} or acc_dtype=${accDtype === null ? 'None' : String(accDtype)}; use F.linear_cross_entropy.`);
  const ctx = ChunkContext.build(
    input, linearWeight, target, linearBias, weight, reduction, ignoreIndex, labelSmoothing, batchChunkSize, accPolicy, accDtype,
    computeInputGrad, computeLinearWeightGrad, computeLinearBiasGrad, lossGradOutput,
  );
  const dtype = ctx.dtype;
  if (reduction === 'none' && lossGradOutput === null) {
    // the per-sample loss weight[target] * (log(sum exp(shifted)) - shifted[target]); no gradients
    ctx.prime(true);
    const linearBiasCast = ctx.linearBiasCast;
    const out = empty([ctx.numBatches], { dtype, device: ctx.device });
    ctx.forEachChunk((chunk) => {
      const logits = chunk.logits;
      ctx.mm(chunk.input, chunk.linearWeight.t(), logits);
      if (linearBiasCast !== null) logits.add_(linearBiasCast);
      logits.sub_(ctx.amax(logits));
      // the target logit before sumexp_, whose exp_ overwrites the logits
      const lsTarget = logits.gather(1, chunk.targetChunk.unsqueeze(1)).squeeze(1);
      const softmaxDenom = ctx.sumexp_(logits, 1);
      const lossChunk = softmaxDenom.log_().sub_(lsTarget.to(softmaxDenom.dtype));
      lossChunk.mul_(chunk.weightChunk.to(softmaxDenom.dtype));
      out.narrow(0, chunk.bchunkStart, chunk.bchunkSize).copy_(lossChunk);
    });
    return [out, ctx.gradInput.to(dtype), ctx.gradLinearWeight, ctx.gradLinearBias];
  }
  ctx.prime(false);
  const output = ctx.output;
  const gradInput = ctx.gradInput;
  const gradLinearWeight = ctx.gradLinearWeight;
  const weightGradChunk = ctx.weightGradChunk;
  const linearWeightCast = ctx.linearWeightCast;
  const linearBiasCast = ctx.linearBiasCast;
  if (reduction === 'mean' && ctx.numBatches === 0) output.fill_(Number.NaN);
  const computeGrads = computeInputGrad || computeLinearWeightGrad || computeLinearBiasGrad;

  ctx.forEachChunk((chunk) => {
    const { logits, weightChunk, targetChunk } = chunk;
    ctx.mm(chunk.input, chunk.linearWeight.t(), logits);
    if (linearBiasCast !== null) logits.add_(linearBiasCast); // (V,) broadcast over the chunk's rows
    logits.sub_(ctx.amax(logits)); // softmax stability
    output.add_(ctx.dotgather(weightChunk, logits, targetChunk)); // output += <w, logits[:, target]>
    const softmaxDenom = ctx.sumexp_(logits, 1);
    // logits = softmax(logits) * w
    if (computeGrads) ops.mul(logits, ctx.div(weightChunk, softmaxDenom).unsqueeze(1), { out: logits });
    // output -= <w, log(denominator)>, w promoted to the accDtype denominator's dtype
    output.sub_(weightChunk.to(softmaxDenom.dtype).dot(softmaxDenom.log_()));
    if (!computeGrads) return;
    if (computeLinearBiasGrad) {
      // before the weight gradient, whose ctx.mul may write into the logits buffer:
      // dL/db_j = sum_n w_n * (softmax[n, j] - [target_n == j]), w carrying the sign and the 1/d of 'mean'
      const biasGradAcc = chunk.biasGradAcc;
      biasGradAcc.sub_(ctx.sum(logits, 0));
      biasGradAcc.indexAdd_(0, targetChunk, weightChunk);
    }
    if (computeInputGrad) {
      const gradInputChunk = chunk.gradInputChunk;
      // gradInputChunk = linearWeightCast[target] * w, then -= softmax*w @ linearWeight
      ops.mul(ops.indexSelect(linearWeightCast, 0, targetChunk), weightChunk.to(gradInputChunk.dtype).unsqueeze(1), { out: gradInputChunk });
      ops.addmm(gradInputChunk, chunk.inputGradLogits, chunk.inputGradLinearWeight, { alpha: -1, out: gradInputChunk });
    }
    if (computeLinearWeightGrad) {
      const inputChunkAcc = chunk.inputChunkAcc;
      // gradLinearWeight += -(softmax*w).T @ input + (input * w) scattered at the target rows
      if (ctx.allocWeightGradChunk) {
        // staged in the accDtype scratch; one sub_ commits bulk minus correction
        ctx.mm(chunk.logitsUpcast.t(), chunk.weightGradInput, weightGradChunk);
        const temp = ctx.mul(inputChunkAcc, weightChunk);
        weightGradChunk.indexAdd_(0, targetChunk, temp, { alpha: -1 });
        gradLinearWeight.sub_(weightGradChunk);
      } else {
        // the compact path: bulk and correction straight into gradLinearWeight, no (V, F) scratch
        gradLinearWeight.addmm_(chunk.logitsDowncast.t(), chunk.inputChunk, { alpha: -1 });
        const temp = ctx.to(ctx.mul(inputChunkAcc, weightChunk), gradLinearWeight.dtype);
        gradLinearWeight.indexAdd_(0, targetChunk, temp, { alpha: 1 });
      }
    }
  });
  return [output.to(dtype), gradInput.to(dtype), gradLinearWeight, ctx.gradLinearBias];
}

const BACKWARD_TWICE = 'linear_cross_entropy chunked backward called twice; retain_graph=True / double backward are not supported.';
const NUM_OP_INPUTS = 15;

/**
 * The scalar-reduction op (Python's torch_nn::_linear_cross_entropy_batch_chunked): forward computes the
 * loss and the gradients, backward scales them by the upstream gradient. Named so that its node is
 * Python's (GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_defaultBackward).
 */
class GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_default extends Function {
  static override forward(
    ctx: FunctionCtx, input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, reduction: string,
    ignoreIndex: number, labelSmoothing: number, batchChunkSize: number, accPolicy: string, accDtype: DType, allowRetainGraph: boolean,
    computeInputGrad: boolean, computeLinearWeightGrad: boolean, computeLinearBiasGrad: boolean,
  ): Tensor {
    const [loss, gradInput, gradLinearWeight, gradLinearBias] = _linearCrossEntropyBatchChunkedAccumulator(
      input, linearWeight, target, linearBias, weight, reduction, ignoreIndex, labelSmoothing, batchChunkSize, accPolicy, accDtype,
      computeInputGrad, computeLinearWeightGrad, computeLinearBiasGrad,
    );
    ctx.allowRetainGraph = allowRetainGraph;
    ctx.computeInputGrad = computeInputGrad;
    ctx.computeLinearWeightGrad = computeLinearWeightGrad;
    ctx.computeLinearBiasGrad = computeLinearBiasGrad;
    ctx.gi = computeInputGrad ? gradInput : null;
    ctx.gw = computeLinearWeightGrad ? gradLinearWeight : null;
    ctx.gb = computeLinearBiasGrad ? gradLinearBias : null;
    return loss;
  }

  static override backward(ctx: FunctionCtx, gradOutput: Tensor): (Tensor | null)[] {
    const result: (Tensor | null)[] = new Array<Tensor | null>(NUM_OP_INPUTS).fill(null);
    // allowRetainGraph: a scaled copy; else the stashed gradient itself, scaled in place and let go
    const take = (key: 'gi' | 'gw' | 'gb'): Tensor => {
      if (ctx.allowRetainGraph) return (ctx[key] as Tensor).mul(gradOutput);
      const g = ctx[key] as Tensor | null;
      ctx[key] = null;
      if (g === null) throw new Error(BACKWARD_TWICE);
      return g.mul_(gradOutput);
    };
    if (ctx.computeInputGrad) result[0] = take('gi');
    if (ctx.computeLinearWeightGrad) result[1] = take('gw');
    if (ctx.computeLinearBiasGrad) result[3] = take('gb'); // linear_bias is argument 3
    return result;
  }
}

/**
 * Python's _linear_cross_entropy_batch_chunked (reduction 'mean' or 'sum'): the loss, with a graph node
 * holding the precomputed gradients. The compute* flags say which gradients to precompute; one false
 * while that tensor requires grad (with grad mode on) is refused, as Python refuses it.
 */
export function _linearCrossEntropyBatchChunked(
  input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, reduction: string, ignoreIndex: number,
  labelSmoothing: number, batchChunkSize: number, accPolicy: string, accDtype: DType, allowRetainGraph: boolean, computeInputGrad: boolean,
  computeLinearWeightGrad: boolean, computeLinearBiasGrad: boolean,
): Tensor {
  const gradEnabled = isGradEnabled();
  const stale = (what: string, tensor: string): Error =>
    new Error(
      `linear_cross_entropy chunked op: ${what} was False at trace time but ${tensor}.requires_grad is True at runtime; recompile the graph with the desired requires_grad.`,
    );
  if (!computeInputGrad && input.requiresGrad && gradEnabled) throw stale('compute_input_grad', 'input');
  if (!computeLinearWeightGrad && linearWeight.requiresGrad && gradEnabled) throw stale('compute_linear_weight_grad', 'linear_weight');
  if (!computeLinearBiasGrad && linearBias !== null && linearBias.requiresGrad && gradEnabled) throw stale('compute_linear_bias_grad', 'linear_bias');
  return GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_default.apply(
    input, linearWeight, target, linearBias, weight, reduction, ignoreIndex, labelSmoothing, batchChunkSize, accPolicy, accDtype,
    allowRetainGraph, computeInputGrad, computeLinearWeightGrad, computeLinearBiasGrad,
  ) as Tensor;
}

/**
 * The reduction='none' op (Python's torch_nn::_linear_cross_entropy_batch_chunked_no_reduction): forward
 * returns the per-sample loss and saves its inputs; backward recomputes the chunks with the upstream
 * gradient folded in (so retain_graph works, and no gradient is held between forward and backward).
 */
class GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_default extends Function {
  static override forward(
    ctx: FunctionCtx, input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, ignoreIndex: number,
    batchChunkSize: number, accPolicy: string, accDtype: DType,
  ): Tensor {
    const loss = _linearCrossEntropyBatchChunkedAccumulator(
      input, linearWeight, target, linearBias, weight, 'none', ignoreIndex, 0.0, batchChunkSize, accPolicy, accDtype, false, false, false,
    )[0];
    // detached: backward recomputes from the values, it does not differentiate through them
    ctx.saveForBackward(input.detach(), linearWeight.detach(), target, linearBias === null ? null : linearBias.detach(), weight === null ? null : weight.detach());
    ctx.ignoreIndex = ignoreIndex;
    ctx.batchChunkSize = batchChunkSize;
    ctx.accPolicy = accPolicy;
    ctx.accDtype = accDtype;
    return loss;
  }

  static override backward(ctx: FunctionCtx, gradOutput: Tensor): (Tensor | null)[] {
    const [input, linearWeight, target, linearBias, weight] = ctx.savedTensors;
    const needs = ctx.needsInputGrad;
    const computeInputGrad = needs[0]!;
    const computeLinearWeightGrad = needs[1]!;
    const computeLinearBiasGrad = linearBias !== null && needs[3]!;
    const result: (Tensor | null)[] = new Array<Tensor | null>(9).fill(null);
    if (!(computeInputGrad || computeLinearWeightGrad || computeLinearBiasGrad)) return result;
    const [, gradInput, gradLinearWeight, gradLinearBias] = _linearCrossEntropyBatchChunkedAccumulator(
      input!, linearWeight!, target!, linearBias ?? null, weight ?? null, 'none', ctx.ignoreIndex as number, 0.0, ctx.batchChunkSize as number,
      ctx.accPolicy as string, ctx.accDtype as DType, computeInputGrad, computeLinearWeightGrad, computeLinearBiasGrad, gradOutput,
    );
    if (computeInputGrad) result[0] = gradInput;
    if (computeLinearWeightGrad) result[1] = gradLinearWeight;
    if (computeLinearBiasGrad) result[3] = gradLinearBias;
    return result;
  }
}

/** Python's _linear_cross_entropy_batch_chunked_no_reduction: the per-sample loss (N,). */
export function _linearCrossEntropyBatchChunkedNoReduction(
  input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, ignoreIndex: number,
  batchChunkSize: number, accPolicy: string, accDtype: DType,
): Tensor {
  return GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_default.apply(
    input, linearWeight, target, linearBias, weight, ignoreIndex, batchChunkSize, accPolicy, accDtype,
  ) as Tensor;
}

/**
 * F.linear_cross_entropy's chunked dispatch, once its checks have passed and the call qualifies
 * (reduction mean/sum/none, no label smoothing, int64 class-index targets, no out_features, not tracing):
 * 1-D input as a batch of one, options resolved for this call, then the op of the reduction.
 */
export function linearCrossEntropyChunked(
  input: Tensor, linearWeight: Tensor, target: Tensor, linearBias: Tensor | null, weight: Tensor | null, reduction: Reduction, ignoreIndex: number,
  labelSmoothing: number, options: LinearCrossEntropyOptions,
): Tensor {
  const inFeatures = input.shape[input.dim() - 1]!;
  const numClasses = linearWeight.shape[0]!;
  const hasBatches = input.dim() === 2;
  let numBatches: number;
  if (hasBatches) {
    numBatches = input.shape[0]!;
  } else {
    numBatches = 1;
    input = input.unsqueeze(0);
    target = target.unsqueeze(0);
  }
  const o = options._adjust(numBatches, inFeatures, numClasses, input.dtype, input.device);
  let result: Tensor;
  if (reduction === 'none') {
    // recomputes in backward: allowRetainGraph and the compute* flags do not apply
    result = _linearCrossEntropyBatchChunkedNoReduction(input, linearWeight, target, linearBias, weight, ignoreIndex, o.batchChunkSize!, o.accPolicy, o.accDtype!);
  } else {
    // (Python forces allowRetainGraph under torch.compile; torchnode's compile never traces this code)
    const grad = isGradEnabled();
    result = _linearCrossEntropyBatchChunked(
      input, linearWeight, target, linearBias, weight, reduction, ignoreIndex, labelSmoothing, o.batchChunkSize!, o.accPolicy, o.accDtype!,
      o.allowRetainGraph, input.requiresGrad && grad, linearWeight.requiresGrad && grad, linearBias !== null && linearBias.requiresGrad && grad,
    );
  }
  return hasBatches ? result : result.squeeze(0);
}
