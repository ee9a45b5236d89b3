// The Projector's files, as torch/utils/tensorboard/_embedding.py writes them: per embedding a
// <step>/<tag> directory with tensors.tsv, metadata.tsv and sprite.png, and one projector_config.pbtxt
// listing every embedding of the writer.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { makeDirs } from '../../paths.js';
import { join } from 'node:path';
import { isTensor, type Tensor } from '../../tensor.js';
import { zeros } from '../../creation.js';
import { bool, float64, int64, uint8 } from '../../dtype.js';
import { cat } from '../../generated/functions.js';
import { pyFloat } from '../../print.js';
import { pyRepr, pyStr as pyFormat } from '../../nn/modules/_format.js';
import { tidy } from '../../scope.js';
import { asNumpy, describe, imageGrid } from './summary.js';

const FN = 'SummaryWriter.addEmbedding';

/** One entry of projector_config.pbtxt (EmbeddingInfo's fields that PyTorch sets, in field-number order). */
export interface EmbeddingInfo {
  tensorName: string;
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [number, number] };
  tensorPath: string;
}

/** SummaryWriter._encode: the tag as one directory name ('%', '/' and '\' as %xx). */
export const encodeTag = (tag: string): string => tag.replaceAll('%', '%25').replaceAll('/', '%2f').replaceAll('\\', '%5c');

/** Python's str(step).zfill(5): the sign first, then zeros. */
export function zfill5(step: number): string {
  const s = String(Math.abs(step)).padStart(step < 0 ? 4 : 5, '0');
  return step < 0 ? `-${s}` : s;
}

// str(x) of a metadata entry (JS numbers print as Python ints when whole: class labels); a list prints as
// Python's, its strings quoted. A 0-d Tensor prints as tensor(3), as Python's str does.
function pyStr(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map((e) => (typeof e === 'string' ? pyRepr(e) : pyStr(e))).join(', ')}]`;
  return pyFormat(x);
}

/** make_tsv: metadata.tsv, one line per point (with a header: one row per point, columns by tab). */
export function metadataTsv(metadata: readonly unknown[], header: readonly string[] | null): string {
  if (!header || header.length === 0) return `${metadata.map(pyStr).join('\n')}\n`;
  const first = metadata[0];
  if (!Array.isArray(first) || first.length !== header.length)
    throw new RangeError(`${FN}: len of header must be equal to the number of columns in metadata (${header.length} and ${Array.isArray(first) ? first.length : describe(first)})`);
  const rows = [header, ...metadata].map((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${FN}: with metadata_header, each metadata entry is a row of columns (an array); entry ${i - 1} is ${describe(row)}`);
    return row.map(pyStr).join('\t');
  });
  return `${rows.join('\n')}\n`;
}

/** make_mat: tensors.tsv, one row per point, each value as Python's str of its .item(). */
export function matrixTsv(mat: Tensor): string {
  if (mat.isComplex()) throw new TypeError(`${FN}: mat must be real (the Projector takes real coordinates), got ${mat.dtype.name}`);
  const [rows, cols] = mat.shape as [number, number];
  const isFloat = mat.isFloatingPoint();
  const isBool = mat.dtype === bool;
  // floats as float64 (exact for every float dtype), integers as int64 (exact, printed as Python ints)
  const values = tidy(() => asNumpy(mat).to(isFloat ? float64 : int64).contiguous().reshape(-1).toTypedArray() as Float64Array | BigInt64Array);
  const cell = (v: number | bigint): string => (isBool ? (v ? 'True' : 'False') : isFloat ? pyFloat(v as number) : String(v));
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(`${Array.from(values.subarray(r * cols, (r + 1) * cols) as ArrayLike<number | bigint>, cell).join('\t')}\n`);
  return lines.join('');
}

/**
 * make_sprite's pixels: the images side by side, ceil(sqrt(N)) per row, on a black square as wide as the
 * grid; scaled by 255 in float64 and truncated to uint8, as PyTorch's np.uint8((x * 255).clip(0, 255)).
 */
export function spritePixels(labelImg: Tensor): { pixels: Buffer; side: number } {
  return tidy(() => {
    const grid = imageGrid(FN, labelImg.detach().cpu().to(float64), Math.ceil(labelImg.shape[0]! ** 0.5), 'label_img');
    const [height, width] = grid.shape as [number, number];
    if (height > width) throw new RangeError(`${FN}: the sprite grid of label_img is ${height} pixels tall and ${width} wide; it must fit the square sprite (PyTorch fails here too)`);
    const square = height < width ? cat([grid, zeros([width - height, width, 3], { dtype: float64 })]) : grid;
    const bytes = square.mul(255).clamp(0, 255).to(uint8).contiguous().toTypedArray() as Uint8Array;
    return { pixels: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), side: width };
  });
}

/** The sprite's pixels as PNG (sharp, off the main thread). */
export async function spritePng({ pixels, side }: { pixels: Buffer; side: number }): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
}

// text_format's string escaping (as_utf8, protobuf's default): quotes, backslash, \t \n \r, other ASCII controls in octal.
function textEscape(s: string): string {
  return s.replace(/[\x00-\x1f\x7f"'\\]/g, (c) => {
    const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '"': '\\"', "'": "\\'", '\\': '\\\\' };
    return named[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
  });
}

/** text_format.MessageToString(ProjectorConfig): what projector_config.pbtxt holds. */
export function projectorConfigText(embeddings: readonly EmbeddingInfo[]): string {
  const q = (s: string): string => `"${textEscape(s)}"`;
  return embeddings.map((e) => {
    const lines = ['embeddings {', `  tensor_name: ${q(e.tensorName)}`];
    if (e.metadataPath !== undefined) lines.push(`  metadata_path: ${q(e.metadataPath)}`);
    if (e.sprite) lines.push('  sprite {', `    image_path: ${q(e.sprite.imagePath)}`, ...e.sprite.singleImageDim.map((d) => `    single_image_dim: ${d}`), '  }');
    lines.push(`  tensor_path: ${q(e.tensorPath)}`, '}');
    return `${lines.join('\n')}\n`;
  }).join('');
}

/** The checked inputs of add_embedding, before anything is written. */
export function checkEmbedding(mat: unknown, metadata: unknown, labelImg: unknown): { mat: Tensor; metadata: unknown[] | null; labelImg: Tensor | null } {
  if (!isTensor(mat)) throw new TypeError(`${FN}: mat must be a Tensor, got ${describe(mat)}`);
  let list: unknown[] | null = null;
  if (metadata !== undefined && metadata !== null) {
    if (isTensor(metadata)) list = Array.from({ length: metadata.shape[0] ?? 0 }, (_, i) => metadata.select(0, i));
    else if (Array.isArray(metadata)) list = metadata;
    else throw new TypeError(`${FN}: metadata must be an array (or a Tensor), got ${describe(metadata)}`);
    if (mat.dim() === 0 || list.length !== mat.shape[0]) throw new RangeError(`${FN}: #labels should equal with #data points (${list.length} and ${mat.shape[0] ?? 'none'})`);
  }
  let img: Tensor | null = null;
  if (labelImg !== undefined && labelImg !== null) {
    if (!isTensor(labelImg) || labelImg.dim() !== 4) throw new TypeError(`${FN}: label_img must be an NCHW Tensor, got ${isTensor(labelImg) ? `shape [${labelImg.shape.join(', ')}]` : describe(labelImg)}`);
    if (labelImg.shape[0] !== mat.shape[0]) throw new RangeError(`${FN}: #images should equal with #data points (${labelImg.shape[0]} and ${mat.shape[0]})`);
    img = labelImg;
  }
  if (mat.dim() !== 2) throw new RangeError(`${FN}: mat should be 2D, where mat.size(0) is the number of data points, got shape [${mat.shape.join(', ')}]`);
  return { mat, metadata: list, labelImg: img };
}

/** Makes <logDir>/<subdir> as PyTorch does: a warning if it exists (the same step and tag again), an error if it is a file. */
export function makeEmbeddingDir(path: string): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new Error(`${FN}: Path: \`${path}\` exists, but is a file. Cannot proceed.`);
    process.emitWarning('Embedding dir exists, did you set global_step for add_embedding()?', { code: 'TORCHNODE_TENSORBOARD' });
  } else makeDirs(path);
}

export const writeFile = (dir: string, name: string, data: string | Uint8Array): void => writeFileSync(join(dir, name), data);
