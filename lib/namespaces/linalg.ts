// torch.linalg: the generated operator functions plus LinAlgError, the one name Python defines itself.
export * from '../generated/linalg.js';
/**
 * `torch.linalg.LinAlgError`: raised by a linalg function when the data are numerically unsuitable
 * (a singular matrix for `inv`, a matrix that is not positive-definite for `cholesky`, no convergence).
 * libtorch's LinAlgError reaches JS as an Error named 'LinAlgError', so `e instanceof LinAlgError`
 * holds for those (as `except torch.linalg.LinAlgError` catches them in Python), and for instances made here.
 */
export { LinAlgError } from '../errors.js';
