// Checkpoints in the layout of the usual PyTorch recipe, written with torch.save so that Python's
// torch.load reads them: { epoch, model_state_dict, optimizer_state_dict, scheduler_state_dict,
// best_metric, rng_state, generator_states, early_stopping_state_dict, ...extra }.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { makeDirs } from '../paths.js';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { load, save, type MapLocation } from '../serialize.js';
import { Generator, getRngState, setRngState } from '../generator.js';
import { isTensor, type Tensor } from '../tensor.js';
import type { EarlyStopping } from './early_stopping.js';
import { writeError } from './_write_error.js';

/** What has a PyTorch-layout state: nn.Module, optimizers, lr schedulers. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never, ...rest: never[]): unknown;
}

export interface CheckpointParts {
  model?: Stateful;
  optimizer?: Stateful;
  scheduler?: Stateful;
  /** Generators whose state is saved and restored (a DataLoader's shuffling generator, say), by name. */
  generators?: Record<string, Generator>;
  earlyStopping?: EarlyStopping;
}

export interface SaveCheckpointOptions extends CheckpointParts {
  epoch?: number;
  bestMetric?: number | null;
  /** Save torch.getRngState() as rng_state (default true). */
  saveRng?: boolean;
  /** More entries of the saved dict (Python keys: 'loss', 'config', ...). */
  extra?: Record<string, unknown>;
}

export interface LoadCheckpointOptions extends CheckpointParts {
  mapLocation?: MapLocation | null;
  /** Restore torch's RNG from rng_state (default true). */
  restoreRng?: boolean;
  /** model.loadStateDict's strict (default true). */
  strict?: boolean;
}

export interface Checkpoint {
  epoch: number | null;
  bestMetric: number | null;
  /** The whole dict as torch.load returned it. */
  raw: Record<string, unknown>;
}

const KEYS = {
  model: 'model_state_dict',
  optimizer: 'optimizer_state_dict',
  scheduler: 'scheduler_state_dict',
  earlyStopping: 'early_stopping_state_dict',
} as const;

function checkStateful(fn: string, name: string, v: unknown): void {
  if (v === undefined) return;
  const s = v as Partial<Stateful>;
  if (typeof s !== 'object' || s === null || typeof s.stateDict !== 'function' || typeof s.loadStateDict !== 'function')
    throw new TypeError(`${fn}: ${name} must have stateDict() and loadStateDict()`);
}

function checkGenerators(fn: string, generators: unknown): Record<string, Generator> {
  if (typeof generators !== 'object' || generators === null || Array.isArray(generators)) throw new TypeError(`${fn}: generators must be an object { name: torch.Generator }`);
  for (const [name, g] of Object.entries(generators)) if (!(g instanceof Generator)) throw new TypeError(`${fn}: generators.${name} must be a torch.Generator`);
  return generators as Record<string, Generator>;
}

/** The checkpoint dict (what saveCheckpoint writes), for callers that want to torch.save it themselves. */
export function checkpointDict(options: SaveCheckpointOptions): Record<string, unknown> {
  const fn = 'saveCheckpoint';
  const { epoch, bestMetric = null, saveRng = true, extra = {} } = options;
  for (const part of Object.keys(KEYS) as (keyof typeof KEYS)[]) checkStateful(fn, part, options[part]);
  const generators = checkGenerators(fn, options.generators ?? {});
  if (epoch !== undefined && (!Number.isInteger(epoch) || epoch < 0)) throw new RangeError(`${fn}: epoch must be a non-negative integer, got ${epoch}`);
  const dict: Record<string, unknown> = {};
  if (epoch !== undefined) dict.epoch = epoch;
  for (const part of Object.keys(KEYS) as (keyof typeof KEYS)[]) if (options[part]) dict[KEYS[part]] = options[part]!.stateDict();
  dict.best_metric = bestMetric;
  if (saveRng) dict.rng_state = getRngState();
  if (Object.keys(generators).length > 0) dict.generator_states = Object.fromEntries(Object.entries(generators).map(([k, g]) => [k, g.getState()]));
  for (const [k, v] of Object.entries(extra)) {
    if (k in dict) throw new RangeError(`${fn}: extra key '${k}' would replace the checkpoint's own entry`);
    dict[k] = v;
  }
  return dict;
}

/**
 * Saves a training checkpoint with torch.save (atomically: a crash while saving leaves the previous
 * file intact). Python reads it with `torch.load(path)` and `model.load_state_dict(ckpt['model_state_dict'])`.
 */
export function saveCheckpoint(path: string, options: SaveCheckpointOptions): void {
  if (typeof path !== 'string' || path === '') throw new TypeError('saveCheckpoint: path must be a non-empty string');
  writeAtomically('saveCheckpoint', checkpointDict(options), path);
}

// torch.save to a temporary name, then rename: readers never see a half-written file. A file system
// error (the parent is a file, no permission, ...) names the function and the path, and keeps the
// original error's code (ENOTDIR, EACCES, ...) and the error itself as its cause.
function writeAtomically(fn: string, dict: Record<string, unknown>, path: string): void {
  const tmp = `${path}.tmp-${process.pid}-${threadId}`; // one per thread: workers of a process may save to one path
  try {
    makeDirs(dirname(path));
    save(dict, tmp);
    renameSync(tmp, path);
  } catch (err) {
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err; // torch.save's own errors already name torch.save
    throw writeError(fn, path, err);
  } finally {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was written there (the parent is not a directory): keep the first error
    }
  }
}

/**
 * Loads a checkpoint into the given model / optimizer / scheduler / generators / earlyStopping and
 * restores torch's RNG; returns the epoch and best metric. Everything is checked before anything is
 * changed. A missing file is a clear error (the usual `--resume` mistake).
 */
export function loadCheckpoint(path: string, options: LoadCheckpointOptions = {}): Checkpoint {
  const fn = 'loadCheckpoint';
  if (typeof path !== 'string' || path === '') throw new TypeError(`${fn}: path must be a non-empty string`);
  const { mapLocation = null, restoreRng = true, strict = true } = options;
  for (const part of Object.keys(KEYS) as (keyof typeof KEYS)[]) checkStateful(fn, part, options[part]);
  const generators = checkGenerators(fn, options.generators ?? {});
  if (!existsSync(path)) throw new Error(`${fn}: no checkpoint at '${path}': nothing to resume from (check the path, or save a checkpoint first)`);
  let raw: unknown;
  try {
    raw = load(path, { mapLocation });
  } catch (err) {
    throw new Error(`${fn}: '${path}' is not a readable checkpoint: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${fn}: '${path}' holds no checkpoint dict`);
  const dict = raw as Record<string, unknown>;
  for (const part of Object.keys(KEYS) as (keyof typeof KEYS)[])
    if (options[part] && !(KEYS[part] in dict)) throw new Error(`${fn}: '${path}' has no '${KEYS[part]}' to load the ${part} from`);
  const genStates = (typeof dict.generator_states === 'object' && dict.generator_states !== null ? dict.generator_states : {}) as Record<string, unknown>;
  for (const [name, g] of Object.entries(generators)) {
    if (!isTensor(genStates[name])) throw new Error(`${fn}: '${path}' has no state for the generator '${name}'`);
    checkGeneratorState(fn, path, `state for the generator '${name}'`, genStates[name] as Tensor, g.device.toString());
  }
  if (restoreRng && dict.rng_state !== undefined) {
    if (!isTensor(dict.rng_state)) throw new Error(`${fn}: '${path}' has a bad rng_state: expected a uint8 tensor`);
    checkGeneratorState(fn, path, 'rng_state', dict.rng_state, 'cpu');
  }

  // Each part's own loadStateDict changes nothing when it fails; the parts loaded before it are put back.
  // The generator states were tried on scratch generators above, so setting them cannot fail; they are
  // undone too all the same.
  const restores: (() => void)[] = [];
  const copies: Tensor[] = [];
  try {
    if (options.model) {
      const model = options.model as { stateDict(): Record<string, unknown>; loadStateDict(sd: unknown, o: object): unknown };
      const before = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, isTensor(v) ? (copies[copies.length] = v.clone()) : v]));
      model.loadStateDict(dict[KEYS.model], { strict });
      restores.push(() => model.loadStateDict(before, { strict: false }));
    }
    for (const part of ['optimizer', 'scheduler', 'earlyStopping'] as const) {
      const target = options[part] as { stateDict(): unknown; loadStateDict(sd: unknown): unknown } | undefined;
      if (!target) continue;
      const before = target.stateDict();
      target.loadStateDict(dict[KEYS[part]]);
      restores.push(() => target.loadStateDict(before));
    }
    for (const [name, g] of Object.entries(generators)) {
      const before = g.getState();
      copies.push(before);
      g.setState(genStates[name] as Tensor);
      restores.push(() => g.setState(before));
    }
    if (restoreRng && isTensor(dict.rng_state)) {
      const before = getRngState();
      copies.push(before);
      setRngState(dict.rng_state);
      restores.push(() => setRngState(before));
    }
  } catch (err) {
    for (const restore of restores.reverse()) restore();
    throw err;
  } finally {
    for (const t of copies) t.dispose();
  }
  const epoch = typeof dict.epoch === 'number' ? dict.epoch : null;
  const bestMetric = typeof dict.best_metric === 'number' ? dict.best_metric : null;
  return { epoch, bestMetric, raw: dict };
}

// A generator state is checked by setting it on a fresh generator of the same device: libtorch's own
// check (a uint8 CPU tensor of the exact size of that generator's state), with nothing else touched.
function checkGeneratorState(fn: string, path: string, what: string, state: Tensor, device: string): void {
  try {
    new Generator(device).setState(state);
  } catch (err) {
    throw new Error(`${fn}: '${path}' has a bad ${what}: ${(err as Error).message}`, { cause: err });
  }
}

export interface CheckpointManagerOptions {
  /** Directory of the files (created on the first save). */
  dir: string;
  /** 'min' when a lower metric is better (loss), 'max' when higher is (accuracy). */
  mode?: 'min' | 'max';
  lastName?: string;
  bestName?: string;
}

/**
 * Keeps the last checkpoint and the best one by a metric: `save({ ..., epoch, metric })` writes
 * last.pt every time and best.pt when the metric improves; `resume(parts)` loads last.pt.
 */
export class CheckpointManager {
  readonly dir: string;
  readonly mode: 'min' | 'max';
  readonly lastPath: string;
  readonly bestPath: string;
  bestMetric: number | null = null;

  constructor(options: CheckpointManagerOptions) {
    const fn = 'CheckpointManager';
    if (typeof options !== 'object' || options === null || typeof options.dir !== 'string') throw new TypeError(`${fn}: expected { dir, mode, lastName, bestName }`);
    const { dir, mode = 'min', lastName = 'last.pt', bestName = 'best.pt' } = options;
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`${fn}: mode must be 'min' or 'max', got '${String(mode)}'`);
    this.dir = dir;
    this.mode = mode;
    this.lastPath = join(dir, lastName);
    this.bestPath = join(dir, bestName);
  }

  isBetter(metric: number): boolean {
    if (Number.isNaN(metric)) return false;
    return this.bestMetric === null || (this.mode === 'min' ? metric < this.bestMetric : metric > this.bestMetric);
  }

  /** Writes last.pt (and best.pt when `metric` is the best so far); returns whether it was the best. */
  save(options: Omit<SaveCheckpointOptions, 'bestMetric'> & { metric?: number }): boolean {
    const { metric, ...rest } = options;
    if (metric !== undefined && typeof metric !== 'number') throw new TypeError('CheckpointManager.save: metric must be a number');
    const isBest = metric !== undefined && this.isBetter(metric);
    const dict = checkpointDict({ ...rest, bestMetric: isBest ? metric : this.bestMetric });
    for (const path of isBest ? [this.lastPath, this.bestPath] : [this.lastPath]) writeAtomically('CheckpointManager.save', dict, path);
    // Only once the files are written: a save that throws leaves the best metric as it was, so the
    // next save with that metric still writes best.pt.
    if (isBest) this.bestMetric = metric;
    return isBest;
  }

  /** Whether there is a last checkpoint to resume from. */
  canResume(): boolean {
    return existsSync(this.lastPath);
  }

  /** Loads last.pt into the parts (see loadCheckpoint) and takes its best metric; a missing file throws. */
  resume(options: LoadCheckpointOptions = {}): Checkpoint {
    const ckpt = loadCheckpoint(this.lastPath, options);
    this.bestMetric = ckpt.bestMetric;
    return ckpt;
  }

  /** Loads best.pt (the model, by default without optimizer or RNG). */
  loadBest(options: LoadCheckpointOptions = {}): Checkpoint {
    if (!existsSync(this.bestPath)) throw new Error(`CheckpointManager.loadBest: no checkpoint at '${this.bestPath}': no save with a metric has written one yet (or check the path)`);
    return loadCheckpoint(this.bestPath, { restoreRng: false, ...options });
  }
}
