// torch.hub's download cache: getDir/setDir, downloadUrlToFile and loadStateDictFromUrl. They are
// synchronous, as in Python: a child Node process downloads (fetch, or a copy for file: URLs) into a
// `.partial` file it renames when complete, while this thread waits; its progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { describe } from './options.js';
import { bindArgs } from './functional/args.js';
import type { PyArgs } from './nn/functional/_signature.js';
import { expandUser, makeDirs } from './paths.js';
import { load, type MapLocation } from './serialize.js';

// The downloader: ESM run with `node -e`, arguments url, dst, hashPrefix ('' for none), progress ('1'/'0'),
// the path of cli-progress ('' when absent); it writes { ok, message } as JSON to fd 3.
const DOWNLOADER = `
import { createReadStream, createWriteStream, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const [url, dst, hashPrefix, progress, cliProgressPath] = process.argv.slice(1);
const tmp = dst + '.' + randomUUID().replaceAll('-', '') + '.partial';
const mb = (n) => (n / 2 ** 20).toFixed(1) + ' MiB';
let bar = null;
try {
  let total = null;
  let body;
  if (url.startsWith('file:')) {
    const path = fileURLToPath(url);
    total = statSync(path).size;
    body = createReadStream(path);
  } else {
    const res = await fetch(url, { headers: { 'User-Agent': 'torch.hub' } });
    if (!res.ok) throw new Error('HTTP Error ' + res.status + ': ' + res.statusText);
    total = Number(res.headers.get('content-length')) || null;
    body = res.body;
  }
  const hash = hashPrefix ? createHash('sha256') : null;
  const out = createWriteStream(tmp, { flags: 'wx' });
  let writeError = null;
  out.on('error', (e) => { writeError = e; });
  const show = progress === '1';
  if (show && process.stderr.isTTY && cliProgressPath && total !== null) {
    const cli = createRequire(cliProgressPath)(cliProgressPath);
    bar = new cli.SingleBar({ format: '{bar} {percentage}% | {value}/{total} MiB | {eta_formatted}', stream: process.stderr, hideCursor: true }, cli.Presets.shades_classic);
    bar.start(Math.round(total / 2 ** 20), 0);
  }
  let done = 0, nextLine = 0.1;
  for await (const chunk of body) {
    if (writeError) throw writeError;
    if (!out.write(chunk)) await new Promise((r) => { out.once('drain', r); out.once('error', r); });
    hash?.update(chunk);
    done += chunk.length;
    if (bar) bar.update(Math.round(done / 2 ** 20));
    else if (show && total !== null && done >= nextLine * total) {
      process.stderr.write('  ' + mb(done) + ' / ' + mb(total) + ' (' + Math.floor(100 * done / total) + '%)\\n');
      nextLine = Math.floor(10 * done / total) / 10 + 0.1;
    }
  }
  if (writeError) throw writeError;
  await new Promise((resolve, reject) => { out.once('error', reject); out.end(() => (writeError ? reject(writeError) : resolve())); });
  bar?.stop();
  if (hash) {
    const digest = hash.digest('hex');
    if (!digest.startsWith(hashPrefix)) throw new Error('invalid hash value (expected "' + hashPrefix + '", got "' + digest + '")');
  }
  renameSync(tmp, dst);
  writeSync(3, JSON.stringify({ ok: true }));
} catch (e) {
  bar?.stop();
  try { rmSync(tmp, { force: true }); } catch {}
  writeSync(3, JSON.stringify({ ok: false, message: String((e && e.cause && e.cause.message) || (e && e.message) || e) }));
}
`;

let hubDir: string | null = null;

/** The hub cache directory: setDir's, else `$TORCH_HOME/hub` (TORCH_HOME defaults to `$XDG_CACHE_HOME/torch`, that to `~/.cache`). */
export function getDir(): string {
  if (hubDir !== null) return hubDir;
  return join(expandUser(process.env.TORCH_HOME ?? join(process.env.XDG_CACHE_HOME ?? '~/.cache', 'torch')), 'hub');
}

/** Sets the hub cache directory of this thread (Python's torch.hub.set_dir). */
export function setDir(d: string): void {
  if (typeof d !== 'string' || d === '') throw new TypeError(`torch.hub.setDir: expected a directory path, got ${describe(d)}`);
  hubDir = expandUser(d);
}

function checkUrl(fn: string, url: unknown): string {
  if (typeof url !== 'string') throw new TypeError(`${fn}: url must be a string, got ${describe(url)}`);
  try {
    const { protocol } = new URL(url);
    if (protocol === 'http:' || protocol === 'https:' || protocol === 'file:') return url;
  } catch {
    // reported below
  }
  throw new TypeError(`${fn}: '${url}' is not an http(s) or file URL`);
}

/**
 * Downloads `url` to the file `dst` (Python's torch.hub.download_url_to_file): into a `.partial` file
 * first, renamed when complete, so a failed download never leaves a broken `dst`. With `hashPrefix`,
 * the file's SHA-256 must start with it. Blocks until done; a progress bar on stderr when `progress`.
 */
export function downloadUrlToFile(url: string, dst: string, ...args: PyArgs<[hashPrefix: string | null, progress: boolean], { hashPrefix?: string | null; progress?: boolean } | undefined>): void {
  const fn = 'torch.hub.downloadUrlToFile';
  const { hashPrefix = null, progress = true } = bindArgs(fn, args, ['hashPrefix', 'progress']) as { hashPrefix?: string | null; progress?: boolean };
  if (typeof progress !== 'boolean') throw new TypeError(`${fn}: progress must be a boolean, got ${describe(progress)}`);
  checkUrl(fn, url);
  if (typeof dst !== 'string' || dst === '') throw new TypeError(`${fn}: dst must be a file path, got ${describe(dst)}`);
  if (hashPrefix !== null && (typeof hashPrefix !== 'string' || !/^[0-9a-f]*$/.test(hashPrefix))) throw new TypeError(`${fn}: hashPrefix must be hex digits or null, got ${describe(hashPrefix)}`);
  let cliProgress = '';
  try {
    cliProgress = createRequire(import.meta.url).resolve('cli-progress');
  } catch {
    // no bar, lines only
  }
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', DOWNLOADER, url, expandUser(dst), hashPrefix ?? '', progress ? '1' : '0', cliProgress],
    { stdio: ['ignore', 'inherit', 'inherit', 'pipe'], windowsHide: true });
  if (r.error) throw new Error(`${fn}: could not start the download of ${url}: ${r.error.message}`);
  const reply = r.output[3]?.toString() ?? '';
  let result: { ok: boolean; message?: string };
  try {
    result = JSON.parse(reply) as { ok: boolean; message?: string };
  } catch {
    throw new Error(`${fn}: the download of ${url} ended without a result (exit ${r.status ?? r.signal})`);
  }
  if (!result.ok) throw new Error(`${fn}: ${url}: ${result.message}`);
}

export interface LoadStateDictFromUrlOptions {
  /** Where the file is kept; default `getDir()/checkpoints`. */
  modelDir?: string | null;
  mapLocation?: MapLocation | null;
  /** A progress bar on stderr while downloading (default true). */
  progress?: boolean;
  /** Check the SHA-256 prefix in the file name (`name-<sha256 prefix>.ext`) against the download. */
  checkHash?: boolean;
  /** The cached file's name; default the URL's. */
  fileName?: string | null;
  weightsOnly?: boolean;
}

/**
 * `torch.load` of the file at `url`, downloaded once into the hub cache (Python's
 * torch.hub.load_state_dict_from_url): a cached file is used as it is, without downloading again.
 */
export function loadStateDictFromUrl(url: string, ...args: PyArgs<[modelDir: string | null, mapLocation: MapLocation | null, progress: boolean, checkHash: boolean, fileName: string | null, weightsOnly: boolean], LoadStateDictFromUrlOptions | undefined>): unknown {
  const fn = 'torch.hub.loadStateDictFromUrl';
  checkUrl(fn, url);
  const o = bindArgs(fn, args, ['modelDir', 'mapLocation', 'progress', 'checkHash', 'fileName', 'weightsOnly']) as LoadStateDictFromUrlOptions;
  const modelDir = expandUser(o.modelDir ?? join(getDir(), 'checkpoints'));
  makeDirs(modelDir);
  const fileName = o.fileName ?? basename(new URL(url).pathname);
  const cached = join(modelDir, fileName);
  if (!existsSync(cached)) {
    process.stdout.write(`Downloading: "${url}" to ${cached}\n`);
    const hashPrefix = o.checkHash === true ? (/-([a-f0-9]*)\./.exec(fileName)?.[1] ?? null) : null;
    try {
      downloadUrlToFile(url, cached, hashPrefix, o.progress ?? true);
    } catch (e) {
      throw new Error(`${(e as Error).message} (without a network, a copy of the file placed at ${cached} is used as it is)`);
    }
  }
  return load(cached, { mapLocation: o.mapLocation ?? null, weightsOnly: o.weightsOnly ?? false });
}
