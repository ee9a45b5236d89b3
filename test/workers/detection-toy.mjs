// A small detection dataset of tv_tensors (an Image and its BoundingBoxes, Masks and labels), in a
// module of its own so that a DataLoader worker thread can rebuild it (vision-workers.test.ts).
import * as torch from '../../dist/index.js';

const tv = torch.vision.tvTensors;

export class DetectionToy extends torch.data.Dataset {
  /** @param {{ call(sample: unknown): unknown } | null} transform a v2 transform of the whole sample */
  constructor(transform = null) {
    super();
    this.transform = transform;
  }
  get length() {
    return 6;
  }
  /** @param {number} i */
  getItem(i) {
    const generator = new torch.Generator().manualSeed(100 + i);
    const image = new tv.Image(torch.randint(256, [3, 24, 32], { dtype: torch.uint8, generator }));
    const boxes = new tv.BoundingBoxes(torch.tensor([[2 + i, 3, 20, 18], [10, 5 + i, 30, 22]]), { format: 'XYXY', canvasSize: [24, 32] });
    const masks = new tv.Mask(torch.rand([2, 24, 32], { generator }).gt(0.5));
    const sample = [image, { boxes, masks, labels: torch.tensor([1, 2]) }];
    return this.transform === null ? sample : this.transform.call(sample);
  }
  workerSource() {
    return { module: import.meta.url, export: 'DetectionToy', args: [this.transform] };
  }
}
