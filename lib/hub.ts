// torch.hub's download cache: getDir/setDir, downloadUrlToFile and loadStateDictFromUrl. They are
// synchronous, as in Python: a child Node process downloads (fetch, or a copy for file: URLs) into a
// `.partial` file it renames when complete, while this thread waits; its progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, normalize, relative, resolve, isAbsolute } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe } from './options.js';
import { bindArgs } from './functional/args.js';
import type { PyArgs } from './nn/functional/_signature.js';
import { expandUser, makeDirs } from './paths.js';
import { load, type MapLocation } from './serialize.js';
import { warn } from './warnings.js';
import { ZipIndexError, entryDataOffset, readAt, readZipIndex, type ZipEntry } from './zip_index.js';

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
// failures of the transfer itself (no connection, an HTTP error, a broken body), not of the hash or the disk
const net = (e) => (e && typeof e === 'object' ? Object.assign(e, { network: true }) : { message: String(e), network: true });
async function* marked(stream) { try { for await (const chunk of stream) yield chunk; } catch (e) { throw net(e); } }
let bar = null;
try {
  let total = null;
  let body;
  if (url.startsWith('file:')) {
    const path = fileURLToPath(url);
    total = statSync(path).size;
    body = createReadStream(path);
  } else {
    const res = await fetch(url, { headers: { 'User-Agent': 'torch.hub' } }).catch((e) => { throw net(e); });
    if (!res.ok) throw net(new Error('HTTP Error ' + res.status + ': ' + res.statusText));
    total = Number(res.headers.get('content-length')) || null;
    body = marked(res.body);
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
  writeSync(3, JSON.stringify({ ok: false, message: String((e && e.cause && e.cause.message) || (e && e.message) || e), network: Boolean(e && e.network) }));
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

/** A failed download; `network`: the transfer failed (not the hash check or the disk). */
class DownloadError extends Error {
  constructor(
    message: string,
    readonly network: boolean,
  ) {
    super(message);
  }
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
  let result: { ok: boolean; message?: string; network?: boolean };
  try {
    result = JSON.parse(reply) as { ok: boolean; message?: string; network?: boolean };
  } catch {
    throw new Error(`${fn}: the download of ${url} ended without a result (exit ${r.status ?? r.signal})`);
  }
  if (!result.ok) throw new DownloadError(`${fn}: ${url}: ${result.message}`, result.network === true);
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
 * A zip holding one file (a pre-1.6 checkpoint, zipped) is extracted into modelDir and that file
 * loaded, with Python's FutureWarning.
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
      if (e instanceof DownloadError && e.network) throw new Error(`${e.message} (without a network, a copy of the file placed at ${cached} is used as it is)`);
      throw e;
    }
  }
  const loadOptions = { mapLocation: o.mapLocation ?? null, weightsOnly: o.weightsOnly ?? false };
  const legacy = legacyZipEntry(cached);
  if (legacy !== null) {
    // Python's _legacy_zip_load: extract the one file into modelDir, then torch.load it
    warn('Falling back to the old format < 1.6. This support will be deprecated in favor of default zipfile format introduced in 1.6. Please redo torch.save() to save it in the new zipfile format.', 'FutureWarning');
    return load(extractZipEntry(cached, legacy, modelDir), loadOptions);
  }
  return load(cached, loadOptions);
}

// ---- legacy zip checkpoints -------------------------------------------------------------------
// Before PyTorch 1.6, torch.save wrote no zip, and checkpoints were published zipped: an archive of
// the one saved file. Python's _is_legacy_zip_format / _legacy_zip_load read them; zip_index.ts reads
// the archive's index, and the one entry is extracted here (stored or deflated).

// Python's _is_legacy_zip_format: a zip of exactly one entry, a file (not a directory).
function legacyZipEntry(path: string): ZipEntry | null {
  const fd = openSync(path, 'r');
  try {
    const entries = readZipIndex(fd);
    const first = entries.next();
    const only = first.done || !entries.next().done ? null : first.value;
    return only !== null && !only.name.endsWith('/') ? only : null;
  } catch (e) {
    // an unreadable index: not a zip, as Python's zipfile.is_zipfile says
    if (e instanceof ZipIndexError || e instanceof RangeError) return null;
    throw e;
  } finally {
    closeSync(fd);
  }
}

// Python's _safe_extract_zip of the one entry into dir (zip-slip checks with Python's messages): the extracted path.
function extractZipEntry(path: string, entry: ZipEntry, dir: string): string {
  const fn = 'torch.hub.loadStateDictFromUrl';
  const name = normalize(entry.name);
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) throw new TypeError(`${fn}: Archive entry has absolute path: ${entry.name}`);
  if (name.split(/[/\\]/).includes('..')) throw new TypeError(`${fn}: Archive entry contains directory traversal: ${entry.name}`);
  const root = resolve(dir);
  const out = resolve(root, name);
  const rel = relative(root, out);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new TypeError(`${fn}: Archive entry escapes target directory: ${entry.name}`);
  const fd = openSync(path, 'r');
  let data: Buffer;
  try {
    const start = localDataOffset(fd, entry);
    if (start === null) throw new Error(`${fn}: ${path}: Bad magic number for file header`);
    // never more than the file holds, nor inflated past the size the index gives (a zip bomb stops there)
    const raw = readAt(fd, start, Math.max(0, Math.min(entry.compressedSize, fstatSync(fd).size - start)));
    if (entry.flags & 0x1) throw new Error(`${fn}: ${path}: File ${entry.name} is encrypted, password required for extraction`);
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) data = inflateBounded(raw, entry.size, `${fn}: ${path}: Bad CRC-32 for file ${entry.name}`);
    else throw new Error(`${fn}: ${path}: compression method ${entry.method} of ${entry.name} is not supported (only stored and deflated entries are)`);
  } finally {
    closeSync(fd);
  }
  if (data.length !== entry.size || crc32(data) !== entry.crc) throw new Error(`${fn}: ${path}: Bad CRC-32 for file ${entry.name}`);
  makeDirs(dirname(out));
  writeFileSync(out, data);
  return join(dir, entry.name);
}

// Deflated data that inflates past `size` bytes fails as a bad CRC would, without inflating on.
function inflateBounded(raw: Buffer, size: number, badCrc: string): Buffer {
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(1, size) });
  } catch (e) {
    throw (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? new Error(badCrc) : e;
  }
}

// A local header past the end of the file is as bad as one with the wrong signature (Python: "Bad magic number").
function localDataOffset(fd: number, entry: ZipEntry): number | null {
  try {
    return entryDataOffset(fd, entry);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}
