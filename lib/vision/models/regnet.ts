// torchvision.models.regnet: RegNetY 400MF-128GF and RegNetX 400MF-32GF (Radosavovic et al., 2020),
// with torchvision's module names, construction order and initialization, and its block settings
// computed with the same float32 tensor math and rounding as BlockParams.from_init_params.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { describe, readOptions } from '../../options.js';
import { bindArgs } from '../../functional/args.js';
import { pyRound } from '../../libm.js';
import { Conv2dNormActivation, makeDivisible, SqueezeExcitation, type ActivationFactory, type NormLayerFactory } from '../ops/misc.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** What builds the stem (torchvision's stem_type): called as `new stemType(3, stemWidth, normLayer, activation)`. */
export type StemType = new (widthIn: number, widthOut: number, normLayer: NormLayerFactory, activationLayer: ActivationFactory) => Module;
/** What builds each block (torchvision's block_type), with ResBottleneckBlock's positional arguments. */
export type BlockType = new (widthIn: number, widthOut: number, stride: number, normLayer: NormLayerFactory, activationLayer: ActivationFactory,
  groupWidth: number, bottleneckMultiplier: number, seRatio: number | null) => Module;

/** Python's TypeError for required positional arguments left out (here: undefined), in the JS names. */
function requireArgs(cls: string, args: Record<string, unknown>): void {
  const missing = Object.keys(args).filter((k) => args[k] === undefined).map((k) => `'${k}'`);
  if (missing.length === 0) return;
  const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  throw new TypeError(`${cls}: missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`);
}

/** Simple stem for ImageNet: 3x3 stride-2 convolution, norm, activation. */
export class SimpleStemIN extends Conv2dNormActivation {
  constructor(widthIn: number, widthOut: number, normLayer: NormLayerFactory, activationLayer: ActivationFactory) {
    requireArgs('SimpleStemIN', { widthIn, widthOut, normLayer, activationLayer });
    super(widthIn, widthOut, { kernelSize: 3, stride: 2, normLayer, activationLayer });
  }
}

/** Bottleneck transformation: 1x1, grouped 3x3 [+SE], 1x1 (no activation after the last). */
export class BottleneckTransform extends nn.Sequential {
  constructor(widthIn: number, widthOut: number, stride: number, normLayer: NormLayerFactory, activationLayer: ActivationFactory,
    groupWidth: number, bottleneckMultiplier: number, seRatio: number | null) {
    requireArgs('BottleneckTransform', { widthIn, widthOut, stride, normLayer, activationLayer, groupWidth, bottleneckMultiplier, seRatio });
    const wB = Math.trunc(pyRound(widthOut * bottleneckMultiplier));
    const g = Math.floor(wB / groupWidth);
    const layers = new Map<string, Module>();
    layers.set('a', new Conv2dNormActivation(widthIn, wB, { kernelSize: 1, stride: 1, normLayer, activationLayer }));
    layers.set('b', new Conv2dNormActivation(wB, wB, { kernelSize: 3, stride, groups: g, normLayer, activationLayer }));
    if (seRatio) {
      // the SE reduction ratio is relative to the block's input width
      const widthSeOut = Math.trunc(pyRound(seRatio * widthIn));
      layers.set('se', new SqueezeExcitation(wB, widthSeOut, () => activationLayer(false)));
    }
    layers.set('c', new Conv2dNormActivation(wB, widthOut, { kernelSize: 1, stride: 1, normLayer, activationLayer: null }));
    super(layers);
  }
}

/** Residual bottleneck block: activation(x + F(x)), x projected by a 1x1 convolution when the shape changes. */
export class ResBottleneckBlock extends nn.Module {
  declare proj: Conv2dNormActivation | null; declare f: BottleneckTransform; declare activation: Module;
  constructor(widthIn: number, widthOut: number, stride: number, normLayer: NormLayerFactory, activationLayer: ActivationFactory,
    groupWidth = 1, bottleneckMultiplier = 1.0, seRatio: number | null = null) {
    requireArgs('ResBottleneckBlock', { widthIn, widthOut, stride, normLayer, activationLayer });
    super();
    const shouldProj = widthIn !== widthOut || stride !== 1;
    this.proj = shouldProj ? new Conv2dNormActivation(widthIn, widthOut, { kernelSize: 1, stride, normLayer, activationLayer: null }) : null;
    this.f = new BottleneckTransform(widthIn, widthOut, stride, normLayer, activationLayer, groupWidth, bottleneckMultiplier, seRatio);
    this.activation = activationLayer(true);
  }
  override forward(x: Tensor): Tensor {
    const skip = this.proj === null ? x : (this.proj.call(x) as Tensor);
    return this.activation.call(skip.add(this.f.call(x) as Tensor)) as Tensor;
  }
}

/** AnyNet stage: `depth` blocks with the same output width, named block{stageIndex}-{i}; only the first strides. */
export class AnyStage extends nn.Sequential {
  constructor(widthIn: number, widthOut: number, stride: number, depth: number, blockConstructor: BlockType, normLayer: NormLayerFactory,
    activationLayer: ActivationFactory, groupWidth: number, bottleneckMultiplier: number, seRatio: number | null = null, stageIndex = 0) {
    requireArgs('AnyStage', { widthIn, widthOut, stride, depth, blockConstructor, normLayer, activationLayer, groupWidth, bottleneckMultiplier });
    super();
    for (let i = 0; i < depth; i++) {
      const block = new blockConstructor(i === 0 ? widthIn : widthOut, widthOut, i === 0 ? stride : 1, normLayer, activationLayer,
        groupWidth, bottleneckMultiplier, seRatio);
      this.addModule(`block${stageIndex}-${i}`, block);
    }
  }
}

export interface BlockParamsOptions {
  depths?: number[]; widths?: number[]; groupWidths?: number[]; bottleneckMultipliers?: number[]; strides?: number[]; seRatio?: number | null;
}
export interface FromInitParamsOptions {
  depth?: number; w0?: number; wA?: number; wM?: number; groupWidth?: number; bottleneckMultiplier?: number; seRatio?: number | null;
}
const BLOCK_PARAMS_ARGS = ['depths', 'widths', 'groupWidths', 'bottleneckMultipliers', 'strides', 'seRatio'] as const;
const INIT_PARAMS_ARGS = ['depth', 'w0', 'wA', 'wM', 'groupWidth', 'bottleneckMultiplier', 'seRatio'] as const;

function required<K extends string>(fn: string, o: Partial<Record<K, unknown>>, names: readonly K[], count: number): void {
  const missing = names.slice(0, count).filter((k) => o[k] === undefined);
  if (missing.length > 0) throw new TypeError(`${fn}: missing required argument${missing.length > 1 ? 's' : ''}: ${missing.map((k) => `'${k}'`).join(', ')}`);
}
function numberList(fn: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new TypeError(`${fn}: ${name} must be an array of numbers, got ${describe(v)}`);
  return [...v] as number[];
}
function num(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${describe(v)}`);
  return v;
}

/** Per-stage settings of a RegNet: depth, width, group width, bottleneck multiplier and stride of each stage, and the SE ratio. */
export class BlockParams {
  depths: number[]; widths: number[]; groupWidths: number[]; bottleneckMultipliers: number[]; strides: number[]; seRatio: number | null;
  constructor(depths: number[] | BlockParamsOptions, widths?: number[] | BlockParamsOptions, groupWidths?: number[] | BlockParamsOptions,
    bottleneckMultipliers?: number[] | BlockParamsOptions, strides?: number[] | BlockParamsOptions, seRatio?: number | null | BlockParamsOptions) {
    const fn = 'BlockParams';
    const o = bindArgs(fn, [depths, widths, groupWidths, bottleneckMultipliers, strides, seRatio], BLOCK_PARAMS_ARGS);
    required(fn, o, BLOCK_PARAMS_ARGS, 5);
    this.depths = numberList(fn, 'depths', o.depths);
    this.widths = numberList(fn, 'widths', o.widths);
    this.groupWidths = numberList(fn, 'groupWidths', o.groupWidths);
    this.bottleneckMultipliers = numberList(fn, 'bottleneckMultipliers', o.bottleneckMultipliers);
    this.strides = numberList(fn, 'strides', o.strides);
    this.seRatio = o.seRatio == null ? null : num(fn, 'seRatio', o.seRatio);
  }

  /**
   * The per-stage settings from RegNet's design-space parameters: block widths grow linearly from `w0` by
   * `wA`, are quantized in log space with step `wM` and to multiples of 8; equal consecutive widths make a stage.
   */
  static fromInitParams(depth: number | FromInitParamsOptions, w0?: number | FromInitParamsOptions, wA?: number | FromInitParamsOptions,
    wM?: number | FromInitParamsOptions, groupWidth?: number | FromInitParamsOptions, bottleneckMultiplier?: number | FromInitParamsOptions,
    seRatio?: number | null | FromInitParamsOptions): BlockParams {
    const fn = 'BlockParams.fromInitParams';
    const o = bindArgs(fn, [depth, w0, wA, wM, groupWidth, bottleneckMultiplier, seRatio], INIT_PARAMS_ARGS);
    required(fn, o, INIT_PARAMS_ARGS, 5);
    const d = num(fn, 'depth', o.depth), w_0 = num(fn, 'w0', o.w0), w_a = num(fn, 'wA', o.wA), w_m = num(fn, 'wM', o.wM);
    const gw = num(fn, 'groupWidth', o.groupWidth), bm = o.bottleneckMultiplier === undefined ? 1.0 : num(fn, 'bottleneckMultiplier', o.bottleneckMultiplier);
    const se = o.seRatio == null ? null : num(fn, 'seRatio', o.seRatio);
    const QUANT = 8, STRIDE = 2;
    if (w_a < 0 || w_0 <= 0 || w_m <= 1 || w_0 % 8 !== 0) throw new RangeError('Invalid RegNet settings');
    // torchvision computes the block widths with float32 tensors: the same ops give the same roundings
    const blockWidths = torch.tidy(() => {
      const widthsCont = torch.arange(d).mul(w_a).add(w_0);
      // ATen rounds this divisor to float32, so V8's Math.log (within 1 ulp of glibc's) gives Python's result
      const blockCapacity = torch.round(torch.log(widthsCont.div(w_0)).div(Math.log(w_m)));
      return torch.round(torch.divide(torch.pow(w_m, blockCapacity).mul(w_0), QUANT)).mul(QUANT).int().tolist() as number[];
    });
    const numStages = new Set(blockWidths).size;
    // a stage starts wherever the width changes (the list padded with 0 at both ends)
    const splits = [...blockWidths, 0].map((w, i) => w !== ([0, ...blockWidths][i]));
    const stageWidths = blockWidths.filter((_, i) => splits[i]);
    const starts = splits.flatMap((t, i) => (t ? [i] : []));
    const stageDepths = starts.slice(1).map((s, i) => s - starts[i]!);
    const [widths, groupWidths] = BlockParams.adjustWidthsGroupsCompatibility(stageWidths, new Array<number>(numStages).fill(bm), new Array<number>(numStages).fill(gw));
    return new BlockParams(stageDepths, widths, groupWidths, new Array<number>(numStages).fill(bm), new Array<number>(numStages).fill(STRIDE), se);
  }

  /** [width, stride, depth, group width, bottleneck multiplier] of each stage (Python's zip: as many as the shortest list). */
  getExpandedParams(): [number, number, number, number, number][] {
    const n = Math.min(this.widths.length, this.strides.length, this.depths.length, this.groupWidths.length, this.bottleneckMultipliers.length);
    return Array.from({ length: n }, (_, i) => [this.widths[i]!, this.strides[i]!, this.depths[i]!, this.groupWidths[i]!, this.bottleneckMultipliers[i]!]);
  }

  /** Stage widths whose bottleneck widths are multiples of their group widths, and group widths no wider than the bottleneck. */
  static adjustWidthsGroupsCompatibility(stageWidths: number[], bottleneckRatios: number[], groupWidths: number[]): [number[], number[]] {
    const n = Math.min(stageWidths.length, bottleneckRatios.length, groupWidths.length);
    const widths = Array.from({ length: n }, (_, i) => Math.trunc(stageWidths[i]! * bottleneckRatios[i]!));
    const groupWidthsMin = widths.map((wBot, i) => Math.min(groupWidths[i]!, wBot));
    const wsBot = widths.map((wBot, i) => makeDivisible(wBot, groupWidthsMin[i]!));
    return [wsBot.map((wBot, i) => Math.trunc(wBot / bottleneckRatios[i]!)), groupWidthsMin];
  }
}

export interface RegNetOptions {
  numClasses?: number; stemWidth?: number; stemType?: StemType | null; blockType?: BlockType | null;
  normLayer?: NormLayerFactory | null; activation?: ActivationFactory | null; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}
const OPTION_KEYS = ['numClasses', 'stemWidth', 'stemType', 'blockType', 'normLayer', 'activation', 'weights', 'progress'] as const;

/** torchvision's RegNet: stem, one AnyStage per stage (trunk_output), global average pooling and a linear classifier. */
export class RegNet extends nn.Module {
  declare stem: Module; declare trunk_output: torch.nn.Sequential; declare avgpool: torch.nn.AdaptiveAvgPool2d; declare fc: torch.nn.Linear;
  constructor(blockParams: BlockParams, options: RegNetOptions = {}) {
    super();
    const o = readOptions('RegNet', options, OPTION_KEYS) as RegNetOptions;
    if (!(blockParams instanceof BlockParams)) throw new TypeError(`RegNet: blockParams must be a BlockParams, got ${describe(blockParams)}`);
    const { numClasses = 1000, stemWidth = 32 } = o;
    const stemType = o.stemType ?? SimpleStemIN;
    const normLayer = o.normLayer ?? ((c: number) => new nn.BatchNorm2d(c));
    const blockType = o.blockType ?? ResBottleneckBlock;
    const activation = o.activation ?? ((inplace: boolean) => new nn.ReLU(inplace));
    this.stem = new stemType(3, stemWidth, normLayer, activation);
    let currentWidth = stemWidth;
    const blocks: [string, Module][] = [];
    blockParams.getExpandedParams().forEach(([widthOut, stride, depth, groupWidth, bottleneckMultiplier], i) => {
      blocks.push([`block${i + 1}`, new AnyStage(currentWidth, widthOut, stride, depth, blockType, normLayer, activation, groupWidth,
        bottleneckMultiplier, blockParams.seRatio, i + 1)]);
      currentWidth = widthOut;
    });
    this.trunk_output = new nn.Sequential(new Map(blocks));
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(currentWidth, numClasses);
    // ResNet-style initialization
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        const fanOut = m.kernelSize[0]! * m.kernelSize[1]! * m.outChannels;
        nn.init.normal_(m.weight, 0.0, Math.sqrt(2.0 / fanOut));
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0.0, 0.01);
        nn.init.zeros_(m.bias!);
      }
    }
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }
  override forward(x: Tensor): Tensor {
    const h = this.trunk_output.call(this.stem.call(x)) as Tensor;
    return this.fc.call(torch.flatten(this.avgpool.call(h), 1));
  }
}

/** A builder: the block settings from torchvision's design-space parameters, the rest of the options to RegNet. */
function regnet(weightsEnum: AnyWeightsEnum, init: FromInitParamsOptions) {
  return (options: RegNetOptions = {}): RegNet => {
    const resolved = resolveWeights(weightsEnum, options);
    return new RegNet(BlockParams.fromInitParams(init), resolved);
  };
}

/** RegNetY-400MF */
export const regnet_y_400mf = regnet(W.RegNet_Y_400MF_Weights, { depth: 16, w0: 48, wA: 27.89, wM: 2.09, groupWidth: 8, seRatio: 0.25 });
/** RegNetY-800MF */
export const regnet_y_800mf = regnet(W.RegNet_Y_800MF_Weights, { depth: 14, w0: 56, wA: 38.84, wM: 2.4, groupWidth: 16, seRatio: 0.25 });
/** RegNetY-1.6GF */
export const regnet_y_1_6gf = regnet(W.RegNet_Y_1_6GF_Weights, { depth: 27, w0: 48, wA: 20.71, wM: 2.65, groupWidth: 24, seRatio: 0.25 });
/** RegNetY-3.2GF */
export const regnet_y_3_2gf = regnet(W.RegNet_Y_3_2GF_Weights, { depth: 21, w0: 80, wA: 42.63, wM: 2.66, groupWidth: 24, seRatio: 0.25 });
/** RegNetY-8GF */
export const regnet_y_8gf = regnet(W.RegNet_Y_8GF_Weights, { depth: 17, w0: 192, wA: 76.82, wM: 2.19, groupWidth: 56, seRatio: 0.25 });
/** RegNetY-16GF */
export const regnet_y_16gf = regnet(W.RegNet_Y_16GF_Weights, { depth: 18, w0: 200, wA: 106.23, wM: 2.48, groupWidth: 112, seRatio: 0.25 });
/** RegNetY-32GF */
export const regnet_y_32gf = regnet(W.RegNet_Y_32GF_Weights, { depth: 20, w0: 232, wA: 115.89, wM: 2.53, groupWidth: 232, seRatio: 0.25 });
/** RegNetY-128GF */
export const regnet_y_128gf = regnet(W.RegNet_Y_128GF_Weights, { depth: 27, w0: 456, wA: 160.83, wM: 2.52, groupWidth: 264, seRatio: 0.25 });
/** RegNetX-400MF */
export const regnet_x_400mf = regnet(W.RegNet_X_400MF_Weights, { depth: 22, w0: 24, wA: 24.48, wM: 2.54, groupWidth: 16 });
/** RegNetX-800MF */
export const regnet_x_800mf = regnet(W.RegNet_X_800MF_Weights, { depth: 16, w0: 56, wA: 35.73, wM: 2.28, groupWidth: 16 });
/** RegNetX-1.6GF */
export const regnet_x_1_6gf = regnet(W.RegNet_X_1_6GF_Weights, { depth: 18, w0: 80, wA: 34.01, wM: 2.25, groupWidth: 24 });
/** RegNetX-3.2GF */
export const regnet_x_3_2gf = regnet(W.RegNet_X_3_2GF_Weights, { depth: 25, w0: 88, wA: 26.31, wM: 2.25, groupWidth: 48 });
/** RegNetX-8GF */
export const regnet_x_8gf = regnet(W.RegNet_X_8GF_Weights, { depth: 23, w0: 80, wA: 49.56, wM: 2.88, groupWidth: 120 });
/** RegNetX-16GF */
export const regnet_x_16gf = regnet(W.RegNet_X_16GF_Weights, { depth: 22, w0: 216, wA: 55.59, wM: 2.1, groupWidth: 128 });
/** RegNetX-32GF */
export const regnet_x_32gf = regnet(W.RegNet_X_32GF_Weights, { depth: 23, w0: 320, wA: 69.86, wM: 2.0, groupWidth: 168 });
