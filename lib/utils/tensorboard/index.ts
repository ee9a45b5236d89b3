// torch.utils.tensorboard: SummaryWriter (TensorBoard event files).
export {};
