// vision.models against torchvision 0.28 (test/fixtures/vision-models.json, made by
// scripts/make-vision-models-fixtures.py): each architecture built after torch.manualSeed(0) must have
// torchvision's state dict (names, shapes and the SHA-256 of every tensor's bytes: the same weights bit
// for bit) and module tree, and on the same seeded input the same eval and train outputs, input gradient
// and running statistics: bit-exact on the CPU model that made the fixture (oneDNN picks kernels by
// CPU), within float rounding elsewhere.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { runWithGc, startRoundWorkers } from './run-child.js';
import { vision } from '../lib/index.js';
import { cpuModel } from './cpu-model.js';
import { KeyError } from '../lib/errors.js';
import { warningsOf } from './warnings-of.js';
import { legacyPretrained, type WeightsOptions } from '../lib/vision/models/weights.js';
import { expectTorchvisionState, sha } from './model-fixtures.js';
import { check, STRUCTURE_ONLY, type TensorEnc } from './golden-replay.js';

const M = vision.models;
type Tensor = torch.Tensor;
interface Case {
  name: string; py: string; input: number[]; state: [string, number[], string, string][]; modules: [string, string][];
  eval: TensorEnc | { dict: Record<string, TensorEnc> }; train: TensorEnc | { seq: TensorEnc[] } | { dict: Record<string, TensorEnc> }; inputGrad: string; grads: [string, string][]; buffers: [string, string][]; numParams: number;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-models.json', import.meta.url), 'utf8')) as { meta: { cpuModel: string }; cases: Case[] };
const sameCpu = cpuModel === fx.meta.cpuModel;
// On another CPU identity (test/cpu-model.ts) oneDNN's convolutions round differently: eval outputs agree to
// 1e-3 (deep nets carry the rounding: 5e-4 relative on Inception v3, AVX2 against AVX-512 kernels); train
// outputs go through BatchNorm's batch statistics over a batch of 1 or 2, which amplify last-bit differences
// without bound (0.51 against -0.13 on RegNet), so there only their dtypes and shapes compare.
const EVAL_TOL = sameCpu ? undefined : { rtol: 1e-3, atol: 1e-3 };
const TRAIN_TOL = sameCpu ? undefined : STRUCTURE_ONLY;
torch.setNumThreads(1); // as the generator ran

const TMP = mkdtempSync(join(tmpdir(), 'torchnode-models-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));


// The JS port of each Python constructor call (fx.cases[i].py).
const PORTS: Record<string, () => torch.nn.Module> = {
  resnet18: () => M.resnet18({ numClasses: 10 }),
  resnet34: () => M.resnet34({ numClasses: 7 }),
  resnet50: () => M.resnet50({ numClasses: 10 }),
  resnet18_zero_init: () => M.resnet18({ numClasses: 5, zeroInitResidual: true }),
  resnet50_zero_init_dilated: () => M.resnet50({ numClasses: 4, zeroInitResidual: true, replaceStrideWithDilation: [false, true, true] }),
  resnext50_32x4d: () => M.resnext50_32x4d({ numClasses: 6 }),
  wide_resnet50_2: () => M.wide_resnet50_2({ numClasses: 3 }),
  resnet101: () => M.resnet101(),
  resnet18_groupnorm: () => M.resnet18({ numClasses: 10, normLayer: (c) => new torch.nn.GroupNorm(8, c) }),
  vgg11_bn: () => M.vgg11_bn({ numClasses: 10 }),
  vgg13_no_init: () => M.vgg13({ numClasses: 3, initWeights: false, dropout: 0.2 }),
  alexnet: () => M.alexnet({ numClasses: 10 }),
  mobilenet_v2: () => M.mobilenet_v2({ numClasses: 10 }),
  mobilenet_v2_half: () => M.mobilenet_v2({ numClasses: 4, widthMult: 0.5, dropout: 0.3 }),
  mobilenet_v3_large: () => M.mobilenet_v3_large({ numClasses: 10 }),
  densenet121: () => M.densenet121({ numClasses: 10 }),
  densenet_small_efficient: () => new M.DenseNet({ growthRate: 12, blockConfig: [2, 3], numInitFeatures: 16, dropRate: 0.2, memoryEfficient: true, numClasses: 5 }),
  efficientnet_b0: () => M.efficientnet_b0({ numClasses: 10 }),
  efficientnet_b3_opts: () => M.efficientnet_b3({ numClasses: 4, dropout: 0.1, stochasticDepthProb: 0.5 }),
  efficientnet_b5: () => M.efficientnet_b5({ numClasses: 3 }),
  efficientnet_v2_s: () => M.efficientnet_v2_s({ numClasses: 10 }),
  vit_small: () => new M.VisionTransformer(32, 8, 2, 4, 64, 128, { numClasses: 10, dropout: 0.1, attentionDropout: 0.1 }),
  vit_representation: () => new M.VisionTransformer(32, 16, 1, 2, 32, 64, { representationSize: 48, numClasses: 3 }),
  vit_b_32: () => M.vit_b_32({ imageSize: 64, numClasses: 10 }),
  convnext_tiny: () => M.convnext_tiny({ numClasses: 10 }),
  convnext_small_custom: () => new M.ConvNeXt([{ inputChannels: 16, outChannels: 32, numLayers: 2 }, { inputChannels: 32, outChannels: null, numLayers: 2 }],
    { stochasticDepthProb: 0.3, layerScale: 0.5, numClasses: 4 }),
  shufflenet_v2_x0_5: () => M.shufflenet_v2_x0_5({ numClasses: 10 }),
  shufflenet_v2_x1_0: () => M.shufflenet_v2_x1_0({ numClasses: 5 }),
  squeezenet1_0: () => M.squeezenet1_0({ numClasses: 10 }),
  squeezenet1_1: () => M.squeezenet1_1({ numClasses: 4, dropout: 0.2 }),
  mnasnet1_0: () => M.mnasnet1_0({ numClasses: 10 }),
  mnasnet0_75: () => M.mnasnet0_75({ numClasses: 3, dropout: 0.4 }),
  mobilenet_v3_small_reduced: () => M.mobilenet_v3_small({ numClasses: 5, reducedTail: true, dilated: true, widthMult: 0.75 }),
  regnet_y_400mf: () => M.regnet_y_400mf({ numClasses: 10 }),
  regnet_x_400mf: () => M.regnet_x_400mf({ numClasses: 5 }),
  regnet_custom_se: () => new M.RegNet(M.BlockParams.fromInitParams({ depth: 7, w0: 16, wA: 12.3, wM: 2.5, groupWidth: 12, bottleneckMultiplier: 1.5, seRatio: 0.25 }),
    { numClasses: 4, stemWidth: 18 }),
  regnet_direct_groupnorm_silu: () => new M.RegNet(new M.BlockParams([1, 2], [15, 27], [4, 8], [0.5, 1.5], [2, 2], 0.3),
    { numClasses: 3, stemWidth: 18, normLayer: (c) => new torch.nn.GroupNorm(1, c), activation: (i) => new torch.nn.SiLU(i) }),
  googlenet: () => M.googlenet({ numClasses: 10, auxLogits: false, initWeights: true }),
  googlenet_aux_ti: () => M.googlenet({ numClasses: 5, transformInput: true, initWeights: true, dropout: 0.3, dropoutAux: 0.5 }),
  inception_v3: () => M.inception_v3({ numClasses: 10, auxLogits: false, initWeights: true }),
  inception_v3_ti: () => M.inception_v3({ numClasses: 3, auxLogits: false, transformInput: true, initWeights: true, dropout: 0.2 }),
  swin_small_padded: () => new M.SwinTransformer([4, 4], 16, [2, 2], [2, 4], [4, 4], { stochasticDepthProb: 0.2, numClasses: 5 }),
  swin_v2_small_padded: () => new M.SwinTransformer([4, 4], 16, [2, 2], [2, 4], [4, 4],
    { stochasticDepthProb: 0.2, numClasses: 5, block: M.SwinTransformerBlockV2, downsampleLayer: M.PatchMergingV2 }),
  swin_rect_opts: () => new M.SwinTransformer([2, 3], 12, [1, 2, 2], [3, 3, 6], [3, 5], { mlpRatio: 2.5, dropout: 0.1, attentionDropout: 0.2,
    stochasticDepthProb: 0.3, numClasses: 4, normLayer: (c) => new torch.nn.LayerNorm(c, { eps: 1e-6 }) }),
  swin_v2_t: () => M.swin_v2_t({ numClasses: 10 }),
  maxvit_small: () => new M.MaxVit([32, 32], 8, 2, [16, 32], [1, 2], 8, 0.2, { numClasses: 5 }),
  maxvit_opts: () => new M.MaxVit([64, 64], 8, 4, [8, 16], [2, 1], 4, 0.5, { squeezeRatio: 0.5, expansionRatio: 2, mlpRatio: 2, mlpDropout: 0.1,
    attentionDropout: 0.2, numClasses: 3, activationLayer: (i) => new torch.nn.SiLU(i), normLayer: (c) => new torch.nn.BatchNorm2d(c, { eps: 1e-5 }) }),
  fcn_resnet50_aux: () => M.segmentation.fcn_resnet50({ numClasses: 5, auxLoss: true, weightsBackbone: null }),
  deeplabv3_resnet50: () => M.segmentation.deeplabv3_resnet50({ numClasses: 4, weightsBackbone: null }),
  deeplabv3_mobilenet_v3_large_aux: () => M.segmentation.deeplabv3_mobilenet_v3_large({ numClasses: 3, auxLoss: true, weightsBackbone: null }),
  lraspp_mobilenet_v3_large_odd: () => M.segmentation.lraspp_mobilenet_v3_large({ numClasses: 6, weightsBackbone: null }),
  intermediate_layer_getter: () => new M._utils.IntermediateLayerGetter(M.resnet18({ numClasses: 10 }), { layer2: 'a', layer4: 'b' }),
  maxvit_three_blocks: () => new M.MaxVit([48, 48], 6, 3, [12, 12, 24], [1, 1, 1], 6, 0.3, { mlpDropout: 0.1, numClasses: 4 }),
};

describe('vision.models: torchvision\'s architectures, weights and outputs', () => {
  it('has a port for every fixture case', () => {
    expect(fx.cases.map((c) => c.name).filter((n) => !(n in PORTS))).toEqual([]);
  });
  for (const c of fx.cases) {
    it(`${c.name}: ${c.py}`, () => {
      torch.manualSeed(0);
      const model = PORTS[c.name]!();
      expectTorchvisionState(model, c.state);
      expect(model.namedModules().map(([k, m]) => [k, m.constructor.name])).toEqual(c.modules);
      expect(model.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(c.numParams);
      torch.manualSeed(1);
      const x = torch.randn(c.input);
      model.eval();
      torch.noGrad(() => check(model.call(x), c.eval, EVAL_TOL, `${c.name} eval`));
      model.train();
      const xg = x.clone().requiresGrad_(true);
      const out = model.call(xg) as Tensor | Tensor[] | Record<string, Tensor>;
      check(out, c.train, TRAIN_TOL, `${c.name} train`);
      // GoogLeNet's and Inception's outputs with their aux logits, the segmentation models' { out, aux }
      const parts = torch.isTensor(out) ? [out] : Array.isArray(out) ? out : Object.values(out);
      parts.map((p) => p.sum()).reduce((a, b) => a.add(b)).backward();
      if (sameCpu) {
        expect(sha(xg.grad!), 'input gradient').toBe(c.inputGrad);
        const grads = new Map(model.namedParameters().map(([k, p]) => [k, p.grad!]));
        expect(c.grads.filter(([k, h]) => sha(grads.get(k)!) !== h).map(([k]) => k), 'parameter gradients that differ').toEqual([]);
        const buffers = new Map(model.namedBuffers());
        expect(c.buffers.filter(([k, h]) => sha(buffers.get(k)!) !== h).map(([k]) => k), 'buffers that differ after the train step').toEqual([]);
      }
      model.dispose();
    });
  }

  it('saves and loads its state dict as torchvision\'s .pth files hold it (weights: a path)', () => {
    torch.manualSeed(0);
    const a = M.resnet18({ numClasses: 4 });
    const path = join(TMP, 'resnet18.pth');
    torch.save(a.stateDict(), path);
    torch.manualSeed(5);
    const b = M.resnet18({ numClasses: 4, weights: path });
    const x = torch.randn(2, 3, 32, 32);
    a.eval();
    b.eval();
    torch.noGrad(() => expect(b.call(x).equal(a.call(x))).toBe(true));
  });

  it('frees the tensors it loaded from weights once they are copied, not at GC', () => {
    const path = join(TMP, 'resnet18-gc.pth');
    // Counted right after construction (no collection in between): without weights, then with them.
    const r = runWithGc(`
      const M = torch.vision.models;
      torch.save(M.resnet18({ numClasses: 4 }).stateDict(), ${JSON.stringify(path)});
      const live0 = await settle();
      const plain = M.resnet18({ numClasses: 4 });
      const withoutWeights = torch.nativeStats().tensors - live0;
      const live1 = await settle();
      const loaded = M.resnet18({ numClasses: 4, weights: ${JSON.stringify(path)} });
      const withWeights = torch.nativeStats().tensors - live1;
      return { withoutWeights, withWeights, models: [plain, loaded].length };`);
    expect(r.withoutWeights).toBeGreaterThan(0);
    expect(r.withWeights).toBe(r.withoutWeights);
  });

  it('DenseNet loads a state dict with the old key names of torchvision\'s pretrained files (norm.1 for norm1)', () => {
    torch.manualSeed(0);
    const a = new M.DenseNet({ growthRate: 4, blockConfig: [2, 2], numInitFeatures: 8, numClasses: 3 });
    // as in those files: the dense layers' keys renamed, and no num_batches_tracked (older than BatchNorm's version 2)
    const old = Object.fromEntries(Object.entries(a.stateDict()).filter(([k]) => !(k.includes('denselayer') && k.endsWith('num_batches_tracked')))
      .map(([k, v]) => [k.replace(/(denselayer\d+\.(?:norm|conv))([12])\./, '$1.$2.'), v]));
    expect(Object.keys(old)).toContain('features.denseblock1.denselayer1.norm.1.weight');
    const path = join(TMP, 'densenet-old-keys.pth');
    torch.save(old, path);
    torch.manualSeed(9);
    const b = new M.DenseNet({ growthRate: 4, blockConfig: [2, 2], numInitFeatures: 8, numClasses: 3, weights: path });
    const x = torch.randn(2, 3, 32, 32);
    a.eval();
    b.eval();
    torch.noGrad(() => expect(b.call(x).equal(a.call(x))).toBe(true));
  });

  it('builds and runs in worker threads side by side with the main thread: the same seeded outputs', async () => {
    const round = `(t) => t.tidy(() => {
      t.manualSeed(3);
      const m = t.vision.models.mobilenet_v3_small({ numClasses: 5 });
      m.eval();
      const out = t.noGrad(() => m.call(t.randn(2, 3, 32, 32)));
      const r = Array.from(out.flatten().toTypedArray()).join(',');
      m.dispose();
      return r;
    })`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const mainRound = new Function('t', `return (${round})(t);`) as (t: typeof torch) => string;
    const expected = mainRound(torch);
    expect(expected.split(',')).toHaveLength(10);
    const workers = startRoundWorkers(round, expected, { times: 3, count: 2 });
    for (let i = 0; workers.running() > 0 || i < 3; i++) {
      expect(mainRound(torch)).toBe(expected);
      await new Promise((r) => setImmediate(r));
    }
    expect(await workers.results).toEqual(['ok', 'ok']);
  }, 300_000);

  it('rejects bad arguments with torchvision\'s messages', () => {
    expect(() => new M.ResNet(M.BasicBlock, [2, 2, 2, 2], { groups: 2 })).toThrow(/BasicBlock only supports groups=1 and base_width=64/);
    expect(() => M.resnet18({ replaceStrideWithDilation: [false, false, true] })).toThrow(/Dilation > 1 not supported in BasicBlock/);
    expect(() => M.resnet50({ replaceStrideWithDilation: [true] })).toThrow(/replace_stride_with_dilation should be None or a 3-element tuple/);
    expect(() => new M.ResNet(M.Bottleneck, [3, 4, 6])).toThrow(/layers must be 4 positive block counts/);
    expect(() => M.resnet18({ numClases: 10 } as never)).toThrow(/numClases/);
    expect(() => M.resnet18({ weights: join(TMP, 'missing.pth') })).toThrow(/missing\.pth/);
    expect(() => M.mobilenet_v2({ invertedResidualSetting: [] })).toThrow(/inverted_residual_setting should be non-empty or a 4-element list/);
    expect(() => M.mobilenet_v2({ invertedResidualSetting: [[1, 16, 1, 3]] })).toThrow(/stride should be 1 or 2 instead of 3/);
    expect(() => new M.MobileNetV3([], 1280)).toThrow(/The inverted_residual_setting should not be empty/);
    expect(() => M.vgg16({ dropout: 0.5, batchNorm: true } as never)).toThrow(/batchNorm/);
    // RegNet's public blocks: their required arguments, named, not Conv2dNormActivation's option error
    const bn = (c: number) => new torch.nn.BatchNorm2d(c);
    const anyNew = (cls: unknown, ...args: unknown[]) => () => new (cls as new (...a: unknown[]) => unknown)(...args);
    expect(anyNew(M.SimpleStemIN, 3, 8)).toThrow(/^SimpleStemIN: missing 2 required positional arguments: 'normLayer' and 'activationLayer'$/);
    expect(anyNew(M.BottleneckTransform, 8, 8, 1, bn)).toThrow(/^BottleneckTransform: missing 4 required positional arguments: 'activationLayer', 'groupWidth', 'bottleneckMultiplier' and 'seRatio'$/);
    expect(anyNew(M.ResBottleneckBlock, 8, 8, 1, bn)).toThrow(/^ResBottleneckBlock: missing 1 required positional argument: 'activationLayer'$/);
    expect(anyNew(M.AnyStage, 8, 8, 1, 1, M.ResBottleneckBlock)).toThrow(/AnyStage: missing 4 required positional arguments: 'normLayer', 'activationLayer', 'groupWidth' and 'bottleneckMultiplier'/);
    expect(new M.ResBottleneckBlock(8, 8, 1, bn, (i) => new torch.nn.ReLU(i)).proj).toBeNull();
  });
});

// Pretrained weights as torchvision's WeightsEnum: names resolve against the builder's enum, the entry
// fixes numClasses (and ViT's imageSize), and the file comes from the torch.hub cache: here a cache
// directory holding a file under the entry's name, so no download happens.
describe("torchvision's deprecated pretrained option (scripts/make-legacy-pretrained-fixtures.py)", () => {
  interface Caught { warnings: string[]; error: { type: string; message: string } | null }
  const legacy = JSON.parse(readFileSync(new URL('./fixtures/vision-legacy-pretrained.json', import.meta.url), 'utf8')) as
    { entries: Record<string, string | null>; resnet18_false: Caught; vit_h_14_true: Caught; with_weights: Caught };
  it('pretrained: true is the entry torchvision maps it to, for every builder (or its "No weights available")', () => {
    expect(Object.keys(legacy.entries).length).toBeGreaterThan(90);
    for (const [name, entry] of Object.entries(legacy.entries)) {
      const weightsEnum = vision.models.getModelWeights(name);
      if (entry === null) {
        expect(() => legacyPretrained(weightsEnum, { pretrained: true } as WeightsOptions), name).toThrow(`No weights available for model ${name}`);
        continue;
      }
      let resolved: WeightsOptions = {};
      const warned = warningsOf(() => { resolved = legacyPretrained(weightsEnum, { pretrained: true } as WeightsOptions); });
      expect(String(resolved.weights), name).toBe(`${weightsEnum.enumName}.${entry}`);
      // a warning shows once per call site and text, as with Python's default filter
      expect(warned.map(([, m]) => m).find((m) => m.startsWith('Arguments other than')), name).toContain(`equivalent to passing \`weights=${weightsEnum.enumName}.${entry}\`. You can also use \`weights=${weightsEnum.enumName}.DEFAULT\``);
    }
  });
  it('pretrained: false builds without weights, with both warnings; errors as torchvision', () => {
    const warned = warningsOf(() => vision.models.resnet18({ pretrained: false }).dispose());
    expect(warned.map(([, m]) => m)).toEqual(legacy.resnet18_false.warnings);
    expect(() => vision.models.vit_h_14({ pretrained: true })).toThrow(legacy.vit_h_14_true.error!.message);
    expect(() => vision.models.resnet18({ pretrained: false, weights: null })).toThrow(TypeError);
    expect(legacy.with_weights.error!.message).toContain("unexpected keyword argument 'pretrained'");
  });
});

describe('vision.models weights enums', () => {
  it('name entries, DEFAULT and the preset of each as torchvision does', () => {
    expect(M.ResNet50_Weights.DEFAULT).toBe(M.ResNet50_Weights.IMAGENET1K_V2);
    expect(String(M.ResNet50_Weights.DEFAULT)).toBe('ResNet50_Weights.IMAGENET1K_V2');
    expect(M.ResNet50_Weights.members().map(String)).toEqual(['ResNet50_Weights.IMAGENET1K_V1', 'ResNet50_Weights.IMAGENET1K_V2']);
    expect(M.ResNet50_Weights.verify('ResNet50_Weights.DEFAULT')).toBe(M.ResNet50_Weights.IMAGENET1K_V2);
    expect(M.ResNet50_Weights.verify(null)).toBe(null);
    const w = M.ResNet18_Weights.IMAGENET1K_V1;
    expect(w.url).toMatch(/^https:\/\/download\.pytorch\.org\/models\/resnet18-[0-9a-f]{8}\.pth$/);
    expect(w.meta.categories).toHaveLength(1000);
    expect(w.meta.categories![0]).toBe('tench');
    expect(M.VGG16_Weights.IMAGENET1K_FEATURES.meta.categories).toBe(null);
    const t = M.ResNet50_Weights.IMAGENET1K_V2.transforms(); // typed ImageClassification: its enum is a classification one
    expect(t).toBeInstanceOf(vision.transforms.ImageClassification);
    expect([t.cropSize, t.resizeSize, t.interpolation]).toEqual([[224], [232], 'bilinear']);
    expect(w.meta.metrics['ImageNet-1K']).toEqual({ 'acc@1': 69.758, 'acc@5': 89.078 });
    // the segmentation weights: VOC's 21 categories, torchvision's SemanticSegmentation preset, COCO metrics
    const seg = M.DeepLabV3_ResNet50_Weights.DEFAULT;
    expect([seg.meta.categories!.length, seg.meta.categories![0], seg.meta.categories![20]]).toEqual([21, '__background__', 'tvmonitor']);
    expect(seg.meta.metrics['COCO-val2017-VOC-labels']).toEqual({ miou: 66.4, pixel_acc: 92.4 });
    const st = seg.transforms();
    expect(st).toBeInstanceOf(vision.transforms.SemanticSegmentation);
    expect(st.resizeSize).toEqual([520]); // typed SemanticSegmentation
    expect(M.segmentation.DeepLabV3_ResNet50_Weights).toBe(M.DeepLabV3_ResNet50_Weights); // also under models.segmentation, as torchvision
    expect(() => new M._utils.IntermediateLayerGetter(M.resnet18(), { layer1: 'b', layer2: '0' })).toThrow(/would not keep the layers' order as object keys/);
    expect(() => M.segmentation.lraspp_mobilenet_v3_large({ numClasses: 2, weightsBackbone: null }).call([1, 2] as never)).toThrow(/LRASPP: the input must be an image batch Tensor/);
    expect(() => new vision.ops.Conv2dNormActivation(3, 2.5)).toThrow(/outChannels must be a positive int, got 2.5/);
    // torchvision's optional positional arguments, as options or positionally
    const S = M.segmentation;
    expect(String(new S.DeepLabHead(16, 3, [2, 4]))).toBe(String(new S.DeepLabHead(16, 3, { atrousRates: [2, 4] })));
    expect(String(new S.ASPP(16, [2], 8))).toBe(String(new S.ASPP(16, [2], { outChannels: 8 })));
    expect(() => M.segmentation.lraspp_mobilenet_v3_large({ auxLoss: true, weightsBackbone: null })).toThrow(/This model does not use auxiliary loss/);
    expect(() => M.segmentation.fcn_resnet50({ weights: 'DEFAULT', numClasses: 5 })).toThrow(/The parameter 'numClasses' expected value 21 but got 5 instead/);
    expect(M.ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1.transforms().interpolation).toBe('bicubic');
    expect(Object.isFrozen(w)).toBe(true);
  });

  it('a builder loads an entry from the hub cache, by the entry or its name', () => {
    const hubDir = join(TMP, 'hub');
    torch.hub.setDir(hubDir);
    mkdirSync(join(hubDir, 'checkpoints'), { recursive: true });
    torch.manualSeed(0);
    const a = M.squeezenet1_1();
    torch.save(a.stateDict(), join(hubDir, 'checkpoints', basename(new URL(M.SqueezeNet1_1_Weights.IMAGENET1K_V1.url).pathname)));
    const x = torch.randn(1, 3, 64, 64);
    a.eval();
    for (const weights of ['DEFAULT', 'IMAGENET1K_V1', 'SqueezeNet1_1_Weights.IMAGENET1K_V1', M.SqueezeNet1_1_Weights.DEFAULT] as const) {
      torch.manualSeed(1);
      const b = M.getModel('squeezenet1_1', { weights, progress: false });
      b.eval();
      torch.noGrad(() => expect((b.call(x) as torch.Tensor).equal(a.call(x)), String(weights)).toBe(true));
    }
  });

  it('an entry fixes the parameters it was trained with, and a name or entry of another model is an error', () => {
    expect(() => M.resnet18({ weights: 'IMAGENET1K_V1', numClasses: 10 })).toThrow(/The parameter 'numClasses' expected value 1000 but got 10 instead/);
    expect(() => M.vit_b_16({ weights: 'IMAGENET1K_SWAG_E2E_V1', imageSize: 224 })).toThrow(/The parameter 'imageSize' expected value 384 but got 224 instead/);
    expect(() => M.resnet18({ weights: 'IMAGENET1K_V2' })).toThrow(/ResNet18_Weights has no entry 'IMAGENET1K_V2' \(it has IMAGENET1K_V1, DEFAULT\)/);
    expect(() => M.resnet18({ weights: M.ResNet50_Weights.DEFAULT })).toThrow(/expected ResNet18_Weights but received ResNet50_Weights/);
    expect(() => M.resnet18({ weights: 'ResNet50_Weights.IMAGENET1K_V1' })).toThrow(/ResNet18_Weights has no entry 'ResNet50_Weights.IMAGENET1K_V1'/);
    expect(() => M.resnet18({ progres: false } as never)).toThrow(/progres/);
    // a class takes entries, not names (the builders resolve names)
    expect(() => new M.ResNet(M.BasicBlock, [2, 2, 2, 2], { weights: 'DEFAULT' })).toThrow(/weights 'DEFAULT' names an entry: pass the enum's entry/);
  });

  it('GoogLeNet and Inception v3: named outputs with aux logits in training; torchvision\'s argument errors', () => {
    torch.manualSeed(0);
    const g = M.googlenet({ numClasses: 3, initWeights: true });
    const out = g.call(torch.randn(2, 3, 32, 32)) as unknown as ReturnType<typeof M.GoogLeNetOutputs>;
    expect(Array.isArray(out) && out.length === 3 && out[0] === out.logits && out[1] === out.auxLogits2 && out[2] === out.auxLogits1).toBe(true);
    expect(out.logits.shape).toEqual([2, 3]);
    g.eval();
    expect(torch.isTensor(torch.noGrad(() => g.call(torch.randn(1, 3, 32, 32))))).toBe(true);
    // with weights, as torchvision's builders: aux heads must stay on, init off (checked before any download)
    expect(() => M.googlenet({ weights: 'DEFAULT', auxLogits: false })).toThrow(/auxLogits/);
    expect(() => M.inception_v3({ weights: 'DEFAULT', initWeights: true })).toThrow(/initWeights/);
    expect(() => new M.GoogLeNet({ blocks: [M.BasicConv2d] } as never)).toThrow(/blocks length should be 3 instead of 1/);
    // without initWeights, torchvision's FutureWarning names the model, and the weights are initialized
    const [googlenetWarning] = warningsOf(() => new M.GoogLeNet({ numClasses: 2, auxLogits: false }).dispose());
    expect(googlenetWarning).toEqual(['FutureWarning', expect.stringMatching(/^The default weight initialization of GoogleNet will be changed/)]);
    const [inceptionWarning] = warningsOf(() => new M.Inception3({ numClasses: 2, auxLogits: false }).dispose());
    expect(inceptionWarning).toEqual(['FutureWarning', expect.stringMatching(/^The default weight initialization of inception_v3 will be changed.*please set init_weights=True\.$/)]);
    expect(warningsOf(() => new M.GoogLeNet({ numClasses: 2, auxLogits: false, initWeights: false }).dispose())).toEqual([]);
    expect(() => M.BlockParams.fromInitParams({ depth: 2, w0: 12, wA: 1, wM: 2, groupWidth: 4 })).toThrow(/Invalid RegNet settings/); // w0 not a multiple of 8
    expect(() => M.swin_t({ stochasticDepthProb: 0.1 } as never)).toThrow(/swin_t\(\) got multiple values for keyword argument 'stochastic_depth_prob'/);
    expect(() => new M.SwinTransformer([4, 4], 16, [1], [2], [4, 4])).toThrow(/float division by zero/);
  });

  it('listModels, getModel, getModelBuilder, getModelWeights and getWeight cover every builder', () => {
    const names = M.listModels();
    expect(names).toHaveLength(98); // the classification, segmentation, Faster, Mask and Keypoint R-CNN, RetinaNet, FCOS, SSD and SSDlite builders
    expect(M.listModels({ include: 'resnet*', exclude: ['resnet1??'] })).toEqual(['resnet18', 'resnet34', 'resnet50']);
    for (const name of names) expect(M.getModelWeights(name).DEFAULT.url, name).toMatch(/^https:\/\/download\.pytorch\.org\/models\//);
    expect(M.getModelWeights(M.mobilenet_v3_small)).toBe(M.MobileNet_V3_Small_Weights);
    expect(M.getWeight('ResNet50_Weights.DEFAULT')).toBe(M.ResNet50_Weights.IMAGENET1K_V2);
    expect(M.getModel('SqueezeNet1_0', { numClasses: 3 })).toBeInstanceOf(M.SqueezeNet);
    expect(() => M.getModel('resnet9')).toThrow(/Unknown model resnet9/);
    for (const name of names) expect(M.getModelWeights(M.getModelBuilder(name)), name).toBe(M.getModelWeights(name));
    expect(M.getModelBuilder('ResNet18')).toBe(M.resnet18);
    expect(() => M.getModelBuilder('resnet9')).toThrow(/Unknown model resnet9/);
    // torchvision 0.28: get_weight('Foo_Weights.X') -> ValueError "The weight enum 'Foo_Weights' for the specific method couldn't be
    // retrieved."; get_weight('resnet50') -> ValueError "Invalid weight name provided: 'resnet50'."; get_weight('ResNet50_Weights.FOO')
    // -> KeyError('FOO'); len(list_models(module=M.segmentation)), (module=M.detection), (module=M) -> 6, 12, 80 (ours: 80 of them
    // ported, the quantized, video and optical-flow ones not); list_models(includ='x') -> TypeError
    expect(() => M.getWeight('Nope_Weights.X')).toThrow(new RangeError("The weight enum 'Nope_Weights' for the specific method couldn't be retrieved."));
    expect(() => M.getWeight('resnet50')).toThrow(new RangeError("Invalid weight name provided: 'resnet50'."));
    expect(() => M.getWeight('ResNet50_Weights.FOO')).toThrow(KeyError);
    expect(M.listModels({ module: M.segmentation })).toEqual(['deeplabv3_mobilenet_v3_large', 'deeplabv3_resnet101', 'deeplabv3_resnet50', 'fcn_resnet101', 'fcn_resnet50', 'lraspp_mobilenet_v3_large']);
    expect([M.listModels({ module: M.detection }).length, M.listModels({ module: M }).length]).toEqual([12, 80]);
    expect(() => M.listModels({ includ: 'x' } as never)).toThrow(TypeError);
  });

  // The table is generated from torchvision by scripts/make-vision-weights.py: checked where the venv has torchvision.
  const venvPython = join(dirname(fileURLToPath(import.meta.url)), '..', '.venv', 'bin', 'python');
  const hasTorchvision = existsSync(venvPython) && spawnSync(venvPython, ['-c', 'import importlib.util as u; exit(0 if u.find_spec("torchvision") else 1)']).status === 0;
  it.skipIf(!hasTorchvision)('lib/vision/models/weights_table.ts is what the script makes from torchvision', () => {
    const r = spawnSync(venvPython, [join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'make-vision-weights.py'), '--check'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 120_000);
});
