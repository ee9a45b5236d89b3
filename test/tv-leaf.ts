// The leaves of a transformed sample as scripts/make-tv-tensors-fixtures.py's enc_leaf records them, and
// their check: tensors bit for bit with their tv_tensor kind (boxes with format, canvas size and
// clamping mode; keypoints with canvas size), PIL images (v2_fixture_io.enc_out's record, test/v2-out.ts's
// check), lists, dicts and plain values.
import { expect } from 'vitest';
import { vision } from '../lib/index.js';
import { check, type TensorEnc } from './golden-replay.js';
import { checkOut } from './v2-out.js';

export type LeafEnc = { tensor: TensorEnc; kind: string | null; format?: string; canvasSize?: number[]; clampingMode?: string | null }
  | { pil: 'L' | 'RGB'; tensor: TensorEnc } | { list: LeafEnc[] } | { dict: Record<string, LeafEnc> } | { value: unknown };

export function checkLeaf(actual: unknown, exp: LeafEnc, path: string): void {
  const tv = vision.tvTensors;
  if ('pil' in exp) return checkOut(actual, exp, path);  // a PIL image (enc_out's record, which has a tensor too): a vision.Image of that mode with those pixels
  if ('tensor' in exp) {
    check(actual, exp.tensor, undefined, path);
    expect(tv.kindOf(actual), `${path}: tv_tensor kind`).toBe(exp.kind);
    if (exp.kind === 'BoundingBoxes') {
      const b = actual as vision.tvTensors.BoundingBoxesTensor;
      expect([b.format, b.canvasSize, b.clampingMode], `${path}: format, canvas size, clamping mode`).toEqual([exp.format, exp.canvasSize, exp.clampingMode]);
    }
    if (exp.kind === 'KeyPoints') expect((actual as vision.tvTensors.KeyPointsTensor).canvasSize, `${path}: canvas size`).toEqual(exp.canvasSize);
    return;
  }
  if ('list' in exp) {
    expect(Array.isArray(actual), `${path}: an array`).toBe(true);
    expect((actual as unknown[]).length, `${path}: length`).toBe(exp.list.length);
    exp.list.forEach((e, i) => checkLeaf((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if ('dict' in exp) {
    expect(Object.keys(actual as object), `${path}: keys`).toEqual(Object.keys(exp.dict));
    for (const [k, e] of Object.entries(exp.dict)) checkLeaf((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(exp.value);
}
