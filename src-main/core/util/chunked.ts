import type { Statement } from 'better-sqlite3';

/**
 * `IN` over a list of ids bound as one JSON parameter: json_each takes any number of ids, where
 * `IN (?, ?, …)` would meet SQLite's limit on bound variables.
 */
export const IN_IDS = 'IN (SELECT value FROM json_each(?))';

/** Ids per statement: bounds the JSON text built for one read. */
export const ID_CHUNK = 50_000;

/** Rows of `stmt` (whose one parameter is an IN_IDS list) for every id, a chunk of ids at a time. */
export function allByIds<T>(stmt: Statement, ids: readonly number[], chunk = ID_CHUNK): T[] {
  if (ids.length <= chunk) return stmt.all(JSON.stringify(ids)) as T[];
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += chunk) for (const row of stmt.all(JSON.stringify(ids.slice(i, i + chunk))) as T[]) out.push(row);
  return out;
}
