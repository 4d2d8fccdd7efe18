import type { Database } from 'better-sqlite3';
import type { FieldRegistry } from '../fields/names';
import type { Role } from '../fields/role';
import type { FieldStats } from '../fields/stats';
import { labelFieldNames, storeFieldStats, storeRoleOverrides, totalRecords } from '../fields/table';
import { inferRole } from './roles';
import { rebuildSpec } from './spec-store';

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
  const roleOf = (name: string, stats: FieldStats): Role => (labels.has(name.toLowerCase()) ? 'label' : inferRole(name, stats, total).role);
  storeFieldStats(db, registry, collected, roleOf, roleOverrides);
}

/**
 * The analyst's choice of role for fields (null returns a field to its inferred role), by field
 * name: a Map, as a name may be `__proto__` or `constructor`. Changing what the model sees is
 * explicit, so it rebuilds the feature spec; a later import only does when it brings fields that
 * would be features (updateSpecAfterImport).
 */
export function setRoleOverrides(db: Database, roles: ReadonlyMap<string, Role | null>): void {
  db.transaction(() => {
    storeRoleOverrides(db, roles);
    rebuildSpec(db);
  })();
}

export function setRoleOverride(db: Database, name: string, role: Role | null): void {
  setRoleOverrides(db, new Map([[name, role]]));
}
