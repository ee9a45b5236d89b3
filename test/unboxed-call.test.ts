// The generic entry point calls overloads of a few common shapes (Tensor and Scalar arguments, one
// Tensor result) unboxed (native/src/unboxed_call.h). A tensor given in the options object takes the
// boxed path instead, so each case here runs both paths and wants the same result, bit for bit.
// (golden.test.ts checks these ops' values against Python torch.)
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';

const bits = (t: torch.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.flatten().tolist() as number[]).buffer));

describe('unboxed calls of the generic entry point', () => {
  torch.manualSeed(3);
  const a = torch.randn([4, 5]);
  const b = torch.randn([4, 5]);

  // [shape, unboxed call, the same call with a tensor in the options (boxed)]
  const cases: [string, () => torch.Tensor, () => torch.Tensor][] = [
    ['T: relu', () => torch.relu(a), () => torch.relu({ input: a })],
    ['T: exp', () => torch.exp(a), () => torch.exp({ input: a })],
    ['TT: mul.Tensor', () => torch.mul(a, b), () => torch.mul(a, { other: b })],
    ['TT: maximum', () => torch.maximum(a, b), () => torch.maximum(a, { other: b })],
    ['TTS: add.Tensor, default alpha', () => torch.add(a, b), () => torch.add(a, { other: b })],
    ['TTS: sub.Tensor, alpha', () => torch.sub(a, b, { alpha: 0.3 }), () => torch.sub(a, { other: b, alpha: 0.3 })],
    ['TS: leaky_relu', () => torch.nn.functional.leakyRelu(a, 0.2), () => torch.ops.aten.leaky_relu({ input: a, negativeSlope: 0.2 }) as torch.Tensor],
    ['TSS: hardtanh', () => torch.ops.aten.hardtanh(a, -0.5, 0.25) as torch.Tensor,
      () => torch.ops.aten.hardtanh({ input: a, minVal: -0.5, maxVal: 0.25 }) as torch.Tensor],
  ];
  it.each(cases)('%s: same result as the boxed call', (_, unboxed, boxed) => {
    const [u, v] = [unboxed(), boxed()];
    expect(u.shape).toEqual(v.shape);
    expect(u.dtype).toBe(v.dtype);
    expect(bits(u)).toEqual(bits(v));
    expect(bits(u)).not.toEqual(bits(a)); // the op did something
  });

  it('records autograd as the boxed call does', () => {
    const x = a.clone().requiresGrad_();
    const y = torch.mul(x, b);
    expect(y.gradFn?.name()).toBe('MulBackward0');
    torch.add(y, x, { alpha: 2 }).sum().backward();
    expect(bits(x.grad!)).toEqual(bits(torch.add(b, 2)));
  });

  it('gives back the input itself when the op returns it (type_as to its own dtype)', () => {
    expect(a.typeAs(b)).toBe(a);
    expect(torch.ops.aten.type_as(a, b)).toBe(a);
    const d = a.typeAs(torch.zeros(1, { dtype: torch.float64 }));
    expect(d).not.toBe(a);
    expect(d.dtype).toBe(torch.float64);
  });

  it('type promotion and integer results as in PyTorch', () => {
    const i = torch.tensor([1, 2, 3]);
    expect(torch.add(i, i, { alpha: 2 }).tolist()).toEqual([3, 6, 9]);
    expect(torch.add(i, i).dtype).toBe(torch.int64);
    expect(torch.mul(i, torch.tensor([0.5, 0.5, 0.5])).tolist()).toEqual([0.5, 1, 1.5]);
  });

  it('bad input raises the errors of the boxed path, and the process goes on', () => {
    const gone = torch.ones(3);
    gone.dispose();
    expect(() => torch.add(torch.ones(3), gone)).toThrow('add: other: Tensor was disposed');
    expect(() => torch.relu(gone)).toThrow('relu: self: Tensor was disposed');
    expect(() => torch.add(torch.ones(3), torch.ones(2))).toThrow(/add: The size of tensor a \(3\) must match the size of tensor b \(2\)/);
    expect(() => torch.add(torch.tensor([1]), torch.tensor([1]), { alpha: 1.5 })).toThrow(/alpha must not be a floating point number/);
    expect(() => torch.ops.aten.leaky_relu(a, 'x')).toThrow(TypeError);
    expect(torch.add(a, b).shape).toEqual([4, 5]);
  });
});
