// torchvision.models.googlenet: GoogLeNet, Inception v1 (Szegedy et al., 2015), with torchvision's
// module names, construction order and initialization; in training mode with the auxiliary heads it
// returns GoogLeNetOutputs, Python's namedtuple as an array that also has the field names.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import type { ConvOptions } from '../../nn/modules/conv.js';
import { describe, readOptions } from '../../options.js';
import { warn } from '../../warnings.js';
import { loadWeights, resolveWeights, Weights } from './weights.js';
import * as W from './weights_table.js';
import { imagenetToHalfScale, initInceptionWeights, resolveInitWeights } from './_inception_common.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** BasicConv2d's options: Conv2d's (kernelSize among them), less `bias`, which is always false. */
export type BasicConv2dOptions = Omit<ConvOptions, 'bias'> & { kernelSize: number | readonly number[] };
/** What builds a convolution block (torchvision's `conv_block`): BasicConv2d or a class with its arguments. */
export type ConvBlock = new (inChannels: number, outChannels: number, options: BasicConv2dOptions) => Module;

/** Convolution without bias, batch norm (eps 1e-3) and ReLU. */
export class BasicConv2d extends nn.Module {
  declare conv: torch.nn.Conv2d; declare bn: torch.nn.BatchNorm2d;
  /** Set on some blocks by Inception v3 (as torchvision does); its initialization only reads it on Conv2d and Linear layers. */
  declare stddev?: number;
  constructor(inChannels: number, outChannels: number, options: BasicConv2dOptions) {
    super();
    this.conv = new nn.Conv2d(inChannels, outChannels, { ...readOptions('BasicConv2d', options, ['kernelSize', 'stride', 'padding', 'dilation', 'groups', 'paddingMode', 'device', 'dtype']), bias: false } as ConvOptions & { kernelSize: number });
    this.bn = new nn.BatchNorm2d(outChannels, { eps: 0.001 });
  }
  override forward(x: Tensor): Tensor {
    return nn.functional.relu(this.bn.call(this.conv.call(x)), true);
  }
}

/** Four branches, concatenated on channels: 1x1; 1x1 then 3x3; 1x1 then 3x3 (torchvision's 5x5, see below); 3x3 max-pool then 1x1. */
export class Inception extends nn.Module {
  declare branch1: Module; declare branch2: torch.nn.Sequential; declare branch3: torch.nn.Sequential; declare branch4: torch.nn.Sequential;
  constructor(inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number, options: { convBlock?: ConvBlock | null } = {}) {
    super();
    const convBlock = readOptions('Inception', options, ['convBlock']).convBlock as ConvBlock | null | undefined ?? BasicConv2d;
    this.branch1 = new convBlock(inChannels, ch1x1, { kernelSize: 1 });
    this.branch2 = new nn.Sequential(new convBlock(inChannels, ch3x3red, { kernelSize: 1 }), new convBlock(ch3x3red, ch3x3, { kernelSize: 3, padding: 1 }));
    this.branch3 = new nn.Sequential(
      new convBlock(inChannels, ch5x5red, { kernelSize: 1 }),
      // kernel size 3 where the paper has 5: torchvision's known bug (pytorch/vision#906), kept so its weights load
      new convBlock(ch5x5red, ch5x5, { kernelSize: 3, padding: 1 }),
    );
    this.branch4 = new nn.Sequential(new nn.MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new convBlock(inChannels, poolProj, { kernelSize: 1 }));
  }
  /** The four branches' outputs, in order. */
  _forward(x: Tensor): Tensor[] {
    return [this.branch1.call(x) as Tensor, this.branch2.call(x) as Tensor, this.branch3.call(x) as Tensor, this.branch4.call(x) as Tensor];
  }
  override forward(x: Tensor): Tensor {
    return torch.cat(this._forward(x), 1);
  }
}

/** An auxiliary classifier on an intermediate feature map: 4x4 average pool, 1x1 convolution, two linear layers with dropout. */
export class InceptionAux extends nn.Module {
  declare conv: Module; declare fc1: torch.nn.Linear; declare fc2: torch.nn.Linear; declare dropout: torch.nn.Dropout;
  constructor(inChannels: number, numClasses: number, options: { convBlock?: ConvBlock | null; dropout?: number } = {}) {
    super();
    const { convBlock, dropout = 0.7 } = readOptions('InceptionAux', options, ['convBlock', 'dropout']) as { convBlock?: ConvBlock | null; dropout?: number };
    this.conv = new (convBlock ?? BasicConv2d)(inChannels, 128, { kernelSize: 1 });
    this.fc1 = new nn.Linear(2048, 1024);
    this.fc2 = new nn.Linear(1024, numClasses);
    this.dropout = new nn.Dropout(dropout);
  }
  override forward(x: Tensor): Tensor {
    const F = nn.functional;
    const pooled = this.conv.call(F.adaptiveAvgPool2d(x, [4, 4])) as Tensor; // N x 128 x 4 x 4
    const hidden = F.relu(this.fc1.call(torch.flatten(pooled, 1)), true);
    return this.fc2.call(this.dropout.call(hidden));
  }
}

/** Python's GoogLeNetOutputs namedtuple: [logits, auxLogits2, auxLogits1], the items also under their names. */
export type GoogLeNetOutputs = [logits: Tensor, auxLogits2: Tensor | null, auxLogits1: Tensor | null]
  & { readonly logits: Tensor; readonly auxLogits2: Tensor | null; readonly auxLogits1: Tensor | null };
/** Makes a GoogLeNetOutputs (Python's `GoogLeNetOutputs(logits, aux_logits2, aux_logits1)`). */
export function GoogLeNetOutputs(logits: Tensor, auxLogits2: Tensor | null, auxLogits1: Tensor | null): GoogLeNetOutputs {
  return Object.assign([logits, auxLogits2, auxLogits1] as [Tensor, Tensor | null, Tensor | null], { logits, auxLogits2, auxLogits1 });
}

/** The block classes GoogLeNet builds from: [conv block, inception block, auxiliary head] (torchvision's `blocks`). */
export type GoogLeNetBlocks = readonly [
  ConvBlock,
  new (inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number, options: { convBlock?: ConvBlock | null }) => Module,
  new (inChannels: number, numClasses: number, options: { dropout?: number }) => Module,
];

export interface GoogLeNetOptions {
  numClasses?: number;
  /** The two auxiliary classifiers (their logits come out in training mode). */
  auxLogits?: boolean;
  /** Maps inputs normalized with ImageNet's mean and std to the [-1, 1] scaling the ported weights expect. */
  transformInput?: boolean;
  /** Truncated-normal initialization; null or absent: true, with torchvision's FutureWarning. */
  initWeights?: boolean | null;
  blocks?: GoogLeNetBlocks | null;
  dropout?: number; dropoutAux?: number;
  weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}
const OPTION_KEYS = ['numClasses', 'auxLogits', 'transformInput', 'initWeights', 'blocks', 'dropout', 'dropoutAux', 'weights', 'progress'] as const;

/** torchvision's GoogLeNet: stem, nine inception blocks in three stages, optional auxiliary heads, pooling, dropout and the classifier. */
export class GoogLeNet extends nn.Module {
  declare conv1: Module; declare maxpool1: torch.nn.MaxPool2d; declare conv2: Module; declare conv3: Module; declare maxpool2: torch.nn.MaxPool2d;
  declare inception3a: Module; declare inception3b: Module; declare maxpool3: torch.nn.MaxPool2d;
  declare inception4a: Module; declare inception4b: Module; declare inception4c: Module; declare inception4d: Module; declare inception4e: Module;
  declare maxpool4: torch.nn.MaxPool2d; declare inception5a: Module; declare inception5b: Module;
  declare aux1: Module | null; declare aux2: Module | null;
  declare avgpool: torch.nn.AdaptiveAvgPool2d; declare dropout: torch.nn.Dropout; declare fc: torch.nn.Linear;
  auxLogits: boolean;
  transformInput: boolean;

  constructor(options: GoogLeNetOptions = {}) {
    super();
    const o = readOptions('GoogLeNet', options, OPTION_KEYS) as GoogLeNetOptions;
    // a pretrained entry brings the builder's settings for it (torchvision's weights expect the transform; init would be overwritten)
    const pretrained = o.weights instanceof Weights;
    const { numClasses = 1000, auxLogits = true, transformInput = pretrained, dropout = 0.2, dropoutAux = 0.7 } = o;
    const blocks = o.blocks ?? [BasicConv2d, Inception, InceptionAux];
    const initWeights = resolveInitWeights('GoogleNet', o.initWeights, pretrained);
    if (!Array.isArray(blocks) || blocks.length !== 3) throw new RangeError(`blocks length should be 3 instead of ${Array.isArray(blocks) ? blocks.length : describe(blocks)}`);
    const [convBlock, inceptionBlock, inceptionAuxBlock] = blocks;
    this.auxLogits = auxLogits;
    this.transformInput = transformInput;

    this.conv1 = new convBlock(3, 64, { kernelSize: 7, stride: 2, padding: 3 });
    this.maxpool1 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });
    this.conv2 = new convBlock(64, 64, { kernelSize: 1 });
    this.conv3 = new convBlock(64, 192, { kernelSize: 3, padding: 1 });
    this.maxpool2 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });

    const inception = (...args: [number, number, number, number, number, number, number]): Module => new inceptionBlock(...args, {});
    this.inception3a = inception(192, 64, 96, 128, 16, 32, 32);
    this.inception3b = inception(256, 128, 128, 192, 32, 96, 64);
    this.maxpool3 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });

    this.inception4a = inception(480, 192, 96, 208, 16, 48, 64);
    this.inception4b = inception(512, 160, 112, 224, 24, 64, 64);
    this.inception4c = inception(512, 128, 128, 256, 24, 64, 64);
    this.inception4d = inception(512, 112, 144, 288, 32, 64, 64);
    this.inception4e = inception(528, 256, 160, 320, 32, 128, 128);
    this.maxpool4 = new nn.MaxPool2d(2, { stride: 2, ceilMode: true });

    this.inception5a = inception(832, 256, 160, 320, 32, 128, 128);
    this.inception5b = inception(832, 384, 192, 384, 48, 128, 128);

    // without the heads, plain null attributes (not registered submodules), as torchvision's `self.aux1 = None`
    this.aux1 = auxLogits ? new inceptionAuxBlock(512, numClasses, { dropout: dropoutAux }) : null;
    this.aux2 = auxLogits ? new inceptionAuxBlock(528, numClasses, { dropout: dropoutAux }) : null;

    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.dropout = new nn.Dropout(dropout);
    this.fc = new nn.Linear(1024, numClasses);

    if (initWeights) initInceptionWeights(this, 0.01, false);
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }

  /** With transformInput: each channel from ImageNet normalization to (x - 0.5) / 0.5 scaling. */
  _transformInput(x: Tensor): Tensor {
    return this.transformInput ? imagenetToHalfScale(x) : x;
  }

  /** [logits, aux2, aux1]: the auxiliary logits only in training mode with the heads, else null. */
  _forward(x: Tensor): [Tensor, Tensor | null, Tensor | null] {
    x = this.maxpool1.call(this.conv1.call(x) as Tensor) as Tensor;
    x = this.maxpool2.call(this.conv3.call(this.conv2.call(x)) as Tensor) as Tensor;
    x = this.maxpool3.call(this.inception3b.call(this.inception3a.call(x)) as Tensor) as Tensor;
    x = this.inception4a.call(x) as Tensor;
    const aux1 = this.aux1 !== null && this.training ? (this.aux1.call(x) as Tensor) : null;
    x = this.inception4d.call(this.inception4c.call(this.inception4b.call(x))) as Tensor;
    const aux2 = this.aux2 !== null && this.training ? (this.aux2.call(x) as Tensor) : null;
    x = this.maxpool4.call(this.inception4e.call(x) as Tensor) as Tensor;
    x = this.inception5b.call(this.inception5a.call(x)) as Tensor;
    x = this.dropout.call(torch.flatten(this.avgpool.call(x), 1));
    return [this.fc.call(x), aux2, aux1];
  }

  /** GoogLeNetOutputs in training mode with the auxiliary heads, else the logits alone. */
  eagerOutputs(x: Tensor, aux2: Tensor | null, aux1: Tensor | null): Tensor | GoogLeNetOutputs {
    return this.training && this.auxLogits ? GoogLeNetOutputs(x, aux2, aux1) : x;
  }

  override forward(x: Tensor): Tensor | GoogLeNetOutputs {
    const [logits, aux2, aux1] = this._forward(this._transformInput(x));
    return this.eagerOutputs(logits, aux2, aux1);
  }
}

/**
 * GoogLeNet (Inception v1). With weights, as torchvision: transformInput defaults to true, the model is
 * built with the auxiliary heads to load them, and they are dropped afterwards unless auxLogits was true
 * (they are not pretrained).
 */
export function googlenet(options: GoogLeNetOptions = {}): GoogLeNet {
  const originalAuxLogits = options.auxLogits ?? false;
  const o = resolveWeights(W.GoogLeNet_Weights, options, () => ({ auxLogits: true, initWeights: false }));
  const pretrained = o.weights instanceof Weights;
  const model = new GoogLeNet(pretrained ? { transformInput: true, ...o } : o);
  if (pretrained) {
    if (!originalAuxLogits) {
      model.auxLogits = false;
      const dropped = [model.aux1, model.aux2];
      model.registerModule('aux1', null); // None placeholders, as torchvision's `model.aux1 = None` over a submodule
      model.registerModule('aux2', null);
      for (const head of dropped) head?.dispose(); // their loaded weights now, not at GC
    } else {
      warn('auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure to train them', 'UserWarning');
    }
  }
  return model;
}
