// torchvision.datasets.VOCDetection and VOCSegmentation: root/VOCdevkit/VOC<year>/ImageSets/<Main or
// Segmentation>/<imageSet>.txt names the samples; images in JPEGImages, targets in Annotations (XML,
// parsed into parse_voc_xml's nested dict) or SegmentationClass (palette PNGs, read as their indices).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import { describe } from '../../options.js';
import { Image } from '../image.js';
import { defaultLoader } from './folder.js';
import { JointTransformDataset, type JointTransformOptions } from './coco.js';
import { datasetOptions, type DatasetArgs } from './vision_dataset.js';
import type { TransformLike } from '../transforms/transform.js';
import type { JointTransformLike } from './coco.js';

/** VOC's positionals after root, in torchvision's order. */
const VOC_POSITIONAL = ['year', 'imageSet', 'download', 'transform', 'targetTransform', 'transforms'] as const;
type VOCArgs = DatasetArgs<[year: string, imageSet: string, download: boolean, transform: TransformLike | null, targetTransform: TransformLike | null, transforms: JointTransformLike | null], VOCOptions>;
import { downloadAndExtractArchive } from './utils.js';
import { decodePaletteIndices, isPalettePng } from '../palette_png.js';

interface YearEntry { url: string; filename: string; md5: string; baseDir: string }

/** torchvision's DATASET_YEAR_DICT. */
export const DATASET_YEAR_DICT: Readonly<Record<string, YearEntry>> = Object.freeze({
  2012: { url: 'https://thor.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar', filename: 'VOCtrainval_11-May-2012.tar', md5: '6cd6e144f989b92b3379bac3b3de84fd', baseDir: join('VOCdevkit', 'VOC2012') },
  2011: { url: 'https://thor.robots.ox.ac.uk/pascal/VOC/voc2011/VOCtrainval_25-May-2011.tar', filename: 'VOCtrainval_25-May-2011.tar', md5: '6c3384ef61512963050cb5d687e5bf1e', baseDir: join('TrainVal', 'VOCdevkit', 'VOC2011') },
  2010: { url: 'https://thor.robots.ox.ac.uk/pascal/VOC/voc2010/VOCtrainval_03-May-2010.tar', filename: 'VOCtrainval_03-May-2010.tar', md5: 'da459979d0c395079b5c75ee67908abb', baseDir: join('VOCdevkit', 'VOC2010') },
  2009: { url: 'https://thor.robots.ox.ac.uk/pascal/VOC/voc2009/VOCtrainval_11-May-2009.tar', filename: 'VOCtrainval_11-May-2009.tar', md5: 'a3e00b113cfcfebf17e343f59da3caa1', baseDir: join('VOCdevkit', 'VOC2009') },
  // torchvision's entry names the 2012 file for 2008 (kept as it is).
  2008: { url: 'https://thor.robots.ox.ac.uk/pascal/VOC/voc2008/VOCtrainval_14-Jul-2008.tar', filename: 'VOCtrainval_11-May-2012.tar', md5: '2629fa636546599198acfcfbfcf1904a', baseDir: join('VOCdevkit', 'VOC2008') },
  2007: { url: 'https://thor.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtrainval_06-Nov-2007.tar', filename: 'VOCtrainval_06-Nov-2007.tar', md5: 'c52e279531787c972589f7e41ab4ae64', baseDir: join('VOCdevkit', 'VOC2007') },
  '2007-test': { url: 'https://thor.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtest_06-Nov-2007.tar', filename: 'VOCtest_06-Nov-2007.tar', md5: 'b6e924de25625d8de591ea690078ad9f', baseDir: join('VOCdevkit', 'VOC2007') },
});

export interface VOCOptions extends JointTransformOptions {
  /** '2007' to '2012'. Default '2012'. */
  year?: string;
  /** 'train', 'trainval' or 'val' ('test' too for 2007). Default 'train'. */
  imageSet?: string;
  /** Download and extract the year's archive into root first (torchvision's URLs and MD5s). */
  download?: boolean;
}

/** torchvision's verify_str_arg with valid values (ValueError as RangeError). */
function verifyStrArg(value: unknown, arg: string, valid: readonly string[]): string {
  if (typeof value !== 'string') throw new TypeError(`Expected type str for argument ${arg}, but got type ${describe(value)}.`);
  if (!valid.includes(value)) throw new RangeError(`Unknown value '${value}' for argument ${arg}. Valid values are {'${valid.join("', '")}'}.`);
  return value;
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}

/** torchvision's _VOCBase: the year's folder, the split's file names, the image and target paths. */
abstract class VOCBase extends JointTransformDataset<any, any> {
  readonly year: string;
  readonly imageSet: string;
  readonly url: string;
  readonly filename: string;
  readonly md5: string;
  readonly images: string[];
  readonly targets: string[];

  constructor(root: string, options: VOCOptions, owner: string, layout: { splitsDir: string; targetDir: string; targetExt: string }) {
    super(root, options, owner);
    if (typeof root !== 'string') throw new TypeError(`${owner}: root must be a path string`);
    this.year = verifyStrArg(options.year ?? '2012', 'year', ['2007', '2008', '2009', '2010', '2011', '2012']);
    this.imageSet = verifyStrArg(options.imageSet ?? 'train', 'image_set', this.year === '2007' ? ['train', 'trainval', 'val', 'test'] : ['train', 'trainval', 'val']);
    const entry = DATASET_YEAR_DICT[this.year === '2007' && this.imageSet === 'test' ? '2007-test' : this.year]!;
    ({ url: this.url, filename: this.filename, md5: this.md5 } = entry);
    const vocRoot = join(this.root!, entry.baseDir);
    if (options.download === true) downloadAndExtractArchive(this.url, this.root!, null, this.filename, this.md5);
    if (!isDirectory(vocRoot)) throw new Error('Dataset not found or corrupted. You can use download=True to download it');
    const splitFile = join(vocRoot, 'ImageSets', layout.splitsDir, `${this.imageSet}.txt`);
    if (!existsSync(splitFile)) throw new Error(`[Errno 2] No such file or directory: '${splitFile}'`);
    const fileNames = splitLines(readFileSync(splitFile, 'utf8')).map((line) => line.trim());
    this.images = fileNames.map((name) => join(vocRoot, 'JPEGImages', `${name}.jpg`));
    this.targets = fileNames.map((name) => join(vocRoot, layout.targetDir, name + layout.targetExt));
    this.workerArgs = [root, { ...options, download: false }];
  }

  get length(): number { return this.images.length; }
}

/** Python's f.readlines(): lines with their endings; no empty last line after a final newline. */
function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length > 0 && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

/** torchvision.datasets.VOCSegmentation: [image (RGB), mask (an 'L' vision.Image of the PNG's palette indices)]. */
export class VOCSegmentation extends VOCBase {
  static readonly sourceModule: string = import.meta.url;
  constructor(root: string, ...args: VOCArgs) {
    super(root, datasetOptions<VOCOptions>(new.target.name, args, VOC_POSITIONAL), new.target.name, { splitsDir: 'Segmentation', targetDir: 'SegmentationClass', targetExt: '.png' });
  }

  get masks(): string[] { return this.targets; }

  protected rawItem(index: number): [Image, Image] {
    return [defaultLoader(this.images[index]!), openSegmentationMask(this.masks[index]!)];
  }
}

/** torchvision.datasets.VOCDetection: [image (RGB), the annotation XML as parse_voc_xml's nested object]. */
export class VOCDetection extends VOCBase {
  static readonly sourceModule: string = import.meta.url;
  constructor(root: string, ...args: VOCArgs) {
    super(root, datasetOptions<VOCOptions>(new.target.name, args, VOC_POSITIONAL), new.target.name, { splitsDir: 'Main', targetDir: 'Annotations', targetExt: '.xml' });
  }

  get annotations(): string[] { return this.targets; }

  protected rawItem(index: number): [Image, VOCNode] {
    return [defaultLoader(this.images[index]!), parseVocXmlFile(this.annotations[index]!)];
  }

  /** torchvision's VOCDetection.parse_voc_xml on an XML document's text. */
  static parseVocXml(xml: string): VOCNode {
    return parseVocXml(xml);
  }
}

/** What parse_voc_xml makes of an element: its stripped text, or its children by tag (repeated tags as arrays). */
export type VOCValue = string | VOCNode | VOCValue[];
export interface VOCNode { [tag: string]: VOCValue }

// fast-xml-parser's ordered form: each element is { tag: children }, text as { '#text': ... }.
type OrderedNode = Record<string, unknown>;
// fast-xml-parser loads on first use: about 100 ms of every import of torchnode otherwise
const require = createRequire(import.meta.url);
let xmlParser: FastXmlParser.XMLParser | null = null;
const xml = (): FastXmlParser.XMLParser => (xmlParser ??= new (require('fast-xml-parser') as typeof FastXmlParser).XMLParser({
  preserveOrder: true, ignoreAttributes: true, trimValues: false, parseTagValue: false, ignoreDeclaration: true, ignorePiTags: true,
}));

function parseVocXmlFile(path: string): VOCNode {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new Error(`VOCDetection: cannot read annotation ${path}: ${(e as Error).message}`);
  }
  return parseVocXml(text);
}

function parseVocXml(text: string): VOCNode {
  const root = (xml().parse(text) as OrderedNode[]).find((n) => elementTag(n) !== null);
  if (root === undefined) throw new Error('parse_voc_xml: no root element');
  return vocNode(root);
}

const elementTag = (n: OrderedNode): string | null => Object.keys(n).find((k) => k !== '#text' && k !== ':@') ?? null;

/** parse_voc_xml of one element: { tag: text } for a leaf with text, {} for an empty leaf, else { tag: children }. */
function vocNode(node: OrderedNode): VOCNode {
  const tag = elementTag(node)!;
  const content = node[tag] as OrderedNode[];
  const children = content.filter((n) => elementTag(n) !== null);
  if (children.length === 0) {
    const texts = content.filter((n) => '#text' in n).map((n) => String(n['#text']));
    return texts.length === 0 ? {} : { [tag]: pythonStrip(texts.join('')) };
  }
  const byTag = new Map<string, VOCValue[]>();
  for (const child of children) {
    for (const [key, value] of Object.entries(vocNode(child))) {
      if (!byTag.has(key)) byTag.set(key, []);
      byTag.get(key)!.push(value);
    }
  }
  // torchvision keeps annotation.object a list, even of one or no objects.
  if (tag === 'annotation') byTag.set('object', [byTag.get('object') ?? []]);
  return { [tag]: Object.fromEntries([...byTag].map(([key, values]) => [key, values.length === 1 ? values[0]! : values])) };
}

/** Python's str.strip(): whitespace as Python counts it (the ASCII controls \x1c-\x1f too). */
function pythonStrip(s: string): string {
  return s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, '');
}

/**
 * PIL's Image.open of a segmentation PNG: a palette PNG's indices (what pil_to_tensor reads from a 'P'
 * image) as an 'L' image; any other file decoded as vision.Image.open decodes it.
 */
export function openSegmentationMask(path: string): Image {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (e) {
    throw new Error(`Image.open: cannot read ${path}: ${(e as Error).message}`);
  }
  return isPalettePng(bytes) ? decodePaletteIndices(bytes, path, 'openSegmentationMask') : Image.decode(bytes, { source: path });
}
