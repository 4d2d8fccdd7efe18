/**
 * obj[key] when obj has that key itself, else undefined. Records are keyed by log field names,
 * and a field may be called `constructor` or `toString`: a plain lookup would find Object's.
 */
export function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
