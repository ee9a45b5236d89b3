// torch.optim.swap_in_optimizer_params_and_state (torch/optim/_stateless.py): runs an optimizer on other
// parameters and another state dict for a while, then puts its own back.
import { camelCase, describe, isOptionsObject, pyTypeName, whileRunning } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { pythonKey, type Optimizer, type ParamGroup, type ParamState } from './optimizer.js';

const NAME = 'swap_in_optimizer_params_and_state';

/** The parameters to swap in, in the optimizer's order: `model.namedParameters()`, a `{ name: tensor }` object, a Map, or tensors. */
export type SwapInParameters = Record<string, Tensor> | Map<string, Tensor> | Iterable<readonly [string, Tensor]> | Iterable<Tensor>;

/** An `optimizer.stateDict()`-shaped object: `state` keyed by packed parameter ids (an object or a Map), and `param_groups`. */
export interface SwapInOptimState {
  state: Record<number | string, ParamState> | Map<number, ParamState>;
  param_groups: Record<string, unknown>[];
}

/** What `using` holds: leaving the block puts the optimizer's own parameters and state back. */
export interface SwappedIn {
  [Symbol.dispose](): void;
}

const fail = (message: string): Error => new Error(`optim.swapInOptimizerParamsAndState: ${message}`);

function parameterList(given: SwapInParameters): Tensor[] {
  let values: unknown[];
  if (given instanceof Map) values = [...given.values()];
  else if (given !== null && typeof given === 'object' && typeof (given as Iterable<unknown>)[Symbol.iterator] === 'function')
    values = [...(given as Iterable<unknown>)].map((e) => (Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' ? e[1] : e));
  else if (isOptionsObject(given)) values = Object.values(given);
  else throw new TypeError(`optim.swapInOptimizerParamsAndState: swapinParameters must be an object or iterable of tensors, got ${describe(given)}`);
  values.forEach((v, i) => {
    if (!isTensor(v)) throw new TypeError(`optim.swapInOptimizerParamsAndState: swapinParameters[${i}] must be a Tensor, got ${describe(v)}`);
  });
  return values as Tensor[];
}

// Python's int check on a state dict key: JS object keys are strings, so an integer-looking one is a packed id.
const isIdKey = (k: unknown): boolean => (typeof k === 'number' && Number.isInteger(k)) || (typeof k === 'string' && /^(0|-?[1-9][0-9]*)$/.test(k));

function stateEntries(state: unknown): [string, unknown][] {
  if (state instanceof Map) {
    if ([...state.keys()].some(isTensor)) throw fail(`${NAME} requires optimizer.state_dict()-style state keyed by packed parameter ids.`);
    return [...state.entries()].map(([k, v]) => [String(k), v]);
  }
  if (!isOptionsObject(state)) throw fail(`${NAME} requires swapin_optim_state['state'] to be a dict mapping packed parameter ids to per-param state dicts, got ${pyTypeName(state)}.`);
  return Object.entries(state);
}

interface GroupSwapIn {
  live: ParamGroup;
  saved: Record<string, unknown>;
  params: Tensor[];
}

// Python's _prepare_swap_in: every check runs before anything of the optimizer changes.
function prepare(optimizer: Optimizer, swapinParameters: SwapInParameters, swapinOptimState: SwapInOptimState): { state: Map<string, unknown>; groups: GroupSwapIn[] } {
  if (optimizer.state.size === 0) throw fail(`${NAME} requires initialized optimizer state.`);
  if (!isOptionsObject(swapinOptimState)) throw fail(`${NAME} requires a DCP-style optimizer state_dict.`);
  const entries = stateEntries(swapinOptimState.state);
  if (entries.some(([k, v]) => isIdKey(k) && !isOptionsObject(v))) throw fail(`${NAME} requires per-parameter optimizer state entries to be dictionaries.`);
  const savedGroups: unknown = swapinOptimState.param_groups;
  if (!Array.isArray(savedGroups)) throw fail(`${NAME} requires swapin_optim_state['param_groups'] to be a list of param-group dicts, got ${pyTypeName(savedGroups)}.`);
  if (savedGroups.length !== optimizer.paramGroups.length) throw fail('swapin_optim_state has a different number of parameter groups than the live optimizer.');
  const flat = parameterList(swapinParameters);
  let offset = 0;
  const seen = new Set<string>();
  const groups = optimizer.paramGroups.map((live, i): GroupSwapIn => {
    const saved: unknown = savedGroups[i];
    if (!isOptionsObject(saved)) throw fail(`${NAME} requires each optimizer param group to be a dictionary.`);
    const ids: unknown = saved.params;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) throw fail(`${NAME} requires optimizer.state_dict()-style param_groups[*]['params'] entries keyed by packed parameter ids.`);
    if (ids.length !== live.params.length) throw fail(`swapin_optim_state param group ${i} has a different number of params than the live optimizer param group.`);
    const liveKeys = Object.keys(live).map(pythonKey);
    const swapinOnly = Object.keys(saved).filter((k) => !liveKeys.includes(k));
    const liveOnly = liveKeys.filter((k) => !(k in saved));
    if (swapinOnly.length > 0 || liveOnly.length > 0)
      throw fail(`${NAME} requires optimizer.state_dict()-style param group keys to exactly match the live optimizer group keys for group ${i}. Keys only in swap-in: ${pyList(swapinOnly)}. Keys only in live: ${pyList(liveOnly)}.`);
    for (const id of ids as number[]) seen.add(String(id));
    if (offset + ids.length > flat.length) throw fail(`${NAME} requires the explicit parameter state to match optimizer.param_groups ordering.`);
    const params = flat.slice(offset, offset + ids.length);
    offset += ids.length;
    return { live, saved, params };
  });
  const extra = entries.map(([k]) => k).filter((k) => !seen.has(k));
  if (extra.length > 0) throw fail(`${NAME} requires swapin_optim_state['state'] to be keyed only by packed parameter ids from param_groups[*]['params']; got extra keys [${extra.map((k) => (isIdKey(k) ? k : `'${k}'`)).join(', ')}].`);
  return { state: new Map(entries), groups };
}

const pyList = (keys: string[]): string => `[${keys.map((k) => `'${k}'`).join(', ')}]`;

// Installs the swap-in parameters, group options and state; returns what puts the optimizer's own back.
function swapIn(optimizer: Optimizer, swapinParameters: SwapInParameters, swapinOptimState: SwapInOptimState): () => void {
  const { state, groups } = prepare(optimizer, swapinParameters, swapinOptimState);
  const originalState = optimizer.state;
  const snapshots = optimizer.paramGroups.map((g) => [g, { ...g }] as const);
  const swapped = new Map<Tensor, ParamState>();
  for (const { live, saved, params } of groups) {
    live.params = params;
    for (const [key, value] of Object.entries(saved)) if (key !== 'params') live[camelCase(key)] = value;
    // A shallow copy: the step's in-place updates reach the given state tensors; new entries stay here.
    (saved.params as number[]).forEach((id, j) => swapped.set(params[j]!, { ...(state.get(String(id)) as ParamState | undefined) }));
  }
  optimizer.state = swapped;
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    for (const [group, snapshot] of snapshots) {
      for (const key of Object.keys(group)) delete group[key];
      Object.assign(group, snapshot);
    }
    optimizer.state = originalState;
  };
}

/**
 * torch.optim.swap_in_optimizer_params_and_state: for the duration of `fn` (or of a `using` block),
 * `optimizer` steps `swapinParameters` (in the order of its own parameters, as `model.namedParameters()`
 * gives them) with the state and group options of `swapinOptimState` (an `optimizer.stateDict()`-shaped
 * object, as from Python). In-place updates reach the given state tensors; everything else the step does
 * to the state stays local. The optimizer's own parameters, options and state are back afterwards,
 * also when fn throws; an async fn's swap lasts until its promise settles.
 */
export function swapInOptimizerParamsAndState<T>(optimizer: Optimizer, swapinParameters: SwapInParameters, swapinOptimState: SwapInOptimState, fn: () => T): T;
export function swapInOptimizerParamsAndState(optimizer: Optimizer, swapinParameters: SwapInParameters, swapinOptimState: SwapInOptimState): SwappedIn;
export function swapInOptimizerParamsAndState<T>(optimizer: Optimizer, swapinParameters: SwapInParameters, swapinOptimState: SwapInOptimState, fn?: () => T): T | SwappedIn {
  if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`optim.swapInOptimizerParamsAndState: fn must be a function, got ${describe(fn)}`);
  if (optimizer === null || typeof optimizer !== 'object' || !(optimizer.state instanceof Map) || !Array.isArray(optimizer.paramGroups))
    throw new TypeError(`optim.swapInOptimizerParamsAndState: expected an optimizer, got ${describe(optimizer)}`);
  const restore = swapIn(optimizer, swapinParameters, swapinOptimState);
  if (fn === undefined) return { [Symbol.dispose]: restore };
  return whileRunning(fn, restore);
}
