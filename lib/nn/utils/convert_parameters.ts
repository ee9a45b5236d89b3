// torch.nn.utils.convert_parameters: parameters_to_vector / vector_to_parameters.
import { type Tensor, isTensor } from '../../tensor.js';
import { aten } from '../../call.js';
import * as ops from '../../generated/functions.js';
import { describe } from '../../options.js';
import { tensorList } from './_common.js';

/** _check_param_device: every parameter on one device (cuda index, or -1 for the rest). */
function checkParamDevice(param: Tensor, old: number | null): number {
  const type = param.device.type;
  const index = type === 'cuda' || type === 'privateuseone' ? param.getDevice() : -1;
  if (old === null) return index;
  const differs = index >= 0 ? index !== old : old !== -1;
  if (differs) throw new TypeError('Found two parameters on different devices, this is currently not supported.');
  return old;
}

/** torch.nn.utils.parameters_to_vector: flattens and concatenates `parameters` into one vector. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  let device: number | null = null;
  const vec: Tensor[] = [];
  for (const param of tensorList('parametersToVector', parameters)) {
    device = checkParamDevice(param, device);
    vec.push(param.view(-1));
  }
  return ops.cat(vec);
}

/** torch.nn.utils.vector_to_parameters: copies slices of `vec` into `parameters` (their `.data` becomes a view of `vec`). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!isTensor(vec)) throw new TypeError(`vectorToParameters: expected torch.Tensor, but got: ${describe(vec)}`);
  let device: number | null = null;
  let pointer = 0;
  for (const param of tensorList('vectorToParameters', parameters)) {
    device = checkParamDevice(param, device);
    const numParam = param.numel();
    // Python's `param.data = vec[pointer:pointer + num_param].view_as(param).data`
    aten('set_data', [param, vec.index(`${pointer}:${pointer + numParam}`).viewAs(param).data]);
    pointer += numParam;
  }
}
