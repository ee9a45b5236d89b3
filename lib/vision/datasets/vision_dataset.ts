// torchvision.datasets.VisionDataset: the base of the vision datasets (root, transform, targetTransform).
import { Dataset } from '../../data/dataset.js';
import { expandUser } from '../../paths.js';
import { applyTransform, checkTransform, type TransformLike } from '../transforms/transform.js';
import { bindArgs } from '../../functional/args.js';
import { isOptionsObject } from '../../options.js';
import type { PyArgs } from '../../nn/functional/_signature.js';

/** The train option: true unless given, else a boolean. */
export function trainArg(owner: string, train: unknown): boolean {
  if (train === undefined) return true;
  if (typeof train !== 'boolean') throw new TypeError(`${owner}: train must be a boolean, got ${typeof train}`);
  return train;
}

/** A dataset constructor's arguments after its paths: a prefix of torchvision's positionals `P`, then optionally the options `O`. */
export type DatasetArgs<P extends readonly unknown[], O> = PyArgs<P, O | undefined>;

/**
 * A vision dataset's arguments after its paths bound as torchvision binds its constructor: `positional`
 * in its order, then one options object, which may also hold torchnode's own `extra` keys. Too many
 * positionals, an unknown key or a value given both ways is a TypeError (a transform given where the
 * options were expected is a positional, never a silently ignored options object).
 */
export function datasetOptions<O extends object>(owner: string, args: readonly unknown[], positional: readonly (keyof O & string)[], extra: readonly (keyof O & string)[] = []): O {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = n > 0 && isOptionsObject(args[n - 1]) ? args[n - 1] as Record<string, unknown> : null;
  // an option set to undefined is left out, as these constructors always took it (`{ transform: maybe }`)
  const bound = last === null ? args.slice(0, n) : [...args.slice(0, n - 1), Object.fromEntries(Object.entries(last).filter(([, v]) => v !== undefined))];
  return { ...bindArgs(owner, bound, [...positional, ...extra], { count: positional.length, after: 'the path' }) } as O;
}

/** The options every vision dataset takes. */
export interface VisionDatasetOptions {
  /** Applied to the image (a vision.Image) of each sample. */
  transform?: TransformLike | null;
  /** Applied to the target (the class index) of each sample. */
  targetTransform?: TransformLike | null;
}

// What restoreDataset hands the constructor it calls: taken once by that class's takeRestoredState().
let restoring: { cls: unknown; state: Record<string, unknown> } | null = null;

/**
 * In a DataLoader worker: `new (import(module)[name])(...args)`, its constructor adopting `state` (the
 * arrays the main thread loaded, in shared memory) instead of reading and checking its files again.
 */
export async function restoreDataset(module: string, name: string, args: unknown[], state: Record<string, unknown>): Promise<unknown> {
  const cls = ((await import(module)) as Record<string, unknown>)[name];
  if (typeof cls !== 'function') throw new TypeError(`DataLoader worker: module ${module} has no class '${name}'`);
  restoring = { cls, state };
  try {
    return new (cls as new (...a: unknown[]) => unknown)(...args);
  } finally {
    restoring = null;
  }
}

export abstract class VisionDataset<S = unknown, T = unknown> extends Dataset<[S, T]> {
  readonly root: string | null;
  transform: TransformLike | null;
  /** The constructor arguments, for workerSource(); null where they cannot cross threads. */
  protected workerArgs: unknown[] | null = null;
  targetTransform: TransformLike | null;

  constructor(root: string | null, options: VisionDatasetOptions, owner: string) {
    super();
    if (root !== null && typeof root !== 'string') throw new TypeError(`${owner}: root must be a path string, got ${typeof root}`);
    checkTransform(options.transform, owner, 'transform');
    checkTransform(options.targetTransform, owner, 'targetTransform');
    this.root = root === null ? null : expandUser(root);  // as torchvision's os.path.expanduser(root)
    this.transform = options.transform ?? null;
    this.targetTransform = options.targetTransform ?? null;
  }

  /**
   * How a DataLoader worker thread rebuilds this dataset: this module's class with the same constructor
   * arguments (transforms included: the built-in ones describe themselves the same way).
   */
  workerSource(): { module: string; export: string; args: unknown[] } {
    const cls = this.constructor as { name: string; sourceModule?: string };
    if (!Object.hasOwn(cls, 'sourceModule') || this.workerArgs === null) {
      throw new TypeError(`${cls.name} cannot be rebuilt in a DataLoader worker thread: give the class a workerSource() method ` +
        '({ module: import.meta.url, export: ClassName, args })');
    }
    const state = this.workerState();
    if (state === null) return { module: cls.sourceModule!, export: cls.name, args: this.workerArgs };
    return { module: import.meta.url, export: 'restoreDataset', args: [cls.sourceModule!, cls.name, this.workerArgs, state] };
  }

  /**
   * What a worker's copy adopts instead of loading its files (in-memory datasets: their arrays, moved
   * to shared memory, so N workers neither read, hash and decode them N times nor hold N copies); null: it loads them.
   */
  protected workerState(): Record<string, unknown> | null { return null; }

  /** The state restoreDataset is constructing this dataset with (once), or null for a normal construction. */
  protected takeRestoredState(): Record<string, unknown> | null {
    if (restoring === null || restoring.cls !== this.constructor) return null;
    const { state } = restoring;
    restoring = null;
    return state;
  }

  /** The raw sample at a checked, non-negative index. */
  protected abstract rawItem(index: number): [unknown, unknown];

  /** torchvision's extra_repr: the lines repr() prints after the root (MNIST and CIFAR: the split). */
  protected extraRepr(): string { return ''; }

  /** What repr(dataset) prints in torchvision: the class, the length, the root, extraRepr() and the transforms. */
  override toString(): string {
    const body = [`Number of datapoints: ${this.length}`];
    if (this.root !== null) body.push(`Root location: ${this.root}`);
    body.push(...this.extraRepr().split('\n').filter((line) => line !== ''));
    const joint = (this as { transforms?: unknown }).transforms;
    if (this.transform !== null || this.targetTransform !== null) body.push(standardTransformRepr(this.transform, this.targetTransform));
    else if (joint !== undefined && joint !== null) body.push(String(joint));
    // one entry per part, as Python's body: a multi-line transform repr is indented on its first line only
    return [`Dataset ${this.constructor.name}`, ...body.map((line) => `    ${line}`)].join('\n');
  }

  getItem(index: number): [S, T] {
    const [sample, target] = this.rawItem(this.checkIndex(index));
    const name = this.constructor.name;
    return [
      (this.transform ? applyTransform(this.transform, sample, name) : sample) as S,
      (this.targetTransform ? applyTransform(this.targetTransform, target, name) : target) as T,
    ];
  }

  /** Python's indexing rules: integers, negative from the end, IndexError as RangeError. */
  protected checkIndex(index: number): number {
    const n = this.length;
    if (!Number.isInteger(index)) throw new TypeError(`${this.constructor.name}.getItem: index must be an integer, got ${String(index)}`);
    const i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) throw new RangeError(`${this.constructor.name}.getItem: index ${index} is out of range for ${n} samples`);
    return i;
  }
}

/** torchvision's StandardTransform.__repr__: each transform's repr after its heading, continued lines aligned under it. */
function standardTransformRepr(transform: TransformLike | null, targetTransform: TransformLike | null): string {
  const body = ['StandardTransform'];
  const format = (t: TransformLike, head: string): string[] =>
    String(t).split('\n').map((line, i) => (i === 0 ? head : ' '.repeat(head.length)) + line);
  if (transform !== null) body.push(...format(transform, 'Transform: '));
  if (targetTransform !== null) body.push(...format(targetTransform, 'Target transform: '));
  return body.join('\n');
}
