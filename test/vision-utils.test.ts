// vision.utils.makeGrid and saveImage against torchvision.utils (test/fixtures/vision-transforms.json,
// "utils": scripts/make-vision-fixtures.py), and vision.Image.save/encode.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { check, makeTensor, type TensorEnc } from './golden-replay.js';

interface UtilsFixture { batch: TensorEnc; gray: TensorEnc; grids: Record<string, TensorEnc>; saved: TensorEnc }
const fx = (JSON.parse(readFileSync(new URL('./fixtures/vision-transforms.json', import.meta.url), 'utf8')) as { utils: UtilsFixture }).utils;
const U = vision.utils;
const TMP = mkdtempSync(join(tmpdir(), 'torchnode-vision-utils-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('vision.utils', () => {
  const batch = makeTensor(fx.batch), gray = makeTensor(fx.gray);
  const grids: Record<string, () => torch.Tensor> = {
    // the seed article's call: make_grid([to_tensor(i) for i in [img, img, img]], nrow=2, padding=5)
    seed_list: () => U.makeGrid([batch.select(0, 0), batch.select(0, 1), batch.select(0, 2)], { nrow: 2, padding: 5 }),
    default: () => U.makeGrid(batch),
    normalize: () => U.makeGrid(gray, { normalize: true }),
    normalize_range: () => U.makeGrid(gray, 2, { normalize: true, valueRange: [-1, 1], padValue: 0.5 }),
    scale_each: () => U.makeGrid(gray, { normalize: true, scaleEach: true, padding: 0 }),
    single: () => U.makeGrid(batch.select(0, 0)),
    single_gray_2d: () => U.makeGrid(gray.select(0, 0).select(0, 0)),
    uint8: () => U.makeGrid(batch.mul(255).to(torch.uint8), { nrow: 3, padValue: 255 }),
  };
  it('has a port for every fixture grid', () => expect(Object.keys(fx.grids).sort()).toEqual(Object.keys(grids).sort()));
  for (const [name, make] of Object.entries(grids)) {
    it(`makeGrid ${name}: torchvision's grid, bit for bit`, () => check(make(), fx.grids[name]!, undefined, name));
  }

  it('makeGrid leaves its input as it was when normalizing', () => {
    const before = gray.clone();
    U.makeGrid(gray, { normalize: true });
    expect(gray.equal(before)).toBe(true);
  });

  it("saveImage writes the PNG whose pixels are torchvision's save_image's", () => {
    const path = join(TMP, 'grid.png');
    U.saveImage(batch, path, { nrow: 3, padding: 1 });
    const img = vision.Image.open(path);
    check(torch.tensor(img.data).view(img.height, img.width, 3), fx.saved, undefined, 'saved pixels');
    // the same through an explicit format and a JPEG (lossy: a valid file of the same size)
    U.saveImage(batch, join(TMP, 'grid.bin'), 'png', { nrow: 3, padding: 1 });
    expect(vision.Image.open(join(TMP, 'grid.bin')).data).toEqual(img.data);
    U.saveImage(batch, join(TMP, 'grid.jpg'), { nrow: 3, padding: 1 });
    expect(vision.Image.open(join(TMP, 'grid.jpg')).size).toEqual(img.size);
  });

  it('Image.save and encode round-trip through PNG, the format from the extension or given', () => {
    const img = new vision.Image(3, 2, 'RGB', Uint8Array.from({ length: 18 }, (_, i) => i * 14));
    img.save(join(TMP, 'a.png'));
    expect(vision.Image.open(join(TMP, 'a.png')).data).toEqual(img.data);
    img.save(join(TMP, 'a.tiff')); // uncompressed, as PIL writes TIFF: lossless
    expect(vision.Image.open(join(TMP, 'a.tiff')).data).toEqual(img.data);
    const gray = new vision.Image(2, 2, 'L', Uint8Array.from([0, 50, 100, 250]));
    expect(vision.Image.decode(gray.encode('PNG')).data).toEqual(gray.data);
  });

  it('rejects bad arguments with errors naming them', () => {
    expect(() => U.makeGrid([batch, 3] as never)).toThrow(/makeGrid: tensor or list of tensors expected, got a list containing number/);
    expect(() => U.makeGrid('x' as never)).toThrow(/tensor or list of tensors expected, got string/);
    expect(() => U.makeGrid(batch, { nrows: 2 } as never)).toThrow(/unexpected option 'nrows' \(did you mean 'nrow'\?\)/);
    expect(() => U.makeGrid(batch, { normalize: true, valueRange: [0] as never })).toThrow(/valueRange has to be a pair/);
    expect(() => U.makeGrid(batch, { nrow: 0 })).toThrow(/nrow must be a positive integer/);
    expect(() => U.saveImage(batch, join(TMP, 'x.bmpx'))).toThrow(/saveImage: unknown file extension: "\.bmpx"/);
    // 2 channels are PIL's LA (written: test/vision-tv028-parity.test.ts); 5 have no PIL mode (Image.fromarray's TypeError)
    expect(() => U.saveImage(torch.rand(2, 5, 4, 4), join(TMP, 'x.png'))).toThrow(/cannot write an image of 5 channels/);
    expect(() => new vision.Image(1, 1, 'L').save(join(TMP, 'noext'))).toThrow(/Image\.save: unknown file extension/);
  });
});
