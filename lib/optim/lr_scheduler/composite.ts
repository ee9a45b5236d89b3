// Schedulers made of schedulers (torch/optim/lr_scheduler.py 2.13): SequentialLR (one after the
// other at milestones, e.g. warm-up then decay) and ChainedScheduler (all of them every step).
import { describe, isOptionsObject } from '../../options.js';
import type { Optimizer } from '../optimizer.js';
import { ReduceLROnPlateau } from './plateau.js';
import { checkNumber, groupValue, groupValues, LRScheduler, prepareSchedulerLoad, REQUIRED, schedulerArgs, setGroupValue, stateReader, type SchedulerStateDict, type StateReader } from './scheduler.js';

// Python's step(self) takes no epoch, unlike the other schedulers' deprecated step(epoch): an epoch is refused, not ignored
// (an explicit undefined is JS's "not given", as a wrapper forwarding step(epoch?) passes it).
function noEpochArgument(cls: string, args: readonly unknown[]): void {
  if (args.some((a) => a !== undefined)) throw new TypeError(`${cls}.step() takes 1 positional argument but ${args.length + 1} were given`);
}

// Python's checks on the schedulers of SequentialLR and ChainedScheduler.
function checkSchedulers(cls: string, schedulers: unknown, optimizer: Optimizer | undefined): LRScheduler[] {
  if (!Array.isArray(schedulers)) throw new TypeError(`${cls}: schedulers must be an array of schedulers, got ${describe(schedulers)}`);
  if (schedulers.length < 1) throw new RangeError(`${cls} expects at least one scheduler${cls === 'ChainedScheduler' ? ' to be chained' : ''}, but got no scheduler.`);
  const opt = optimizer ?? (schedulers[0] as LRScheduler | undefined)?.optimizer;
  schedulers.forEach((s: unknown, i) => {
    if (!(s instanceof LRScheduler)) throw new TypeError(`${cls} at index ${i} should be a scheduler with an \`optimizer\`, got ${describe(s)}.`);
    if (s instanceof ReduceLROnPlateau)
      throw new TypeError(`${cls} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${i} in the given schedulers sequence.`);
    if (s.optimizer !== opt)
      throw new Error(`${cls} expects all schedulers to belong to the same optimizer, but got scheduler ${s.constructor.name} at index ${i} has a different optimizer than ${opt?.constructor.name ?? 'the first'}.`);
  });
  return schedulers as LRScheduler[];
}

// The composite state dict: own keys plus each child's state dict under `_schedulers`.
function compositeState(self: { stateKeys: readonly string[] } & LRScheduler, children: LRScheduler[], value: (key: string) => unknown): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const key of self.stateKeys) out[key] = value(key);
  out._schedulers = children.map((s) => s.stateDict());
  return out;
}

// The composite load, all or nothing: its own keys and every child's state (nested composites' too) are
// checked before any is assigned.
function prepareComposite(cls: string, children: LRScheduler[], stateDict: SchedulerStateDict, prepareOwn: (own: SchedulerStateDict) => () => void): () => void {
  if (!isOptionsObject(stateDict)) throw new TypeError(`${cls}.loadStateDict: expected a state dict object, got ${describe(stateDict)}`);
  const { _schedulers: saved, ...own } = stateDict;
  const assignOwn = prepareOwn(own);
  if (!Array.isArray(saved) || saved.length !== children.length)
    throw new Error(`${cls}.loadStateDict: the state dict has ${Array.isArray(saved) ? saved.length : describe(saved)} scheduler states for ${children.length} schedulers`);
  const assignChildren = children.map((s, i) => prepareSchedulerLoad(s, saved[i] as SchedulerStateDict));
  return () => {
    assignOwn();
    for (const assign of assignChildren) assign();
  };
}

// Python's bisect_right.
function bisectRight(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < list[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface SequentialLROptions {
  schedulers?: LRScheduler[];
  milestones?: number[];
  lastEpoch?: number;
}

/** SequentialLR(optimizer, schedulers, milestones, lastEpoch = -1): schedulers[i] runs from milestones[i - 1] on. */
export class SequentialLR extends LRScheduler {
  /** The schedulers inside (Python's `_schedulers`). */
  _schedulers: LRScheduler[];
  protected _milestones: number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions);
  constructor(optimizer: Optimizer, schedulers: LRScheduler[], milestones: number[], lastEpoch?: number | Pick<SequentialLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const cls = 'SequentialLR';
    const a = schedulerArgs(cls, args, [['schedulers', REQUIRED], ['milestones', REQUIRED], ['lastEpoch', -1]]);
    const schedulers = checkSchedulers(cls, a.schedulers, optimizer);
    const milestones = a.milestones;
    if (!Array.isArray(milestones)) throw new TypeError(`${cls}: milestones must be an array of epoch numbers, got ${describe(milestones)}`);
    if (milestones.length !== schedulers.length - 1)
      throw new RangeError(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    milestones.forEach((m, i) => {
      checkNumber(cls, 'milestones', m, 'int');
      if (i > 0 && m < milestones[i - 1]) throw new RangeError(`${cls}: milestones must be increasing, got [${milestones.join(', ')}]`);
    });
    const lastEpoch = checkNumber(cls, 'lastEpoch', a.lastEpoch, 'int');
    this.stateKeys = ['_milestones', 'last_epoch', '_last_lr'];
    this._schedulers = schedulers;
    this._milestones = [...(milestones as number[])];
    this.lastEpoch = lastEpoch + 1;
    // Undo the steps the schedulers took when they were built; start the first one afresh.
    // (a group added after the schedulers were made has no initial_lr: Python's KeyError, the groups before it reset)
    for (const group of optimizer.paramGroups) setGroupValue(group, 'lr', groupValue(group, 'initial_lr'));
    this.recursiveUndo();
    const idx = bisectRight(this._milestones, 0);
    schedulers[idx]!.initialStep();
    this._lastLr = schedulers[idx]!.getLastLr();
  }

  /** Python's recursive_undo: one step back for every scheduler inside (nested ones too). */
  recursiveUndo(sched: LRScheduler = this): void {
    if (sched instanceof SequentialLR || sched instanceof ChainedScheduler) for (const s of sched._schedulers) this.recursiveUndo(s);
    else sched.lastEpoch -= 1;
  }

  override step(...args: unknown[]): void {
    noEpochArgument('SequentialLR', args);
    this.lastEpoch += 1;
    const idx = bisectRight(this._milestones, this.lastEpoch);
    const scheduler = this._schedulers[idx]!;
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) scheduler.updateLr(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    return compositeState(this as unknown as { stateKeys: readonly string[] } & LRScheduler, this._schedulers, (k) => this.stateValue(k));
  }

  protected override stateReaders(): Record<string, StateReader> {
    return { ...super.stateReaders(), _milestones: stateReader('an array of integer epochs', (v) => Array.isArray(v) && v.every((m) => Number.isInteger(m))) };
  }

  protected override prepareLoad(stateDict: SchedulerStateDict): () => void {
    return prepareComposite('SequentialLR', this._schedulers, stateDict, (own) => super.prepareLoad(own));
  }
}

/** ChainedScheduler(schedulers, optimizer?): steps every scheduler at each step; their factors multiply. */
export class ChainedScheduler extends LRScheduler {
  /** The schedulers inside (Python's `_schedulers`). */
  _schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[], optimizer?: Optimizer | null) {
    const list = checkSchedulers('ChainedScheduler', schedulers, optimizer ?? undefined);
    super(optimizer ?? list[0]!.optimizer);
    this.stateKeys = ['_last_lr'];
    this._schedulers = list;
    this._lastLr = groupValues(list[list.length - 1]!.optimizer, 'lr');
  }

  override step(...args: unknown[]): void {
    noEpochArgument('ChainedScheduler', args);
    for (const s of this._schedulers) s.step();
    this._lastLr = groupValues(this._schedulers[this._schedulers.length - 1]!.optimizer, 'lr');
  }

  override stateDict(): SchedulerStateDict {
    return compositeState(this as unknown as { stateKeys: readonly string[] } & LRScheduler, this._schedulers, (k) => this.stateValue(k));
  }

  protected override prepareLoad(stateDict: SchedulerStateDict): () => void {
    return prepareComposite('ChainedScheduler', this._schedulers, stateDict, (own) => super.prepareLoad(own));
  }
}
