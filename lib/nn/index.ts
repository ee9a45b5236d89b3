// torch.nn: Module and Parameter, the layers (modules/), functional, init, utils, parallel and attention.
export { Parameter, Buffer, UninitializedParameter, UninitializedBuffer, type UninitializedOptions } from './parameter.js';
export * from './module.js';
export * from './modules/index.js';
export * as functional from './functional/index.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
export * as grad from './grad.js';
export * as parallel from './parallel/index.js';
export * as attention from './attention.js';
export { modules, parameter } from './namespaces.js';
export { DataParallel } from './parallel/data_parallel.js';
