// Reading a zip archive's index (its central directory) without unpacking it: torch.aoti checks .pt2
// packages with it before libtorch opens them, torch.hub finds legacy zipped checkpoints with it.
import { fstatSync, readSync } from 'node:fs';

export interface ZipEntry {
  name: string;
  /** The name as stored: the flag-less bytes are not always Latin-1 (libtorch compares them raw). */
  nameBytes: Buffer;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** Where the archive has no readable index; the message describes the problem. */
export class ZipIndexError extends Error {}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

/** Up to length bytes at position: fewer where the file ends first. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/** Exactly length bytes at position, or a RangeError: the index points past the end of the file. */
export function readIndexed(fd: number, position: number, length: number, size = fstatSync(fd).size): Buffer {
  // bounds first: a position past 2^53 would otherwise fail inside readSync with another message
  const b = position < 0 || position + length > size ? null : readAt(fd, position, length);
  if (b?.length !== length) throw new RangeError(`the zip index points past the end of the file (${position + length} > ${size} bytes)`);
  return b;
}

/**
 * The archive's entries in central-directory order, zip64 sizes and offsets resolved. Lazy, so a
 * caller's check of one entry comes before a later entry's damage; throws ZipIndexError or RangeError.
 */
export function* readZipIndex(fd: number): Generator<ZipEntry> {
  const size = fstatSync(fd).size;
  const read = (pos: number, n: number): Buffer => readIndexed(fd, pos, n, size);
  // The end-of-central-directory record: in the last 22 + 65535 bytes (its comment may follow it).
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = read(size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) if (tail.readUInt32LE(i) === SIG_EOCD) { eocd = i; break; }
  if (eocd < 0) throw new ZipIndexError('not a zip archive (no end of central directory)');
  let count = tail.readUInt16LE(eocd + 10);
  let at = tail.readUInt32LE(eocd + 16);
  if (at === U32_MAX || count === 0xffff) {
    const locator = read(size - tailLength + eocd - 20, 20);
    if (locator.readUInt32LE(0) !== SIG_EOCD64_LOCATOR) throw new ZipIndexError('a zip64 archive without its locator');
    const eocd64 = read(Number(locator.readBigUInt64LE(8)), 56);
    if (eocd64.readUInt32LE(0) !== SIG_EOCD64) throw new ZipIndexError('a damaged zip64 end of central directory');
    count = Number(eocd64.readBigUInt64LE(32));
    at = Number(eocd64.readBigUInt64LE(48));
  }
  for (let k = 0; k < count; k++) {
    const h = read(at, 46);
    if (h.readUInt32LE(0) !== SIG_CENTRAL) throw new ZipIndexError('a damaged zip central directory');
    const [flags, nameLength, extraLength, commentLength] = [h.readUInt16LE(8), h.readUInt16LE(28), h.readUInt16LE(30), h.readUInt16LE(32)];
    const nameBytes = read(at + 46, nameLength);
    const entry: ZipEntry = {
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      nameBytes,
      method: h.readUInt16LE(10),
      flags,
      crc: h.readUInt32LE(16),
      compressedSize: h.readUInt32LE(20),
      size: h.readUInt32LE(24),
      localHeaderOffset: h.readUInt32LE(42),
    };
    // zip64: the real sizes and offset sit in extra field 0x0001, in this order, for each value that is 0xffffffff.
    const extra = read(at + 46 + nameLength, extraLength);
    for (let e = 0; e + 4 <= extra.length; e += 4 + extra.readUInt16LE(e + 2)) {
      if (extra.readUInt16LE(e) !== 1) continue;
      let v = e + 4;
      for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
        if (entry[key] !== U32_MAX) continue;
        entry[key] = Number(extra.readBigUInt64LE(v));
        v += 8;
      }
    }
    at += 46 + nameLength + extraLength + commentLength;
    yield entry;
  }
}

/** Where the entry's data starts, past its local header; null where that header's signature is wrong. */
export function entryDataOffset(fd: number, entry: ZipEntry): number | null {
  const lh = readIndexed(fd, entry.localHeaderOffset, 30);
  return lh.readUInt32LE(0) === SIG_LOCAL ? entry.localHeaderOffset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28) : null;
}
