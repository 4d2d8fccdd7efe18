import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import type { FieldValue } from '../ingest/types';
import { currentLabels, type Label } from '../labels/labels';
import { averagePrecision, rocAuc } from '../model/metrics';
import type { EpochFigures, Topology } from '../model/rosas/types';
import { fieldPositions } from '../project/fields';
import { blobFloat32, revivePlain } from './model-store';

/**
 * Reading the rounds: what each was trained with, its scores (a float32 per record id, see the
 * `scores` table), the ranking they give, the records at the top of it, and how two rounds differ.
 * Rounds never change once written, so their scores and rankings are cached per connection.
 */

export type RoundMethod = 'rosas' | 'iforest';

export interface RoundInfo {
  round: number;
  method: RoundMethod;
  createdAt: string;
  featureSpecId: number;
  seed: number;
  backend: string;
  /** Options of the method, the feature spec's dim, what was asked for… (see train-round.ts). */
  params: Record<string, unknown>;
  trainSeconds: number;
  scoreSeconds: number;
  labeledAnomalies: number;
  labeledNormals: number;
  /** Labels of the snapshot that the round was trained with, by label. */
  snapshot: { anomaly: number; normal: number; unsure: number };
  recordsScored: number;
  /** Per-epoch training figures (RoSAS); empty for Isolation Forest. */
  history: EpochFigures[];
}

interface DbRound {
  id: number;
  method: string;
  created_at: string;
  feature_spec_id: number;
  seed: number;
  backend: string;
  params: string;
  train_seconds: number;
  score_seconds: number;
  labeled_anomalies: number;
  labeled_normals: number;
  records_scored: number;
  history: string;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function fromDb(r: DbRound, snapshot: RoundInfo['snapshot']): RoundInfo {
  return {
    round: r.id,
    method: r.method as RoundMethod,
    createdAt: r.created_at,
    featureSpecId: r.feature_spec_id,
    seed: r.seed,
    backend: r.backend,
    params: parseJson<Record<string, unknown>>(r.params, {}),
    trainSeconds: r.train_seconds,
    scoreSeconds: r.score_seconds,
    labeledAnomalies: r.labeled_anomalies,
    labeledNormals: r.labeled_normals,
    snapshot,
    recordsScored: r.records_scored,
    history: parseJson<EpochFigures[]>(r.history, []),
  };
}

function snapshots(db: Database, round?: number): Map<number, RoundInfo['snapshot']> {
  const sql = `SELECT round_id, label, count(*) AS n FROM round_labels ${round === undefined ? '' : 'WHERE round_id = ?'} GROUP BY round_id, label`;
  const rows = (round === undefined ? db.prepare(sql).all() : db.prepare(sql).all(round)) as Array<{ round_id: number; label: Label; n: number }>;
  const out = new Map<number, RoundInfo['snapshot']>();
  for (const r of rows) {
    let s = out.get(r.round_id);
    if (!s) out.set(r.round_id, (s = { anomaly: 0, normal: 0, unsure: 0 }));
    s[r.label] = r.n;
  }
  return out;
}

const ROUND_COLUMNS =
  'id, method, created_at, feature_spec_id, seed, backend, params, train_seconds, score_seconds, labeled_anomalies, labeled_normals, records_scored, history';

/** Every round, oldest first. */
export function listRounds(db: Database): RoundInfo[] {
  const rows = db.prepare(`SELECT ${ROUND_COLUMNS} FROM rounds ORDER BY id`).all() as DbRound[];
  const snaps = snapshots(db);
  return rows.map((r) => fromDb(r, snaps.get(r.id) ?? { anomaly: 0, normal: 0, unsure: 0 }));
}

/** The newest round's number, or null before the first. */
export function latestRound(db: Database): number | null {
  const row = db.prepare('SELECT max(id) AS n FROM rounds').get() as { n: number | null };
  return row.n;
}

function noRound(db: Database, n: number): RosasError {
  const latest = latestRound(db);
  return new RosasError('not-found', latest === null ? 'no rounds yet: train one first (rosas train)' : `no round ${n} in this project (rounds are 1 to ${latest})`);
}

export function getRound(db: Database, n: number): RoundInfo {
  const row = db.prepare(`SELECT ${ROUND_COLUMNS} FROM rounds WHERE id = ?`).get(n) as DbRound | undefined;
  if (!row) throw noRound(db, n);
  return fromDb(row, snapshots(db, n).get(n) ?? { anomaly: 0, normal: 0, unsure: 0 });
}

/** The round a caller means: the given one (checked), else the newest. */
export function resolveRound(db: Database, round?: number): number {
  if (round === undefined) {
    const latest = latestRound(db);
    if (latest === null) throw noRound(db, 0);
    return latest;
  }
  if (!Number.isInteger(round)) throw new RosasError('invalid-argument', `a round is a whole number, got ${round}`);
  if (!db.prepare('SELECT 1 FROM rounds WHERE id = ?').get(round)) throw noRound(db, round);
  return round;
}

/** The labels a round was trained with, record id → label. */
export function roundLabels(db: Database, n: number): Map<number, Label> {
  resolveRound(db, n);
  return new Map(db.prepare('SELECT record_id, label FROM round_labels WHERE round_id = ? ORDER BY record_id').raw(true).all(n) as Array<[number, Label]>);
}

// ---------------------------------------------------------------------------------------------
// Scores and rankings, cached.

interface Cached {
  createdAt: string;
  scores: Float32Array;
  ranked?: Int32Array;
}

/** Per connection, the few rounds looked at most recently (a 1M-record round costs 8 MB here). */
const cache = new WeakMap<Database, Map<number, Cached>>();
const CACHE_ROUNDS = 4;

function cached(db: Database, n: number): Cached {
  // created_at tells a round from one that reused its number after a deletion.
  const row = db.prepare('SELECT r.created_at AS createdAt, s.scores AS blob FROM rounds r JOIN scores s ON s.round_id = r.id WHERE r.id = ?');
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const meta = db.prepare('SELECT created_at AS createdAt FROM rounds WHERE id = ?').get(n) as { createdAt: string } | undefined;
  if (!meta) throw noRound(db, n);
  const hit = perDb.get(n);
  if (hit && hit.createdAt === meta.createdAt) {
    perDb.delete(n);
    perDb.set(n, hit); // most recent last
    return hit;
  }
  const r = row.get(n) as { createdAt: string; blob: Buffer } | undefined;
  if (!r) throw new RosasError('project-invalid', `round ${n} has no scores`);
  const entry: Cached = { createdAt: r.createdAt, scores: blobFloat32(r.blob) };
  perDb.set(n, entry);
  while (perDb.size > CACHE_ROUNDS) perDb.delete(perDb.keys().next().value!);
  return entry;
}

/**
 * A round's scores: element i is the score of record id i + 1 (higher = more anomalous), NaN where
 * no record had that id when the round was trained. A copy: the caller may change it.
 */
export function roundScores(db: Database, n: number): Float32Array {
  return cached(db, n).scores.slice();
}

/**
 * Record ids by descending score (ties: lower id first); records the round did not score are
 * absent. Computed once per round (a radix sort: about 50 ms for 1M records) and shared: do not
 * modify the array.
 */
export function rankedIds(db: Database, n: number): Int32Array {
  const c = cached(db, n);
  c.ranked ??= rankByScore(c.scores);
  return c.ranked;
}

/**
 * Indices + 1 of the non-NaN scores, by descending score, ties by ascending index. LSD radix sort
 * on the float bits mapped to unsigned keys that order as the floats do.
 */
export function rankByScore(scores: Float32Array): Int32Array {
  const n = scores.length;
  const aligned = scores.byteOffset % 4 === 0 ? scores : scores.slice();
  const bits = new Uint32Array(aligned.buffer, aligned.byteOffset, n);
  let m = 0;
  for (let i = 0; i < n; i++) if (aligned[i] === aligned[i]) m++;
  let keys = new Uint32Array(m);
  let ids = new Int32Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    const s = aligned[i]!;
    if (s !== s) continue;
    let u = s === 0 ? 0 : bits[i]!; // -0 and +0 tie
    // Ascending order of floats ↔ ascending unsigned keys; then invert for descending.
    u = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
    keys[j] = ~u >>> 0;
    ids[j++] = i + 1;
  }
  let keys2 = new Uint32Array(m);
  let ids2 = new Int32Array(m);
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[(keys[i]! >>> shift) & 255]!++;
    if (counts[(keys[0]! >>> shift) & 255] === m) continue; // every key shares this byte
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const k = keys[i]!;
      const at = counts[(k >>> shift) & 255]!++;
      keys2[at] = k;
      ids2[at] = ids[i]!;
    }
    [keys, keys2] = [keys2, keys];
    [ids, ids2] = [ids2, ids];
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// The top of a ranking.

export interface TopRecord {
  id: number;
  /** 1-based position in the round's ranking of all records. */
  rank: number;
  score: number;
  label: Label | null;
  note: string | null;
  /** Field name → value; fields the record does not have are left out. */
  fields: Record<string, FieldValue>;
  raw: string;
  /** The file the record came from. */
  source: string;
  sourceId: number;
  line: number;
}

export interface TopOptions {
  /** Default: the newest round. */
  round?: number;
  n: number;
  /** Records to skip first (among the unlabeled ones with `unlabeledOnly`). */
  offset?: number;
  /** Leave out records that have a label (any label, "unsure" included). */
  unlabeledOnly?: boolean;
}

/**
 * The records at the top of a round's ranking, a page at a time: only the page's records are read.
 * Labels are the current ones (not the round's snapshot).
 */
export function topRecords(db: Database, opts: TopOptions): TopRecord[] {
  const round = resolveRound(db, opts.round);
  const n = Math.max(0, Math.floor(opts.n));
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  if (!Number.isFinite(n) || !Number.isFinite(offset)) throw new RosasError('invalid-argument', 'n and offset must be numbers');
  const ranked = rankedIds(db, round);
  const scores = cached(db, round).scores;
  const page: Array<{ id: number; rank: number }> = [];
  if (opts.unlabeledOnly) {
    const labeled = new Set(db.prepare('SELECT record_id FROM labels').pluck().all() as number[]);
    let skipped = 0;
    for (let i = 0; i < ranked.length && page.length < n; i++) {
      const id = ranked[i]!;
      if (labeled.has(id)) continue;
      if (skipped < offset) skipped++;
      else page.push({ id, rank: i + 1 });
    }
  } else {
    for (let i = offset; i < ranked.length && page.length < n; i++) page.push({ id: ranked[i]!, rank: i + 1 });
  }
  if (!page.length) return [];

  const names: string[] = [];
  for (const f of fieldPositions(db)) names[f.pos] = f.name;
  const ids = JSON.stringify(page.map((p) => p.id));
  const rows = db
    .prepare(
      `SELECT r.id, r.line, r.raw, r.fields, r.source_id, s.file_name, l.label, l.note
       FROM records r JOIN sources s ON s.id = r.source_id LEFT JOIN labels l ON l.record_id = r.id
       WHERE r.id IN (SELECT value FROM json_each(?))`,
    )
    .all(ids) as Array<{ id: number; line: number; raw: string; fields: string; source_id: number; file_name: string; label: Label | null; note: string | null }>;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: TopRecord[] = [];
  for (const { id, rank } of page) {
    const r = byId.get(id);
    if (!r) continue; // a record removed since the round: nothing to show
    const values = parseJson<unknown>(r.fields, []);
    // No prototype: field names come from the log, and one may be called __proto__.
    const fields = Object.create(null) as Record<string, FieldValue>;
    if (Array.isArray(values)) {
      values.forEach((v: FieldValue, pos) => {
        if (v === null || v === undefined) return;
        fields[names[pos] ?? `field ${pos}`] = v;
      });
    }
    out.push({ id, rank, score: scores[id - 1]!, label: r.label ?? null, note: r.note ?? null, fields, raw: r.raw, source: r.file_name, sourceId: r.source_id, line: r.line });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparing two rounds.

export interface RoundEvaluation {
  averagePrecision: number;
  rocAuc: number;
}

export interface RoundComparison {
  a: number;
  b: number;
  k: number;
  /** Records scored by both rounds (the comparison's population). */
  records: number;
  /** Records in both rounds' top k, and that count over k. */
  topKOverlap: number;
  topKOverlapShare: number;
  /** Spearman rank correlation of the two rounds' scores over the records both scored (ties get average ranks). */
  spearman: number | null;
  /** Records currently labeled anomaly in each round's top k. */
  labeledAnomaliesInTopK: { a: number; b: number };
  /**
   * Against the ground truth of the import's label column, when the records both rounds scored
   * hold both classes: over all of them, and over those neither round was trained on (held out).
   */
  truth: {
    records: number;
    anomalies: number;
    a: RoundEvaluation;
    b: RoundEvaluation;
    heldOut: { records: number; anomalies: number; a: RoundEvaluation; b: RoundEvaluation } | null;
  } | null;
}

/** Average ranks (1 = highest score) of the ids in `order` that pass `keep`, ties sharing their mean rank. */
function averageRanks(order: Int32Array, scores: Float32Array, keep: Uint8Array, out: Float64Array): void {
  let rank = 0;
  let i = 0;
  const n = order.length;
  while (i < n) {
    const id = order[i]!;
    if (!keep[id]) {
      i++;
      continue;
    }
    const s = scores[id - 1]!;
    // The run of kept ids tied at s.
    let j = i;
    let count = 0;
    while (j < n && scores[order[j]! - 1] === s) {
      if (keep[order[j]!]) count++;
      j++;
    }
    const mean = rank + (count + 1) / 2;
    for (let t = i; t < j; t++) if (keep[order[t]!]) out[order[t]!] = mean;
    rank += count;
    i = j;
  }
}

function pearson(x: Float64Array, y: Float64Array, keep: Uint8Array): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    n++;
    sx += x[i]!;
    sy += y[i]!;
  }
  if (n < 2) return null;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

function evaluate(scores: Float32Array, ids: Int32Array, truth: Uint8Array): RoundEvaluation {
  const s = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) s[i] = scores[ids[i]! - 1]!;
  return { averagePrecision: averagePrecision(s, truth), rocAuc: rocAuc(s, truth) };
}

/**
 * How two rounds differ: top-k overlap, Spearman correlation over all records, labeled anomalies
 * in each top k, and, when the records carry ground truth, AUC-PR and ROC AUC of each.
 */
export function compareRounds(db: Database, a: number, b: number, opts: { k?: number } = {}): RoundComparison {
  resolveRound(db, a);
  resolveRound(db, b);
  const sa = cached(db, a).scores;
  const sb = cached(db, b).scores;
  const ra = rankedIds(db, a);
  const rb = rankedIds(db, b);
  const size = Math.max(sa.length, sb.length) + 1;
  const both = new Uint8Array(size);
  let records = 0;
  for (let id = 1; id < size; id++) {
    const x = sa[id - 1];
    const y = sb[id - 1];
    if (x !== undefined && y !== undefined && x === x && y === y) {
      both[id] = 1;
      records++;
    }
  }
  const k = Math.max(1, Math.min(Math.floor(opts.k ?? 100), records || 1));

  const topOf = (ranked: Int32Array) => {
    const top: number[] = [];
    for (let i = 0; i < ranked.length && top.length < k; i++) if (both[ranked[i]!]) top.push(ranked[i]!);
    return top;
  };
  const topA = topOf(ra);
  const topB = topOf(rb);
  const inA = new Set(topA);
  const overlap = topB.filter((id) => inA.has(id)).length;

  const labels = currentLabels(db);
  const anomaliesIn = (ids: number[]) => ids.filter((id) => labels.get(id) === 'anomaly').length;

  let spearman: number | null = null;
  if (records >= 2) {
    const rankA = new Float64Array(size);
    const rankB = new Float64Array(size);
    averageRanks(ra, sa, both, rankA);
    averageRanks(rb, sb, both, rankB);
    spearman = pearson(rankA, rankB, both);
  }

  return {
    a,
    b,
    k,
    records,
    topKOverlap: overlap,
    topKOverlapShare: records ? overlap / k : 0,
    spearman,
    labeledAnomaliesInTopK: { a: anomaliesIn(topA), b: anomaliesIn(topB) },
    truth: truthEvaluation(db, a, b, sa, sb, both),
  };
}

function truthEvaluation(db: Database, a: number, b: number, sa: Float32Array, sb: Float32Array, both: Uint8Array): RoundComparison['truth'] {
  const rows = db.prepare('SELECT id, truth FROM records WHERE truth IS NOT NULL ORDER BY id').raw(true).all() as Array<[number, number]>;
  const kept = rows.filter(([id]) => id < both.length && both[id]);
  if (!kept.length) return null;
  const evaluateOn = (subset: Array<[number, number]>) => {
    const ids = Int32Array.from(subset, ([id]) => id);
    const truth = Uint8Array.from(subset, ([, t]) => (t ? 1 : 0));
    const anomalies = truth.reduce((n, t) => n + t, 0);
    if (anomalies === 0 || anomalies === truth.length) return null;
    return { records: ids.length, anomalies, a: evaluate(sa, ids, truth), b: evaluate(sb, ids, truth) };
  };
  const all = evaluateOn(kept);
  if (!all) return null;
  const trained = new Set<number>([...roundLabels(db, a).keys(), ...roundLabels(db, b).keys()]);
  return { ...all, heldOut: evaluateOn(kept.filter(([id]) => !trained.has(id))) };
}

// ---------------------------------------------------------------------------------------------
// Stored models.

export type StoredModel = { kind: 'rosas'; topology: Topology; weights: Float32Array } | { kind: 'iforest'; forest: unknown };

/** A round's model as trained: RoSAS topology and weights, or the Isolation Forest. */
export function roundModel(db: Database, n: number): StoredModel {
  resolveRound(db, n);
  const row = db.prepare('SELECT topology, weights FROM models WHERE round_id = ?').get(n) as { topology: string; weights: Buffer } | undefined;
  if (!row) throw new RosasError('project-invalid', `round ${n} has no stored model`);
  const topology = parseJson<{ kind?: string; forest?: unknown } | null>(row.topology, null);
  if (topology?.kind === 'iforest') return { kind: 'iforest', forest: revivePlain(topology.forest, row.weights) };
  if (topology?.kind === 'rosas') return { kind: 'rosas', topology: topology as Topology, weights: blobFloat32(row.weights) };
  throw new RosasError('project-invalid', `round ${n}: unknown model kind ${String(topology?.kind)}`);
}
