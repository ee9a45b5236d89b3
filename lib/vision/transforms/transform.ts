// The transform protocol: torchvision's transforms are callables (nn.Modules); here a transform is a
// plain function, a Transform (`call`/`forward`), or anything with `call` such as an nn.Module.
import { describe } from '../../options.js';

/** Anything that can stand where torchvision takes a transform callable. */
export type TransformLike<I = any, O = any> = ((input: I) => O) | { call(input: I): O };

/** How a DataLoader worker thread rebuilds an object: `new (await import(module))[export](...args)`. */
export interface WorkerSource { module: string; export: string; args: unknown[] }

/**
 * Base class of vision.transforms: `t.call(x)` (Python's `t(x)`) runs `forward(x)`.
 * Built-in transforms describe themselves with workerSource() (their module, class and constructor
 * arguments), so a DataLoader with numWorkers > 0 can rebuild them in its worker threads.
 */
export abstract class Transform<I = any, O = any> {
  /** The constructor arguments, for workerSource(); null where they cannot cross threads. */
  protected workerArgs: unknown[] | null = null;
  abstract forward(input: I): O;
  call(input: I): O { return this.forward(input); }

  workerSource(): WorkerSource {
    const cls = this.constructor as { name: string; sourceModule?: string };
    if (!Object.hasOwn(cls, 'sourceModule') || this.workerArgs === null) {
      throw new TypeError(`${cls.name} cannot be rebuilt in a DataLoader worker thread: give the class a workerSource() method ` +
        '({ module: import.meta.url, export: ClassName, args })');
    }
    return { module: cls.sourceModule!, export: cls.name, args: this.workerArgs };
  }
}

/** Runs a TransformLike on `input`; `owner` names the caller when `transform` is not callable. */
export function applyTransform<I, O>(transform: TransformLike<I, O>, input: I, owner: string): O {
  if (typeof transform === 'function') return transform(input);
  if (transform !== null && typeof transform === 'object' && typeof (transform as { call?: unknown }).call === 'function') {
    return transform.call(input);
  }
  throw new TypeError(`${owner}: a transform must be a function or have a call(input) method, got ${describe(transform)}`);
}

/** Checks at construction time that `transform` is usable (null/undefined allowed). */
export function checkTransform(transform: unknown, owner: string, name: string): void {
  if (transform === null || transform === undefined || typeof transform === 'function') return;
  if (typeof transform === 'object' && typeof (transform as { call?: unknown }).call === 'function') return;
  throw new TypeError(`${owner}: ${name} must be a function or have a call(input) method, got ${describe(transform)}`);
}

/** A transform list as torchvision prints it: `Name(` then one transform per indented line, then `)`. */
export function formatTransforms(name: string, transforms: readonly TransformLike[], header: readonly string[] = []): string {
  const lines = [...header, ...transforms.map((t) => String(typeof t === 'function' ? `<function ${t.name || 'anonymous'}>` : t))];
  return `${name}(\n${lines.map((l) => `    ${l}`).join('\n')}\n)`;
}
