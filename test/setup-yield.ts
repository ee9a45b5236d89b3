// Gives the event loop one turn before every test. A file of many synchronous tests (child processes
// run with spawnSync) otherwise never lets the worker read vitest's RPC replies, and once 60 s of such
// tests pile up on a loaded machine the worker reports "Timeout calling onTaskUpdate" and the run fails.
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
