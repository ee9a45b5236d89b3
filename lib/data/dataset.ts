// torch.utils.data.Dataset and IterableDataset: the two dataset protocols a DataLoader reads.

/** A map-style dataset (torch.utils.data.Dataset): samples by index, `length` of them. */
export abstract class Dataset<T = unknown> {
  /** The sample at `index` (Python's `__getitem__`). */
  abstract getItem(index: number): T;
  /** How many samples there are (Python's `__len__`). */
  abstract get length(): number;
}

/** An iterable-style dataset (torch.utils.data.IterableDataset): a stream of samples, sync or async. */
export abstract class IterableDataset<T = unknown> {
  abstract [Symbol.iterator](): Iterator<T>;
}
