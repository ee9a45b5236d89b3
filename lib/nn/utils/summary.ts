// nn.utils.summary: a torchinfo-style table of a model's layers (Layer (type:depth-idx) | Output Shape |
// Param #, totals, sizes), gathered with forward pre-hooks and hooks during one no-grad forward pass.
import { type Tensor, isTensor } from '../../tensor.js';
import { noGrad } from '../../autograd.js';
import { rand } from '../../creation.js';
import { describe, readOptions } from '../../options.js';
import { Module } from '../module.js';

type Column = 'input_size' | 'output_size' | 'num_params' | 'params_percent' | 'kernel_size' | 'mult_adds' | 'trainable';
const HEADER_TITLES: Record<Column, string> = {
  kernel_size: 'Kernel Shape',
  input_size: 'Input Shape',
  output_size: 'Output Shape',
  num_params: 'Param #',
  params_percent: 'Param %',
  mult_adds: 'Mult-Adds',
  trainable: 'Trainable',
};
type RowSetting = 'depth' | 'var_names' | 'ascii_only';

/** One row of the summary: a module call. */
export interface LayerInfo {
  module: Module;
  className: string;
  varName: string;
  depth: number;
  depthIndex: number;
  isLeafLayer: boolean;
  isRecursive: boolean;
  inputSize: number[];
  outputSize: number[];
  kernelSize: number[] | number | null;
  numParams: number;
  trainableParams: number;
  paramBytes: number;
  outputBytes: number;
  macs: number;
  children: LayerInfo[];
}

export interface SummaryOptions {
  /** Shape(s) of the input: one shape or an array of shapes; random float tensors of these shapes go through the model. */
  inputSize?: number[] | number[][] | null;
  /** Example input: a Tensor or an array of Tensors. */
  inputData?: Tensor | Tensor[] | null;
  /** Nesting depth shown. Default 3. */
  depth?: number;
  /** Columns: 'input_size', 'output_size', 'num_params', 'params_percent', 'kernel_size', 'mult_adds', 'trainable'. Default output_size and num_params. */
  colNames?: Column[];
  /** Width of each column. Default 25. */
  colWidth?: number;
  /** 'depth' (default), 'var_names', 'ascii_only'. */
  rowSettings?: RowSetting[];
  /** dtypes of the generated inputs (one per inputSize). Default float32. */
  dtypes?: string[] | null;
  /** Device for the model and inputs. Default: where the model's parameters are. */
  device?: string | null;
  /** 0: quiet, 1 (default): print the table, 2: also the weights of each layer. */
  verbose?: 0 | 1 | 2;
}

/** torchinfo's ModelStatistics: the rows and totals; toString() is the printed table. */
export class ModelStatistics {
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly totalMultAdds: number;
  readonly totalInputBytes: number;
  readonly totalOutputBytes: number;
  readonly totalParamBytes: number;
  readonly #layerNameWidth: number;

  constructor(
    readonly summaryList: LayerInfo[],
    readonly inputSizes: number[][],
    totalInputBytes: number,
    readonly formatting: { maxDepth: number; verbose: number; colNames: Column[]; colWidth: number; rowSettings: Set<RowSetting> },
  ) {
    let totalParams = 0;
    let trainable = 0;
    let macs = 0;
    let outBytes = 0;
    let paramBytes = 0;
    for (const l of summaryList) {
      if (l.isLeafLayer) {
        macs += l.macs;
        if (l.numParams > 0) outBytes += l.outputBytes * 2; // x2 for gradients
        if (l.isRecursive) continue;
        totalParams += Math.max(l.numParams, 0);
        paramBytes += l.paramBytes;
        trainable += Math.max(l.trainableParams, 0);
      } else {
        if (l.isRecursive) continue;
        totalParams += Math.max(leftoverParams(l), 0);
        trainable += Math.max(leftoverTrainableParams(l), 0);
      }
    }
    this.totalParams = totalParams;
    this.trainableParams = trainable;
    this.totalMultAdds = macs;
    this.totalInputBytes = totalInputBytes;
    this.totalOutputBytes = outBytes;
    this.totalParamBytes = paramBytes;
    let width = 40;
    let maxLength = 0;
    for (const l of summaryList) maxLength = Math.max(maxLength, this.#layerName(l).length + l.depth * 5 + 1);
    if (maxLength >= width) width = Math.ceil(maxLength / 5) * 5;
    this.#layerNameWidth = width;
  }

  #layerName(l: LayerInfo): string {
    let name = l.className;
    if (this.formatting.rowSettings.has('var_names') && l.varName) name += ` (${l.varName})`;
    if (this.formatting.rowSettings.has('depth') && l.depth > 0) name += `: ${l.depth}-${l.depthIndex}`;
    return name;
  }

  #startStr(depth: number): string {
    const ascii = this.formatting.rowSettings.has('ascii_only');
    if (depth === 0) return '';
    if (depth === 1) return ascii ? '+ ' : '├─';
    return (ascii ? '|    ' : '│    ').repeat(depth - 1) + (ascii ? '+ ' : '└─');
  }

  #row(name: string, values: Partial<Record<Column, string>>): string {
    let line = `${name.padEnd(this.#layerNameWidth)} `;
    for (const c of this.formatting.colNames) line += `${(values[c] ?? '').padEnd(this.formatting.colWidth)} `;
    return `${line.trimEnd()}\n`;
  }

  toString(): string {
    const f = this.formatting;
    const divider = '='.repeat(f.colNames.length * f.colWidth + this.#layerNameWidth);
    let header = '';
    if (f.rowSettings.has('var_names')) header += ' (var_name)';
    if (f.rowSettings.has('depth')) header += ':depth-idx';
    let rows = '';
    for (const l of this.summaryList) {
      if (l.depth > f.maxDepth) continue;
      const reachedMaxDepth = l.depth === f.maxDepth;
      const values: Partial<Record<Column, string>> = {
        kernel_size: strOrDash(l.kernelSize === null ? '' : pyList(l.kernelSize)),
        input_size: strOrDash(l.inputSize.length ? pyList(l.inputSize) : ''),
        output_size: strOrDash(l.outputSize.length ? pyList(l.outputSize) : ''),
        num_params: numParamsToStr(l, reachedMaxDepth),
        params_percent: paramsPercent(l, this.totalParams, reachedMaxDepth),
        mult_adds: macsToStr(l, reachedMaxDepth),
        trainable: trainableStr(l),
      };
      rows += this.#row(`${this.#startStr(l.depth)}${this.#layerName(l)}`, values);
    }
    let s = `${divider}\n${this.#row(`Layer (type${header})`, HEADER_TITLES)}${divider}\n${rows}${divider}\n`;
    s += `Total params: ${withCommas(this.totalParams)}\n`;
    s += `Trainable params: ${withCommas(this.trainableParams)}\n`;
    s += `Non-trainable params: ${withCommas(this.totalParams - this.trainableParams)}\n`;
    if (this.inputSizes.length) {
      const [unit, macs] = toReadable(this.totalMultAdds);
      s += `Total mult-adds (${unit}): ${macs.toFixed(2)}\n${divider}\n`;
      s += `Input size (MB): ${(this.totalInputBytes / 1e6).toFixed(2)}\n`;
      s += `Forward/backward pass size (MB): ${(this.totalOutputBytes / 1e6).toFixed(2)}\n`;
      s += `Params size (MB): ${(this.totalParamBytes / 1e6).toFixed(2)}\n`;
      s += `Estimated Total Size (MB): ${((this.totalInputBytes + this.totalOutputBytes + this.totalParamBytes) / 1e6).toFixed(2)}\n`;
    }
    return s + divider;
  }
}

function toReadable(num: number): [string, number] {
  if (num >= 1e12) return ['T', num / 1e12];
  if (num >= 1e9) return ['G', num / 1e9];
  return ['M', num / 1e6];
}

const withCommas = (n: number): string => n.toLocaleString('en-US');
const strOrDash = (s: string): string => (s ? s : '--');
const pyList = (v: number[] | number): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

function leftoverParams(l: LayerInfo): number {
  return l.numParams - l.children.filter((c) => !c.isRecursive).reduce((s, c) => s + (c.isLeafLayer ? c.numParams : leftoverParams(c)), 0);
}
function leftoverTrainableParams(l: LayerInfo): number {
  return l.trainableParams - l.children.filter((c) => !c.isRecursive).reduce((s, c) => s + (c.isLeafLayer ? c.trainableParams : leftoverTrainableParams(c)), 0);
}
function numParamsToStr(l: LayerInfo, reachedMaxDepth: boolean): string {
  if (l.numParams === 0) return '--';
  if (l.isRecursive) return '(recursive)';
  if (reachedMaxDepth || l.isLeafLayer) {
    const s = withCommas(l.numParams);
    return l.trainableParams ? s : `(${s})`;
  }
  const left = leftoverParams(l);
  return left > 0 ? withCommas(left) : '--';
}
function paramsPercent(l: LayerInfo, total: number, reachedMaxDepth: boolean): string {
  const zero = '     --';
  if (total === 0) return zero;
  if (l.isRecursive) return '(recursive)';
  const params = reachedMaxDepth || l.isLeafLayer ? l.numParams : leftoverParams(l);
  if (params === 0) return zero;
  return `${((params / total) * 100).toFixed(2)}%`.padStart(7);
}
function macsToStr(l: LayerInfo, reachedMaxDepth: boolean): string {
  if (l.macs <= 0) return '--';
  if (l.isLeafLayer) return withCommas(l.macs);
  if (reachedMaxDepth) return withCommas(l.children.filter((c) => c.isLeafLayer).reduce((s, c) => s + c.macs, 0));
  return '--';
}
function trainableStr(l: LayerInfo): string {
  if (l.numParams === 0) return '--';
  if (l.trainableParams === 0) return 'False';
  return l.numParams === l.trainableParams ? 'True' : 'Partial';
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** The shape and element size torchinfo reports for an input or output: a Tensor's, or the first Tensor's of a nested array/object. */
function sizeOf(v: unknown): [number[], number] {
  if (isTensor(v)) return [v.shape, v.elementSize()];
  if (Array.isArray(v)) return v.length ? sizeOf(v[0]) : [[], 0];
  if (v !== null && typeof v === 'object') {
    const values = Object.values(v as Record<string, unknown>);
    return values.length ? sizeOf(values[values.length - 1]) : [[], 0];
  }
  return [[], 0];
}

/** Parameter count of one named parameter, counting only unpruned entries of a pruned `name_orig`. */
function paramCount(module: Module, name: string, param: Tensor): [number, string] {
  if (name.endsWith('_orig')) {
    const base = name.slice(0, -5);
    let owner: unknown = module;
    for (const part of `${base}_mask`.split('.')) owner = owner !== null && typeof owner === 'object' ? (owner as Record<string, unknown>)[part] : undefined;
    if (isTensor(owner)) return [Number(owner.sum().item()), base];
  }
  return [param.numel(), name];
}

function kernelSizeOf(module: Module): number[] | number | null {
  const k = (module as unknown as { kernelSize?: unknown }).kernelSize;
  if (Array.isArray(k)) return [...(k as number[])];
  if (typeof k === 'number') return k;
  return null;
}

/**
 * nn.utils.summary (torchinfo's summary): runs `model` once without grad on random inputs of
 * `inputSize` (or on `inputData`) and prints its layers with output shapes and parameter counts.
 * `summary(model, [1, 1, 28, 28])`, `summary(model, x)`, `summary(model, { inputSize, depth, colNames })`.
 * Returns the ModelStatistics (String() of it is the table).
 */
export function summary(model: Module, input?: number[] | number[][] | Tensor | Tensor[] | SummaryOptions | null, options: SummaryOptions = {}): ModelStatistics {
  const fn = 'summary';
  if (!(model instanceof Module)) throw new TypeError(`${fn}: expected an nn.Module, got ${describe(model)}`);
  let opts: SummaryOptions = options;
  if (input !== null && input !== undefined && typeof input === 'object' && !Array.isArray(input) && !isTensor(input)) opts = input as SummaryOptions;
  const o = readOptions(fn, opts, ['inputSize', 'inputData', 'depth', 'colNames', 'colWidth', 'rowSettings', 'dtypes', 'device', 'verbose'] as const);
  let inputSize = (o.inputSize ?? null) as number[] | number[][] | null;
  let inputData = (o.inputData ?? null) as Tensor | Tensor[] | null;
  if (isTensor(input) || (Array.isArray(input) && input.length > 0 && isTensor(input[0]))) inputData = input as Tensor | Tensor[];
  else if (Array.isArray(input)) inputSize = input as number[] | number[][];
  if (inputSize !== null && inputData !== null) throw new Error('Only one of (input_data, input_size) should be specified.');
  const inputSpecified = inputSize !== null || inputData !== null;
  const colNames = (o.colNames ?? (inputSpecified ? ['output_size', 'num_params'] : ['num_params'])) as Column[];
  for (const c of colNames) {
    if (!(c in HEADER_TITLES)) throw new Error(`Column ${String(c)} is not a valid column name.`);
    if (!inputSpecified && c !== 'num_params' && c !== 'kernel_size') throw new Error(`You must pass input_data or input_size in order to use column ${c}`);
  }
  const colWidth = (o.colWidth ?? 25) as number;
  if (colWidth <= 0) throw new Error(`Column width must be greater than 0: col_width=${colWidth}`);
  const verbose = (o.verbose ?? 1) as number;
  if (![0, 1, 2].includes(verbose)) throw new Error('Verbose must be either 0 (quiet), 1 (default), or 2 (verbose).');
  const depth = (o.depth ?? 3) as number;
  const rowSettings = new Set((o.rowSettings ?? ['depth']) as RowSetting[]);

  // Inputs: the given tensors, or torch.rand of each size (torchinfo's get_input_tensor).
  let x: Tensor[] = [];
  let sizes: number[][] = [];
  if (inputData !== null) {
    x = isTensor(inputData) ? [inputData] : [...inputData];
    sizes = x.map((t) => t.shape);
  } else if (inputSize !== null) {
    sizes = Array.isArray(inputSize[0]) ? (inputSize as number[][]) : [inputSize as number[]];
    if (sizes.length === 0 || sizes.some((s) => s.some((d) => !(d > 0)))) throw new Error('Input_data is invalid, or negative size found in input_data.');
    const dtypes = (o.dtypes ?? null) as string[] | null;
    x = sizes.map((s, i) => rand(s).to((dtypes?.[i] ?? 'float32') as never));
  }
  const device = (o.device ?? null) as string | null;
  if (device !== null) x = x.map((t) => t.to(device as never));
  const totalInputBytes = x.reduce((s, t) => s + t.numel() * t.elementSize(), 0);

  const summaryList: LayerInfo[] = [];
  const idx = new Map<number, number>();
  const seen = new Set<Module>();
  const handles: { remove(): void }[] = [];
  const build = (varName: string, module: Module, d: number): LayerInfo => {
    const info: LayerInfo = {
      module,
      className: module.constructor.name,
      varName,
      depth: d,
      depthIndex: 0,
      isLeafLayer: module.children().length === 0,
      isRecursive: seen.has(module),
      inputSize: [],
      outputSize: [],
      kernelSize: kernelSizeOf(module),
      numParams: 0,
      trainableParams: 0,
      paramBytes: 0,
      outputBytes: 0,
      macs: 0,
      children: [],
    };
    for (const [pname, p] of module.namedParameters()) {
      const [count] = paramCount(module, pname, p);
      info.paramBytes += p.elementSize() * count;
      info.numParams += count;
      if (p.requiresGrad) info.trainableParams += count;
    }
    return info;
  };
  const macsOf = (info: LayerInfo): number => {
    let macs = 0;
    for (const [pname, p] of info.module.namedParameters()) {
      const [count, name] = paramCount(info.module, pname, p);
      if (name === 'weight' || name === 'bias') {
        if (info.className.includes('Conv')) macs += Math.trunc(count * prod([...info.outputSize.slice(0, 1), ...info.outputSize.slice(2)]));
        else macs += (info.outputSize[0] ?? 0) * count;
      } else if (name.includes('weight') || name.includes('bias')) macs += prod(info.outputSize.slice(0, 2)) * count;
    }
    return macs;
  };
  const hookAll = (varName: string, module: Module, d: number): void => {
    let current: LayerInfo | null = null;
    handles.push(
      module.registerForwardPreHook(() => {
        idx.set(d, (idx.get(d) ?? 0) + 1);
        current = build(varName, module, d);
        current.depthIndex = idx.get(d)!;
        seen.add(module);
        summaryList.push(current);
      }),
    );
    handles.push(
      module.registerForwardHook((_m: Module, args: unknown[], output: unknown) => {
        if (!current) return;
        current.inputSize = sizeOf(args)[0];
        const [outSize, elemBytes] = sizeOf(output);
        current.outputSize = outSize;
        current.outputBytes = elemBytes * prod(outSize);
        current.macs = macsOf(current);
      }),
    );
    for (const [name, child] of module.namedChildren()) hookAll(name, child, d + 1);
  };

  if (inputSpecified) {
    hookAll(model.constructor.name, model, 0);
    const savedMode = model.training;
    try {
      model.eval();
      noGrad(() => model.call(...x));
    } catch (e) {
      const executed = summaryList.map((l) => `${l.className}: ${l.depth}`).join(', ');
      throw new Error(`Failed to run torchinfo. See above stack traces for more details. Executed layers up to: [${executed}]`, { cause: e });
    } finally {
      for (const h of handles) h.remove();
      model.train(savedMode);
    }
  } else {
    // Without a forward pass: every module in definition order.
    const walk = (varName: string, module: Module, d: number): void => {
      idx.set(d, (idx.get(d) ?? 0) + 1);
      const info = build(varName, module, d);
      info.depthIndex = idx.get(d)!;
      seen.add(module);
      summaryList.push(info);
      for (const [name, child] of module.namedChildren()) walk(name, child, d + 1);
    };
    walk(model.constructor.name, model, 0);
  }
  // torchinfo's get_children_layers: every deeper row that follows a row (its descendants, not only direct children).
  summaryList.forEach((l, i) => {
    for (const c of summaryList.slice(i + 1)) {
      if (c.depth <= l.depth) break;
      l.children.push(c);
    }
  });
  const stats = new ModelStatistics(summaryList, sizes, totalInputBytes, { maxDepth: depth, verbose, colNames, colWidth, rowSettings });
  if (verbose > 0) console.log(String(stats));
  return stats;
}
