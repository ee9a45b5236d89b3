// What the vision model and layer tests share: a tensor's bytes as a SHA-256 (the fixtures hash
// weights and gradients instead of storing them), and the state-dict check against torchvision's.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import * as torch from '../lib/index.js';

/** SHA-256 of a tensor's bytes, as the fixture scripts' sha(). */
export const sha = (t: torch.Tensor): string =>
  createHash('sha256').update(Buffer.from((t.detach().contiguous().toTypedArray() as Float32Array | BigInt64Array).buffer)).digest('hex');

/** The module's state dict has torchvision's names, shapes and dtypes, and the same bytes ([name, shape, dtype, sha] rows). */
export function expectTorchvisionState(model: torch.nn.Module, state: readonly (readonly [string, number[], string, string])[]): void {
  torch.tidy(() => {
    const own = Object.entries(model.stateDict());
    expect(own.map(([k, v]) => [k, v.shape, String(v.dtype).slice(6)])).toEqual(state.map(([k, shape, dtype]) => [k, shape, dtype]));
    expect(own.filter(([, v], i) => sha(v) !== state[i]![3]).map(([k]) => k), 'tensors whose bytes differ from torchvision\'s').toEqual([]);
  });
}
