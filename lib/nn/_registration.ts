// The switch that keeps torchnode's own slot writes (Module._apply, functionalCall's swaps) out of the
// global registration hooks, as Python's direct `_parameters[name] = …` writes are; its own file so that
// `torch.nn` does not export it.
let quietDepth = 0;

/** Whether a quietly() call is running: assignments now are bookkeeping, not registrations. */
export const isQuiet = (): boolean => quietDepth > 0;

/** Runs fn with the registration hooks off for the assignments it makes. */
export function quietly<T>(fn: () => T): T {
  quietDepth++;
  try {
    return fn();
  } finally {
    quietDepth--;
  }
}
