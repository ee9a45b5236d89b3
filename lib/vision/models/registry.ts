// torchvision.models' registry: listModels, getModel, getModelWeights and getWeight, over every builder.
import type * as torch from '../../index.js';
import { describe, readOptions } from '../../options.js';
import * as alexnet from './alexnet.js';
import * as convnext from './convnext.js';
import * as densenet from './densenet.js';
import * as detection from './detection/index.js';
import * as efficientnet from './efficientnet.js';
import * as googlenet from './googlenet.js';
import * as inception from './inception.js';
import * as maxvit from './maxvit.js';
import * as mnasnet from './mnasnet.js';
import * as mobilenetV2 from './mobilenet_v2.js';
import * as mobilenetV3 from './mobilenet_v3.js';
import * as regnet from './regnet.js';
import * as resnet from './resnet.js';
import * as segmentation from './segmentation/index.js';
import * as shufflenetV2 from './shufflenet_v2.js';
import * as squeezenet from './squeezenet.js';
import * as swinTransformer from './swin_transformer.js';
import * as vgg from './vgg.js';
import * as visionTransformer from './vision_transformer.js';
import type { AnyWeights, AnyWeightsEnum } from './weights.js';
import { WEIGHTS_BY_BUILDER } from './weights_table.js';

type Builder = (options?: object) => torch.nn.Module;
const MODULES: readonly object[] = [alexnet, convnext, densenet, detection, efficientnet, googlenet, inception, maxvit, mnasnet, mobilenetV2, mobilenetV3, regnet, resnet,
  segmentation, shufflenetV2, squeezenet, swinTransformer, vgg, visionTransformer];
// Every builder has a weights enum, so the table's builder names are the registry's.
const BUILDERS = new Map<string, Builder>(Object.keys(WEIGHTS_BY_BUILDER).map((name) => {
  const found = MODULES.map((m) => (m as Record<string, unknown>)[name]).find((f) => typeof f === 'function');
  if (found === undefined) throw new Error(`vision.models: no builder named ${name}`);
  return [name, found as Builder];
}));

/** fnmatch's glob (`*`, `?`, `[...]`) as a whole-name regex. */
function glob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^');
  return new RegExp(`^${body}$`);
}

export interface ListModelsOptions {
  /** Only the builders of this namespace: vision.models (classification), vision.models.detection or vision.models.segmentation. */
  module?: object | null;
  include?: string | readonly string[] | null;
  exclude?: string | readonly string[] | null;
}

// The namespace a builder belongs to, as torchvision's list_models(module) tells them apart by the builder's package.
const CLASSIFICATION = {};
const namespaceOf = (name: string): object => ([detection, segmentation] as object[]).find((m) => name in m) ?? CLASSIFICATION;
// A namespace object is known by its functions (module wrappers need not be the same object): listModels is
// vision.models' own, and detection and segmentation are known by one of their builders.
function namespaceOption(module: unknown): object | null {
  if (module == null) return null;
  const has = (key: string, fn: unknown): boolean => typeof module === 'object' && (module as Record<string, unknown>)[key] === fn;
  if (has('fasterrcnn_resnet50_fpn', detection.fasterrcnn_resnet50_fpn)) return detection;
  if (has('fcn_resnet50', segmentation.fcn_resnet50)) return segmentation;
  if (has('listModels', listModels)) return CLASSIFICATION;
  throw new TypeError(`listModels: module must be vision.models, vision.models.detection or vision.models.segmentation, got ${describe(module)}`);
}

/** The builders' names, sorted; `module` keeps one namespace's, `include`/`exclude` filter them with glob patterns, as torchvision's list_models. */
export function listModels(options: ListModelsOptions = {}): string[] {
  const o = readOptions('listModels', options, ['module', 'include', 'exclude']) as ListModelsOptions;
  const module = namespaceOption(o.module);
  const patterns = (p: string | readonly string[] | null | undefined): RegExp[] => (p == null ? [] : (typeof p === 'string' ? [p] : [...p]).map(glob));
  const include = patterns(o.include), exclude = patterns(o.exclude);
  return [...BUILDERS.keys()].sort()
    .filter((n) => module === null || namespaceOf(n) === module)
    .filter((n) => include.length === 0 || include.some((r) => r.test(n)))
    .filter((n) => !exclude.some((r) => r.test(n)));
}

function builderName(fn: string, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${fn}: expected a model name, got ${describe(name)}`);
  const key = name.toLowerCase();
  if (!BUILDERS.has(key)) throw new RangeError(`Unknown model ${name}`);
  return key;
}

/** The model built by its name with the builder's options (`getModel('resnet50', { weights: 'DEFAULT' })`). */
export function getModel(name: string, options: object = {}): torch.nn.Module {
  return BUILDERS.get(builderName('getModel', name))!(options);
}

/** The builder function of a model by its name, as torchvision's get_model_builder. */
export function getModelBuilder(name: string): Builder {
  return BUILDERS.get(builderName('getModelBuilder', name))!;
}

/** The weights enum of a builder, by its name or the builder itself. */
export function getModelWeights(name: string | ((options?: never) => torch.nn.Module)): AnyWeightsEnum {
  const key = typeof name === 'function' ? [...BUILDERS].find(([, b]) => b === name)?.[0] : builderName('getModelWeights', name);
  if (key === undefined) throw new RangeError('getModelWeights: not a vision.models builder');
  return WEIGHTS_BY_BUILDER[key]!;
}

/** A weights entry by its full name ('ResNet50_Weights.IMAGENET1K_V2', or '.DEFAULT'). */
export function getWeight(name: string): AnyWeights {
  if (typeof name !== 'string') throw new TypeError(`getWeight: expected '<Enum>.<ENTRY>', got ${describe(name)}`);
  // Python's ValueErrors (RangeErrors here); an unknown entry is verify's KeyError
  if (!name.includes('.')) throw new RangeError(`Invalid weight name provided: '${name}'.`);
  const [enumName] = name.split('.');
  const e = Object.values(WEIGHTS_BY_BUILDER).find((w) => w.enumName === enumName);
  if (e === undefined) throw new RangeError(`The weight enum '${enumName}' for the specific method couldn't be retrieved.`);
  return e.verify(name)!;
}
