// torch.unique and torch.unique_consecutive as torch/functional.py dispatches them: one ATen call
// that always makes three tensors, then a tensor or a tuple depending on returnInverse/returnCounts.
import { aten } from '../call.js';
import { Tensor } from '../tensor.js';
import { bindArgs, boolArg, installMethods, intOrNull } from './args.js';

export interface UniqueConsecutiveOptions {
  returnInverse?: boolean;
  returnCounts?: boolean;
  dim?: number | null;
}
export interface UniqueOptions extends UniqueConsecutiveOptions {
  sorted?: boolean;
}

// What the options select: the output alone, or a tuple with the inverse and/or the counts.
type Both = { returnInverse: true; returnCounts: true };
type OnlyInverse = { returnInverse: true; returnCounts?: false };
type OnlyCounts = { returnInverse?: false; returnCounts: true };
type Neither = { returnInverse?: false; returnCounts?: false };
export type UniqueResult = Tensor | [Tensor, Tensor] | [Tensor, Tensor, Tensor];

// Python's _return_output / _return_inverse / _return_counts / _return_inverse_and_counts.
function pick([output, inverse, counts]: Tensor[], returnInverse: boolean, returnCounts: boolean): UniqueResult {
  if (!returnInverse) inverse!.dispose();
  if (!returnCounts) counts!.dispose();
  if (returnInverse && returnCounts) return [output!, inverse!, counts!];
  if (returnInverse) return [output!, inverse!];
  if (returnCounts) return [output!, counts!];
  return output!;
}

/**
 * torch.unique(input, sorted=true, returnInverse=false, returnCounts=false, dim=null): the output,
 * or [output, inverse?, counts?] when returnInverse or returnCounts is set.
 */
export function unique(input: Tensor, options?: UniqueOptions & Neither): Tensor;
export function unique(input: Tensor, options: UniqueOptions & Both): [Tensor, Tensor, Tensor];
export function unique(input: Tensor, options: UniqueOptions & (OnlyInverse | OnlyCounts)): [Tensor, Tensor];
export function unique(input: Tensor, sorted: boolean, returnInverse: true, returnCounts: true, dim?: number | null): [Tensor, Tensor, Tensor];
export function unique(input: Tensor, sorted: boolean, returnInverse: true, returnCounts?: false, dim?: number | null): [Tensor, Tensor];
export function unique(input: Tensor, sorted: boolean, returnInverse: false, returnCounts: true, dim?: number | null): [Tensor, Tensor];
export function unique(input: Tensor, sorted?: boolean, returnInverse?: false, returnCounts?: false, dim?: number | null): Tensor;
export function unique(input: Tensor, ...args: (boolean | number | null | UniqueOptions | undefined)[]): UniqueResult;
export function unique(input: Tensor, ...args: unknown[]): UniqueResult {
  const o = bindArgs('unique', args, ['sorted', 'returnInverse', 'returnCounts', 'dim']);
  const sorted = boolArg('unique', 'sorted', o.sorted, true);
  const returnInverse = boolArg('unique', 'returnInverse', o.returnInverse, false);
  const returnCounts = boolArg('unique', 'returnCounts', o.returnCounts, false);
  const dim = intOrNull('unique', 'dim', o.dim);
  const flags = { sorted, returnInverse, returnCounts };
  const three = (dim === null ? aten('_unique2', [input, flags]) : aten('unique_dim', [input, dim, flags])) as Tensor[];
  return pick(three, returnInverse, returnCounts);
}

/**
 * torch.unique_consecutive(input, returnInverse=false, returnCounts=false, dim=null): the output,
 * or [output, inverse?, counts?] when returnInverse or returnCounts is set.
 */
export function uniqueConsecutive(input: Tensor, options?: UniqueConsecutiveOptions & Neither): Tensor;
export function uniqueConsecutive(input: Tensor, options: UniqueConsecutiveOptions & Both): [Tensor, Tensor, Tensor];
export function uniqueConsecutive(input: Tensor, options: UniqueConsecutiveOptions & (OnlyInverse | OnlyCounts)): [Tensor, Tensor];
export function uniqueConsecutive(input: Tensor, returnInverse: true, returnCounts: true, dim?: number | null): [Tensor, Tensor, Tensor];
export function uniqueConsecutive(input: Tensor, returnInverse: true, returnCounts?: false, dim?: number | null): [Tensor, Tensor];
export function uniqueConsecutive(input: Tensor, returnInverse: false, returnCounts: true, dim?: number | null): [Tensor, Tensor];
export function uniqueConsecutive(input: Tensor, returnInverse?: false, returnCounts?: false, dim?: number | null): Tensor;
export function uniqueConsecutive(input: Tensor, ...args: (boolean | number | null | UniqueConsecutiveOptions | undefined)[]): UniqueResult;
export function uniqueConsecutive(input: Tensor, ...args: unknown[]): UniqueResult {
  const o = bindArgs('uniqueConsecutive', args, ['returnInverse', 'returnCounts', 'dim']);
  const returnInverse = boolArg('uniqueConsecutive', 'returnInverse', o.returnInverse, false);
  const returnCounts = boolArg('uniqueConsecutive', 'returnCounts', o.returnCounts, false);
  const dim = intOrNull('uniqueConsecutive', 'dim', o.dim);
  const three = aten('unique_consecutive', [input, { returnInverse, returnCounts, dim }]) as Tensor[];
  return pick(three, returnInverse, returnCounts);
}

declare module '../tensor.js' {
  interface Tensor {
    unique(options?: UniqueOptions & Neither): Tensor;
    unique(options: UniqueOptions & Both): [Tensor, Tensor, Tensor];
    unique(options: UniqueOptions & (OnlyInverse | OnlyCounts)): [Tensor, Tensor];
    unique(sorted: boolean, returnInverse: true, returnCounts: true, dim?: number | null): [Tensor, Tensor, Tensor];
    unique(sorted: boolean, returnInverse: true, returnCounts?: false, dim?: number | null): [Tensor, Tensor];
    unique(sorted: boolean, returnInverse: false, returnCounts: true, dim?: number | null): [Tensor, Tensor];
    unique(sorted?: boolean, returnInverse?: false, returnCounts?: false, dim?: number | null): Tensor;
    unique(...args: (boolean | number | null | UniqueOptions | undefined)[]): UniqueResult;
    uniqueConsecutive(options?: UniqueConsecutiveOptions & Neither): Tensor;
    uniqueConsecutive(options: UniqueConsecutiveOptions & Both): [Tensor, Tensor, Tensor];
    uniqueConsecutive(options: UniqueConsecutiveOptions & (OnlyInverse | OnlyCounts)): [Tensor, Tensor];
    uniqueConsecutive(returnInverse: true, returnCounts: true, dim?: number | null): [Tensor, Tensor, Tensor];
    uniqueConsecutive(returnInverse: true, returnCounts?: false, dim?: number | null): [Tensor, Tensor];
    uniqueConsecutive(returnInverse: false, returnCounts: true, dim?: number | null): [Tensor, Tensor];
    uniqueConsecutive(returnInverse?: false, returnCounts?: false, dim?: number | null): Tensor;
    uniqueConsecutive(...args: (boolean | number | null | UniqueConsecutiveOptions | undefined)[]): UniqueResult;
  }
}

installMethods({
  unique(this: Tensor, ...args: unknown[]): UniqueResult {
    return unique(this, ...(args as []));
  },
  uniqueConsecutive(this: Tensor, ...args: unknown[]): UniqueResult {
    return uniqueConsecutive(this, ...(args as []));
  },
});
