// torch.signal: the window functions of torch.signal.windows.
export * as windows from './windows.js';
