import { describe, expect, it } from 'vitest';
import { applySubsetOrder, changedIds, moveIds, sortByOrder } from './reorder';

describe('moveIds', () => {
  const order = [1, 2, 3, 4, 5];

  it('moves one row down to after the target', () => {
    expect(moveIds(order, 1, 3)).toEqual([2, 3, 1, 4, 5]);
  });

  it('moves one row up to before the target', () => {
    expect(moveIds(order, 5, 2)).toEqual([1, 5, 2, 3, 4]);
  });

  it('matches a single-step swap both ways', () => {
    expect(moveIds(order, 2, 3)).toEqual([1, 3, 2, 4, 5]);
    expect(moveIds(order, 3, 2)).toEqual([1, 3, 2, 4, 5]);
  });

  it('leaves the order alone when dropped on itself or on an unknown id', () => {
    expect(moveIds(order, 3, 3)).toEqual(order);
    expect(moveIds(order, 3, 99)).toEqual(order);
    expect(moveIds(order, 99, 3)).toEqual(order);
  });

  it('moves a selection as a block, in its current order, when the dragged row is selected', () => {
    expect(moveIds(order, 4, 1, new Set([4, 2]))).toEqual([2, 4, 1, 3, 5]);
    expect(moveIds(order, 1, 5, new Set([1, 3]))).toEqual([2, 4, 5, 1, 3]);
  });

  it('moves only the dragged row when it is not part of the selection', () => {
    expect(moveIds(order, 5, 1, new Set([2, 3]))).toEqual([5, 1, 2, 3, 4]);
  });

  it('gathers a selection where the target selected row was', () => {
    expect(moveIds(order, 1, 4, new Set([1, 4]))).toEqual([2, 3, 1, 4, 5]);
  });
});

describe('applySubsetOrder', () => {
  it('gives the subset the slots it holds, in its new order, like the server does', () => {
    expect(applySubsetOrder([1, 2, 3, 4, 5, 6], [5, 1, 3])).toEqual([5, 2, 1, 4, 3, 6]);
  });

  it('is the identity for the unchanged subset', () => {
    expect(applySubsetOrder([1, 2, 3], [1, 3])).toEqual([1, 2, 3]);
  });
});

describe('changedIds and sortByOrder', () => {
  it('lists the ids whose position changed', () => {
    expect(changedIds([1, 2, 3, 4], [1, 3, 2, 4])).toEqual([3, 2]);
  });

  it('sorts items to follow an id order', () => {
    const items = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(sortByOrder(items, [3, 1, 2]).map((i) => i.id)).toEqual([3, 1, 2]);
  });
});
