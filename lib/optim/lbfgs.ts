// torch.optim.LBFGS (torch/optim/lbfgs.py), ported line by line: the step calls the JS closure many
// times, so it runs here in TS over flat views, with the same tensor ops, the same mix of Python
// floats and 0-dim tensors (t, H_diag, ro, al), and the same state layout (func_evals, n_iter, d, t,
// old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss, al).
import { noGrad, enableGrad } from '../autograd.js';
import { cat, viewAsReal } from '../generated/functions.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { keepState, Optimizer, withDefaults, type Closure, type OptimizerArgs, type ParamGroup, type ParamsT } from './optimizer.js';
import { checkAtLeast, numberOf } from './_more.js';

export interface LBFGSOptions {
  lr?: number | Tensor;
  maxIter?: number;
  /** Default: maxIter * 5 / 4, rounded down. */
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: 'strong_wolfe' | null;
}

/** A Python value that is a float or a 0-dim tensor, with Python's arithmetic between the two. */
type Num = number | Tensor;

const mul = (a: Num, b: Num): Num => (isTensor(a) ? a.mul(b) : isTensor(b) ? b.mul(a) : a * b);
const add = (a: Num, b: Num): Num => (isTensor(a) ? a.add(b) : isTensor(b) ? b.add(a) : a + b);
// float - tensor is Tensor.__rsub__ (torch.rsub); float / tensor is Tensor.__rtruediv__ (reciprocal() * float).
const sub = (a: Num, b: Num): Num => (isTensor(a) ? a.sub(b) : isTensor(b) ? b.neg().add(a) : a - b);
const div = (a: Num, b: Num): Num => (isTensor(a) ? a.div(b) : isTensor(b) ? b.reciprocal().mul(a) : a / b);
const abs = (a: Num): Num => (isTensor(a) ? a.abs() : Math.abs(a));
const truth = (v: boolean | Tensor): boolean => (typeof v === 'boolean' ? v : Boolean(v.item()));
const lt = (a: Num, b: Num): boolean => truth(isTensor(a) ? a.lt(b) : isTensor(b) ? b.gt(a) : a < b);
const le = (a: Num, b: Num): boolean => truth(isTensor(a) ? a.le(b) : isTensor(b) ? b.ge(a) : a <= b);
const gt = (a: Num, b: Num): boolean => lt(b, a);
const ge = (a: Num, b: Num): boolean => le(b, a);
// Python's builtin min / max: the first argument unless a later one is strictly smaller / larger.
const min = (...xs: Num[]): Num => xs.reduce((m, x) => (lt(x, m) ? x : m));
const max = (...xs: Num[]): Num => xs.reduce((m, x) => (gt(x, m) ? x : m));

function cubicInterpolate(x1: Num, f1: Num, g1: Num, x2: Num, f2: Num, g2: Num, bounds?: [Num, Num]): Num {
  const [xminBound, xmaxBound] = bounds ?? (le(x1, x2) ? [x1, x2] : [x2, x1]);
  const d1 = sub(add(g1, g2), div(mul(3, sub(f1, f2)), sub(x1, x2)));
  const d2Square = sub(isTensor(d1) ? d1.pow(2) : d1 ** 2, mul(g1, g2));
  if (ge(d2Square, 0)) {
    const d2 = isTensor(d2Square) ? d2Square.sqrt() : Math.sqrt(d2Square);
    const minPos = le(x1, x2)
      ? sub(x2, mul(sub(x2, x1), div(sub(add(g2, d2), d1), add(sub(g2, g1), mul(2, d2)))))
      : sub(x1, mul(sub(x1, x2), div(sub(add(g1, d2), d1), add(sub(g1, g2), mul(2, d2)))));
    return min(max(minPos, xminBound), xmaxBound);
  }
  return div(add(xminBound, xmaxBound), 2.0);
}

type ObjFunc = (x: Tensor[], t: Num, d: Tensor) => [number, Tensor];

function strongWolfe(objFunc: ObjFunc, x: Tensor[], t: Num, d: Tensor, f: number, g: Tensor, gtd: Tensor, maxLs: number, c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9): [number, Tensor, Num, number] {
  const dNorm = d.abs().max();
  g = g.clone();
  let [fNew, gNew] = objFunc(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew: Tensor = gNew.dot(d);
  let tPrev: Num = 0, fPrev: number = f, gPrev: Tensor = g, gtdPrev: Tensor = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: Num[] = [], bracketF: number[] = [], bracketG: Tensor[] = [], bracketGtd: Tensor[] = [];
  while (lsIter < maxLs) {
    if (gt(fNew, add(f, mul(mul(c1, t), gtd))) || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    if (le(abs(gtdNew), mul(-c2, gtd))) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (ge(gtdNew, 0)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = add(t, mul(0.01, sub(t, tPrev)));
    const maxStep = mul(t, 10);
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d);
    lsIter += 1;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (lt(mul(abs(sub(bracket[1]!, bracket[0]!)), dNorm), toleranceChange)) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const hi = max(...bracket), lo = min(...bracket);
    const eps = mul(0.1, sub(hi, lo));
    if (lt(min(sub(hi, t), sub(t, lo)), eps)) {
      if (insufProgress || ge(t, hi) || le(t, lo)) {
        t = lt(abs(sub(t, hi)), abs(sub(t, lo))) ? sub(hi, eps) : add(lo, eps);
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d);
    lsIter += 1;
    if (gt(fNew, add(f, mul(mul(c1, t), gtd))) || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.clone();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (le(abs(gtdNew), mul(-c2, gtd))) {
        done = true;
      } else if (ge(mul(gtdNew, sub(bracket[highPos]!, bracket[lowPos]!)), 0)) {
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.clone();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, lsFuncEvals];
}

// Python's float(closure()): the loss as a number.
function lossValue(out: unknown): number {
  if (isTensor(out)) return Number(out.item());
  if (typeof out === 'number') return out;
  throw new TypeError(`optim.LBFGS.step: the closure must return the loss (a Tensor or a number), got ${describe(out)}`);
}

const LBFGS_OPTIONS = ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'] as const;

/**
 * torch.optim.LBFGS(params, { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize,
 * lineSearchFn: null | 'strong_wolfe' }). One parameter group only; step(closure) needs the closure.
 */
export class LBFGS extends Optimizer {
  readonly #params: Tensor[];
  #numelCache: number | null = null;

  constructor(params: ParamsT, ...args: OptimizerArgs<LBFGSOptions, typeof LBFGS_OPTIONS>) {
    const given = withDefaults('optim.LBFGS', args, { lr: 1, maxIter: 20, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null } as Record<(typeof LBFGS_OPTIONS)[number], unknown>, LBFGS_OPTIONS);
    const maxIter = given.maxIter;
    if (typeof maxIter !== 'number' || !Number.isInteger(maxIter)) throw new TypeError(`optim.LBFGS: maxIter must be an integer, got ${describe(maxIter)}`);
    super(params, { ...given, maxEval: given.maxEval ?? Math.floor((maxIter * 5) / 4) });
    if (this.paramGroups.length !== 1) throw new Error("optim.LBFGS: LBFGS doesn't support per-parameter options (parameter groups)");
    this.#params = this.paramGroups[0]!.params;
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.LBFGS';
    checkAtLeast(cls, 'Invalid learning rate: {}', g.lr, 0, false, isDefaults);
    for (const key of ['maxIter', 'maxEval', 'historySize'])
      if (typeof g[key] !== 'number' || !Number.isInteger(g[key])) throw new TypeError(`${cls}: ${key} must be an integer, got ${describe(g[key])}`);
    for (const key of ['toleranceGrad', 'toleranceChange']) if (typeof g[key] !== 'number') throw new TypeError(`${cls}: ${key} must be a number, got ${describe(g[key])}`);
    if (g.lineSearchFn !== null && g.lineSearchFn !== 'strong_wolfe') throw new Error(`${cls}: only 'strong_wolfe' is supported as lineSearchFn, got ${JSON.stringify(g.lineSearchFn)}`);
  }

  /** Python's addParamGroup refuses nothing, but LBFGS only ever steps one group: a second one is an error here. */
  override addParamGroup(paramGroup: Parameters<Optimizer['addParamGroup']>[0]): void {
    super.addParamGroup(paramGroup);   // the base's checks first (a parameter in two groups, names), as Python's order
    if (this.paramGroups.length > 1) {
      this.paramGroups.pop();
      throw new Error("optim.LBFGS: LBFGS doesn't support per-parameter options (parameter groups)");
    }
  }

  // The state is flat vectors (d, prev_flat_grad) and lists of them: nothing has a parameter's shape.
  protected override checkStateShape(): void {}

  #numel(): number {
    this.#numelCache ??= this.#params.reduce((n, p) => n + (p.isComplex() ? 2 : 1) * p.numel(), 0);
    return this.#numelCache;
  }

  #gatherFlatGrad(): Tensor {
    const views = this.#params.map((p) => {
      const g = p.grad;
      let view = g === null ? p.newZeros([p.numel()]) : g.isSparse ? g.toDense().view(-1) : g.view(-1);
      if (view.isComplex()) view = viewAsReal(view).view(-1);
      return view;
    });
    return cat(views, 0);
  }

  #addGrad(stepSize: Num, update: Tensor): void {
    let offset = 0;
    const alpha = numberOf(stepSize);
    for (let p of this.#params) {
      if (p.isComplex()) p = viewAsReal(p);
      const numel = p.numel();
      p.add_(update.narrow(0, offset, numel).viewAs(p), { alpha });
      offset += numel;
    }
    if (offset !== this.#numel()) throw new Error(`optim.LBFGS: expected offset ${offset} to equal ${this.#numel()}`);
  }

  #directionalEvaluate(closure: Closure, x: Tensor[], t: Num, d: Tensor): [number, Tensor] {
    this.#addGrad(t, d);
    const loss = lossValue(enableGrad(closure));
    const flatGrad = this.#gatherFlatGrad();
    this.#params.forEach((p, i) => p.copy_(x[i]!));
    return [loss, flatGrad];
  }

  /** One optimization step: up to maxIter iterations, each calling `closure` (which must return the loss). */
  override step<L = undefined>(closure?: Closure<L>): L {
    if (typeof closure !== 'function') throw new TypeError(`optim.LBFGS.step: a closure is required (a function that zeroes the grads, computes the loss, calls backward() and returns the loss), got ${describe(closure)}`);
    if (this.paramGroups.length !== 1) throw new Error(`optim.LBFGS: expected exactly one param_group, but got ${this.paramGroups.length}`);
    return noGrad(() => this.#step(closure));
  }

  #step<L>(closure: Closure<L>): L {
    const evaluate = (): [L, number] => {
      const out = enableGrad(closure);
      return [out, lossValue(out)];
    };
    const group = this.paramGroups[0]!;
    const lr = numberOf(group.lr);
    const maxIter = group.maxIter as number, maxEval = group.maxEval as number;
    const toleranceGrad = group.toleranceGrad as number, toleranceChange = group.toleranceChange as number;
    const lineSearchFn = group.lineSearchFn as string | null, historySize = group.historySize as number;

    const state = this.stateOf(this.#params[0]!);
    state.func_evals ??= 0;
    state.n_iter ??= 0;

    const [origLoss, firstLoss] = evaluate();
    let loss = firstLoss;
    let currentEvals = 1;
    state.func_evals = (state.func_evals as number) + 1;

    let flatGrad = this.#gatherFlatGrad();
    let optCond = le(flatGrad.abs().max(), toleranceGrad);
    if (optCond) return origLoss;

    let d = state.d as Tensor | undefined;
    let t = state.t as Num | undefined;
    let oldDirs = state.old_dirs as Tensor[] | undefined;
    let oldStps = state.old_stps as Tensor[] | undefined;
    let ro = state.ro as Tensor[] | undefined;
    let hDiag = state.H_diag as Num | undefined;
    let prevFlatGrad = state.prev_flat_grad as Tensor | undefined | null;
    let prevLoss = state.prev_loss as number | undefined;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.n_iter = (state.n_iter as number) + 1;
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t!);
        const ys = y.dot(s);
        if (gt(ys, 1e-10)) {
          if (oldDirs!.length === historySize) {
            oldDirs!.shift();
            oldStps!.shift();
            ro!.shift();
          }
          oldDirs!.push(y);
          oldStps!.push(s);
          ro!.push(div(1.0, ys) as Tensor);
          hDiag = ys.div(y.dot(y));
        }
        const numOld = oldDirs!.length;
        if (!('al' in state)) state.al = new Array<Tensor | null>(historySize).fill(null);
        const al = state.al as (Tensor | null)[];
        const q = flatGrad.neg();
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = oldStps![i]!.dot(q).mul(ro![i]!);
          q.add_(oldDirs![i]!, { alpha: -Number(al[i]!.item()) });
        }
        const r = isTensor(hDiag) ? q.mul(hDiag) : q.mul(hDiag!);
        d = r;
        for (let i = 0; i < numOld; i++) {
          const beI = oldDirs![i]!.dot(r).mul(ro![i]!);
          r.add_(oldStps![i]!, { alpha: Number(al[i]!.sub(beI).item()) });
        }
      }
      if (prevFlatGrad === undefined || prevFlatGrad === null) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;

      t = state.n_iter === 1 ? mul(min(1.0, div(1.0, flatGrad.abs().sum())), lr) : lr;
      const gtd = flatGrad.dot(d!);
      if (gt(gtd, -toleranceChange)) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        const xInit = this.#params.map((p) => p.clone());
        const objFunc: ObjFunc = (x, tt, dd) => this.#directionalEvaluate(closure, x, tt, dd);
        [loss, flatGrad, t, lsFuncEvals] = strongWolfe(objFunc, xInit, t, d!, loss, flatGrad, gtd, maxEval - currentEvals);
        this.#addGrad(t, d!);
        optCond = le(flatGrad.abs().max(), toleranceGrad);
      } else {
        this.#addGrad(t, d!);
        if (nIter !== maxIter) {
          loss = evaluate()[1];
          flatGrad = this.#gatherFlatGrad();
          optCond = le(flatGrad.abs().max(), toleranceGrad);
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.func_evals = (state.func_evals as number) + lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (le(d!.mul(t).abs().max(), toleranceChange)) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    Object.assign(state, { d, t, old_dirs: oldDirs, old_stps: oldStps, ro, H_diag: hDiag, prev_flat_grad: prevFlatGrad, prev_loss: prevLoss });
    keepState(state);
    return origLoss;
  }
}
