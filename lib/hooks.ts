// torch.utils.hooks.RemovableHandle: what every register*Hook returns. remove() takes the hook off
// (once; later calls do nothing), and `using h = m.registerForwardHook(...)` removes it at the end of
// the block, as Python's `with handle:` does.
let nextId = 0;

/** A dict of hooks keyed by handle id: a Map, or a plain object (its keys are the ids as strings). */
export type HooksDict = Map<number, unknown> | Record<number, unknown>;

function deleteId(dict: HooksDict, id: number): void {
  if (dict instanceof Map) dict.delete(id);
  else delete dict[id];
}

export class RemovableHandle {
  /** A number unique to this handle, as Python's handle.id. */
  readonly id = nextId++;
  #remove: (() => void) | null;
  /**
   * `new RemovableHandle(remove)` calls `remove` once; Python's form `new RemovableHandle(hooksDict,
   * { extraDict })` deletes this handle's id from hooksDict (and from extraDict, one dict or an array
   * of them) on remove(). The dicts are held weakly, as Python's weakrefs.
   */
  constructor(removeOrHooks: (() => void) | HooksDict, options: { extraDict?: HooksDict | HooksDict[] | null } = {}) {
    if (typeof removeOrHooks === 'function') {
      this.#remove = removeOrHooks;
      return;
    }
    if (typeof removeOrHooks !== 'object' || removeOrHooks === null)
      throw new TypeError(`RemovableHandle: expected a remove function or a hooks dict (a Map or an object), got ${removeOrHooks === null ? 'null' : typeof removeOrHooks}`);
    const extra = options.extraDict ?? [];
    const refs = [removeOrHooks, ...(Array.isArray(extra) ? extra : [extra])].map((d) => new WeakRef(d));
    this.#remove = () => {
      for (const ref of refs) {
        const dict = ref.deref();
        if (dict !== undefined) deleteId(dict, this.id);
      }
    };
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
