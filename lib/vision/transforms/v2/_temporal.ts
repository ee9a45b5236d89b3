// torchvision.transforms.v2.functional's uniform_temporal_subsample (v2/functional/_temporal.py) and
// get_num_frames (v2/functional/_meta.py): kernels for plain tensors and tv_tensors.Video, videos laid
// out (..., T, C, H, W).
import * as torch from '../../../index.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, signature, REQUIRED, type PyArgsWith } from '../../../nn/functional/_signature.js';
import { checkKernelKinds, keepKind } from './_transform.js';

const SUBSAMPLE_ARGS = signature('uniform_temporal_subsample', { numSamples: REQUIRED });

/** The number of frames T of a video (..., T, C, H, W): the size of its 4th dimension from the end. */
function framesOf(video: Tensor, fn: string): number {
  if (!isTensor(video)) throw new TypeError(`${fn}: expected a tensor, got ${describe(video)}`);
  if (video.dim() < 4) throw new RangeError(`${fn}: expected a video of shape (..., T, C, H, W), got a tensor of ${video.dim()} dimension(s)`);
  return video.size(-4);
}

/** v2's get_num_frames_video: T of a video (..., T, C, H, W). */
export const getNumFramesVideo = (video: Tensor): number => framesOf(video, 'get_num_frames');

/** v2.functional.get_num_frames(inpt): T of a tensor or tv_tensors.Video (..., T, C, H, W). */
export function getNumFrames(inpt: Tensor): number {
  checkKernelKinds('get_num_frames', inpt, ['Video'], false);
  return getNumFramesVideo(inpt);
}

/**
 * v2's uniform_temporal_subsample_video: `num_samples` frames at `torch.linspace(0, T - 1, num_samples)`
 * truncated to integers (more samples than frames repeat frames, nearest-neighbour style).
 */
export function uniformTemporalSubsampleVideo(video: Tensor, numSamples: number): Tensor;
export function uniformTemporalSubsampleVideo(video: Tensor, ...args: PyArgsWith<[numSamples: number], { numSamples?: number }>): Tensor;
export function uniformTemporalSubsampleVideo(video: Tensor, ...args: unknown[]): Tensor {
  const [numSamples] = bind(SUBSAMPLE_ARGS, args);
  if (typeof numSamples !== 'number' || !Number.isInteger(numSamples)) throw new TypeError(`uniform_temporal_subsample: num_samples must be an integer, got ${describe(numSamples)}`);
  if (numSamples < 0) throw new RangeError(`uniform_temporal_subsample: number of steps must be non-negative, got num_samples=${numSamples}`);
  const tMax = framesOf(video, 'uniform_temporal_subsample') - 1;
  if (tMax < 0 && numSamples > 0) throw new RangeError('uniform_temporal_subsample: the video has no frames to sample');
  return torch.tidy(() => torch.indexSelect(video, -4, torch.linspace(0, tMax, numSamples).long()));
}

/**
 * v2.functional.uniform_temporal_subsample(inpt, num_samples): `num_samples` evenly spaced frames of a
 * tensor or tv_tensors.Video (..., T, C, H, W), kept as a video.
 */
export function uniformTemporalSubsample<T extends Tensor>(inpt: T, numSamples: number): T;
export function uniformTemporalSubsample<T extends Tensor>(inpt: T, ...args: PyArgsWith<[numSamples: number], { numSamples?: number }>): T;
export function uniformTemporalSubsample<T extends Tensor>(inpt: T, ...args: unknown[]): T {
  const [numSamples] = bind(SUBSAMPLE_ARGS, args) as [number];
  checkKernelKinds('uniform_temporal_subsample', inpt, ['Video'], false);
  return keepKind(inpt, uniformTemporalSubsampleVideo(inpt, numSamples)) as T;
}
