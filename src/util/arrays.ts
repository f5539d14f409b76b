/**
 * Appends `items` to `target` one by one and returns `target`. `target.push(...items)` passes every item as a
 * call argument, which overflows the stack past about 120,000 items; lists built from scanned files
 * (prerequisites, image templates, tags) can be that long.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
