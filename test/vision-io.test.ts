// vision.io (torchvision.io's image functions) against test/fixtures/io (scripts/make-io-fixtures.py):
// every file decoded in every mode it supports gives the (C, H, W) tensor torchvision lays out, with
// PIL's pixels for the same file (torchvision's own image extension does not load against CPU torch
// here, so PIL, with the same libjpeg-turbo/zlib decoding, stands in); encoders round-trip.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { check, type TensorEnc } from './golden-replay.js';
import type { Tensor } from '../lib/tensor.js';

const io = vision.io;
const FIX = new URL('./fixtures/io/', import.meta.url).pathname;
const TMP = mkdtempSync(join(tmpdir(), 'torchnode-io-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const fx = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as {
  cases: Record<string, Record<string, TensorEnc>>; gifs: Record<string, TensorEnc>; pngSizes: { image: number[][][]; bytes: Record<string, number> };
  pilOnly: Record<string, { mode: string; rgb: number[][][] }>;
};

describe('vision.io decoders', () => {
  for (const [file, modes] of Object.entries(fx.cases)) {
    for (const [modeName, want] of Object.entries(modes)) {
      const exif = modeName.endsWith('+exif');
      const mode = modeName.replace('+exif', '');
      it(`${file} as ${modeName}: readImage, decodeImage of the bytes, and the format's own decoder`, () => {
        check(io.readImage(join(FIX, file), mode, exif), want, undefined, `readImage ${file} ${modeName}`);
        check(io.decodeImage(io.readFile(join(FIX, file)), { mode, applyExifOrientation: exif }), want, undefined, `decodeImage ${file}`);
        const own = file.endsWith('.png') ? io.decodePng : file.endsWith('.jpg') ? io.decodeJpeg : io.decodeWebp;
        if (!exif) check(own(join(FIX, file), mode.toLowerCase()), want, undefined, `own decoder ${file}`);
      });
    }
  }

  it("lays the result out as torchvision does: a (C, H, W) view of the decoded (H, W, C) pixels", () => {
    const t = io.readImage(join(FIX, 'rgb.png'));
    expect([t.shape, t.stride()]).toEqual([[3, 5, 7], [1, 21, 3]]);
    expect(io.ImageReadMode.RGBA).toBe(io.ImageReadMode.RGB_ALPHA);
  });

  it('refuses what it cannot reproduce, and bad input, with Errors naming the problem', () => {
    expect(() => io.readImage(join(FIX, 'rgb.png'), io.ImageReadMode.GRAY)).toThrow(/converting the colour image .*rgb.png to GRAY is not supported/);
    // a 4-bit palette file: libpng hands torchvision its rows still packed, in a tensor of a byte a pixel
    expect(() => io.readImage(join(FIX, 'palette.png'))).toThrow(/palette.png is a palette PNG of 4 bits a pixel; torchvision's UNCHANGED mode returns its rows still packed \(2 pixels a byte/);
    expect(() => io.decodePng(io.readFile(join(FIX, 'palette.png')))).toThrow(/decode_png: <tensor> is a palette PNG of 4 bits a pixel/);
    expect(() => io.decodePng(join(FIX, 'rgb.jpg'))).toThrow(/Content is not png!/);
    expect(() => io.decodeJpeg(join(FIX, 'rgb.png'))).toThrow(/Not a JPEG file/);
    expect(() => io.decodeImage(torch.tensor([1, 2, 3], { dtype: torch.uint8 }))).toThrow('Unsupported image file. Only jpeg, png, webp and gif are currently supported. For avif and heic format, please rely on `decode_avif` and `decode_heic` directly.');
    expect(() => io.decodeImage(torch.tensor([1, 2, 3]))).toThrow(/Expected a torch.uint8 tensor/);
    expect(() => io.decodeImage(torch.zeros([0], { dtype: torch.uint8 }))).toThrow(/non empty 1-dimensional/);
    expect(() => io.readImage(join(FIX, 'rgb.png'), 'CMYK')).toThrow(/mode must be one of ImageReadMode/);
    expect(() => io.decodeJpeg(join(FIX, 'rgb.jpg'), 'RGB_ALPHA')).toThrow(/The provided mode is not supported for JPEG files/);
    expect(() => io.decodeJpeg([])).toThrow(/non empty list/);
    expect(() => io.encodeJpeg([])).toThrow(/non empty list/);
    writeFileSync(join(TMP, 'empty.bin'), '');
    expect(() => io.readFile(join(TMP, 'empty.bin'))).toThrow(/Expected a non empty file/);
    const broken = io.readFile(join(FIX, 'rgb.png')).narrow(0, 0, 60);
    expect(() => io.decodeImage(broken)).toThrow(/cannot decode image <tensor>/);
  });

  it("decodes an 8-bit palette PNG's indices itself in UNCHANGED mode (sharp reads only its orientation), so a broken one is reported by torchnode's reader", () => {
    const bytes = Buffer.from(readFileSync(join(FIX, 'palette8_exif6.png')));
    bytes[bytes.indexOf('IDAT') + 6]! ^= 0xff;  // a byte of the image data: IDAT's CRC no longer matches
    writeFileSync(join(TMP, 'palette8_broken.png'), bytes);
    expect(() => io.readImage(join(TMP, 'palette8_broken.png'))).toThrow(/decode_image: cannot decode .*palette8_broken.png: bad CRC in the IDAT chunk/);
    expect(() => io.decodeImage(io.readFile(join(TMP, 'palette8_broken.png')), { applyExifOrientation: true })).toThrow(/decode_image: cannot decode <tensor>: bad CRC in the IDAT chunk/);
  });
});

describe('vision.io.decodeGif', () => {
  // PIL's files (real LZW) against PIL's pixels; hand-written animations against decode_gif.cpp's loop transcribed
  for (const [file, want] of Object.entries(fx.gifs)) {
    it(`${file}: decodeGif, decodeImage and readImage (whose mode GIFs ignore, as torchvision's)`, () => {
      const got = io.decodeGif(join(FIX, file));
      check(got, want, undefined, `decodeGif ${file}`);
      // channels last in memory, as torchvision's
      const [c, h, w] = want.shape.slice(-3) as [number, number, number];
      expect(got.stride().slice(-3)).toEqual([1, w * c, c]);
      expect(h * w * c).toBeGreaterThan(0);
      check(io.decodeImage(io.readFile(join(FIX, file))), want, undefined, `decodeImage ${file}`);
      check(io.readImage(join(FIX, file), 'GRAY'), want, undefined, `readImage ${file}`);
    });
  }

  it("follows giflib where files bend the format (expected values from a transcription of giflib 5.2's reader)", () => {
    const gif = (hex: string): Tensor => io.decodeGif(torch.tensor(Array.from(Buffer.from(hex, 'hex')), { dtype: torch.uint8 }));
    // LZW minimum code size 1: giflib widens the codes to 3 bits after the first one
    const stripes = [[255, 0, 0], [0, 0, 255], [0, 255, 0], [255, 0, 0]].map((row) => Array.from({ length: 16 }, (_, x) => row[x % 3]!));
    expect(gif('47494638396110000400f00000000000ffffff2c000000001000040000010a06d0759a8cbeafc12907003b').tolist()).toEqual([stripes, stripes, stripes]);
    // a graphic control block of 5 or 3 bytes: giflib takes the defaults (disposal unspecified, no transparency), so frame 1 starts from the background
    const twoFrames = [[[[10, 20]], [[0, 0]], [[0, 0]]], [[[30, 40]], [[0, 0]], [[0, 0]]]];
    expect(gif('47494638396102000100f100000a00001400001e00002800002c000000000200010000080500010408080021f905050a000200002c000000000200010000080500050c0808003b').tolist()).toEqual(twoFrames);
    expect(gif('47494638396102000100f100000a00001400001e00002800002c000000000200010000080500010408080021f903050a00002c000000000200010000080500050c0808003b').tolist()).toEqual(twoFrames);
    // giflib checks only "GIF" before the version; decodeImage still dispatches on GIF87a/GIF89a, as torchvision's
    expect(gif('47494638396210000400f00000000000ffffff2c000000001000040000010a06d0759a8cbeafc12907003b').shape).toEqual([3, 4, 16]);
  });

  it("keeps a full LZW table's last entry, as giflib: code 4095 after the table fills is that entry, not a new one", () => {
    // clear, 4092 literals (entries 6..4095 are each two of them), then 4095 twice, entry 7, end: giflib's code widths
    const lits = Array.from({ length: 4092 }, (_, i) => (i * 7 + (i >> 5)) % 4);
    const bytes: number[] = [];
    let [acc, nbits, size, running] = [0, 0, 3, 6];
    const put = (code: number): void => {
      acc += code * 2 ** nbits;
      nbits += size;
      for (; nbits >= 8; nbits -= 8) { bytes.push(acc % 256); acc = Math.floor(acc / 256); }
      if (running < 4097 && ++running > 2 ** size && size < 12) size++;
    };
    put(4);
    [size, running] = [3, 6];
    for (const p of [...lits, 4095, 4095, 7, 5]) put(p);
    if (nbits > 0) bytes.push(acc % 256);
    const blocks: number[] = [];
    for (let i = 0; i < bytes.length; i += 255) blocks.push(Math.min(255, bytes.length - i), ...bytes.slice(i, i + 255));
    const n = 4098;
    const file = [...Buffer.from('GIF89a'), n & 255, n >> 8, 1, 0, 0xf1, 0, 0, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255,
      0x2c, 0, 0, 0, 0, n & 255, n >> 8, 1, 0, 0, 2, ...blocks, 0, 0x3b];
    const red = io.decodeGif(torch.tensor(file, { dtype: torch.uint8 })).select(0, 0).select(0, 0).tolist();
    const want = [...lits, lits[4089]!, lits[4090]!, lits[4089]!, lits[4090]!, lits[1]!, lits[2]!];
    expect(red).toEqual(want.map((i) => (i === 1 ? 255 : 0)));
  });

  it('refuses broken files with an Error saying what is wrong', () => {
    const bytes = readFileSync(join(FIX, 'animated.gif'));
    const write = (name: string, b: Uint8Array): string => { writeFileSync(join(TMP, name), b); return join(TMP, name); };
    expect(() => io.decodeGif(write('cut.gif', bytes.subarray(0, bytes.length - 40)))).toThrow(/decode_gif: cannot decode GIF .*cut.gif: image 6: the image data ends|the file ends inside/);
    expect(() => io.decodeGif(write('no-trailer.gif', bytes.subarray(0, bytes.length - 1)))).toThrow(/the file ends inside its blocks \(no trailer\)/);
    expect(() => io.decodeGif(join(FIX, 'rgb.png'))).toThrow(/decode_gif: .*rgb.png is not a GIF file \(it does not start with "GIF"\)/);
    expect(() => io.decodeGif(write('header.gif', bytes.subarray(0, 10)))).toThrow(/the file ends inside its header/);
    // the first image's data made to start with an undefined code: the LZW stream's first byte after its clear code
    const first = bytes.indexOf(0x2c, 13 + 48);
    const bad = Uint8Array.from(bytes);
    bad[first + 10 + 2] = 0xff;
    bad[first + 10 + 3] = 0xff;
    expect(() => io.decodeGif(write('bad-code.gif', bad))).toThrow(/image 0: the image data holds an undefined LZW code/);
    // an image that does not fit in the canvas (torchvision would write past its tensor)
    const outside = Uint8Array.from(bytes);
    const second = outside.indexOf(0x2c, first + 11);
    outside[second + 1] = 200;  // left
    expect(() => io.decodeGif(write('outside.gif', outside))).toThrow(/image 1 \(5x4 at 200, 2\) does not fit in the 12x9 canvas/);
    expect(() => io.decodeImage(torch.tensor([0x47, 0x49, 0x46, 0x38, 0x37, 0x61, 0], { dtype: torch.uint8 }))).toThrow(/decode_image: cannot decode GIF <tensor>: the file ends inside its header/);
  });
});

describe('vision.io files and encoders', () => {
  it('a WebP in a GRAY mode comes back in its own colours with a warning, as torchvision', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => { warnings.push(w.message); };
    process.on('warning', onWarning);
    try {
      const t = io.readImage(join(FIX, 'lossless.webp'), 'GRAY');
      expect(t.shape).toEqual([3, 5, 7]);
    } finally {
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
    }
    expect(warnings.some((m) => /Webp does not support grayscale conversions/.test(m))).toBe(true);
  });

  it('leaves no tensor behind: decoding and encoding free their intermediates', () => {
    const before = torch.nativeStats().tensors;
    for (let i = 0; i < 20; i++) {
      io.readImage(join(FIX, 'rgb.png')).dispose();
      io.encodePng(io.readImage(join(FIX, 'gray.png'))).dispose();
      io.decodeGif(join(FIX, 'animated.gif')).dispose();
      io.decodeGif(join(FIX, 'pil.gif')).dispose();
    }
    // the inner readImage of encodePng's argument is the caller's, left to the GC: at most 20
    expect(torch.nativeStats().tensors - before).toBeLessThanOrEqual(20);
    const img = io.readImage(join(FIX, 'gray.png'));
    const mid = torch.nativeStats().tensors;
    io.encodePng(img).dispose();
    io.readImage(join(FIX, 'rgb.jpg')).dispose();
    expect(torch.nativeStats().tensors).toBe(mid);
    img.dispose();
  });

  it('readFile/writeFile round-trip the bytes (an empty tensor writes an empty file)', () => {
    io.writeFile(join(TMP, 'nothing.bin'), torch.zeros([0], { dtype: torch.uint8 }));
    expect(readFileSync(join(TMP, 'nothing.bin')).length).toBe(0);
    const bytes = io.readFile(join(FIX, 'rgb.jpg'));
    expect([bytes.dtype, bytes.dim()]).toEqual([torch.uint8, 1]);
    io.writeFile(join(TMP, 'copy.jpg'), bytes);
    expect(readFileSync(join(TMP, 'copy.jpg'))).toEqual(readFileSync(join(FIX, 'rgb.jpg')));
  });

  it('encodePng/writePng are lossless (1 and 3 channels); encodeJpeg/writeJpeg decode close to the input', () => {
    for (const file of ['rgb.png', 'gray.png']) {
      const img = io.readImage(join(FIX, file));
      expect(torch.equal(io.decodePng(io.encodePng(img, 9)), img), file).toBe(true);
      io.writePng(img, join(TMP, file), { compressionLevel: 1 });
      expect(torch.equal(io.readImage(join(TMP, file)), img), file).toBe(true);
    }
    const smooth = io.readImage(join(FIX, 'rgb.jpg'));
    const again = io.decodeJpeg(io.encodeJpeg(smooth, { quality: 95 }));
    expect(again.shape).toEqual(smooth.shape);
    expect(again.int().sub(smooth.int()).abs().max().item()).toBeLessThan(24);
    io.writeJpeg(smooth, join(TMP, 'w.jpg'));
    expect(readFileSync(join(TMP, 'w.jpg')).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(io.encodeJpeg([smooth, smooth]).length).toBe(2);
  });

  it('encoders check their input', () => {
    expect(() => io.encodePng(torch.zeros([3, 4, 4]))).toThrow(/must be a uint8 tensor of shape \(C, H, W\)/);
    expect(() => io.encodePng(torch.zeros([4, 4, 4], { dtype: torch.uint8 }))).toThrow(/channels must be 1 or 3/);
    expect(() => io.encodePng(torch.zeros([1, 4, 4], { dtype: torch.uint8 }), 10)).toThrow(/Compression level should be between 0 and 9/);
    expect(() => io.encodeJpeg(torch.zeros([1, 4, 4], { dtype: torch.uint8 }), 0)).toThrow(/quality should be a positive number between 1 and 100/);
    writeFileSync(join(TMP, 'not-an-image.png'), 'hello');
    expect(() => io.readImage(join(TMP, 'not-an-image.png'))).toThrow(/Unsupported image file/);
  });
});

describe('encodePng file sizes', () => {
  it("filters rows as libpng and Pillow do: within 15 % of Pillow's file at levels 6 (the default) and 9 (unfiltered: 45 % larger)", () => {
    const image = torch.tensor(fx.pngSizes.image, { dtype: torch.uint8 });
    for (const level of ['6', '9']) {
      const pillowBytes = fx.pngSizes.bytes[level]!;
      const png = vision.io.encodePng(image, Number(level));
      expect(png.numel(), `level ${level}`).toBeLessThan(pillowBytes * 1.15);
      expect(vision.io.decodePng(png).equal(image)).toBe(true);
    }
  });
});

describe('BMP, Netpbm and 16-bit gray PNG files through vision.Image.open, as Pillow (what ImageFolder loads; sharp reads the first two not at all, the last scaled)', () => {
  for (const [file, exp] of Object.entries(fx.pilOnly)) {
    it(`${file}: Pillow's pixels (mode ${exp.mode})`, () => {
      const path = join(FIX, file);
      expect(vision.Image.open(path).mode).toBe(['L', '1', 'I', 'I;16'].includes(exp.mode) ? 'L' : 'RGB');
      const rgb = vision.Image.open(path, { mode: 'RGB' });
      expect(vision.transforms.functional.pilToTensor(rgb).tolist()).toEqual(exp.rgb);
    });
  }
  it('a truncated or unsupported file is an Error naming it', () => {
    const bad = join(TMP, 'bad.bmp');
    writeFileSync(bad, readFileSync(join(FIX, 'rgb24.bmp')).subarray(0, 60));
    expect(() => vision.Image.open(bad)).toThrow(`decodeImage: cannot decode image ${bad}: truncated BMP pixel data`);
    const pgm = join(TMP, 'bad.pgm');
    writeFileSync(pgm, 'P5 x 2 255 ');
    expect(() => vision.Image.open(pgm)).toThrow('a Netpbm header field is not a number');
  });
});
