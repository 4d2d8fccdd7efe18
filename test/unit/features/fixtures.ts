import type { Database } from 'better-sqlite3';
import { inferRole, type RoleGuess } from '../../../src-main/core/features/roles';
import type { SpecInputField } from '../../../src-main/core/features/spec-plan';
import type { Role } from '../../../src-main/core/fields/role';
import { StatsCollector, valueType, type FieldStats } from '../../../src-main/core/fields/stats';
import type { FieldValue } from '../../../src-main/core/fields/values';
import type { Format } from '../../../src-main/core/ingest/types';
import { parseWith } from '../../helpers/parse';
import { samplePath } from '../../helpers/samples';

/** Records as the importer stores them: field names get positions in order of first sight. */
export interface Table {
  names: string[];
  /** Per record, the `records.fields` array (absent = null, trailing absents trimmed). */
  rows: FieldValue[][];
  /** Per record, the parser's time (the `records.ts` column). */
  ts: Array<number | null>;
  stats: Map<number, FieldStats>;
  total: number;
}

export function tableOf(records: Array<Record<string, FieldValue>>, ts: Array<number | null> = []): Table {
  const pos = new Map<string, number>();
  const collector = new StatsCollector();
  const rows: FieldValue[][] = [];
  for (const fields of records) {
    const values: FieldValue[] = [];
    for (const [name, value] of Object.entries(fields)) {
      if (value === null || value === undefined) continue;
      let p = pos.get(name);
      if (p === undefined) pos.set(name, (p = pos.size));
      values[p] = value;
      collector.add(p, value);
    }
    // Through JSON, as the database holds it: holes become null.
    rows.push(JSON.parse(JSON.stringify(values)) as FieldValue[]);
  }
  const stats = collector.result();
  return { names: [...pos.keys()], rows, ts: records.map((_, i) => ts[i] ?? null), stats, total: records.length };
}

export async function sampleTable(format: Format, rel: string, options: Record<string, unknown> = {}): Promise<Table> {
  const { records } = await parseWith(format, samplePath(rel), options);
  return tableOf(
    records.map((r) => r.fields),
    records.map((r) => r.ts),
  );
}

export function guesses(t: Table): Record<string, RoleGuess> {
  const out: Record<string, RoleGuess> = {};
  t.names.forEach((name, p) => (out[name] = inferRole(name, t.stats.get(p)!, t.total)));
  return out;
}

export function roles(t: Table): Record<string, Role> {
  return Object.fromEntries(Object.entries(guesses(t)).map(([k, g]) => [k, g.role]));
}

/** Spec inputs with inferred roles, some overridden. */
export function specInputs(t: Table, overrides: Record<string, Role> = {}): SpecInputField[] {
  return t.names.map((name, pos) => ({ pos, name, role: overrides[name] ?? inferRole(name, t.stats.get(pos)!, t.total).role, stats: t.stats.get(pos)! }));
}

/**
 * Writes a table into a project the way the importer does (fields, one source, records), with SQL:
 * the importer is tested elsewhere. Returns the record ids.
 */
export function storeTable(db: Database, t: Table, fields: SpecInputField[] = specInputs(t)): number[] {
  const now = new Date().toISOString();
  const source = Number(
    db
      .prepare(
        `INSERT INTO sources (file_name, file_path, sha256, size_bytes, format, records, quarantined, started_at, finished_at, seconds)
         VALUES ('t.log', '/t.log', 'x', 0, 'ndjson', ?, 0, ?, ?, 0)`,
      )
      .run(t.total, now, now).lastInsertRowid,
  );
  const insertField = db.prepare('INSERT OR IGNORE INTO fields (pos, name, type, role, stats) VALUES (?, ?, ?, ?, ?)');
  for (const f of fields) insertField.run(f.pos, f.name, valueType(f.stats), f.role, JSON.stringify(f.stats));
  const insert = db.prepare('INSERT INTO records (source_id, line, ts, truth, raw, fields) VALUES (?, ?, ?, NULL, ?, ?)');
  const ids: number[] = [];
  db.transaction(() => {
    t.rows.forEach((row, i) => {
      const trimmed = row.slice();
      while (trimmed.length && trimmed[trimmed.length - 1] === null) trimmed.pop();
      ids.push(Number(insert.run(source, i + 1, t.ts[i] ?? null, JSON.stringify(trimmed), JSON.stringify(trimmed)).lastInsertRowid));
    });
  })();
  return ids;
}

/** Every value of a Float32Array is finite. */
export function allFinite(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}
