// torch.nn layers: see lib/nn/modules/index.ts
export {};
