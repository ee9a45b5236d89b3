// EarlyStopping with the semantics of PyTorch Lightning's EarlyStopping callback: a value improves
// only when it beats the best so far by MORE than minDelta (strictly: an equal value, or one better by
// exactly minDelta, is no improvement), and training stops once `patience` epochs in a row brought no
// improvement (default patience 3, as Lightning's). A NaN counts as no improvement (Lightning's
// check_finite would stop at once). The EarlyStopping class of the common PyTorch blog recipe differs:
// it counts a tie (an improvement of at least delta, >=) as an improvement, and its default patience is
// 7; docs/toolkit.md says what a port of it sets.

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' for losses (lower is better), 'max' for accuracies. */
  mode?: 'min' | 'max';
}

export interface EarlyStoppingState {
  patience: number;
  min_delta: number;
  mode: 'min' | 'max';
  best_score: number | null;
  counter: number;
  early_stop: boolean;
}

export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  /** The best metric seen so far (null before the first step). */
  bestScore: number | null = null;
  /** Epochs since the last improvement. */
  counter = 0;
  /** Whether training should stop. */
  earlyStop = false;

  constructor(options: EarlyStoppingOptions = {}) {
    const fn = 'EarlyStopping';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: expected an options object { patience, minDelta, mode }`);
    for (const k of Object.keys(options)) if (!['patience', 'minDelta', 'mode'].includes(k)) throw new TypeError(`${fn}: unknown option '${k}' (expected patience, minDelta, mode)`);
    const { patience = 3, minDelta = 0, mode = 'min' } = options;
    if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`${fn}: patience must be a non-negative integer, got ${patience}`);
    if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new RangeError(`${fn}: minDelta must be a non-negative number, got ${minDelta}`);
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`${fn}: mode must be 'min' or 'max', got '${String(mode)}'`);
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode;
  }

  /** Whether `metric` beats the best so far by more than minDelta. */
  isImprovement(metric: number): boolean {
    if (this.bestScore === null) return true;
    return this.mode === 'min' ? metric < this.bestScore - this.minDelta : metric > this.bestScore + this.minDelta;
  }

  /** Records one epoch's metric; returns true when training should stop. A NaN metric never improves. */
  step(metric: number | { item(): number | boolean }): boolean {
    if (typeof metric !== 'number' && typeof (metric as { item?: unknown })?.item !== 'function') throw new TypeError('EarlyStopping.step: metric must be a number or a one-element Tensor');
    const value = typeof metric === 'number' ? metric : Number(metric.item());
    if (!Number.isNaN(value) && this.isImprovement(value)) {
      this.bestScore = value;
      this.counter = 0;
    } else {
      this.counter++;
      if (this.counter >= this.patience) this.earlyStop = true;
    }
    return this.earlyStop;
  }

  /** Python-style state (snake_case keys) for a checkpoint. */
  stateDict(): EarlyStoppingState {
    return { patience: this.patience, min_delta: this.minDelta, mode: this.mode, best_score: this.bestScore, counter: this.counter, early_stop: this.earlyStop };
  }

  /**
   * Restores what stateDict() returned. A state saved with the other mode, or with a counter or
   * best score that is not a number, is refused (nothing is changed).
   */
  loadStateDict(state: EarlyStoppingState): void {
    const fn = 'EarlyStopping.loadStateDict';
    if (typeof state !== 'object' || state === null || !('counter' in state)) throw new TypeError(`${fn}: expected the object stateDict() returned`);
    // A best accuracy read as a best loss (or the reverse) would silently stop at the wrong time.
    if (state.mode !== undefined && state.mode !== this.mode) throw new RangeError(`${fn}: the state was saved with mode '${String(state.mode)}', this EarlyStopping has mode '${this.mode}'`);
    const best = state.best_score ?? null;
    if (best !== null && (typeof best !== 'number' || Number.isNaN(best))) throw new TypeError(`${fn}: best_score must be a number or null, got ${describeValue(best)}`);
    if (typeof state.counter !== 'number' || !Number.isInteger(state.counter) || state.counter < 0) throw new TypeError(`${fn}: counter must be a non-negative integer, got ${describeValue(state.counter)}`);
    if (state.early_stop !== undefined && typeof state.early_stop !== 'boolean') throw new TypeError(`${fn}: early_stop must be a boolean, got ${describeValue(state.early_stop)}`);
    this.bestScore = best;
    this.counter = state.counter;
    this.earlyStop = state.early_stop ?? false;
  }
}

function describeValue(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : typeof v === 'object' && v !== null ? (v.constructor?.name ?? 'an object') : String(v);
}
