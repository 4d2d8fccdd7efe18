import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { CancelledError, RosasError } from '../errors';
import { labelMarks } from '../records/label-marks';
import { scoreOf } from '../records/ranking';
import { recordsAfter, recordsByIds, type StoredRecord } from '../records/read';
import { optionalRanking } from '../rounds/ranking';
import { throttle } from '../util/throttle';
import { csvWriter, exportFieldNames, ndjsonWriter } from './writers';

// Export of a project's records to CSV or NDJSON, streamed a page at a time: columns, order, CSV
// and NDJSON rules, re-import and the temp-file write are described in docs/export.md.

export type ExportFormat = 'csv' | 'ndjson';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'ndjson'];

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

/** The format a file name asks for: .ndjson/.jsonl/.json → ndjson, else csv. */
export function formatFromFileName(file: string): ExportFormat {
  const ext = path.extname(file).toLowerCase();
  return ext === '.ndjson' || ext === '.jsonl' || ext === '.json' ? 'ndjson' : 'csv';
}

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

/**
 * Exports the project's records to `opts.out` (see docs/export.md). Resolves when the file
 * is complete under its name; rejects with a `cancelled` error on abort, leaving no file behind.
 */
export async function exportRecords(db: Database, opts: ExportOptions): Promise<ExportResult> {
  const format = opts.format;
  if (!EXPORT_FORMATS.includes(format)) throw new RosasError('invalid-argument', `unknown export format "${String(format)}"; formats are ${EXPORT_FORMATS.join(', ')}`);
  const file = checkOut(db, opts.out);
  const onlyLabeled = !!opts.onlyLabeled;
  const ranking = optionalRanking(db, opts.round);
  if (opts.signal?.aborted) throw new CancelledError('export');

  const columns = exportFieldNames(exportedFields(db, onlyLabeled));
  const writer = format === 'csv' ? csvWriter(columns) : ndjsonWriter(columns);
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
    const render = (rows: StoredRecord[], rankOf: (id: number) => number | null, scoreOf: (id: number) => number | null): string => {
      let text = '';
      for (const r of rows) text += writer.record(r, rankOf(r.id), scoreOf(r.id));
      records += rows.length;
      progress.push({ records, total });
      return text;
    };

    await emit(writer.header());
    progress.push({ records: 0, total });

    const read = { labeledOnly: onlyLabeled };
    const pageAfter = async (from: number, rankOf: (id: number) => number | null, scoreOf: (id: number) => number | null) => {
      let last = from;
      for (;;) {
        const rows = recordsAfter(db, last, PAGE, read);
        if (!rows.length) break;
        last = rows[rows.length - 1]!.id;
        await emit(render(rows, rankOf, scoreOf));
      }
    };

    if (ranking === null) {
      await pageAfter(0, () => null, () => null);
    } else {
      const { scores, ranked } = ranking;
      const score = (id: number) => scoreOf(ranking, id);
      // 1-based rank of each scored id (index id - 1), built once: 4 bytes a record.
      const rankById = new Int32Array(scores.length);
      for (let i = 0; i < ranked.length; i++) rankById[ranked[i]! - 1] = i + 1;
      const rankOf = (id: number) => (id <= rankById.length && rankById[id - 1]! > 0 ? rankById[id - 1]! : null);

      // With onlyLabeled, the ranking keeps the labeled ids only (a mark per record id: 1 byte each).
      let order: Int32Array = ranked;
      if (onlyLabeled) {
        const marks = labelMarks(db, scores.length + 1);
        order = ranked.filter((id) => marks[id] !== 0);
      }
      // Ranked records, a page of ids at a time, in rank order.
      for (let i = 0; i < order.length; i += PAGE) await emit(render(recordsByIds(db, Array.from(order.subarray(i, i + PAGE)), read), rankOf, score));
      // Records the round did not score: ids it had no record for, then ids imported after it.
      const unscored: number[] = [];
      for (let i = 0; i < scores.length; i++) if (scores[i] !== scores[i]) unscored.push(i + 1);
      for (let i = 0; i < unscored.length; i += PAGE) await emit(render(recordsByIds(db, unscored.slice(i, i + PAGE), read), rankOf, score));
      await pageAfter(scores.length, rankOf, score);
    }

    await fh.sync();
    await fh.close();
    closed = true;
    if (opts.signal?.aborted) throw new CancelledError('export');
    await fs.promises.rename(tmp, file);
    progress.flush();
    return { file, format, records, round: ranking?.round ?? null };
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
