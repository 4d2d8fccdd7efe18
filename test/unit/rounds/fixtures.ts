import type { Database } from 'better-sqlite3';
import { buildSpec } from '../../../src-main/core/features/spec-plan';
import { saveSpec } from '../../../src-main/core/features/spec-store';
import type { FieldValue } from '../../../src-main/core/fields/values';
import { specInputs, storeTable, tableOf } from '../../unit/features/fixtures';

/**
 * A small project: `n` connection-like records, every `every`-th one an obvious outlier (huge
 * bytes, a rare protocol) with ground truth 1, the others 0. Returns the record ids and the outliers.
 */
export function seedProject(db: Database, n = 400, every = 25): { ids: number[]; outliers: number[] } {
  const records: Array<Record<string, FieldValue>> = [];
  for (let i = 0; i < n; i++) {
    const odd = i % every === every - 1;
    records.push({
      bytes: odd ? 5_000_000 + i * 1000 : 200 + ((i * 37) % 800),
      duration: odd ? 900 + i : 0.1 + ((i * 13) % 50) / 10,
      proto: odd ? 'icmp' : i % 3 ? 'tcp' : 'udp',
      packets: odd ? 40_000 : 3 + (i % 20),
    });
  }
  const t = tableOf(records);
  const ids = storeTable(db, t);
  saveSpec(db, buildSpec(specInputs(t), t.total));
  const outliers = ids.filter((_, i) => i % every === every - 1);
  const setTruth = db.prepare('UPDATE records SET truth = ? WHERE id = ?');
  db.transaction(() => ids.forEach((id, i) => setTruth.run(i % every === every - 1 ? 1 : 0, id)))();
  return { ids, outliers };
}

/** Stores a round directly (no training), with the given scores by record id (index id - 1). */
export function storeRound(db: Database, scores: Float32Array, opts: { method?: string; labels?: Array<[number, string]> } = {}): number {
  const specId = (db.prepare('SELECT max(id) AS id FROM feature_specs').get() as { id: number }).id;
  const round = Number(
    db
      .prepare(
        `INSERT INTO rounds (method, created_at, feature_spec_id, seed, backend, params, train_seconds, score_seconds, labeled_anomalies, labeled_normals, records_scored, history)
         VALUES (?, ?, ?, 1, 'js', '{}', 0, 0, 0, 0, ?, '[]')`,
      )
      .run(opts.method ?? 'iforest', new Date().toISOString(), specId, scores.filter((s) => !Number.isNaN(s)).length).lastInsertRowid,
  );
  for (const [id, label] of opts.labels ?? []) db.prepare('INSERT INTO round_labels (round_id, record_id, label) VALUES (?, ?, ?)').run(round, id, label);
  db.prepare('INSERT INTO models (round_id, topology, weights) VALUES (?, ?, ?)').run(round, '{"kind":"iforest","version":1,"forest":{}}', Buffer.alloc(0));
  db.prepare('INSERT INTO scores (round_id, count, scores) VALUES (?, ?, ?)').run(round, scores.length, Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength));
  return round;
}

/** The reference ranking: a comparator sort. */
export function slowRank(scores: Float32Array): number[] {
  const ids: number[] = [];
  scores.forEach((s, i) => {
    if (!Number.isNaN(s)) ids.push(i + 1);
  });
  return ids.sort((a, b) => scores[b - 1]! - scores[a - 1]! || a - b);
}
