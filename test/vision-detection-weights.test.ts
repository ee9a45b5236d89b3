// The COCO weights enums of the Faster R-CNN and Mask R-CNN builders (FasterRCNN_ResNet50_FPN_Weights, ..., generated
// from torchvision 0.28 into lib/vision/models/weights_table.ts by scripts/make-vision-weights.py): their
// entries, meta and ObjectDetection preset, and the builders' `weights` as torchvision's (an entry, its
// name, 'DEFAULT', a state-dict file): numClasses fixed to the entry's 91 categories, weightsBackbone
// dropped, the file loaded through the torch.hub cache. Nothing downloads: the cache is a temporary
// directory holding, under each entry's file name, a state dict saved from the same seeded builder.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import * as D from '../lib/vision/models/detection/index.js'; // vision.models.detection
import type { AnyWeights } from '../lib/vision/models/weights.js';

type Tensor = torch.Tensor;
const M = vision.models;
const { FrozenBatchNorm2d } = vision.ops;
type Builder = (options?: D.FasterRCNNBuilderOptions) => D.FasterRCNN;

const TMP = mkdtempSync(join(tmpdir(), 'torchnode-detection-weights-'));
const HUB = join(TMP, 'hub');
let previousHubDir = '';
beforeAll(() => {
  previousHubDir = torch.hub.getDir();
  torch.hub.setDir(HUB);
  mkdirSync(join(HUB, 'checkpoints'), { recursive: true });
});
afterAll(() => {
  torch.hub.setDir(previousHubDir);
  rmSync(TMP, { recursive: true, force: true });
});

/** The file an entry is cached under (torch.hub's: the URL's last segment, its SHA-256 prefix included). */
const cached = (w: AnyWeights): string => join(HUB, 'checkpoints', basename(new URL(w.url).pathname));

/** Saves a seeded builder's state (numClasses 91 unless given, no backbone weights) where the hub cache has `w`'s file; returns the state, kept for comparison. */
function fakeCheckpoint(builder: Builder, w: AnyWeights, numClasses = 91): Record<string, Tensor> {
  torch.manualSeed(0);
  const source = builder({ weights: null, weightsBackbone: null, numClasses });
  const state = source.stateDict();
  torch.save(state, cached(w));
  const kept = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.clone()]));
  source.dispose();
  return kept;
}

/** Every tensor of `model`'s state equals the saved one (the FrozenBatchNorm2d layers have no num_batches_tracked). */
function expectLoaded(model: torch.nn.Module, saved: Record<string, Tensor>, label: string): void {
  const state = model.stateDict();
  const keys = Object.keys(state);
  expect(keys.length, label).toBeGreaterThan(50);
  for (const k of keys) {
    expect(saved[k], `${label}: ${k}`).toBeDefined();
    expect(state[k]!.equal(saved[k]!), `${label}: ${k}`).toBe(true);
  }
}

type FrozenBN = InstanceType<typeof FrozenBatchNorm2d>;
const frozenBns = (m: torch.nn.Module): FrozenBN[] => m.modules().filter((x): x is FrozenBN => x instanceof FrozenBatchNorm2d);
const numClassesOf = (m: D.FasterRCNN): number => (m.roi_heads.box_predictor as D.FastRCNNPredictor).cls_score.outFeatures;

/** torchvision 0.28's COCO_V1 entries: [enum, builder, file, numParams, metrics, ops, fileSize]. */
const COCO_ENTRIES = [
  [M.FasterRCNN_ResNet50_FPN_Weights, 'fasterrcnn_resnet50_fpn', 'fasterrcnn_resnet50_fpn_coco-258fb6c6.pth', 41755286, { box_map: 37.0 }, 134.38, 159.743],
  [M.FasterRCNN_ResNet50_FPN_V2_Weights, 'fasterrcnn_resnet50_fpn_v2', 'fasterrcnn_resnet50_fpn_v2_coco-dd69338a.pth', 43712278, { box_map: 46.7 }, 280.371, 167.104],
  [M.FasterRCNN_MobileNet_V3_Large_FPN_Weights, 'fasterrcnn_mobilenet_v3_large_fpn', 'fasterrcnn_mobilenet_v3_large_fpn-fb6a3cc7.pth', 19386354, { box_map: 32.8 }, 4.494, 74.239],
  [M.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights, 'fasterrcnn_mobilenet_v3_large_320_fpn', 'fasterrcnn_mobilenet_v3_large_320_fpn-907ea3f9.pth', 19386354, { box_map: 22.8 }, 0.719, 74.239],
  [M.MaskRCNN_ResNet50_FPN_Weights, 'maskrcnn_resnet50_fpn', 'maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth', 44401393, { box_map: 37.9, mask_map: 34.6 }, 134.38, 169.84],
  [M.MaskRCNN_ResNet50_FPN_V2_Weights, 'maskrcnn_resnet50_fpn_v2', 'maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth', 46359409, { box_map: 47.4, mask_map: 41.8 }, 333.577, 177.219],
  [M.RetinaNet_ResNet50_FPN_Weights, 'retinanet_resnet50_fpn', 'retinanet_resnet50_fpn_coco-eeacb38b.pth', 34014999, { box_map: 36.4 }, 151.54, 130.267],
  [M.RetinaNet_ResNet50_FPN_V2_Weights, 'retinanet_resnet50_fpn_v2', 'retinanet_resnet50_fpn_v2_coco-5905b1c5.pth', 38198935, { box_map: 41.5 }, 152.238, 146.037],
  [M.FCOS_ResNet50_FPN_Weights, 'fcos_resnet50_fpn', 'fcos_resnet50_fpn_coco-99b0c9b7.pth', 32269600, { box_map: 39.2 }, 128.207, 123.608],
  [M.SSD300_VGG16_Weights, 'ssd300_vgg16', 'ssd300_vgg16_coco-b556d3b4.pth', 35641826, { box_map: 25.1 }, 34.858, 135.988],
  [M.SSDLite320_MobileNet_V3_Large_Weights, 'ssdlite320_mobilenet_v3_large', 'ssdlite320_mobilenet_v3_large_coco-a79551df.pth', 3440060, { box_map: 21.3 }, 0.583, 13.418],
] as const;

describe('vision.models.detection weights enums', () => {
  it('the eleven COCO_V1 enums: entries, DEFAULT, meta and the ObjectDetection preset, as torchvision', () => {
    for (const [e, builder, file, numParams, metrics, ops, fileSize] of COCO_ENTRIES) {
      const w = e.DEFAULT;
      expect(w, e.enumName).toBe(e.COCO_V1);
      expect(e.members()).toEqual([e.COCO_V1]);
      expect(String(w)).toBe(`${e.enumName}.COCO_V1`);
      expect(w.url).toBe(`https://download.pytorch.org/models/${file}`);
      expect(w.meta.categories).toBe(M.COCO_CATEGORIES);
      expect([w.meta.numParams, w.meta.ops, w.meta.fileSize], e.enumName).toEqual([numParams, ops, fileSize]);
      expect(w.meta.minSize).toEqual([1, 1]);
      expect(w.meta.metrics).toEqual({ 'COCO-val2017': metrics });
      expect(w.meta.recipe).toMatch(/^https:\/\/github\.com\/pytorch\/vision\//);
      expect(w.meta.docs).toMatch(/^These weights were produced /);
      expect(Object.isFrozen(w)).toBe(true);
      expect(w.transforms()).toBeInstanceOf(vision.transforms.ObjectDetection);
      expect(M.getModelWeights(builder)).toBe(e);
      expect((M.detection as unknown as Record<string, unknown>)[e.enumName]).toBe(e); // also under models.detection, as in torchvision
    }
    expect(M.FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1.meta.recipe).toBe('https://github.com/pytorch/vision/pull/5763');
    expect(M.FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1.meta.docs).toBe('These weights were produced using an enhanced training recipe to boost the model accuracy.');
    // torchvision's _COCO_CATEGORIES: the background, 80 classes by COCO id, 'N/A' for the 10 unused ids
    const cats = M.COCO_CATEGORIES;
    expect([cats.length, cats[0], cats[1], cats[12], cats[90]]).toEqual([91, '__background__', 'person', 'N/A', 'toothbrush']);
    expect(cats.filter((c) => c === 'N/A')).toHaveLength(10);
    expect(M.detection.COCO_CATEGORIES).toBe(cats);
    expect(M.detection.fasterrcnn_resnet50_fpn).toBe(D.fasterrcnn_resnet50_fpn);
    // the classification entries keep their meta as it was (no docs)
    expect('docs' in M.ResNet50_Weights.DEFAULT.meta).toBe(false);
  });

  it('ObjectDetection: pil_to_tensor and convert_image_dtype to float, nothing else', () => {
    const t = M.FasterRCNN_ResNet50_FPN_Weights.DEFAULT.transforms(); // typed ObjectDetection: its enum is a detection one
    expect(t).toBeInstanceOf(vision.transforms.ObjectDetection);
    expect(String(t)).toBe('ObjectDetection()');
    const u8 = torch.tensor([[[0, 51], [102, 255]], [[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: torch.uint8 });
    const out = t.call(u8) as Tensor;
    expect(out.dtype).toBe(torch.float32);
    expect(out.shape).toEqual([3, 2, 2]); // no resize, no normalization
    expect(out.allclose(u8.to(torch.float32).div(255))).toBe(true);
    const batch = t.call(u8.unsqueeze(0).expand(2, 3, 2, 2)) as Tensor; // batched (B, C, H, W) too
    expect(batch.shape).toEqual([2, 3, 2, 2]);
    const f = torch.rand(3, 4, 5);
    expect((t.call(f) as Tensor).equal(f)).toBe(true); // float32 input: unchanged
    const img = new vision.Image(2, 1, 'RGB', new Uint8Array([255, 0, 51, 102, 204, 255]));
    const fromImage = t.call(img) as Tensor;
    expect(fromImage.shape).toEqual([3, 1, 2]);
    expect(fromImage.allclose(torch.tensor([[[1, 0.4]], [[0, 0.8]], [[0.2, 1]]]))).toBe(true);
    expect(() => t.call([1, 2] as never)).toThrow(/Input img should be Tensor Image/);
  });

  const loadCases: [string, Builder, AnyWeights, boolean, number][] = [
    ['fasterrcnn_resnet50_fpn', D.fasterrcnn_resnet50_fpn, M.FasterRCNN_ResNet50_FPN_Weights.COCO_V1, true, 0],
    ['fasterrcnn_resnet50_fpn_v2', D.fasterrcnn_resnet50_fpn_v2, M.FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1, false, 0],
    ['fasterrcnn_mobilenet_v3_large_fpn', D.fasterrcnn_mobilenet_v3_large_fpn, M.FasterRCNN_MobileNet_V3_Large_FPN_Weights.COCO_V1, true, 1e-5],
    ['fasterrcnn_mobilenet_v3_large_320_fpn', D.fasterrcnn_mobilenet_v3_large_320_fpn, M.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1, true, 1e-5],
  ];
  for (const [name, builder, entry, frozen, eps] of loadCases) {
    it(`${name} loads its COCO entry from the hub cache: by the entry, its name and DEFAULT; numClasses 91, weightsBackbone dropped`, () => {
      const saved = fakeCheckpoint(builder, entry);
      // the entry, its names, DEFAULT; the backbone's weights (a download otherwise) are dropped as torchvision does
      const ways: [string, D.FasterRCNNBuilderOptions][] = [
        ['entry', { weights: entry as D.FasterRCNNBuilderOptions['weights'], progress: false }],
        ['name', { weights: 'COCO_V1', progress: false, weightsBackbone: 'IMAGENET1K_V1' }],
        ['full name', { weights: `${entry.enumName}.COCO_V1`, progress: false, numClasses: 91 }],
        ['DEFAULT', { weights: 'DEFAULT', progress: false, numClasses: null }],
      ];
      for (const [way, options] of ways) {
        const label = `${name} by ${way}`;
        torch.manualSeed(1);
        const model = way === 'DEFAULT' ? M.getModel(name, options) as D.FasterRCNN : builder(options);
        expect(model, label).toBeInstanceOf(D.FasterRCNN);
        expect(numClassesOf(model), label).toBe(91);
        expectLoaded(model, saved, label);
        // built as a pretrained model: FrozenBatchNorm2d (v2: BatchNorm2d), the early stages frozen (trainableBackboneLayers 3)
        const fbn = frozenBns(model);
        expect(fbn.length > 0, label).toBe(frozen);
        // torchvision's overwrite_eps(model, 0.0) for FasterRCNN_ResNet50_FPN_Weights.COCO_V1 only
        for (const m of fbn) expect(m.eps, label).toBe(eps);
        const params = model.backbone.namedParameters();
        expect(params.some(([, p]) => !p.requiresGrad), label).toBe(true);
        expect(params.some(([, p]) => p.requiresGrad), label).toBe(true);
        model.dispose();
      }
      for (const t of Object.values(saved)) t.dispose();
    });
  }

  it('the loaded detector runs: the preset, then detections in the image\'s pixels', () => {
    const entry = M.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.DEFAULT;
    const saved = fakeCheckpoint(D.fasterrcnn_mobilenet_v3_large_320_fpn, entry);
    const model = D.fasterrcnn_mobilenet_v3_large_320_fpn({ weights: entry, progress: false, boxScoreThresh: 0 });
    model.eval();
    torch.manualSeed(2);
    const img = entry.transforms().call(torch.randint(0, 256, [3, 48, 64], { dtype: torch.uint8 })) as Tensor;
    const [det] = torch.noGrad(() => model.call([img])) as { boxes: Tensor; labels: Tensor; scores: Tensor }[];
    expect(det!.boxes.shape[1]).toBe(4);
    expect(det!.boxes.shape[0]).toBe(det!.labels.shape[0]);
    expect(det!.boxes.shape[0]).toBeGreaterThan(0); // boxScoreThresh 0: the seeded head's low scores are kept
    expect(det!.boxes.max().item()).toBeLessThanOrEqual(64);
    expect(det!.labels.min().item()).toBeGreaterThanOrEqual(1);
    expect(det!.labels.max().item()).toBeLessThanOrEqual(90);
    model.dispose();
    for (const t of Object.values(saved)) t.dispose();
  });

  it('a state-dict file as weights: loaded, numClasses as given, no backbone weights', () => {
    torch.manualSeed(0);
    const source = D.fasterrcnn_mobilenet_v3_large_fpn({ weights: null, weightsBackbone: null, numClasses: 4 });
    const file = join(TMP, 'frcnn-mobilenet-4.pth');
    torch.save(source.stateDict(), file);
    const saved = source.stateDict();
    // weightsBackbone is dropped (its default IMAGENET1K_V1 would download); the file fixes nothing, so numClasses is the caller's
    const model = D.fasterrcnn_mobilenet_v3_large_fpn({ weights: file, numClasses: 4 });
    expect(numClassesOf(model)).toBe(4);
    expectLoaded(model, saved, 'file');
    expect(frozenBns(model).length).toBeGreaterThan(0);
    expect(frozenBns(model).every((m) => m.eps === 1e-5)).toBe(true);
    expect(() => D.fasterrcnn_mobilenet_v3_large_fpn({ weights: file, progress: false })).toThrow(/size mismatch|shape/); // 91 classes by default
    model.dispose();
    source.dispose();
  });

  it('an entry fixes numClasses (torchvision\'s error otherwise); names and entries of other enums are errors, before any download', () => {
    rmSync(join(HUB, 'checkpoints'), { recursive: true, force: true }); // nothing cached: each of these must throw before loading
    mkdirSync(join(HUB, 'checkpoints'), { recursive: true });
    for (const builder of [D.fasterrcnn_resnet50_fpn, D.fasterrcnn_resnet50_fpn_v2, D.fasterrcnn_mobilenet_v3_large_fpn, D.fasterrcnn_mobilenet_v3_large_320_fpn] as Builder[]) {
      expect(() => builder({ weights: 'DEFAULT', numClasses: 5 })).toThrow(/The parameter 'numClasses' expected value 91 but got 5 instead/);
      expect(() => builder({ weights: 'COCO_V2' })).toThrow(/has no entry 'COCO_V2' \(it has COCO_V1, DEFAULT\)/);
    }
    expect(() => D.fasterrcnn_resnet50_fpn({ weights: M.FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1 as never }))
      .toThrow(/Invalid Weight class provided; expected FasterRCNN_ResNet50_FPN_Weights but received FasterRCNN_ResNet50_FPN_V2_Weights/);
    expect(() => D.fasterrcnn_mobilenet_v3_large_fpn({ weights: 'FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1' }))
      .toThrow(/FasterRCNN_MobileNet_V3_Large_FPN_Weights has no entry 'FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1'/);
    expect(() => D.fasterrcnn_resnet50_fpn({ weights: M.ResNet50_Weights.DEFAULT as never })).toThrow(/expected FasterRCNN_ResNet50_FPN_Weights but received ResNet50_Weights/);
    // torchvision verifies weights_backbone too, even where weights make it unused
    expect(() => D.fasterrcnn_resnet50_fpn({ weights: 'DEFAULT', weightsBackbone: 'IMAGENET1K_V9' })).toThrow(/ResNet50_Weights has no entry 'IMAGENET1K_V9'/);
  });

  it('listModels, getModelWeights and getWeight cover the Mask R-CNN builders', () => {
    expect(M.listModels({ include: 'maskrcnn_*' })).toEqual(['maskrcnn_resnet50_fpn', 'maskrcnn_resnet50_fpn_v2']);
    expect(M.getModelWeights('maskrcnn_resnet50_fpn_v2')).toBe(M.MaskRCNN_ResNet50_FPN_V2_Weights);
    expect(M.getWeight('MaskRCNN_ResNet50_FPN_Weights.DEFAULT')).toBe(M.MaskRCNN_ResNet50_FPN_Weights.COCO_V1);
  });

  it('the other eight builders load their DEFAULT entries through getModel, with torchvision\'s norm layers; the entry fixes numClasses', () => {
    for (const [name, entry, cls, numClasses, frozenEps] of [
      // COCO_V1 of Mask R-CNN, RetinaNet and Keypoint R-CNN sets eps 0; the v2 models keep BatchNorm2d; FCOS: FrozenBatchNorm2d at 1e-5; VGG-16 has no norm layers
      ['maskrcnn_resnet50_fpn', M.MaskRCNN_ResNet50_FPN_Weights.COCO_V1, D.MaskRCNN, 91, 0],
      ['retinanet_resnet50_fpn', M.RetinaNet_ResNet50_FPN_Weights.COCO_V1, D.RetinaNet, 91, 0],
      ['ssdlite320_mobilenet_v3_large', M.SSDLite320_MobileNet_V3_Large_Weights.COCO_V1, D.SSD, 91, null],
      ['retinanet_resnet50_fpn_v2', M.RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1, D.RetinaNet, 91, null],
      ['fcos_resnet50_fpn', M.FCOS_ResNet50_FPN_Weights.COCO_V1, D.FCOS, 91, 1e-5],
      ['ssd300_vgg16', M.SSD300_VGG16_Weights.COCO_V1, D.SSD, 91, null],
      ['keypointrcnn_resnet50_fpn', M.KeypointRCNN_ResNet50_FPN_Weights.COCO_V1, D.KeypointRCNN, 2, 0],
      ['maskrcnn_resnet50_fpn_v2', M.MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1, D.MaskRCNN, 91, null],
    ] as const) {
      const saved = fakeCheckpoint(M.getModelBuilder(name) as unknown as Builder, entry, numClasses);
      const model = M.getModel(name, { weights: 'DEFAULT', progress: false });
      expect(model, name).toBeInstanceOf(cls);
      expectLoaded(model, saved, name);
      const frozen = frozenBns(model);
      if (frozenEps === null) {
        expect(frozen, name).toEqual([]);
      } else {
        expect(frozen.length, name).toBeGreaterThan(0);
        expect(frozen.every((m) => m.eps === frozenEps), name).toBe(true);
      }
      expect(() => M.getModel(name, { weights: 'DEFAULT', numClasses: 5 }), name).toThrow(`The parameter 'numClasses' expected value ${numClasses} but got 5 instead`);
      model.dispose();
      for (const t of Object.values(saved)) t.dispose();
    }
  });

  it('KeypointRCNN_ResNet50_FPN_Weights, as torchvision: COCO_LEGACY and COCO_V1, the person categories and keypoint names', () => {
    const e = M.KeypointRCNN_ResNet50_FPN_Weights;
    expect(e.members()).toEqual([e.COCO_LEGACY, e.COCO_V1]);
    expect(e.DEFAULT).toBe(e.COCO_V1);
    expect(e.COCO_V1.url).toBe('https://download.pytorch.org/models/keypointrcnn_resnet50_fpn_coco-fc266e95.pth');
    expect(e.COCO_LEGACY.url).toBe('https://download.pytorch.org/models/keypointrcnn_resnet50_fpn_coco-9f466800.pth');
    expect(e.COCO_V1.meta.categories).toEqual(['no person', 'person']);
    expect(e.COCO_V1.meta.categories).toBe(M.COCO_PERSON_CATEGORIES);
    expect(e.COCO_V1.meta.keypointNames).toHaveLength(17);
    expect([e.COCO_V1.meta.keypointNames![0], e.COCO_V1.meta.keypointNames![16]]).toEqual(['nose', 'right_ankle']);
    expect(e.COCO_V1.meta.metrics).toEqual({ 'COCO-val2017': { box_map: 54.6, kp_map: 65.0 } });
    expect(e.COCO_LEGACY.meta.metrics).toEqual({ 'COCO-val2017': { box_map: 50.6, kp_map: 61.1 } });
    expect(e.COCO_V1.meta.numParams).toBe(59137258);
    expect(e.COCO_V1.transforms()).toBeInstanceOf(vision.transforms.ObjectDetection);
    expect(M.detection.KeypointRCNN_ResNet50_FPN_Weights).toBe(e);
    expect(M.listModels({ include: 'keypointrcnn_*' })).toEqual(['keypointrcnn_resnet50_fpn']);
    expect(M.getModelWeights('keypointrcnn_resnet50_fpn')).toBe(e);
    expect(M.getWeight('KeypointRCNN_ResNet50_FPN_Weights.COCO_LEGACY')).toBe(e.COCO_LEGACY);
  });

  it('listModels, getModel, getModelWeights and getWeight cover the Faster R-CNN builders', () => {
    const builders = ['fasterrcnn_mobilenet_v3_large_320_fpn', 'fasterrcnn_mobilenet_v3_large_fpn', 'fasterrcnn_resnet50_fpn', 'fasterrcnn_resnet50_fpn_v2'];
    expect(M.listModels({ include: 'fasterrcnn_*' })).toEqual(builders);
    expect(M.listModels()).toEqual(expect.arrayContaining(builders));
    expect(M.listModels({ include: 'fasterrcnn_*', exclude: '*mobilenet*' })).toEqual(['fasterrcnn_resnet50_fpn', 'fasterrcnn_resnet50_fpn_v2']);
    expect(M.getModelWeights('fasterrcnn_resnet50_fpn')).toBe(M.FasterRCNN_ResNet50_FPN_Weights);
    expect(M.getModelWeights('FasterRCNN_ResNet50_FPN_V2')).toBe(M.FasterRCNN_ResNet50_FPN_V2_Weights);
    expect(M.getModelWeights(D.fasterrcnn_mobilenet_v3_large_fpn)).toBe(M.FasterRCNN_MobileNet_V3_Large_FPN_Weights);
    expect(M.getModelWeights(D.fasterrcnn_mobilenet_v3_large_320_fpn)).toBe(M.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights);
    expect(M.getWeight('FasterRCNN_ResNet50_FPN_Weights.DEFAULT')).toBe(M.FasterRCNN_ResNet50_FPN_Weights.COCO_V1);
    expect(M.getWeight('FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1')).toBe(M.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1);
    const model = M.getModel('fasterrcnn_mobilenet_v3_large_320_fpn', { weightsBackbone: null, numClasses: 3 }) as D.FasterRCNN;
    expect(model).toBeInstanceOf(D.FasterRCNN);
    expect(numClassesOf(model)).toBe(3);
    expect(model.transform.minSize).toEqual([320]);
    model.dispose();
  });
});
