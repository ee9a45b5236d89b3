// Argument checks shared by the transform constructors (torchvision's messages, prefixed with the class).
import { describe } from '../../options.js';

/** A transform's fill option as it keeps it: a number, or a copy of a list of numbers (one per channel). */
export function checkFillOption(fn: string, fill: unknown): number | number[] {
  if (typeof fill === 'number') return fill;
  if (Array.isArray(fill) && fill.every((v) => typeof v === 'number')) return [...(fill as number[])];
  throw new TypeError(`${fn}: Fill should be either a sequence or a number, got ${describe(fill)}`);
}

/** The fill for an image with `channels` channels: one number repeated, a list as it is. */
export function fillPerChannel(fill: number | number[], channels: number): number[] {
  return typeof fill === 'number' ? new Array<number>(channels).fill(fill) : fill;
}

/** A probability argument: TypeError unless a number (torchvision compares it with a torch.rand draw). */
export function checkProbability(fn: string, p: unknown): number {
  if (typeof p !== 'number') throw new TypeError(`${fn}: p must be a number, got ${describe(p)}`);
  return p;
}

