import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { listFields, totalRecords } from '../fields/table';
import { checkSpec, SPEC_VERSION, type FeatureSpec } from './spec';
import { buildSpec } from './spec-plan';

// Feature specs in the project (`feature_specs`): stored as versions and read back by id, so that
// every round featurizes the way it was trained. A version is never changed: a role change, or an
// import bringing fields that would be features, stores a new one.

/** Stores a spec; returns its id (rounds refer to it). */
export function saveSpec(db: Database, spec: FeatureSpec): number {
  checkSpec(spec);
  const r = db.prepare('INSERT INTO feature_specs (created_at, spec) VALUES (?, ?)').run(new Date().toISOString(), JSON.stringify(spec));
  return Number(r.lastInsertRowid);
}

/** The spec the fields as they are now give (not stored). */
function specOfFields(db: Database): FeatureSpec {
  const fields = listFields(db);
  return buildSpec(fields.map((f) => ({ pos: f.pos, name: f.name, role: f.effectiveRole, stats: f.stats })), totalRecords(db));
}

/**
 * Builds the feature spec from the fields as they are now and stores it as the one in force.
 * Earlier specs stay: the rounds trained with them keep their meaning.
 */
export function rebuildSpec(db: Database): number {
  return saveSpec(db, specOfFields(db));
}

export interface SpecAfterImport {
  /** The spec in force after the import. */
  id: number;
  /** The one in force before (null at the first import); equal to `id` when the spec was kept. */
  previousId: number | null;
  /** Fields with columns in the new version that had none in the previous one, in column order. */
  newFields: string[];
}

/**
 * After an import: the first import builds the spec; a later one stores a new version only when
 * fields that would be features (a new format, a log that gained columns) have no columns in the
 * spec in force, or when `rebuild` says the analyst changed a role. Otherwise the spec is kept.
 */
export function updateSpecAfterImport(db: Database, rebuild = false): SpecAfterImport {
  const current = latestSpec(db);
  // A full rebuild, not the old columns plus new ones: only fresh statistics give the old fields
  // the missing flags the new file's records need; earlier rounds keep their own version.
  const next = specOfFields(db);
  if (!current) return { id: saveSpec(db, next), previousId: null, newFields: [] };
  const had = new Set(current.spec.fields.map((f) => f.pos));
  const newFields = next.fields.filter((f) => !had.has(f.pos)).map((f) => f.name);
  if (!newFields.length && !rebuild) return { id: current.id, previousId: current.id, newFields };
  return { id: saveSpec(db, next), previousId: current.id, newFields };
}

/** How many spec versions the project holds (the rounds refer to them). */
export function specCount(db: Database): number {
  return (db.prepare('SELECT count(*) AS n FROM feature_specs').get() as { n: number }).n;
}

/** The spec in force: the most recently stored one, or null before the first import. */
export function latestSpec(db: Database): { id: number; spec: FeatureSpec } | null {
  const row = db.prepare('SELECT id, spec FROM feature_specs ORDER BY id DESC LIMIT 1').get() as { id: number; spec: string } | undefined;
  if (!row) return null;
  return { id: row.id, spec: parseSpec(row.spec, row.id) };
}

/** A spec by id (the one a round was trained with). */
export function specById(db: Database, id: number): FeatureSpec {
  const row = db.prepare('SELECT spec FROM feature_specs WHERE id = ?').get(id) as { spec: string } | undefined;
  if (!row) throw new RosasError('not-found', `no feature spec #${id} in this project`);
  return parseSpec(row.spec, id);
}

function parseSpec(text: string, id: number): FeatureSpec {
  let spec: FeatureSpec;
  try {
    spec = JSON.parse(text) as FeatureSpec;
  } catch {
    throw new RosasError('project-invalid', `feature spec #${id} is not valid JSON`);
  }
  if (typeof spec?.version === 'number' && spec.version > SPEC_VERSION) {
    throw new RosasError('project-newer', `feature spec #${id} has version ${spec.version}; this version of RoSAS Workbench reads up to ${SPEC_VERSION}`);
  }
  try {
    checkSpec(spec);
  } catch (err) {
    throw new RosasError('project-invalid', `feature spec #${id} is damaged: ${(err as Error).message}`);
  }
  return spec;
}
