// nn.functional vision ops: interpolate (and the deprecated upsample*), grid_sample, affine_grid,
// pixel_shuffle/unshuffle, channel_shuffle, ported from torch/nn/functional.py branch for branch.
import { aten } from '../../call.js';
import type { Tensor } from '../../tensor.js';
import { pythonFunction, REQUIRED, signature, type PyArgs, type Size } from './_signature.js';
import { pySize } from '../../dtype.js';
import { warn } from '../../warnings.js';

type ScaleFactor = number | readonly number[];
/** The keyword arguments of F.interpolate. */
export interface InterpolateOptions {
  size?: Size | null; scaleFactor?: ScaleFactor | null; mode?: InterpolateMode; alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null; antialias?: boolean;
}
/** The keyword arguments of F.grid_sample. */
export interface GridSampleOptions { grid?: Tensor; mode?: 'bilinear' | 'nearest' | 'bicubic'; paddingMode?: 'zeros' | 'border' | 'reflection'; alignCorners?: boolean | null }
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'lanczos' | 'area' | 'nearest-exact';


// The ATen op per (spatial dims, mode); linear modes also take align_corners.
const UPSAMPLE: Record<string, string> = {
  'nearest1': 'upsample_nearest1d', 'nearest2': 'upsample_nearest2d', 'nearest3': 'upsample_nearest3d',
  'nearest-exact1': '_upsample_nearest_exact1d', 'nearest-exact2': '_upsample_nearest_exact2d', 'nearest-exact3': '_upsample_nearest_exact3d',
  'linear1': 'upsample_linear1d', 'bilinear2': 'upsample_bilinear2d', 'trilinear3': 'upsample_trilinear3d', 'bicubic2': 'upsample_bicubic2d',
};
const ANTIALIASED: Record<string, string> = { bilinear: '_upsample_bilinear2d_aa', bicubic: '_upsample_bicubic2d_aa', lanczos: '_upsample_lanczos2d_aa' };
const NEEDS: Record<string, string> = { linear: '3D', bilinear: '4D', trilinear: '5D' };
const spatial = (input: Tensor): string => `[${input.shape.slice(2).join(', ')}]`;
const show = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

function interpolateImpl(input: Tensor, size: unknown, scaleFactor: unknown, mode: string, alignCorners: boolean | null,
  recomputeScaleFactor: boolean | null, antialias: boolean): Tensor {
  if (mode === 'nearest' || mode === 'area' || mode === 'nearest-exact') {
    if (alignCorners !== null) throw new RangeError('interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  } else if (alignCorners === null) {
    alignCorners = false;
  }
  const dim = input.dim() - 2;
  let outputSize: number[] | null;
  let scaleFactors: number[] | null;
  if (size !== null && scaleFactor !== null) throw new RangeError('interpolate: only one of size or scale_factor should be defined');
  if (size !== null) {
    scaleFactors = null;
    if (Array.isArray(size)) {
      if (size.length !== dim) {
        throw new RangeError(`interpolate: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial(input)} and output size of ${show(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
      }
      if (!size.every((x) => Number.isInteger(x))) {
        throw new TypeError(`interpolate: expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but got size ${show(size)}`);
      }
      outputSize = size as number[];
    } else {
      outputSize = new Array<number>(dim).fill(size as number);
    }
  } else if (scaleFactor !== null) {
    outputSize = null;
    if (Array.isArray(scaleFactor)) {
      if (scaleFactor.length !== dim) {
        throw new RangeError(`interpolate: Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial(input)} and scale_factor of shape ${show(scaleFactor)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
      }
      scaleFactors = scaleFactor as number[];
    } else {
      scaleFactors = new Array<number>(dim).fill(scaleFactor as number);
    }
  } else {
    throw new RangeError('interpolate: either size or scale_factor should be defined');
  }
  if (recomputeScaleFactor && size !== null) throw new RangeError('interpolate: recompute_scale_factor is not meaningful with an explicit size.');
  if (mode === 'area' && outputSize === null) recomputeScaleFactor = true; // area needs an explicit size
  if (recomputeScaleFactor) {
    const factors = scaleFactors!;
    outputSize = factors.map((f, i) => Math.trunc(input.shape[i + 2]! * f));
    scaleFactors = null;
  }
  if (antialias && !((mode === 'bilinear' || mode === 'bicubic' || mode === 'lanczos') && input.dim() === 4)) {
    throw new RangeError('interpolate: Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input');
  }
  if (dim >= 1 && dim <= 3) {
    if (mode === 'nearest' || mode === 'nearest-exact') return aten(UPSAMPLE[mode + dim]!, [input, outputSize, scaleFactors]) as Tensor;
    if (mode === 'area') return aten(`adaptive_avg_pool${dim}d`, [input, outputSize]) as Tensor;
    if (mode === 'lanczos' && dim === 2) {
      if (alignCorners) throw new RangeError('interpolate: Lanczos mode does not support align_corners=True');
      if (!antialias) throw new RangeError('interpolate: Lanczos mode requires antialias=True');
    }
    if (antialias && dim === 2) return aten(ANTIALIASED[mode]!, [input, outputSize, alignCorners, scaleFactors]) as Tensor;
    const op = UPSAMPLE[mode + dim];
    if (op) return aten(op, [input, outputSize, alignCorners, scaleFactors]) as Tensor;
    if (NEEDS[mode]) throw new Error(`interpolate: Got ${input.dim()}D input, but ${mode} mode needs ${NEEDS[mode]} input`);
  }
  throw new Error(`interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got ${mode})`);
}

/**
 * `F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None, antialias=False)`: resizes (N, C, d1[, d2[, d3]]) input.
 */
export const interpolate: (input: Tensor, ...args: PyArgs<[size: Size | null, scaleFactor: ScaleFactor | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null, antialias: boolean], InterpolateOptions>) => Tensor = pythonFunction(
  signature('interpolate', { input: REQUIRED, size: null, scaleFactor: null, mode: 'nearest', alignCorners: null, recomputeScaleFactor: null, antialias: false }),
  interpolateImpl,
);

/** `F.upsample(input, size=None, scale_factor=None, mode='nearest', align_corners=None)`: deprecated for interpolate. */
export const upsample: (input: Tensor, ...args: PyArgs<[size: Size | null, scaleFactor: ScaleFactor | null, mode: InterpolateMode, alignCorners: boolean | null], Omit<InterpolateOptions, 'recomputeScaleFactor' | 'antialias'>>) => Tensor = pythonFunction(
  signature('upsample', { input: REQUIRED, size: null, scaleFactor: null, mode: 'nearest', alignCorners: null }),
  (input, size, scaleFactor, mode, alignCorners) => {
    warn('`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.');
    return interpolateImpl(input, size, scaleFactor, mode, alignCorners, null, false);
  },
);
/** `F.upsample_nearest(input, size=None, scale_factor=None)`: deprecated for interpolate(mode='nearest'). */
export const upsampleNearest: (input: Tensor, ...args: PyArgs<[size: Size | null, scaleFactor: ScaleFactor | null], { size?: Size | null; scaleFactor?: ScaleFactor | null }>) => Tensor = pythonFunction(
  signature('upsampleNearest', { input: REQUIRED, size: null, scaleFactor: null }),
  (input, size, scaleFactor) => {
    warn('`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.');
    return interpolateImpl(input, size, scaleFactor, 'nearest', null, null, false);
  },
);
/** `F.upsample_bilinear(input, size=None, scale_factor=None)`: deprecated for interpolate(mode='bilinear', align_corners=True). */
export const upsampleBilinear: (input: Tensor, ...args: PyArgs<[size: Size | null, scaleFactor: ScaleFactor | null], { size?: Size | null; scaleFactor?: ScaleFactor | null }>) => Tensor = pythonFunction(
  signature('upsampleBilinear', { input: REQUIRED, size: null, scaleFactor: null }),
  (input, size, scaleFactor) => {
    warn('`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.');
    return interpolateImpl(input, size, scaleFactor, 'bilinear', true, null, false);
  },
);

/** torch.nn.functional.GRID_SAMPLE_INTERPOLATION_MODES. */
export const GRID_SAMPLE_INTERPOLATION_MODES: Readonly<Record<string, number>> = Object.freeze({ bilinear: 0, nearest: 1, bicubic: 2 });
/** torch.nn.functional.GRID_SAMPLE_PADDING_MODES. */
export const GRID_SAMPLE_PADDING_MODES: Readonly<Record<string, number>> = Object.freeze({ zeros: 0, border: 1, reflection: 2 });
const ALIGN_CORNERS_WARNING = 'Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.';

/** `F.grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None)`. */
export const gridSample: (input: Tensor, ...args: PyArgs<[grid: Tensor, mode: 'bilinear' | 'nearest' | 'bicubic', paddingMode: 'zeros' | 'border' | 'reflection', alignCorners: boolean | null], GridSampleOptions>) => Tensor = pythonFunction(
  signature('gridSample', { input: REQUIRED, grid: REQUIRED, mode: 'bilinear', paddingMode: 'zeros', alignCorners: null }),
  (input, grid, mode: string, paddingMode: string, alignCorners) => {
    const modeEnum = Object.hasOwn(GRID_SAMPLE_INTERPOLATION_MODES, mode) ? GRID_SAMPLE_INTERPOLATION_MODES[mode] : undefined;
    if (modeEnum === undefined) throw new RangeError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${mode}'`);
    const paddingEnum = Object.hasOwn(GRID_SAMPLE_PADDING_MODES, paddingMode) ? GRID_SAMPLE_PADDING_MODES[paddingMode] : undefined;
    if (paddingEnum === undefined) throw new RangeError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${paddingMode}'`);
    if (alignCorners === null) {
      warn(ALIGN_CORNERS_WARNING);
      alignCorners = false;
    }
    return aten('grid_sampler', [input, grid, modeEnum, paddingEnum, alignCorners]) as Tensor;
  },
);

/** `F.affine_grid(theta, size, align_corners=None)`: the sampling grid of a batch of affine matrices. */
export const affineGrid: (theta: Tensor, ...args: PyArgs<[size: readonly number[], alignCorners: boolean | null], { size?: readonly number[]; alignCorners?: boolean | null }>) => Tensor = pythonFunction(
  signature('affineGrid', { theta: REQUIRED, size: REQUIRED, alignCorners: null }),
  (theta: Tensor, size: number[], alignCorners) => {
    if (alignCorners === null) {
      warn(ALIGN_CORNERS_WARNING);
      alignCorners = false;
    }
    if (!theta.isFloatingPoint()) throw new TypeError(`affineGrid: Expected theta to have floating point type, but got ${theta.dtype}`);
    const shape = `${pySize(theta.shape)}`;
    let spatialSize: number[];
    if (size.length === 4) {
      if (theta.dim() !== 3 || theta.shape[1] !== 2 || theta.shape[2] !== 3) throw new RangeError(`affineGrid: Expected a batch of 2D affine matrices of shape Nx2x3 for size ${show(size)}. Got ${shape}.`);
      spatialSize = size.slice(-2);
    } else if (size.length === 5) {
      if (theta.dim() !== 3 || theta.shape[1] !== 3 || theta.shape[2] !== 4) throw new RangeError(`affineGrid: Expected a batch of 3D affine matrices of shape Nx3x4 for size ${show(size)}. Got ${shape}.`);
      spatialSize = size.slice(-3);
    } else {
      throw new Error(`affineGrid: affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${show(size)}.`);
    }
    if (alignCorners && Math.min(...spatialSize) === 1) {
      warn('Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an intended use case of affine_grid. See the documentation of affine_grid for details.');
    } else if (Math.min(...size) <= 0) {
      throw new RangeError(`affineGrid: Expected non-zero, positive output size. Got ${show(size)}`);
    }
    return aten('affine_grid_generator', [theta, size, alignCorners]) as Tensor;
  },
);

/** `F.pixel_shuffle(input, upscale_factor)`: (*, C r², H, W) to (*, C, H r, W r). */
export const pixelShuffle: (input: Tensor, ...args: PyArgs<[upscaleFactor: number], { upscaleFactor?: number }>) => Tensor = pythonFunction(
  signature('pixelShuffle', { input: REQUIRED, upscaleFactor: REQUIRED }),
  (input, upscaleFactor) => aten('pixel_shuffle', [input, upscaleFactor]) as Tensor,
);
/** `F.pixel_unshuffle(input, downscale_factor)`: the inverse of pixel_shuffle. */
export const pixelUnshuffle: (input: Tensor, ...args: PyArgs<[downscaleFactor: number], { downscaleFactor?: number }>) => Tensor = pythonFunction(
  signature('pixelUnshuffle', { input: REQUIRED, downscaleFactor: REQUIRED }),
  (input, downscaleFactor) => aten('pixel_unshuffle', [input, downscaleFactor]) as Tensor,
);
/** `F.channel_shuffle(input, groups)`: (N, g·k, *) channels regrouped as (N, k·g, *). */
export const channelShuffle: (input: Tensor, ...args: PyArgs<[groups: number], { groups?: number }>) => Tensor = pythonFunction(
  signature('channelShuffle', { input: REQUIRED, groups: REQUIRED }),
  (input, groups) => aten('channel_shuffle', [input, groups]) as Tensor,
);
/** `F.native_channel_shuffle(input, groups)`: channel_shuffle through ATen's native kernel. */
export const nativeChannelShuffle: (input: Tensor, ...args: PyArgs<[groups: number], { groups?: number }>) => Tensor = pythonFunction(
  signature('nativeChannelShuffle', { input: REQUIRED, groups: REQUIRED }),
  (input, groups) => aten('native_channel_shuffle', [input, groups]) as Tensor,
);
