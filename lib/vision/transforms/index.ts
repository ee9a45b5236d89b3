// torchvision.transforms.
export {};
