// Worker for test/default-dtype.test.ts: reports the default dtype it sees, then sets the one asked for.
import { parentPort, workerData } from 'node:worker_threads';

const torch = await import(new URL('../../dist/index.js', import.meta.url).href);
const seen = { defaultDtype: String(torch.getDefaultDtype()), tensorDtype: String(torch.tensor(1.5).dtype), zerosDtype: String(torch.zeros(1).dtype) };
if (workerData.set) torch.setDefaultDtype(workerData.set);
parentPort.postMessage(seen);
