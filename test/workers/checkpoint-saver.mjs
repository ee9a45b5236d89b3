// Worker for test/toolkit-checkpoint.test.ts: saves and loads one shared checkpoint path `rounds` times,
// as another worker of the same process does, and reports the errors it saw.
import { parentPort, workerData } from 'node:worker_threads';

const torch = await import(new URL('../../dist/index.js', import.meta.url).href);
const model = new torch.nn.Linear(8, 8);
const errors = [];
for (let i = 0; i < workerData.rounds; i++) {
  try {
    torch.toolkit.saveCheckpoint(workerData.path, { model, epoch: i });
    torch.toolkit.loadCheckpoint(workerData.path, { model, restoreRng: false });
  } catch (e) {
    errors.push(String(e.message).slice(0, 200));
  }
}
parentPort.postMessage(errors);
