// A v2 transform written by a user (a v2.Transform subclass, as torchvision's tutorial writes one), in
// a module of its own with `static sourceModule` and `workerArgs`, so that a DataLoader worker thread
// can rebuild it (vision-workers.test.ts).
import * as torch from '../../dist/index.js';

const v2 = torch.vision.transforms.v2;
const F = v2.functional;

/** Flips with probability p and pads on the left by a random 0..4: one draw of each per sample, for every leaf. */
export class RandomFlipShift extends v2.Transform {
  static sourceModule = import.meta.url;
  /** @param {number} p */
  constructor(p = 0.5) {
    super();
    this.p = p;
    this.workerArgs = [p];  // the constructor arguments the worker rebuilds it with
  }
  /** @override */
  makeParams() {
    return torch.tidy(() => ({ flip: Number(torch.rand(1).item()) < this.p, shift: Number(torch.randint(0, 5, [1]).item()) }));
  }
  /** @override @param {unknown} inpt @param {{ flip: boolean, shift: number }} params */
  transform(inpt, { flip, shift }) {
    const flipped = flip ? this.callKernel(F.horizontalFlip, inpt) : inpt;
    const out = this.callKernel(F.pad, flipped, [shift, 0, 0, 0]);
    if (flipped !== inpt && flipped !== out && torch.isTensor(flipped)) flipped.dispose();
    return out;
  }
}
