// transforms.LinearTransformation (for example ZCA whitening).
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { float, transformRepr } from './_repr.js';
import * as torch from '../../index.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { Transform } from './transform.js';

const LINEAR_TRANSFORMATION = signature('LinearTransformation', { transformationMatrix: REQUIRED, meanVector: REQUIRED });

/** (x.flatten() - meanVector) @ transformationMatrix, reshaped back: torchvision's LinearTransformation. */
export class LinearTransformation extends Transform<Tensor, Tensor> {
  static readonly sourceModule = import.meta.url;
  readonly transformationMatrix: Tensor;
  readonly meanVector: Tensor;
  constructor(...args: PyArgs<[transformationMatrix: Tensor, meanVector: Tensor], { transformationMatrix?: Tensor; meanVector?: Tensor }>);
  constructor(...args: unknown[]) {
    super();
    const [transformationMatrix, meanVector] = bind(LINEAR_TRANSFORMATION, args) as [Tensor, Tensor];
    if (!isTensor(transformationMatrix) || !isTensor(meanVector)) throw new TypeError('LinearTransformation: transformation_matrix and mean_vector must be Tensors');
    const [rows, cols] = transformationMatrix.shape;
    if (transformationMatrix.dim() !== 2 || rows !== cols)
      throw new RangeError(`LinearTransformation: transformation_matrix should be square. Got (${transformationMatrix.shape.join(', ')}) rectangular matrix.`);
    if (meanVector.size(0) !== rows)
      throw new RangeError(`LinearTransformation: mean_vector should have the same length ${meanVector.size(0)} as any one of the dimensions of the transformation_matrix [(${transformationMatrix.shape.join(', ')})]`);
    if (String(transformationMatrix.device) !== String(meanVector.device))
      throw new RangeError(`LinearTransformation: Input tensors should be on the same device. Got ${String(transformationMatrix.device)} and ${String(meanVector.device)}`);
    if (transformationMatrix.dtype !== meanVector.dtype)
      throw new RangeError(`LinearTransformation: Input tensors should have the same dtype. Got ${String(transformationMatrix.dtype)} and ${String(meanVector.dtype)}`);
    this.transformationMatrix = torch.keep(transformationMatrix);
    this.meanVector = torch.keep(meanVector);
    this.workerArgs = [this.transformationMatrix, this.meanVector];
  }
  forward(tensor: Tensor): Tensor {
    const shape = tensor.shape;
    const n = shape.slice(-3).reduce((a, b) => a * b, 1);
    if (tensor.dim() < 3 || n !== this.transformationMatrix.size(0))
      throw new RangeError(`LinearTransformation: Input tensor and transformation matrix have incompatible shape.[${shape.slice(-3).join(' x ')}] != ${this.transformationMatrix.size(0)}`);
    return torch.tidy(() => {
      const flat = tensor.view(-1, n).sub(this.meanVector);
      return torch.mm(flat, this.transformationMatrix.to(flat.dtype)).view(...shape);
    });
  }
  override toString(): string {
    const list = (t: Tensor): unknown => (t.isFloatingPoint() ? float(t.tolist()) : t.tolist());  // Tensor.tolist(): Python floats for a float tensor
    return transformRepr('LinearTransformation', { transformation_matrix: list(this.transformationMatrix), mean_vector: list(this.meanVector) });
  }
}
