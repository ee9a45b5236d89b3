// The IDX file format of MNIST-like data (LeCun's "SN3 PascalVincent" files), gzipped or not.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** A parsed IDX file: its dimensions and its uint8 payload. */
export interface IdxArray { shape: number[]; data: Uint8Array }

/** Reads a whole file, gunzipping it when it starts with the gzip magic; errors name the file. */
export function readMaybeGzipped(path: string, owner: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${owner}: cannot read ${path}: ${(e as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${owner}: ${path} is a corrupt gzip file: ${(e as Error).message}`);
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Parses an IDX file of unsigned bytes with `ndim` dimensions (torchvision's read_sn3_pascalvincent_tensor
 * for type 0x08): magic 0x0000 08 nd, nd big-endian uint32 sizes, then the bytes.
 */
export function readIdxFile(path: string, ndim: number, owner: string): IdxArray {
  const bytes = readMaybeGzipped(path, owner);
  const bad = (why: string) => new Error(`${owner}: ${path} is not a valid IDX file: ${why}`);
  if (bytes.length < 4) throw bad(`it has only ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw bad(`wrong magic number 0x${hex(bytes.subarray(0, 4))} (expected 0x0000080${ndim})`);
  if (bytes[2] !== 0x08) throw bad(`element type 0x${bytes[2]!.toString(16).padStart(2, '0')} is not unsigned byte (0x08)`);
  if (bytes[3] !== ndim) throw bad(`it has ${bytes[3]} dimensions, expected ${ndim}`);
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw bad(`the header is truncated (${bytes.length} of ${header} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const payload = bytes.length - header;
  if (payload !== count) {
    throw bad(`the sizes ${shape.join('x')} need ${count} data bytes, but the file has ${payload}${payload < count ? ' (truncated)' : ''}`);
  }
  return { shape, data: bytes.subarray(header) };
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
