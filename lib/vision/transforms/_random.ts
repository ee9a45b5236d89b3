// The global-RNG draws of torchvision's transforms, made with the same torch calls in the same order,
// so a seed gives Python's crops, flips, angles and jitter factors.
import * as torch from '../../index.js';

/** `torch.rand(1).item()`. */
export function rand1(): number {
  return torch.tidy(() => torch.rand(1).item());
}

/** `torch.randint(low, high, size=(1,)).item()`. */
export function randint1(low: number, high: number): number {
  return torch.tidy(() => torch.randint(low, high, [1]).item());
}

/** `torch.empty(1).uniform_(low, high).item()`: a float32 draw, returned as a double. */
export function uniform1(low: number, high: number): number {
  return torch.tidy(() => torch.empty(1).uniform_(low, high).item());
}

/** `torch.randperm(n).tolist()`. */
export function randperm(n: number): number[] {
  return torch.tidy(() => torch.randperm(n).tolist() as number[]);
}
