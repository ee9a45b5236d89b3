// TFRecord framing of TensorBoard event files: uint64 length, masked CRC32C of the length bytes,
// the data, masked CRC32C of the data (all little-endian), as tensorboard's RecordWriter writes it.
import { readFileSync } from 'node:fs';
import { crc32c } from '@aws-crypto/crc32c';

const MASK_DELTA = 0xa282ead8;

/** TensorFlow's masked CRC32C: the CRC rotated right by 15 bits plus a constant, so that CRCs of CRCs stay strong. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/** One record: header (length + its CRC), data, footer (data CRC). */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length + 4);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

/** Splits a TFRecord file into its records, checking both CRCs of each; a torn or corrupt file throws naming the offset. */
export function readRecords(source: string | Uint8Array): Buffer[] {
  const bytes = typeof source === 'string' ? readFileSync(source) : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const what = typeof source === 'string' ? source : 'buffer';
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw new Error(`tensorboard.readRecords: ${what}: truncated record header at byte ${offset}`);
    const header = bytes.subarray(offset, offset + 8);
    if (bytes.readUInt32LE(offset + 8) !== maskedCrc32c(header)) throw new Error(`tensorboard.readRecords: ${what}: length CRC mismatch at byte ${offset}`);
    const length = Number(bytes.readBigUInt64LE(offset));
    const end = offset + 12 + length;
    if (end + 4 > bytes.length) throw new Error(`tensorboard.readRecords: ${what}: truncated record data at byte ${offset}`);
    const data = bytes.subarray(offset + 12, end);
    if (bytes.readUInt32LE(end) !== maskedCrc32c(data)) throw new Error(`tensorboard.readRecords: ${what}: data CRC mismatch at byte ${offset}`);
    records.push(Buffer.from(data));
    offset = end + 4;
  }
  return records;
}
