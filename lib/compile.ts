// torch.compile and torch.compiler, for scripts ported from PyTorch 2.x: arguments are checked as
// PyTorch checks them, and what comes back runs eagerly (compile_options.ts says why). A compiled
// module is an OptimizedModule around the original, so its state dict keys carry PyTorch's
// `_orig_mod.` prefix, as checkpoints saved from compiled Python models do.
import { checkCompileOptions, type CompileOptions, InvalidBackend, listedBackends, warnRunsEagerly } from './compile_options.js';
import { Module } from './nn/module.js';
import { describe } from './options.js';
import { bindArgs } from './functional/args.js';
import type { PyArgs } from './nn/functional/_signature.js';

/** torch._dynamo.eval_frame.OptimizedModule: what torch.compile returns for a module. */
export class OptimizedModule<M extends Module = Module> extends Module {
  declare _orig_mod: M;
  constructor(mod: M) {
    super();
    if (!(mod instanceof Module)) throw new TypeError(`OptimizedModule: expected an nn.Module, got ${describe(mod)}`);
    this.addModule('_orig_mod', mod);
    delegateAttributes(this, mod);
  }
  override forward(...args: unknown[]): unknown {
    return (this._orig_mod as Module).call(...args);
  }
}

// Python's OptimizedModule.__getattr__ reads missing attributes from the original module: here, the
// original's own properties and its class's methods, as non-enumerable accessors (so that the
// parameters are not found twice), as they are when torch.compile runs.
function delegateAttributes(wrapper: Module, mod: Module): void {
  const names = new Set<string>(Object.keys(mod));
  for (let proto = Object.getPrototypeOf(mod) as object | null; proto && proto !== Module.prototype; proto = Object.getPrototypeOf(proto) as object | null)
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
  for (const name of names) {
    if (name === 'constructor' || name === 'forward' || name in wrapper) continue;
    Object.defineProperty(wrapper, name, {
      configurable: true,
      enumerable: false,
      get: () => {
        const v = (mod as unknown as Record<string, unknown>)[name];
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(mod) : v;
      },
      set: (v: unknown) => ((mod as unknown as Record<string, unknown>)[name] = v),
    });
  }
}

type Compilable = Module | ((...args: never[]) => unknown);
// A compiled module also reads the original's attributes (delegateAttributes), so its type has them too.
type Compiled<F> = F extends Module ? OptimizedModule<F> & Omit<F, keyof OptimizedModule<F>> : F;

/**
 * torch.compile(model, options?): checks the options as PyTorch does and returns a module
 * (OptimizedModule, state dict under `_orig_mod.`) or function that runs eagerly, with a warning that
 * says so; with `disable: true`, the model itself. torch.compile(options) returns the decorator.
 */
export function compile<F extends Compilable>(model: F, options?: CompileOptions): Compiled<F>;
export function compile(options?: CompileOptions): <F extends Compilable>(model: F) => Compiled<F>;
export function compile(modelOrOptions?: unknown, options?: CompileOptions): unknown {
  if (modelOrOptions === undefined || modelOrOptions === null || (typeof modelOrOptions === 'object' && !(modelOrOptions instanceof Module))) {
    const decoratorOptions = (modelOrOptions ?? {}) as CompileOptions;
    checkCompileOptions('torch.compile', decoratorOptions);
    return (model: Compilable) => compile(model, decoratorOptions);
  }
  if (!(modelOrOptions instanceof Module) && typeof modelOrOptions !== 'function')
    throw new TypeError(`A callable function is expected, but ${describe(modelOrOptions)} is provided.`);
  if (checkCompileOptions('torch.compile', options).disable) return modelOrOptions;
  warnRunsEagerly('torch.compile');
  if (modelOrOptions instanceof Module) return new OptimizedModule(modelOrOptions);
  const fn = modelOrOptions as (...args: unknown[]) => unknown;
  const compiled = function (this: unknown, ...args: unknown[]): unknown {
    return fn.apply(this, args);
  };
  Object.defineProperty(compiled, 'name', { value: fn.name });
  return compiled;
}

/** torch.compiler.disable(fn?): marks fn as never compiled; here every function already runs eagerly. */
function disable<F extends (...args: never[]) => unknown>(fn?: F): F | (<G extends (...args: never[]) => unknown>(g: G) => G) {
  if (fn === undefined) return <G extends (...args: never[]) => unknown>(g: G): G => g;
  if (typeof fn !== 'function') throw new TypeError(`torch.compiler.disable: expected a function, got ${describe(fn)}`);
  return fn;
}

/** torch.compiler (the parts a script outside TorchDynamo calls). */
export const compiler = {
  compile,
  disable,
  /** Clears compiled code: there is none. */
  reset(): void {},
  /** False: nothing here runs inside TorchDynamo's tracing. */
  isCompiling: (): boolean => false,
  isDynamoCompiling: (): boolean => false,
  isExporting: (): boolean => false,
  /** torch._dynamo.list_backends(exclude_tags=('debug', 'experimental')): positionally or as { excludeTags }; null lists all. */
  listBackends: (...args: PyArgs<[excludeTags: readonly string[] | null], { excludeTags?: readonly string[] | null }>): string[] =>
    listedBackends(bindArgs('list_backends', args, ['excludeTags']).excludeTags as readonly string[] | null | undefined),
  /** Decorators that tell TorchDynamo how to trace a function: the function itself here. */
  allowInGraph: <F>(fn: F): F => fn,
  assumeConstantResult: <F>(fn: F): F => fn,
};

/** torch._dynamo: OptimizedModule for `instanceof` checks, listBackends, reset, InvalidBackend. */
export const _dynamo = { OptimizedModule, listBackends: compiler.listBackends, reset: compiler.reset, InvalidBackend };
