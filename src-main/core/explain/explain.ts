import type { Database } from 'better-sqlite3';
import type * as TfCore from '@tensorflow/tfjs-core';
import { RosasError } from '../errors';
import { featurizeRow } from '../features/featurize';
import type { FeatureSpec } from '../features/spec';
import { specById } from '../features/spec-store';
import { listFields } from '../fields/table';
import type { FieldValue } from '../fields/values';
import { loadTf, type LoadedTf } from '../model/backend';
import { scoreIsolationForest, type IsolationForest } from '../model/iforest';
import { weightList } from '../model/rosas/network';
import { ensembleScore, memberWeights } from '../model/rosas/score';
import { recordById, recordsByIds, type StoredRecord } from '../records/read';
import { roundModel, type StoredModel } from '../rounds/model-store';
import { getRound, resolveRound } from '../rounds/store';
import { Lru, perConnection } from '../util/per-connection';

/** Records featurized for the "typical record" that explanations compare against. */
const BASELINE_SAMPLE = 2000;
/** Steps of the integrated-gradients path from the typical record to this one. */
const PATH_STEPS = 32;

export interface ColumnContribution {
  /** The feature column, e.g. `proto=tcp` or `orig_bytes`. */
  column: string;
  value: number;
  typical: number;
  contribution: number;
}

export interface FieldContribution {
  field: string;
  /** The record's value of the field (as stored; absent → null). */
  value: FieldValue | null;
  /** How much this field raised (positive) or lowered the score against a typical record. */
  contribution: number;
  columns: ColumnContribution[];
}

export interface Explanation {
  recordId: number;
  round: number;
  method: 'rosas' | 'iforest';
  /** integrated-gradients (RoSAS: gradient × input along the path from a typical record) or occlusion (Isolation Forest). */
  technique: 'integrated-gradients' | 'occlusion';
  score: number;
  /** Score of the typical record (per-column median of a sample of records). */
  typicalScore: number;
  /** Fields by contribution, largest first; fields that are not features are left out. */
  fields: FieldContribution[];
}

/**
 * Which input fields pushed a record's score up, in the round that scored it. Contributions are
 * measured against a typical record, and summed from feature columns back to the log fields
 * they came from (one field can feed several columns: a one-hot, a missing flag).
 */
export async function explainRecord(db: Database, recordId: number, opts: { round?: number } = {}): Promise<Explanation> {
  const round = resolveRound(db, opts.round);
  const info = getRound(db, round);
  const spec = specById(db, info.featureSpecId);
  const record = recordById(db, recordId);
  if (!record) throw new RosasError('not-found', `no record ${recordId} in this project`);
  const values = record.values;
  const x = new Float32Array(spec.dim);
  featurizeRow(spec, values, x, 0, record.ts);
  const typical = typicalRow(db, info.featureSpecId, spec);
  const model = roundModel(db, round);

  const columns = model.kind === 'rosas' ? await integratedGradients(await loadTf(), model, x, typical) : occlusion(model.forest as IsolationForest, spec, x, typical);
  const posOf = new Map(listFields(db).map((f) => [f.name, f.pos]));
  const byField = new Map<string, FieldContribution>();
  spec.fieldOfColumn.forEach((field, c) => {
    let f = byField.get(field);
    if (!f) {
      const pos = posOf.get(field);
      f = { field, value: pos !== undefined ? (values[pos] ?? null) : null, contribution: 0, columns: [] };
      byField.set(field, f);
    }
    f.contribution += columns.contributions[c]!;
    if (x[c] !== typical[c] || columns.contributions[c] !== 0) {
      f.columns.push({ column: spec.names[c]!, value: x[c]!, typical: typical[c]!, contribution: columns.contributions[c]! });
    }
  });
  const fields = [...byField.values()].sort((a, b) => b.contribution - a.contribution);
  for (const f of fields) f.columns.sort((a, b) => b.contribution - a.contribution);
  return {
    recordId,
    round,
    method: model.kind,
    technique: model.kind === 'rosas' ? 'integrated-gradients' : 'occlusion',
    score: columns.score,
    typicalScore: columns.typicalScore,
    fields,
  };
}

/**
 * The typical record of a spec, kept per database connection (a few: one per spec and state of the
 * records): the same until records are added, so explaining one record after another (an analyst
 * moving down the list) does not rescan.
 */
const TYPICAL_KEPT = 4;
const typicalOf = perConnection(() => new Lru<string, Float32Array>(TYPICAL_KEPT));

function typicalRow(db: Database, specId: number, spec: FeatureSpec): Float32Array {
  // Records are only ever appended, so the highest id says whether the set changed.
  const { maxId } = db.prepare('SELECT max(id) AS maxId FROM records').get() as { maxId: number };
  const cache = typicalOf(db);
  const key = `${specId}|${maxId}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const row = computeTypicalRow(db, spec, maxId);
  cache.set(key, row);
  return row;
}

/** Per-column median of records spread evenly over the project: what a typical record looks like. */
function computeTypicalRow(db: Database, spec: FeatureSpec, maxId: number): Float32Array {
  const step = Math.max(1, Math.floor(maxId / BASELINE_SAMPLE));
  // Ids spread evenly over the project, looked up by primary key (no scan), a sample's worth at a time.
  const sample: StoredRecord[] = [];
  for (let from = step; from <= maxId && sample.length < BASELINE_SAMPLE; from += step * BASELINE_SAMPLE) {
    const ids: number[] = [];
    for (let id = from; id <= maxId && ids.length < BASELINE_SAMPLE; id += step) ids.push(id);
    for (const r of recordsByIds(db, ids)) if (sample.length < BASELINE_SAMPLE) sample.push(r);
  }
  const m = new Float32Array(sample.length * spec.dim);
  sample.forEach((r, i) => featurizeRow(spec, r.values, m, i * spec.dim, r.ts));
  const out = new Float32Array(spec.dim);
  const column = new Float32Array(sample.length);
  for (let c = 0; c < spec.dim; c++) {
    for (let i = 0; i < sample.length; i++) column[i] = m[i * spec.dim + c]!;
    column.sort();
    out[c] = column[Math.floor(column.length / 2)]!;
  }
  return out;
}

interface ColumnScores {
  score: number;
  typicalScore: number;
  contributions: Float32Array;
}

/**
 * Integrated gradients: (x − typical) ⊙ the mean gradient along the straight path between them.
 * The contributions add up to score(x) − score(typical), so they say how this record's score
 * came to be higher than a typical record's.
 */
async function integratedGradients(loaded: LoadedTf, model: Extract<StoredModel, { kind: 'rosas' }>, x: Float32Array, typical: Float32Array): Promise<ColumnScores> {
  const { tf } = loaded;
  const dim = x.length;
  const path = new Float32Array((PATH_STEPS + 1) * dim);
  for (let k = 0; k <= PATH_STEPS; k++) {
    const a = k / PATH_STEPS;
    for (let c = 0; c < dim; c++) path[k * dim + c] = typical[c]! + a * (x[c]! - typical[c]!);
  }
  const members = memberWeights(tf, model);
  try {
    // Out through the closure: tf.tidy walks a returned typed array element by element.
    let scores: Float32Array = new Float32Array(0);
    let grads: Float32Array = new Float32Array(0);
    tf.tidy(() => {
      const input = tf.tensor2d(path, [PATH_STEPS + 1, dim]);
      const f = (t: TfCore.Tensor) => tf.sum(ensembleScore(tf, members, t as TfCore.Tensor2D));
      const g = tf.grad(f)(input);
      scores = ensembleScore(tf, members, input).dataSync() as Float32Array;
      grads = g.dataSync() as Float32Array;
    });
    const contributions = new Float32Array(dim);
    for (let c = 0; c < dim; c++) {
      // Trapezoid rule over the path's gradients.
      let sum = 0;
      for (let k = 0; k <= PATH_STEPS; k++) sum += (k === 0 || k === PATH_STEPS ? 0.5 : 1) * grads[k * dim + c]!;
      contributions[c] = (x[c]! - typical[c]!) * (sum / PATH_STEPS);
    }
    return { score: scores[PATH_STEPS]!, typicalScore: scores[0]!, contributions };
  } finally {
    for (const w of members) tf.dispose(weightList(w));
  }
}

/**
 * Isolation Forest has no gradient: each field's contribution is how much the score drops when
 * that field's columns take the typical record's values (spread evenly over its columns).
 */
function occlusion(forest: IsolationForest, spec: FeatureSpec, x: Float32Array, typical: Float32Array): ColumnScores {
  const dim = x.length;
  const fields = spec.fields;
  const rows = new Float32Array((fields.length + 2) * dim);
  rows.set(x, 0);
  rows.set(typical, dim);
  fields.forEach((f, i) => {
    const r = (i + 2) * dim;
    rows.set(x, r);
    rows.set(typical.subarray(f.offset, f.offset + f.width), r + f.offset);
  });
  const scores = scoreIsolationForest(forest, { x: rows, rows: fields.length + 2, dim });
  const contributions = new Float32Array(dim);
  fields.forEach((f, i) => {
    const drop = scores[0]! - scores[i + 2]!;
    for (let c = f.offset; c < f.offset + f.width; c++) contributions[c] = drop / f.width;
  });
  return { score: scores[0]!, typicalScore: scores[1]!, contributions };
}
