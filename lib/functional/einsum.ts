// torch.einsum as torch/functional.py takes it: an equation with operands as varargs or one array,
// or the sublist form (operand, subscripts, operand, subscripts, ..., [output subscripts]).
import { aten } from '../call.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';

/** A subscript in the sublist form: 0–25 are 'A'–'Z', 26–51 'a'–'z'; '...' is Python's Ellipsis. */
export type Subscript = number | '...';

// Python's parse_subscript.
function subscriptLetter(n: unknown): string {
  if (n === '...') return '...';
  if (typeof n === 'number' && Number.isInteger(n)) {
    if (n >= 0 && n < 26) return String.fromCharCode(65 + n);
    if (n >= 26 && n < 52) return String.fromCharCode(97 + n - 26);
  }
  throw new RangeError('einsum(): subscript in subscript list is not within the valid range [0, 52)');
}

function sublistText(list: unknown): string {
  if (!Array.isArray(list)) throw new TypeError(`einsum(): expected a subscript list after each operand, got ${describe(list)}`);
  return list.map(subscriptLetter).join('');
}

/**
 * torch.einsum(equation, ...operands), einsum(equation, [operands]) or the sublist form
 * einsum(a, [0, 1], b, [1, 2], [0, 2]). Operands are contracted left to right (PyTorch without opt_einsum).
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor;
export function einsum(equation: string, operands: Tensor[]): Tensor;
export function einsum(...sublistForm: (Tensor | Subscript[])[]): Tensor;
export function einsum(...args: unknown[]): Tensor {
  if (args.length < 2)
    throw new TypeError('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  let equation: string;
  let operands: unknown[];
  if (isTensor(args[0])) {
    const subscripts = args.filter((_, i) => i % 2 === 1);
    operands = args.filter((_, i) => i % 2 === 0);
    if (args.length % 2 === 1) operands.pop(); // the last item is the output's subscript list
    equation = subscripts.map(sublistText).join(',');
    if (args.length % 2 === 1) equation += '->' + sublistText(args[args.length - 1]);
  } else {
    if (typeof args[0] !== 'string') throw new TypeError(`einsum(): the first argument must be the equation string or a Tensor, got ${describe(args[0])}`);
    equation = args[0];
    operands = args.length === 2 && Array.isArray(args[1]) ? (args[1] as unknown[]) : args.slice(1);
  }
  operands.forEach((t, i) => {
    if (!isTensor(t)) throw new TypeError(`einsum(): operand ${i} must be a Tensor, got ${describe(t)}`);
  });
  return aten('einsum', [equation, operands]) as Tensor;
}
