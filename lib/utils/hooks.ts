// torch.utils.hooks.
export { RemovableHandle } from '../hooks.js';
