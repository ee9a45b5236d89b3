// torch.utils.hooks.RemovableHandle: what every register*Hook returns. remove() takes the hook off
// (once; later calls do nothing), and `using h = m.registerForwardHook(...)` removes it at the end of
// the block, as Python's `with handle:` does.
let nextId = 0;

export class RemovableHandle {
  /** A number unique to this handle, as Python's handle.id. */
  readonly id = nextId++;
  #remove: (() => void) | null;
  constructor(remove: () => void) {
    this.#remove = remove;
  }
  remove(): void {
    const remove = this.#remove;
    this.#remove = null;
    remove?.();
  }
  [Symbol.dispose](): void {
    this.remove();
  }
}
