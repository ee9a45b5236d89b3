// libtorch warnings (TORCH_WARN) arrive as Node process warnings with PyTorch's text, once per call
// site and message, as Python's default warnings filter shows them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

let seen: Error[] = [];
const listen = (w: Error): void => void seen.push(w);
beforeEach(() => {
  seen = [];
  process.on('warning', listen);
});
afterEach(() => void process.off('warning', listen));
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('libtorch warnings', () => {
  it('reach process.emitWarning with PyTorch 2.13 message and category', async () => {
    torch.ones(1).std();
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.name).toBe('UserWarning');
    // Python 2.13: "std(): degrees of freedom is <= 0. ... (Triggered internally at .../ReduceOps.cpp:NNNN.)"
    expect(seen[0]!.message).toMatch(/^std\(\): degrees of freedom is <= 0\. Correction should be strictly less than the reduction factor \(input numel divided by output numel\)\. \(Triggered internally at .*ReduceOps\.cpp:\d+\.\)$/);
  });

  it('once per call site: a loop warns once, another line warns again', async () => {
    for (let i = 0; i < 5; i++) torch.ones(1).var();
    torch.ones(1).var();
    await settle();
    expect(seen.map((w) => w.message.slice(0, 5))).toEqual(['var()', 'var()']);
  });

  it('come before the error of a failing call, and the call still raises', async () => {
    expect(() => torch.ones(3).std().add(torch.ones(2, 2, 2).view(3, -1))).toThrow(/view/);
    await settle();
    expect(seen).toHaveLength(0);
    expect(() => torch.ones(1).std(0, { correction: 1, keepdim: true }).view(-1, 0)).toThrow();
    await settle();
    expect(seen.some((w) => w.message.startsWith('std(): degrees of freedom'))).toBe(true);
  });

  it('from libtorch headers too (non-leaf .grad access)', async () => {
    const y = torch.ones(2, { requiresGrad: true }).mul(2);
    expect(y.grad).toBeNull();
    await settle();
    expect(seen.map((w) => w.message)).toEqual([expect.stringMatching(/^The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed/)]);
  });
});
