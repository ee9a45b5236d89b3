// The `weights` option of every model: a torchvision state-dict file, loaded into the model's own tensors.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';

/**
 * Loads the state dict saved at `path` (weightsOnly, strict) into `model`, renaming keys with `renameKey`
 * where torchvision's old files differ; the loaded tensors are freed once copied.
 */
export function loadWeights(model: torch.nn.Module, path: string, renameKey: (key: string) => string = (key) => key): void {
  const state = torch.load(path, { weightsOnly: true }) as Record<string, Tensor>;
  try {
    model.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [renameKey(k), v])));
  } finally {
    for (const t of Object.values(state)) if (torch.isTensor(t)) t.dispose();
  }
}
