import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { RosasError, throwIfAborted } from '../errors';
import { saveFieldStats } from '../features/field-roles';
import { updateSpecAfterImport, type SpecAfterImport } from '../features/spec-store';
import { FieldRegistry } from '../fields/names';
import type { Role } from '../fields/role';
import { valueType } from '../fields/stats';
import { fieldPositions, listFields } from '../fields/table';
import { sha256File } from '../util/hash';
import type { TaskControl } from '../util/task';
import { throttle } from '../util/throttle';
import { detectFormat, readSample, resolveFormat } from './detect';
import { addLineCounts, emptyLineCounts, type LineCounts } from './parse-stream';
import { preparedBatches } from './prepared-batches';
import { statLogFile } from './log-file';
import { inspectFile } from './read-lines';
import type { FormatName } from './types';

export interface ImportOptions {
  /** Skip detection and read the file as this format. */
  format?: FormatName;
  /** A field holding ground truth: kept for evaluation, never a feature. */
  labelColumn?: string;
  /** Values of the label column that mean normal (instead of the default rule in truth.ts). */
  normalValues?: string[];
  /** Import a file whose content was imported before. */
  again?: boolean;
  /** Roles chosen by the analyst before import, by field name. */
  roles?: Record<string, Role>;
  /** Options for the parser, e.g. { year: 2017 } for logs without a year. */
  formatOptions?: Record<string, unknown>;
}

export interface ImportProgress {
  file: string;
  stage: 'hashing' | 'reading' | 'saving';
  bytesRead: number;
  bytesTotal: number;
  records: number;
  quarantined: number;
}

export interface ImportedField {
  name: string;
  type: string;
  role: Role;
  /** Records of this file that have the field. */
  present: number;
}

export interface ImportSummary {
  sourceId: number;
  file: string;
  format: FormatName;
  formatTitle: string;
  sha256: string;
  bytes: number;
  records: number;
  quarantined: number;
  /** Lines that were not valid UTF-8 and were read as Latin-1. */
  latin1Lines: number;
  /** Where every line of the file went: records + quarantine + header + blank + structure = read. */
  lines: LineCounts;
  /** Field names that differ only in case from another of the same record, kept under a new name. */
  renamedFields: Array<{ from: string; to: string; records: number }>;
  firstRecordId: number | null;
  lastRecordId: number | null;
  labelColumn: string | null;
  /** Ground truth counts when a label column was given. */
  truth: { anomalies: number; normals: number } | null;
  fields: ImportedField[];
  /**
   * The feature spec in force after this import: a new version when the file brought fields that
   * would be features (`newFields`, also said in `warnings`); the previous one kept otherwise.
   */
  featureSpec: SpecAfterImport;
  seconds: number;
  warnings: string[];
}

export interface ImportControl extends TaskControl<ImportProgress> {
  /** Read and parse in a second thread (default: when running from the bundle). */
  parallel?: boolean;
}

const RECORD_SQL = 'INSERT INTO records (source_id, line, ts, truth, raw, fields) VALUES (?, ?, ?, ?, ?, ?)';
const QUARANTINE_SQL = 'INSERT INTO quarantine (source_id, line, reason, raw) VALUES (?, ?, ?, ?)';

/**
 * Imports one file into an open project, all or nothing: the whole import is one transaction, so a
 * cancel, an error or a killed process leaves the project exactly as it was.
 */
export async function importFile(db: Database, file: string, opts: ImportOptions = {}, ctl: ImportControl = {}): Promise<ImportSummary> {
  const started = Date.now();
  const abs = path.resolve(file);
  const name = path.basename(abs);
  const stat = statLogFile(abs);

  const progress = throttle((p: ImportProgress) => ctl.onProgress?.(p));
  const report = (stage: ImportProgress['stage'], bytesRead: number, records: number, quarantined: number) =>
    progress.push({ file: abs, stage, bytesRead, bytesTotal: stat.size, records, quarantined });

  report('hashing', 0, 0, 0);
  const sha256 = await sha256File(abs, ctl.signal);
  throwIfAborted(ctl.signal, 'import');
  const previous = db.prepare('SELECT id, file_name, finished_at FROM sources WHERE sha256 = ? ORDER BY id LIMIT 1').get(sha256) as
    | { id: number; file_name: string; finished_at: string }
    | undefined;
  if (previous && !opts.again) {
    throw new RosasError(
      'duplicate-source',
      `already imported (same content as source #${previous.id}, ${previous.file_name}, on ${previous.finished_at})`,
      { file: abs },
    );
  }

  const kind = await inspectFile(abs, { sniff: !opts.format });
  const format = resolveFormat(opts.format) ?? detectFormat(await readSample(abs, kind), abs).format;
  const ctx = { fileName: name, fileMtimeMs: stat.mtimeMs, options: opts.formatOptions ?? {} };
  const warnings: string[] = [];
  let records = 0;
  let quarantined = 0;
  let latin1 = 0;
  const lines = emptyLineCounts();
  let gzipError: string | undefined;
  let firstBad: { line: number; reason: string } | null = null;
  let firstId: number | null = null;
  let lastId: number | null = null;

  db.exec('BEGIN IMMEDIATE');
  try {
    const now = new Date().toISOString();
    const sourceId = Number(
      db
        .prepare(
          `INSERT INTO sources (file_name, file_path, sha256, size_bytes, format, records, quarantined, label_column, normal_values, options, started_at, finished_at, seconds)
           VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, 0)`,
        )
        .run(name, abs, sha256, stat.size, format.name, opts.labelColumn ?? null, opts.normalValues ? JSON.stringify(opts.normalValues) : null, JSON.stringify(opts.formatOptions ?? {}), now, now)
        .lastInsertRowid,
    );
    const insertRecord = db.prepare(RECORD_SQL);
    const insertBad = db.prepare(QUARANTINE_SQL);
    const setup = { existing: fieldPositions(db), labelColumn: opts.labelColumn, normalValues: opts.normalValues };
    const { batches, holder } = preparedBatches({ file: abs, kind, format: format.name, ctx, setup }, { signal: ctl.signal, parallel: ctl.parallel });
    let lastYield = Date.now();

    for await (const b of batches) {
      throwIfAborted(ctl.signal, 'import');
      latin1 += b.latin1;
      addLineCounts(lines, b.lineCounts);
      gzipError ??= b.gzipError;
      for (const bad of b.bad) {
        firstBad ??= bad;
        insertBad.run(sourceId, bad.line, bad.reason, bad.raw);
      }
      quarantined += b.bad.length;
      let rawStart = 0;
      let jsonStart = 0;
      for (let i = 0; i < b.count; i++) {
        const ts = b.ts[i]!;
        const t = b.truth[i]!;
        const rawEnd = b.rawEnds[i]!;
        const jsonEnd = b.jsonEnds[i]!;
        const id = Number(
          insertRecord.run(sourceId, b.lines[i], Number.isNaN(ts) ? null : ts, t < 0 ? null : t, b.raws.slice(rawStart, rawEnd), b.jsons.slice(jsonStart, jsonEnd)).lastInsertRowid,
        );
        rawStart = rawEnd;
        jsonStart = jsonEnd;
        firstId ??= id;
        lastId = id;
      }
      records += b.count;
      report('reading', b.bytesRead, records, quarantined);
      if (Date.now() - lastYield > 50) {
        // Let the worker see a cancel message even when the file is read from cache.
        await yieldToLoop();
        lastYield = Date.now();
      }
    }
    throwIfAborted(ctl.signal, 'import');
    const prepared = holder.result!;

    if (records === 0) {
      if (lines.blank === lines.read) throw new RosasError('not-a-log', 'the file is empty', { file: abs });
      const why = firstBad ? ` (line ${firstBad.line}: ${firstBad.reason})` : '';
      throw new RosasError('not-a-log', `no record could be read as ${format.title}${why}`, { file: abs });
    }
    if (opts.labelColumn && !prepared.labelFound) {
      const known = [...setup.existing, ...prepared.added].map((f) => f.name);
      throw new RosasError('invalid-argument', `label column "${opts.labelColumn}" is not a field of this file; fields are: ${known.join(', ')}`, {
        file: abs,
      });
    }
    if (gzipError !== undefined) {
      warnings.push(`the gzip data ends early or is damaged (${gzipError}): the ${lines.read.toLocaleString('en')} lines up to that point were read`);
    }
    if (latin1) warnings.push(`${latin1} line(s) were not valid UTF-8 and were read as Latin-1`);
    if (quarantined) warnings.push(`${quarantined} line(s) could not be read and are kept in quarantine`);
    for (const r of prepared.renamed) {
      warnings.push(`"${r.from}" and another name of the same record differ only in case: kept both, this one as "${r.to}" (${r.records.toLocaleString('en')} records)`);
    }

    report('saving', stat.size, records, quarantined);
    const collected = new Map(prepared.stats);
    const rolesBefore = existingRoles(db, opts.roles);
    saveFieldStats(db, new FieldRegistry(setup.existing, prepared.added), collected, opts.roles);
    // Roles given with the import for fields already there are the analyst's change: a rebuild.
    const rolesChanged = rolesBefore.size > 0 && listFields(db).some((f) => rolesBefore.has(f.pos) && rolesBefore.get(f.pos) !== f.effectiveRole);
    const setPresent = db.prepare('INSERT INTO source_fields (source_id, field_id, present) SELECT ?, id, ? FROM fields WHERE pos = ?');
    for (const [pos, st] of collected) setPresent.run(sourceId, st.present, pos);
    const seconds = (Date.now() - started) / 1000;
    db.prepare('UPDATE sources SET records = ?, quarantined = ?, first_record_id = ?, last_record_id = ?, finished_at = ?, seconds = ? WHERE id = ?').run(
      records,
      quarantined,
      firstId,
      lastId,
      new Date().toISOString(),
      seconds,
      sourceId,
    );
    // The first import defines how records become features; a later one adds a version only when
    // it brings fields that would be features (or changes roles), so that they reach the model.
    const featureSpec = updateSpecAfterImport(db, rolesChanged);
    if (featureSpec.previousId !== null && featureSpec.id !== featureSpec.previousId) warnings.push(specWarning(featureSpec));
    db.exec('COMMIT');
    progress.flush();

    const byPos = new Map(listFields(db).map((f) => [f.pos, f]));
    const fields: ImportedField[] = [...collected.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([pos, st]) => {
        const f = byPos.get(pos)!;
        return { name: f.name, type: valueType(st), role: f.effectiveRole, present: st.present };
      });
    return {
      sourceId,
      file: abs,
      format: format.name,
      formatTitle: format.title,
      sha256,
      bytes: stat.size,
      records,
      quarantined,
      latin1Lines: latin1,
      lines,
      renamedFields: prepared.renamed,
      firstRecordId: firstId,
      lastRecordId: lastId,
      labelColumn: opts.labelColumn ?? null,
      truth: opts.labelColumn ? prepared.truth : null,
      fields,
      featureSpec,
      seconds,
      warnings,
    };
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Effective roles of the existing fields that `roles` names, by pos. */
function existingRoles(db: Database, roles: Record<string, Role> | undefined): Map<number, Role> {
  const named = new Set(Object.keys(roles ?? {}).map((k) => k.toLowerCase()));
  if (!named.size) return new Map();
  return new Map(listFields(db).flatMap((f) => (named.has(f.name.toLowerCase()) ? [[f.pos, f.effectiveRole] as const] : [])));
}

/** Names shown in a warning at most; the rest are counted. */
const NAMES_SHOWN = 12;

function specWarning(s: SpecAfterImport): string {
  const n = s.newFields.length;
  if (n === 0) return `the roles given changed the model's features from the next round (feature spec #${s.id})`;
  const shown = s.newFields.slice(0, NAMES_SHOWN).join(', ');
  const more = n > NAMES_SHOWN ? ` and ${n - NAMES_SHOWN} more` : '';
  return `${n} new field${n === 1 ? ' joins' : 's join'} the model from the next round: ${shown}${more} (feature spec #${s.id})`;
}
