// torchvision.models._utils: IntermediateLayerGetter, the ModuleDict that runs a model's direct children
// in registration order and returns the outputs of the ones asked for, under new names.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { describe } from '../../options.js';

const { nn } = torch;
type Module = torch.nn.Module;

/**
 * The features an IntermediateLayerGetter returns (Python's OrderedDict): a plain object whose keys are
 * the new names, in the order the layers run. (JS lists integer-like keys such as '0', '1' first and in
 * ascending order whatever the insertion order; names in layer order, as torchvision's FPN uses, agree.)
 */
export type IntermediateFeatures = Record<string, Tensor>;

/**
 * Wraps `model` to return the activations of some of its direct children: `returnLayers` maps a child's
 * name to the name its output gets. The children up to the last one asked for are kept, in registration
 * order (torchvision's strong assumption: registered in the order forward uses them, each used once), and
 * run one after another; only direct children can be asked for (`layer4`, not `layer4.0`).
 */
export class IntermediateLayerGetter extends nn.ModuleDict {
  static override _version = 2;
  /** The child names asked for and their output names (Python's `return_layers`). */
  declare readonly returnLayers: Readonly<Record<string, string>>;

  constructor(model: Module, returnLayers: Readonly<Record<string, string>> | ReadonlyMap<string, string>) {
    const layers = IntermediateLayerGetter.#layers(model, returnLayers);
    const renamed = new Map(IntermediateLayerGetter.#entries(returnLayers));
    // the outputs are a plain object: its keys must keep layer order (JS lists integer-like keys first)
    const outNames = [...layers.keys()].filter((k) => renamed.has(k)).map((k) => renamed.get(k)!);
    const kept = outNames.filter((k) => k !== '__proto__');
    if (kept.length < outNames.length || Object.keys(Object.fromEntries(kept.map((k) => [k, 0]))).join('\0') !== outNames.join('\0'))
      throw new RangeError(`IntermediateLayerGetter: the output names ${JSON.stringify(outNames)} would not keep the layers' order as object keys (integer-like names sort first): rename them`);
    super(layers);
    Object.defineProperty(this, 'returnLayers', { value: Object.freeze(Object.fromEntries(renamed)), enumerable: false });
  }

  static #entries(returnLayers: unknown): [string, string][] {
    const entries = returnLayers instanceof Map ? [...(returnLayers as Map<unknown, unknown>)]
      : returnLayers !== null && typeof returnLayers === 'object' && !Array.isArray(returnLayers) ? Object.entries(returnLayers)
        : null;
    if (entries === null) throw new TypeError(`IntermediateLayerGetter: return_layers should be an object (or a Map) of layer name to output name, got ${describe(returnLayers)}`);
    for (const [k, v] of entries) {
      if (typeof v !== 'string') throw new TypeError(`IntermediateLayerGetter: return_layers['${String(k)}'] should be a string, got ${describe(v)}`);
    }
    return entries.map(([k, v]) => [String(k), v as string]);
  }

  static #layers(model: Module, returnLayers: unknown): Map<string, Module> {
    if (!(model instanceof nn.Module)) throw new TypeError(`IntermediateLayerGetter: model should be a Module, got ${describe(model)}`);
    const wanted = new Set(IntermediateLayerGetter.#entries(returnLayers).map(([k]) => k));
    const children = model.namedChildren();
    const names = new Set(children.map(([name]) => name));
    if (![...wanted].every((k) => names.has(k)))
      throw new RangeError(`return_layers are not present in model (${[...wanted].filter((k) => !names.has(k)).join(', ')} not among its children ${[...names].join(', ')})`);
    const layers = new Map<string, Module>();
    for (const [name, module] of children) {
      layers.set(name, module);
      wanted.delete(name);
      if (wanted.size === 0) break;
    }
    return layers;
  }

  /** Runs the kept children in order; the outputs of those in returnLayers, under their new names. */
  override forward(x: Tensor): IntermediateFeatures {
    const out: IntermediateFeatures = {};
    for (const [name, module] of this.items()) {
      x = module.call(x) as Tensor;
      if (Object.hasOwn(this.returnLayers, name)) out[this.returnLayers[name]!] = x;
    }
    return out;
  }
}

/**
 * Frees now (not at GC) the submodules of `model` that the modules in `kept` do not use, descending into
 * those they use in part: a builder's backbone loses its classifier head (and the blocks after the last
 * returned layer) to an IntermediateLayerGetter, as torchvision's builders drop them. Only for a model
 * the builder made itself: what it frees cannot run again.
 */
export function disposeUnusedModules(model: Module, kept: readonly Module[]): void {
  const used = new Set<Module>(kept.flatMap((m) => m.modules()));
  const visit = (parent: Module): void => {
    for (const child of parent.children()) {
      if (used.has(child)) continue;
      if (child.modules().some((m) => used.has(m))) visit(child);
      else child.dispose();
    }
  };
  visit(model);
}
