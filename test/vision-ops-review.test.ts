// Review fixes in vision.ops: roiAlign as torchvision's CPU kernel (not its pure-PyTorch fallback),
// the kernel's dtype check, and stochasticDepth's keyword arguments. The Python references ran torchvision
// 0.28 with its native kernels (scripts/torchvision_native.py) on torch 2.13.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';

const { roiAlign, stochasticDepth, StochasticDepth } = torch.vision.ops;

describe('roiAlign: torchvision CPU kernel numbers', () => {
  it('a RoI partly outside the map: samples beyond [-1, W] weigh 0 (float32, aligned, samplingRatio 2)', () => {
    torch.tidy(() => {
      const f = torch.arange(120, { dtype: torch.float32 }).view([1, 1, 10, 12]).div(7);
      const out = roiAlign(f, torch.tensor([[0, -2, 3, 4, 14]], { dtype: torch.float32 }), [3, 4], 0.9, 2, true);
      // f = torch.arange(120, dtype=torch.float32).view(1, 1, 10, 12) / 7
      // torchvision.ops.roi_align(f, torch.tensor([[0, -2., 3, 4, 14]]), (3, 4), 0.9, 2, True).flatten().tolist()
      // -> [0.0, 6.604463577270508, 6.753570556640625, 6.946427822113037, 0.0, 12.26160717010498, 12.410714149475098,
      //     12.603570938110352, 0.0, 7.716517925262451, 7.791070938110352, 7.887499809265137]
      // (the pure-PyTorch _roi_align gives 6.6000 for the first bin: it clamps instead of zeroing)
      const expected = [0.0, 6.604463577270508, 6.753570556640625, 6.946427822113037, 0.0, 12.26160717010498, 12.410714149475098,
        12.603570938110352, 0.0, 7.716517925262451, 7.791070938110352, 7.887499809265137];
      expect(out.equal(torch.tensor(expected, { dtype: torch.float32 }).view([1, 1, 3, 4]))).toBe(true);
    });
  });

  it('float64, adaptive sampling: output and the backward kernel\'s gradient bit for bit, none for the RoIs', () => {
    torch.tidy(() => {
      const f = torch.arange(120, { dtype: torch.float32 }).view([1, 1, 10, 12]).div(7).double().requiresGrad_();
      const rois = torch.tensor([[0, -2, 3, 4, 14], [0, 3, -1, 20, 6]], { dtype: torch.float64 }).requiresGrad_();
      const out = roiAlign(f, rois, 2, 0.9, -1, false);
      out.sum().backward();
      // fg = (torch.arange(120, dtype=torch.float32).view(1, 1, 10, 12) / 7).double().requires_grad_()
      // rois = torch.tensor([[0, -2., 3, 4, 14], [0, 3., -1, 20, 6]], dtype=torch.float64).requires_grad_()
      // o = torchvision.ops.roi_align(fg, rois, 2, 0.9, -1, False); o.flatten().tolist()
      // -> [5.935714266260465, 9.19285712644259, 3.9274285958607993, 6.006857115777334, 2.3062500055799138,
      //     0.7333147368721258, 7.489285734826119, 2.029073717769643]
      const expected = [5.935714266260465, 9.19285712644259, 3.9274285958607993, 6.006857115777334, 2.3062500055799138,
        0.7333147368721258, 7.489285734826119, 2.029073717769643];
      expect(out.flatten().tolist()).toEqual(expected);
      // o.sum().backward(); fg.grad[0, 0, 0].tolist() -> [0.0, 0.0, 0.0, 0.04414367675781249, 0.056060791015624986,
      //   0.05606079101562501, 0.056060791015625, 0.05824279785156243, 0.056228637695312535, 0.05606079101562505,
      //   0.05606079101562486, 0.0981903076171876]; fg.grad[0, 0].sum().item() -> 4.833333333333333; rois.grad -> None
      expect(f.grad!.index(0, 0, 0).tolist()).toEqual([0.0, 0.0, 0.0, 0.04414367675781249, 0.056060791015624986,
        0.05606079101562501, 0.056060791015625, 0.05824279785156243, 0.056228637695312535, 0.05606079101562505,
        0.05606079101562486, 0.0981903076171876]);
      expect(f.grad!.index(0, 0).sum().item()).toBe(4.833333333333333);
      expect(rois.grad).toBeNull();
    });
  });

  it("rejects what the kernel rejects, with Python's messages", () => {
    torch.tidy(() => {
      const x = torch.randn([2, 3, 10, 12]);
      const rois = torch.tensor([[0, 1, 1, 5, 5]], { dtype: torch.float32 });
      // torchvision.ops.roi_align(torch.randn(2, 3, 10, 12), rois.double(), 2) -> RuntimeError: Expected tensor for
      // argument #1 'input' to have the same type as tensor for argument #2 'rois'; but type torch.FloatTensor does
      // not equal torch.DoubleTensor (while checking arguments for roi_align_forward_kernel)
      expect(() => roiAlign(x, rois.double(), 2)).toThrow("Expected tensor for argument #1 'input' to have the same type as tensor for argument #2 'rois'; but type torch.FloatTensor does not equal torch.DoubleTensor (while checking arguments for roi_align_forward_kernel)");
      // torchvision.ops.roi_align(x.bfloat16(), rois.bfloat16(), 2) -> NotImplementedError: "roi_align_forward_kernel" not implemented for 'BFloat16'
      expect(() => roiAlign(x.bfloat16(), rois.bfloat16(), 2)).toThrow(`"roi_align_forward_kernel" not implemented for 'BFloat16'`);
      // torchvision.ops.roi_align(x, torch.tensor([[0, 5., 1, 1, 5]]), 2, 1.0, -1, True) (x reversed: a negative grid side)
      // -> ValueError: cannot create std::vector larger than max_size()
      expect(() => roiAlign(x, torch.tensor([[0, 5, 1, 1, 5]], { dtype: torch.float32 }), 2, 1.0, -1, true)).toThrow('cannot create std::vector larger than max_size()');
    });
  });
});

describe('stochasticDepth: p, mode and training positionally or as options', () => {
  it('takes a trailing options object', () => {
    torch.tidy(() => {
      const x = torch.ones([4, 2]);
      // stochastic_depth(x, 0.5, 'row', training=False) is x -> True
      expect(stochasticDepth(x, 0.5, 'row', { training: false })).toBe(x);
      expect(stochasticDepth(x, { p: 0.5, mode: 'row', training: false })).toBe(x);
      // torch.manual_seed(0); stochastic_depth(x, p=0.5, mode='row').tolist() -> [[0.0, 0.0], [0.0, 0.0], [2.0, 2.0], [0.0, 0.0]]
      torch.manualSeed(0);
      expect(stochasticDepth(x, { p: 0.5, mode: 'row' }).tolist()).toEqual([[0, 0], [0, 0], [2, 2], [0, 0]]);
      torch.manualSeed(0);
      expect(stochasticDepth(x, 0.5, { mode: 'row' }).tolist()).toEqual([[0, 0], [0, 0], [2, 2], [0, 0]]);
      // stochastic_depth(x, 1.5, 'row') -> ValueError: drop probability has to be between 0 and 1, but got 1.5
      expect(() => stochasticDepth(x, { p: 1.5, mode: 'row' })).toThrow('drop probability has to be between 0 and 1, but got 1.5');
      expect(() => stochasticDepth(x, 0.5, 'row', { train: false } as never)).toThrow(/unexpected option 'train'/);
      expect(() => stochasticDepth(x, 0.5, 'row', true, { training: false } as never)).toThrow(/multiple values for argument 'training'/);
    });
  });

  it('the module passes its training flag positionally', () => {
    torch.tidy(() => {
      const x = torch.ones([4, 2]);
      const m = new StochasticDepth(0.5, 'row');
      // StochasticDepth(0.5, 'row').eval()(x) is x -> True
      expect(m.eval().forward(x)).toBe(x);
      torch.manualSeed(0);
      expect(m.train().forward(x).tolist()).toEqual([[0, 0], [0, 0], [2, 2], [0, 0]]);
    });
  });
});
