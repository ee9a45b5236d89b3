// Argument checks shared by the transform constructors (torchvision's messages, prefixed with the class).
import { describe } from '../../options.js';
import type { InterpolationMode } from './functional.js';

/** A fill as a transform keeps it: a number, or a copy of a list of numbers (one per channel). */
export function checkFill(fn: string, fill: unknown): number | number[] {
  if (typeof fill === 'number') return fill;
  if (Array.isArray(fill) && fill.every((v) => typeof v === 'number')) return [...(fill as number[])];
  throw new TypeError(`${fn}: Fill should be either a sequence or a number, got ${describe(fill)}`);
}

/** The fill for an image with `channels` channels: one number repeated, a list as it is. */
export function fillPerChannel(fill: number | number[], channels: number): number[] {
  return typeof fill === 'number' ? new Array<number>(channels).fill(fill) : fill;
}

/** The geometric transforms sample with grid_sample: nearest or bilinear only. */
export function checkInterpolation(fn: string, mode: unknown): InterpolationMode {
  if (mode !== 'nearest' && mode !== 'bilinear') throw new RangeError(`${fn}: Interpolation mode '${String(mode)}' is unsupported (use 'nearest' or 'bilinear')`);
  return mode;
}

/** A probability argument: TypeError unless a number (torchvision compares it with a torch.rand draw). */
export function checkProbability(fn: string, p: unknown): number {
  if (typeof p !== 'number') throw new TypeError(`${fn}: p must be a number, got ${describe(p)}`);
  return p;
}
