// Python's torch error classes. libtorch's typed errors (c10::LinAlgError, c10::OutOfMemoryError,
// c10::AcceleratorError) reach JS as plain Errors whose `name` is the class name (native ThrowPending),
// so `instanceof` here matches by name: `catch (e) { if (e instanceof torch.OutOfMemoryError) ... }`
// works for native errors as `except torch.OutOfMemoryError:` does in Python, and for instances made in JS.

/** Base of the named torch errors: `instanceof` holds for subclass instances and for Errors of the class's errorName. */
export class TorchError extends Error {
  /** The `name` this class's errors carry, spelled out so that minifiers renaming classes change nothing. */
  static readonly errorName: string = 'TorchError';
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = (new.target as typeof TorchError).errorName;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // by name only for the classes below (a user's subclass matches only its own instances)
    return Object.hasOwn(this, 'errorName') && this !== TorchError && value instanceof Error && value.name === this.errorName;
  }
}

/** torch.OutOfMemoryError (Python: a RuntimeError): an allocator ran out of device memory (CPU allocation failures stay plain Errors, as in Python). */
export class OutOfMemoryError extends TorchError {
  static override readonly errorName: string = 'OutOfMemoryError';
}
/** torch.AcceleratorError (Python: a RuntimeError): an accelerator (CUDA, ...) reported an error. */
export class AcceleratorError extends TorchError {
  static override readonly errorName: string = 'AcceleratorError';
}
/** torch.FatalError (Python: an Exception): an unrecoverable error inside torch. */
export class FatalError extends TorchError {
  static override readonly errorName: string = 'FatalError';
}
/** torch.JITException (Python's torch.jit.Error): raised by TorchScript's `raise`; TorchScript does not run here, so only JS code makes one. */
export class JITException extends TorchError {
  static override readonly errorName: string = 'JITException';
}
/** torch.linalg.LinAlgError (Python: a RuntimeError): the data are numerically unsuitable (singular, not positive-definite, no convergence). */
export class LinAlgError extends TorchError {
  static override readonly errorName: string = 'LinAlgError';
}

/** Python's builtin KeyError (a missing key, a name already taken): a plain Error whose `name` is 'KeyError'. */
export class KeyError extends Error {
  override name = 'KeyError';
}
