import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import type { Label } from '../labels/labels';
import { keptHeldOutAuc } from '../model/rosas/cross-fit';
import type { EpochFigures } from '../model/rosas/types';

/**
 * The `rounds` table read into one typed record: what each round was trained with, and the
 * figures its params hold (parsed here, the one place that knows the params' shape). Rounds never
 * change once written (train-round.ts writes them).
 */

export type RoundMethod = 'rosas' | 'iforest';

export interface RoundInfo {
  round: number;
  method: RoundMethod;
  createdAt: string;
  featureSpecId: number;
  seed: number;
  backend: string;
  /** As stored: the method's options, the feature spec's dim, what was asked for… (see train-round.ts). */
  params: Record<string, unknown>;
  trainSeconds: number;
  scoreSeconds: number;
  labeledAnomalies: number;
  labeledNormals: number;
  /** Labels of the snapshot that the round was trained with, by label. */
  snapshot: { anomaly: number; normal: number; unsure: number };
  recordsScored: number;
  /** Per-epoch training figures (RoSAS, every model of an ensemble); empty for Isolation Forest. */
  history: EpochFigures[];
  /** RoSAS epochs trained (the most of any model of an ensemble); null for Isolation Forest. */
  epochs: number | null;
  /** RoSAS models whose scores were averaged (1: a single model); null for Isolation Forest. */
  members: number | null;
  /**
   * When the training length was cross-fitted: how the labeled anomalies each model never saw
   * ranked among held-out unlabeled records (AUC-ROC) at the epoch kept; else null.
   */
  hiddenAnomalyAuc: number | null;
  /** Records the cold start's review order placed for their group's size, not their score (rounds/queue.ts); 0 for older rounds. */
  coverPicks: number;
  /** Model columns of the feature spec version the round trained on (`featureSpecId`); null for rounds that did not store it. */
  dim: number | null;
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

export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** What the params of a RoSAS round may hold; older rounds lack some keys. */
interface RosasParams {
  rosas?: { epochs?: unknown; ensemble?: unknown };
  epochsTrained?: unknown;
  crossFit?: { heldOutAuc?: unknown; keptEpoch?: unknown };
}

type Figures = Pick<RoundInfo, 'epochs' | 'members' | 'hiddenAnomalyAuc'>;

/** The figures of a round that its params hold. */
export function roundFigures(method: RoundMethod, params: Record<string, unknown>): Figures {
  if (method !== 'rosas') return { epochs: null, members: null, hiddenAnomalyAuc: null };
  const p = params as RosasParams;
  // Newer rounds say how many epochs each model trained (it may stop early); older ones, how many were asked.
  const trained = Array.isArray(p.epochsTrained) ? p.epochsTrained.filter((e): e is number => typeof e === 'number') : [];
  const epochs = trained.length ? Math.max(...trained) : typeof p.rosas?.epochs === 'number' ? p.rosas.epochs : null;
  const members = trained.length || (typeof p.rosas?.ensemble === 'number' ? p.rosas.ensemble : 1);
  const cf = p.crossFit;
  const kept = cf && Array.isArray(cf.heldOutAuc) && typeof cf.keptEpoch === 'number' ? keptHeldOutAuc({ heldOutAuc: cf.heldOutAuc, keptEpoch: cf.keptEpoch }) : undefined;
  return { epochs, members, hiddenAnomalyAuc: typeof kept === 'number' ? kept : null };
}

function coverPicksOf(params: Record<string, unknown>): number {
  const n = (params.feedback as { coverPicks?: unknown } | undefined)?.coverPicks;
  return typeof n === 'number' ? n : 0;
}

function fromDb(r: DbRound, snapshot: RoundInfo['snapshot']): RoundInfo {
  const method = r.method as RoundMethod;
  const params = parseJson<Record<string, unknown>>(r.params, {});
  return {
    round: r.id,
    method,
    createdAt: r.created_at,
    featureSpecId: r.feature_spec_id,
    seed: r.seed,
    backend: r.backend,
    params,
    trainSeconds: r.train_seconds,
    scoreSeconds: r.score_seconds,
    labeledAnomalies: r.labeled_anomalies,
    labeledNormals: r.labeled_normals,
    snapshot,
    recordsScored: r.records_scored,
    history: parseJson<EpochFigures[]>(r.history, []),
    ...roundFigures(method, params),
    coverPicks: coverPicksOf(params),
    dim: typeof params.dim === 'number' ? params.dim : null,
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

export function noRound(db: Database, n: number): RosasError {
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

/** Like resolveRound, but null (not an error) when no round is asked for and there is none yet. */
export function optionalRound(db: Database, round?: number): number | null {
  return round === undefined && latestRound(db) === null ? null : resolveRound(db, round);
}

/** The labels a round was trained with, record id → label. */
export function roundLabels(db: Database, n: number): Map<number, Label> {
  resolveRound(db, n);
  return new Map(db.prepare('SELECT record_id, label FROM round_labels WHERE round_id = ? ORDER BY record_id').raw(true).all(n) as Array<[number, Label]>);
}
