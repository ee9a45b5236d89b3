// Pretrained weights, as torchvision's WeightsEnum: each entry names a file in the torch.hub cache
// (downloaded once, its SHA-256 prefix checked), the preprocessing it was trained with and its meta.
// The `weights` option of every model takes an entry, its name ('IMAGENET1K_V1', 'DEFAULT',
// 'ResNet18_Weights.IMAGENET1K_V1') or the path of a state-dict file.
import * as torch from '../../index.js';
import { loadStateDictFromUrl } from '../../hub.js';
import { describe } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { ImageClassification } from '../transforms/presets.js';
import type { InterpolationMode } from '../transforms/functional.js';

/** One entry of the generated table (scripts/make-vision-weights.py). */
export interface WeightsTableEntry {
  url: string;
  transforms: { cropSize: number; resizeSize: number; mean: readonly number[]; std: readonly number[]; interpolation: string; antialias: boolean | null };
  meta: {
    imagenetCategories: boolean; numParams: number; minSize: readonly number[]; acc1: number | null; acc5: number | null;
    gflops: number; fileSizeMB: number; recipe: string; license?: string;
  };
}
export type WeightsTable = readonly { name: string; builder: string; default: string; entries: Readonly<Record<string, WeightsTableEntry>> }[];

/** What torchvision's `weights.meta` holds, in camelCase (`_metrics`, `_ops`, `_file_size` without the underscore). */
export interface WeightsMeta {
  categories: readonly string[] | null;
  numParams: number;
  minSize: readonly number[];
  recipe: string;
  metrics: { 'ImageNet-1K': { 'acc@1': number | null; 'acc@5': number | null } };
  /** GFLOPS of one forward pass at the preset's crop size. */
  ops: number;
  /** The file's size in MB. */
  fileSize: number;
  license?: string;
}

export interface GetStateDictOptions { progress?: boolean; checkHash?: boolean }

/** One pretrained weights entry (a member of a `<Model>_Weights` enum). */
export class Weights {
  readonly meta: WeightsMeta;
  constructor(readonly enumName: string, readonly name: string, readonly url: string, private readonly preset: WeightsTableEntry['transforms'],
    meta: WeightsTableEntry['meta'], categories: readonly string[]) {
    this.meta = {
      categories: meta.imagenetCategories ? categories : null, numParams: meta.numParams, minSize: meta.minSize, recipe: meta.recipe,
      metrics: { 'ImageNet-1K': { 'acc@1': meta.acc1, 'acc@5': meta.acc5 } }, ops: meta.gflops, fileSize: meta.fileSizeMB,
      ...(meta.license === undefined ? {} : { license: meta.license }),
    };
    Object.freeze(this);
  }
  /** The preprocessing these weights expect (torchvision's ImageClassification preset). */
  transforms(): ImageClassification {
    const { cropSize, resizeSize, mean, std, interpolation, antialias } = this.preset;
    return new ImageClassification({ cropSize, resizeSize, mean, std, interpolation: interpolation as InterpolationMode, antialias });
  }
  /** The state dict, from the torch.hub cache (downloaded the first time; torchvision's builders check the hash). */
  getStateDict(options: GetStateDictOptions = {}): Record<string, Tensor> {
    return loadStateDictFromUrl(this.url, { progress: options.progress ?? true, checkHash: options.checkHash ?? false, weightsOnly: true }) as Record<string, Tensor>;
  }
  toString(): string { return `${this.enumName}.${this.name}`; }
}

/** What every `<Model>_Weights` enum has: DEFAULT, its entries in order, and verify() (torchvision's WeightsEnum.verify). */
export interface AnyWeightsEnum {
  readonly enumName: string;
  readonly DEFAULT: Weights;
  /** The entries, DEFAULT not repeated (Python's `list(ResNet50_Weights)`). */
  members(): Weights[];
  /** An entry, or its name with or without the enum's ('IMAGENET1K_V1', 'DEFAULT', 'ResNet18_Weights.DEFAULT'); null stays null. */
  verify(obj: Weights | string | null | undefined): Weights | null;
}
/** A `<Model>_Weights` enum with its entries `N` by name. */
export type WeightsEnum<N extends string> = AnyWeightsEnum & { readonly [K in N]: Weights };

/** The enum of one table row. */
export function weightsEnum<N extends string>(row: { name: string; default: string; entries: Readonly<Record<N, WeightsTableEntry>> }, categories: readonly string[]): WeightsEnum<N> {
  const entries = Object.entries(row.entries) as [N, WeightsTableEntry][];
  const members = entries.map(([name, e]) => new Weights(row.name, name, e.url, e.transforms, e.meta, categories));
  const byName = new Map<string, Weights>(members.map((w) => [w.name, w]));
  const enumObject: Record<string, unknown> = Object.fromEntries(byName);
  enumObject.DEFAULT = byName.get(row.default);
  enumObject.enumName = row.name;
  enumObject.members = () => [...members];
  enumObject.verify = (obj: unknown): Weights | null => {
    if (obj === null || obj === undefined) return null;
    if (obj instanceof Weights) {
      if (!members.includes(obj)) throw new TypeError(`Invalid Weight class provided; expected ${row.name} but received ${obj.enumName}.`);
      return obj;
    }
    if (typeof obj !== 'string') throw new TypeError(`${row.name}: expected a weights entry or its name, got ${describe(obj)}`);
    const name = obj.startsWith(`${row.name}.`) ? obj.slice(row.name.length + 1) : obj;
    const w = name === 'DEFAULT' ? byName.get(row.default) : byName.get(name);
    if (w === undefined) throw new RangeError(`${row.name} has no entry '${name}' (it has ${[...byName.keys(), 'DEFAULT'].join(', ')})`);
    return w;
  };
  return Object.freeze(enumObject) as WeightsEnum<N>;
}

/** The `weights` and `progress` options every model builder takes. */
export interface WeightsOptions {
  /** Pretrained weights: an entry of the model's `_Weights` enum, its name ('DEFAULT'), or a state-dict file's path. */
  weights?: Weights | string | null;
  /** A progress bar on stderr while the weights download (default true). */
  progress?: boolean;
}

/** A weights string that names an enum entry rather than a file: no path separator or file extension. */
const ENTRY_NAME = /^(?:[A-Za-z0-9_]+_Weights\.)?[A-Z][A-Z0-9_]*$/;

/**
 * The builder's options with `weights` resolved against its enum and the parameters the entry fixes
 * checked or filled in (torchvision's _ovewrite_named_param: numClasses from the categories, and `fixed`).
 */
export function resolveWeights<O extends WeightsOptions & { numClasses?: number }>(weightsEnum: AnyWeightsEnum, options: O, fixed: (w: Weights) => Partial<O> = () => ({})): O {
  const given = options.weights;
  if (given === undefined || given === null || (typeof given === 'string' && !ENTRY_NAME.test(given))) return options;
  const w = weightsEnum.verify(given)!;
  const wanted: Partial<O> = { ...(w.meta.categories === null ? {} : { numClasses: w.meta.categories.length }), ...fixed(w) } as Partial<O>;
  for (const [k, v] of Object.entries(wanted)) {
    const actual = (options as Record<string, unknown>)[k];
    if (actual !== undefined && actual !== v) throw new RangeError(`The parameter '${k}' expected value ${String(v)} but got ${String(actual)} instead.`);
  }
  return { ...options, ...wanted, weights: w };
}

/**
 * Loads `weights` (an entry: from the hub cache, its hash checked on download; a string: a state-dict
 * file) into `model`, renaming keys with `renameKey` where torchvision's old files differ; the loaded
 * tensors are freed once copied.
 */
export function loadWeights(model: torch.nn.Module, weights: Weights | string, progress = true, renameKey: (key: string) => string = (key) => key): void {
  if (typeof weights === 'string' && ENTRY_NAME.test(weights))
    throw new TypeError(`${model.constructor.name}: weights '${weights}' names an entry: pass the enum's entry (for example ResNet50_Weights.DEFAULT) or build the model with its function (resnet50({ weights: 'DEFAULT' })), which resolves names`);
  const state = weights instanceof Weights ? weights.getStateDict({ progress, checkHash: true }) : (torch.load(weights, { weightsOnly: true }) as Record<string, Tensor>);
  try {
    model.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [renameKey(k), v])));
  } finally {
    for (const t of Object.values(state)) if (torch.isTensor(t)) t.dispose();
  }
}
