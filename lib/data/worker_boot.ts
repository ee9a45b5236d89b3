// DataLoader worker entry: says "running" before the library loads, so a main thread blocked in
// Atomics.wait learns of a worker that fails while loading it (its 'error' event needs the event loop).
import { workerData, type MessagePort } from 'node:worker_threads';

const { id, signal: shared, port } = workerData as { id: number; signal: SharedArrayBuffer; port: MessagePort };
const signal = new Int32Array(shared);
const wake = (): void => {
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
};
Atomics.store(signal, 1 + id, 2); // 1: spawned, 2: running, 0: exited
wake();
process.on('exit', (code) => {
  port.postMessage({ type: 'exit', code }); // before the flag: whoever sees the flag finds the code
  Atomics.store(signal, 1 + id, 0);
  wake();
});
try {
  await import('./worker.js');
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  port.postMessage({ type: 'fatal', name: err.name, message: err.message, stack: err.stack });
  wake();
  process.exit(1);
}
