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

/** Whether two pytrees have the same structure (Python's treespec equality: object keys in the same order; leaves of any kind). */
export function sameStructure(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameStructure(v, b[i]));
  if (isTreeNode(a) || isTreeNode(b)) {
    if (!isTreeNode(a) || !isTreeNode(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameStructure((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return true;
}

const pyStr = (k: string): string => `'${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** torch.utils._pytree.treespec_pprint of a pytree: `*` per leaf, arrays as Python lists, objects as dicts: `{'s': *, 'c': [*, *]}`. */
export function treeSpecPprint(tree: unknown): string {
  if (Array.isArray(tree)) return `[${tree.map(treeSpecPprint).join(', ')}]`;
  if (isTreeNode(tree)) return `{${Object.entries(tree).map(([k, v]) => `${pyStr(k)}: ${treeSpecPprint(v)}`).join(', ')}}`;
  return '*';
}

/**
 * Python's repr of a pytree's TreeSpec, line breaks included: `TreeSpec(dict, ['a', 'b'], [*,\n  *])`. Arrays are
 * lists, except the outermost one when `topTuple` (the tuple of arguments a transform takes: jvp's primals).
 */
export function treeSpecRepr(tree: unknown, topTuple = false, indent = 0): string {
  if (!isTreeNode(tree)) return '*';
  const isArray = Array.isArray(tree);
  const children = isArray ? (tree as unknown[]) : Object.values(tree);
  const context = isArray ? 'None' : `[${Object.keys(tree).map(pyStr).join(', ')}]`;
  const inner = indent + 2;
  const parts = children.map((c, i) => (i === 0 ? '' : `\n${' '.repeat(inner)}`) + treeSpecRepr(c, false, inner));
  return `TreeSpec(${isArray ? (topTuple ? 'tuple' : 'list') : 'dict'}, ${context}, [${parts.join(',')}])`;
}
