// torch.nn.attention.sdpaKernel and torch.backends.cuda's SDP switches against Python torch 2.13 on the CPU
// (test/fixtures/sdpa-kernel.json from scripts/make-sdpa-kernel-fixtures.py): scaledDotProductAttention
// under each backend gives Python's output bit for bit (flash and math round differently, so the choice
// shows), no usable backend is Python's error, and the switches and priority order are restored after.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../dist/index.js';   // the instance scripts/pyvalues.mjs decodes into
import { compare, decode } from '../scripts/pyvalues.mjs';
import { warningsOf } from './warnings-of.js';

type T = torch.Tensor;
const fx = JSON.parse(readFileSync(new URL('fixtures/sdpa-kernel.json', import.meta.url), 'utf8')) as Record<string, unknown> & {
  defaults: boolean[]; default_order: number[]; inside_math: boolean[]; priority_inside: number[]; priority_after: number[];
  no_backend_error: string; after: boolean[]; backends: Record<string, number>; matmul_tf32: (boolean | string)[];
};
const { SDPBackend, sdpaKernel } = torch.nn.attention;
const cuda = torch.backends.cuda;
const [q, k, v] = [decode(fx.q) as T, decode(fx.k) as T, decode(fx.v) as T];
const attention = (): T => torch.nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
const switches = (): boolean[] => [cuda.flashSdpEnabled(), cuda.memEfficientSdpEnabled(), cuda.mathSdpEnabled(), cuda.cudnnSdpEnabled(), cuda.fp16Bf16ReductionMathSdpAllowed()];
const exact = (t: T, expected: unknown): string | null => compare(t, expected, { exact: true });

describe('nn.attention.sdpaKernel', () => {
  it("SDPBackend has Python's numbers; the switches start as Python's", () => {
    expect({ ...SDPBackend }).toEqual(fx.backends);
    expect(switches()).toEqual(fx.defaults);
  });

  it("each backend gives Python's output for it, bit for bit; everything is restored after", () => {
    expect(exact(attention(), fx.default)).toBeNull();
    sdpaKernel(SDPBackend.MATH, () => {
      expect(switches()).toEqual(fx.inside_math);
      expect(exact(attention(), fx.math)).toBeNull();
    });
    expect(exact(sdpaKernel([SDPBackend.FLASH_ATTENTION], attention), fx.flash)).toBeNull();
    const inside = sdpaKernel([SDPBackend.MATH, SDPBackend.FLASH_ATTENTION], { setPriority: true }, () => [torch.nn.attention.sdpaKernel.length, attention()] as const);
    expect(exact(inside[1], fx.priority_output)).toBeNull();
    expect(switches()).toEqual(fx.after);
    expect(compare(attention(), fx.math, { exact: true })).not.toBeNull(); // the default (flash) differs from math: the test can tell them apart
  });

  it("no usable backend is Python's error; bad arguments are TypeErrors; a throwing fn still restores", () => {
    expect(() => sdpaKernel(SDPBackend.EFFICIENT_ATTENTION, attention)).toThrow(fx.no_backend_error);
    expect(switches()).toEqual(fx.after);
    expect(() => sdpaKernel('math' as never, attention)).toThrow('Backend must be an instance of SDPBackend or a list of SDPBackend instances');
    expect(() => sdpaKernel([SDPBackend.MATH], { setPriorty: true } as never, attention)).toThrow("unexpected option 'setPriorty'");
    expect(() => sdpaKernel(SDPBackend.MATH, { setPriority: true }, () => { throw new Error('inside'); })).toThrow('inside');
    expect(switches()).toEqual(fx.after);
    expect(() => cuda.enableMathSdp(1 as never)).toThrow(TypeError);
  });

  it('SDPBackend.ERROR is a backend to pass, and enables none (Python 2.13, checked by hand: the no-backend error; with MATH and setPriority, MATH runs)', () => {
    expect(() => sdpaKernel(SDPBackend.ERROR, attention)).toThrow(fx.no_backend_error);
    expect(switches()).toEqual(fx.after);
    expect(sdpaKernel([SDPBackend.ERROR, SDPBackend.MATH], { setPriority: true }, attention).shape).toEqual(attention().shape);
    expect(switches()).toEqual(fx.after);
  });

  it('torch.backends.cuda switches are settable and read back', () => {
    try {
      cuda.enableFlashSdp(false);
      expect(cuda.flashSdpEnabled()).toBe(false);
      expect(exact(attention(), fx.math)).toBeNull(); // with flash off, the CPU runs the math kernel
    } finally {
      cuda.enableFlashSdp(true);
    }
    expect(cuda.isBuilt()).toBe(torch.version.cuda !== null);
  });

  it("matmul.allowTf32 reads and sets the float32 matmul precision as Python's does", () => {
    const seen: (boolean | string)[] = [cuda.matmul.allowTf32, torch.getFloat32MatmulPrecision()];
    try {
      cuda.matmul.allowTf32 = true;
      seen.push(cuda.matmul.allowTf32, torch.getFloat32MatmulPrecision());
    } finally {
      cuda.matmul.allowTf32 = false;
    }
    seen.push(cuda.matmul.allowTf32, torch.getFloat32MatmulPrecision());
    expect(seen).toEqual(fx.matmul_tf32);
    expect(() => ((cuda.matmul as unknown as Record<string, unknown>).allowTf3 = true)).toThrow(TypeError);
  });
});

describe('nn.attention.bias (CausalBias as scaledDotProductAttention attnMask)', () => {
  const cb = fx.causal_bias as Record<string, unknown> & { repr: string; variants: Record<string, number>; with_causal_error: string; size_error: string };
  const [cq, ck, cv] = [decode(cb.q) as T, decode(cb.k) as T, decode(cb.v) as T];
  const { causalLowerRight, causalUpperLeft, CausalBias, CausalVariant } = torch.nn.attention.bias;
  const sdpa = torch.nn.functional.scaledDotProductAttention;

  it("gives Python's outputs bit for bit: lower right, upper left, square, and a longer query (with Python's warning)", () => {
    expect(exact(sdpa(cq, ck, cv, causalLowerRight(4, 6)), cb.lower_right)).toBeNull();
    expect(exact(sdpa(cq, ck, cv, causalUpperLeft([4, 6])), cb.upper_left)).toBeNull();
    expect(exact(sdpa(cq, cq, cq, { attnMask: causalLowerRight(4, 4) }), cb.lower_right_square)).toBeNull();
    let out: T | undefined;
    expect(warningsOf(() => (out = sdpa(ck, cq, cq, causalLowerRight(6, 4))))).toEqual([
      ['UserWarning', 'Lower right causal bias will produce NaNs in the output when seq_len_q > seq_len_kv!'],
    ]);
    expect(exact(out!, cb.longer_query)).toBeNull();
  });

  it("prints as its materialized mask; Python's variants and errors", () => {
    expect(String(causalLowerRight(3, 4))).toBe(cb.repr);
    expect({ ...CausalVariant }).toEqual(cb.variants);
    expect(new CausalBias(CausalVariant.LOWER_RIGHT, 3, 4)._materialize().sum().item()).toBe(9);
    expect(() => sdpa(cq, ck, cv, causalLowerRight(4, 6), { isCausal: true })).toThrow(cb.with_causal_error);
    expect(() => causalLowerRight(4)).toThrow(cb.size_error);
    expect(() => new CausalBias(3 as never, 2, 2)).toThrow(TypeError);
  });
});
