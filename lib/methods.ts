// Puts the generated ATen-backed methods on Tensor.prototype (types: lib/generated/methods.ts).
import { tensorMethodOps } from './generated/methods.js';
import { installMethods } from './call.js';

installMethods(tensorMethodOps);
