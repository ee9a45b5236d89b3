// torch.optim.lr_scheduler.
export {};
