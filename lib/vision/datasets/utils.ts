// torchvision.datasets.utils: the download helpers the datasets' `download: true` uses. Downloads go
// through torch.hub's downloader (synchronous, a `.partial` file renamed when complete); files are
// checked with MD5 as torchvision checks them; .tar, .tar.gz/.tgz and .gz archives are extracted.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract as tarExtract } from 'tar';
import { downloadUrlToFile } from '../../hub.js';
import { expandUser, makeDirs } from '../../paths.js';
import { pythonFunction, REQUIRED, signature } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';

function checkPath(fn: string, what: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new TypeError(`${fn}: ${what} must be a path string, got ${describe(v)}`);
  return v;
}

function checkMd5Arg(fn: string, md5: unknown): string | null {
  if (md5 === null) return null;
  if (typeof md5 !== 'string' || !/^[0-9a-fA-F]{32}$/.test(md5)) throw new TypeError(`${fn}: md5 must be 32 hex digits or null, got ${describe(md5)}`);
  return md5.toLowerCase();
}

/** The MD5 of a file as hex, read in chunks. */
export const calculateMd5 = pythonFunction(signature('calculate_md5', { fpath: REQUIRED, chunkSize: 1024 * 1024 }), (fpath: unknown, chunkSize: unknown): string => {
  const path = checkPath('calculate_md5', 'fpath', fpath);
  if (!Number.isInteger(chunkSize) || (chunkSize as number) <= 0) throw new TypeError(`calculate_md5: chunkSize must be a positive integer, got ${describe(chunkSize)}`);
  const hash = createHash('md5');
  const buf = Buffer.alloc(Math.min(chunkSize as number, 1 << 24));
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
});

/** Whether the file's MD5 is `md5`. */
export const checkMd5 = pythonFunction(signature('check_md5', { fpath: REQUIRED, md5: REQUIRED }), (fpath: unknown, md5: unknown): boolean =>
  calculateMd5(fpath) === checkMd5Arg('check_md5', md5));

/** Whether `fpath` is a file and, when `md5` is given, has that MD5 (torchvision's check_integrity). */
export const checkIntegrity = pythonFunction(signature('check_integrity', { fpath: REQUIRED, md5: null }), (fpath: unknown, md5: unknown): boolean => {
  const path = checkPath('check_integrity', 'fpath', fpath);
  const want = checkMd5Arg('check_integrity', md5);
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  return want === null || calculateMd5(path) === want;
});

/**
 * Downloads `url` into the folder `root` as `filename` (default: the URL's base name), unless a file
 * with that MD5 is already there; Error("File not found or corrupted.") when the download's MD5 differs.
 */
export const downloadUrl = pythonFunction(signature('download_url', { url: REQUIRED, root: REQUIRED, filename: null, md5: null }),
  (url: unknown, root: unknown, filename: unknown, md5: unknown): void => {
    const fn = 'download_url';
    if (typeof url !== 'string') throw new TypeError(`${fn}: url must be a string, got ${describe(url)}`);
    const folder = expandUser(checkPath(fn, 'root', root));
    const name = filename === null || filename === '' ? basename(new URL(url).pathname) : checkPath(fn, 'filename', filename);
    const want = checkMd5Arg(fn, md5);
    const fpath = join(folder, name);
    makeDirs(folder);
    if (checkIntegrity(fpath, want)) return;
    process.stdout.write(`Downloading ${url} to ${fpath}\n`);
    rmSync(fpath, { force: true });  // a corrupt copy: downloaded again
    downloadUrlToFile(url, fpath, null, true);
    if (!checkIntegrity(fpath, want)) throw new Error(`${fn}: ${url}: File not found or corrupted. (the MD5 of ${fpath} is not ${want})`);
  });

// torchvision's _detect_file_type, for the formats extracted here.
const ARCHIVES: readonly [suffix: string, kind: 'tar' | 'gz'][] = [['.tar.gz', 'tar'], ['.tgz', 'tar'], ['.tar', 'tar'], ['.gz', 'gz']];
const NOT_EXTRACTED = ['.zip', '.bz2', '.tbz', '.tbz2', '.xz', '.txz'];

/**
 * Extracts a .tar, .tar.gz/.tgz archive into `toPath` (default: the archive's folder) and returns
 * `toPath`, or decompresses a .gz file there under its name without `.gz` and returns that file's path. Entries that would land outside
 * `toPath` (absolute paths, `..`) are refused by the tar reader, as Python's 'data' filter does.
 */
export const extractArchive = pythonFunction(signature('extract_archive', { fromPath: REQUIRED, toPath: null, removeFinished: false }),
  (fromPath: unknown, toPath: unknown, removeFinished: unknown): string => {
    const fn = 'extract_archive';
    const from = checkPath(fn, 'fromPath', fromPath);
    const to = toPath === null ? dirname(from) : checkPath(fn, 'toPath', toPath);
    const lower = from.toLowerCase();
    const format = ARCHIVES.find(([suffix]) => lower.endsWith(suffix));
    if (!format) {
      const known = NOT_EXTRACTED.find((s) => lower.endsWith(s));
      throw new Error(`${fn}: ${from}: ${known ? `${known} archives are not supported by torchnode` : 'unknown archive or compression'}; ` +
        'supported are .tar, .tar.gz, .tgz and .gz');
    }
    makeDirs(to);
    if (format[1] === 'tar') {
      const warnings: string[] = [];
      tarExtract({ file: from, cwd: to, sync: true, onwarn: (_code: string, message: string) => warnings.push(message) });
      if (warnings.length > 0) throw new Error(`${fn}: ${from}: ${warnings.join('; ')}`);
    } else {
      let data: Buffer;
      try {
        data = gunzipSync(readFileSync(from));
      } catch (e) {
        throw new Error(`${fn}: ${from}: not a valid gzip file (${(e as Error).message})`);
      }
      const out = join(to, basename(from).slice(0, -format[0].length));
      writeFileSync(out, data);
      if (removeFinished) rmSync(from);
      return out;  // torchvision returns the decompressed file for a .gz
    }
    if (removeFinished) rmSync(from);
    return to;
  });

/** downloadUrl, then extractArchive of the downloaded file into `extractRoot` (default `downloadRoot`). */
export const downloadAndExtractArchive = pythonFunction(
  signature('download_and_extract_archive', { url: REQUIRED, downloadRoot: REQUIRED, extractRoot: null, filename: null, md5: null, removeFinished: false }),
  (url: unknown, downloadRoot: unknown, extractRoot: unknown, filename: unknown, md5: unknown, removeFinished: unknown): void => {
    const root = expandUser(checkPath('download_and_extract_archive', 'downloadRoot', downloadRoot));
    if (typeof url !== 'string') throw new TypeError(`download_and_extract_archive: url must be a string, got ${describe(url)}`);
    const name = filename === null || filename === '' ? basename(new URL(url).pathname) : (filename as string);
    downloadUrl(url, root, name, md5);
    extractArchive(join(root, name), extractRoot ?? root, removeFinished === true);
  });
