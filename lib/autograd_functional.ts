// torch.autograd.functional: vjp, jvp (the double-backward trick), jacobian, hessian, vhp and hvp, as
// torch/autograd/functional.py computes them with the autograd engine. Python's tuples of inputs or
// outputs are arrays here; a single Tensor stays a single Tensor in the results, as in Python.
import { enableGrad, grad as autogradGrad, isGradEnabled, setGradEnabled } from './autograd.js';
import { zerosLike } from './creation.js';
import { stack } from './generated/functions.js';
import { isOptionsObject, pyTypeName, readOptions } from './options.js';
import { isTensor, type Tensor } from './tensor.js';
import { pySize } from './dtype.js';

export interface FunctionalOptions {
  createGraph?: boolean;
  strict?: boolean;
}
export interface JacobianOptions extends FunctionalOptions {
  vectorize?: boolean;
  strategy?: 'reverse-mode' | 'forward-mode';
}
export interface HessianOptions extends FunctionalOptions {
  vectorize?: boolean;
  outerJacobianStrategy?: 'reverse-mode' | 'forward-mode';
}
type Func = (...inputs: Tensor[]) => Tensor | Tensor[];

// _as_tuple: [was it an array, the tensors]
function asTuple(value: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(value);
  const list = isTuple ? (value as unknown[]) : [value];
  list.forEach((el, i) => {
    if (!isTensor(el))
      throw new TypeError(`The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the ${isTuple ? `value at index ${i}` : `given ${argName}`} has type <class '${pyTypeName(el)}'>.`);
  });
  return [isTuple, list as Tensor[]];
}
// _grad_preprocess: always a new tensor object, so that inputs the function captures are told apart
const preprocess = (inputs: Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] =>
  inputs.map((t) => (createGraph && t.requiresGrad ? (t.isSparse ? t.clone() : t.viewAs(t)) : t.detach().requiresGrad_(needGraph)));
const postprocess = <V>(values: V, createGraph: boolean): V =>
  (Array.isArray(values) ? values.map((v) => postprocess(v, createGraph)) : createGraph ? values : (values as unknown as Tensor).detach()) as V;
// _tuple_postprocess
const unpack = (res: unknown[], isTuple: boolean): unknown => (isTuple ? res : res[0]);

function validateV(v: Tensor[], other: Tensor[], isOtherTuple: boolean): void {
  if (v.length !== other.length) throw new Error(isOtherTuple ? `v is a tuple of invalid length: should be ${other.length} but got ${v.length}.` : 'The given v should contain a single Tensor.');
  v.forEach((el, i) => {
    const want = other[i]!.shape;
    if (el.shape.length !== want.length || el.shape.some((d, k) => d !== want[k]))
      throw new Error(`${isOtherTuple ? `Entry ${i} in ` : ''}v has invalid size: should be ${pySize(want)} but got ${pySize(el.shape)}.`);
  });
}

// The v of jvp, vhp and hvp: shaped like the inputs; may be left out only for one single-element input.
function inputVector(api: string, vGiven: Tensor | Tensor[] | null, ins: Tensor[], isInputsTuple: boolean, createGraph: boolean): Tensor[] | null {
  if (vGiven === null) {
    if (ins.length !== 1 || ins[0]!.numel() !== 1)
      throw new Error('The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.');
    return null;
  }
  const v = preprocess(asTuple(vGiven, 'v', api)[1], createGraph, false);
  validateV(v, ins, isInputsTuple);
  return v;
}

// _check_requires_grad: Python's strict-mode checks of the outputs, of jvp's grad_inputs and of the jacobian of vhp/hvp
type CheckKind = 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian';
function checkRequiresGrad(tensors: (Tensor | null)[], kind: CheckKind, strict: boolean): void {
  if (!strict) return;
  tensors.forEach((t, i) => {
    if (t === null) throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (t.requiresGrad) return;
    const messages: Record<CheckKind, string> = {
      hessian: `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.`,
      jacobian: `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear function for example).`,
      grad_inputs: `The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`,
      outputs: `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
    };
    throw new Error(messages[kind]);
  });
}
const checkOutputs = (outputs: Tensor[], strict: boolean): void => checkRequiresGrad(outputs, 'outputs', strict);

// _autograd_grad: outputs that do not require grad are left out; null where an input is unused
function autogradGradOf(outputs: Tensor[], inputs: Tensor[], gradOutputs: (Tensor | null)[] | null, createGraph: boolean, retainGraph?: boolean): (Tensor | null)[] {
  const keep = outputs.map((o, i) => [o, gradOutputs?.[i] ?? null] as const).filter(([o]) => o.requiresGrad);
  if (keep.length === 0) return inputs.map(() => null);
  const go = keep.map(([o, g]) => g ?? zerosLike(o).fill_(1));
  return autogradGrad(keep.map(([o]) => o), inputs, { gradOutputs: go, allowUnused: true, createGraph, ...(retainGraph === undefined ? {} : { retainGraph }) });
}

function fillInZeros(grads: (Tensor | null)[], refs: Tensor[], strict: boolean, createGraph: boolean, stage: 'back' | 'back_trick' | 'double_back' | 'double_back_trick'): Tensor[] {
  return grads.map((g, i) => {
    if (g !== null) {
      if (strict && createGraph && !g.requiresGrad)
        throw new Error(`The ${stage.startsWith('double') ? 'hessian' : 'jacobian'} of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
      return g;
    }
    if (strict) {
      const messages = {
        back: `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
        back_trick: `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`,
        double_back: `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
        double_back_trick: `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`,
      };
      throw new Error(messages[stage]);
    }
    return zerosLike(refs[i]!);
  });
}

function withGradMode<R>(enabled: boolean, fn: () => R): R {
  const previous = isGradEnabled();
  setGradEnabled(enabled);
  try {
    return fn();
  } finally {
    setGradEnabled(previous);
  }
}

function optionsOf<O extends object>(fn: string, args: unknown[], keys: string[]): [Tensor | Tensor[] | null, O] {
  const last = args.at(-1);
  const options = isOptionsObject(last) ? (readOptions(fn, last, keys) as O) : ({} as O);
  const v = (isOptionsObject(last) ? args.slice(0, -1) : args)[0] as Tensor | Tensor[] | null | undefined;
  return [v ?? null, options];
}

/** torch.autograd.functional.vjp(func, inputs, v?, { createGraph, strict }): [func(inputs), v^T J]. */
export function vjp(func: Func, inputs: Tensor | Tensor[], ...rest: unknown[]): [unknown, unknown] {
  const [vGiven, { createGraph = false, strict = false }] = optionsOf<FunctionalOptions>('autograd.functional.vjp', rest, ['createGraph', 'strict']);
  const [isInputsTuple, ins0] = asTuple(inputs, 'inputs', 'vjp');
  const [outputs, isOutputsTuple, ins, v] = enableGrad(() => {
    const ins = preprocess(ins0, createGraph, true);
    const [isOut, outputs] = asTuple(func(...ins), 'outputs of the user-provided function', 'vjp');
    checkOutputs(outputs, strict);
    let v: Tensor[] | null = null;
    if (vGiven !== null) {
      v = preprocess(asTuple(vGiven, 'v', 'vjp')[1], createGraph, false);
      validateV(v, outputs, isOut);
    } else if (outputs.length !== 1 || outputs[0]!.numel() !== 1) {
      throw new Error('The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    }
    return [outputs, isOut, ins, v] as const;
  });
  const result = withGradMode(createGraph || isGradEnabled(), () => fillInZeros(autogradGradOf(outputs, ins, v, createGraph), ins, strict, createGraph, 'back'));
  return [unpack(postprocess(outputs, createGraph), isOutputsTuple), unpack(postprocess(result, createGraph), isInputsTuple)];
}

/** torch.autograd.functional.jvp(func, inputs, v?, { createGraph, strict }): [func(inputs), J v], by the double-backward trick as Python. */
export function jvp(func: Func, inputs: Tensor | Tensor[], ...rest: unknown[]): [unknown, unknown] {
  const [vGiven, { createGraph = false, strict = false }] = optionsOf<FunctionalOptions>('autograd.functional.jvp', rest, ['createGraph', 'strict']);
  const [isInputsTuple, ins0] = asTuple(inputs, 'inputs', 'jvp');
  const [outputs, isOutputsTuple, gradInputs, gradOutputs, v] = enableGrad(() => {
    const ins = preprocess(ins0, createGraph, true);
    const v = inputVector('jvp', vGiven, ins, isInputsTuple, createGraph);
    const [isOut, outputs] = asTuple(func(...ins), 'outputs of the user-provided function', 'jvp');
    checkOutputs(outputs, strict);
    // the backward is linear in grad_outputs: their value does not matter (zeros, never inf or NaN)
    const gradOutputs = outputs.map((o) => zerosLike(o).requiresGrad_());
    const gradInputs = autogradGradOf(outputs, ins, gradOutputs, true);
    checkRequiresGrad(gradInputs, 'grad_inputs', strict);
    return [outputs, isOut, gradInputs, gradOutputs, v] as const;
  });
  const live = gradInputs.filter((g): g is Tensor => g !== null);
  const liveV = v === null ? null : v.filter((_, i) => gradInputs[i] !== null);
  const run = (): Tensor[] => fillInZeros(autogradGradOf(live, gradOutputs, liveV, createGraph), outputs, strict, createGraph, 'back_trick');
  const result = createGraph ? enableGrad(run) : run();
  return [unpack(postprocess(outputs, createGraph), isOutputsTuple), unpack(postprocess(result, createGraph), isOutputsTuple)];
}

/** torch.autograd.functional.jacobian(func, inputs, { createGraph, strict, vectorize, strategy }): per output, per input, output shape then input shape. */
export function jacobian(func: Func, inputs: Tensor | Tensor[], options: JacobianOptions = {}): unknown {
  const { createGraph = false, strict = false, vectorize = false, strategy = 'reverse-mode' } = readOptions('autograd.functional.jacobian', options, ['createGraph', 'strict', 'vectorize', 'strategy']) as JacobianOptions;
  if (strategy !== 'forward-mode' && strategy !== 'reverse-mode')
    throw new Error('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".');
  if (strategy === 'forward-mode') {
    if (createGraph) throw new Error('torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.');
    if (strict) throw new Error('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.');
    if (!vectorize) throw new Error('Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly implemented for `vectorize=True`.');   // Python's words, typo too
  }
  if (vectorize && strict) throw new Error('torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.');
  const [isInputsTuple, ins0] = asTuple(inputs, 'inputs', 'jacobian');
  return enableGrad(() => {
    const ins = preprocess(ins0, createGraph, true);
    const [isOutputsTuple, outputs] = asTuple(func(...ins), 'outputs of the user-provided function', 'jacobian');
    checkOutputs(outputs, strict);
    // Python's vmap over the outputs' basis has no row 0 to index when they have no elements: IndexError (a RangeError here)
    if (vectorize && strategy === 'reverse-mode' && outputs.every((out) => out.numel() === 0)) throw new RangeError('index 0 is out of bounds for dimension 0 with size 0');
    // vectorize (Python's vmap over the basis) computes the same rows; here they are taken one by one
    const jac = outputs.map((out, i) => {
      const rows: Tensor[][] = ins.map(() => []);
      for (let j = 0; j < out.numel(); j++) {
        const vj = autogradGradOf([out.reshape(-1).select(0, j)], ins, null, createGraph, true);
        vj.forEach((g, k) => {
          if (g === null) {
            if (strict) throw new Error(`Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
            rows[k]!.push(zerosLike(ins[k]!));
          } else {
            if (strict && createGraph && !g.requiresGrad) throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
            rows[k]!.push(g);
          }
        });
      }
      // an output without elements: Python's vmap gives an empty block (in the output's dtype in forward mode, as its
      // tangents), its loop stacks no rows ("stack expects a non-empty TensorList")
      return rows.map((r, k) => (r.length === 0 && vectorize
        ? (strategy === 'forward-mode' ? out : ins[k]!).newZeros([...out.shape, ...ins[k]!.shape])
        : stack(r).view([...out.shape, ...ins[k]!.shape])));
    });
    const post = postprocess(jac, createGraph);
    return unpack(post.map((perInput) => unpack(perInput, isInputsTuple)), isOutputsTuple);
  });
}

/** torch.autograd.functional.hessian(func, inputs, { createGraph, strict, vectorize, outerJacobianStrategy }): func returns one element. */
export function hessian(func: Func, inputs: Tensor | Tensor[], options: HessianOptions = {}): unknown {
  const { createGraph = false, strict = false, vectorize = false, outerJacobianStrategy = 'reverse-mode' } = readOptions('autograd.functional.hessian', options, ['createGraph', 'strict', 'vectorize', 'outerJacobianStrategy']) as HessianOptions;
  const [isInputsTuple, ins] = asTuple(inputs, 'inputs', 'hessian');
  if (outerJacobianStrategy !== 'forward-mode' && outerJacobianStrategy !== 'reverse-mode') throw new Error('Expected strategy to be either "forward-mode" or "reverse-mode".');
  const single = (...inp: Tensor[]): Tensor => {
    const out = func(...inp);
    const [isTuple, outs] = asTuple(out, 'outputs of the user-provided function', 'hessian');
    checkOutputs(outs, strict);
    if (isTuple) throw new Error('The function given to hessian should return a single Tensor');
    if (outs[0]!.numel() !== 1) throw new Error('The Tensor returned by the function given to hessian should contain a single element');
    return outs[0]!.squeeze();
  };
  const jacFunc = (...inp: Tensor[]): Tensor[] => {
    const jac = jacobian(single, inp, { createGraph: true }) as Tensor[];
    checkRequiresGrad(jac, 'jacobian', strict);
    return jac;
  };
  const res = jacobian(jacFunc, ins, { createGraph, strict, vectorize, strategy: outerJacobianStrategy }) as Tensor[][];
  return isInputsTuple ? res : res[0]![0];
}

function hessianProduct(api: 'vhp' | 'hvp', func: Func, inputs: Tensor | Tensor[], rest: unknown[]): [unknown, unknown] {
  const [vGiven, { createGraph = false, strict = false }] = optionsOf<FunctionalOptions>(`autograd.functional.${api}`, rest, ['createGraph', 'strict']);
  const [isInputsTuple, ins0] = asTuple(inputs, 'inputs', api);
  const [outputs, isOutputsTuple, ins, jac, v] = enableGrad(() => {
    const ins = preprocess(ins0, createGraph, true);
    const v = inputVector(api, vGiven, ins, isInputsTuple, createGraph);
    const [isOut, outputs] = asTuple(func(...ins), 'outputs of the user-provided function', api);
    checkOutputs(outputs, strict);
    if (isOut) throw new Error(`The function given to ${api} should return a single Tensor`);
    if (outputs[0]!.numel() !== 1) throw new Error(`The Tensor returned by the function given to ${api} should contain a single element`);
    const jac = autogradGradOf(outputs, ins, null, true);
    checkRequiresGrad(jac, 'jacobian', strict);
    return [outputs, isOut, ins, jac, v] as const;
  });
  const liveJac = jac.map((g, i) => g ?? zerosLike(ins[i]!));   // an unused input has no jacobian: zero, independent of the inputs
  let result: Tensor[];
  if (api === 'vhp') {
    result = withGradMode(createGraph || isGradEnabled(), () => fillInZeros(autogradGradOf(liveJac, ins, v, createGraph), ins, strict, createGraph, 'double_back'));
  } else {
    const [doubleBack, gradJac] = enableGrad(() => {
      const gradJac = ins.map((inp) => zerosLike(inp).requiresGrad_());
      return [autogradGradOf(liveJac, ins, gradJac, true), gradJac] as const;
    });
    checkRequiresGrad(jac, 'hessian', strict);   // Python checks the jacobian again here (already checked above)
    const live = doubleBack.map((g, i) => g ?? zerosLike(ins[i]!));
    result = withGradMode(createGraph || isGradEnabled(), () => fillInZeros(autogradGradOf(live, gradJac, v, createGraph), ins, strict, createGraph, 'double_back_trick'));
  }
  return [unpack(postprocess(outputs, createGraph), isOutputsTuple), unpack(postprocess(result, createGraph), isInputsTuple)];
}

/** torch.autograd.functional.vhp(func, inputs, v?, { createGraph, strict }): [func(inputs), v^T H]. */
export const vhp = (func: Func, inputs: Tensor | Tensor[], ...rest: unknown[]): [unknown, unknown] => hessianProduct('vhp', func, inputs, rest);
/** torch.autograd.functional.hvp(func, inputs, v?, { createGraph, strict }): [func(inputs), H v], by the double-backward trick as Python. */
export const hvp = (func: Func, inputs: Tensor | Tensor[], ...rest: unknown[]): [unknown, unknown] => hessianProduct('hvp', func, inputs, rest);
