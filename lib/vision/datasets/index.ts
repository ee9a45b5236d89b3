// torchvision.datasets: MNIST, FashionMNIST, CIFAR10, ImageFolder, DatasetFolder.
export {};
