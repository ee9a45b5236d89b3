// Pretrained weights, as torchvision's WeightsEnum: each entry names a file in the torch.hub cache
// (downloaded once, its SHA-256 prefix checked), the preprocessing it was trained with and its meta.
// The `weights` option of every model takes an entry, its name ('IMAGENET1K_V1', 'DEFAULT',
// 'ResNet18_Weights.IMAGENET1K_V1') or the path of a state-dict file.
import * as torch from '../../index.js';
import { loadStateDictFromUrl } from '../../hub.js';
import { describe } from '../../options.js';
import { warn } from '../../warnings.js';
import { KeyError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { ImageClassification, ObjectDetection, SemanticSegmentation } from '../transforms/presets.js';
import type { InterpolationMode } from '../transforms/functional.js';

/** The preprocessing of one entry: ImageClassification's keywords, SemanticSegmentation's (kind 'segmentation'), or ObjectDetection (kind 'detection', no keywords). */
export type WeightsPreset =
  | { kind?: undefined; cropSize: number; resizeSize: number; mean: readonly number[]; std: readonly number[]; interpolation: string; antialias: boolean | null }
  | { kind: 'segmentation'; resizeSize: number | null; mean: readonly number[]; std: readonly number[]; interpolation: string; antialias: boolean | null }
  | { kind: 'detection' };

/** One entry of the generated table (scripts/make-vision-weights.py). */
export interface WeightsTableEntry {
  url: string;
  transforms: WeightsPreset;
  meta: {
    /** Which shared list the enum's categories are (null: no classifier, as VGG16's feature weights). */
    categories: string | null; numParams: number; minSize: readonly number[];
    metrics: Readonly<Record<string, Readonly<Record<string, number | null>>>>;
    gflops: number; fileSizeMB: number; recipe: string; license?: string;
    /** torchvision's `_docs` (the detection entries carry it). */
    docs?: string;
    /** torchvision's `keypoint_names` (the Keypoint R-CNN entries). */
    keypointNames?: readonly string[];
  };
}
export type WeightsTable = readonly { name: string; builder: string; default: string; entries: Readonly<Record<string, WeightsTableEntry>> }[];

/** What torchvision's `weights.meta` holds, in camelCase (`_metrics`, `_ops`, `_file_size` without the underscore). */
export interface WeightsMeta {
  categories: readonly string[] | null;
  numParams: number;
  minSize: readonly number[];
  recipe: string;
  /** By dataset, as torchvision's `_metrics`: `metrics['ImageNet-1K']['acc@1']`, `metrics['COCO-val2017-VOC-labels'].miou`. */
  metrics: Readonly<Record<string, Readonly<Record<string, number | null>>>>;
  /** GFLOPS of one forward pass at the preset's crop size. */
  ops: number;
  /** The file's size in MB. */
  fileSize: number;
  license?: string;
  /** How the weights were trained, as torchvision's `_docs` (the detection entries; the others' tables leave it out). */
  docs?: string;
  /** The keypoints' names, in the order of the model's outputs (torchvision's `keypoint_names`: the Keypoint R-CNN entries). */
  keypointNames?: readonly string[];
}

export interface GetStateDictOptions { progress?: boolean; checkHash?: boolean }

/** The presets an entry's transforms() can be. */
export type WeightsTransforms = ImageClassification | SemanticSegmentation | ObjectDetection;
/** Any entry, whatever its preset: what the generic functions take. */
export type AnyWeights = Weights<WeightsTransforms>;

/** One pretrained weights entry (a member of a `<Model>_Weights` enum); P: its transforms() preset, as its enum's kind says. */
export class Weights<P extends WeightsTransforms = ImageClassification> {
  readonly meta: WeightsMeta;
  constructor(readonly enumName: string, readonly name: string, readonly url: string, private readonly preset: WeightsPreset,
    meta: WeightsTableEntry['meta'], categories: readonly string[]) {
    this.meta = {
      categories: meta.categories !== null ? categories : null, numParams: meta.numParams, minSize: meta.minSize, recipe: meta.recipe,
      metrics: meta.metrics, ops: meta.gflops, fileSize: meta.fileSizeMB,
      ...(meta.license === undefined ? {} : { license: meta.license }),
      ...(meta.docs === undefined ? {} : { docs: meta.docs }),
      ...(meta.keypointNames === undefined ? {} : { keypointNames: meta.keypointNames }),
    };
    Object.freeze(this);
  }
  /** The preprocessing these weights expect (torchvision's ImageClassification, SemanticSegmentation or ObjectDetection preset). */
  transforms(): P {
    const p = this.preset;
    if (p.kind === 'detection') return new ObjectDetection() as P;
    const common = { mean: p.mean, std: p.std, interpolation: p.interpolation as InterpolationMode, antialias: p.antialias };
    return (p.kind === 'segmentation' ? new SemanticSegmentation({ resizeSize: p.resizeSize, ...common })
      : new ImageClassification({ cropSize: p.cropSize, resizeSize: p.resizeSize, ...common })) as P;
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
  readonly DEFAULT: AnyWeights;
  /** The entries, DEFAULT not repeated (Python's `list(ResNet50_Weights)`). */
  members(): AnyWeights[];
  /** An entry, or its name with or without the enum's ('IMAGENET1K_V1', 'DEFAULT', 'ResNet18_Weights.DEFAULT'); null stays null. */
  verify(obj: AnyWeights | string | null | undefined): AnyWeights | null;
}
/** A `<Model>_Weights` enum with its entries `N` by name, their preset P. */
export type WeightsEnum<N extends string, P extends WeightsTransforms = ImageClassification> =
  { readonly DEFAULT: Weights<P>; members(): Weights<P>[] } & { readonly [K in N]: Weights<P> } & AnyWeightsEnum;

/** The enum of one table row. */
export function weightsEnum<N extends string>(row: { name: string; default: string; entries: Readonly<Record<N, WeightsTableEntry>> }, categories: readonly string[]): WeightsEnum<N> {
  return makeWeightsEnum(row, categories);
}

/** The enum of one table row of semantic segmentation weights (transforms(): SemanticSegmentation). */
export function segmentationWeightsEnum<N extends string>(row: { name: string; default: string; entries: Readonly<Record<N, WeightsTableEntry>> }, categories: readonly string[]): WeightsEnum<N, SemanticSegmentation> {
  return makeWeightsEnum(row, categories);
}

/** The enum of one table row of object detection weights (transforms(): ObjectDetection). */
export function detectionWeightsEnum<N extends string>(row: { name: string; default: string; entries: Readonly<Record<N, WeightsTableEntry>> }, categories: readonly string[]): WeightsEnum<N, ObjectDetection> {
  return makeWeightsEnum(row, categories);
}

function makeWeightsEnum<N extends string, P extends WeightsTransforms>(row: { name: string; default: string; entries: Readonly<Record<N, WeightsTableEntry>> }, categories: readonly string[]): WeightsEnum<N, P> {
  const entries = Object.entries(row.entries) as [N, WeightsTableEntry][];
  const members = entries.map(([name, e]) => new Weights<P>(row.name, name, e.url, e.transforms, e.meta, categories));
  const byName = new Map<string, Weights<P>>(members.map((w) => [w.name, w]));
  const enumObject: Record<string, unknown> = Object.fromEntries(byName);
  enumObject.DEFAULT = byName.get(row.default);
  enumObject.enumName = row.name;
  enumObject.members = () => [...members];
  enumObject.verify = (obj: unknown): Weights<P> | null => {
    if (obj === null || obj === undefined) return null;
    if (obj instanceof Weights) {
      if (!members.includes(obj as Weights<P>)) throw new TypeError(`Invalid Weight class provided; expected ${row.name} but received ${obj.enumName}.`);
      return obj as Weights<P>;
    }
    if (typeof obj !== 'string') throw new TypeError(`${row.name}: expected a weights entry or its name, got ${describe(obj)}`);
    const name = obj.startsWith(`${row.name}.`) ? obj.slice(row.name.length + 1) : obj;
    const w = name === 'DEFAULT' ? byName.get(row.default) : byName.get(name);
    if (w === undefined) throw new KeyError(`${row.name} has no entry '${name}' (it has ${[...byName.keys(), 'DEFAULT'].join(', ')})`); // Python: KeyError('FOO')
    return w;
  };
  return Object.freeze(enumObject) as WeightsEnum<N, P>;
}

/** The `weights` and `progress` options every model builder takes. */
export interface WeightsOptions {
  /** Pretrained weights: an entry of the model's `_Weights` enum, its name ('DEFAULT'), or a state-dict file's path. */
  weights?: AnyWeights | string | null;
  /** A progress bar on stderr while the weights download (default true). */
  progress?: boolean;
  /** Deprecated in torchvision 0.13 (warns there and here): true is the model's first ImageNet (or COCO) entry, false none. */
  pretrained?: boolean;
}

// The entry torchvision's handle_legacy_interface maps `pretrained=True` to, the first of these the enum has
// (none: "No weights available", as for vit_h_14 and regnet_y_128gf there).
const LEGACY_PRETRAINED_ENTRIES = ['IMAGENET1K_V1', 'COCO_V1', 'COCO_WITH_VOC_LABELS_V1', 'KINETICS400_V1'];

/**
 * torchvision's deprecated `pretrained` option (handle_legacy_interface): true is the enum's legacy
 * entry, false no weights, each with torchvision's two deprecation warnings; with `weights` too it is
 * the unexpected keyword it is there.
 */
export function legacyPretrained<O extends WeightsOptions>(weightsEnum: AnyWeightsEnum, options: O): O {
  if (options === null || typeof options !== 'object' || !Object.hasOwn(options, 'pretrained')) return options;
  const { pretrained, ...rest } = options as O & { pretrained?: unknown };
  if (rest.weights !== undefined) throw new TypeError("unexpected option 'pretrained' next to 'weights' (torchvision: got an unexpected keyword argument 'pretrained')");
  if (typeof pretrained !== 'boolean') throw new TypeError(`pretrained must be a boolean, got ${describe(pretrained)}`);
  const legacy = pretrained ? (weightsEnum.members().find((w) => w.name === LEGACY_PRETRAINED_ENTRIES.find((n) => weightsEnum.members().some((m) => m.name === n))) ?? null) : null;
  if (pretrained && legacy === null) throw new RangeError(`No weights available for model ${weightsEnum.enumName.replace(/_Weights$/, '').toLowerCase()}`);
  warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, please use 'weights' instead.");
  warn("Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed in the future. " +
    `The current behavior is equivalent to passing \`weights=${legacy === null ? 'None' : String(legacy)}\`.` +
    (legacy === null ? '' : ` You can also use \`weights=${weightsEnum.enumName}.DEFAULT\` to get the most up-to-date weights.`));
  return { ...rest, weights: legacy } as O;
}

/** A weights string that names an enum entry rather than a file: no path separator or file extension. */
const ENTRY_NAME = /^(?:[A-Za-z0-9_]+_Weights\.)?[A-Z][A-Z0-9_]*$/;

/**
 * The builder's options with `weights` resolved against its enum and the parameters the entry fixes
 * checked or filled in (torchvision's _ovewrite_named_param: numClasses from the categories, and `fixed`).
 */
export function resolveWeights<O extends WeightsOptions & { numClasses?: number }>(weightsEnum: AnyWeightsEnum, options: O, fixed: (w: AnyWeights) => Partial<O> = () => ({})): O {
  options = legacyPretrained(weightsEnum, options);
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
export function loadWeights(model: torch.nn.Module, weights: AnyWeights | string, progress = true, renameKey: (key: string) => string = (key) => key): void {
  if (typeof weights === 'string' && ENTRY_NAME.test(weights))
    throw new TypeError(`${model.constructor.name}: weights '${weights}' names an entry: pass the enum's entry (for example ResNet50_Weights.DEFAULT) or build the model with its function (resnet50({ weights: 'DEFAULT' })), which resolves names`);
  const state = weights instanceof Weights ? weights.getStateDict({ progress, checkHash: true }) : (torch.load(weights, { weightsOnly: true }) as Record<string, Tensor>);
  try {
    model.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [renameKey(k), v])));
  } finally {
    for (const t of Object.values(state)) if (torch.isTensor(t)) t.dispose();
  }
}
