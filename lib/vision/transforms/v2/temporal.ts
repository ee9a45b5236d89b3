// torchvision.transforms.v2's UniformTemporalSubsample (v2/_temporal.py): every tensor leaf that v2
// transforms (a tv_tensors.Video, or the plain tensor taken as the input) subsampled along T; images,
// masks and boxes pass through, as torchvision has no kernel for them.
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { isTensor } from '../../../tensor.js';
import { kindOf } from '../../tv_tensors.js';
import { uniformTemporalSubsample } from './_temporal.js';
import { V2BuiltIn, v2Forward } from './_transform.js';

const UNIFORM_TEMPORAL_SUBSAMPLE = signature('UniformTemporalSubsample', { numSamples: REQUIRED });

/**
 * Keeps `numSamples` evenly spaced frames of the sample's videos (..., T, C, H, W), at
 * `torch.linspace(0, T - 1, numSamples)` truncated; more samples than frames repeat frames.
 */
export class UniformTemporalSubsample extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly numSamples: number;
  constructor(...args: PyArgs<[numSamples: number], { numSamples?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [numSamples] = bind(UNIFORM_TEMPORAL_SUBSAMPLE, args);
    if (typeof numSamples !== 'number' || !Number.isInteger(numSamples)) throw new TypeError(`UniformTemporalSubsample: num_samples must be an integer, got ${describe(numSamples)}`);
    this.numSamples = numSamples;
    this.workerArgs = [numSamples];
  }
  forward(input: unknown): unknown { return this.call(input); }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      accepts: isTensor,
      transform: (x) => {
        const kind = kindOf(x);
        return kind === null || kind === 'Video' ? uniformTemporalSubsample(x, this.numSamples) : x;
      },
    });
  }
  override toString(): string { return `UniformTemporalSubsample(num_samples=${this.numSamples})`; }
}
