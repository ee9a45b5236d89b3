// libtorch warnings (TORCH_WARN) arrive as Node process warnings with PyTorch's text, once per call
// site and message, as Python's default warnings filter shows them.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { lastJson, root, runChild } from './run-child.js';

let seen: Error[] = [];
const listen = (w: Error): void => void seen.push(w);
beforeEach(() => {
  seen = [];
  process.on('warning', listen);
});
afterEach(() => void process.off('warning', listen));
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('libtorch warnings', () => {
  it('reach process.emitWarning with PyTorch 2.13 message and category', async () => {
    torch.ones(1).std();
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.name).toBe('UserWarning');
    // Python 2.13: "std(): degrees of freedom is <= 0. ... (Triggered internally at .../ReduceOps.cpp:NNNN.)"
    expect(seen[0]!.message).toMatch(/^std\(\): degrees of freedom is <= 0\. Correction should be strictly less than the reduction factor \(input numel divided by output numel\)\. \(Triggered internally at .*ReduceOps\.cpp:\d+\.\)$/);
  });

  it('once per call site: a loop warns once, another line warns again', async () => {
    for (let i = 0; i < 5; i++) torch.ones(1).var();
    torch.ones(1).var();
    await settle();
    expect(seen.map((w) => w.message.slice(0, 5))).toEqual(['var()', 'var()']);
  });

  it('come before the error of a failing call, and the call still raises', async () => {
    expect(() => torch.ones(3).std().add(torch.ones(2, 2, 2).view(3, -1))).toThrow(/view/);
    await settle();
    expect(seen).toHaveLength(0);
    expect(() => torch.ones(1).std(0, { correction: 1, keepdim: true }).view(-1, 0)).toThrow();
    await settle();
    expect(seen.some((w) => w.message.startsWith('std(): degrees of freedom'))).toBe(true);
  });

  it('from libtorch headers too (non-leaf .grad access)', async () => {
    const y = torch.ones(2, { requiresGrad: true }).mul(2);
    expect(y.grad).toBeNull();
    await settle();
    expect(seen.map((w) => w.message)).toEqual([expect.stringMatching(/^The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed/)]);
  });
});

// libtorch's C++ log (c10's LOG, e.g. "[W1203 05:20:08.109008902 NNPACK.cpp:56] Could not initialize
// NNPACK! ..." on every convolution on CPUs NNPACK lacks) reaches JS as TorchCppLogWarning, not stderr.
describe("libtorch's C++ log", () => {
  const record = /^(\[rank\d+\]:)?\[[WEIF]\d+ [\d:.]+ \S+:\d+\] /m;
  const child = (env: Record<string, string | undefined> = {}) => {
    const r = runChild(
      `import { native } from ${JSON.stringify(join(root, 'lib', 'native.ts'))};
      const seen: string[] = [];
      process.on('warning', (w) => seen.push(w.name + ': ' + w.message));
      const nnpack = torch.ops.aten._nnpack_available(); // logs on CPUs NNPACK does not support
      const [x, w] = [torch.randn([1, 1, 8, 8]), torch.randn([2, 1, 3, 3])];
      for (let i = 0; i < 3; i++) torch.nn.functional.conv2d(x, w);
      // During a backward pass c10's handler is the autograd engine's own: records still come here.
      torch.nn.functional.conv2d(x, w.detach().requiresGrad_()).sum().backward();
      class Logs extends torch.autograd.Function {
        static override forward(ctx: torch.FunctionCtx, t: torch.Tensor) { return t.mul(2); }
        static override backward(ctx: torch.FunctionCtx, g: torch.Tensor) { native.writeCppLog('warning', 'a record in backward'); return g.mul(2); }
      }
      (Logs.apply(torch.ones(2).requiresGrad_()) as torch.Tensor).sum().backward();
      for (let i = 0; i < 3; i++) native.writeCppLog('warning', 'a warning record');
      native.writeCppLog('warning', 'a warning record'); // another call site: still the same record
      native.writeCppLog('error', 'an error record');
      native.writeCppLog('info', 'an info record');
      await new Promise((r) => setImmediate(r));
      console.log(JSON.stringify({ nnpack, seen }));`,
      { env: { TORCH_CPP_LOG_LEVEL: undefined, ...env }, nodeFlags: ['--no-warnings'] },
    );
    expect(r.status, r.stderr).toBe(0);
    return { ...lastJson<{ nnpack: boolean; seen: string[] }>(r), stderr: r.stderr };
  };
  const at = (text: string) => `TorchCppLogWarning: ${text} (Triggered internally at cpp_log.cc:`;

  it('warning and error records become warnings, each distinct one once; none reaches stderr', () => {
    const { nnpack, seen, stderr } = child();
    expect(stderr).not.toMatch(record);
    const nnpackWarnings = seen.filter((s) => s.startsWith('TorchCppLogWarning: Could not initialize NNPACK!'));
    // Logged by the availability check and by each convolution where this CPU makes libtorch log it: shown once.
    expect(nnpackWarnings).toHaveLength(nnpack ? 0 : 1);
    for (const s of nnpackWarnings) expect(s).toMatch(/ \(Triggered internally at NNPACK\.cpp:\d+\.\)$/);
    const own = seen.filter((s) => s.includes('record'));
    expect(own).toHaveLength(3);
    expect(own[0]!.startsWith(at('a record in backward'))).toBe(true);
    expect(own[1]).toMatch(new RegExp(`^${at('a warning record').replace(/[()]/g, '\\$&')}\\d+\\.\\)$`));
    expect(own[2]!.startsWith(at('an error record'))).toBe(true);
  });

  it('TORCH_CPP_LOG_LEVEL still filters them, and INFO records it lets through go to stderr as in Python', () => {
    const errorsOnly = child({ TORCH_CPP_LOG_LEVEL: 'ERROR' });
    expect(errorsOnly.seen.filter((s) => s.startsWith('TorchCppLogWarning'))).toEqual([expect.stringMatching(/^TorchCppLogWarning: an error record /)]);
    expect(errorsOnly.stderr).not.toMatch(record);
    const all = child({ TORCH_CPP_LOG_LEVEL: 'INFO' });
    expect(all.stderr).toMatch(/^\[I\d+ [\d:.]+ cpp_log\.cc:\d+\] an info record$/m);
    expect(all.seen.filter((s) => s.includes('record'))).toHaveLength(3);
  });

  it('a worker thread gets the records it writes; a record longer than 8 KiB goes to stderr whole', () => {
    const dist = (f: string) => JSON.stringify(pathToFileURL(join(root, 'dist', f)).href);
    const worker = `const { native } = await import(${dist('native.js')}); await import(${dist('index.js')});
      const { parentPort } = await import('node:worker_threads');
      process.on('warning', (w) => parentPort.postMessage(w.name + ': ' + w.message));
      native.writeCppLog('warning', 'from the worker');`;
    const main = `import { Worker } from 'node:worker_threads';
      const { native } = await import(${dist('native.js')}); await import(${dist('index.js')});
      const seen = [];
      process.on('warning', (w) => seen.push('main ' + w.message));
      const w = new Worker(${JSON.stringify(worker)}, { eval: true });
      w.on('message', (m) => seen.push('worker ' + m));
      await new Promise((r) => w.on('exit', r));
      native.writeCppLog('warning', 'x'.repeat(9000));
      await new Promise((r) => setImmediate(r));
      console.log(JSON.stringify(seen));`;
    const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', main], { cwd: root, encoding: 'utf8', env: { ...process.env, TORCH_CPP_LOG_LEVEL: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual([expect.stringMatching(/^worker TorchCppLogWarning: from the worker \(Triggered internally at cpp_log\.cc:\d+\.\)$/)]);
    expect(r.stderr).toMatch(/^\[W\d+ [\d:.]+ cpp_log\.cc:\d+\] x{9000}$/m);
  });

  it('writeCppLog names a bad severity', () => {
    expect(() => native.writeCppLog('debug' as 'info', 'x')).toThrow(/severity must be 'info', 'warning' or 'error', got 'debug'/);
  });
});
