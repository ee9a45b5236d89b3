// torchvision.ops.deform_conv2d and DeformConv2d (torchvision 0.28 deform_conv.py): deformable convolution
// v1 (no mask) and v2 (mask). torchvision runs its native kernel (torchvision/csrc/ops/cpu/
// deform_conv2d_kernel.cpp), which libtorch lacks; here the same math as ATen ops, for every output location
// and kernel tap at once: the kernel's sampling positions, its bilinear_interpolate (zero outside
// (-1, height) x (-1, width), each corner read only where it lies in the map), times the mask, then a grouped
// matmul with the weight, plus the bias. Built from differentiable ops, so autograd gives the gradients of
// the input, offset, mask, weight and bias: the native backward kernels' derivatives, the edges at -1 included.
import * as torch from '../../index.js';
import { bind, REQUIRED, signature, type PyArgs, type Size } from '../../nn/functional/_signature.js';
import * as F from '../../nn/functional/index.js';
import * as init from '../../nn/init.js';
import { pyTuple } from '../../nn/modules/_format.js';
import { ownedParameter, type Parameter } from '../../nn/parameter.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { checkFeatureMap, checkNumberArg } from './roi_align.js';

/** deformConv2d's arguments after input, offset and weight, by keyword. */
export interface DeformConv2dOptions {
  bias?: Tensor | null; stride?: Size; padding?: Size; dilation?: Size; mask?: Tensor | null;
}
/** DeformConv2d's arguments after inChannels, outChannels and kernelSize, by keyword. */
export interface DeformConv2dModuleOptions {
  stride?: Size; padding?: Size; dilation?: Size; groups?: number; bias?: boolean;
}

const DEFORM_CONV2D = signature('deformConv2d', { bias: null, stride: [1, 1], padding: [0, 0], dilation: [1, 1], mask: null });
const DEFORM_CONV2D_MODULE = signature('DeformConv2d', {
  inChannels: REQUIRED, outChannels: REQUIRED, kernelSize: REQUIRED, stride: 1, padding: 0, dilation: 1, groups: 1, bias: true,
});
// the dtypes the kernel dispatches on (AT_DISPATCH_FLOATING_TYPES_AND_HALF)
const KERNEL_DTYPES = new Set(['float16', 'float32', 'float64']);
const SCALAR_TYPE: Record<string, string> = { float16: 'Half', float32: 'Float', float64: 'Double' };

/** torch's _pair, checked: [h, w] from an int or a list of two ints. */
function pairOf(fn: string, name: string, v: unknown): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((e) => typeof e === 'number' && Number.isInteger(e)))
    throw new TypeError(`${fn}: ${name} must be an int or a list of 2 ints, got ${Array.isArray(v) ? `[${v.map(String).join(', ')}]` : describe(v)}`);
  return [...pair] as [number, number]; // a copy: a module keeps it, the caller may reuse theirs
}

function checkOptionalTensor(fn: string, name: string, v: unknown): asserts v is Tensor | null {
  if (v !== null && !isTensor(v)) throw new TypeError(`${fn}: ${name} must be a Tensor or null, got ${describe(v)}`);
}

/** TORCH_CHECK(cond, message...): a RuntimeError with the kernel's text. */
function kernelCheck(fn: string, cond: boolean, message: string): void {
  if (!cond) throw new Error(`${fn}: ${message}`);
}
/** A bare TORCH_CHECK(cond): c10's message for it. */
const bareCheck = (fn: string, cond: boolean, expr: string): void =>
  kernelCheck(fn, cond, `Expected ${expr} to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)`);

/** C++ int division (truncates toward zero), as the kernel computes output sizes. */
const cDiv = (a: number, b: number): number => Math.trunc(a / b);

interface Geometry {
  strideH: number; strideW: number; padH: number; padW: number; dilH: number; dilW: number;
  weightGroups: number; offsetGroups: number; outH: number; outW: number;
}

/** deform_conv2d.py's own check, then the forward kernel's TORCH_CHECKs in its order; the geometry they admit. */
function checkShapes(fn: string, input: Tensor, offset: Tensor, weight: Tensor, mask: Tensor | null, stride: [number, number], padding: [number, number], dilation: [number, number]): Geometry {
  const [kh, kw] = weight.shape.slice(-2) as [number, number];
  const taps = kh * kw;
  const offsetGroups = Math.floor(offset.shape[1]! / (2 * taps));
  if (offsetGroups === 0)
    throw new Error(`${fn}: the shape of the offset tensor at dimension 1 is not valid. It should be a multiple of 2 * weight.size[2] * weight.size[3].\nGot offset.shape[1]=${offset.shape[1]}, while 2 * weight.size[2] * weight.size[3]=${2 * taps}`);
  const weightGroups = Math.floor(input.shape[1]! / weight.shape[1]!);
  bareCheck(fn, offset.dim() === 4, 'offset_c.ndimension() == 4');
  bareCheck(fn, mask === null || mask.dim() === 4, '!use_mask || mask_c.ndimension() == 4');
  bareCheck(fn, weight.dim() === 4, 'weight_c.ndimension() == 4');
  const [batch, channels, inH, inW] = input.shape as [number, number, number, number];
  const [[strideH, strideW], [padH, padW], [dilH, dilW]] = [stride, padding, dilation];
  const outH = cDiv(inH + 2 * padH - (dilH * (kh - 1) + 1), strideH) + 1;
  const outW = cDiv(inW + 2 * padW - (dilW * (kw - 1) + 1), strideW) + 1;
  kernelCheck(fn, kh > 0 && kw > 0, `weight_h: ${kh} weight_w: ${kw}`);
  kernelCheck(fn, strideH > 0 && strideW > 0, `stride_h: ${strideH} stride_w: ${strideW}`);
  kernelCheck(fn, padH >= 0 && padW >= 0, `pad_h: ${padH} pad_w: ${padW}`);
  kernelCheck(fn, dilH > 0 && dilW > 0, `dilation_h: ${dilH} dilation_w: ${dilW}`);
  bareCheck(fn, weight.shape[1]! * weightGroups === channels, 'weight_c.size(1) * n_weight_grps == input_c.size(1)');
  bareCheck(fn, weight.shape[0]! % weightGroups === 0, 'weight_c.size(0) % n_weight_grps == 0');
  kernelCheck(fn, offset.shape[1] === offsetGroups * 2 * taps, `offset.shape[1] is not valid: got: ${offset.shape[1]} expected: ${offsetGroups * 2 * taps}`);
  if (mask !== null) kernelCheck(fn, mask.shape[1] === offsetGroups * taps, `mask.shape[1] is not valid: got: ${mask.shape[1]} expected: ${offsetGroups * taps}`);
  bareCheck(fn, channels % offsetGroups === 0, 'input_c.size(1) % n_offset_grps == 0');
  kernelCheck(fn, offset.shape[0] === batch, 'invalid batch size of offset');
  kernelCheck(fn, offset.shape[2] === outH && offset.shape[3] === outW, `offset output dims: (${offset.shape[2]}, ${offset.shape[3]}) - computed output dims: (${outH}, ${outW})`);
  if (mask !== null) {
    kernelCheck(fn, mask.shape[0] === batch, 'invalid batch size of mask');
    kernelCheck(fn, mask.shape[2] === outH && mask.shape[3] === outW, `mask output dims: (${mask.shape[2]}, ${mask.shape[3]}) - computed output dims: (${outH}, ${outW})`);
  }
  kernelCheck(fn, outH > 0 && outW > 0, `Calculated output size too small - out_h: ${outH} out_w: ${outW}`);
  return { strideH, strideW, padH, padW, dilH, dilW, weightGroups, offsetGroups, outH, outW };
}

/** The kernel reads every tensor as the input's scalar type (data_ptr<scalar_t>): the same dtype or its error. */
function checkDtypes(fn: string, input: Tensor, others: Record<string, Tensor | null>): void {
  if (!KERNEL_DTYPES.has(input.dtype.name))
    throw new TypeError(`${fn}: "deformable_im2col" not implemented for '${input.dtype.name}' (float16, float32 and float64 only)`);
  for (const [name, t] of Object.entries(others)) {
    if (t !== null && t.dtype !== input.dtype)
      throw new TypeError(`${fn}: ${name}: expected scalar type ${SCALAR_TYPE[input.dtype.name]} but found ${SCALAR_TYPE[t.dtype.name] ?? t.dtype.name}`);
  }
}

/**
 * The kernel's sampling rows (or columns) before the offsets: (out * stride - pad) + tap * dilation, as a
 * [taps, outs] table of ints.
 */
function basePositions(taps: number, outs: number, stride: number, pad: number, dilation: number, device: torch.Device): Tensor {
  const out = torch.arange(outs, { device }).mul(stride).sub(pad);
  return out.index(null, ':').add(torch.arange(taps, { device }).mul(dilation).index(':', null));
}

// The zero frame around the map: two rows and columns before it (the 2x2 block of a point moved off the map
// lies entirely in them), one after (the far corners of the last row and column).
const FRAME_BEFORE = 2;
const FRAME_AFTER = 1;

/**
 * bilinear_interpolate at every sampling point: `input` [N, G, Cg, H, W] (channels in offset groups), y and
 * x [N, G, P] (P points per group); returns [N, G, Cg, P]. The map is framed with zeros, so a corner off the
 * map reads zero as the kernel's per-corner bounds give, and a point outside [-1, H) x [-1, W) (or NaN,
 * where the kernel's behavior is undefined) is moved to a block of the frame: zero, with zero gradients.
 */
function bilinearSamples(input: Tensor, y: Tensor, x: Tensor): Tensor {
  const [batch, groups, channels, height, width] = input.shape as [number, number, number, number, number];
  const framedWidth = width + FRAME_BEFORE + FRAME_AFTER;
  const framed = F.pad(input, [FRAME_BEFORE, FRAME_AFTER, FRAME_BEFORE, FRAME_AFTER]).reshape(batch, groups, channels, (height + FRAME_BEFORE + FRAME_AFTER) * framedWidth);
  // from -1 on, not above it: the corner formula gives 0 at -1 as the forward kernel does, and its derivative is
  // the backward kernel's (get_coordinate_weight tests only each corner: the offset gradient there is not 0)
  const inside = y.ge(-1).logicalAnd(y.lt(height)).logicalAnd(x.ge(-1)).logicalAnd(x.lt(width));
  const yInside = torch.where(inside, y, -FRAME_BEFORE);
  const xInside = torch.where(inside, x, -FRAME_BEFORE);
  const hLow = yInside.floor();
  const wLow = xInside.floor();
  const lh = yInside.sub(hLow);
  const lw = xInside.sub(wLow);
  const hh = torch.rsub(lh, 1);
  const hw = torch.rsub(lw, 1);
  // in int64: a float16 (or float32) product would round the flat index of a large map
  const topLeft = hLow.to(torch.int64).add(FRAME_BEFORE).mul(framedWidth).add(wLow.to(torch.int64).add(FRAME_BEFORE));
  // gather's backward is a scatter-add into the framed map; the frame's gradient is dropped by pad's backward
  const corner = (shift: number): Tensor => framed.gather(3, (shift === 0 ? topLeft : topLeft.add(shift)).unsqueeze(2).expand(-1, -1, channels, -1));
  const weightOf = (a: Tensor, b: Tensor): Tensor => a.mul(b).unsqueeze(2);
  return weightOf(hh, hw).mul(corner(0)).add(weightOf(hh, lw).mul(corner(1)))
    .add(weightOf(lh, hw).mul(corner(framedWidth))).add(weightOf(lh, lw).mul(corner(framedWidth + 1)));
}

/** The forward kernel's deformable_im2col then its grouped addmm and the bias, for all images at once. */
function deformConv2dImpl(input: Tensor, offset: Tensor, weight: Tensor, bias: Tensor | null, mask: Tensor | null, g: Geometry): Tensor {
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const [outChannels, , kh, kw] = weight.shape as [number, number, number, number];
  const { offsetGroups, weightGroups, outH, outW } = g;
  const taps = kh * kw;
  const points = taps * outH * outW;
  // offset channels: per offset group, per tap (i, j), the (dy, dx) pair
  const pairs = offset.reshape(batch, offsetGroups, kh, kw, 2, outH, outW);
  const rows = basePositions(kh, outH, g.strideH, g.padH, g.dilH, input.device).reshape(1, 1, kh, 1, outH, 1);
  const cols = basePositions(kw, outW, g.strideW, g.padW, g.dilW, input.device).reshape(1, 1, 1, kw, 1, outW);
  const y = pairs.select(4, 0).add(rows).reshape(batch, offsetGroups, points);
  const x = pairs.select(4, 1).add(cols).reshape(batch, offsetGroups, points);
  const grouped = input.reshape(batch, offsetGroups, channels / offsetGroups, height, width);
  let samples = bilinearSamples(grouped, y, x); // [N, G, Cg, taps * OH * OW]
  if (mask !== null) samples = samples.mul(mask.reshape(batch, offsetGroups, 1, points));
  // im2col's rows: channel-major, then tap; split into the weight groups
  const im2col = samples.reshape(batch, weightGroups, (channels / weightGroups) * taps, outH * outW);
  const out = weight.reshape(weightGroups, outChannels / weightGroups, -1).matmul(im2col).reshape(batch, outChannels, outH, outW);
  return bias === null ? out : out.add(bias.reshape(1, outChannels, 1, 1));
}

/**
 * torchvision's deform_conv2d: deformable convolution (v2, modulated by `mask`, when one is given; v1
 * without). `input` (N, C, H, W); `offset` (N, 2 * offsetGroups * kh * kw, outH, outW), the (dy, dx) of
 * every kernel tap at every output location, per group of C / offsetGroups channels; `weight`
 * (outChannels, C / groups, kh, kw); `bias` (outChannels) or null; `stride`, `padding`, `dilation` an int
 * or [h, w]; `mask` (N, offsetGroups * kh * kw, outH, outW) or null. Returns (N, outChannels, outH, outW),
 * differentiable in every tensor.
 */
export function deformConv2d(input: Tensor, offset: Tensor, weight: Tensor,
  ...args: PyArgs<[bias: Tensor | null, stride: Size, padding: Size, dilation: Size, mask: Tensor | null], DeformConv2dOptions>): Tensor;
export function deformConv2d(input: Tensor, offset: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  const fn = DEFORM_CONV2D.fn;
  const [bias, stride, padding, dilation, mask] = bind(DEFORM_CONV2D, args);
  checkFeatureMap(fn, input);
  for (const [name, t] of [['offset', offset], ['weight', weight]] as const)
    if (!isTensor(t)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
  checkOptionalTensor(fn, 'bias', bias);
  checkOptionalTensor(fn, 'mask', mask);
  const pairs = [pairOf(fn, 'stride', stride), pairOf(fn, 'padding', padding), pairOf(fn, 'dilation', dilation)] as const;
  if (weight.dim() < 2 || offset.dim() < 2)
    throw new RangeError(`${fn}: weight must be (outChannels, C / groups, kh, kw) and offset (N, 2 * offsetGroups * kh * kw, outH, outW), got shapes [${weight.shape.join(', ')}] and [${offset.shape.join(', ')}]`);
  checkDtypes(fn, input, { offset, weight, bias, mask });
  const geometry = checkShapes(fn, input, offset, weight, mask, ...pairs);
  // the kernel adds bias.view({1, out_channels, 1, 1}): any shape of out_channels elements
  if (bias !== null && bias.numel() !== weight.shape[0]) throw new Error(`${fn}: shape '[1, ${weight.shape[0]}, 1, 1]' is invalid for input of size ${bias.numel()}`);
  return torch.tidy(() => deformConv2dImpl(input, offset, weight, bias, mask, geometry));
}

/** torchvision.ops.DeformConv2d: deformConv2d with its weight (and bias) as parameters (see deformConv2d). */
export class DeformConv2d extends torch.nn.Module {
  inChannels: number;
  outChannels: number;
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size,
    ...args: PyArgs<[stride: Size, padding: Size, dilation: Size, groups: number, bias: boolean], DeformConv2dModuleOptions>);
  constructor(options: { inChannels: number; outChannels: number; kernelSize: Size } & DeformConv2dModuleOptions);
  constructor(...args: unknown[]) {
    super();
    const fn = DEFORM_CONV2D_MODULE.fn;
    const [inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias] = bind(DEFORM_CONV2D_MODULE, args);
    checkNumberArg(fn, 'inChannels', inChannels, true);
    checkNumberArg(fn, 'outChannels', outChannels, true);
    checkNumberArg(fn, 'groups', groups, true);
    if (typeof bias !== 'boolean') throw new TypeError(`${fn}: bias must be a boolean, got ${describe(bias)}`);
    if (groups <= 0) throw new RangeError(`${fn}: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0) throw new RangeError(`${fn}: in_channels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new RangeError(`${fn}: out_channels must be divisible by groups`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pairOf(fn, 'kernelSize', kernelSize);
    this.stride = pairOf(fn, 'stride', stride);
    this.padding = pairOf(fn, 'padding', padding);
    this.dilation = pairOf(fn, 'dilation', dilation);
    this.groups = groups;
    this.weight = ownedParameter(torch.empty([outChannels, inChannels / groups, ...this.kernelSize]));
    if (bias) this.bias = ownedParameter(torch.empty([outChannels]));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** torchvision's reset_parameters: kaiming_uniform_(a=√5), the bias uniform in ±1/√fan_in (Conv2d's draws). */
  resetParameters(): void {
    torch.noGrad(() => {
      init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
      if (this.bias !== null) {
        const [fanIn] = init.calculateFanInAndFanOut(this.weight);
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    });
  }

  override forward(input: Tensor, offset: Tensor, mask: Tensor | null = null): Tensor {
    return deformConv2d(input, offset, this.weight, this.bias, this.stride, this.padding, this.dilation, mask);
  }

  // torchvision's __repr__ (no extra_repr): padding, dilation, groups and bias only where not the default
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (this.padding.some((v) => v !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
