import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { fieldPosition, fieldsByName } from './fields';
import { LABEL_MARK, labelMarks } from './label-marks';
import type { Ranking } from './ranking';

/**
 * Which records of a ranking a filter keeps: the one place a filter becomes record ids. Cheap
 * tests (label, source, score) run over the ranking in memory; field tests ask SQLite. A new kind
 * of test (full-text search, a pivot's cell) is one more narrowing step in selectRanked; another
 * order than the ranking's (a sort) would reorder its Selection. view.ts pages whatever comes out.
 */

/**
 * Records by their current label: none = not labeled yet (the review queue); any = has a label
 * (anomaly, normal or unsure); anomaly / normal / unsure = has that label; all = every record.
 */
export type LabelFilter = 'none' | 'any' | 'anomaly' | 'normal' | 'unsure' | 'all';
export const LABEL_FILTERS: readonly LabelFilter[] = ['none', 'any', 'anomaly', 'normal', 'unsure', 'all'];

/** A field's value: eq = the value as text equals (a list: one of its items does); contains = case-insensitive substring. */
export interface FieldFilter {
  field: string;
  op: 'eq' | 'contains';
  value: string;
}

export interface RecordFilter {
  /** Default 'none': labeled records leave the queue but stay findable with another filter. */
  label?: LabelFilter;
  /** Records of one import source. */
  sourceId?: number;
  /** Score range of the round, inclusive. */
  scoreMin?: number;
  scoreMax?: number;
  /** All must match. */
  fields?: FieldFilter[];
}

export type NormalFilter = RecordFilter & { label: LabelFilter };

/** The filter with defaults filled in and no-op parts dropped: one filter written two ways is one key. */
export function normaliseFilter(filter: RecordFilter): NormalFilter {
  const out: NormalFilter = { label: filter.label ?? 'none' };
  if (filter.sourceId !== undefined) out.sourceId = filter.sourceId;
  if (filter.scoreMin !== undefined) out.scoreMin = filter.scoreMin;
  if (filter.scoreMax !== undefined) out.scoreMax = filter.scoreMax;
  const fields = (filter.fields ?? []).filter((f) => f.value !== '');
  if (fields.length) out.fields = fields.map((f) => ({ field: f.field, op: f.op, value: f.value }));
  return out;
}

/** The ids a filter keeps, in the ranking's order, with each one's 1-based rank in the whole ranking. */
export interface Selection {
  ids: Int32Array;
  ranks: Int32Array;
}

/** Below this many candidates, field filters look up those records only instead of scanning. */
const SCAN_BELOW = 50_000;

function labelTest(db: Database, want: LabelFilter, size: number): (id: number) => boolean {
  if (want === 'all') return () => true;
  const marks = labelMarks(db, size);
  if (want === 'none') return (id) => marks[id] === 0;
  if (want === 'any') return (id) => marks[id] !== 0;
  const mark = LABEL_MARK[want];
  return (id) => marks[id] === mark;
}

/** The id range of an import source: records of one import are one transaction, so contiguous. */
function sourceRange(db: Database, sourceId: number | undefined, size: number): { from: number; to: number } {
  if (sourceId === undefined) return { from: 1, to: size - 1 };
  const s = db.prepare('SELECT first_record_id AS a, last_record_id AS b FROM sources WHERE id = ?').get(sourceId) as { a: number | null; b: number | null } | undefined;
  if (!s) throw new RosasError('not-found', `no import source ${sourceId} in this project`);
  return { from: s.a ?? 1, to: s.b ?? 0 };
}

/**
 * The statement of one field test: over a JSON list of candidate ids (@ids), or over an id range
 * (@from, @to); @at is the field's JSON path, @v the value. Exported for the query-plan test.
 */
export function fieldMatchSql(op: FieldFilter['op'], among: 'ids' | 'range'): string {
  const value = 'json_extract(r.fields, @at)';
  // A list matches eq when one of its items does; text compares as stored (numbers as their text).
  const test =
    op === 'eq'
      ? `(CAST(${value} AS TEXT) = @v OR (json_type(r.fields, @at) = 'array' AND EXISTS (SELECT 1 FROM json_each(r.fields, @at) WHERE CAST(value AS TEXT) = @v)))`
      : `instr(lower(CAST(${value} AS TEXT)), lower(@v)) > 0`;
  // Candidates are fewer than SCAN_BELOW: one JSON list (see util/chunked.ts).
  const where = among === 'ids' ? 'r.id IN (SELECT value FROM json_each(@ids))' : 'r.id BETWEEN @from AND @to';
  return `SELECT r.id FROM records r WHERE ${where} AND ${test}`;
}

/** Ids of records whose field matches, among `candidates` when given (else all records of [from, to]). */
function matchField(db: Database, f: FieldFilter, pos: number, candidates: number[] | null, range: { from: number; to: number }): Set<number> {
  const at = `$[${pos}]`;
  const stmt = db.prepare(fieldMatchSql(f.op, candidates ? 'ids' : 'range')).pluck();
  const params = candidates ? { at, v: f.value, ids: JSON.stringify(candidates) } : { at, v: f.value, from: range.from, to: range.to };
  return new Set(stmt.all(params) as number[]);
}

/** Narrows the selection to the records whose fields all match, in place; returns the new length. */
function narrowByFields(db: Database, filters: FieldFilter[], sel: Selection, n: number, range: { from: number; to: number }): number {
  const fields = fieldsByName(db);
  let candidates = null as Set<number> | null;
  for (const f of filters) {
    const pos = fieldPosition(fields, f.field);
    const before: Set<number> | null = candidates;
    const list = before ? (before.size < SCAN_BELOW ? [...before] : null) : n < SCAN_BELOW ? Array.from(sel.ids.subarray(0, n)) : null;
    const matched = matchField(db, f, pos, list, range);
    candidates = before ? new Set([...before].filter((x: number) => matched.has(x))) : matched;
  }
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (candidates!.has(sel.ids[i]!)) {
      sel.ids[m] = sel.ids[i]!;
      sel.ranks[m++] = sel.ranks[i]!;
    }
  }
  return m;
}

/** The records of the ranking that pass the filter, in rank order. */
export function selectRanked(db: Database, ranking: Ranking, filter: NormalFilter): Selection {
  const { ranked, scores } = ranking;
  const size = scores.length + 1;
  const labelOk = labelTest(db, filter.label, size);
  const range = sourceRange(db, filter.sourceId, size);
  const lo = filter.scoreMin ?? -Infinity;
  const hi = filter.scoreMax ?? Infinity;

  // Typed buffers sized for every record: 1M ids are 4 MB, and no per-element allocation.
  const sel: Selection = { ids: new Int32Array(ranked.length), ranks: new Int32Array(ranked.length) };
  let n = 0;
  for (let i = 0; i < ranked.length; i++) {
    const id = ranked[i]!;
    if (id < range.from || id > range.to || !labelOk(id)) continue;
    const s = scores[id - 1]!;
    if (s < lo || s > hi) continue;
    sel.ids[n] = id;
    sel.ranks[n++] = i + 1;
  }
  if (filter.fields?.length) n = narrowByFields(db, filter.fields, sel, n, range);
  return { ids: sel.ids.slice(0, n), ranks: sel.ranks.slice(0, n) };
}
