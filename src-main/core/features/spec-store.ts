import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { listFields, totalRecords } from '../fields/table';
import { checkSpec, SPEC_VERSION, type FeatureSpec } from './spec';
import { buildSpec } from './spec-plan';

// Feature specs in the project (`feature_specs`): built once, stored, and read back by id, so
// that every round and every later import featurizes the same way.

/** Stores a spec; returns its id (rounds refer to it). */
export function saveSpec(db: Database, spec: FeatureSpec): number {
  checkSpec(spec);
  const r = db.prepare('INSERT INTO feature_specs (created_at, spec) VALUES (?, ?)').run(new Date().toISOString(), JSON.stringify(spec));
  return Number(r.lastInsertRowid);
}

/**
 * Builds the feature spec from the fields as they are now and stores it as the one in force.
 * Earlier specs stay: the rounds trained with them keep their meaning.
 */
export function rebuildSpec(db: Database): number {
  const fields = listFields(db);
  return saveSpec(db, buildSpec(fields.map((f) => ({ pos: f.pos, name: f.name, role: f.effectiveRole, stats: f.stats })), totalRecords(db)));
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
