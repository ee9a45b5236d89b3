// Memory safety at the JS boundary: toTypedArray copies unless sharing is asked for, a shared array
// never outlives or outgrows its storage, frombuffer refuses resizable buffers and notices detached
// ones, a foreign External is never read as ours (handles are recognised by address, other
// natives by type tag), and no export of the addon dies of the arguments it is given.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import * as torch from '../lib/index.js';
import { native } from '../lib/native.js';
import { childTimeoutMs, fullGc, root, runChild } from './run-child.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('toTypedArray', () => {
  it('returns a copy by default (PyTorch: x.numpy().copy())', () => {
    const x = torch.tensor([1, 2, 3, 4], { dtype: torch.float32 });
    const a = x.toTypedArray();
    a[0] = 100;
    expect(x.tolist()).toEqual([1, 2, 3, 4]);
    x.add_(1);
    expect(Array.from(a as Float32Array)).toEqual([100, 2, 3, 4]);
    x.resize_(1 << 20); // the copy is not tied to the storage
    expect(Array.from(a as Float32Array)).toEqual([100, 2, 3, 4]);
    x.dispose();
  });

  it('{ share: true } views the storage both ways and outlives the tensor', () => {
    const x = torch.tensor([1, 2, 3, 4], { dtype: torch.float32 });
    const a = x.toTypedArray({ share: true });
    expect(a).toBeInstanceOf(Float32Array);
    a[0] = 100;
    x.add_(1);
    expect(Array.from(a as Float32Array)).toEqual([101, 3, 4, 5]);
    x.dispose();
    fullGc();
    expect(Array.from(a as Float32Array)).toEqual([101, 3, 4, 5]); // the array keeps the memory alive
  });

  it('a shared storage cannot grow (PyTorch refuses to resize a storage numpy shares)', () => {
    const x = torch.zeros(4);
    const a = x.toTypedArray({ share: true });
    expect(() => x.resize_(1 << 20)).toThrow(/not resizable/);
    expect(x.shape).toEqual([4]);
    x.resize_(2); // within the storage: allowed, the memory stays
    expect(a.length).toBe(4);
    x.dispose();
  });

  it('the storage is resizable again once the shared arrays are collected', async () => {
    const x = torch.zeros(4);
    let a: Float32Array | null = x.toTypedArray({ share: true }) as Float32Array;
    let b: Float32Array | null = x.view(2, 2).toTypedArray({ share: true }) as Float32Array;
    a = null;
    expect(() => x.resize_(1 << 20)).toThrow(/not resizable/); // b still shares it
    b = null;
    void a;
    void b;
    let resized = false;
    for (let i = 0; i < 50 && !resized; i++) {
      fullGc();
      await turn();
      try {
        x.resize_(1 << 20);
        resized = true;
      } catch {
        // the release callback has not run yet
      }
    }
    expect(resized).toBe(true);
    expect(x.shape).toEqual([1 << 20]);
    x.dispose();
  });

  it('shares complex tensors as interleaved real and imaginary parts', () => {
    const z = torch.tensor([1, 2, 3, 4], { dtype: torch.float32 }).view(torch.complex64);
    const a = z.toTypedArray({ share: true });
    a[1] = -2;
    expect(z.tolist()).toEqual([[1, -2], [3, 4]]);
    z.dispose();
  });

  it('refuses to share what it cannot view as is', () => {
    const grad = torch.ones(3, { requiresGrad: true });
    expect(() => grad.toTypedArray({ share: true })).toThrow(/requires grad/);
    expect(grad.detach().toTypedArray({ share: true })).toHaveLength(3);
    expect(() => torch.ones(3, 2).t().toTypedArray({ share: true })).toThrow(TypeError);
    expect(() => torch.ones(3, { dtype: torch.float16 }).toTypedArray({ share: true })).toThrow(TypeError);
    expect(() => torch.ones(3, { dtype: torch.bool }).toTypedArray({ share: true })).toThrow(TypeError);
    expect(() => torch.frombuffer(new Float32Array(4)).toTypedArray({ share: true })).toThrow(/frombuffer/);
    expect(() => torch.ones(3).toTypedArray({ share: 1 as unknown as boolean })).toThrow(TypeError);
    expect(torch.ones(3, 2).t().toTypedArray()).toHaveLength(6); // copies are always possible
  });
});

describe('frombuffer', () => {
  it('refuses a resizable ArrayBuffer', () => {
    const buf = new (ArrayBuffer as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(8, { maxByteLength: 16 }) // resizable (ES2024; Node 20's types lack the option);
    expect(() => torch.frombuffer(buf, { dtype: torch.float32 })).toThrow(TypeError);
    expect(() => torch.frombuffer(new Float32Array(buf))).toThrow(/resizable/);
  });

  it('a tensor over a transferred (detached) buffer throws on use instead of reading freed memory', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const t = torch.frombuffer(data);
    const view = t.view(2, 2);
    expect(t.sum().item()).toBe(10);
    const moved = structuredClone(data.buffer, { transfer: [data.buffer] });
    expect(data.buffer.byteLength).toBe(0);
    expect(() => t.sum()).toThrow(/detached/);
    expect(() => view.add(1)).toThrow(/detached/);
    expect(() => t.tolist()).toThrow(/detached/);
    expect(() => torch.ones(4).add(t)).toThrow(/detached/);
    expect(new Float32Array(moved)[3]).toBe(4);
    t.dispose(); // disposing stays possible
    view.dispose();
  });

  it('a tensor over a buffer posted to another port throws on use', () => {
    const data = new Float64Array(8).fill(2);
    const t = torch.frombuffer(data);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(data.buffer, [data.buffer]);
    port1.close();
    port2.close();
    expect(() => t.mul(2)).toThrow(/detached/);
  });

  it('a transferred buffer whose new owner was collected does not crash the process', () => {
    const r = runChild(
      `const data = new Float32Array(1 << 20).fill(1);
       const t = torch.frombuffer(data);
       structuredClone(data.buffer, { transfer: [data.buffer] }); // the clone is garbage at once
       for (let i = 0; i < 5; i++) { globalThis.gc(); new Float32Array(1 << 20).fill(7); }
       try { console.log(t.sum().item()); } catch (e) { console.log(String(e.message)); }`,
      { nodeFlags: ['--expose-gc'] },
    );
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/detached/);
  });
});

describe('set_ and x.data = y over a frombuffer storage', () => {
  it('a tensor set_ to (or given the data of) a frombuffer tensor throws once the buffer is detached', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const src = torch.frombuffer(data);
    const viaSet = torch.empty(0).set_(src);
    const viaData = torch.empty(0);
    viaData.data = src;
    expect(viaSet.sum().item()).toBe(10);
    expect(viaData.sum().item()).toBe(10);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    expect(() => viaSet.sum()).toThrow(/detached/);
    expect(() => viaSet.fill_(1)).toThrow(/detached/);
    expect(() => viaData.sum()).toThrow(/detached/);
  });

  it('set_ back to a plain storage stops the check', () => {
    const t = torch.empty(0).set_(torch.frombuffer(new Float32Array([5, 6])));
    t.set_(torch.ones(3));
    expect(t.sum().item()).toBe(3);
  });

  // Python 2.13: y = torch.empty(0, dtype=torch.int64); y.set_(torch.arange(6.))
  //   RuntimeError: Could not set tensor of type float to a tensor of type long int
  // (the storage form set_(src, offset, size) is not checked there, nor here)
  it('set_(source) refuses another dtype, as Python\'s method does', () => {
    const x = torch.arange(6, { dtype: torch.float32 });
    expect(() => torch.empty(0, { dtype: torch.int64 }).set_(x)).toThrow('Could not set tensor of type float to a tensor of type long int');
    expect(() => torch.empty(0, { dtype: torch.bool }).set_(torch.tensor([3, 7], { dtype: torch.uint8 }))).toThrow('Could not set tensor of type unsigned char to a tensor of type bool');
    expect(x.untypedStorage().nbytes()).toBe(24); // not grown
    expect(torch.empty(0).set_(x, 2, [2]).tolist()).toEqual([2, 3]);
  });
});

describe('shareMemory_ and shared TypedArrays', () => {
  it('collecting a shared array of a tensor in shared memory does not abort; resize_ is an error there', () => {
    const r = runChild(
      `const x = torch.zeros(4); x.shareMemory_();
       let a = x.toTypedArray({ share: true }); a[1] = 5; a = null;
       for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 5)); torch.ones(1); }
       console.log(x.sum().item());
       try { x.resize_(100); console.log('resized'); } catch (e) { console.log(String(e.message)); }`,
      { nodeFlags: ['--expose-gc'] },
    );
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^5\n.*not resizable/);
  });

  it('shareMemory_ is refused while a shared array views the memory (the array would read freed memory)', () => {
    const y = torch.ones(4);
    const a = y.toTypedArray({ share: true }) as Float32Array;
    expect(() => y.shareMemory_()).toThrow(/toTypedArray\(\{ share: true \}\)/);
    expect(y.isShared()).toBe(false);
    a[0] = 7;
    expect(y.tolist()).toEqual([7, 1, 1, 1]);
  });
});

describe('handles', () => {
  it('values that are not handles are TypeErrors, not crashes', () => {
    expect(() => native.shape(null as never)).toThrow(TypeError);
    expect(() => native.shape(undefined as never)).toThrow(TypeError);
    expect(() => native.shape({} as never)).toThrow(TypeError);
    expect(() => native.shape(native.generatorNew('cpu'))).toThrow(TypeError); // our External, other kind
    expect(() => native.generatorDevice(native.fromTypedArray(new Float32Array(1), [1], null))).toThrow(TypeError);
  });

  // Regression: a handle was recognised by reading 8 bytes behind any External's pointer.
  it("another addon's External is refused without reading its data", () => {
    const dir = mkdtempSync(join(tmpdir(), 'torchnode-foreign-'));
    const addon = join(dir, 'foreign.node');
    const headers = ['/usr/include/node', join(root, 'node_modules', 'node-api-headers', 'include')].find((d) => existsSync(join(d, 'node_api.h')));
    try {
      execFileSync('cc', ['-shared', '-fPIC', '-o', addon, `-I${headers}`, join(root, 'test', 'workers', 'foreign-external.c')], { stdio: 'pipe' });
    } catch {
      return; // no C compiler here: nothing to load
    }
    const r = runChild(
      `import { createRequire } from 'node:module';
       import { native } from ${JSON.stringify(join(root, 'lib', 'native.ts'))};
       const { makeExternal, aliasExternal } = createRequire(import.meta.url)(${JSON.stringify(addon)});
       const ours = native.fromTypedArray(new Float32Array(2), [2], null);
       // Unreadable; then shaped like a handle (slot offsets of 16- and 24-byte slots).
       for (const foreign of [makeExternal(), makeExternal(32), makeExternal(48), makeExternal(72)])
         for (const f of [() => native.shape(foreign), () => native.dispose(foreign), () => native.add(ours, foreign), () => native.generatorDevice(foreign), () => native.zipRecords(foreign)])
           try { f(); console.log('no error'); } catch (e) { console.log(e.constructor.name); }
       // Another addon's copy of one of our handle pointers, used after the handle was collected.
       let alias = (() => aliasExternal(native.fromTypedArray(new Float32Array(3), [3], null)))();
       console.log('while alive: ' + JSON.stringify(native.shape(alias)));
       for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((resolve) => setImmediate(resolve)); }
       try { native.shape(alias); console.log('no error'); } catch (e) { console.log(e.constructor.name); }`,
      { nodeFlags: ['--expose-gc'] },
    );
    expect(r.signal, r.stderr).toBeNull();
    expect(r.stdout.trim().split('\n')).toEqual([...Array(20).fill('TypeError'), 'while alive: [3]', 'TypeError']);
  });
});

describe('the native surface', () => {
  // Every export of the addon called with values of every kind for its arguments: wrong types, disposed
  // and foreign handles, throwing Proxies, huge numbers. Each call returns or throws; the process
  // never dies. Left out: the exports that write files (zipWrite, jitSave), set process-wide thread
  // counts, install the warning handler or write to stderr (writeCppLog): their own tests cover them.
  it('every export with junk arguments returns or throws, never crashes', () => {
    const r = runChild(`
      import { native } from ${JSON.stringify(join(root, 'lib', 'native.ts'))};
      const left = new Set(['zipWrite', 'jitSave', 'setWarningHandler', 'writeCppLog', 'setNumThreads', 'setNumInteropThreads', 'initNumThreads', 'shareMemory']);
      const names = Object.keys(native).filter((k) => typeof native[k] === 'function' && !left.has(k)).sort();
      const t = () => native.fromTypedArray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], null);
      const disposed = () => { const x = t(); native.dispose(x); return x; };
      const trap = () => { throw new Error('trap'); };
      const values = [
        () => undefined, () => null, () => 0, () => -1, () => 1, () => 3, () => 7, () => 0.5, () => 2 ** 40, () => -(2 ** 53),
        () => NaN, () => Infinity, () => 'x', () => '', () => 'cpu', () => 'float32', () => true, () => 2n ** 70n, () => -1n,
        () => ({}), () => [], () => [1, 2], () => [[1]], () => [t(), t()], () => [null, undefined], () => t(), () => t(),
        () => native.fromTypedArray(new Float32Array(0), [0], null), () => native.fromTypedArray(new Int32Array([1]), [], null),
        () => new Float32Array(4), () => new ArrayBuffer(8), () => Buffer.from('PK\\x03\\x04abc'), () => () => {}, () => trap,
        () => Symbol('s'), () => new Proxy({}, { get: trap, ownKeys: trap, has: trap }), () => ({ length: 2 ** 40 }),
        () => Object.create(null), () => native.generatorNew('cpu'), () => torch.ones([2, 2]), disposed,
        () => ({ dtype: 'float32', device: 'cpu' }),
      ];
      let seed = 0;
      const rand = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
      const stats = { returned: 0, threw: 0 };
      for (let i = 0; i < 40 * names.length; i++) {
        seed = (7919 + i * 104729) >>> 0;
        const name = names[i % names.length];
        const args = Array.from({ length: rand(6) }, () => values[rand(values.length)]());
        process.stdout.write(\`call \${i}: \${name}\\n\`);
        try { native[name](...args); stats.returned++; } catch { stats.threw++; }
        if (!native.isGradEnabled()) native.setGradEnabled(true);
      }
      console.log(JSON.stringify(stats));
    `);
    const lines = r.stdout.trim().split('\n');
    expect(r.signal, `died in ${lines[lines.length - 1]}\n${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const stats = JSON.parse(lines[lines.length - 1]!) as { returned: number; threw: number };
    expect(stats.threw).toBeGreaterThan(2000);
    expect(stats.returned).toBeGreaterThan(500);
  }, childTimeoutMs);
});
