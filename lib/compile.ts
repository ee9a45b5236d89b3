// torch.compile and torch.compiler, for scripts ported from PyTorch 2.x: arguments are checked as
// PyTorch checks them, and what comes back runs eagerly (compile_options.ts says why). A compiled
// module is an OptimizedModule around the original, so its state dict keys carry PyTorch's
// `_orig_mod.` prefix, as checkpoints saved from compiled Python models do.
import { checkCompileOptions, type CompileOptions, InvalidBackend, listedBackends, warnRunsEagerly } from './compile_options.js';
import { Module } from './nn/module.js';
import { camelCase, describe, readOptions, whileRunning } from './options.js';
import { bindArgs } from './functional/args.js';
import type { PyArgs } from './nn/functional/_signature.js';
import { isTensor } from './tensor.js';

/** torch._dynamo.eval_frame.OptimizedModule: what torch.compile returns for a module. */
export class OptimizedModule<M extends Module = Module> extends Module {
  declare _orig_mod: M;
  constructor(mod: M) {
    super();
    if (!(mod instanceof Module)) throw new TypeError(`OptimizedModule: expected an nn.Module, got ${describe(mod)}`);
    this.addModule('_orig_mod', mod);
    forwardAttributes(this);
  }
  override forward(...args: unknown[]): unknown {
    if (!disabled.has(this)) checkStance();
    return (this._orig_mod as Module).call(...args);
  }
}

// What torch._dynamo.disable(module) made: Python's DisableContext runs them whatever the stance.
const disabled = new WeakSet<OptimizedModule>();

// The names Python's OptimizedModule.__setattr__ keeps on the wrapper besides its class's (its _opt_mod_attributes that exist here).
const WRAPPER_ATTRIBUTES = new Set(['_orig_mod', 'forward', '_forward']);

// Python's OptimizedModule.__getattr__ and __setattr__: a name that neither the wrapper's own data
// (`_orig_mod`) nor its class (Module's methods) has is the original module's, to read and to write
// (`compiled.at(0)`, `compiled.head = new nn.Linear(2, 1)` adds `_orig_mod.head.*` to the state dict).
// JS's hook for a missing name is a Proxy in the prototype chain (the wrapper's own, so that
// Module's #private fields stay on the instance); `training` is Python's property over
// `_orig_mod.training`. Not forwarded: `delete compiled.name` of the original's attribute (JS asks
// the prototype nothing about deletes).
function forwardAttributes(wrapper: OptimizedModule): void {
  const orig = (): Record<PropertyKey, unknown> => wrapper._orig_mod as unknown as Record<PropertyKey, unknown>;
  Object.defineProperty(wrapper, 'training', {
    configurable: true,
    enumerable: false,
    get: () => orig().training,
    set: (v: unknown) => (orig().training = v),
  });
  const own = (target: object, key: PropertyKey): boolean => typeof key === 'symbol' || key in target;
  Object.setPrototypeOf(wrapper, new Proxy(Object.create(Object.getPrototypeOf(wrapper) as object) as object, {
    get(target, key, receiver) {
      if (own(target, key)) return Reflect.get(target, key, receiver);
      const o = orig();
      const v = o[key];
      // a method of the original's class comes bound, as Python's getattr gives a bound method
      return typeof v === 'function' && !Object.hasOwn(o, key) ? (v as (...a: unknown[]) => unknown).bind(o) : v;
    },
    set(target, key, value, receiver) {
      if (own(target, key) || WRAPPER_ATTRIBUTES.has(key as string)) return Reflect.set(target, key, value, receiver);
      return Reflect.set(orig(), key, value);
    },
    has: (target, key) => key in target || (typeof key === 'string' && key in orig()),
  }));
}

type Compilable = Module | ((...args: never[]) => unknown);
// A compiled module also reads the original's attributes (forwardAttributes), so its type has them too.
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
    checkStance();
    return fn.apply(this, args);
  };
  Object.defineProperty(compiled, 'name', { value: fn.name });
  return compiled;
}

// ---- torch._dynamo.config and torch.compiler.config ----------------------------------------------

/** torch._dynamo.config's keys that ported scripts set most (all of Python's are there). */
export interface DynamoConfig {
  [key: string]: unknown;
  recompileLimit: number;
  /** Python's alias of recompileLimit. */
  cacheSizeLimit: number;
  accumulatedRecompileLimit: number;
  accumulatedCacheSizeLimit: number;
  suppressErrors: boolean;
  verbose: boolean;
  automaticDynamicShapes: boolean;
  assumeStaticByDefault: boolean;
  captureScalarOutputs: boolean;
  captureDynamicOutputShapeOps: boolean;
  optimizeDdp: boolean;
  inlineInbuiltNnModules: boolean;
  errorOnRecompile: boolean;
  disable: boolean;
}
export interface CompilerConfig {
  [key: string]: unknown;
  jobId: string | null;
  cacheKeyTag: string;
  forceDisableCaches: boolean;
  dynamicSources: string;
  unbackedSources: string;
}

// torch._dynamo.config.get_config_copy() of Python 2.13 without its private keys (and base_dir, debug_dir_root: paths of the Python install).
const DYNAMO_DEFAULTS: Record<string, unknown> = {
  log_file_name: null, verbose: false, verify_correctness: false, debug_backend_override: '', debug_inductor_config_override: '',
  debug_dynamo_config_override: '', leaf_function_validate_outputs: false, leaf_function_check_escaped_gradients: false, minimum_call_count: 1,
  dead_code_elimination: null, replay_side_effects: true, generate_pycode: false, side_effect_replay_policy: 'info', recompile_limit: 8,
  accumulated_recompile_limit: 256, skip_code_recursive_on_recompile_limit_hit: true, fail_on_recompile_limit_hit: false, specialize_int: false,
  specialize_float: false, dynamic_shapes: true, use_lazy_graph_module: true, assume_static_by_default: true, automatic_dynamic_shapes: true,
  automatic_dynamic_shapes_mark_as: 'dynamic', automatic_dynamic_exclusion_guard: false, log_graph_in_out_metadata: false,
  force_parameter_static_shapes: true, force_nn_module_property_static_shapes: true, allow_ignore_mark_dynamic: false, guard_nn_modules: true,
  guard_nn_modules_using_dict_tags: true, prepare_freezing: false, traceable_tensor_subclasses: new Set(), nontraceable_tensor_subclasses: new Set(),
  suppress_errors: false, replay_record_enabled: false, rewrite_assert_with_torch_assert: true, disable: false, cprofile: false, dynamo_profiler:
  false, skipfiles_inline_module_allowlist: {}, allowed_functions_module_string_ignorelist: new Set(['torch._decomp', 'torch._prims', 'torch._refs',
  'torch.distributions', 'torch.testing']), repro_after: null, repro_level: 2, repro_forward_only: false, repro_tolerance: 0.001, repro_ignore_non_fp:
  false, same_two_models_use_fp64: true, capture_scalar_outputs: false, capture_dynamic_output_shape_ops: false,
  prefer_deferred_runtime_asserts_over_guards: false, force_unspec_int_unbacked_size_like_on_torchrec_kjt: false, allow_unspec_int_on_nn_module:
  false, optimize_ddp: true, do_not_emit_runtime_asserts: false, skip_torchrec: true, dont_skip_tracing: false, optimize_ddp_lazy_compile: false,
  use_lamba_guard_for_object_aliasing: true, skip_fsdp_guards: true, skip_nnmodule_hook_guards: true, skip_no_tensor_aliasing_guards_on_parameters:
  true, skip_tensor_guards_with_matching_dict_tags: true, skip_guards_on_constant_func_defaults: false, assume_dunder_attributes_remain_unchanged:
  true, use_recursive_dict_tags_for_guards: false, max_saved_pointers_for_recursive_dict_tags_check: 256, raise_on_ctx_manager_usage: true,
  raise_on_unsafe_aot_autograd: false, error_on_nested_jit_trace: true, error_on_nested_fx_trace: true, force_compile_during_fx_trace: false,
  allow_rnn: false, capture_sparse_compute: true, error_on_recompile: false, report_guard_failures: true, trace_numpy: true, trace_autograd_ops:
  false, numpy_default_float: 'float64', numpy_default_complex: 'complex128', numpy_default_int: 'int64', use_numpy_random_stream: false,
  enable_cpp_guard_manager: true, enable_cpp_symbolic_shape_guards: false, enable_trace_contextlib: true, enable_trace_unittest: false,
  enable_trace_load_build_class: false, enable_faithful_generator_behavior: true, inline_inbuilt_nn_modules: true, nested_graph_breaks: false,
  error_on_dynamo_callback_in_fullgraph_compiled_code: false, install_free_tensors: false, install_free_tensors_for_export: true,
  enable_cpp_framelocals_guard_eval: true, use_graph_deduplication: false, track_nodes_for_deduplication: false, graph_deduplication_lint: false,
  issue_3_13_0_warning: true, allow_empty_graphs: false, debug_force_nested_calls: false, debug_force_graph_break_on_leaf_return: false,
  debug_disable_compile_counter: false, record_compile_time_instruction_count: false, cudagraph_backend_keep_input_mutation: false,
  cudagraph_backend_support_input_mutation: false, only_allow_pt2_compliant_ops: false, capture_autograd_function: true, capture_func_transforms:
  true, capture_profiler_record_function: false, log_compilation_metrics: true, reorderable_logging_functions: new Set(), ignore_logging_functions:
  new Set(), inject_BUILD_SET_unimplemented_TESTING_ONLY: false, fake_tensor_cache_enabled: true, fake_tensor_cache_crosscheck_enabled: false,
  fake_tensor_disable_inference_mode: true, caching_precompile: false, strict_precompile: false, compiled_autograd: false,
  enable_dynamo_decompositions: true, graph_break_on_nn_param_ctor: true, inline_torch_dispatch_torch_compile: true,
  skip_fwd_side_effects_in_bwd_under_checkpoint: false, compiled_autograd_kwargs_override: {}, enable_compiler_collectives: false,
  enable_p2p_compilation: false, automatic_dynamic_local_pgo: true, automatic_dynamic_remote_pgo: null, pt2_compile_id_prefix: null,
  run_gc_after_compile: true, constant_fold_autograd_profiler_enabled: false, wrap_top_frame: false, record_runtime_overhead: true,
  enable_aot_compile: true, enable_invoke_subgraph_regional_compile: false, inline_invoke_subgraph: false, inline_single_use_invoke_subgraph: true,
  invalidate_compile_context_weakrefs: null
};

// Python's config module: its keys only (another name is an error, to read or to write: a misspelt
// setting does not pass silently), each readable and writable; an alias reads and writes its target.
function configObject(path: string, defaults: Record<string, unknown>, aliases: Record<string, string> = {}): Record<string, unknown> {
  const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(defaults)) values[camelCase(key)] = value;
  const alias = new Map(Object.entries(aliases).map(([a, b]) => [camelCase(a), camelCase(b)]));
  const known = (key: string | symbol): key is string => typeof key === 'string' && (key in values || alias.has(key));
  const missing = (key: string): Error => new TypeError(`${path}.${key} does not exist`); // Python's AttributeError
  return new Proxy(values, {
    get(target, key) {
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return undefined; // not a config key: what inspect and await look for
      if (!known(key)) throw missing(key);
      return target[alias.get(key) ?? key];
    },
    set(target, key, value) {
      if (!known(key)) throw missing(String(key));
      target[alias.get(key) ?? key] = value;
      return true;
    },
    has: (_target, key) => known(key),
    deleteProperty(_target, key) {
      throw new TypeError(`${path}.${String(key)}: a config key cannot be deleted`);
    },
  });
}

// ---- torch.compiler.set_stance -------------------------------------------------------------------

const STANCES = ['default', 'eager_then_compile', 'aot_eager_then_compile', 'force_eager', 'eager_on_recompile', 'fail_on_recompile'];
interface Stance { stance: unknown; skipGuardEvalUnsafe: unknown; forceBackend: unknown }
let stance: Stance = { stance: 'default', skipGuardEvalUnsafe: false, forceBackend: null };

// Python checks the stance when a compiled function or module runs (set_stance takes any string): so here.
function checkStance(): void {
  if (STANCES.includes(stance.stance as string)) return;
  const py = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : v === null ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  throw new Error(`invalid torch.compile stance 'DynamoStance(stance=${py(stance.stance)}, skip_guard_eval_unsafe=${py(stance.skipGuardEvalUnsafe)}, backend=${py(stance.forceBackend)})'`);
}

/**
 * torch.compiler.set_stance(stance = 'default', { skipGuardEvalUnsafe, forceBackend }): sets the stance
 * ('default', 'force_eager', 'eager_on_recompile', 'fail_on_recompile', 'eager_then_compile',
 * 'aot_eager_then_compile'; checked when a compiled model runs, as Python checks it) for every
 * compiled model, which all run eagerly here. Returns Python's decorator form: `setStance(s)(fn)`
 * puts the previous stance back and gives fn, run under stance s.
 */
function setStance(...args: PyArgs<[stance: string], { skipGuardEvalUnsafe?: boolean; forceBackend?: string | null }>): <F extends (...a: never[]) => unknown>(fn: F) => F {
  const o = bindArgs('set_stance', args, ['stance', 'skipGuardEvalUnsafe', 'forceBackend'], { count: 1, leading: 0 });
  const next: Stance = { stance: o.stance ?? 'default', skipGuardEvalUnsafe: o.skipGuardEvalUnsafe ?? false, forceBackend: o.forceBackend ?? null };
  if (next.forceBackend !== null && next.stance !== 'default') throw new Error('non-default stance cannot have force_backend set');
  const prev = stance;
  stance = next;
  return <F extends (...a: never[]) => unknown>(fn: F): F => {
    stance = prev;
    return function (this: unknown, ...a: unknown[]): unknown {
      const outer = stance;
      stance = next;
      return whileRunning(() => (fn as unknown as (...x: unknown[]) => unknown).apply(this, a), () => (stance = outer));
    } as unknown as F;
  };
}

// ---- torch._dynamo.disable and the tracing marks -----------------------------------------------

/**
 * torch._dynamo.disable(fn?, recursive = true, { reason, wrapping }) (and torch.compiler.disable):
 * marks fn as never compiled; everything runs eagerly here, so a function comes back as it is and a
 * module as Python's OptimizedModule around it (without the warning). Without fn, the decorator.
 */
function disable(...args: PyArgs<[fn: unknown, recursive: boolean], { reason?: string | null; wrapping?: boolean }>): any; // eslint-disable-line @typescript-eslint/no-explicit-any
function disable(...args: unknown[]): unknown {
  const { fn } = bindArgs('disable', args, ['fn', 'recursive', 'reason', 'wrapping'], { count: 2, leading: 0 });
  const wrap = (f: unknown): unknown => {
    if (f instanceof Module) {
      const wrapped = new OptimizedModule(f);
      disabled.add(wrapped);
      return wrapped;
    }
    if (typeof f !== 'function') throw new Error('fn must be callable'); // Python's AssertionError
    return f;
  };
  return fn === undefined || fn === null ? wrap : wrap(fn);
}

// Python raises for an index that is not an int, a list or a tuple, and (setting an attribute on it) for a t that is not a tensor.
function checkMark(what: string, t: unknown, index: unknown, indexOptional = false): void {
  if (!isTensor(t)) throw new TypeError(`${what} expects a tensor, got ${describe(t)}`);
  if (!(Number.isInteger(index) || Array.isArray(index) || (indexOptional && (index === undefined || index === null))))
    throw new Error(`Expected index to be int, list, or tuple, got <class '${index === undefined || index === null ? 'NoneType' : typeof index === 'string' ? 'str' : typeof index === 'number' ? 'float' : describe(index)}'>`);
}

/** torch._dynamo.mark_dynamic(t, index, { min, max, hintOverride, specializeOn }): a hint for TorchDynamo's shape guards; checked, then nothing to do here. */
function markDynamic(t: unknown, index: number | readonly number[], options: { min?: number | null; max?: number | null; hintOverride?: number | null; specializeOn?: readonly unknown[] | null } = {}): void {
  readOptions('mark_dynamic', options, ['min', 'max', 'hintOverride', 'specializeOn']);
  checkMark('mark_dynamic', t, index);
}

/** torch._dynamo.maybe_mark_dynamic(t, index): as markDynamic. */
function maybeMarkDynamic(t: unknown, index: number | readonly number[]): void {
  checkMark('maybe_mark_dynamic', t, index);
}

/** torch._dynamo.mark_static(t, index?): a tensor (nothing to do here), or an nn.Module class, which it returns. */
function markStatic<T>(t: T, index: number | readonly number[] | null = null): T | undefined {
  if (typeof t === 'function' && ((t as unknown) === Module || (t as { prototype?: unknown }).prototype instanceof Module)) return t;
  if (!isTensor(t)) throw new TypeError(t instanceof Module ? 'issubclass() arg 1 must be a class' : `mark_static expects a tensor/nn.Module class but received ${describe(t)}`);
  checkMark('mark_static', t, index, true);
  return undefined;
}

/** torch.compiler (the parts a script outside TorchDynamo calls). */
export const compiler = {
  compile,
  disable,
  setStance,
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
  /** Marks the start of a CUDA graph step (torch.compile's 'reduce-overhead' mode): there are none. */
  cudagraphMarkStepBegin(): void {},
  /** torch.compiler.config: Python's keys (camelCase, as torch.backends' switches are) with its defaults; nothing reads them here. */
  config: configObject('torch.compiler.config', {
    job_id: null, pgo_extra_read_key: null, pgo_extra_write_key: null, cache_key_tag: '', force_disable_caches: false, dynamic_sources: '',
    dynamic_values: '', unbacked_sources: '', force_cudagraph_gc: false,
  }) as CompilerConfig,
};

/** torch._dynamo: OptimizedModule for `instanceof` checks, listBackends, reset, InvalidBackend, config, disable, the marks. */
export const _dynamo = {
  OptimizedModule, listBackends: compiler.listBackends, reset: compiler.reset, InvalidBackend, disable, isCompiling: compiler.isCompiling,
  markDynamic, maybeMarkDynamic, markStatic,
  /** torch._dynamo.graph_break(msg = ''): a graph break where TorchDynamo traces; nothing in eager code. */
  graphBreak(_msg = ''): void {},
  /** torch._dynamo.config: all of Python 2.13's public keys (camelCase) with its defaults; nothing reads them here. */
  config: configObject('torch._dynamo.config', DYNAMO_DEFAULTS, { cache_size_limit: 'recompile_limit', accumulated_cache_size_limit: 'accumulated_recompile_limit' }) as DynamoConfig,
};
