// SharedArrayBuffer memory: what worker threads can all read, and what Node-API cannot reach (tensors
// over it are copies, never views).

/** Whether a TypedArray or DataView lies over a SharedArrayBuffer. */
export const isShared = (view: ArrayBufferView): boolean => typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;

/** Memory every worker thread can read: `bytes` itself when it already is, else a copy. */
export function sharedBytes(bytes: Uint8Array): Uint8Array {
  if (isShared(bytes)) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}
