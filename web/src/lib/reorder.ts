/**
 * The lineup's drag-and-drop maths. POST /api/channels/reorder with `{ids}` gives those channels
 * the display slots they occupy now, in the given order — so a filtered view can send just its
 * own rows, and `applySubsetOrder` predicts the whole lineup's order the same way.
 */

/**
 * The order after dropping `activeId` on `overId`. When `activeId` is one of `selected`, the whole
 * selection moves together (kept in its current relative order). Moving down lands after the
 * target, moving up lands before it (as a sortable list shows it). Unknown ids change nothing.
 */
export function moveIds(
  order: readonly number[],
  activeId: number,
  overId: number,
  selected: ReadonlySet<number> = new Set(),
): number[] {
  const from = order.indexOf(activeId);
  const to = order.indexOf(overId);
  if (from < 0 || to < 0) return [...order];
  const moving = selected.has(activeId) ? order.filter((id) => selected.has(id)) : [activeId];
  const movingSet = new Set(moving);
  if (movingSet.has(overId) && moving.length === 1) return [...order];
  const rest = order.filter((id) => !movingSet.has(id));
  // Onto a row that moves too: the block goes where that row was; else before/after the target.
  const insertAt = movingSet.has(overId)
    ? order.slice(0, to).filter((id) => !movingSet.has(id)).length
    : rest.indexOf(overId) + (from < to ? 1 : 0);
  return [...rest.slice(0, insertAt), ...moving, ...rest.slice(insertAt)];
}

/**
 * The whole order after the server applies `subset` (a reordering of some ids of `full`): those ids
 * take the positions they hold in `full`, in `subset`'s order; the rest stay put.
 */
export function applySubsetOrder(full: readonly number[], subset: readonly number[]): number[] {
  const inSubset = new Set(subset);
  const result = [...full];
  let next = 0;
  for (let i = 0; i < result.length; i++) {
    if (inSubset.has(result[i]!)) result[i] = subset[next++]!;
  }
  return result;
}

/** The ids whose position differs (what a reorder request needs to carry, at least). */
export function changedIds(before: readonly number[], after: readonly number[]): number[] {
  return after.filter((id, i) => before[i] !== id);
}

/** Items sorted to follow `order` (ids missing from it keep their relative place at the end). */
export function sortByOrder<T extends { id: number }>(items: readonly T[], order: readonly number[]): T[] {
  const rank = new Map(order.map((id, i) => [id, i]));
  return [...items].sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity));
}
