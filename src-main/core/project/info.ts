import type { Database } from 'better-sqlite3';
import { projectAnalyst } from './analyst';
import { loadMigrations, schemaVersion } from './migrate';
import { latestSpec, specCount } from '../features/spec-store';
import { inferRole } from '../features/roles';
import type { Role } from '../fields/role';
import { labelFieldNames, listFields } from '../fields/table';

export interface SourceInfo {
  id: number;
  fileName: string;
  filePath: string;
  sha256: string;
  bytes: number;
  format: string;
  records: number;
  quarantined: number;
  labelColumn: string | null;
  importedAt: string;
  seconds: number;
}

export interface FieldInfo {
  name: string;
  type: string;
  role: Role;
  inferredRole: Role;
  roleOverride: Role | null;
  /** Why the role was inferred, in words. */
  why: string;
  present: number;
  distinct: number | null;
}

export interface ProjectInfo {
  path: string;
  schemaVersion: number;
  latestSchemaVersion: number;
  createdAt: string | null;
  records: number;
  quarantined: number;
  sources: SourceInfo[];
  fields: FieldInfo[];
  /** The spec in force (the next round trains with it) and how many versions the project holds. */
  features: { specId: number; dim: number; versions: number } | null;
  labels: { anomaly: number; normal: number; unsure: number };
  rounds: number;
  /** The name labels are saved under in the app (null: the account's user name). */
  analyst: string | null;
}

export function projectInfo(db: Database, projectPath: string): ProjectInfo {
  const version = schemaVersion(db);
  const latest = loadMigrations().length;
  const base = { path: projectPath, schemaVersion: version, latestSchemaVersion: latest };
  if (version === 0) {
    return { ...base, createdAt: null, records: 0, quarantined: 0, sources: [], fields: [], features: null, labels: { anomaly: 0, normal: 0, unsure: 0 }, rounds: 0, analyst: null };
  }
  const sources = (
    db.prepare('SELECT id, file_name, file_path, sha256, size_bytes, format, records, quarantined, label_column, finished_at, seconds FROM sources ORDER BY id').all() as Array<
      Record<string, unknown>
    >
  ).map((r) => ({
    id: r.id as number,
    fileName: r.file_name as string,
    filePath: r.file_path as string,
    sha256: r.sha256 as string,
    bytes: r.size_bytes as number,
    format: r.format as string,
    records: r.records as number,
    quarantined: r.quarantined as number,
    labelColumn: (r.label_column as string | null) ?? null,
    importedAt: r.finished_at as string,
    seconds: r.seconds as number,
  }));
  const records = sources.reduce((n, s) => n + s.records, 0);
  const labelColumns = labelFieldNames(db);
  const fields = listFields(db).map((f) => ({
    name: f.name,
    type: f.type,
    role: f.effectiveRole,
    inferredRole: f.role,
    roleOverride: f.roleOverride,
    why: labelColumns.has(f.name.toLowerCase()) ? 'ground-truth column given at import' : inferRole(f.name, f.stats, records).why,
    present: f.stats.present,
    distinct: f.stats.distinctOverflow ? null : Object.keys(f.stats.distinct).length,
  }));
  const spec = latestSpec(db);
  const labelCounts = { anomaly: 0, normal: 0, unsure: 0 };
  for (const r of db.prepare('SELECT label, count(*) AS n FROM labels GROUP BY label').all() as Array<{ label: keyof typeof labelCounts; n: number }>) {
    labelCounts[r.label] = r.n;
  }
  const createdAt = (db.prepare("SELECT value FROM meta WHERE key = 'created_at'").get() as { value: string } | undefined)?.value ?? null;
  return {
    ...base,
    createdAt,
    records,
    quarantined: sources.reduce((n, s) => n + s.quarantined, 0),
    sources,
    fields,
    features: spec ? { specId: spec.id, dim: spec.spec.dim, versions: specCount(db) } : null,
    labels: labelCounts,
    rounds: (db.prepare('SELECT count(*) AS n FROM rounds').get() as { n: number }).n,
    analyst: projectAnalyst(db),
  };
}
