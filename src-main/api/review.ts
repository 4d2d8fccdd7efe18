import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { RosasError } from '../core/errors';
import type { Role } from '../core/features/roles';
import type { FieldValue } from '../core/ingest/types';
import { labelHistory, type Label } from '../core/labels/labels';
import { listFields } from '../core/project/fields';
import { latestRound, rankedIds, resolveRound, roundScores } from '../core/rounds/rounds';
import type { FieldFilter, RecordDetail, ReviewFilter, ReviewPage, ReviewPageRequest, ReviewRow } from './contract';

/**
 * Read-only queries behind the review table. A *view* is the list of record ids (in rank order)
 * that match a filter in one round, made once and kept (a few per project), so that every page
 * of it is a slice plus one indexed query for that page's records: paging costs the same at
 * record 10 and at record 999,990, and nothing ever loads all records. A view is fixed when it is
 * made: labeling a record of the queue does not shift the pages after it. Labels and notes in the
 * rows are read fresh for every page.
 */

interface View {
  id: string;
  /** What the view was made from: the round (and when it was made, as rounds are immutable) and the filter. */
  key: string;
  round: number;
  ids: Int32Array;
  /** 1-based rank of ids[i] in the round's whole ranking. */
  ranks: Int32Array;
  scores: Float32Array;
  min: number;
  max: number;
}

/** Views kept per project connection; each costs 12 bytes a record (12 MB for 1M). */
const MAX_VIEWS = 4;
const views = new WeakMap<Database, Map<string, View>>();

function viewsOf(db: Database): Map<string, View> {
  let m = views.get(db);
  if (!m) views.set(db, (m = new Map()));
  return m;
}

/** Fields by name, case-insensitive as the project compares them. */
function fieldsByName(db: Database): Map<string, { pos: number; name: string; role: Role }> {
  return new Map(listFields(db).map((f) => [f.name.toLowerCase(), { pos: f.pos, name: f.name, role: f.effectiveRole }]));
}

function fieldPos(fields: Map<string, { pos: number }>, name: string): number {
  const f = fields.get(name.toLowerCase());
  if (!f) throw new RosasError('not-found', `no field "${name}" in this project`);
  return f.pos;
}

/** Normalised filter, so that the same filter written two ways makes one key. */
function normalise(filter: ReviewFilter): Required<Pick<ReviewFilter, 'label'>> & ReviewFilter {
  const out: ReviewFilter & { label: NonNullable<ReviewFilter['label']> } = { label: filter.label ?? 'none' };
  if (filter.sourceId !== undefined) out.sourceId = filter.sourceId;
  if (filter.scoreMin !== undefined) out.scoreMin = filter.scoreMin;
  if (filter.scoreMax !== undefined) out.scoreMax = filter.scoreMax;
  const fields = (filter.fields ?? []).filter((f) => f.value !== '');
  if (fields.length) out.fields = fields.map((f) => ({ field: f.field, op: f.op, value: f.value }));
  return out;
}

/** Ids of records whose field matches, among `candidates` when given (else all records of [from, to]). */
function matchField(db: Database, f: FieldFilter, pos: number, candidates: number[] | null, range: { from: number; to: number }): Set<number> {
  const at = `$[${pos}]`;
  const value = "json_extract(r.fields, @at)";
  // A list matches eq when one of its items does; text compares as stored (numbers as their text).
  const test =
    f.op === 'eq'
      ? `(CAST(${value} AS TEXT) = @v OR (json_type(r.fields, @at) = 'array' AND EXISTS (SELECT 1 FROM json_each(r.fields, @at) WHERE CAST(value AS TEXT) = @v)))`
      : `instr(lower(CAST(${value} AS TEXT)), lower(@v)) > 0`;
  const where = candidates ? 'r.id IN (SELECT value FROM json_each(@ids))' : 'r.id BETWEEN @from AND @to';
  const stmt = db.prepare(`SELECT r.id FROM records r WHERE ${where} AND ${test}`).pluck();
  const params = candidates ? { at, v: f.value, ids: JSON.stringify(candidates) } : { at, v: f.value, from: range.from, to: range.to };
  return new Set(stmt.all(params) as number[]);
}

/** Below this many candidates, field filters look up those records only instead of scanning. */
const SCAN_BELOW = 50_000;

function makeView(db: Database, round: number, filter: ReturnType<typeof normalise>, key: string): View {
  const ranked = rankedIds(db, round);
  const scores = roundScores(db, round);
  let min = Infinity;
  let max = -Infinity;
  if (ranked.length) {
    max = scores[ranked[0]! - 1]!;
    min = scores[ranked[ranked.length - 1]! - 1]!;
  }

  // Label filter: a mark per record id (the labels table is small next to the records).
  const size = scores.length + 1;
  const labelOf = new Uint8Array(size); // 0 none, 1 anomaly, 2 normal, 3 unsure
  const code: Record<Label, number> = { anomaly: 1, normal: 2, unsure: 3 };
  for (const [id, label] of db.prepare('SELECT record_id, label FROM labels').raw(true).iterate() as IterableIterator<[number, Label]>) {
    if (id < size) labelOf[id] = code[label];
  }
  const want = filter.label;
  const labelOk =
    want === 'all' ? () => true : want === 'none' ? (id: number) => labelOf[id] === 0 : want === 'any' ? (id: number) => labelOf[id] !== 0 : (id: number) => labelOf[id] === code[want];

  let from = 1;
  let to = size - 1;
  if (filter.sourceId !== undefined) {
    // Each import source owns a contiguous id range (records of one import are one transaction).
    const s = db.prepare('SELECT first_record_id AS a, last_record_id AS b FROM sources WHERE id = ?').get(filter.sourceId) as { a: number | null; b: number | null } | undefined;
    if (!s) throw new RosasError('not-found', `no import source ${filter.sourceId} in this project`);
    from = s.a ?? 1;
    to = s.b ?? 0;
  }
  const lo = filter.scoreMin ?? -Infinity;
  const hi = filter.scoreMax ?? Infinity;

  // Typed buffers sized for every record: 1M ids are 4 MB, and no per-element allocation.
  let ids = new Int32Array(ranked.length);
  let ranks = new Int32Array(ranked.length);
  let n = 0;
  for (let i = 0; i < ranked.length; i++) {
    const id = ranked[i]!;
    if (id < from || id > to || !labelOk(id)) continue;
    const s = scores[id - 1]!;
    if (s < lo || s > hi) continue;
    ids[n] = id;
    ranks[n++] = i + 1;
  }

  if (filter.fields?.length) {
    const fields = fieldsByName(db);
    let candidates = null as Set<number> | null;
    for (const f of filter.fields) {
      const pos = fieldPos(fields, f.field);
      const before: Set<number> | null = candidates;
      const list: number[] | null = before ? (before.size < SCAN_BELOW ? [...before] : null) : n < SCAN_BELOW ? Array.from(ids.subarray(0, n)) : null;
      const matched = matchField(db, f, pos, list, { from, to });
      candidates = before ? new Set([...before].filter((x: number) => matched.has(x))) : matched;
    }
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (candidates!.has(ids[i]!)) {
        ids[m] = ids[i]!;
        ranks[m++] = ranks[i]!;
      }
    }
    n = m;
  }
  ids = ids.slice(0, n);
  ranks = ranks.slice(0, n);
  const viewScores = new Float32Array(n);
  for (let i = 0; i < n; i++) viewScores[i] = scores[ids[i]! - 1]!;
  return { id: randomUUID(), key, round, ids, ranks, scores: viewScores, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
}

/** The view a request names, if it still matches; else a new one. */
export function reviewView(db: Database, req: { round?: number; filter: ReviewFilter; view?: string }): View {
  const round = resolveRound(db, req.round);
  const createdAt = (db.prepare('SELECT created_at FROM rounds WHERE id = ?').pluck().get(round) as string) ?? '';
  const filter = normalise(req.filter);
  const key = JSON.stringify({ round, createdAt, filter });
  const all = viewsOf(db);
  if (req.view) {
    const v = all.get(req.view);
    if (v && v.key === key) {
      all.delete(v.id);
      all.set(v.id, v); // most recent last
      return v;
    }
  }
  const v = makeView(db, round, filter, key);
  all.set(v.id, v);
  while (all.size > MAX_VIEWS) all.delete(all.keys().next().value!);
  return v;
}

function parseValues(text: string): FieldValue[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as FieldValue[]) : [];
  } catch {
    return [];
  }
}

export function reviewPage(db: Database, req: ReviewPageRequest): ReviewPage {
  const v = reviewView(db, req);
  const from = Math.min(req.offset, v.ids.length);
  const to = Math.min(v.ids.length, from + req.limit);
  const ids = Array.from(v.ids.subarray(from, to));
  const fields = fieldsByName(db);
  // Unknown column names are left empty rather than failing the page: a column chooser may
  // remember a field of another project.
  const cols = req.columns.map((name) => ({ name, pos: fields.get(name.toLowerCase())?.pos }));
  const rows: ReviewRow[] = [];
  if (ids.length) {
    const found = db
      .prepare(
        `SELECT r.id, r.line, r.fields, r.source_id, s.file_name, l.label, l.note
         FROM records r JOIN sources s ON s.id = r.source_id LEFT JOIN labels l ON l.record_id = r.id
         WHERE r.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as Array<{ id: number; line: number; fields: string; source_id: number; file_name: string; label: Label | null; note: string | null }>;
    const byId = new Map(found.map((r) => [r.id, r]));
    for (let i = from; i < to; i++) {
      const r = byId.get(v.ids[i]!);
      if (!r) continue;
      const values = parseValues(r.fields);
      // No prototype: a log field may be called __proto__.
      const columns = Object.create(null) as Record<string, FieldValue>;
      for (const c of cols) columns[c.name] = c.pos === undefined ? null : (values[c.pos] ?? null);
      rows.push({ id: r.id, rank: v.ranks[i]!, score: v.scores[i]!, label: r.label ?? null, note: r.note ?? null, source: r.file_name, sourceId: r.source_id, line: r.line, columns });
    }
  }
  return { view: v.id, round: v.round, total: v.ids.length, offset: from, rows, scores: { min: v.min, max: v.max } };
}

export function reviewIds(db: Database, req: { round?: number; filter: ReviewFilter; view?: string; offset: number; limit: number }): { view: string; total: number; ids: number[] } {
  const v = reviewView(db, req);
  const from = Math.min(req.offset, v.ids.length);
  return { view: v.id, total: v.ids.length, ids: Array.from(v.ids.subarray(from, Math.min(v.ids.length, from + req.limit))) };
}

/** Rank of one record in a round: its position among the ranked ids (a linear scan of an Int32Array; ~1 ms at 1M). */
function rankOf(db: Database, round: number, id: number): number | null {
  const ranked = rankedIds(db, round);
  const i = ranked.indexOf(id);
  return i < 0 ? null : i + 1;
}

export function recordDetail(db: Database, id: number, round?: number): RecordDetail {
  const r = db
    .prepare(
      `SELECT r.id, r.source_id, s.file_name, r.line, r.ts, r.raw, r.fields, r.truth, l.label, l.note, l.author, l.updated_at
       FROM records r JOIN sources s ON s.id = r.source_id LEFT JOIN labels l ON l.record_id = r.id WHERE r.id = ?`,
    )
    .get(id) as
    | { id: number; source_id: number; file_name: string; line: number; ts: number | null; raw: string; fields: string; truth: number | null; label: Label | null; note: string | null; author: string | null; updated_at: string | null }
    | undefined;
  if (!r) throw new RosasError('not-found', `no record ${id} in this project`);
  const values = parseValues(r.fields);
  const fields = listFields(db)
    .filter((f) => values[f.pos] !== null && values[f.pos] !== undefined)
    .map((f) => ({ name: f.name, value: values[f.pos]!, role: f.effectiveRole }));
  let n: number | null = null;
  let score: number | null = null;
  let rank: number | null = null;
  if (round !== undefined || latestRound(db) !== null) {
    n = resolveRound(db, round);
    const s = roundScores(db, n)[id - 1];
    if (s !== undefined && s === s) {
      score = s;
      rank = rankOf(db, n, id);
    }
  }
  return {
    id: r.id,
    sourceId: r.source_id,
    source: r.file_name,
    line: r.line,
    ts: r.ts,
    raw: r.raw,
    fields,
    label: r.label ?? null,
    note: r.note ?? null,
    labeledBy: r.author ?? null,
    labeledAt: r.updated_at ?? null,
    history: labelHistory(db, id),
    truth: r.truth === null ? null : r.truth ? 'anomaly' : 'normal',
    round: n,
    score,
    rank,
  };
}
