// torch.nn.attention.bias: causal attention biases for F.scaledDotProductAttention, which are not
// materialized until a kernel needs them (Python's CausalBias, a Tensor subclass caught by
// __torch_function__; here a plain object that scaledDotProductAttention recognises as its attnMask).
import { inspect } from 'node:util';
import { ones } from '../creation.js';
import { toDevice, type DeviceLike } from '../device.js';
import { bool } from '../dtype.js';
import { tril } from '../generated/functions.js';
import type { Tensor } from '../tensor.js';
import { warn } from '../warnings.js';

/** torch.nn.attention.bias.CausalVariant: which corner the included positions are aligned to. */
export const CausalVariant = Object.freeze({ UPPER_LEFT: 1, LOWER_RIGHT: 2 } as const);
export type CausalVariant = (typeof CausalVariant)[keyof typeof CausalVariant];

const checkLength = (fn: string, name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${fn}: ${name} must be an integer, got ${typeof v === 'number' ? v : typeof v}`);
  return v;
};

/**
 * torch.nn.attention.bias.CausalBias(variant, seqLenQ, seqLenKv): a causal (triangular) bias of
 * seqLenQ × seqLenKv. Passed as F.scaledDotProductAttention's attnMask it runs as Python's: causal
 * attention when the lengths are equal or the variant is UPPER_LEFT, else the materialized mask.
 */
export class CausalBias {
  readonly variant: CausalVariant;
  readonly seqLenQ: number;
  readonly seqLenKv: number;

  constructor(variant: CausalVariant, seqLenQ: number, seqLenKv: number) {
    if (variant !== CausalVariant.UPPER_LEFT && variant !== CausalVariant.LOWER_RIGHT)
      throw new TypeError(`CausalBias: variant must be a CausalVariant, got ${typeof variant === 'number' ? variant : typeof variant}`);
    this.variant = variant;
    this.seqLenQ = checkLength('CausalBias', 'seqLenQ', seqLenQ);
    this.seqLenKv = checkLength('CausalBias', 'seqLenKv', seqLenKv);
    if (seqLenQ > seqLenKv && variant === CausalVariant.LOWER_RIGHT) warn('Lower right causal bias will produce NaNs in the output when seq_len_q > seq_len_kv!');
  }

  /** The bias as a boolean mask (true: takes part) on `device` (default the CPU). */
  _materialize(device: DeviceLike = 'cpu'): Tensor {
    const mask = ones([this.seqLenQ, this.seqLenKv], { dtype: bool, device: toDevice(device) });
    return tril(mask, this.variant === CausalVariant.LOWER_RIGHT ? this.seqLenKv - this.seqLenQ : 0);
  }

  /** Python's repr: the materialized mask's. */
  toString(): string {
    return this._materialize().toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

function bias(fn: string, variant: CausalVariant, size: unknown[]): CausalBias {
  const dims = size.length === 1 && Array.isArray(size[0]) ? (size[0] as unknown[]) : size;
  if (dims.length !== 2) throw new RangeError(`${fn} only supports 2D tensors`);
  return new CausalBias(variant, dims[0] as number, dims[1] as number);
}

/** causal_upper_left(seqLenQ, seqLenKv): tril(ones(size)); what isCausal means. */
export function causalUpperLeft(...size: number[] | [readonly number[]]): CausalBias {
  return bias('causal_upper_left', CausalVariant.UPPER_LEFT, size);
}

/** causal_lower_right(seqLenQ, seqLenKv): tril(ones(size), seqLenKv - seqLenQ), aligned to the lower right corner. */
export function causalLowerRight(...size: number[] | [readonly number[]]): CausalBias {
  return bias('causal_lower_right', CausalVariant.LOWER_RIGHT, size);
}
