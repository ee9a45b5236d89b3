// The outputs of a transforms.v2 call as the v2 fixture scripts (make-v2-jpeg-fixtures.py,
// make-v2-photometric-fixtures.py) record them with enc_out, and their check: tensors bit for bit with
// their tv_tensor kind, vision.Images with their mode, lists, dicts and plain values.
import { expect } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { makeTensor, type TensorEnc } from './golden-replay.js';

export type OutEnc = { pil: 'L' | 'RGB'; tensor: TensorEnc } | { kind: string | null; tensor: TensorEnc } | { list: OutEnc[] } | { dict: Record<string, OutEnc> } | { value: unknown };

/** A tensor's values as numbers (int64 ones too). */
export const tensorValues = (t: torch.Tensor): number[] => Array.from(t.contiguous().toTypedArray() as ArrayLike<number | bigint>, Number);

/** The next n draws of torch.rand: where the RNG is left. */
export const randNext = (n: number): number[] => torch.tidy(() => torch.rand(n).tolist() as number[]);

/** A fixture tensor as a vision.Image ('L' for one channel, else 'RGB'); the tensor goes at once. */
export function pilOf(e: TensorEnc): vision.Image {
  const t = makeTensor(e);
  try {
    return t.size(0) === 1 ? vision.transforms.functional.toPILImage(t, 'L') : vision.transforms.functional.toPILImage(t);
  } finally {
    t.dispose();
  }
}

/** A fixture's named inputs as the kernels take them: `how` is 'pil' (a vision.Image), 'image' or 'video' (tv_tensors), else the plain tensor. */
export function inputMaker(inputs: Record<string, TensorEnc>): (name: string, how: string) => unknown {
  return (name, how) => {
    if (how === 'pil') return pilOf(inputs[name]!);
    const t = makeTensor(inputs[name]!);
    return how === 'image' ? new vision.tvTensors.Image(t) : how === 'video' ? new vision.tvTensors.Video(t) : t;
  };
}

/**
 * Checks a result leaf by leaf: tensors (their tv_tensor kind too) and vision.Images (their mode), bit for
 * bit; with `pilTolerance`, a vision.Image's pixels may differ from Python's by that much.
 */
export function checkOut(actual: unknown, exp: OutEnc, path: string, pilTolerance = 0): void {
  if ('pil' in exp) {
    expect(actual, path).toBeInstanceOf(vision.Image);
    const img = actual as vision.Image;
    expect(img.mode, `${path}: mode`).toBe(exp.pil);
    const t = vision.transforms.functional.pilToTensor(img);
    expect(t.shape, `${path}: shape`).toEqual(exp.tensor.shape);
    const px = tensorValues(t);
    if (pilTolerance === 0) expect(px, `${path}: pixels`).toEqual(exp.tensor.data);
    else expect(Math.max(...px.map((v, i) => Math.abs(v - (exp.tensor.data[i] as number)))), `${path}: largest pixel difference`).toBeLessThanOrEqual(pilTolerance);
  } else if ('tensor' in exp) {
    expect(torch.isTensor(actual), path).toBe(true);
    const t = actual as torch.Tensor;
    expect(vision.tvTensors.kindOf(t), `${path}: kind`).toBe(exp.kind);
    expect(t.dtype.name, `${path}: dtype`).toBe(exp.tensor.dtype);
    expect(t.shape, `${path}: shape`).toEqual(exp.tensor.shape);
    expect(tensorValues(t), `${path}: values`).toEqual(exp.tensor.data);
  } else if ('list' in exp) {
    expect(Array.isArray(actual), path).toBe(true);
    exp.list.forEach((e, i) => checkOut((actual as unknown[])[i], e, `${path}[${i}]`, pilTolerance));
  } else if ('dict' in exp) {
    for (const [k, e] of Object.entries(exp.dict)) checkOut((actual as Record<string, unknown>)[k], e, `${path}.${k}`, pilTolerance);
  } else {
    expect(actual, path).toEqual(exp.value);
  }
}
