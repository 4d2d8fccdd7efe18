import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { CancelledError, RosasError } from '../errors';
import type { FieldValue } from '../ingest/types';
import type { Label } from '../labels/labels';
import { latestRound, rankedIds, resolveRound, roundScores } from '../rounds/rounds';
import { throttle } from '../util/throttle';

/**
 * Export of a project's records to CSV or NDJSON, streamed a page at a time (memory stays bounded:
 * a 1M-record project is never held whole; only the round's ranking, 4 bytes a record, is).
 *
 * Columns, in this order:
 *   id, rank, score            rank and score of the round (default the newest); empty/null when
 *                              the project has no round, or the record was imported after it
 *   label, note, labeled_by, labeled_at
 *                              the analyst's current label (anomaly, normal, unsure), as is
 *   source, line               the file the record came from, and its line there
 *   <every field>              by name, in the project's field order (the raw parsed values)
 *   raw                        the record exactly as it came
 * A log field whose name is one of these columns (a Zeek `label`, a `score`…; compared without
 * case, as the project compares field names) is exported as `field.<name>` (`field.field.<name>`
 * if that is taken too), so nothing is lost or overwritten.
 *
 * Order: by rank when the project has a round (records the round did not score follow, by id),
 * else by id. `onlyLabeled` keeps the records that have a label (unsure included).
 *
 * CSV (RFC 4180; UTF-8 without BOM; LF line ends; a field is quoted when it holds a comma, a quote,
 * CR or LF, its quotes doubled): a header row with the export columns and the union of the fields
 * that the exported records' sources have. Lists are joined with `,`. Formula injection: a text
 * cell that a spreadsheet would evaluate (it starts, after any leading white space, with `=`, `+`,
 * `-` or `@`, their full-width forms, or is led by a tab or CR) is written with a single quote `'`
 * in front, header cells included. Plain decimal numbers (`-1`, `-0.5`) and a lone `-` (the usual
 * "no value" mark) are left alone: spreadsheets read them as they are. So a CSV export is for
 * people and spreadsheets; NDJSON is the exact one.
 *
 * NDJSON: one JSON object a line with the same keys (fields the record lacks are left out), values
 * exactly as stored: lists stay arrays, numbers numbers, nothing is neutralised.
 *
 * Both re-import with the product's importers (format csv / ndjson), one record for each exported
 * one. With `--label-column label`, the truth rule of truth.ts maps normal (and an empty/missing
 * label: unlabeled records) to normal and anomaly to anomaly; `unsure` is exported as is and so
 * counts as anomaly under the default rule (any other class is). Give `--normal-values normal,unsure`
 * to count it as normal, or export with `onlyLabeled` and drop it, as the analysis needs.
 *
 * The file is written beside the requested one under a temporary name and renamed into place only
 * when complete (after an fsync), so a cancelled or failed export leaves no half file, and an
 * existing file of that name is replaced only by a complete export.
 *
 * Labels are read page by page as the export goes: a label changed while an export runs may or may
 * not be in it. Rounds never change, so ranks and scores are consistent.
 */

export type ExportFormat = 'csv' | 'ndjson';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'ndjson'];

/** The export's own columns; fields come between `line` and `raw`. */
export const EXPORT_COLUMNS = ['id', 'rank', 'score', 'label', 'note', 'labeled_by', 'labeled_at', 'source', 'line'] as const;
export const RAW_COLUMN = 'raw';
/** Put before a field name that collides with an export column. */
export const FIELD_PREFIX = 'field.';

export interface ExportProgress {
  records: number;
  total: number;
}

export interface ExportOptions {
  out: string;
  format: ExportFormat;
  /** Only records that have a label (any label, unsure included). */
  onlyLabeled?: boolean;
  /** Rank and score of this round (default: the newest, if any). */
  round?: number;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
}

export interface ExportResult {
  /** Absolute path of the file written. */
  file: string;
  format: ExportFormat;
  records: number;
  /** The round whose rank and score were exported; null when the project has none. */
  round: number | null;
}

/** Records read per query. */
const PAGE = 1000;
/** Time between two yields to the event loop (a cancel must be seen). */
const YIELD_MS = 50;

interface Column {
  pos: number;
  /** Name in the export. */
  name: string;
}

interface Row {
  id: number;
  line: number;
  raw: string;
  fields: string;
  source_id: number;
  label: Label | null;
  note: string | null;
  author: string | null;
  updated_at: string | null;
}

/** The format a file name asks for: .ndjson/.jsonl/.json → ndjson, else csv. */
export function formatFromFileName(file: string): ExportFormat {
  const ext = path.extname(file).toLowerCase();
  return ext === '.ndjson' || ext === '.jsonl' || ext === '.json' ? 'ndjson' : 'csv';
}

/**
 * Export names for the fields: the field's own name unless it equals (case-insensitively) an
 * export column, then `field.` in front until it is unique among every name of the export.
 */
export function exportFieldNames(fields: Array<{ pos: number; name: string }>): Column[] {
  const reserved = new Set<string>([...EXPORT_COLUMNS, RAW_COLUMN]);
  const used = new Set<string>(reserved);
  for (const f of fields) if (!reserved.has(f.name.toLowerCase())) used.add(f.name.toLowerCase());
  return fields.map((f) => {
    if (!reserved.has(f.name.toLowerCase())) return { pos: f.pos, name: f.name };
    let name = FIELD_PREFIX + f.name;
    while (used.has(name.toLowerCase())) name = FIELD_PREFIX + name;
    used.add(name.toLowerCase());
    return { pos: f.pos, name };
  });
}

// ---------------------------------------------------------------------------------------------
// CSV cells.

const NEEDS_QUOTES = /[",\r\n]/;
const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** =, +, -, @ and their full-width forms (some spreadsheets take those as formula starts too). */
const FORMULA_START = /^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

/**
 * A text a spreadsheet would evaluate, made inert with a leading `'`. Plain decimal numbers and a
 * lone `-` stay as they are.
 */
export function neutraliseFormula(text: string): string {
  if (text === '' || text === '-') return text;
  const c = text.charCodeAt(0);
  if (c === 9 || c === 13 || FORMULA_START.test(text)) return PLAIN_NUMBER.test(text) ? text : `'${text}`;
  return text;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A text cell: neutralised, then quoted as needed. */
function textCell(text: string | null | undefined): string {
  return text === null || text === undefined ? '' : csvField(neutraliseFormula(text));
}

function valueCell(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : textCell(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return textCell(v.map(String).join(','));
  return textCell(v);
}

// ---------------------------------------------------------------------------------------------

interface Writer {
  header(): string;
  record(r: Row, rank: number | null, score: number | null, values: unknown[]): string;
}

function csvWriter(columns: Column[], sources: Map<number, string>): Writer {
  return {
    header: () => [...EXPORT_COLUMNS, ...columns.map((c) => c.name), RAW_COLUMN].map((n) => textCell(n)).join(',') + '\n',
    record(r, rank, score, values) {
      let s = `${r.id},${rank ?? ''},${score === null ? '' : String(score)},${r.label ?? ''},${textCell(r.note)},${textCell(r.author)},${textCell(r.updated_at)},${textCell(
        sources.get(r.source_id),
      )},${r.line}`;
      for (const c of columns) s += ',' + valueCell(values[c.pos] as FieldValue | undefined);
      return s + ',' + textCell(r.raw) + '\n';
    },
  };
}

function ndjsonWriter(columns: Column[], sources: Map<number, string>): Writer {
  // Keys are written as JSON text: no object is built, so a field named __proto__ is just a key.
  const keys = columns.map((c) => `,${JSON.stringify(c.name)}:`);
  const j = (v: unknown) => JSON.stringify(v ?? null);
  return {
    header: () => '',
    record(r, rank, score, values) {
      let s = `{"id":${r.id},"rank":${j(rank)},"score":${j(score)},"label":${j(r.label)},"note":${j(r.note)},"labeled_by":${j(r.author)},"labeled_at":${j(
        r.updated_at,
      )},"source":${j(sources.get(r.source_id) ?? null)},"line":${r.line}`;
      for (let i = 0; i < columns.length; i++) {
        const v = values[columns[i]!.pos];
        if (v !== null && v !== undefined) s += keys[i] + JSON.stringify(v);
      }
      return s + `,"raw":${JSON.stringify(r.raw)}}\n`;
    },
  };
}

// ---------------------------------------------------------------------------------------------

function checkOut(db: Database, out: string): string {
  if (typeof out !== 'string' || out.trim() === '') throw new RosasError('invalid-argument', 'an export needs a file name');
  const abs = path.resolve(out);
  const dir = path.dirname(abs);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch {
    throw new RosasError('not-found', `no folder ${dir} to write the export in`);
  }
  if (!dirStat.isDirectory()) throw new RosasError('invalid-argument', `${dir} is not a folder`);
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) throw new RosasError('invalid-argument', `${abs} is a folder; give a file name`);
  // Never overwrite the project (or its journal, lock) with its own export.
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
    }
  };
  if (db.name && db.name !== ':memory:') {
    const project = real(db.name);
    const target = real(abs);
    if (target === project || target.startsWith(`${project}-`) || target === `${project}.lock`) {
      throw new RosasError('invalid-argument', `${abs} is the project itself (or one of its files); choose another name for the export`);
    }
  }
  return abs;
}

/** Sources by id → file name. */
function sourceNames(db: Database): Map<number, string> {
  return new Map(db.prepare('SELECT id, file_name FROM sources').raw(true).all() as Array<[number, string]>);
}

/** The fields the exported records can have: those present in their sources, by position. */
function exportedFields(db: Database, onlyLabeled: boolean): Array<{ pos: number; name: string }> {
  const sql = onlyLabeled
    ? `SELECT f.pos, f.name FROM fields f WHERE EXISTS (
         SELECT 1 FROM source_fields sf WHERE sf.field_id = f.id AND sf.present > 0
           AND sf.source_id IN (SELECT DISTINCT r.source_id FROM labels l JOIN records r ON r.id = l.record_id))
       ORDER BY f.pos`
    : 'SELECT f.pos, f.name FROM fields f WHERE EXISTS (SELECT 1 FROM source_fields sf WHERE sf.field_id = f.id AND sf.present > 0) ORDER BY f.pos';
  return db.prepare(sql).all() as Array<{ pos: number; name: string }>;
}

const ROW_COLUMNS = 'r.id, r.line, r.raw, r.fields, r.source_id, l.label, l.note, l.author, l.updated_at';

/**
 * Exports the project's records to `opts.out` (see the comment at the top). Resolves when the file
 * is complete under its name; rejects with a `cancelled` error on abort, leaving no file behind.
 */
export async function exportRecords(db: Database, opts: ExportOptions): Promise<ExportResult> {
  const format = opts.format;
  if (!EXPORT_FORMATS.includes(format)) throw new RosasError('invalid-argument', `unknown export format "${String(format)}"; formats are ${EXPORT_FORMATS.join(', ')}`);
  const file = checkOut(db, opts.out);
  const onlyLabeled = !!opts.onlyLabeled;
  const round = opts.round === undefined && latestRound(db) === null ? null : resolveRound(db, opts.round);
  if (opts.signal?.aborted) throw new CancelledError('export');

  const sources = sourceNames(db);
  const columns = exportFieldNames(exportedFields(db, onlyLabeled));
  const writer = format === 'csv' ? csvWriter(columns, sources) : ndjsonWriter(columns, sources);
  const total = (db.prepare(onlyLabeled ? 'SELECT count(*) FROM labels l JOIN records r ON r.id = l.record_id' : 'SELECT count(*) FROM records').pluck().get() as number) ?? 0;

  const progress = throttle((p: ExportProgress) => opts.onProgress?.(p));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`);
  const fh = await fs.promises.open(tmp, 'wx').catch((err: unknown) => {
    throw writeError(err, file);
  });
  let closed = false;
  let records = 0;
  try {
    let lastYield = Date.now();
    const emit = async (text: string) => {
      if (text) {
        const buf = Buffer.from(text, 'utf8');
        for (let at = 0; at < buf.length; ) at += (await fh.write(buf, at, buf.length - at)).bytesWritten;
      }
      if (opts.signal?.aborted) throw new CancelledError('export');
      if (Date.now() - lastYield > YIELD_MS) {
        await yieldToLoop();
        lastYield = Date.now();
        if (opts.signal?.aborted) throw new CancelledError('export');
      }
    };
    const render = (rows: Row[], rankOf: (id: number) => number | null, scoreOf: (id: number) => number | null): string => {
      let text = '';
      for (const r of rows) {
        const values = parseValues(r.fields);
        text += writer.record(r, rankOf(r.id), scoreOf(r.id), values);
      }
      records += rows.length;
      progress.push({ records, total });
      return text;
    };

    await emit(writer.header());
    progress.push({ records: 0, total });

    const labelJoin = onlyLabeled ? 'JOIN labels l ON l.record_id = r.id' : 'LEFT JOIN labels l ON l.record_id = r.id';
    const byIds = db.prepare(`SELECT ${ROW_COLUMNS} FROM records r ${labelJoin} WHERE r.id IN (SELECT value FROM json_each(?))`);
    const after = db.prepare(`SELECT ${ROW_COLUMNS} FROM records r ${labelJoin} WHERE r.id > ? ORDER BY r.id LIMIT ${PAGE}`);
    const pageAfter = async (from: number, rankOf: (id: number) => number | null, scoreOf: (id: number) => number | null) => {
      let last = from;
      for (;;) {
        const rows = after.all(last) as Row[];
        if (!rows.length) break;
        last = rows[rows.length - 1]!.id;
        await emit(render(rows, rankOf, scoreOf));
      }
    };

    if (round === null) {
      await pageAfter(0, () => null, () => null);
    } else {
      const scores = roundScores(db, round);
      const ranked = rankedIds(db, round);
      const scoreOf = (id: number) => {
        const s = scores[id - 1];
        return s === undefined || s !== s ? null : s;
      };
      // 1-based rank of each scored id (index id - 1), built once: 4 bytes a record.
      const rankById = new Int32Array(scores.length);
      for (let i = 0; i < ranked.length; i++) rankById[ranked[i]! - 1] = i + 1;
      const rankOf = (id: number) => (id <= rankById.length && rankById[id - 1]! > 0 ? rankById[id - 1]! : null);

      // With onlyLabeled, the ranking keeps the labeled ids only (a bitmap: 1 byte a record id).
      let order: Int32Array = ranked;
      if (onlyLabeled) {
        const labeled = new Uint8Array(scores.length + 1);
        for (const id of db.prepare('SELECT record_id FROM labels WHERE record_id <= ?').pluck().iterate(scores.length) as Iterable<number>) labeled[id] = 1;
        order = ranked.filter((id) => labeled[id] === 1);
      }
      // Ranked records, a page of ids at a time (rows come back in id order: put them in rank order).
      for (let i = 0; i < order.length; i += PAGE) {
        const ids = Array.from(order.subarray(i, i + PAGE));
        const rows = byIds.all(JSON.stringify(ids)) as Row[];
        rows.sort((a, b) => rankOf(a.id)! - rankOf(b.id)!);
        await emit(render(rows, rankOf, scoreOf));
      }
      // Records the round did not score: ids it had no record for, then ids imported after it.
      const unscored: number[] = [];
      for (let i = 0; i < scores.length; i++) if (scores[i] !== scores[i]) unscored.push(i + 1);
      for (let i = 0; i < unscored.length; i += PAGE) {
        const rows = byIds.all(JSON.stringify(unscored.slice(i, i + PAGE))) as Row[];
        rows.sort((a, b) => a.id - b.id);
        await emit(render(rows, rankOf, scoreOf));
      }
      await pageAfter(scores.length, rankOf, scoreOf);
    }

    await fh.sync();
    await fh.close();
    closed = true;
    if (opts.signal?.aborted) throw new CancelledError('export');
    await fs.promises.rename(tmp, file);
    progress.flush();
    return { file, format, records, round };
  } catch (err) {
    if (!closed) await fh.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
    throw writeError(err, file);
  }
}

/** A file system failure (no permission, disk full…) as an error for the user, naming the file. */
function writeError(err: unknown, file: string): unknown {
  if (err instanceof RosasError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('E')) return err;
  return new RosasError('invalid-argument', `cannot write the export ${file}: ${(err as Error).message}`);
}

function parseValues(text: string): unknown[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
