// torchvision.utils.flow_to_image: an optical flow (2, H, W) or (N, 2, H, W) drawn as a uint8 RGB image
// on Baker et al.'s colour wheel, ported op for op (torchvision's _make_colorwheel and
// _normalized_flow_to_image included) so the pixels are torchvision's.
import * as torch from '../index.js';
import { isTensor, type Tensor } from '../tensor.js';
import { describe } from '../options.js';
import { pySize } from '../dtype.js';

/** `torch.floor(255 * torch.arange(0, n) / n)`: one ramp of the colour wheel. */
const ramp = (n: number): Tensor => torch.floor(torch.arange(0, n).mul(255).div(n));

/**
 * torchvision's _make_colorwheel: the 55 x 3 float colour wheel of Baker et al. ("A Database and
 * Evaluation Methodology for Optical Flow", ICCV 2007): red, yellow, green, cyan, blue, magenta.
 */
export function _makeColorwheel(): Tensor {
  // each segment: its length, the channel held at 255, the channel ramped, and whether it ramps up (floor(255 * k / n)) or down (255 minus that)
  const segments: [n: number, full: number, ramped: number, up: boolean][] = [
    [15, 0, 1, true], [6, 1, 0, false], [4, 1, 2, true], [11, 2, 1, false], [13, 2, 0, true], [6, 0, 2, false],
  ];
  return torch.tidy(() => {
    const wheel = torch.zeros([segments.reduce((a, [n]) => a + n, 0), 3]);
    let col = 0;
    for (const [n, full, ramped, up] of segments) {
      wheel.narrow(0, col, n).select(1, full).fill_(255);
      wheel.narrow(0, col, n).select(1, ramped).copy_(up ? ramp(n) : torch.rsub(ramp(n), 255));
      col += n;
    }
    return wheel;
  });
}

/** torchvision's _normalized_flow_to_image: a normalised flow (N, 2, H, W) as a uint8 image (N, 3, H, W). */
export function _normalizedFlowToImage(normalizedFlow: Tensor): Tensor {
  if (!isTensor(normalizedFlow) || normalizedFlow.dim() !== 4) throw new TypeError(`_normalized_flow_to_image: expected a (N, 2, H, W) tensor, got ${describe(normalizedFlow)}`);
  const [n, , h, w] = normalizedFlow.shape as [number, number, number, number];
  return torch.noGrad(() => torch.tidy(() => {
    const flowImage = torch.zeros([n, 3, h, w], { dtype: torch.uint8, device: normalizedFlow.device });
    const colorwheel = _makeColorwheel().to(normalizedFlow.device);
    const numCols = colorwheel.size(0);
    const norm = torch.sum(normalizedFlow.pow(2), 1).sqrt();
    const a = torch.atan2(normalizedFlow.select(1, 1).neg(), normalizedFlow.select(1, 0).neg()).div(Math.PI);
    const fk = a.add(1).div(2).mul(numCols - 1);
    const k0 = torch.floor(fk).to(torch.int64);
    const k1 = k0.add(1);
    k1.maskedFill_(k1.eq(numCols), 0);
    const f = fk.sub(k0);
    for (let c = 0; c < colorwheel.size(1); c++) {
      const tmp = colorwheel.select(1, c);
      const col0 = tmp.index(k0).div(255.0);
      const col1 = tmp.index(k1).div(255.0);
      const col = torch.rsub(f, 1).mul(col0).add(f.mul(col1));
      const shaded = torch.rsub(norm.mul(torch.rsub(col, 1)), 1);
      flowImage.select(1, c).copy_(torch.floor(shaded.mul(255)));
    }
    return flowImage;
  }));
}

/**
 * torchvision.utils.flow_to_image(flow): a float32 optical flow (2, H, W) or (N, 2, H, W), normalised
 * by its largest vector norm (plus float32's eps), as a uint8 RGB image (3, H, W) or (N, 3, H, W): the
 * direction gives the hue on the colour wheel, the norm the saturation.
 */
export function flowToImage(flow: Tensor): Tensor {
  if (!isTensor(flow)) throw new TypeError(`flow_to_image: expected a tensor, got ${describe(flow)}`);
  if (flow.dtype !== torch.float32) throw new TypeError(`flow_to_image: Flow should be of dtype torch.float, got torch.${flow.dtype.name}.`);
  const origShape = flow.shape;
  if (!((origShape.length === 3 && origShape[0] === 2) || (origShape.length === 4 && origShape[1] === 2))) {
    throw new RangeError(`flow_to_image: Input flow should have shape (2, H, W) or (N, 2, H, W), got ${pySize(origShape)}.`);
  }
  return torch.tidy(() => {
    const batch = origShape.length === 3 ? flow.unsqueeze(0) : flow;
    const maxNorm = torch.sum(batch.pow(2), 1).sqrt().max();
    const normalized = batch.div(maxNorm.add(torch.finfo(batch.dtype).eps));
    const img = _normalizedFlowToImage(normalized);
    return origShape.length === 3 ? img.select(0, 0) : img;
  });
}
