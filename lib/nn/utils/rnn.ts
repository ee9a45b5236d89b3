// torch.nn.utils.rnn: PackedSequence and the pad/pack helpers, written as torch/nn/utils/rnn.py writes
// them over the same ATen ops (_pack_padded_sequence, _pad_packed_sequence, pad_sequence).
import { aten } from '../../call.js';
import { arange, emptyLike, tensor as makeTensor } from '../../creation.js';
import { int64 } from '../../dtype.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import { sort } from '../../generated/functions.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';

type MaybeTensor = Tensor | null;

/**
 * Python's PackedSequence namedtuple: an array `[data, batchSizes, sortedIndices, unsortedIndices]`
 * that also carries the fields by name, so `const [data, batchSizes] = packed` and `packed.data` both work.
 * Build one with packPaddedSequence / packSequence, as PyTorch advises.
 */
export class PackedSequence extends Array<MaybeTensor> {
  // map/filter/slice give plain arrays, as a namedtuple's do.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  constructor(data: Tensor | readonly [Tensor, Tensor], batchSizes: MaybeTensor = null, sortedIndices: MaybeTensor = null, unsortedIndices: MaybeTensor = null) {
    super();
    let packedData: Tensor;
    if (unsortedIndices === null) unsortedIndices = invertPermutation(sortedIndices);
    if (batchSizes !== null) {
      if (!isTensor(data)) throw new TypeError(`PackedSequence: data must be a Tensor, got ${describe(data)}`);
      if (batchSizes.device.type !== 'cpu') {
        throw new Error(
          'PackedSequence: batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. ' +
            'They should be instantiated by functions like pack_sequence and pack_padded_sequences in nn.utils.rnn.',
        );
      }
      packedData = data;
    } else {
      if (!Array.isArray(data) || data.length !== 2) throw new TypeError('PackedSequence: expected data to be a list or tuple of length 2');
      [packedData, batchSizes] = data as readonly [Tensor, Tensor];
    }
    this.push(packedData, batchSizes, sortedIndices, unsortedIndices);
    Object.freeze(this); // a namedtuple is immutable
  }

  get data(): Tensor {
    return this[0]!;
  }
  get batchSizes(): Tensor {
    return this[1]!;
  }
  get sortedIndices(): MaybeTensor {
    return this[2]!;
  }
  get unsortedIndices(): MaybeTensor {
    return this[3]!;
  }

  /** Moves `data` (and the indices, to data's device) as Tensor.to does; batchSizes stay on the CPU. */
  to(...args: unknown[]): PackedSequence {
    const data = (this.data.to as (...a: unknown[]) => Tensor)(...args);
    if (data === this.data) return this;
    const move = (t: MaybeTensor): MaybeTensor => (t === null ? null : t.to(data.device));
    return new PackedSequence(data, this.batchSizes, move(this.sortedIndices), move(this.unsortedIndices));
  }
  cuda(): PackedSequence {
    return this.to('cuda');
  }
  cpu(): PackedSequence {
    return this.to('cpu');
  }
  double(): PackedSequence {
    return this.to('float64');
  }
  float(): PackedSequence {
    return this.to('float32');
  }
  half(): PackedSequence {
    return this.to('float16');
  }
  long(): PackedSequence {
    return this.to('int64');
  }
  int(): PackedSequence {
    return this.to('int32');
  }
  short(): PackedSequence {
    return this.to('int16');
  }
  char(): PackedSequence {
    return this.to('int8');
  }
  byte(): PackedSequence {
    return this.to('uint8');
  }
  get isCuda(): boolean {
    return this.data.isCuda;
  }
  override toString(): string {
    return `PackedSequence(data=${String(this.data)}, batch_sizes=${String(this.batchSizes)}, sorted_indices=${String(this.sortedIndices ?? 'None')}, unsorted_indices=${String(this.unsortedIndices ?? 'None')})`;
  }
}

/** The inverse of a permutation (null stays null). */
export function invertPermutation(permutation: MaybeTensor): MaybeTensor {
  if (permutation === null) return null;
  const output = emptyLike(permutation);
  output.scatter_(0, permutation, arange(0, permutation.numel(), { device: permutation.device }));
  return output;
}

function checkTensor(fn: string, name: string, v: unknown): Tensor {
  if (!isTensor(v)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(v)}`);
  return v;
}

function checkPacked(fn: string, v: unknown): PackedSequence {
  if (!(v instanceof PackedSequence)) throw new TypeError(`${fn}: sequence must be a PackedSequence, got ${describe(v)}`);
  return v;
}

/**
 * Packs a padded batch of variable-length sequences: `packPaddedSequence(input, lengths, batchFirst = false,
 * enforceSorted = true)`; `lengths` a CPU int64 tensor or a number[].
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | number[], ...rest: unknown[]): PackedSequence {
  const fn = 'packPaddedSequence';
  const o = bindArgs(fn, rest, ['batchFirst', 'enforceSorted']);
  const batchFirst = boolArg(fn, 'batchFirst', o.batchFirst, false);
  const enforceSorted = boolArg(fn, 'enforceSorted', o.enforceSorted, true);
  checkTensor(fn, 'input', input);
  let lengthsTensor: Tensor;
  if (isTensor(lengths)) lengthsTensor = lengths.to(int64);
  else if (Array.isArray(lengths)) lengthsTensor = makeTensor(lengths, { dtype: int64, device: 'cpu' });
  else throw new TypeError(`${fn}: lengths must be a Tensor or an array of numbers, got ${describe(lengths)}`);
  let sortedIndices: MaybeTensor = null;
  if (!enforceSorted) {
    const sorted = sort(lengthsTensor, { descending: true });
    lengthsTensor = sorted[0];
    sortedIndices = sorted[1].to(input.device);
    input = input.indexSelect(batchFirst ? 0 : 1, sortedIndices);
  }
  const [data, batchSizes] = aten('_pack_padded_sequence', [input, lengthsTensor, batchFirst]) as [Tensor, Tensor];
  return new PackedSequence(data, batchSizes, sortedIndices, null);
}

/**
 * Pads a packed batch back: `padPackedSequence(sequence, batchFirst = false, paddingValue = 0, totalLength = null)`
 * returns `[padded, lengths]`, in the original batch order.
 */
export function padPackedSequence(sequence: PackedSequence, ...rest: unknown[]): [Tensor, Tensor] {
  const fn = 'padPackedSequence';
  const o = bindArgs(fn, rest, ['batchFirst', 'paddingValue', 'totalLength']);
  checkPacked(fn, sequence);
  const batchFirst = boolArg(fn, 'batchFirst', o.batchFirst, false);
  const paddingValue = o.paddingValue ?? 0.0;
  if (typeof paddingValue !== 'number') throw new TypeError(`${fn}: paddingValue must be a number, got ${describe(paddingValue)}`);
  let maxSeqLength = sequence.batchSizes.size(0);
  if (o.totalLength !== undefined && o.totalLength !== null) {
    const totalLength = o.totalLength;
    if (typeof totalLength !== 'number' || !Number.isInteger(totalLength)) throw new TypeError(`${fn}: totalLength must be an integer or null, got ${describe(totalLength)}`);
    if (totalLength < maxSeqLength) {
      throw new RangeError(
        `${fn}: Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${maxSeqLength}`,
      );
    }
    maxSeqLength = totalLength;
  }
  const [padded, lengths] = aten('_pad_packed_sequence', [sequence.data, sequence.batchSizes, batchFirst, paddingValue, maxSeqLength]) as [Tensor, Tensor];
  const unsorted = sequence.unsortedIndices;
  if (unsorted !== null) return [padded.indexSelect(batchFirst ? 0 : 1, unsorted), lengths.index(unsorted.cpu())];
  return [padded, lengths];
}

/**
 * Pads a list of variable-length tensors into one: `padSequence(sequences, batchFirst = false, paddingValue = 0,
 * paddingSide = 'right')`.
 */
export function padSequence(sequences: Tensor[] | Tensor, ...rest: unknown[]): Tensor {
  const fn = 'padSequence';
  const o = bindArgs(fn, rest, ['batchFirst', 'paddingValue', 'paddingSide']);
  const batchFirst = boolArg(fn, 'batchFirst', o.batchFirst, false);
  const paddingValue = o.paddingValue ?? 0.0;
  if (typeof paddingValue !== 'number') throw new TypeError(`${fn}: paddingValue must be a number, got ${describe(paddingValue)}`);
  const paddingSide = o.paddingSide ?? 'right';
  let list: Tensor[];
  if (isTensor(sequences)) list = [...(sequences as unknown as Iterable<Tensor>)];
  else if (Array.isArray(sequences) || (sequences !== null && typeof sequences === 'object' && Symbol.iterator in sequences)) list = [...(sequences as Iterable<Tensor>)];
  else throw new TypeError(`pad_sequence: Expected iterable for input sequences, but got arg of type: ${describe(sequences)}`);
  return aten('pad_sequence', [list, batchFirst, paddingValue, paddingSide]) as Tensor;
}

/**
 * Splits a padded batch into its sequences: `unpadSequence(paddedSequences, lengths, batchFirst = false)`.
 * As in PyTorch, a time-major `paddedSequences` is transposed in place (transpose_(0, 1)).
 */
export function unpadSequence(paddedSequences: Tensor, lengths: Tensor, ...rest: unknown[]): Tensor[] {
  const fn = 'unpadSequence';
  const o = bindArgs(fn, rest, ['batchFirst']);
  const batchFirst = boolArg(fn, 'batchFirst', o.batchFirst, false);
  checkTensor(fn, 'paddedSequences', paddedSequences);
  checkTensor(fn, 'lengths', lengths);
  if (!batchFirst) paddedSequences.transpose_(0, 1);
  const maxLength = paddedSequences.shape[1]!;
  const idx = arange(maxLength, { device: lengths.device });
  const out: Tensor[] = [];
  const n = paddedSequences.size(0);
  if (n !== lengths.size(0)) throw new RangeError(`${fn}: got ${n} sequences but ${lengths.size(0)} lengths`);
  for (let i = 0; i < n; i++) out.push(paddedSequences.select(0, i).index(idx.lt(lengths.select(0, i))));
  return out;
}

/** Packs a list of variable-length tensors: `packSequence(sequences, enforceSorted = true)`. */
export function packSequence(sequences: Tensor[], ...rest: unknown[]): PackedSequence {
  const fn = 'packSequence';
  const o = bindArgs(fn, rest, ['enforceSorted']);
  const enforceSorted = boolArg(fn, 'enforceSorted', o.enforceSorted, true);
  if (!Array.isArray(sequences)) throw new TypeError(`${fn}: sequences must be an array of Tensors, got ${describe(sequences)}`);
  const lengths = makeTensor(sequences.map((v, i) => checkTensor(fn, `sequences[${i}]`, v).size(0)), { dtype: int64 });
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted });
}

/** The list of tensors a PackedSequence holds, in its original order. */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  checkPacked('unpackSequence', packedSequences);
  const [padded, lengths] = padPackedSequence(packedSequences, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
