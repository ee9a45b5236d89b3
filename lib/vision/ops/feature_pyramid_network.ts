// torchvision.ops.feature_pyramid_network (0.28): the Feature Pyramid Network (Lin et al., 2017) on top of a
// backbone's feature maps, with torchvision's module names, construction order and initialization, and its
// extra blocks (LastLevelMaxPool for Faster R-CNN, LastLevelP6P7 for RetinaNet). Python's OrderedDict of
// feature maps is a Map<string, Tensor> or a plain object here; the result is the same kind.
import * as torch from '../../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import type { LoadMetadata } from '../../nn/module.js';
import { describe, isOptionsObject } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { Conv2dNormActivation, type NormLayerFactory } from './misc.js';

const { nn } = torch;

/** Python's OrderedDict[str, Tensor]: a Map, or a plain object (its keys in JS's order). */
export type FeatureMaps = Map<string, Tensor> | Record<string, Tensor>;

/**
 * The base of the FPN's extra blocks (torchvision.ops.feature_pyramid_network.ExtraFPNBlock): forward(results,
 * x, names) gets the FPN's outputs, the original feature maps and their names, and returns the extended
 * [results, names]; torchvision's blocks append to the arrays they are given and return them.
 */
export class ExtraFPNBlock extends nn.Module {
  override forward(results: Tensor[], x: Tensor[], names: string[]): [Tensor[], string[]];
  override forward(..._args: unknown[]): [Tensor[], string[]] {
    throw new Error(`${this.constructor.name}.forward: an ExtraFPNBlock subclass must define forward(results, x, names)`);
  }
}

/** Adds 'pool': the last FPN output subsampled by 2 (a max_pool2d of kernel 1), as Faster R-CNN's FPN does. */
export class LastLevelMaxPool extends ExtraFPNBlock {
  override forward(x: Tensor[], _y: Tensor[], names: string[]): [Tensor[], string[]] {
    names.push('pool');
    x.push(nn.functional.maxPool2d(x[x.length - 1]!, 1, { stride: 2, padding: 0 })); // stride 2 subsampling
    return [x, names];
  }
}

const P6P7 = signature('LastLevelP6P7', { inChannels: REQUIRED, outChannels: REQUIRED });

/** Adds 'p6' and 'p7' (RetinaNet): stride-2 3x3 convolutions on P5 (when inChannels == outChannels) or else on C5, then on relu(P6). */
export class LastLevelP6P7 extends ExtraFPNBlock {
  declare p6: torch.nn.Conv2d; declare p7: torch.nn.Conv2d;
  readonly useP5: boolean;
  constructor(inChannels: number, outChannels: number);
  constructor(...args: PyArgs<[inChannels: number, outChannels: number], { inChannels?: number; outChannels?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, outChannels] = bind(P6P7, args) as [number, number];
    this.p6 = new nn.Conv2d(inChannels, outChannels, 3, 2, 1);
    this.p7 = new nn.Conv2d(outChannels, outChannels, 3, 2, 1);
    for (const module of [this.p6, this.p7]) {
      nn.init.kaimingUniform_(module.weight, { a: 1 });
      nn.init.constant_(module.bias!, 0);
    }
    this.useP5 = inChannels === outChannels;
  }
  override forward(p: Tensor[], c: Tensor[], names: string[]): [Tensor[], string[]] {
    const x = this.useP5 ? p[p.length - 1]! : c[c.length - 1]!;
    const p6 = this.p6.call(x) as Tensor;
    const p7 = this.p7.call(nn.functional.relu(p6)) as Tensor;
    p.push(p6, p7);
    names.push('p6', 'p7');
    return [p, names];
  }
}

export interface FeaturePyramidNetworkOptions { inChannelsList?: readonly number[]; outChannels?: number; extraBlocks?: ExtraFPNBlock | null; normLayer?: NormLayerFactory | null }
const FPN = signature('FeaturePyramidNetwork', { inChannelsList: REQUIRED, outChannels: REQUIRED, extraBlocks: null, normLayer: null });

/**
 * torchvision's FeaturePyramidNetwork: per input level a 1x1 lateral convolution (inner_blocks) and a 3x3
 * output convolution (layer_blocks), each a Conv2dNormActivation without activation; the top-down path adds
 * each level's lateral to the nearest-upsampled level above. Feature maps go in in increasing depth order.
 */
export class FeaturePyramidNetwork extends nn.Module {
  static override _version = 2;
  declare inner_blocks: torch.nn.ModuleList; declare layer_blocks: torch.nn.ModuleList; declare extra_blocks: ExtraFPNBlock | null;
  constructor(inChannelsList: readonly number[], outChannels: number, ...args: PyArgs<[extraBlocks: ExtraFPNBlock | null, normLayer: NormLayerFactory | null], FeaturePyramidNetworkOptions>);
  constructor(...args: unknown[]) {
    super();
    const [inChannelsList, outChannels, extraBlocks, normLayer] = bind(FPN, args);
    const fn = FPN.fn;
    if (!Array.isArray(inChannelsList)) throw new TypeError(`${fn}: inChannelsList must be an array of channel counts, got ${describe(inChannelsList)}`);
    if (typeof outChannels !== 'number') throw new TypeError(`${fn}: outChannels must be an int, got ${describe(outChannels)}`);
    if (normLayer !== null && typeof normLayer !== 'function') throw new TypeError(`${fn}: normLayer must be a function that makes a module, or null, got ${describe(normLayer)}`);
    this.inner_blocks = new nn.ModuleList();
    this.layer_blocks = new nn.ModuleList();
    for (const inChannels of inChannelsList as unknown[]) {
      if (inChannels === 0) throw new RangeError(`${fn}: in_channels=0 is currently not supported`);
      if (typeof inChannels !== 'number') throw new TypeError(`${fn}: inChannelsList must hold ints, got ${describe(inChannels)}`);
      const norm = normLayer as NormLayerFactory | null;
      this.inner_blocks.append(new Conv2dNormActivation(inChannels, outChannels, { kernelSize: 1, padding: 0, normLayer: norm, activationLayer: null }));
      this.layer_blocks.append(new Conv2dNormActivation(outChannels, outChannels, { kernelSize: 3, normLayer: norm, activationLayer: null }));
    }
    // initialized before extra_blocks is attached, so that its own initialization stays as it made it
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingUniform_(m.weight, { a: 1 });
        if (m.bias) nn.init.constant_(m.bias, 0);
      }
    }
    if (extraBlocks !== null && !(extraBlocks instanceof ExtraFPNBlock))
      throw new TypeError(`${fn}: extra_blocks should be of type ExtraFPNBlock not ${describe(extraBlocks)}`);
    this.extra_blocks = extraBlocks;
  }

  // State dicts from before version 2 name the convolutions inner_blocks.<i>.weight, not inner_blocks.<i>.0.weight.
  // loadStateDict passes no version, so (as Python for a state dict without _metadata) old names are always renamed.
  protected override _loadFromStateDict(stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    const version = localMetadata.version;
    if (version === undefined || version < 2) {
      const numBlocks = this.inner_blocks.length;
      for (const block of ['inner_blocks', 'layer_blocks']) {
        for (let i = 0; i < numBlocks; i++) {
          for (const type of ['weight', 'bias']) {
            const oldKey = `${prefix}${block}.${i}.${type}`;
            if (oldKey in stateDict) {
              const value = stateDict[oldKey];
              delete stateDict[oldKey];
              stateDict[`${prefix}${block}.${i}.0.${type}`] = value;
            }
          }
        }
      }
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }

  /** Python's fpn(x): forward with the hooks, typed per input kind (a Map gives a Map, a plain object a plain object). */
  override call(x: Map<string, Tensor>): Map<string, Tensor>;
  override call(x: Record<string, Tensor>): Record<string, Tensor>;
  override call(x: FeatureMaps): FeatureMaps {
    return super.call(x as Record<string, Tensor>);
  }

  /** The FPN of `x`'s feature maps (highest resolution first), keyed as `x` and then the extra block's names. */
  override forward(x: Map<string, Tensor>): Map<string, Tensor>;
  override forward(x: Record<string, Tensor>): Record<string, Tensor>;
  override forward(x: FeatureMaps): FeatureMaps {
    const fn = 'FeaturePyramidNetwork.forward';
    const isMap = x instanceof Map;
    if (!isMap && !isOptionsObject(x)) throw new TypeError(`${fn}: expected a Map or a plain object of feature maps, got ${describe(x)}`);
    const entries = isMap ? [...x] : Object.entries(x);
    let names = entries.map(([k]) => k);
    const features = entries.map(([, v]) => v);
    features.forEach((v, i) => {
      if (!isTensor(v)) throw new TypeError(`${fn}: feature map '${names[i]}' must be a Tensor, got ${describe(v)}`);
    });
    const numBlocks = this.inner_blocks.length;
    // torchvision would use the last block for the last map whatever their count (and skip blocks past the end)
    if (features.length !== numBlocks) throw new RangeError(`${fn}: expected ${numBlocks} feature maps (one per inChannelsList entry), got ${features.length}`);

    let lastInner = this.inner_blocks.at(-1).call(features[features.length - 1]) as Tensor;
    let results: Tensor[] = [this.layer_blocks.at(-1).call(lastInner) as Tensor];
    for (let idx = features.length - 2; idx >= 0; idx--) {
      const innerLateral = this.inner_blocks.at(idx).call(features[idx]) as Tensor;
      const innerTopDown = nn.functional.interpolate(lastInner, { size: innerLateral.shape.slice(-2), mode: 'nearest' });
      lastInner = innerLateral.add(innerTopDown);
      innerTopDown.dispose(); // no module or caller sees it: freed now, not at GC
      results.unshift(this.layer_blocks.at(idx).call(lastInner) as Tensor);
    }
    if (this.extra_blocks !== null) [results, names] = this.extra_blocks.call(results, features, names) as [Tensor[], string[]];

    // Python's OrderedDict(zip(names, results)): as many entries as the shorter list, a repeated name keeps its first place
    const count = Math.min(names.length, results.length);
    if (isMap) {
      const out = new Map<string, Tensor>();
      for (let i = 0; i < count; i++) out.set(names[i]!, results[i]!);
      return out;
    }
    const out: Record<string, Tensor> = {};
    for (let i = 0; i < count; i++) out[names[i]!] = results[i]!;
    const order = [...new Set(names.slice(0, count))];
    if (Object.keys(out).some((k, i) => k !== order[i]))
      throw new RangeError(`${fn}: a plain object cannot keep the names [${order.join(', ')}] in this order (JS lists integer keys first, ascending): pass the feature maps as a Map`);
    return out;
  }
}
