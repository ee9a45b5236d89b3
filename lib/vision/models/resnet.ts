// torchvision.models.resnet: ResNet-18/34/50/101/152, ResNeXt and Wide ResNet (He et al., 2016; Xie et
// al., 2017; Zagoruyko and Komodakis, 2016), with torchvision's module names (state dict keys), the
// same construction order and the same initialization, so a seed gives torchvision's weights and
// torchvision's pretrained state dicts load as they are.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { loadWeights, resolveWeights, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
type Module = torch.nn.Module;
/** What builds the normalization layer of `channels` features (nn.BatchNorm2d by default). */
export type NormLayer = (channels: number) => Module;

/** 3x3 convolution, padding = dilation, no bias. */
function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): torch.nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation });
}
/** 1x1 convolution, no bias. */
function conv1x1(inPlanes: number, outPlanes: number, stride = 1): torch.nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

/** The arguments torchvision passes to a block, in its order. */
interface BlockArgs { inplanes: number; planes: number; stride: number; downsample: Module | null; groups: number; baseWidth: number; dilation: number; normLayer: NormLayer }

/** Two 3x3 convolutions and the skip connection (ResNet-18/34). */
export class BasicBlock extends nn.Module {
  static readonly expansion = 1;
  declare conv1: torch.nn.Conv2d; declare bn1: Module; declare relu: torch.nn.ReLU; declare conv2: torch.nn.Conv2d; declare bn2: Module;
  declare downsample: Module | null;
  readonly stride: number;
  constructor({ inplanes, planes, stride, downsample, groups, baseWidth, dilation, normLayer }: BlockArgs) {
    super();
    if (groups !== 1 || baseWidth !== 64) throw new RangeError('BasicBlock only supports groups=1 and base_width=64');
    if (dilation > 1) throw new RangeError('Dilation > 1 not supported in BasicBlock');
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = normLayer(planes);
    this.relu = new nn.ReLU(true);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = normLayer(planes);
    this.downsample = downsample;
    this.stride = stride;
  }
  override forward(x: Tensor): Tensor {
    const out = this.bn2.call(this.conv2.call(this.relu.call(this.bn1.call(this.conv1.call(x))))) as Tensor;
    // the shortcut after the main branch, as torchvision: autograd sums a block input's gradients in graph order
    const identity = this.downsample === null ? x : (this.downsample.call(x) as Tensor);
    return this.relu.call(out.add_(identity));
  }
}

/** 1x1, 3x3 (grouped, dilated) and 1x1 convolutions, 4x wider out, and the skip connection (ResNet-50 and up). */
export class Bottleneck extends nn.Module {
  static readonly expansion = 4;
  declare conv1: torch.nn.Conv2d; declare bn1: Module; declare conv2: torch.nn.Conv2d; declare bn2: Module;
  declare conv3: torch.nn.Conv2d; declare bn3: Module; declare relu: torch.nn.ReLU; declare downsample: Module | null;
  readonly stride: number;
  constructor({ inplanes, planes, stride, downsample, groups, baseWidth, dilation, normLayer }: BlockArgs) {
    super();
    const width = Math.trunc(planes * (baseWidth / 64.0)) * groups;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = normLayer(width);
    this.conv2 = conv3x3(width, width, stride, groups, dilation);
    this.bn2 = normLayer(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = normLayer(planes * Bottleneck.expansion);
    this.relu = new nn.ReLU(true);
    this.downsample = downsample;
    this.stride = stride;
  }
  override forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)) as Tensor);
    out = this.relu.call(this.bn2.call(this.conv2.call(out)) as Tensor);
    out = this.bn3.call(this.conv3.call(out)) as Tensor;
    const identity = this.downsample === null ? x : (this.downsample.call(x) as Tensor); // after the main branch, as torchvision
    return this.relu.call(out.add_(identity));
  }
}

export type Block = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions {
  numClasses?: number; zeroInitResidual?: boolean; groups?: number; widthPerGroup?: number;
  replaceStrideWithDilation?: readonly boolean[] | null; normLayer?: NormLayer | null;
  /** A state dict file (torchvision's .pth, for example resnet18-f37072fd.pth) loaded into the model. */
  weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}
const OPTION_KEYS = ['numClasses', 'zeroInitResidual', 'groups', 'widthPerGroup', 'replaceStrideWithDilation', 'normLayer', 'weights', 'progress'] as const;

/** torchvision's ResNet: the stem, four stages of blocks, global average pooling and the classifier. */
export class ResNet extends nn.Module {
  declare conv1: torch.nn.Conv2d; declare bn1: Module; declare relu: torch.nn.ReLU; declare maxpool: torch.nn.MaxPool2d;
  declare layer1: torch.nn.Sequential; declare layer2: torch.nn.Sequential; declare layer3: torch.nn.Sequential; declare layer4: torch.nn.Sequential;
  declare avgpool: torch.nn.AdaptiveAvgPool2d; declare fc: torch.nn.Linear;
  #inplanes = 64;
  #dilation = 1;
  readonly #groups: number;
  readonly #baseWidth: number;
  readonly #normLayer: NormLayer;

  constructor(block: Block, layers: readonly number[], options: ResNetOptions = {}) {
    super();
    const o = readOptions('ResNet', options, OPTION_KEYS) as ResNetOptions;
    const { numClasses = 1000, zeroInitResidual = false, groups = 1, widthPerGroup = 64 } = o;
    if (block !== BasicBlock && block !== Bottleneck) throw new TypeError('ResNet: block must be BasicBlock or Bottleneck');
    if (!Array.isArray(layers) || layers.length !== 4 || !layers.every((n) => Number.isInteger(n) && n >= 1))
      throw new RangeError(`ResNet: layers must be 4 positive block counts, got ${JSON.stringify(layers)}`);
    const dilate = o.replaceStrideWithDilation ?? [false, false, false];
    if (dilate.length !== 3) throw new RangeError(`replace_stride_with_dilation should be None or a 3-element tuple, got ${JSON.stringify(dilate)}`);
    this.#normLayer = o.normLayer ?? ((c: number) => new nn.BatchNorm2d(c));
    this.#groups = groups;
    this.#baseWidth = widthPerGroup;
    this.conv1 = new nn.Conv2d(3, this.#inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = this.#normLayer(this.#inplanes);
    this.relu = new nn.ReLU(true);
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.#makeLayer(block, 64, layers[0]!);
    this.layer2 = this.#makeLayer(block, 128, layers[1]!, 2, dilate[0]!);
    this.layer3 = this.#makeLayer(block, 256, layers[2]!, 2, dilate[1]!);
    this.layer4 = this.#makeLayer(block, 512, layers[3]!, 2, dilate[2]!);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(512 * block.expansion, numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      }
    }
    if (zeroInitResidual) {
      // the last norm of each block starts at zero, so each residual branch starts as the identity
      for (const m of this.modules()) {
        const last = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : null;
        const weight = (last as { weight?: Tensor | null } | null)?.weight;
        if (weight) nn.init.constant_(weight, 0);
      }
    }
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }

  #makeLayer(block: Block, planes: number, blocks: number, stride = 1, dilate = false): torch.nn.Sequential {
    const normLayer = this.#normLayer;
    let downsample: Module | null = null;
    const previousDilation = this.#dilation;
    if (dilate) {
      this.#dilation *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.#inplanes !== planes * block.expansion)
      downsample = new nn.Sequential(conv1x1(this.#inplanes, planes * block.expansion, stride), normLayer(planes * block.expansion));
    const layers: Module[] = [new block({ inplanes: this.#inplanes, planes, stride, downsample, groups: this.#groups, baseWidth: this.#baseWidth, dilation: previousDilation, normLayer })];
    this.#inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++)
      layers.push(new block({ inplanes: this.#inplanes, planes, stride: 1, downsample: null, groups: this.#groups, baseWidth: this.#baseWidth, dilation: this.#dilation, normLayer }));
    return new nn.Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    let h = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x)) as Tensor));
    h = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(h)))) as Tensor;
    return this.fc.call(torch.flatten(this.avgpool.call(h), 1));
  }
}

type Options = ResNetOptions;
/** ResNet-18: BasicBlock x [2, 2, 2, 2] */
export const resnet18 = (options: Options = {}): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], resolveWeights(W.ResNet18_Weights, options));
/** ResNet-34: BasicBlock x [3, 4, 6, 3] */
export const resnet34 = (options: Options = {}): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], resolveWeights(W.ResNet34_Weights, options));
/** ResNet-50: Bottleneck x [3, 4, 6, 3] */
export const resnet50 = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], resolveWeights(W.ResNet50_Weights, options));
/** ResNet-101: Bottleneck x [3, 4, 23, 3]. */
export const resnet101 = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], resolveWeights(W.ResNet101_Weights, options));
/** ResNet-152: Bottleneck x [3, 8, 36, 3]. */
export const resnet152 = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 8, 36, 3], resolveWeights(W.ResNet152_Weights, options));
/** ResNeXt-50 32x4d: 32 groups of width 4. */
export const resnext50_32x4d = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], resolveWeights(W.ResNeXt50_32X4D_Weights, { ...options, groups: 32, widthPerGroup: 4 }));
/** ResNeXt-101 32x8d. */
export const resnext101_32x8d = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], resolveWeights(W.ResNeXt101_32X8D_Weights, { ...options, groups: 32, widthPerGroup: 8 }));
/** ResNeXt-101 64x4d. */
export const resnext101_64x4d = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], resolveWeights(W.ResNeXt101_64X4D_Weights, { ...options, groups: 64, widthPerGroup: 4 }));
/** Wide ResNet-50-2: bottlenecks twice as wide. */
export const wide_resnet50_2 = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], resolveWeights(W.Wide_ResNet50_2_Weights, { ...options, widthPerGroup: 64 * 2 }));
/** Wide ResNet-101-2. */
export const wide_resnet101_2 = (options: Options = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], resolveWeights(W.Wide_ResNet101_2_Weights, { ...options, widthPerGroup: 64 * 2 }));
