import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import type { FieldRegistry } from './names';
import { ROLES, type Role } from './role';
import { emptyStats, mergeStats, valueType, type FieldStats } from './stats';

export interface FieldRow {
  id: number;
  pos: number;
  name: string;
  type: string;
  role: Role;
  roleOverride: Role | null;
  /** What the model uses: the analyst's choice, else the inferred role. */
  effectiveRole: Role;
  stats: FieldStats;
}

interface DbFieldRow {
  id: number;
  pos: number;
  name: string;
  type: string;
  role: string;
  role_override: string | null;
  stats: string;
}

function fromDb(r: DbFieldRow): FieldRow {
  const role = r.role as Role;
  const roleOverride = (r.role_override as Role | null) ?? null;
  return { id: r.id, pos: r.pos, name: r.name, type: r.type, role, roleOverride, effectiveRole: roleOverride ?? role, stats: JSON.parse(r.stats) as FieldStats };
}

export function listFields(db: Database): FieldRow[] {
  return (db.prepare('SELECT id, pos, name, type, role, role_override, stats FROM fields ORDER BY pos').all() as DbFieldRow[]).map(fromDb);
}

/** What field statistics are out of. */
export function totalRecords(db: Database): number {
  return (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
}

export function fieldPositions(db: Database): Array<{ pos: number; name: string }> {
  return db.prepare('SELECT pos, name FROM fields ORDER BY pos').all() as Array<{ pos: number; name: string }>;
}

/** Names of fields that some source declared as its ground-truth column. */
export function labelFieldNames(db: Database): Set<string> {
  const rows = db.prepare('SELECT DISTINCT label_column FROM sources WHERE label_column IS NOT NULL').all() as Array<{ label_column: string }>;
  return new Set(rows.map((r) => r.label_column.toLowerCase()));
}

/**
 * Folds one import's field statistics into the fields table, with the role `roleOf` gives for
 * the merged figures (the analyst's overrides are kept as they are, and `roleOverrides` added).
 */
export function storeFieldStats(
  db: Database,
  registry: FieldRegistry,
  collected: Map<number, FieldStats>,
  roleOf: (name: string, stats: FieldStats) => Role,
  roleOverrides: Record<string, Role>,
): void {
  const existing = new Map(listFields(db).map((f) => [f.pos, f]));
  const insert = db.prepare('INSERT INTO fields (pos, name, type, role, role_override, stats) VALUES (?, ?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE fields SET type = ?, role = ?, stats = ? WHERE pos = ?');
  const override = db.prepare('UPDATE fields SET role_override = ? WHERE pos = ?');
  const overrides = new Map(Object.entries(roleOverrides).map(([k, v]) => [k.toLowerCase(), v]));
  for (const { pos, name } of registry.added) {
    const stats = collected.get(pos) ?? emptyStats();
    insert.run(pos, name, valueType(stats), roleOf(name, stats), null, JSON.stringify(stats));
  }
  for (const [pos, stats] of collected) {
    const f = existing.get(pos);
    if (!f) continue;
    const merged = mergeStats(f.stats, stats);
    update.run(valueType(merged), roleOf(f.name, merged), JSON.stringify(merged), pos);
  }
  for (const [name, role] of overrides) {
    const pos = registry.find(name);
    if (pos === undefined) continue;
    override.run(role, pos);
  }
}

/**
 * Stores the analyst's choice of role by field name (null returns a field to its inferred role).
 * Throws at the first unknown role or field: call it inside the transaction that should roll back.
 */
export function storeRoleOverrides(db: Database, roles: ReadonlyMap<string, Role | null>): void {
  const update = db.prepare('UPDATE fields SET role_override = ? WHERE name = ?');
  for (const [name, role] of roles) {
    if (role !== null && !ROLES.includes(role)) {
      throw new RosasError('invalid-argument', `unknown role "${role}" for field "${name}"; roles are ${ROLES.join(', ')}`);
    }
    if (update.run(role, name).changes === 0) throw new RosasError('not-found', `no field named "${name}" in this project`);
  }
}
