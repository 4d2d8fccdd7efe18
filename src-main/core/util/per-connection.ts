import type { Database } from 'better-sqlite3';

/**
 * State kept per database connection, made on first use. A WeakMap: it goes when the connection
 * object does, so a closed project's caches are never looked up again nor kept alive.
 */
export function perConnection<T>(make: () => T): (db: Database) => T {
  const all = new WeakMap<Database, T>();
  return (db) => {
    let value = all.get(db);
    if (value === undefined) all.set(db, (value = make()));
    return value;
  };
}

/** A map that keeps the `max` entries used last (a read counts as a use): bounded caches. */
export class Lru<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: re-inserting moves the entry to the end, the most recent.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
