// torch.compile's arguments, checked as PyTorch 2.13 checks them. torchnode has no TorchDynamo (it
// compiles Python bytecode), so compiled models and functions run eagerly: the same ops, the same results.
import { describe, readOptions } from './options.js';
import { warn } from './warnings.js';

export interface CompileOptions {
  /** Python takes any value here (its truth value). */
  fullgraph?: boolean;
  dynamic?: boolean | null;
  /** A registered backend's name ('inductor', the default; 'eager', 'aot_eager', 'cudagraphs', ...). */
  backend?: string;
  /** 'default', 'lite', 'reduce-overhead', 'max-autotune-no-cudagraphs' or 'max-autotune' (inductor only). */
  mode?: string | null;
  options?: Record<string, string | number | boolean> | null;
  name?: string | null;
  /** true: torch.compile returns its argument unchanged. */
  disable?: boolean;
  recompileLimit?: number | null;
  isolateRecompiles?: boolean;
}

const OPTION_NAMES = ['fullgraph', 'dynamic', 'backend', 'mode', 'options', 'name', 'disable', 'recompileLimit', 'isolateRecompiles'] as const;
const MODES = ['default', 'lite', 'reduce-overhead', 'max-autotune-no-cudagraphs', 'max-autotune'];
// torch._dynamo's registered backends in 2.13 with their tags, which list_backends(exclude_tags) filters on.
const BACKEND_TAGS: Readonly<Record<string, readonly string[]>> = {
  aot_eager: ['debug'], aot_eager_decomp_partition: ['debug'], aot_eager_decomp_partition_crossref: ['debug'],
  aot_eager_decomp_partition_with_mode: ['debug'], aot_eager_default_partitioner: ['debug'], aot_ts: ['debug'], cudagraphs: [],
  dynamo_accuracy_minifier_backend: ['debug'], dynamo_minifier_backend: ['debug'], eager: ['debug'], eager_debug: ['debug'],
  eager_noexcept: ['debug'], inductor: [], invoke_subgraph: ['debug'], non_leaf_compile_error_TESTING_ONLY: ['debug'], openxla: [],
  openxla_eval: ['experimental'], pre_dispatch_eager: ['debug'], relu_accuracy_error_TESTING_ONLY: ['debug'],
  relu_compile_error_TESTING_ONLY: ['debug'], relu_runtime_error_TESTING_ONLY: ['debug'], ts: ['debug'], tvm: [],
};
// The backends torch.compile takes here: all but the TESTING_ONLY ones (which only raise, by design).
const BACKENDS = Object.keys(BACKEND_TAGS).filter((name) => !name.endsWith('_TESTING_ONLY'));

/** torch._dynamo.list_backends(exclude_tags=('debug', 'experimental')): the names, sorted; null or [] excludes none. */
export function listedBackends(excludeTags: readonly string[] | null = ['debug', 'experimental']): string[] {
  if (excludeTags !== null && (!Array.isArray(excludeTags) || excludeTags.some((t) => typeof t !== 'string')))
    throw new TypeError('list_backends: excludeTags must be an array of tag names or null');
  const excluded = new Set(excludeTags ?? []);
  return Object.keys(BACKEND_TAGS).filter((name) => !BACKEND_TAGS[name]!.some((tag) => excluded.has(tag))).sort();
}

/** torch._dynamo's InvalidBackend. */
export class InvalidBackend extends Error {
  override name = 'InvalidBackend';
}

// Python's bool(v): null, false, 0, '' and an empty array or object are false.
const pyTruthy = (v: unknown): boolean =>
  Array.isArray(v) ? v.length > 0 : v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype ? Object.keys(v).length > 0 : Boolean(v);

/** torch.compile's options, checked as PyTorch checks them. */
export function checkCompileOptions(what: string, options: unknown): CompileOptions {
  const o = readOptions(what, options ?? {}, OPTION_NAMES) as CompileOptions;
  // Python reads fullgraph, disable and isolate_recompiles by their truth value, whatever their type.
  if (o.disable !== undefined) o.disable = pyTruthy(o.disable);
  if (o.dynamic !== undefined && o.dynamic !== null && typeof o.dynamic !== 'boolean') throw new TypeError(`${what}: dynamic must be a boolean or null, got ${describe(o.dynamic)}`);
  const backend = o.backend ?? 'inductor';
  if (typeof backend === 'function')
    throw new TypeError(`${what}: a backend function gets the FX graphs TorchDynamo traces from Python bytecode, which torchnode cannot make; give a backend's name`);
  if (typeof backend !== 'string') throw new TypeError(`${what}: backend must be a string, got ${describe(backend)}`);
  if (!BACKENDS.includes(backend)) throw new InvalidBackend(`Invalid backend: '${backend}', see \`torch._dynamo.list_backends()\` for available backends.`);
  if (o.mode !== undefined && o.mode !== null && o.options !== undefined && o.options !== null)
    throw new Error('Either mode or options can be specified, but both can\'t be specified at the same time.');
  if (backend === 'inductor' && o.mode !== undefined && o.mode !== null && !MODES.includes(o.mode))
    throw new Error(`Unrecognized mode=${String(o.mode)}, should be one of: ${MODES.join(', ')}`);
  if (o.options !== undefined && o.options !== null && (typeof o.options !== 'object' || Array.isArray(o.options)))
    throw new TypeError(`${what}: options must be an object, got ${describe(o.options)}`);
  return o;
}

/** The warning each compile that is not disabled gives: what it returns runs eagerly. */
export function warnRunsEagerly(what: string): void {
  warn(`${what}: torchnode has no TorchDynamo (it compiles Python bytecode), so this runs eagerly: the same ops and results, no compiled kernels. `
    + 'For kernels compiled ahead of time, export an AOTInductor package from Python and load it with torch._inductor.aotiLoadPackage.');
}
