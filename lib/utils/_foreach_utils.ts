// torch/utils/_foreach_utils.py: what the _foreach_* callers share.
import type { Device } from '../device.js';
import type { Tensor } from '../tensor.js';

/**
 * torch._C._group_tensors_by_device_and_dtype: the lists, position by position, split by the device
 * and dtype of the first list's tensors; groups in order of first appearance.
 */
export function groupTensorsByDeviceAndDtype<L extends Tensor[][]>(...lists: L): { device: Device; lists: L }[] {
  const groups = new Map<string, { device: Device; lists: L }>();
  lists[0]!.forEach((t, i) => {
    const key = `${String(t.device)}|${t.dtype.name}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { device: t.device, lists: lists.map(() => []) as unknown as L }));
    g.lists.forEach((list, j) => list.push(lists[j]![i]!));
  });
  return [...groups.values()];
}
