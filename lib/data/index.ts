// torch.utils.data (also exported as torch.data).
export * from './dataset.js';
