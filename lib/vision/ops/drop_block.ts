// torchvision.ops.drop_block (0.28): DropBlock (Ghiasi et al., 2018) zeroes contiguous square (2-D) or
// cubic (3-D) regions of a feature map in training and rescales the rest. The same draws as torchvision
// (one bernoulli_ over the valid block centres), so a seed gives torchvision's mask.
import * as torch from '../../index.js';
import { bind, REQUIRED, signature, type PyArgs, type Signature } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';
import { pyBool, pyFloat } from '../../nn/modules/_format.js';
import { isTensor, type Tensor } from '../../tensor.js';

const params = { p: REQUIRED, blockSize: REQUIRED, inplace: false, eps: 1e-6, training: true };
const DROP_BLOCK: Record<2 | 3, Signature> = { 2: signature('dropBlock2d', params), 3: signature('dropBlock3d', params) };

/** The options of dropBlock2d / dropBlock3d after the input. */
export interface DropBlockOptions { p?: number; blockSize?: number; inplace?: boolean; eps?: number; training?: boolean }
type DropBlockArgs = PyArgs<[p: number, blockSize: number, inplace: boolean, eps: number, training: boolean], DropBlockOptions>;

function checkArgs(fn: string, p: unknown, blockSize: unknown, inplace: unknown, eps: unknown, training: unknown): void {
  if (typeof p !== 'number') throw new TypeError(`${fn}: p must be a number, got ${describe(p)}`);
  if (typeof blockSize !== 'number' || !Number.isInteger(blockSize)) throw new TypeError(`${fn}: blockSize must be an int, got ${typeof blockSize === 'number' ? blockSize : describe(blockSize)}`);
  if (typeof inplace !== 'boolean') throw new TypeError(`${fn}: inplace must be a boolean, got ${describe(inplace)}`);
  if (typeof eps !== 'number') throw new TypeError(`${fn}: eps must be a number, got ${describe(eps)}`);
  if (typeof training !== 'boolean') throw new TypeError(`${fn}: training must be a boolean, got ${describe(training)}`);
}

/** drop_block2d / drop_block3d for a (dims + 2)-D input, in torchvision's order of checks and operations. */
function dropBlock(dims: 2 | 3, input: Tensor, args: readonly unknown[]): Tensor {
  const sig = DROP_BLOCK[dims];
  const fn = sig.fn;
  const [p, size, inplace, eps, training] = bind(sig, args) as [number, number, boolean, number, boolean];
  if (!isTensor(input)) throw new TypeError(`${fn}: input must be a Tensor, got ${describe(input)}`);
  checkArgs(fn, p, size, inplace, eps, training);
  // NaN fails too (torchvision's `p < 0 or p > 1` lets it through to bernoulli_)
  if (!(p >= 0.0 && p <= 1.0)) throw new RangeError(`${fn}: drop probability has to be between 0 and 1, but got ${pyFloat(p)}.`);
  if (input.dim() !== dims + 2) throw new RangeError(`${fn}: input should be ${dims + 2} dimensional. Got ${input.dim()} dimensions.`);
  if (!training || p === 0.0) return input;
  const [n, c, ...spatial] = input.shape as [number, number, ...number[]];
  const blockSize = Math.min(size, ...spatial); // capped by the smallest spatial size
  if (blockSize % 2 === 0) throw new RangeError(`${fn}: block size should be odd. Got ${blockSize} which is even.`);
  if (blockSize < 1) throw new RangeError(`${fn}: block size should be positive. Got ${blockSize}.`);
  // the Bernoulli rate of block centres that drops about a fraction p of the elements, computed as
  // (p * H * W) / (block_size**2 * ((H - block_size + 1) * (W - block_size + 1))) in Python's order: the same double
  const valid = spatial.map((s) => s - blockSize + 1);
  const gamma = spatial.reduce((acc, s) => acc * s, p) / (blockSize ** dims * valid.reduce((a, b) => a * b, 1));
  const half = Math.floor(blockSize / 2);
  const F = torch.nn.functional;
  return torch.tidy(() => {
    const centres = torch.empty([n, c, ...valid], { dtype: input.dtype, device: input.device }).bernoulli_(gamma);
    const padded = F.pad(centres, new Array<number>(2 * dims).fill(half), { value: 0 });
    const pool = dims === 2 ? F.maxPool2d : F.maxPool3d;
    const blocks = pool(padded, new Array<number>(dims).fill(blockSize), { stride: new Array<number>(dims).fill(1), padding: half });
    const noise = torch.rsub(blocks, 1);
    // Python's `numel / (eps + sum)` is Tensor.__rtruediv__: reciprocal, then the product
    const normalizeScale = noise.sum().add(eps).reciprocal().mul(noise.numel());
    if (inplace) return input.mul_(noise).mul_(normalizeScale);
    return input.mul(noise).mul(normalizeScale);
  });
}

/**
 * drop_block2d: in training (and for p > 0), zeroes blockSize x blockSize squares of an (N, C, H, W) input
 * around centres drawn with a rate that drops about a fraction p of it, and scales the rest up to keep
 * the sum (blockSize is capped at min(H, W) and must be odd). `inplace`: the input itself is scaled.
 */
export function dropBlock2d(input: Tensor, ...args: DropBlockArgs): Tensor;
export function dropBlock2d(input: Tensor, ...args: unknown[]): Tensor {
  return dropBlock(2, input, args);
}

/** drop_block3d: dropBlock2d for an (N, C, D, H, W) input, with cubic blocks. */
export function dropBlock3d(input: Tensor, ...args: DropBlockArgs): Tensor;
export function dropBlock3d(input: Tensor, ...args: unknown[]): Tensor {
  return dropBlock(3, input, args);
}

const DROP_BLOCK_MODULE = signature('DropBlock2d', { p: REQUIRED, blockSize: REQUIRED, inplace: false, eps: 1e-6 });
type DropBlockModuleArgs = PyArgs<[inplace: boolean, eps: number], { inplace?: boolean; eps?: number }>;

/** The module form of dropBlock2d (torchvision.ops.DropBlock2d): active in training mode only. */
export class DropBlock2d extends torch.nn.Module {
  p: number; blockSize: number; inplace: boolean; eps: number;
  constructor(p: number, blockSize: number, ...args: DropBlockModuleArgs) {
    super();
    const name = new.target.name;
    const [pv, size, inplace, eps] = bind({ ...DROP_BLOCK_MODULE, fn: name }, [p, blockSize, ...args]);
    checkArgs(name, pv, size, inplace, eps, true); // torchvision checks them only when called: here they fail at construction
    this.p = pv as number;
    this.blockSize = size as number;
    this.inplace = inplace as boolean;
    this.eps = eps as number;
  }
  override forward(input: Tensor): Tensor {
    return dropBlock2d(input, this.p, this.blockSize, this.inplace, this.eps, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, block_size=${this.blockSize}, inplace=${pyBool(this.inplace)}`;
  }
}

/** The module form of dropBlock3d (torchvision.ops.DropBlock3d). */
export class DropBlock3d extends DropBlock2d {
  override forward(input: Tensor): Tensor {
    return dropBlock3d(input, this.p, this.blockSize, this.inplace, this.eps, this.training);
  }
}
