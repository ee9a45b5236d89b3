// A local HTTP server in a worker thread, for download tests: the test's thread blocks while a
// synchronous download runs (as Python's does), so the server cannot share it.
import { Worker } from 'node:worker_threads';

export interface TestServer {
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** How many requests it has answered so far. */
  requests(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts a server whose request handler is `handler`, the source of a function
 * `(req, res, data) => void` run in the worker (`data` is `workerData`, as cloned there).
 */
export async function startHttpServer(handler: string, workerData: unknown): Promise<TestServer> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const http = require('node:http');
    const handle = ${handler};
    let requests = 0;
    const server = http.createServer((req, res) => { requests++; handle(req, res, workerData); });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
    parentPort.on('message', (m) => { if (m === 'count') parentPort.postMessage({ requests }); else server.close(() => process.exit(0)); });
  `;
  const worker = new Worker(source, { eval: true, workerData });
  const { port } = await new Promise<{ port: number }>((resolve) => worker.once('message', resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    requests: () => new Promise((resolve) => {
      worker.once('message', (m: { requests: number }) => resolve(m.requests));
      worker.postMessage('count');
    }),
    close: async () => {
      worker.postMessage('close');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}
