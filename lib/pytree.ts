// Pytrees as the transforms here see them (torch.utils._pytree's role): arrays and plain objects are
// nodes, everything else (tensors, numbers, other objects) is a leaf.
import { isTensor } from './tensor.js';

export const isTreeNode = (v: unknown): v is readonly unknown[] | Record<string, unknown> =>
  Array.isArray(v) || (v !== null && typeof v === 'object' && !isTensor(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v)));

/** The leaves in order: array elements by index, object values in key order. */
export function treeLeaves(tree: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(tree)) for (const v of tree) treeLeaves(v, out);
  else if (isTreeNode(tree)) for (const v of Object.values(tree)) treeLeaves(v, out);
  else out.push(tree);
  return out;
}

/** The same structure with fn applied to every leaf. */
export function mapTree(tree: unknown, fn: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(tree)) return tree.map((v) => mapTree(v, fn));
  if (isTreeNode(tree)) return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, mapTree(v, fn)]));
  return fn(tree);
}

/** Rebuilds `tree` with its leaves replaced, in treeLeaves order. */
export function withLeaves(tree: unknown, leaves: readonly unknown[]): unknown {
  let i = 0;
  return mapTree(tree, () => leaves[i++]);
}
