// transforms.v2's per-type fill (torchvision 0.28's _setup_fill_arg and _get_fill): a fill may be one
// value for every input, or a dict from input types to values with an optional "others" key. Here the
// dict is a plain object keyed by the kinds' names ({ Image: 127, Mask: 255, others: 0 }), or a Map
// whose keys are those names, the tv_tensors classes, torch.Tensor (plain tensors) or vision.Image
// (PIL images, the name 'PIL'); a Map is kept as the plain object, so a DataLoader worker rebuilds it.
import * as torch from '../../../index.js';
import { describe, isOptionsObject } from '../../../options.js';
import { Image } from '../../image.js';
import { isPureTensor, kindOf, type TVTensorKind } from '../../tv_tensors.js';
import { copied } from '../_repr.js';
import type { Transform } from '../transform.js';

/** One fill value: a number, one number per channel, or null (no fill: v2's None, which is not 0 for the grid transforms' images). */
export type FillValue = number | readonly number[] | null;
/** The names a per-type fill is keyed by: the tv_tensors kinds, 'Tensor' (plain tensors), 'PIL' (vision.Image) and 'others'. */
export type FillKey = TVTensorKind | 'Tensor' | 'PIL' | 'others';
/** A per-type fill (Python's `fill={tv_tensors.Image: 127, tv_tensors.Mask: 255, "others": 0}`): a kind without a key takes 'others', else null. */
export type FillDict = { readonly [K in FillKey]?: FillValue };
/** The keys of a per-type fill given as a Map: the names, the tv_tensors classes, torch.Tensor or vision.Image. */
export type FillMapKey = FillKey | { readonly kind: TVTensorKind } | typeof torch.Tensor | typeof Image;
/** A v2 transform's fill option: one value for every input (null: v2's None), or one per type of input. */
export type FillOption<V = FillValue> = V | null | FillDict | ReadonlyMap<FillMapKey, FillValue>;

/** A v1 class's options with v2's fill: one value (`V`) or one per type of input. */
export type OptionsWithFill<O, V = FillValue> = Omit<O, 'fill'> & { fill?: FillOption<V> };
/** A positional fill: one value (`V`), or a per-type fill as a Map (a plain object last reads as the options). */
export type FillArg<V = FillValue> = V | null | ReadonlyMap<FillMapKey, FillValue>;

/** Whether a fill option is a per-type one (a Map, or a plain object). */
export const isFillDict = (fill: unknown): boolean => fill instanceof Map || isOptionsObject(fill);

/** The name of a Map key: a tv_tensors class's kind, 'Tensor', 'PIL', a string as it is; null for anything else (never matched, as torchvision ignores it). */
function keyName(k: unknown): string | null {
  if (typeof k === 'string') return k;
  if (k === torch.Tensor) return 'Tensor';
  if (k === Image) return 'PIL';
  if (typeof k === 'function' && typeof (k as { kind?: unknown }).kind === 'string') return (k as unknown as { kind: string }).kind;
  return null;
}

/** One value of a fill (torchvision's _check_fill_arg and _convert_fill_arg): null, a number, or a copy of a list of numbers. */
function checkValue(fn: string, v: unknown): number | number[] | null {
  const value = v === null || typeof v === 'number' ? v : Array.isArray(v) && v.every((x) => typeof x === 'number') ? [...(v as number[])] : undefined;
  if (value === undefined) throw new TypeError(`${fn}: Got inappropriate fill arg, only Numbers, tuples, lists and dicts are allowed. Got ${describe(v)}.`);
  return value;
}

/**
 * A per-type fill as its transform keeps it: a plain object with the values checked (torchvision's
 * _setup_fill_arg checks the values, not the keys: keys naming no type are kept and never match).
 */
export function setupFillDict(fn: string, fill: unknown): FillDict {
  const entries: [unknown, unknown][] = fill instanceof Map ? [...fill.entries()] : Object.entries(fill as object);
  const out: Record<string, number | number[] | null> = {};
  for (const [k, v] of entries) {
    const name = keyName(k);
    const value = checkValue(fn, v);
    if (name !== null) out[name] = value;
  }
  return out;
}

/** The key an input is looked up by: its tv_tensor kind, 'PIL' for a vision.Image, 'Tensor' for a plain tensor. */
export function fillKeyOf(inpt: unknown): FillKey | null {
  if (inpt instanceof Image) return 'PIL';
  if (isPureTensor(inpt)) return 'Tensor';
  return kindOf(inpt);
}

/** torchvision's _get_fill: the value for the input's exact type (`key`), else 'others', else null (a copy the caller may keep). */
export function fillOf(fills: FillDict, key: FillKey | null): number | number[] | null {
  const v = key !== null && Object.hasOwn(fills, key) ? fills[key]! : Object.hasOwn(fills, 'others') ? fills.others! : null;
  return v === null || typeof v === 'number' ? v : [...v];
}

/** The fill of one input: _get_fill(fill, type(inpt)). */
export const fillFor = (fills: FillDict, inpt: unknown): number | number[] | null => fillOf(fills, fillKeyOf(inpt));

/**
 * A v1 class's constructor arguments with a per-type fill taken out (the option `fill`, or the
 * positional at `index`) and `placeholder` in its place, for the v1 constructor's checks; the fill
 * taken out, or undefined where the fill is one value.
 */
function takeFillDict(args: readonly unknown[], index: number, placeholder: unknown, listsToo: boolean): [args: unknown[], fill: unknown] {
  const out = [...args];
  const last = out.length > 0 ? out[out.length - 1] : undefined;
  // null too: v2's fill=None ({"others": None}), which v1's checks refuse; and lists where v1 refuses them
  const taken = (fill: unknown): boolean => isFillDict(fill) || fill === null || (listsToo && Array.isArray(fill));
  if (isOptionsObject(last) && taken(last.fill)) {
    out[out.length - 1] = { ...last, fill: placeholder };
    return [out, last.fill];
  }
  if (index < out.length && (out[index] instanceof Map || (!isOptionsObject(out[index]) && taken(out[index])))) {  // a positional plain object is the options
    const fill = out[index];
    out[index] = placeholder;
    return [out, fill];
  }
  return [out, undefined];
}

/** What a v2 class on a v1 class adds: its per-type fill. */
export interface PerTypeFill {
  /** torchvision's _fill: the fill per type of input ({ others: fill } for one fill; a per-type fill leaves v1's `fill` at its default). */
  readonly fillDict: FillDict;
  /** @internal The fill as v2's repr shows it: as given, undefined for a per-type one (a dict, which the repr leaves out). */
  readonly fillRepr: unknown;
}

/**
 * A v1 class whose fill (the constructor's argument at `index`, or the option `fill`) may be one per
 * type of input: the v1 constructor checks the rest with `placeholder` (v1's default) in its place;
 * the mapping is checked, kept in `fillDict`, shown in the repr and given to a worker as the option
 * `fill` (a plain object last would read as the options). `listsToo`: one list is taken out as well,
 * for v1 classes that take one number (Pad, RandomCrop) where v2 pads each channel with its value.
 */
export function withPerTypeFill<C extends abstract new (...args: any[]) => Transform & { readonly fill: FillValue }>(Base: C, index: number, placeholder: number | null, listsToo = false): (abstract new (...args: any[]) => PerTypeFill) & C {
  abstract class WithPerTypeFill extends Base {
    readonly fillDict: FillDict;
    readonly #fillGiven: unknown;
    constructor(...args: any[]) {
      const [v1Args, given] = takeFillDict(args, index, placeholder, listsToo);
      super(...v1Args);
      const last: unknown = args[args.length - 1];
      const fillGiven = given !== undefined ? given : isOptionsObject(last) && last.fill !== undefined ? last.fill
        : args[index] !== undefined && !isOptionsObject(args[index]) ? args[index] : placeholder;
      this.#fillGiven = isFillDict(fillGiven) ? undefined : copied(fillGiven);  // a copy: the caller's list may change; a dict is not shown
      if (given === undefined) {
        this.fillDict = { others: this.fill };
      } else {
        this.fillDict = isFillDict(given) ? setupFillDict(this.constructor.name, given) : { others: checkValue(this.constructor.name, given) };
        const workerArgs = [...(this.workerArgs ?? [])];
        workerArgs[index] = undefined;  // a positional undefined reads as the default; the option sets it
        // the dict as kept; one value (a list, or null) as given, so that the worker's repr shows it as this one does
        this.workerArgs = [...workerArgs, { fill: isFillDict(given) ? this.fillDict : copied(this.fillDict.others) }];
      }
    }
    get fillRepr(): unknown { return this.#fillGiven; }
  }
  return WithPerTypeFill;
}

