// Synchronous image decoding and encoding with sharp. sharp only works asynchronously, but Dataset.getItem
// is synchronous (as Python's __getitem__), so one helper thread per JS thread runs sharp and the caller
// blocks on Atomics.wait until the pixels come back through a MessagePort read with
// receiveMessageOnPort (the pattern of synckit). Pixels cross without copying (transferred buffer).
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorkerThread } from '../worker_threads.js';

/** What the helper thread sends back: interleaved 8-bit pixels and their layout, or sharp's message. */
interface DecodeReply { ok: boolean; message?: string; data?: Uint8Array; width?: number; height?: number; channels?: number; gray?: boolean }

/** Raw pixels as sharp decoded them: 1 to 4 interleaved 8-bit channels; `gray` when the file is grayscale (then the channels repeat it). */
export interface DecodedPixels { data: Uint8Array; width: number; height: number; channels: number; gray: boolean }

// The helper thread: source run with eval, so no worker file has to be found on disk (the same code
// works from lib/ under vitest and from dist/). Dynamic import() only, so it runs as a script or as a
// module alike (--input-type=module reaches eval'd workers through NODE_OPTIONS).
const HELPER_SOURCE = `
(async () => {
const { workerData } = await import('node:worker_threads');
const { createRequire } = await import('node:module');
let sharp = null;
let loadError = null;
try {
  sharp = createRequire(workerData.sharpPath)(workerData.sharpPath);
  // Datasets decode many distinct files, each once per epoch: libvips' operation cache would only hold
  // memory, and parallelism comes from DataLoader workers, so one libvips thread per helper.
  sharp.cache(false);
  sharp.concurrency(1);
} catch (e) {
  loadError = 'the image library sharp could not be loaded: ' + String(e && e.message || e);
}
const { port } = workerData;
port.on('message', async ({ input, flag, encode, filePixels, orientationOnly }) => {
  let reply;
  try {
    if (loadError !== null) throw new Error(loadError);
    if (encode) {
      // raw interleaved 8-bit pixels -> a file in encode.format, PIL's defaults where sharp's differ (JPEG quality 75, TIFF uncompressed,
      // PNG rows filtered adaptively as libpng and PIL do: files about half the size of sharp's unfiltered ones)
      const { width, height, channels, format, quality, compressionLevel } = encode;
      let image = sharp(input, { raw: { width, height, channels } });
      if (channels <= 2) image = image.toColourspace('b-w'); // a grayscale file (with alpha for 2 channels), as PIL writes modes 'L' and 'LA'
      image = format === 'jpeg' ? image.jpeg({ quality: quality ?? 75 }) : format === 'tiff' ? image.tiff({ compression: 'none' })
        : format === 'png' ? image.png({ compressionLevel: compressionLevel ?? 6, adaptiveFiltering: true }) : image.toFormat(format);
      const data = await image.toBuffer();
      reply = { ok: true, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    } else if (orientationOnly) {
      // the header alone: no pixels are decoded
      const meta = await sharp(input, { limitInputPixels: false }).metadata();
      reply = { ok: true, orientation: meta.orientation ?? 1 };
    } else if (filePixels) {
      // The file's own sample depth (8 or 16 bits): 8-bit as sRGB bands (gray replicated), 16-bit as grey16/rgb16; optionally turned upright by its EXIF orientation.
      const meta = await sharp(input, { failOn: 'error', limitInputPixels: false }).metadata();
      let image = sharp(input, { failOn: 'error', ignoreIcc: true, limitInputPixels: false });
      if (filePixels.autoOrient) image = image.rotate();
      const sixteen = meta.depth === 'ushort';
      // 16-bit samples stay 16-bit only in a 16-bit colourspace (sRGB would reduce them to 8 bits)
      if (sixteen) image = image.toColourspace(meta.channels <= 2 ? 'grey16' : 'rgb16');
      const { data, info } = await image.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
      reply = { ok: true, data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels,
        sixteen, sourceChannels: meta.channels, hasAlpha: meta.hasAlpha === true, isPalette: meta.isPalette === true, format: meta.format, space: meta.space,
        pages: meta.pages ?? 1, orientation: meta.orientation ?? 1 };
    } else {
      // ignoreIcc: PIL ignores embedded colour profiles, so sharp must not convert to sRGB either.
      const image = sharp(input, { failOn: 'error', ignoreIcc: true, limitInputPixels: false });
      // sharp's raw output is sRGB (gray replicated to 3 channels); the file's own channel count says
      // whether it is a gray image.
      const { channels: sourceChannels } = await image.metadata();
      const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      reply = { ok: true, data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels, gray: sourceChannels <= 2 };
    }
  } catch (e) {
    reply = { ok: false, message: String(e && e.message || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
})();
`;

/** How long one decode may take before the caller gives up (a stuck or dead helper never hangs). */
const DECODE_TIMEOUT_MS = 120_000;

let helper: { worker: Worker; port: MessagePort } | null = null;

function startHelper(): { worker: Worker; port: MessagePort } {
  let sharpPath: string;
  try {
    sharpPath = createRequire(import.meta.url).resolve('sharp');
  } catch {
    throw new Error('decodeImage: images are decoded with the npm package sharp, which is not installed (npm install sharp)');
  }
  const { port1, port2 } = new MessageChannel();
  const worker = startWorkerThread(HELPER_SOURCE, { eval: true, workerData: { sharpPath, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  // only this worker's own end clears the slot: a terminated one's late 'exit' must not drop its successor
  worker.on('error', () => { if (helper?.worker === worker) helper = null; });
  worker.on('exit', () => { if (helper?.worker === worker) helper = null; });
  return { worker, port: port1 };
}

/** One request to the helper thread, waited for: its reply, or an Error naming `what`. */
function callHelper(message: Record<string, unknown>, what: string): { ok: boolean; message?: string; data?: Uint8Array } & Record<string, unknown> {
  helper ??= startHelper();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  helper.port.postMessage({ ...message, flag });
  const waited = Atomics.wait(flag, 0, 0, DECODE_TIMEOUT_MS);
  const reply = receiveMessageOnPort(helper.port);
  if (waited === 'timed-out' || reply === undefined) {
    void helper.worker.terminate();
    helper = null;
    throw new Error(`${what} did not finish (the sharp helper thread is not answering)`);
  }
  return reply.message as { ok: boolean; message?: string; data?: Uint8Array } & Record<string, unknown>;
}

/**
 * Decodes an encoded image (JPEG, PNG, WebP, TIFF, GIF, ... whatever sharp reads) to 8-bit pixels,
 * synchronously. `source` names the file in error messages.
 */
export function decodeImageSync(input: Uint8Array, source: string): DecodedPixels {
  // sharp wants a Buffer; copy so the caller's bytes are never transferred away.
  const reply = callHelper({ input: Buffer.from(input) }, `decodeImage: decoding ${source}`) as DecodeReply;
  if (!reply.ok) throw new Error(`decodeImage: cannot decode image ${source}: ${reply.message}`);
  return { data: reply.data!, width: reply.width!, height: reply.height!, channels: reply.channels!, gray: reply.gray! };
}

/** A file's pixels at its own depth: interleaved sRGB bands (3, or 4 with alpha; gray replicated), and what the file holds. */
export interface FilePixels {
  data: Uint8Array; width: number; height: number; channels: number; sixteen: boolean;
  sourceChannels: number; hasAlpha: boolean; isPalette: boolean; format: string; space: string; pages: number;
  /** The EXIF orientation (1 to 8; 1 when the file has none), applied to the pixels only with `autoOrient`. */
  orientation: number;
}

/** Decodes an encoded image to its pixels at the file's depth, synchronously; `autoOrient` applies its EXIF orientation. */
export function decodeFilePixelsSync(input: Uint8Array, source: string, autoOrient: boolean): FilePixels {
  const reply = callHelper({ input: Buffer.from(input), filePixels: { autoOrient } }, `decodeImage: decoding ${source}`);
  if (!reply.ok) throw new Error(`decodeImage: cannot decode image ${source}: ${reply.message}`);
  return reply as unknown as FilePixels;
}

/** An encoded image's EXIF orientation (1 to 8; 1 when it has none), read from its header without decoding the pixels. */
export function readOrientationSync(input: Uint8Array, source: string): number {
  const reply = callHelper({ input: Buffer.from(input), orientationOnly: true }, `decodeImage: reading ${source}`);
  if (!reply.ok) throw new Error(`decodeImage: cannot read image ${source}: ${reply.message}`);
  return reply['orientation'] as number;
}

/** Encodes interleaved 8-bit pixels (1, 3 or 4 channels) as a `format` file ('png', 'jpeg', 'webp', ...), synchronously. */
export function encodeImageSync(pixels: Uint8Array, width: number, height: number, channels: number, format: string, options: { quality?: number; compressionLevel?: number } = {}): Uint8Array {
  const reply = callHelper({ input: Buffer.from(pixels), encode: { width, height, channels, format, ...options } }, `encodeImage: encoding ${format}`);
  if (!reply.ok) throw new Error(`encodeImage: cannot encode a ${width}x${height} image as ${format}: ${reply.message}`);
  return reply.data!;
}
