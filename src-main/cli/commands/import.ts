import fs from 'node:fs';
import path from 'node:path';
import { RosasError } from '../../core/errors';
import { FORMATS, type FormatName } from '../../core/ingest/types';
import type { ImportSummary } from '../../core/ingest/import';
import { runJob } from '../../core/jobs/run-job';
import { openProject } from '../../core/project/project';
import { listOption, parse } from '../args';
import { CANCELLED_EXIT, runCancellable } from '../cancellable';
import { eprintln, formatBytes, formatLineAccount, printBlock, printJson, println } from '../output';

/** The flag that gets past a failure: the core says what happened without CLI words (the UI offers buttons instead). */
const HINTS: Partial<Record<string, string>> = {
  'duplicate-source': 'use --again to import it anyway',
  'not-a-log': 'if it is a log, choose its format with --format',
};

export const usage = `rosas import <project> <file>... [--format F] [--label-column C] [--normal-values v1,v2] [--again] [--year Y] [--json]
  Imports log files into the project (created if needed). Formats are detected from content;
  --format forces one of: ${FORMATS.join(', ')}.
  --label-column C   a ground-truth column: kept for evaluation, never a feature
  --normal-values    values of C that mean normal (default: benign, normal, background, false, -, empty; numbers: 0)
  --again            import a file even if the same content was imported before
  --year Y           year for timestamps that have none (syslog); default: from the file's date`;

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('import', argv, {
    format: { type: 'string' },
    'label-column': { type: 'string' },
    'normal-values': { type: 'string' },
    again: { type: 'boolean' },
    year: { type: 'string' },
  });
  if (values.help) return printBlock(usage), 0;
  const [projectPath, ...files] = positionals;
  if (!projectPath || files.length === 0) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  if (values.format && !FORMATS.includes(values.format as FormatName)) {
    throw new RosasError('usage', `unknown format "${values.format}"; known formats: ${FORMATS.join(', ')}`);
  }
  for (const f of files) if (!fs.existsSync(f)) throw new RosasError('not-found', 'no such file', { file: f });
  const year = values.year === undefined ? undefined : Number(values.year);
  if (year !== undefined && !(Number.isInteger(year) && year > 1970 && year < 3000)) throw new RosasError('usage', `--year must be a year, got "${values.year}"`);

  // This process holds the project's writer lock; the import itself runs in a worker thread.
  const project = openProject(projectPath, { create: true, purpose: 'rosas import' });
  try {
    return await runCancellable({
      cancelling: 'cancelling: the file being imported is rolled back…',
      // No `cancelled`: a cancelled import resolves, with the files imported before it kept.
      run: (signal, progress) =>
        runJob(
          'import',
          {
            project: project.path,
            files: files.map((f) => path.resolve(f)),
            options: {
              format: values.format as FormatName | undefined,
              labelColumn: values['label-column'],
              normalValues: listOption(values['normal-values']),
              again: values.again,
              formatOptions: year ? { year } : {},
            },
          },
          {
            signal,
            onProgress: (p) => {
              const pct = p.bytesTotal ? Math.floor((100 * p.bytesRead) / p.bytesTotal) : 0;
              progress(`[${p.fileIndex + 1}/${p.files}] ${path.basename(p.file)}: ${p.stage} ${pct}% · ${p.records.toLocaleString('en')} records · ${p.quarantined} quarantined`);
            },
          },
        ),
      report: (result) => {
        const total = (k: 'records' | 'quarantined') => result.imported.reduce((n, s) => n + s[k], 0);
        const formats = [...new Set(result.imported.map((s) => s.format))];
        if (values.json) {
          printJson({
            project: project.path,
            records: total('records'),
            quarantined: total('quarantined'),
            format: formats.length === 1 ? formats[0] : formats.length ? 'mixed' : null,
            fields: mergeFields(result.imported),
            files: result.imported,
            failed: result.failed.map((f) => (HINTS[f.code] ? { ...f, hint: HINTS[f.code] } : f)),
            cancelled: result.cancelled,
          });
        } else {
          for (const s of result.imported) printSummary(s);
        }
        for (const f of result.failed) eprintln(`error: ${f.message}${HINTS[f.code] ? `; ${HINTS[f.code]}` : ''}`);
        if (result.cancelled) {
          eprintln('import cancelled: the file in progress was rolled back; files listed above were kept');
          return CANCELLED_EXIT;
        }
        return result.failed.length ? 1 : 0;
      },
    });
  } finally {
    // A project this command created is removed again when nothing landed in it (every file
    // refused, or cancelled first): a failed first import leaves the folder as it was.
    project.closeAndDiscardIfUnused();
  }
}

function mergeFields(summaries: ImportSummary[]) {
  const byName = new Map<string, ImportSummary['fields'][number]>();
  for (const s of summaries) {
    for (const f of s.fields) {
      const seen = byName.get(f.name);
      byName.set(f.name, seen ? { ...f, present: seen.present + f.present } : f);
    }
  }
  return [...byName.values()];
}

function printSummary(s: ImportSummary): void {
  println(`${path.basename(s.file)}: ${s.formatTitle} (${s.format}), ${formatBytes(s.bytes)}`);
  println(`  ${s.records.toLocaleString('en')} records, ${s.quarantined.toLocaleString('en')} quarantined, ${s.fields.length} fields, ${s.seconds.toFixed(1)} s`);
  println(`  ${formatLineAccount(s.lines)}`);
  if (s.truth) println(`  ground truth "${s.labelColumn}": ${s.truth.anomalies} anomalies, ${s.truth.normals} normal`);
  for (const w of s.warnings) println(`  note: ${w}`);
}
