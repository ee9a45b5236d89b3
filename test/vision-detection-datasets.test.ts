// vision.datasets.CocoDetection, CocoCaptions, VOCDetection, VOCSegmentation and wrapDatasetForTransformsV2
// against torchvision 0.28 (test/fixtures/detection-datasets.json and the tiny COCO and VOC trees under
// test/fixtures/detection-datasets/, made by scripts/make-detection-datasets-fixtures.py): every target as
// torchvision reads it, images by size and SHA-256 of their RGB pixels, wrapped boxes, labels and masks
// (pycocotools' polygon and RLE rasterization) bit for bit, and torchvision's error messages.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { rleDecode, rleFrPoly, rleFrString, rleMerge } from '../lib/vision/datasets/coco_mask.js';
import { openSegmentationMask } from '../lib/vision/datasets/voc.js';

const D = vision.datasets;
const v2 = vision.transforms.v2;
const tv = vision.tvTensors;
const FIX = new URL('./fixtures/detection-datasets/', import.meta.url).pathname;

interface ImageEnc { mode: string; size: [number, number]; sha256: string }
interface Item { image: ImageEnc; target: unknown }
type ErrorEnc = { type: string; message: string };
type Wrapped = unknown[];
const fx = JSON.parse(readFileSync(new URL('./fixtures/detection-datasets.json', import.meta.url), 'utf8')) as {
  coco: { root: string; annFile: string; captionsFile: string; ids: number[]; items: Item[]; captions: Item[];
    wrapped: Record<'default' | 'all' | 'masks_boxes' | 'pipeline', Wrapped>; captionsWrapped: Wrapped; errors: Record<string, ErrorEnc> };
  voc: { root: string; detection: Record<string, { items: Item[]; wrapped: Record<'default' | 'all' | 'boxes', Wrapped> }>;
    segmentation: { items: { image: ImageEnc; target: { mode: string; size: [number, number]; data: number[] } }[]; wrapped: Wrapped };
    errors: Record<string, ErrorEnc> };
  masks: { polygons: { h: number; w: number; xy: number[]; counts: number[] }[];
    merges: { h: number; w: number; polygons: number[][]; counts: number[]; mask: number[] }[]; strings: { string: string; counts: number[] }[] };
  palettes: Record<string, number[][]>;
};
const COCO_IMAGES = join(FIX, fx.coco.root), INSTANCES = join(FIX, fx.coco.annFile), CAPTIONS = join(FIX, fx.coco.captionsFile);
const VOC_ROOT = join(FIX, fx.voc.root);

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const imageEnc = (img: vision.Image): ImageEnc => ({ mode: img.mode, size: img.size, sha256: sha256(img.data) });

/** enc_leaf of the fixture script: images by hash, tensors with their tv_tensor kind, lists, dicts and values. */
function encLeaf(v: unknown): unknown {
  if (v instanceof vision.Image) return { image: imageEnc(v) };
  if (torch.isTensor(v)) {
    const kind = tv.kindOf(v);
    const out: Record<string, unknown> = { tensor: { dtype: String(v.dtype).replace('torch.', ''), shape: v.shape, data: v.flatten().tolist() }, kind };
    if (kind === 'BoundingBoxes') {
      const { format, canvasSize, clampingMode } = v as vision.tvTensors.BoundingBoxesTensor;
      Object.assign(out, { format, canvasSize, clampingMode });
    }
    return out;
  }
  if (Array.isArray(v)) return { list: v.map(encLeaf) };
  if (typeof v === 'object' && v !== null) return { dict: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encLeaf(x)])) };
  return { value: v };
}

/** Every sample of a wrapped dataset, encoded; a sample torchvision refuses gives its error. */
function wrappedItems(ds: { length: number; getItem(i: number): unknown }): unknown[] {
  return Array.from({ length: ds.length }, (_, i) => {
    try { return encLeaf(ds.getItem(i)); } catch (e) { return { error: (e as Error).message }; }
  });
}

/** The JS error for a Python exception type, with torchvision's message. */
const JS_ERROR: Record<string, ErrorConstructor> = { ValueError: RangeError, IndexError: RangeError, TypeError: TypeError, RuntimeError: Error, AssertionError: Error };
function expectError(fn: () => unknown, err: ErrorEnc): void {
  expect(fn).toThrow(JS_ERROR[err.type]!);
  expect(fn).toThrow(err.message);
}

const items = <T>(ds: { length: number; getItem(i: number): [vision.Image, T] }) =>
  Array.from({ length: ds.length }, (_, i) => ds.getItem(i)).map(([img, target]) => ({ image: imageEnc(img), target }));

describe('CocoDetection and CocoCaptions', () => {
  it('read the annotation file as pycocotools indexes it: sorted ids, each image with its annotations in file order', () => {
    const coco = new D.CocoDetection(COCO_IMAGES, INSTANCES);
    expect(coco.ids).toEqual(fx.coco.ids);
    expect(coco.length).toBe(fx.coco.items.length);
    expect(items(coco)).toEqual(fx.coco.items);
    expect(items(new D.CocoCaptions(COCO_IMAGES, CAPTIONS))).toEqual(fx.coco.captions);
    expect(coco.getItem(-1)[1]).toEqual(fx.coco.items.at(-1)!.target);
  });

  it('transform, targetTransform and the joint transforms', () => {
    const coco = new D.CocoDetection(COCO_IMAGES, INSTANCES, { transform: new vision.transforms.PILToTensor(), targetTransform: (t: unknown[]) => t.length });
    const [image, count] = coco.getItem(2) as [torch.Tensor, number];
    expect(image.shape).toEqual([3, fx.coco.items[2]!.image.size[1], fx.coco.items[2]!.image.size[0]]);
    expect(count).toBe((fx.coco.items[2]!.target as unknown[]).length);
    const joint = new D.CocoDetection(COCO_IMAGES, INSTANCES, { transforms: (img: vision.Image, t: unknown[]) => [img.width, t.length] });
    expect(joint.getItem(2)).toEqual([fx.coco.items[2]!.image.size[0], count]);
  });

  it("torchvision's errors: a list file, an index past the end, transforms with transform; and missing files", () => {
    expectError(() => new D.CocoDetection(COCO_IMAGES, join(FIX, 'coco', 'list.json')), fx.coco.errors.listFile!);
    const coco = new D.CocoDetection(COCO_IMAGES, INSTANCES);
    expectError(() => coco.getItem(coco.length), fx.coco.errors.index!);
    expect(() => coco.getItem(1.5)).toThrow(fx.coco.errors.floatIndex!.message);  // Python's ValueError; a TypeError here, as the other datasets
    expectError(() => new D.CocoDetection(COCO_IMAGES, INSTANCES, { transform: (x: unknown) => x, transforms: (a: unknown, b: unknown) => [a, b] }), fx.coco.errors.bothTransforms!);
    expect(() => new D.CocoDetection(COCO_IMAGES, join(FIX, 'nothing.json'))).toThrow(/cannot read annotation file .*nothing\.json/);
    expect(() => new D.CocoDetection(join(FIX, 'coco'), INSTANCES).getItem(0)).toThrow(/Image\.open: cannot read .*b\.png/);
  });
});

describe('VOCDetection and VOCSegmentation', () => {
  it("parse the annotation XML into parse_voc_xml's nested object (two years, three sets)", () => {
    for (const [key, want] of Object.entries(fx.voc.detection)) {
      const [year, imageSet] = key.split('-') as [string, string];
      const ds = new D.VOCDetection(VOC_ROOT, { year, imageSet });
      expect(items(ds), key).toEqual(want.items);
      expect(ds.annotations).toEqual(ds.targets);
    }
  });

  it('read the segmentation PNG as its palette indices', () => {
    const ds = new D.VOCSegmentation(VOC_ROOT, { year: '2012', imageSet: 'train' });
    const got = items(ds).map(({ image, target }) => ({ image, target: { mode: target.mode, size: target.size, data: Array.from(target.data) } }));
    // PIL keeps the 'P' mode; here the indices come as an 'L' image (the same pixels, what pil_to_tensor gives)
    expect(got).toEqual(fx.voc.segmentation.items.map(({ image, target }) => ({ image, target: { ...target, mode: 'L' } })));
  });

  it('read palette PNGs of 1, 2 and 4 bits a pixel, plain and Adam7-interlaced, as PIL does', () => {
    expect(Object.keys(fx.palettes).filter((f) => f.startsWith('interlaced'))).toEqual(['interlaced1.png', 'interlaced2.png', 'interlaced4.png', 'interlaced8.png']);
    for (const [file, rows] of Object.entries(fx.palettes)) {
      const bytes = readFileSync(join(FIX, 'palette', file));
      expect(bytes[28], file).toBe(file.startsWith('interlaced') ? 1 : 0);  // IHDR's interlace method
      const img = openSegmentationMask(join(FIX, 'palette', file));
      expect([img.mode, img.size], file).toEqual(['L', [rows[0]!.length, rows.length]]);
      expect(Array.from(img.data), file).toEqual(rows.flat());
    }
    expect(() => openSegmentationMask(join(FIX, 'palette', 'missing.png'))).toThrow(/cannot read/);
    const truncated = join(tmpdir(), `torchnode-truncated-palette-${process.pid}.png`);
    try {
      writeFileSync(truncated, readFileSync(join(FIX, 'palette', 'p2.png')).subarray(0, 60));
      expect(() => openSegmentationMask(truncated)).toThrow(/cannot decode/);
      // an interlaced one cut inside its image data, and one whose rows are cut short (a smaller IDAT is not a valid stream)
      const interlaced = readFileSync(join(FIX, 'palette', 'interlaced2.png'));
      writeFileSync(truncated, interlaced.subarray(0, interlaced.length - 20));
      expect(() => openSegmentationMask(truncated)).toThrow(/cannot decode .*: the IDAT chunk runs past the end of the file/);
      const idatAt = interlaced.indexOf('IDAT') - 4;
      const rows = inflateSync(interlaced.subarray(idatAt + 8, idatAt + 8 + interlaced.readUInt32BE(idatAt)));
      const chunk = (type: string, data: Buffer): Buffer => {
        const head = Buffer.alloc(8);
        head.writeUInt32BE(data.length);
        head.write(type, 4, 'latin1');
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
        return Buffer.concat([head, data, crc]);
      };
      const withRows = (data: Buffer): Buffer => Buffer.concat([interlaced.subarray(0, idatAt), chunk('IDAT', data), interlaced.subarray(-12)]);
      writeFileSync(truncated, withRows(deflateSync(rows.subarray(0, rows.length - 2))));
      expect(() => openSegmentationMask(truncated)).toThrow(/cannot decode .*: the image data ends before the last row/);
      const badFilter = Buffer.from(rows);
      badFilter[0] = 5;
      writeFileSync(truncated, withRows(deflateSync(badFilter)));
      expect(() => openSegmentationMask(truncated)).toThrow(/cannot decode .*: unknown PNG filter type 5/);
      // a zlib stream cut after its last row still decodes, as PIL reads it
      writeFileSync(truncated, withRows(deflateSync(rows).subarray(0, -4)));
      expect(Array.from(openSegmentationMask(truncated).data)).toEqual(fx.palettes['interlaced2.png']!.flat());
      // a damaged critical chunk is refused, as PIL refuses it ("broken PNG file")
      const damaged = Buffer.from(interlaced);
      damaged[idatAt + 10] = damaged[idatAt + 10]! ^ 1;
      writeFileSync(truncated, damaged);
      expect(() => openSegmentationMask(truncated)).toThrow(/cannot decode .*: bad CRC in the IDAT chunk/);
      // a tRNS longer than the palette (PIL and libpng ignore the excess): the indices all the same
      for (const file of ['p1.png', 'interlaced1.png']) {
        const plain = readFileSync(join(FIX, 'palette', file));
        const at = plain.indexOf('IDAT') - 4;
        writeFileSync(truncated, Buffer.concat([plain.subarray(0, at), chunk('tRNS', Buffer.from([0, 255, 255, 255, 7])), plain.subarray(at)]));
        expect(Array.from(openSegmentationMask(truncated).data), file).toEqual(fx.palettes[file]!.flat());
      }
    } finally {
      rmSync(truncated, { force: true });
    }
  });

  it("torchvision's errors: year, image set, missing folder; and a missing split file", () => {
    expectError(() => new D.VOCDetection(VOC_ROOT, { year: '2013' }), fx.voc.errors.year!);
    expectError(() => new D.VOCDetection(VOC_ROOT, { year: '2012', imageSet: 'test' }), fx.voc.errors.imageSet!);
    expectError(() => new D.VOCDetection(VOC_ROOT, { year: '2010' }), fx.voc.errors.notFound!);
    expect(() => new D.VOCSegmentation(VOC_ROOT, { year: '2012', imageSet: 'val' })).toThrow(/No such file or directory: '.*Segmentation.val\.txt'/);
    expect(() => new D.VOCDetection(VOC_ROOT, { year: 2012 } as never)).toThrow(/Expected type str for argument year/);
  });
});

describe("pycocotools' masks (maskApi.c), against the fixture script's transcription", () => {
  it('rleFrPoly on random polygons: repeated vertices, points off the canvas, fractions', () => {
    for (const { h, w, xy, counts } of fx.masks.polygons) expect(rleFrPoly(xy, h, w).counts, JSON.stringify(xy)).toEqual(counts);
  });
  it('rleMerge of three polygons, decoded', () => {
    for (const { h, w, polygons, counts, mask } of fx.masks.merges) {
      const merged = rleMerge(polygons.map((xy) => rleFrPoly(xy, h, w)));
      expect(merged.counts).toEqual(counts);
      // pycocotools' decode is [h, w] row by row here as in numpy's view
      expect(Array.from(rleDecode(merged))).toEqual(mask);
    }
  });
  it('rleFrString reads compressed counts', () => {
    for (const { string, counts } of fx.masks.strings) expect(rleFrString(string, 1, 1).counts, string).toEqual(counts);
  });
});

describe('wrapDatasetForTransformsV2', () => {
  it('CocoDetection: image_id, XYXY boxes and int64 labels by default; "all" and chosen keys with the masks pycocotools rasterizes', () => {
    const cases: [string, { targetKeys?: unknown }][] = [['default', {}], ['all', { targetKeys: 'all' }], ['masks_boxes', { targetKeys: ['masks', 'boxes', 'area'] }]];
    for (const [name, options] of cases) {
      const wrapped = D.wrapDatasetForTransformsV2(new D.CocoDetection(COCO_IMAGES, INSTANCES), options as never);
      expect(wrappedItems(wrapped), name).toEqual(fx.coco.wrapped[name as 'default']);
    }
    expect(wrappedItems(D.wrapDatasetForTransformsV2(new D.CocoCaptions(COCO_IMAGES, CAPTIONS)))).toEqual(fx.coco.captionsWrapped);
  });

  it("a v2 pipeline as the dataset's transforms runs after the wrapping", () => {
    const pipeline = new v2.Compose([new v2.ToImage(), new v2.RandomHorizontalFlip({ p: 1.0 }), new v2.ConvertBoundingBoxFormat('CXCYWH')]);
    const wrapped = D.wrapDatasetForTransformsV2(new D.CocoDetection(COCO_IMAGES, INSTANCES, { transforms: pipeline }), { targetKeys: ['boxes', 'masks', 'labels'] });
    expect(wrappedItems(wrapped)).toEqual(fx.coco.wrapped.pipeline);
    expect(wrapped.transforms).toBe(pipeline);
    expect((wrapped as unknown as { ids: unknown }).ids).toEqual(fx.coco.ids);  // read through to the dataset
    // as torchvision's WrappedCocoDetection subclass
    expect(wrapped).toBeInstanceOf(D.CocoDetection);
    expect(wrapped).toBeInstanceOf(D.VisionDatasetTVTensorWrapper);
    expect(new D.CocoDetection(COCO_IMAGES, INSTANCES)).not.toBeInstanceOf(D.VisionDatasetTVTensorWrapper);
  });

  it('VOCDetection: boxes and labels (the VOC category indices), the annotation kept with "all"; a sample without objects fails as in torchvision', () => {
    for (const [key, want] of Object.entries(fx.voc.detection)) {
      const [year, imageSet] = key.split('-') as [string, string];
      for (const [name, targetKeys] of [['default', null], ['all', 'all'], ['boxes', new Set(['boxes'])]] as const) {
        const wrapped = D.wrapDatasetForTransformsV2(new D.VOCDetection(VOC_ROOT, { year, imageSet }), { targetKeys });
        expect(wrappedItems(wrapped), `${key} ${name}`).toEqual(want.wrapped[name]);
      }
    }
  });

  it('VOCSegmentation: the mask as a tv_tensors.Mask', () => {
    expect(wrappedItems(D.wrapDatasetForTransformsV2(new D.VOCSegmentation(VOC_ROOT, { year: '2012', imageSet: 'train' })))).toEqual(fx.voc.segmentation.wrapped);
  });

  it("torchvision's errors for targetKeys and datasets without a wrapper", () => {
    const coco = new D.CocoDetection(COCO_IMAGES, INSTANCES);
    const e = fx.coco.errors;
    expectError(() => D.wrapDatasetForTransformsV2(coco, { targetKeys: ['boxes', 'foo', 'bar'] }), e.unknownKeys!);
    expectError(() => D.wrapDatasetForTransformsV2(coco, { targetKeys: 'boxes' as never }), e.stringKeys!);
    expectError(() => D.wrapDatasetForTransformsV2(coco, { targetKeys: 5 as never }), { ...e.badKeys!, message: e.badKeys!.message.replace(/5$/, '') });
    expectError(() => D.wrapDatasetForTransformsV2(new D.CocoCaptions(COCO_IMAGES, CAPTIONS), { targetKeys: ['boxes'] }), e.captionsKeys!);
    expectError(() => D.wrapDatasetForTransformsV2(new D.FakeData({ size: 2 })), e.fakeData!);
    expectError(() => D.wrapDatasetForTransformsV2(new torch.data.TensorDataset(torch.zeros([2])) as never), e.notVision!);
    expectError(() => D.wrapDatasetForTransformsV2(new D.VOCSegmentation(VOC_ROOT, { year: '2012' }), { targetKeys: ['boxes'] }), fx.voc.errors.segmentationKeys!);
    expectError(() => D.wrapDatasetForTransformsV2(new D.VOCDetection(VOC_ROOT), { targetKeys: ['masks'] }), fx.voc.errors.vocUnknownKeys!);
  });

  it('classification datasets pass through, with their transform applied after', () => {
    const folder = COCO_IMAGES;  // one class folder, 'sub'
    const ds = new D.ImageFolder(folder, { transform: new vision.transforms.PILToTensor(), targetTransform: (y: number) => y + 100 });
    const plain = new D.ImageFolder(folder, { transform: new vision.transforms.PILToTensor(), targetTransform: (y: number) => y + 100 });
    const wrapped = D.wrapDatasetForTransformsV2(ds);
    expect(ds.transform).toBeNull();  // taken off the dataset, as torchvision does
    const [x, y] = wrapped.getItem(0) as [torch.Tensor, number];
    const [px, py] = plain.getItem(0) as [torch.Tensor, number];
    expect(x.equal(px)).toBe(true);
    expect(y).toBe(py);
  });

  it('a DataLoader with worker threads over the wrapped COCO dataset, a v2 pipeline and a list collate', async () => {
    // Worker threads load dist/ (vitest's lib/ sources are not loadable there), so this test uses dist/ throughout.
    const dist = await import('../dist/index.js');
    const pipeline = () => new dist.vision.transforms.v2.Compose([new dist.vision.transforms.v2.ToImage(), new dist.vision.transforms.v2.RandomHorizontalFlip({ p: 1.0 }),
      new dist.vision.transforms.v2.ConvertBoundingBoxFormat('CXCYWH')]);
    const make = () => dist.vision.datasets.wrapDatasetForTransformsV2(new dist.vision.datasets.CocoDetection(COCO_IMAGES, INSTANCES, { transforms: pipeline() }), { targetKeys: ['boxes', 'masks', 'labels'] });
    const loader = new dist.data.DataLoader(make(), { batchSize: 3, numWorkers: 2, collateFn: (batch: unknown[]) => batch });
    const got: unknown[] = [];
    for await (const batch of loader as AsyncIterable<unknown[]>) got.push(...batch.map(encLeafDist(dist)));
    expect(got).toEqual(fx.coco.wrapped.pipeline);
  });
});

/** encLeaf for dist/'s classes (the worker test's samples). */
function encLeafDist(dist: typeof import('../dist/index.js')) {
  const enc = (v: unknown): unknown => {
    if (v instanceof dist.vision.Image) return { image: imageEnc(v as unknown as vision.Image) };
    if (dist.isTensor(v)) {
      const kind = dist.vision.tvTensors.kindOf(v);
      const out: Record<string, unknown> = { tensor: { dtype: String(v.dtype).replace('torch.', ''), shape: v.shape, data: v.flatten().tolist() }, kind };
      if (kind === 'BoundingBoxes') {
        const { format, canvasSize, clampingMode } = v as unknown as vision.tvTensors.BoundingBoxesTensor;
        Object.assign(out, { format, canvasSize, clampingMode });
      }
      return out;
    }
    if (Array.isArray(v)) return { list: v.map(enc) };
    if (typeof v === 'object' && v !== null) return { dict: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)])) };
    return { value: v };
  };
  return enc;
}
