// Writes a line plot as a PNG with no dependencies: axes, grid, y labels (3x5 pixel digits), the line.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

// 3x5 glyphs, one row per 3-bit number.
/** @type {Record<string, number[]>} */
const GLYPHS = {
  0: [7, 5, 5, 5, 7], 1: [2, 6, 2, 2, 7], 2: [7, 1, 7, 4, 7], 3: [7, 1, 7, 1, 7], 4: [5, 5, 7, 1, 1],
  5: [7, 4, 7, 1, 7], 6: [7, 4, 7, 5, 7], 7: [7, 1, 1, 1, 1], 8: [7, 5, 7, 5, 7], 9: [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2], '-': [0, 0, 7, 0, 0], e: [0, 7, 7, 4, 7],
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** @param {Uint8Array} buf */
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * @param {string | URL} file
 * @param {number[]} values
 * @param {{ width?: number, height?: number }} [size]
 */
export function writeLinePlot(file, values, { width = 640, height = 400 } = {}) {
  const px = Buffer.alloc(width * height * 3, 255);
  /** @param {number} x @param {number} y @param {number[]} rgb */
  const set = (x, y, [r = 0, g = 0, b = 0]) => {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (y * width + x) * 3;
    px[i] = r;
    px[i + 1] = g;
    px[i + 2] = b;
  };
  /** @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @param {number[]} color */
  const line = (x0, y0, x1, y1, color) => {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let s = 0; s <= steps; s++) set(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, color);
  };
  /** @param {number} x @param {number} y @param {string} str */
  const text = (x, y, str, scale = 2) => {
    for (const ch of str) {
      (GLYPHS[ch] ?? [0, 0, 0, 0, 0]).forEach((row, r) => {
        for (let c = 0; c < 3; c++) if (row & (4 >> c)) for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) set(x + c * scale + dx, y + r * scale + dy, [0, 0, 0]);
      });
      x += 4 * scale;
    }
  };
  const left = 70, right = width - 20, top = 20, bottom = height - 30;
  const lo = Math.min(...values), hi = Math.max(...values);
  const span = hi - lo || 1;
  const yOf = (/** @type {number} */ v) => bottom - ((v - lo) / span) * (bottom - top);
  const xOf = (/** @type {number} */ i) => left + (i / Math.max(values.length - 1, 1)) * (right - left);
  for (let k = 0; k <= 4; k++) {
    const v = lo + (span * k) / 4;
    line(left, yOf(v), right, yOf(v), [225, 225, 225]);
    text(4, yOf(v) - 5, v.toPrecision(3));
  }
  line(left, top, left, bottom, [0, 0, 0]);
  line(left, bottom, right, bottom, [0, 0, 0]);
  text(right - 4 * 2 * String(values.length).length, bottom + 8, String(values.length));
  text(left, bottom + 8, '0');
  for (let i = 1; i < values.length; i++) line(xOf(i - 1), yOf(values[i - 1]), xOf(i), yOf(values[i]), [31, 119, 180]);

  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) px.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  writeFileSync(file, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}
