// torchvision.models.detection.anchor_utils (0.28): AnchorGenerator (the anchors of Faster R-CNN's RPN and
// RetinaNet: per feature map, sizes x aspect ratios cell anchors tiled over its grid) and
// DefaultBoxGenerator (SSD's default boxes). The same tensor ops as torchvision, so the anchors agree bit
// for bit. Neither has parameters or buffers (torchvision keeps the cell anchors in a plain list too).
import * as torch from '../../../index.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { pyFloat } from '../../../print.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { ImageList } from './image_list.js';

const { nn } = torch;

function checkForward(fn: string, imageList: unknown, featureMaps: unknown): asserts featureMaps is Tensor[] {
  if (!(imageList instanceof ImageList)) throw new TypeError(`${fn}: imageList should be an ImageList, got ${describe(imageList)}`);
  if (!Array.isArray(featureMaps) || featureMaps.length === 0 || !featureMaps.every(isTensor))
    throw new TypeError(`${fn}: featureMaps should be a non-empty array of Tensors, got ${describe(featureMaps)}`);
}

const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/**
 * Anchors for a set of feature maps: for feature map i, sizes[i] x aspectRatios[i] anchors (aspect ratio
 * = height / width) centred on each of its cells, `stride` image pixels apart. A flat `sizes` list gives
 * one size per feature map; a flat `aspectRatios` list is used for every feature map.
 */
export class AnchorGenerator extends nn.Module {
  sizes: number[][];
  aspectRatios: number[][];
  /** The zero-centred anchors of one cell per feature map (rounded xyxy), in the last forward's dtype and device. */
  cellAnchors: Tensor[];

  constructor(sizes: readonly (readonly number[])[] | readonly number[] = [[128, 256, 512]], aspectRatios: readonly (readonly number[])[] | readonly number[] = [[0.5, 1.0, 2.0]]) {
    super();
    if (!Array.isArray(sizes) || sizes.length === 0) throw new TypeError(`AnchorGenerator: sizes should be a non-empty array, got ${describe(sizes)}`);
    if (!Array.isArray(aspectRatios) || aspectRatios.length === 0) throw new TypeError(`AnchorGenerator: aspectRatios should be a non-empty array, got ${describe(aspectRatios)}`);
    const s = (Array.isArray(sizes[0]) ? sizes : (sizes as number[]).map((v) => [v])) as unknown[];
    const a = (Array.isArray(aspectRatios[0]) ? aspectRatios : s.map(() => aspectRatios)) as unknown[];
    if (!s.every(isNumberList) || !a.every(isNumberList)) throw new TypeError('AnchorGenerator: sizes and aspectRatios should hold numbers (or arrays of numbers, one per feature map)');
    this.sizes = s.map((v) => [...v]);
    this.aspectRatios = a.map((v) => [...v]);
    const count = Math.min(this.sizes.length, this.aspectRatios.length); // Python's zip
    this.cellAnchors = Array.from({ length: count }, (_, i) => torch.keep(this.generateAnchors(this.sizes[i]!, this.aspectRatios[i]!)));
  }

  /** The zero-centred anchors [-w/2, -h/2, w/2, h/2] (rounded) of every aspect ratio x scale pair, ratios outermost. */
  generateAnchors(scales: readonly number[], aspectRatios: readonly number[], dtype: torch.dtype = torch.float32, device: torch.DeviceLike = 'cpu'): Tensor {
    return torch.tidy(() => {
      const sc = torch.tensor([...scales], { dtype, device });
      const ar = torch.tensor([...aspectRatios], { dtype, device });
      const hRatios = torch.sqrt(ar);
      const wRatios = hRatios.reciprocal().mul(1); // Python's 1 / h_ratios (Tensor.__rdiv__)
      const ws = wRatios.index(':', null).mul(sc.index(null, ':')).view(-1);
      const hs = hRatios.index(':', null).mul(sc.index(null, ':')).view(-1);
      return torch.stack([ws.neg(), hs.neg(), ws, hs], 1).div(2).round();
    });
  }

  /** Moves the cell anchors to `dtype` and `device` (as torchvision does on each forward). */
  setCellAnchors(dtype: torch.dtype, device: torch.DeviceLike): void {
    this.cellAnchors = this.cellAnchors.map((c) => {
      if (c.dtype === dtype && c.device.toString() === String(device)) return c;
      const moved = torch.keep(torch.tidy(() => c.to({ dtype, device })));
      c.dispose();
      return moved;
    });
  }

  /** sizes[i].length x aspectRatios[i].length per feature map. */
  numAnchorsPerLocation(): number[] {
    const count = Math.min(this.sizes.length, this.aspectRatios.length);
    return Array.from({ length: count }, (_, i) => this.sizes[i]!.length * this.aspectRatios[i]!.length);
  }

  /** Each feature map's cell anchors shifted to every cell of its grid (gridSizes[i] = [h, w]) `strides[i]` = [sy, sx] (0-d int64 tensors) apart. */
  gridAnchors(gridSizes: readonly (readonly number[])[], strides: readonly (readonly Tensor[])[]): Tensor[] {
    if (!(gridSizes.length === strides.length && strides.length === this.cellAnchors.length))
      throw new RangeError('Anchors should be Tuple[Tuple[int]] because each feature map could potentially have different sizes and aspect ratios. '
        + 'There needs to be a match between the number of feature maps passed and the number of sizes / aspect ratios specified.');
    return gridSizes.map((size, i) => torch.tidy(() => {
      const [gridHeight, gridWidth] = size as [number, number];
      const [strideHeight, strideWidth] = strides[i] as [Tensor, Tensor];
      const baseAnchors = this.cellAnchors[i]!;
      const device = baseAnchors.device;
      const shiftsX = torch.arange(0, gridWidth, { dtype: torch.int32, device }).mul(strideWidth);
      const shiftsY = torch.arange(0, gridHeight, { dtype: torch.int32, device }).mul(strideHeight);
      const [shiftY, shiftX] = torch.meshgrid([shiftsY, shiftsX], { indexing: 'ij' }) as [Tensor, Tensor];
      const sx = shiftX.reshape(-1);
      const sy = shiftY.reshape(-1);
      const shifts = torch.stack([sx, sy, sx, sy], 1);
      return shifts.view(-1, 1, 4).add(baseAnchors.view(1, -1, 4)).reshape(-1, 4);
    }));
  }

  /** The anchors of every image of `imageList` (one Tensor[sum of H*W*A, 4] each) over `featureMaps`. */
  override forward(imageList: ImageList, featureMaps: Tensor[]): Tensor[] {
    checkForward('AnchorGenerator', imageList, featureMaps);
    const gridSizes = featureMaps.map((f) => f.shape.slice(-2));
    const imageSize = imageList.tensors.shape.slice(-2) as [number, number];
    const { dtype, device } = featureMaps[0]!;
    this.setCellAnchors(dtype, device);
    return torch.tidy(() => {
      const strides = gridSizes.map((g) => [
        torch.full([], Math.floor(imageSize[0] / g[0]!), { dtype: torch.int64, device }),
        torch.full([], Math.floor(imageSize[1] / g[1]!), { dtype: torch.int64, device }),
      ]);
      const overAll = this.gridAnchors(gridSizes, strides);
      return imageList.imageSizes.map(() => torch.cat(overAll));
    });
  }

  protected override disposeExtras(): void {
    for (const c of this.cellAnchors) c.dispose();
    this.cellAnchors = [];
  }
}

export interface DefaultBoxGeneratorOptions { minRatio?: number; maxRatio?: number; scales?: readonly number[] | null; steps?: readonly number[] | null; clip?: boolean }

const pyNumber = (v: number): string => (Number.isInteger(v) ? String(v) : pyFloat(v));

/**
 * SSD's default boxes (page 6 of the paper): per feature map k, two square boxes (scales s_k and
 * sqrt(s_k s_k+1)) and two per aspect ratio, centred on each cell; the scales are spread evenly from
 * minRatio to maxRatio unless given. `clip` clamps the (cx, cy, w, h) sizes to [0, 1].
 */
const DEFAULT_BOX_SIGNATURE = signature('DefaultBoxGenerator', { aspectRatios: REQUIRED, minRatio: 0.15, maxRatio: 0.9, scales: null, steps: null, clip: true });

export class DefaultBoxGenerator extends nn.Module {
  aspectRatios: number[][];
  steps: number[] | null;
  clip: boolean;
  scales: number[];
  /** The (w, h) pairs of each feature map (float32). */
  _whPairs: Tensor[];

  constructor(aspectRatios: readonly (readonly number[])[], ...args: PyArgs<[minRatio: number, maxRatio: number, scales: readonly number[] | null,
    steps: readonly number[] | null, clip: boolean], DefaultBoxGeneratorOptions>);
  constructor(...args: unknown[]) {
    super();
    const [aspectRatios, minRatio, maxRatio, scales, steps, clip] = bind(DEFAULT_BOX_SIGNATURE, args) as
      [readonly (readonly number[])[], number, number, readonly number[] | null, readonly number[] | null, boolean];
    if (!Array.isArray(aspectRatios) || !aspectRatios.every(isNumberList)) throw new TypeError(`DefaultBoxGenerator: aspectRatios should be an array of arrays of numbers, got ${describe(aspectRatios)}`);
    if (steps !== null && aspectRatios.length !== steps.length) throw new RangeError('aspect_ratios and steps should have the same length');
    this.aspectRatios = aspectRatios.map((r) => [...r]);
    this.steps = steps === null ? null : [...steps];
    this.clip = clip;
    const numOutputs = aspectRatios.length;
    if (scales === null) {
      if (numOutputs > 1) {
        const rangeRatio = maxRatio - minRatio;
        this.scales = Array.from({ length: numOutputs }, (_, k) => minRatio + (rangeRatio * k) / (numOutputs - 1.0));
        this.scales.push(1.0);
      } else {
        this.scales = [minRatio, maxRatio];
      }
    } else {
      this.scales = [...scales];
    }
    this._whPairs = this._generateWhPairs(numOutputs).map((t) => torch.keep(t));
  }

  _generateWhPairs(numOutputs: number, dtype: torch.dtype = torch.float32, device: torch.DeviceLike = 'cpu'): Tensor[] {
    const out: Tensor[] = [];
    for (let k = 0; k < numOutputs; k++) {
      const sk = this.scales[k]!;
      const sPrimeK = Math.sqrt(this.scales[k]! * this.scales[k + 1]!);
      const whPairs: number[][] = [[sk, sk], [sPrimeK, sPrimeK]];
      for (const ar of this.aspectRatios[k]!) {
        const sqAr = Math.sqrt(ar);
        const w = this.scales[k]! * sqAr;
        const h = this.scales[k]! / sqAr;
        whPairs.push([w, h], [h, w]);
      }
      out.push(torch.tensor(whPairs, { dtype, device }));
    }
    return out;
  }

  /** 2 + 2 * (the feature map's aspect ratios). */
  numAnchorsPerLocation(): number[] {
    return this.aspectRatios.map((r) => 2 + 2 * r.length);
  }

  /** The default boxes (cx, cy, w, h), relative to the image, of every cell of every grid. */
  _gridDefaultBoxes(gridSizes: readonly (readonly number[])[], imageSize: readonly number[], dtype: torch.dtype = torch.float32): Tensor {
    return torch.tidy(() => {
      const defaultBoxes = gridSizes.map((fk, k) => {
        let xFk: number, yFk: number;
        if (this.steps !== null) {
          xFk = imageSize[1]! / this.steps[k]!;
          yFk = imageSize[0]! / this.steps[k]!;
        } else {
          [yFk, xFk] = fk as [number, number];
        }
        const shiftsX = torch.arange(0, fk[1]!).add(0.5).div(xFk).to({ dtype });
        const shiftsY = torch.arange(0, fk[0]!).add(0.5).div(yFk).to({ dtype });
        const [shiftY, shiftX] = torch.meshgrid([shiftsY, shiftsX], { indexing: 'ij' }) as [Tensor, Tensor];
        const sx = shiftX.reshape(-1);
        const sy = shiftY.reshape(-1);
        const wh = this._whPairs[k]!;
        const shifts = torch.stack(Array.from({ length: wh.size(0) }, () => [sx, sy]).flat(), -1).reshape(-1, 2);
        const whPair = this.clip ? wh.clamp(0, 1) : wh;
        const whPairs = whPair.repeat(fk[0]! * fk[1]!, 1);
        return torch.cat([shifts, whPairs], 1);
      });
      return torch.cat(defaultBoxes, 0);
    });
  }

  /** The default boxes (xyxy, in pixels of the padded batch) for every image of `imageList`. */
  override forward(imageList: ImageList, featureMaps: Tensor[]): Tensor[] {
    checkForward('DefaultBoxGenerator', imageList, featureMaps);
    if (featureMaps.length > this._whPairs.length)
      throw new RangeError(`DefaultBoxGenerator: got ${featureMaps.length} feature maps for ${this._whPairs.length} sets of aspect ratios`);
    const gridSizes = featureMaps.map((f) => f.shape.slice(-2));
    const imageSize = imageList.tensors.shape.slice(-2);
    const { dtype, device } = featureMaps[0]!;
    return torch.tidy(() => {
      const defaultBoxes = this._gridDefaultBoxes(gridSizes, imageSize, dtype).to(device);
      const xySize = torch.tensor([imageSize[1]!, imageSize[0]!], { dtype: torch.int64, device: defaultBoxes.device });
      return imageList.imageSizes.map(() => {
        const centers = defaultBoxes.index(':', ':2');
        const half = defaultBoxes.index(':', '2:').mul(0.5);
        return torch.cat([centers.sub(half).mul(xySize), centers.add(half).mul(xySize)], -1);
      });
    });
  }

  /** Python's repr: DefaultBoxGenerator(aspect_ratios=[[2], [2, 3]], clip=True, scales=[0.15, 0.9, 1.0], steps=None). */
  override toString(): string {
    const list = (v: readonly number[], f: (x: number) => string): string => `[${v.map(f).join(', ')}]`;
    const ratios = `[${this.aspectRatios.map((r) => list(r, pyNumber)).join(', ')}]`;
    const steps = this.steps === null ? 'None' : list(this.steps, pyNumber);
    return `${this.constructor.name}(aspect_ratios=${ratios}, clip=${this.clip ? 'True' : 'False'}, scales=${list(this.scales, pyFloat)}, steps=${steps})`;
  }

  protected override disposeExtras(): void {
    for (const t of this._whPairs) t.dispose();
  }
}
