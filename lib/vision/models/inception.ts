// torchvision.models.inception: Inception v3 (Szegedy et al., 2016), with torchvision's module names,
// construction order and initialization (truncated normal, std 0.1 but where a layer's `stddev` says
// otherwise); in training mode with the auxiliary head it returns InceptionOutputs, Python's namedtuple
// as an array that also has the field names.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { describe, readOptions } from '../../options.js';
import { BasicConv2d, type ConvBlock } from './googlenet.js';
import { loadWeights, resolveWeights, Weights } from './weights.js';
import * as W from './weights_table.js';
import { imagenetToHalfScale, initInceptionWeights, resolveInitWeights } from './_inception_common.js';

const { nn } = torch;
type Module = torch.nn.Module;
type BlockOptions = { convBlock?: ConvBlock | null };
const convBlockOf = (name: string, options: BlockOptions): ConvBlock => (readOptions(name, options, ['convBlock']).convBlock as ConvBlock | null | undefined) ?? BasicConv2d;
const avgPool3x3 = (x: Tensor): Tensor => nn.functional.avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });

/** 35x35 grid: 1x1; 1x1 then 5x5; 1x1 then two 3x3; 3x3 average pool then 1x1 (`poolFeatures` channels). */
export class InceptionA extends nn.Module {
  declare branch1x1: Module; declare branch5x5_1: Module; declare branch5x5_2: Module;
  declare branch3x3dbl_1: Module; declare branch3x3dbl_2: Module; declare branch3x3dbl_3: Module; declare branch_pool: Module;
  constructor(inChannels: number, poolFeatures: number, options: BlockOptions = {}) {
    super();
    const convBlock = convBlockOf('InceptionA', options);
    this.branch1x1 = new convBlock(inChannels, 64, { kernelSize: 1 });
    this.branch5x5_1 = new convBlock(inChannels, 48, { kernelSize: 1 });
    this.branch5x5_2 = new convBlock(48, 64, { kernelSize: 5, padding: 2 });
    this.branch3x3dbl_1 = new convBlock(inChannels, 64, { kernelSize: 1 });
    this.branch3x3dbl_2 = new convBlock(64, 96, { kernelSize: 3, padding: 1 });
    this.branch3x3dbl_3 = new convBlock(96, 96, { kernelSize: 3, padding: 1 });
    this.branch_pool = new convBlock(inChannels, poolFeatures, { kernelSize: 1 });
  }
  _forward(x: Tensor): Tensor[] {
    const branch1x1 = this.branch1x1.call(x) as Tensor;
    const branch5x5 = this.branch5x5_2.call(this.branch5x5_1.call(x)) as Tensor;
    const branch3x3dbl = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x))) as Tensor;
    const branchPool = this.branch_pool.call(avgPool3x3(x)) as Tensor;
    return [branch1x1, branch5x5, branch3x3dbl, branchPool];
  }
  override forward(x: Tensor): Tensor {
    return torch.cat(this._forward(x), 1);
  }
}

/** Grid reduction 35x35 to 17x17: strided 3x3; 1x1, 3x3 and strided 3x3; strided 3x3 max pool. */
export class InceptionB extends nn.Module {
  declare branch3x3: Module; declare branch3x3dbl_1: Module; declare branch3x3dbl_2: Module; declare branch3x3dbl_3: Module;
  constructor(inChannels: number, options: BlockOptions = {}) {
    super();
    const convBlock = convBlockOf('InceptionB', options);
    this.branch3x3 = new convBlock(inChannels, 384, { kernelSize: 3, stride: 2 });
    this.branch3x3dbl_1 = new convBlock(inChannels, 64, { kernelSize: 1 });
    this.branch3x3dbl_2 = new convBlock(64, 96, { kernelSize: 3, padding: 1 });
    this.branch3x3dbl_3 = new convBlock(96, 96, { kernelSize: 3, stride: 2 });
  }
  _forward(x: Tensor): Tensor[] {
    const branch3x3 = this.branch3x3.call(x) as Tensor;
    const branch3x3dbl = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x))) as Tensor;
    const branchPool = nn.functional.maxPool2d(x, { kernelSize: 3, stride: 2 }) as Tensor;
    return [branch3x3, branch3x3dbl, branchPool];
  }
  override forward(x: Tensor): Tensor {
    return torch.cat(this._forward(x), 1);
  }
}

/** 17x17 grid with factorized 7x7 convolutions (1x7 and 7x1 pairs) of `channels7x7` channels inside. */
export class InceptionC extends nn.Module {
  declare branch1x1: Module;
  declare branch7x7_1: Module; declare branch7x7_2: Module; declare branch7x7_3: Module;
  declare branch7x7dbl_1: Module; declare branch7x7dbl_2: Module; declare branch7x7dbl_3: Module; declare branch7x7dbl_4: Module; declare branch7x7dbl_5: Module;
  declare branch_pool: Module;
  constructor(inChannels: number, channels7x7: number, options: BlockOptions = {}) {
    super();
    const convBlock = convBlockOf('InceptionC', options);
    const c7 = channels7x7;
    const row = { kernelSize: [1, 7], padding: [0, 3] }, col = { kernelSize: [7, 1], padding: [3, 0] };
    this.branch1x1 = new convBlock(inChannels, 192, { kernelSize: 1 });
    this.branch7x7_1 = new convBlock(inChannels, c7, { kernelSize: 1 });
    this.branch7x7_2 = new convBlock(c7, c7, row);
    this.branch7x7_3 = new convBlock(c7, 192, col);
    this.branch7x7dbl_1 = new convBlock(inChannels, c7, { kernelSize: 1 });
    this.branch7x7dbl_2 = new convBlock(c7, c7, col);
    this.branch7x7dbl_3 = new convBlock(c7, c7, row);
    this.branch7x7dbl_4 = new convBlock(c7, c7, col);
    this.branch7x7dbl_5 = new convBlock(c7, 192, row);
    this.branch_pool = new convBlock(inChannels, 192, { kernelSize: 1 });
  }
  _forward(x: Tensor): Tensor[] {
    const branch1x1 = this.branch1x1.call(x) as Tensor;
    const branch7x7 = this.branch7x7_3.call(this.branch7x7_2.call(this.branch7x7_1.call(x))) as Tensor;
    let branch7x7dbl = this.branch7x7dbl_2.call(this.branch7x7dbl_1.call(x)) as Tensor;
    branch7x7dbl = this.branch7x7dbl_5.call(this.branch7x7dbl_4.call(this.branch7x7dbl_3.call(branch7x7dbl))) as Tensor;
    const branchPool = this.branch_pool.call(avgPool3x3(x)) as Tensor;
    return [branch1x1, branch7x7, branch7x7dbl, branchPool];
  }
  override forward(x: Tensor): Tensor {
    return torch.cat(this._forward(x), 1);
  }
}

/** Grid reduction 17x17 to 8x8: 1x1 then strided 3x3; 1x1, 1x7, 7x1 then strided 3x3; strided 3x3 max pool. */
export class InceptionD extends nn.Module {
  declare branch3x3_1: Module; declare branch3x3_2: Module;
  declare branch7x7x3_1: Module; declare branch7x7x3_2: Module; declare branch7x7x3_3: Module; declare branch7x7x3_4: Module;
  constructor(inChannels: number, options: BlockOptions = {}) {
    super();
    const convBlock = convBlockOf('InceptionD', options);
    this.branch3x3_1 = new convBlock(inChannels, 192, { kernelSize: 1 });
    this.branch3x3_2 = new convBlock(192, 320, { kernelSize: 3, stride: 2 });
    this.branch7x7x3_1 = new convBlock(inChannels, 192, { kernelSize: 1 });
    this.branch7x7x3_2 = new convBlock(192, 192, { kernelSize: [1, 7], padding: [0, 3] });
    this.branch7x7x3_3 = new convBlock(192, 192, { kernelSize: [7, 1], padding: [3, 0] });
    this.branch7x7x3_4 = new convBlock(192, 192, { kernelSize: 3, stride: 2 });
  }
  _forward(x: Tensor): Tensor[] {
    const branch3x3 = this.branch3x3_2.call(this.branch3x3_1.call(x)) as Tensor;
    let branch7x7x3 = this.branch7x7x3_2.call(this.branch7x7x3_1.call(x)) as Tensor;
    branch7x7x3 = this.branch7x7x3_4.call(this.branch7x7x3_3.call(branch7x7x3)) as Tensor;
    const branchPool = nn.functional.maxPool2d(x, { kernelSize: 3, stride: 2 }) as Tensor;
    return [branch3x3, branch7x7x3, branchPool];
  }
  override forward(x: Tensor): Tensor {
    return torch.cat(this._forward(x), 1);
  }
}

/** 8x8 grid with expanded filter banks: the 3x3 branches split into parallel 1x3 and 3x1 convolutions. */
export class InceptionE extends nn.Module {
  declare branch1x1: Module;
  declare branch3x3_1: Module; declare branch3x3_2a: Module; declare branch3x3_2b: Module;
  declare branch3x3dbl_1: Module; declare branch3x3dbl_2: Module; declare branch3x3dbl_3a: Module; declare branch3x3dbl_3b: Module;
  declare branch_pool: Module;
  constructor(inChannels: number, options: BlockOptions = {}) {
    super();
    const convBlock = convBlockOf('InceptionE', options);
    this.branch1x1 = new convBlock(inChannels, 320, { kernelSize: 1 });
    this.branch3x3_1 = new convBlock(inChannels, 384, { kernelSize: 1 });
    this.branch3x3_2a = new convBlock(384, 384, { kernelSize: [1, 3], padding: [0, 1] });
    this.branch3x3_2b = new convBlock(384, 384, { kernelSize: [3, 1], padding: [1, 0] });
    this.branch3x3dbl_1 = new convBlock(inChannels, 448, { kernelSize: 1 });
    this.branch3x3dbl_2 = new convBlock(448, 384, { kernelSize: 3, padding: 1 });
    this.branch3x3dbl_3a = new convBlock(384, 384, { kernelSize: [1, 3], padding: [0, 1] });
    this.branch3x3dbl_3b = new convBlock(384, 384, { kernelSize: [3, 1], padding: [1, 0] });
    this.branch_pool = new convBlock(inChannels, 192, { kernelSize: 1 });
  }
  _forward(x: Tensor): Tensor[] {
    const branch1x1 = this.branch1x1.call(x) as Tensor;
    const b3 = this.branch3x3_1.call(x) as Tensor;
    const branch3x3 = torch.cat([this.branch3x3_2a.call(b3) as Tensor, this.branch3x3_2b.call(b3) as Tensor], 1);
    const b3dbl = this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)) as Tensor;
    const branch3x3dbl = torch.cat([this.branch3x3dbl_3a.call(b3dbl) as Tensor, this.branch3x3dbl_3b.call(b3dbl) as Tensor], 1);
    const branchPool = this.branch_pool.call(avgPool3x3(x)) as Tensor;
    return [branch1x1, branch3x3, branch3x3dbl, branchPool];
  }
  override forward(x: Tensor): Tensor {
    return torch.cat(this._forward(x), 1);
  }
}

/** The auxiliary classifier on the 17x17 grid: 5x5 average pool (stride 3), 1x1 and 5x5 convolutions, global pooling and a linear layer. */
class InceptionAux extends nn.Module {
  declare conv0: Module; declare conv1: Module & { stddev?: number }; declare fc: torch.nn.Linear & { stddev?: number };
  constructor(inChannels: number, numClasses: number, options: BlockOptions = {}) {
    super();
    const convBlock = convBlockOf('InceptionAux', options);
    this.conv0 = new convBlock(inChannels, 128, { kernelSize: 1 });
    this.conv1 = new convBlock(128, 768, { kernelSize: 5 });
    // as torchvision: on the block, where the initialization (which reads Conv2d and Linear layers) never sees it
    this.conv1.stddev = 0.01;
    this.fc = new nn.Linear(768, numClasses);
    this.fc.stddev = 0.001;
  }
  override forward(x: Tensor): Tensor {
    const F = nn.functional;
    const h = this.conv1.call(this.conv0.call(F.avgPool2d(x, { kernelSize: 5, stride: 3 }))) as Tensor; // N x 768 x 1 x 1 at 17x17
    return this.fc.call(torch.flatten(F.adaptiveAvgPool2d(h, [1, 1]), 1));
  }
}

// exported under another name: googlenet.ts has its own InceptionAux, and the models index exports both files
export { InceptionAux as Inception3Aux };

/** Python's InceptionOutputs namedtuple: [logits, auxLogits], the items also under their names. */
export type InceptionOutputs = [logits: Tensor, auxLogits: Tensor | null] & { readonly logits: Tensor; readonly auxLogits: Tensor | null };
/** Makes an InceptionOutputs (Python's `InceptionOutputs(logits, aux_logits)`). */
export function InceptionOutputs(logits: Tensor, auxLogits: Tensor | null): InceptionOutputs {
  return Object.assign([logits, auxLogits] as [Tensor, Tensor | null], { logits, auxLogits });
}

type BlockClass<A extends unknown[]> = new (...args: [...A, BlockOptions]) => Module;
/** The block classes Inception3 builds from (torchvision's `inception_blocks`): conv block, InceptionA to E, and the auxiliary head. */
export type InceptionBlocks = readonly [
  ConvBlock, BlockClass<[number, number]>, BlockClass<[number]>, BlockClass<[number, number]>, BlockClass<[number]>, BlockClass<[number]>, BlockClass<[number, number]>,
];

export interface Inception3Options {
  numClasses?: number;
  /** The auxiliary classifier (its logits come out in training mode; it needs 299x299 inputs or larger there). */
  auxLogits?: boolean;
  /** Maps inputs normalized with ImageNet's mean and std to the [-1, 1] scaling the ported weights expect. */
  transformInput?: boolean;
  inceptionBlocks?: InceptionBlocks | null;
  /** Truncated-normal initialization; null or absent: true, with torchvision's FutureWarning. */
  initWeights?: boolean | null;
  dropout?: number;
  weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}
const OPTION_KEYS = ['numClasses', 'auxLogits', 'transformInput', 'inceptionBlocks', 'initWeights', 'dropout', 'weights', 'progress'] as const;

/** torchvision's Inception3: the stem, Mixed_5b to Mixed_7c, the optional auxiliary head after Mixed_6e, pooling, dropout and the classifier. */
export class Inception3 extends nn.Module {
  declare Conv2d_1a_3x3: Module; declare Conv2d_2a_3x3: Module; declare Conv2d_2b_3x3: Module; declare maxpool1: torch.nn.MaxPool2d;
  declare Conv2d_3b_1x1: Module; declare Conv2d_4a_3x3: Module; declare maxpool2: torch.nn.MaxPool2d;
  declare Mixed_5b: Module; declare Mixed_5c: Module; declare Mixed_5d: Module;
  declare Mixed_6a: Module; declare Mixed_6b: Module; declare Mixed_6c: Module; declare Mixed_6d: Module; declare Mixed_6e: Module;
  declare AuxLogits: Module | null;
  declare Mixed_7a: Module; declare Mixed_7b: Module; declare Mixed_7c: Module;
  declare avgpool: torch.nn.AdaptiveAvgPool2d; declare dropout: torch.nn.Dropout; declare fc: torch.nn.Linear;
  auxLogits: boolean;
  transformInput: boolean;

  constructor(options: Inception3Options = {}) {
    super();
    const o = readOptions('Inception3', options, OPTION_KEYS) as Inception3Options;
    // a pretrained entry brings the builder's settings for it (torchvision's weights expect the transform; init would be overwritten)
    const pretrained = o.weights instanceof Weights;
    const { numClasses = 1000, auxLogits = true, transformInput = pretrained, dropout = 0.5 } = o;
    const blocks = o.inceptionBlocks ?? [BasicConv2d, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionAux];
    const initWeights = resolveInitWeights('inception_v3', o.initWeights, pretrained);
    if (!Array.isArray(blocks) || blocks.length !== 7) throw new RangeError(`length of inception_blocks should be 7 instead of ${Array.isArray(blocks) ? blocks.length : describe(blocks)}`);
    const [convBlock, inceptionA, inceptionB, inceptionC, inceptionD, inceptionE, inceptionAux] = blocks;

    this.auxLogits = auxLogits;
    this.transformInput = transformInput;
    this.Conv2d_1a_3x3 = new convBlock(3, 32, { kernelSize: 3, stride: 2 });
    this.Conv2d_2a_3x3 = new convBlock(32, 32, { kernelSize: 3 });
    this.Conv2d_2b_3x3 = new convBlock(32, 64, { kernelSize: 3, padding: 1 });
    this.maxpool1 = new nn.MaxPool2d(3, { stride: 2 });
    this.Conv2d_3b_1x1 = new convBlock(64, 80, { kernelSize: 1 });
    this.Conv2d_4a_3x3 = new convBlock(80, 192, { kernelSize: 3 });
    this.maxpool2 = new nn.MaxPool2d(3, { stride: 2 });
    this.Mixed_5b = new inceptionA(192, 32, {});
    this.Mixed_5c = new inceptionA(256, 64, {});
    this.Mixed_5d = new inceptionA(288, 64, {});
    this.Mixed_6a = new inceptionB(288, {});
    this.Mixed_6b = new inceptionC(768, 128, {});
    this.Mixed_6c = new inceptionC(768, 160, {});
    this.Mixed_6d = new inceptionC(768, 160, {});
    this.Mixed_6e = new inceptionC(768, 192, {});
    // without the head, a plain null attribute (not a registered submodule), as torchvision's
    this.AuxLogits = auxLogits ? new inceptionAux(768, numClasses, {}) : null;
    this.Mixed_7a = new inceptionD(768, {});
    this.Mixed_7b = new inceptionE(1280, {});
    this.Mixed_7c = new inceptionE(2048, {});
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.dropout = new nn.Dropout(dropout);
    this.fc = new nn.Linear(2048, numClasses);
    if (initWeights) initInceptionWeights(this, 0.1, true);
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }

  /** With transformInput: each channel from ImageNet normalization to (x - 0.5) / 0.5 scaling. */
  _transformInput(x: Tensor): Tensor {
    return this.transformInput ? imagenetToHalfScale(x) : x;
  }

  /** [logits, aux]: the auxiliary logits only in training mode with the head, else null. */
  _forward(x: Tensor): [Tensor, Tensor | null] {
    x = this.Conv2d_2b_3x3.call(this.Conv2d_2a_3x3.call(this.Conv2d_1a_3x3.call(x))) as Tensor;
    x = this.maxpool1.call(x) as Tensor;
    x = this.maxpool2.call(this.Conv2d_4a_3x3.call(this.Conv2d_3b_1x1.call(x)) as Tensor) as Tensor;
    x = this.Mixed_6a.call(this.Mixed_5d.call(this.Mixed_5c.call(this.Mixed_5b.call(x)))) as Tensor;
    x = this.Mixed_6e.call(this.Mixed_6d.call(this.Mixed_6c.call(this.Mixed_6b.call(x)))) as Tensor;
    const aux = this.AuxLogits !== null && this.training ? (this.AuxLogits.call(x) as Tensor) : null;
    x = this.Mixed_7c.call(this.Mixed_7b.call(this.Mixed_7a.call(x))) as Tensor;
    x = torch.flatten(this.dropout.call(this.avgpool.call(x)), 1); // dropout before flatten, as torchvision
    return [this.fc.call(x), aux];
  }

  /** InceptionOutputs in training mode with the auxiliary head, else the logits alone. */
  eagerOutputs(x: Tensor, aux: Tensor | null): Tensor | InceptionOutputs {
    return this.training && this.auxLogits ? InceptionOutputs(x, aux) : x;
  }

  override forward(x: Tensor): Tensor | InceptionOutputs {
    const [logits, aux] = this._forward(this._transformInput(x));
    return this.eagerOutputs(logits, aux);
  }
}

/**
 * Inception v3 (expects 299x299 inputs; at least 75x75). With weights, as torchvision: transformInput
 * defaults to true and the auxiliary head is kept (auxLogits must stay true; the head only runs in training).
 */
export function inception_v3(options: Inception3Options = {}): Inception3 {
  const o = resolveWeights(W.Inception_V3_Weights, options, () => ({ auxLogits: true, initWeights: false }));
  return new Inception3(o.weights instanceof Weights ? { transformInput: true, ...o } : o);
}
