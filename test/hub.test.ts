// torch.hub's cache and downloads: getDir/setDir from TORCH_HOME and XDG_CACHE_HOME as Python reads
// them, and loadStateDictFromUrl / downloadUrlToFile against an HTTP server in a worker thread (this
// thread blocks while the download runs, as Python's does) and file: URLs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { startHttpServer, type TestServer } from './http-server.js';

const TMP = mkdtempSync(join(tmpdir(), 'torchnode-hub-'));
const payload = torch.save({ w: torch.arange(6, { dtype: torch.float32 }).view(2, 3), step: 7 })!;
const sha = createHash('sha256').update(payload).digest('hex');

// Serves the payload at any path but /missing.pth.
let server: TestServer;
let base = '';
const requests = (): Promise<number> => server.requests();

beforeAll(async () => {
  server = await startHttpServer(`(req, res, payload) => {
    if (req.url === '/missing.pth') { res.writeHead(404); res.end('no'); return; }
    res.writeHead(200, { 'Content-Length': payload.length });
    res.end(Buffer.from(payload));
  }`, new Uint8Array(payload));
  base = server.base;
});
afterAll(async () => {
  await server.close();
  rmSync(TMP, { recursive: true, force: true });
});

describe('torch.hub', () => {
  it('getDir: TORCH_HOME, else XDG_CACHE_HOME/torch, else ~/.cache/torch, each + /hub; setDir overrides', () => {
    // A plain node child on dist/ (hub.ts reads no native state): quicker than a vite-node one.
    const show = `const hub = await import(${JSON.stringify(new URL("../dist/hub.js", import.meta.url).href)});
      console.log(JSON.stringify([hub.getDir(), (hub.setDir('~/elsewhere'), hub.getDir())]));`;
    const dirs = (env: Record<string, string | undefined>): string[] => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', show], { env: { ...process.env, ...env }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as string[];
    };
    expect(dirs({ TORCH_HOME: '/opt/th', XDG_CACHE_HOME: '/x' })).toEqual(['/opt/th/hub', join(homedir(), 'elsewhere')]);
    expect(dirs({ TORCH_HOME: undefined, XDG_CACHE_HOME: '/x' })[0]).toBe('/x/torch/hub');
    expect(dirs({ TORCH_HOME: undefined, XDG_CACHE_HOME: undefined })[0]).toBe(join(homedir(), '.cache/torch/hub'));
    expect(dirs({ TORCH_HOME: '~/th' })[0]).toBe(join(homedir(), 'th/hub'));
  });

  it('loadStateDictFromUrl downloads once into the cache, checks the hash in the name, then reads the cached file', async () => {
    const modelDir = join(TMP, 'http');
    const url = `${base}/models/sd-${sha.slice(0, 10)}.pth`;
    const first = torch.hub.loadStateDictFromUrl(url, { modelDir, checkHash: true, progress: false }) as { w: torch.Tensor; step: number };
    expect(first.w.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(first.step).toBe(7);
    expect(readdirSync(modelDir)).toEqual([`sd-${sha.slice(0, 10)}.pth`]);
    const again = torch.hub.loadStateDictFromUrl(url, { modelDir, checkHash: true, progress: false }) as { w: torch.Tensor };
    expect(again.w.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(await requests()).toBe(1);
    // fileName picks the cached name; weightsOnly and mapLocation reach torch.load
    const named = torch.hub.loadStateDictFromUrl(url, { modelDir, fileName: 'mine.pth', weightsOnly: true, mapLocation: 'cpu', progress: false }) as { step: number };
    expect(named.step).toBe(7);
    expect(readdirSync(modelDir).sort()).toEqual(['mine.pth', `sd-${sha.slice(0, 10)}.pth`]);
  });

  it('a wrong hash, an HTTP error or an unreachable host is an Error naming it, and leaves nothing in the cache', () => {
    const modelDir = join(TMP, 'bad');
    expect(() => torch.hub.loadStateDictFromUrl(`${base}/sd-0123abcd.pth`, { modelDir, checkHash: true, progress: false }))
      .toThrow(new RegExp(`invalid hash value \\(expected "0123abcd", got "${sha}"\\)`));
    expect(() => torch.hub.loadStateDictFromUrl(`${base}/missing.pth`, { modelDir, progress: false })).toThrow(/HTTP Error 404: Not Found.*a copy of the file placed at .*missing\.pth is used/);
    expect(() => torch.hub.downloadUrlToFile('http://127.0.0.1:2/x.pth', join(modelDir, 'x.pth'), null, false)).toThrow(/torch\.hub\.downloadUrlToFile: http:\/\/127\.0\.0\.1:2\/x\.pth: .*ECONNREFUSED/);
    expect(readdirSync(modelDir)).toEqual([]);
    // without checkHash the same wrongly named file is accepted
    expect((torch.hub.loadStateDictFromUrl(`${base}/sd-0123abcd.pth`, { modelDir, progress: false }) as { step: number }).step).toBe(7);
  });

  it('downloadUrlToFile reads file: URLs too, with the hash prefix checked', () => {
    const src = join(TMP, 'src.pth');
    writeFileSync(src, payload);
    const dst = join(TMP, 'copy.pth');
    torch.hub.downloadUrlToFile(pathToFileURL(src).href, dst, sha.slice(0, 8), false);
    expect(createHash('sha256').update(torch.save(torch.load(dst) as object)!).digest('hex')).toBe(sha);
    expect(() => torch.hub.downloadUrlToFile(pathToFileURL(src).href, join(TMP, 'copy2.pth'), 'ffff', false)).toThrow(/invalid hash value/);
    expect(existsSync(join(TMP, 'copy2.pth'))).toBe(false);
    // a file that cannot be written: the error names it, and no .partial file is left
    expect(() => torch.hub.downloadUrlToFile(pathToFileURL(src).href, join(TMP, 'no-such-dir', 'x.pth'), null, false)).toThrow(/ENOENT/);
    expect(readdirSync(TMP).filter((f) => f.endsWith('.partial'))).toEqual([]);
    // Python's keyword forms: download_url_to_file(url, dst, progress=False), load_state_dict_from_url(url, model_dir, 'cpu', False)
    const kw = join(TMP, 'copy3.pth');
    torch.hub.downloadUrlToFile(pathToFileURL(src).href, kw, { hashPrefix: sha.slice(0, 8), progress: false });
    expect(readFileSync(kw).equals(readFileSync(src))).toBe(true);
    const modelDir = join(TMP, 'positional');
    expect((torch.hub.loadStateDictFromUrl(pathToFileURL(src).href, modelDir, 'cpu', false) as { step: number }).step).toBe((torch.load(src) as { step: number }).step);
    expect(() => torch.hub.downloadUrlToFile(pathToFileURL(src).href, kw, { progres: false } as never)).toThrow(/unexpected option 'progres'/);
    expect(() => torch.hub.loadStateDictFromUrl(pathToFileURL(src).href, modelDir, { modelDir })).toThrow("got multiple values for argument 'modelDir'");
  });

  it('rejects bad arguments with TypeErrors', () => {
    expect(() => torch.hub.loadStateDictFromUrl(42 as never)).toThrow(/url must be a string, got number/);
    expect(() => torch.hub.loadStateDictFromUrl('ftp://x/y.pth')).toThrow(/'ftp:\/\/x\/y\.pth' is not an http\(s\) or file URL/);
    expect(() => torch.hub.loadStateDictFromUrl('not a url')).toThrow(/is not an http\(s\) or file URL/);
    expect(() => torch.hub.loadStateDictFromUrl(`${base}/a.pth`, { check_hash: true } as never)).toThrow(/unexpected option 'check_hash' \(did you mean 'checkHash'/);
    expect(() => torch.hub.downloadUrlToFile(`${base}/a.pth`, join(TMP, 'a.pth'), 'XYZ')).toThrow(/hashPrefix must be hex digits or null/);
    expect(() => torch.hub.setDir('' as never)).toThrow(/expected a directory path/);
  });
});
