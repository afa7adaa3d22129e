import { hash } from 'node:crypto';

export type Split = 'train' | 'val' | 'test';
export interface SplitShares {
  train: number;
  val: number;
  test: number;
}

/**
 * The split of an item, from a hash of its id alone: an item never moves between train and test
 * as the dataset grows, so every candidate is compared with production on the same test items.
 * The first 32 bits of sha256("cairn-split:" + id) pick a point in [0, 1).
 */
export function assignSplit(itemId: string, shares: SplitShares): Split {
  // Read from the hex digest: a Buffer per item costs more than the hash itself.
  const point = Number.parseInt(hash('sha256', `cairn-split:${itemId}`, 'hex').slice(0, 8), 16) / 2 ** 32;
  if (point < shares.train) return 'train';
  if (point < shares.train + shares.val) return 'val';
  return 'test';
}
