// torchvision.utils: makeGrid (a batch of images tiled into one) and saveImage (that grid as a file).
import { writeFileSync } from 'node:fs';
import * as torch from '../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../nn/functional/_signature.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { encodeImageSync } from './decode.js';
import { formatOfPath, imageFormat } from './image.js';

export interface MakeGridOptions {
  nrow?: number; padding?: number; normalize?: boolean; valueRange?: readonly [number, number] | null; scaleEach?: boolean; padValue?: number;
}
type Images = Tensor | readonly Tensor[];
const MAKE_GRID = signature('makeGrid', { tensor: REQUIRED, nrow: 8, padding: 2, normalize: false, valueRange: null, scaleEach: false, padValue: 0.0 });
const SAVE_IMAGE = signature('saveImage', { tensor: REQUIRED, fp: REQUIRED, format: null, ...Object.fromEntries(MAKE_GRID.names.slice(1).map((n, i) => [n, MAKE_GRID.defaults[i + 1]])) });

/** Clamps to [low, high] and rescales to [0, 1] in place (torchvision's norm_ip). */
function normalizeInPlace(img: Tensor, low: number, high: number): void {
  img.clamp_(low, high);
  img.sub_(low).div_(Math.max(high - low, 1e-5));
}

function gridOf(fn: string, values: unknown[]): Tensor {
  const [images, nrow, padding, normalize, valueRange, scaleEach, padValue] = values as [Images, number, number, boolean, [number, number] | null, boolean, number];
  if (!isTensor(images)) {
    if (!Array.isArray(images)) throw new TypeError(`${fn}: tensor or list of tensors expected, got ${describe(images)}`);
    for (const t of images) if (!isTensor(t)) throw new TypeError(`${fn}: tensor or list of tensors expected, got a list containing ${describe(t)}`);
  }
  if (!Number.isInteger(nrow) || nrow < 1) throw new RangeError(`${fn}: nrow must be a positive integer, got ${String(nrow)}`);
  if (!Number.isInteger(padding) || padding < 0) throw new RangeError(`${fn}: padding must be a non-negative integer, got ${String(padding)}`);
  if (valueRange !== null && !(Array.isArray(valueRange) && valueRange.length === 2 && valueRange.every((v) => typeof v === 'number')))
    throw new TypeError(`${fn}: valueRange has to be a pair [min, max] if specified. min and max are numbers`);
  return torch.noGrad(() => torch.tidy(() => {
    let t = isTensor(images) ? images : torch.stack([...images], 0);
    if (t.dim() === 2) t = t.unsqueeze(0); // a single H x W image
    if (t.dim() === 3) t = (t.size(0) === 1 ? torch.cat([t, t, t], 0) : t).unsqueeze(0); // single-channel images become 3-channel
    if (t.dim() !== 4) throw new RangeError(`${fn}: expected images of 2 to 4 dimensions, got ${t.dim()}`);
    if (t.size(1) === 1) t = torch.cat([t, t, t], 1);
    if (normalize) {
      t = t.clone(); // never the caller's tensor
      const range = (img: Tensor): void => {
        if (valueRange !== null) normalizeInPlace(img, valueRange[0], valueRange[1]);
        else normalizeInPlace(img, img.min().item(), img.max().item());
      };
      if (scaleEach) for (let k = 0; k < t.size(0); k++) range(t.select(0, k));
      else range(t);
    }
    if (t.size(0) === 1) return t.squeeze(0);
    const nmaps = t.size(0);
    const xmaps = Math.min(nrow, nmaps);
    const ymaps = Math.ceil(nmaps / xmaps);
    const height = t.size(2) + padding, width = t.size(3) + padding;
    const grid = t.newFull([t.size(1), height * ymaps + padding, width * xmaps + padding], padValue);
    for (let k = 0; k < nmaps; k++) {
      const y = Math.floor(k / xmaps), x = k % xmaps;
      grid.narrow(1, y * height + padding, height - padding).narrow(2, x * width + padding, width - padding).copy_(t.select(0, k));
    }
    return grid;
  }));
}

/**
 * torchvision's make_grid: images (N x C x H x W, or a list of C x H x W) tiled nrow to a row with
 * `padding` pixels of `padValue` between them; single-channel images become 3-channel; `normalize`
 * rescales to [0, 1] by valueRange or the min and max (per image with scaleEach).
 */
export function makeGrid(tensor: Images, ...args: PyArgs<[nrow: number, padding: number, normalize: boolean, valueRange: readonly [number, number] | null, scaleEach: boolean, padValue: number], MakeGridOptions>): Tensor;
export function makeGrid(...args: unknown[]): Tensor {
  return gridOf(MAKE_GRID.fn, bind(MAKE_GRID, args));
}

export interface SaveImageOptions extends MakeGridOptions { format?: string | null }

/**
 * torchvision's save_image: makeGrid of `tensor` (values in [0, 1]) scaled to 8 bits with rounding, written to
 * `fp` as PNG, JPEG, ... (`format`, else the extension). A grid of 2 or 4 channels is written with its alpha
 * (PIL's LA or RGBA), which JPEG refuses as PIL does.
 */
export function saveImage(tensor: Images, fp: string, ...args: PyArgs<[format: string | null], SaveImageOptions>): void;
export function saveImage(...args: unknown[]): void {
  const [tensor, fp, format, ...gridArgs] = bind(SAVE_IMAGE, args) as [Images, string, string | null, ...unknown[]];
  const fn = SAVE_IMAGE.fn;
  const fileFormat = format === null ? formatOfPath(fn, fp) : imageFormat(fn, format);
  const grid = gridOf(fn, [tensor, ...gridArgs]);
  try {
    const [channels, height, width] = grid.shape as [number, number, number];
    if (channels < 2 || channels > 4) throw new RangeError(`${fn}: cannot write an image of ${channels} channels (2, 3 or 4)`);
    // PIL's modes LA, RGB and RGBA (Image.fromarray); its JPEG plugin writes RGB only (an OSError in Python)
    if (fileFormat === 'jpeg' && channels !== 3) throw new Error(`${fn}: cannot write mode ${channels === 2 ? 'LA' : 'RGBA'} as JPEG`);
    // `mul(255).add_(0.5).clamp_(0, 255)` then uint8: round to the nearest 8-bit value, as torchvision.
    const pixels = torch.tidy(() => grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).contiguous().toTypedArray() as Uint8Array);
    writeFileSync(fp, encodeImageSync(pixels, width, height, channels, fileFormat));
  } finally {
    grid.dispose();
  }
}
export { drawBoundingBoxes, drawKeypoints, drawSegmentationMasks, type Color, type Colors, type DrawBoundingBoxesOptions, type DrawKeypointsOptions, type DrawSegmentationMasksOptions } from './draw.js';
export { flowToImage, _makeColorwheel, _normalizedFlowToImage } from './flow.js';
