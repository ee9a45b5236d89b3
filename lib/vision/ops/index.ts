// torchvision.ops: the layers torchvision's models are built from.
export { Conv2dNormActivation, MLP, Permute, SqueezeExcitation, makeDivisible, type Conv2dNormActivationOptions, type MLPOptions, type NormLayerFactory, type ActivationFactory } from './misc.js';
export { StochasticDepth, stochasticDepth } from './stochastic_depth.js';
