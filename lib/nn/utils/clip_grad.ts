// torch.nn.utils: see lib/nn/utils/index.ts
export {};
