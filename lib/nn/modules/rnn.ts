// torch.nn recurrent layers: RNN, LSTM, GRU (multi-layer, bidirectional, batchFirst, dropout, projSize,
// packed sequences) and RNNCell/LSTMCell/GRUCell, built and run as torch/nn/modules/rnn.py does: the
// same parameters in the same order, one ATen call (lstm/gru/rnn_tanh/rnn_relu with the flat weights).
import { isMainThread } from 'node:worker_threads';
import { noGrad } from '../../autograd.js';
import { empty, zeros } from '../../creation.js';
import type { DType } from '../../dtype.js';
import type { DeviceLike } from '../../device.js';
import { bindArgs } from '../../functional/args.js';
import { cat, gru, gruCell, lstm, lstmCell, rnnRelu, rnnReluCell, rnnTanh, rnnTanhCell } from '../../generated/functions.js';
import { describe, isOptionsObject, pyTypeName, readOptions } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { warn } from '../../warnings.js';
import { dropoutOp } from '../functional/dropout.js';
import { declareForward, Module } from '../module.js';
import { ownedParameter, Parameter } from '../parameter.js';
import { PackedSequence } from '../utils/rnn.js';
import { factoryOptions, pyBool, pyFloat } from './_format.js';

type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
export type LSTMState = [Tensor, Tensor];

const GATES: Record<RNNMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };
// The ATen op of each mode: the padded (input) and packed (data) overloads share a name.
const RNN_OPS = { RNN_TANH: rnnTanh, RNN_RELU: rnnRelu, GRU: gru } as const;

// An Error whose message names the layer (Python's own messages sometimes already do).
function layerError(layer: string, message: string, Kind: ErrorConstructor = Error): Error {
  return new Kind(message.startsWith(`${layer}:`) ? message : `${layer}: ${message}`);
}

function intArg(fn: string, name: string, v: unknown, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${fn}: ${name} should be of type int, got: ${pyTypeName(v)}`);
  return v;
}
function boolOption(fn: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} should be of type bool, got: ${pyTypeName(v)}`);
  return v;
}
// forward(input, hx) also takes hx as an option ({ hx }), as Python's keyword; anything else is the state itself.
function hxArg<T>(layer: string, hx: T | { hx?: T | null } | null | undefined, extra: unknown): T | null {
  if (extra !== undefined) throw new TypeError(`${layer}.forward: takes at most 2 arguments (input, hx)`);
  if (hx === undefined || hx === null) return null;
  if (isOptionsObject(hx)) return (readOptions(`${layer}.forward`, hx, ['hx']).hx ?? null) as T | null;
  return hx as T;
}
const shapeText = (s: readonly number[]): string => `(${s.join(', ')})`;

const BASE_ARGS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'projSize', 'device', 'dtype'] as const;
/** Every constructor argument of a recurrent layer by keyword, as Python takes them. */
export type RNNOptions = { inputSize: number; hiddenSize: number; numLayers?: number; bias?: boolean; batchFirst?: boolean; dropout?: number; bidirectional?: boolean; projSize?: number; device?: DeviceLike | null; dtype?: DType | string | null };

/** torch.nn.RNNBase: the parameters and checks that RNN, LSTM and GRU share. */
export class RNNBase extends Module {
  mode: RNNMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  projSize: number;
  /** The parameter names in the order the ATen op takes them (w_ih, w_hh, b_ih, b_hh, w_hr per layer and direction). */
  protected _flatWeightsNames: string[] = [];
  /** The same names grouped by layer and direction. */
  protected _allWeights: string[][] = [];

  /** `new nn.RNNBase(mode, inputSize, hiddenSize, numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false, projSize = 0, { device, dtype })`; every argument after `mode` may go in the options. */
  constructor(mode: RNNMode, inputSize: number, hiddenSize: number, ...rest: unknown[]);
  constructor(mode: RNNMode, options: RNNOptions);
  constructor(mode: RNNMode, ...args: unknown[]) {
    super();
    const layer = new.target.name;
    const o = bindArgs(layer, args, ['inputSize', 'hiddenSize', ...BASE_ARGS]);
    const { inputSize, hiddenSize } = o as { inputSize: number; hiddenSize: number };
    const numLayers = intArg(layer, 'num_layers', o.numLayers, 1);
    const dropout = o.dropout ?? 0.0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new RangeError(`${layer}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed`);
    }
    if (dropout > 0 && numLayers === 1) {
      warn(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${pyFloat(dropout)} and num_layers=${numLayers}`,
        'UserWarning',
      );
    }
    const bias = boolOption(layer, 'bias', o.bias, true);
    const batchFirst = boolOption(layer, 'batch_first', o.batchFirst, false);
    const bidirectional = boolOption(layer, 'bidirectional', o.bidirectional, false);
    intArg(layer, 'input_size', inputSize);
    if (inputSize <= 0) throw new RangeError(`${layer}: input_size must be greater than zero`);
    intArg(layer, 'hidden_size', hiddenSize);
    if (hiddenSize <= 0) throw new RangeError(`${layer}: hidden_size must be greater than zero`);
    if (numLayers <= 0) throw new RangeError(`${layer}: num_layers must be greater than zero`);
    const projSize = intArg(layer, 'proj_size', o.projSize, 0);
    if (projSize < 0) throw new RangeError(`${layer}: proj_size should be a positive integer or zero to disable projections`);
    if (projSize >= hiddenSize) throw new RangeError(`${layer}: proj_size has to be smaller than hidden_size`);
    if (!(mode in GATES)) throw new RangeError(`${layer}: Unrecognized RNN mode: ${String(mode)}`);

    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    this.projSize = projSize;

    const factory = factoryOptions(o);
    const gateSize = GATES[mode] * hiddenSize;
    const numDirections = bidirectional ? 2 : 1;
    const realHiddenSize = projSize > 0 ? projSize : hiddenSize;
    const self = this as unknown as Record<string, unknown>;
    for (let l = 0; l < numLayers; l++) {
      for (let direction = 0; direction < numDirections; direction++) {
        const layerInputSize = l === 0 ? inputSize : realHiddenSize * numDirections;
        const suffix = direction === 1 ? '_reverse' : '';
        // Created in Python's order (w_ih, w_hh, b_ih, b_hh, w_hr), registered without the unused biases.
        const wIh = ownedParameter(empty([gateSize, layerInputSize], factory));
        const wHh = ownedParameter(empty([gateSize, realHiddenSize], factory));
        const bIh = ownedParameter(empty([gateSize], factory));
        const bHh = ownedParameter(empty([gateSize], factory));
        const params: [string, Parameter][] = [[`weight_ih_l${l}${suffix}`, wIh], [`weight_hh_l${l}${suffix}`, wHh]];
        if (bias) params.push([`bias_ih_l${l}${suffix}`, bIh], [`bias_hh_l${l}${suffix}`, bHh]);
        else (bIh.dispose(), bHh.dispose());
        if (projSize > 0) params.push([`weight_hr_l${l}${suffix}`, ownedParameter(empty([projSize, hiddenSize], factory))]);
        for (const [name, p] of params) self[name] = p;
        this._flatWeightsNames.push(...params.map(([name]) => name));
        this._allWeights.push(params.map(([name]) => name));
      }
    }
    this.resetParameters();
  }

  /** The weights in the ATen op's order, read from the properties each call (so loadStateDict with assign, or to(), are seen). */
  get _flatWeights(): Tensor[] {
    const self = this as unknown as Record<string, Tensor>;
    return this._flatWeightsNames.map((name) => self[name]!);
  }

  /** The parameters grouped by layer and direction (Python's all_weights). */
  get allWeights(): Parameter[][] {
    const self = this as unknown as Record<string, Parameter>;
    return this._allWeights.map((names) => names.map((name) => self[name]!));
  }

  /** cuDNN's weight flattening: nothing to do on the CPU (and torchnode runs RNNs through ATen's native kernels). */
  flattenParameters(): void {}

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1.0 / Math.sqrt(this.hiddenSize) : 0;
    noGrad(() => {
      for (const weight of this.parameters()) weight.uniform_(-stdv, stdv);
    });
  }

  protected get _layerName(): string {
    return this.constructor.name;
  }

  checkInput(input: Tensor, batchSizes: Tensor | null): void {
    const weightDtype = this._flatWeights[0]!.dtype;
    if (input.dtype !== weightDtype) {
      throw layerError(
        this._layerName,
        `RNN input dtype (${String(input.dtype)}) does not match weight dtype (${String(weightDtype)}). Convert input: input.to(${String(weightDtype)}), or convert model: model.to(${String(input.dtype)})`,
        TypeError,
      );
    }
    const expectedInputDim = batchSizes !== null ? 2 : 3;
    if (input.dim() !== expectedInputDim) throw layerError(this._layerName, `input must have ${expectedInputDim} dimensions, got ${input.dim()}`, RangeError);
    if (this.inputSize !== input.size(-1)) {
      throw layerError(this._layerName, `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.size(-1)}`, RangeError);
    }
  }

  getExpectedHiddenSize(input: Tensor, batchSizes: Tensor | null): [number, number, number] {
    const miniBatch = batchSizes !== null ? Number(batchSizes.select(0, 0).item()) : this.batchFirst ? input.size(0) : input.size(1);
    const numDirections = this.bidirectional ? 2 : 1;
    return [this.numLayers * numDirections, miniBatch, this.projSize > 0 ? this.projSize : this.hiddenSize];
  }

  checkHiddenSize(hx: Tensor, expected: readonly number[], what = 'hidden'): void {
    const got = hx.shape;
    if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
      throw layerError(this._layerName, `Expected ${what} size ${shapeText(expected)}, got [${got.join(', ')}]`, RangeError);
    }
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.bias !== true) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst !== false) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional !== false) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }

  // The input as the ATen op takes it: a packed sequence's parts, or a batched tensor (unbatched gets a batch dim).
  protected _prepare(input: Tensor | PackedSequence): { data: Tensor; batchSizes: Tensor | null; sorted: Tensor | null; unsorted: Tensor | null; isBatched: boolean; maxBatchSize: number } {
    if (input instanceof PackedSequence) {
      const [data, batchSizes, sorted, unsorted] = input as unknown as [Tensor, Tensor, Tensor | null, Tensor | null];
      return { data, batchSizes, sorted, unsorted, isBatched: true, maxBatchSize: Number(batchSizes.select(0, 0).item()) };
    }
    if (!isTensor(input)) throw layerError(this._layerName, `expected input to be a Tensor or a PackedSequence, got ${describe(input)}`, TypeError);
    if (input.dim() !== 2 && input.dim() !== 3) {
      const kind = this.mode === 'LSTM' ? 'LSTM' : this.mode === 'GRU' ? 'GRU' : 'RNN';
      throw layerError(this._layerName, `${kind}: Expected input to be 2D or 3D, got ${input.dim()}D ${kind === 'RNN' ? 'tensor ' : ''}instead`, RangeError);
    }
    const isBatched = input.dim() === 3;
    const data = isBatched ? input : input.unsqueeze(this.batchFirst ? 0 : 1);
    return { data, batchSizes: null, sorted: null, unsorted: null, isBatched, maxBatchSize: this.batchFirst ? data.size(0) : data.size(1) };
  }

  protected _zeros(rows: number, batch: number, size: number, like: Tensor): Tensor {
    return zeros([rows, batch, size], { dtype: like.dtype, device: like.device });
  }
}

const permute = (t: Tensor, permutation: Tensor | null): Tensor => (permutation === null ? t : t.indexSelect(1, permutation));

// One ATen call (input, states, weights, numLayers, dropout, batchFirst) -> [output, ...final states].
type LayersCall = (input: Tensor, states: Tensor[], weights: Tensor[], numLayers: number, dropout: number, batchFirst: boolean) => Tensor[];

/**
 * The ATen op over all layers. Its dropout between layers draws from the process's generator, not a
 * worker thread's own: there the layers run one call each, seq-first as ATen runs them, with dropoutOp
 * between (the same masks as the main thread's after the same seed).
 */
function runLayers(m: RNNBase, data: Tensor, packed: boolean, states: Tensor[], call: LayersCall): Tensor[] {
  const weights = m._flatWeights;
  if (isMainThread || m.dropout === 0 || !m.training || m.numLayers === 1 || data.device.type !== 'cpu') return call(data, states, weights, m.numLayers, m.dropout, m.batchFirst);
  const transposed = m.batchFirst && !packed;
  const rows = m.bidirectional ? 2 : 1;
  const perLayer = weights.length / m.numLayers;
  let output = transposed ? data.transpose(0, 1) : data;
  const finals: Tensor[][] = states.map(() => []);
  for (let l = 0; l < m.numLayers; l++) {
    const [out, ...last] = call(output, states.map((s) => s.narrow(0, l * rows, rows)), weights.slice(l * perLayer, (l + 1) * perLayer), 1, 0, false);
    last.forEach((s, i) => finals[i]!.push(s));
    output = l + 1 < m.numLayers ? dropoutOp(out!, m.dropout, true) : out!;
  }
  return [transposed ? output.transpose(0, 1) : output, ...finals.map((f) => cat(f, 0))];
}

// RNN and GRU: one hidden state tensor.
abstract class SingleStateRNN extends RNNBase {
  override forward(input: Tensor | PackedSequence, hxOrOptions: Tensor | { hx?: Tensor | null } | null = null, extra?: unknown): [Tensor | PackedSequence, Tensor] {
    let hx = hxArg<Tensor>(this._layerName, hxOrOptions, extra);
    const p = this._prepare(input);
    const numDirections = this.bidirectional ? 2 : 1;
    if (hx !== null && !isTensor(hx)) throw layerError(this._layerName, `hx must be a Tensor or null, got ${describe(hx)}`, TypeError);
    if (p.batchSizes === null) {
      if (!p.isBatched && hx !== null) {
        if (hx.dim() !== 2) throw layerError(this._layerName, `For unbatched 2-D input, hx should also be 2-D but got ${hx.dim()}-D tensor`, RangeError);
        hx = hx.unsqueeze(1);
      } else if (hx !== null && hx.dim() !== 3) {
        throw layerError(this._layerName, `For batched 3-D input, hx should also be 3-D but got ${hx.dim()}-D tensor`, RangeError);
      }
    }
    hx = hx === null ? this._zeros(this.numLayers * numDirections, p.maxBatchSize, this.hiddenSize, p.data) : permute(hx, p.sorted);
    this.checkInput(p.data, p.batchSizes);
    this.checkHiddenSize(hx, this.getExpectedHiddenSize(p.data, p.batchSizes));
    const op = RNN_OPS[this.mode as keyof typeof RNN_OPS] as unknown as (...args: unknown[]) => [Tensor, Tensor];
    const { batchSizes } = p;
    const [output, hidden] = runLayers(this, p.data, batchSizes !== null, [hx], (input, [h], weights, numLayers, dropout, batchFirst) =>
      batchSizes === null
        ? op(input, h, weights, this.bias, numLayers, dropout, this.training, this.bidirectional, batchFirst)
        : op(input, batchSizes, h, weights, this.bias, numLayers, dropout, this.training, this.bidirectional),
    ) as [Tensor, Tensor];
    if (p.batchSizes !== null) return [new PackedSequence(output, p.batchSizes, p.sorted, p.unsorted), permute(hidden, p.unsorted)];
    if (!p.isBatched) return [output.squeeze(this.batchFirst ? 0 : 1), hidden.squeeze(1)];
    return [output, hidden];
  }
}

const RNN_ARGS = ['numLayers', 'nonlinearity', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'device', 'dtype', 'projSize'] as const;

/**
 * `new nn.RNN(inputSize, hiddenSize, numLayers = 1, nonlinearity = 'tanh', bias = true, batchFirst = false, dropout = 0,
 * bidirectional = false, { device, dtype })`; `rnn.call(input, h0?)` → `[output, hN]`.
 */
export class RNN extends SingleStateRNN {
  nonlinearity!: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]);
  constructor(options: RNNOptions & { nonlinearity?: 'tanh' | 'relu' });
  constructor(...args: unknown[]) {
    const { inputSize, hiddenSize, ...o } = bindArgs('RNN', args, ['inputSize', 'hiddenSize', ...RNN_ARGS]);
    if (o.projSize !== undefined) throw new RangeError('RNN: proj_size argument is only supported for LSTM, not RNN or GRU');
    const nonlinearity = o.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new RangeError(`RNN: Unknown nonlinearity '${String(nonlinearity)}'. Select from 'tanh' or 'relu'.`);
    const { nonlinearity: _, ...base } = o;
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize as number, hiddenSize as number, base);
    this.nonlinearity = nonlinearity;
  }
}

const GRU_ARGS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'device', 'dtype', 'projSize'] as const;

/** `new nn.GRU(inputSize, hiddenSize, numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false, { device, dtype })`. */
export class GRU extends SingleStateRNN {
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]);
  constructor(options: RNNOptions);
  constructor(...args: unknown[]) {
    const { inputSize, hiddenSize, ...o } = bindArgs('GRU', args, ['inputSize', 'hiddenSize', ...GRU_ARGS]);
    if (o.projSize !== undefined) throw new RangeError('GRU: proj_size argument is only supported for LSTM, not RNN or GRU');
    super('GRU', inputSize as number, hiddenSize as number, { ...o });
  }
}

/**
 * `new nn.LSTM(inputSize, hiddenSize, numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false,
 * projSize = 0, { device, dtype })`; `lstm.call(input, [h0, c0]?)` → `[output, [hN, cN]]`.
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]);
  constructor(options: RNNOptions);
  constructor(...args: unknown[]) {
    super('LSTM', ...(args as [number, number]));
  }

  getExpectedCellSize(input: Tensor, batchSizes: Tensor | null): [number, number, number] {
    const [rows, batch] = this.getExpectedHiddenSize(input, batchSizes);
    return [rows, batch, this.hiddenSize];
  }

  override forward(input: Tensor | PackedSequence, hxOrOptions: LSTMState | { hx?: LSTMState | null } | null = null, extra?: unknown): [Tensor | PackedSequence, LSTMState] {
    const hx = hxArg<LSTMState>(this._layerName, hxOrOptions, extra);
    const p = this._prepare(input);
    const numDirections = this.bidirectional ? 2 : 1;
    const realHiddenSize = this.projSize > 0 ? this.projSize : this.hiddenSize;
    let state: LSTMState;
    if (hx === null) {
      const rows = this.numLayers * numDirections;
      state = [this._zeros(rows, p.maxBatchSize, realHiddenSize, p.data), this._zeros(rows, p.maxBatchSize, this.hiddenSize, p.data)];
    } else {
      if (!Array.isArray(hx) || hx.length !== 2 || !isTensor(hx[0]) || !isTensor(hx[1])) {
        throw layerError(this._layerName, `hx must be an array [h0, c0] of two Tensors, got ${describe(hx)}`, TypeError);
      }
      state = [hx[0], hx[1]];
      if (p.batchSizes === null) {
        const [h, c] = state;
        if (p.isBatched && (h.dim() !== 3 || c.dim() !== 3)) {
          throw layerError(this._layerName, `For batched 3-D input, hx and cx should also be 3-D but got (${h.dim()}-D, ${c.dim()}-D) tensors`, RangeError);
        }
        if (!p.isBatched) {
          if (h.dim() !== 2 || c.dim() !== 2) {
            throw layerError(this._layerName, `For unbatched 2-D input, hx and cx should also be 2-D but got (${h.dim()}-D, ${c.dim()}-D) tensors`, RangeError);
          }
          state = [h.unsqueeze(1), c.unsqueeze(1)];
        }
      }
    }
    if (hx !== null) state = [permute(state[0], p.sorted), permute(state[1], p.sorted)];
    this._checkState(p.data, p.batchSizes, state);
    const { batchSizes } = p;
    const [output, h, c] = runLayers(this, p.data, batchSizes !== null, state, (input, [h0, c0], weights, numLayers, dropout, batchFirst) =>
      batchSizes === null
        ? lstm(input, [h0!, c0!], weights, this.bias, numLayers, dropout, this.training, this.bidirectional, batchFirst)
        : (lstm as unknown as (...args: unknown[]) => [Tensor, Tensor, Tensor])(input, batchSizes, [h0, c0], weights, this.bias, numLayers, dropout, this.training, this.bidirectional),
    ) as [Tensor, Tensor, Tensor];
    if (p.batchSizes !== null) return [new PackedSequence(output, p.batchSizes, p.sorted, p.unsorted), [permute(h, p.unsorted), permute(c, p.unsorted)]];
    if (!p.isBatched) return [output.squeeze(this.batchFirst ? 0 : 1), [h.squeeze(1), c.squeeze(1)]];
    return [output, [h, c]];
  }

  private _checkState(input: Tensor, batchSizes: Tensor | null, [h, c]: LSTMState): void {
    this.checkInput(input, batchSizes);
    this.checkHiddenSize(h, this.getExpectedHiddenSize(input, batchSizes), 'hidden[0]');
    this.checkHiddenSize(c, this.getExpectedCellSize(input, batchSizes), 'hidden[1]');
  }
}

const CELL_ARGS = ['inputSize', 'hiddenSize', 'bias', 'device', 'dtype'] as const;
/** Every constructor argument of a recurrent cell by keyword. */
export type RNNCellOptions = { inputSize: number; hiddenSize: number; bias?: boolean; device?: DeviceLike | null; dtype?: DType | string | null };

/** torch.nn.RNNCellBase: weight_ih, weight_hh (and bias_ih, bias_hh) for `numChunks` gates. */
export class RNNCellBase extends Module {
  inputSize: number;
  hiddenSize: number;
  bias: boolean;
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;

  /** `new nn.RNNCellBase(inputSize, hiddenSize, bias, numChunks, { device, dtype })`. */
  constructor(inputSize: number, hiddenSize: number, bias: boolean, numChunks: number, options: { device?: DeviceLike | null; dtype?: DType | string | null } = {}) {
    super();
    const layer = new.target.name;
    intArg(layer, 'input_size', inputSize);
    intArg(layer, 'hidden_size', hiddenSize);
    boolOption(layer, 'bias', bias, true);
    const factory = factoryOptions(options);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    this.weight_ih = ownedParameter(empty([numChunks * hiddenSize, inputSize], factory));
    this.weight_hh = ownedParameter(empty([numChunks * hiddenSize, hiddenSize], factory));
    if (bias) {
      this.bias_ih = ownedParameter(empty([numChunks * hiddenSize], factory));
      this.bias_hh = ownedParameter(empty([numChunks * hiddenSize], factory));
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.bias !== true) s += `, bias=${pyBool(this.bias)}`;
    const nonlinearity = (this as { nonlinearity?: string }).nonlinearity;
    if (nonlinearity !== undefined && nonlinearity !== 'tanh') s += `, nonlinearity=${nonlinearity}`;
    return s;
  }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1.0 / Math.sqrt(this.hiddenSize) : 0;
    noGrad(() => {
      for (const weight of this.parameters()) weight.uniform_(-stdv, stdv);
    });
  }

  // The input with a batch dimension (a 1-D input is one sample), after checking its rank.
  protected _batched(input: Tensor, states: readonly (Tensor | null)[], stateName: (i: number) => string): boolean {
    const layer = this.constructor.name;
    if (!isTensor(input)) throw layerError(layer, `expected input to be a Tensor, got ${describe(input)}`, TypeError);
    const dim = input.dim();
    if (dim !== 1 && dim !== 2) throw layerError(layer, `Expected input to be 1D or 2D, got ${dim}D instead`, RangeError);
    states.forEach((s, i) => {
      const d = s === null ? 1 : s.dim();
      if (d !== 1 && d !== 2) throw layerError(layer, `Expected ${stateName(i)} to be 1D or 2D, got ${d}D instead`, RangeError);
    });
    return dim === 2;
  }
}

const CELL_OPS = { tanh: rnnTanhCell, relu: rnnReluCell } as const;

/** `new nn.RNNCell(inputSize, hiddenSize, bias = true, nonlinearity = 'tanh', { device, dtype })`; `cell.call(input, hx?)` → h'. */
export class RNNCell extends RNNCellBase {
  nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]);
  constructor(options: RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' });
  constructor(...args: unknown[]) {
    const o = bindArgs('RNNCell', args, ['inputSize', 'hiddenSize', 'bias', 'nonlinearity', 'device', 'dtype']);
    super(o.inputSize as number, o.hiddenSize as number, (o.bias ?? true) as boolean, 1, factoryOptions(o));
    const nonlinearity = o.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new RangeError(`RNNCell: Unknown nonlinearity: ${String(nonlinearity)}`);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, hxOrOptions: Tensor | { hx?: Tensor | null } | null = null, extra?: unknown): Tensor {
    const hx = hxArg<Tensor>(this.constructor.name, hxOrOptions, extra);
    const isBatched = this._batched(input, [hx], () => 'hidden');
    const x = isBatched ? input : input.unsqueeze(0);
    const h = hx === null ? zeros([x.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device }) : isBatched ? hx : hx.unsqueeze(0);
    const ret = CELL_OPS[this.nonlinearity](x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return isBatched ? ret : ret.squeeze(0);
  }
}

/** `new nn.LSTMCell(inputSize, hiddenSize, bias = true, { device, dtype })`; `cell.call(input, [h, c]?)` → `[h', c']`. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]);
  constructor(options: RNNCellOptions);
  constructor(...args: unknown[]) {
    const o = bindArgs('LSTMCell', args, CELL_ARGS);
    super(o.inputSize as number, o.hiddenSize as number, (o.bias ?? true) as boolean, 4, factoryOptions(o));
  }

  override forward(input: Tensor, hxOrOptions: LSTMState | { hx?: LSTMState | null } | null = null, extra?: unknown): LSTMState {
    const hx = hxArg<LSTMState>('LSTMCell', hxOrOptions, extra);
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw layerError('LSTMCell', `hx must be an array [h, c] of two Tensors, got ${describe(hx)}`, TypeError);
    const isBatched = this._batched(input, hx ?? [], (i) => `hx[${i}]`);
    const x = isBatched ? input : input.unsqueeze(0);
    let state: Tensor[];
    if (hx === null) {
      const z = zeros([x.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device });
      state = [z, z];
    } else state = isBatched ? [hx[0], hx[1]] : [hx[0].unsqueeze(0), hx[1].unsqueeze(0)];
    const [h, c] = lstmCell(x, state, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return isBatched ? [h, c] : [h.squeeze(0), c.squeeze(0)];
  }
}

/** `new nn.GRUCell(inputSize, hiddenSize, bias = true, { device, dtype })`; `cell.call(input, hx?)` → h'. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]);
  constructor(options: RNNCellOptions);
  constructor(...args: unknown[]) {
    const o = bindArgs('GRUCell', args, CELL_ARGS);
    super(o.inputSize as number, o.hiddenSize as number, (o.bias ?? true) as boolean, 3, factoryOptions(o));
  }

  override forward(input: Tensor, hxOrOptions: Tensor | { hx?: Tensor | null } | null = null, extra?: unknown): Tensor {
    const hx = hxArg<Tensor>(this.constructor.name, hxOrOptions, extra);
    const isBatched = this._batched(input, [hx], () => 'hidden');
    const x = isBatched ? input : input.unsqueeze(0);
    const h = hx === null ? zeros([x.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device }) : isBatched ? hx : hx.unsqueeze(0);
    const ret = gruCell(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return isBatched ? ret : ret.squeeze(0);
  }
}

declareForward([RNN, GRU, LSTM, RNNCell, LSTMCell, GRUCell], ['input'], ['hx']);
