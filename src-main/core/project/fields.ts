import type { Database } from 'better-sqlite3';
import { emptyStats, mergeStats, valueType, type FieldStats } from '../ingest/field-stats';
import { inferRole, ROLES, type Role } from '../features/roles';
import { RosasError } from '../errors';
import { buildSpec, saveSpec } from '../features/spec';

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
 * Name -> position of every field of the project, case-insensitive (Windows exports spell one
 * key `ProcessId` and `ProcessID`). New names get the next position.
 */
export class FieldRegistry {
  private readonly byName = new Map<string, number>();
  readonly added: Array<{ pos: number; name: string }> = [];
  private next: number;

  /** From the project's fields (as `fieldPositions` lists them), plus any added since. */
  constructor(existing: Array<{ pos: number; name: string }>, added: Array<{ pos: number; name: string }> = []) {
    for (const r of existing) this.byName.set(r.name.toLowerCase(), r.pos);
    this.next = existing.reduce((m, r) => Math.max(m, r.pos + 1), 0);
    for (const a of added) this.pos(a.name);
  }

  pos(name: string): number {
    const key = name.toLowerCase();
    let p = this.byName.get(key);
    if (p === undefined) {
      p = this.next++;
      this.byName.set(key, p);
      this.added.push({ pos: p, name });
    }
    return p;
  }

  find(name: string): number | undefined {
    return this.byName.get(name.toLowerCase());
  }
}

/**
 * Folds one import's field statistics into the fields table and re-infers roles from the merged
 * figures (the analyst's overrides are kept as they are).
 */
export function saveFieldStats(
  db: Database,
  registry: FieldRegistry,
  collected: Map<number, FieldStats>,
  roleOverrides: Record<string, Role> = {},
): void {
  const total = totalRecords(db);
  const labels = labelFieldNames(db);
  const existing = new Map(listFields(db).map((f) => [f.pos, f]));
  const insert = db.prepare('INSERT INTO fields (pos, name, type, role, role_override, stats) VALUES (?, ?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE fields SET type = ?, role = ?, stats = ? WHERE pos = ?');
  const override = db.prepare('UPDATE fields SET role_override = ? WHERE pos = ?');
  const overrides = new Map(Object.entries(roleOverrides).map(([k, v]) => [k.toLowerCase(), v]));
  for (const { pos, name } of registry.added) {
    const stats = collected.get(pos) ?? emptyStats();
    const role = labels.has(name.toLowerCase()) ? 'label' : inferRole(name, stats, total).role;
    insert.run(pos, name, valueType(stats), role, null, JSON.stringify(stats));
  }
  for (const [pos, stats] of collected) {
    const f = existing.get(pos);
    if (!f) continue;
    const merged = mergeStats(f.stats, stats);
    const role = labels.has(f.name.toLowerCase()) ? 'label' : inferRole(f.name, merged, total).role;
    update.run(valueType(merged), role, JSON.stringify(merged), pos);
  }
  for (const [name, role] of overrides) {
    const pos = registry.find(name);
    if (pos === undefined) continue;
    override.run(role, pos);
  }
}

/**
 * Builds the feature spec from the fields as they are now and stores it as the one in force.
 * Earlier specs stay: the rounds trained with them keep their meaning.
 */
export function rebuildSpec(db: Database): number {
  const fields = listFields(db);
  return saveSpec(db, buildSpec(fields.map((f) => ({ pos: f.pos, name: f.name, role: f.effectiveRole, stats: f.stats })), totalRecords(db)));
}

/**
 * The analyst's choice of role for fields (null returns a field to its inferred role), by field
 * name: a Map, as a name may be `__proto__` or `constructor`. Changing what the model sees is
 * explicit, so it rebuilds the feature spec; imports never do after the first.
 */
export function setRoleOverrides(db: Database, roles: ReadonlyMap<string, Role | null>): void {
  db.transaction(() => {
    const update = db.prepare('UPDATE fields SET role_override = ? WHERE name = ?');
    for (const [name, role] of roles) {
      if (role !== null && !ROLES.includes(role)) {
        throw new RosasError('invalid-argument', `unknown role "${role}" for field "${name}"; roles are ${ROLES.join(', ')}`);
      }
      if (update.run(role, name).changes === 0) throw new RosasError('not-found', `no field named "${name}" in this project`);
    }
    rebuildSpec(db);
  })();
}

export function setRoleOverride(db: Database, name: string, role: Role | null): void {
  setRoleOverrides(db, new Map([[name, role]]));
}
