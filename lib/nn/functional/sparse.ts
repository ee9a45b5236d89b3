// torch.nn.functional: see lib/nn/functional/index.ts
export {};
