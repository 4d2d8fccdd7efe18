import { RosasError } from '../../core/errors';
import { EXPORT_FORMATS, exportRecords, formatFromFileName, type ExportFormat } from '../../core/export/export';
import { openProject } from '../../core/project/project';
import { intOption, parse } from '../args';
import { runCancellable } from '../cancellable';
import { printBlock, printJson, println } from '../output';

export const usage = `rosas export <project> --out FILE [--format csv|ndjson] [--only-labeled] [--round R] [--json]
  Writes the project's records to FILE, most anomalous first (by rank of the newest round, or of
  round R; by id before any round): id, rank, score, label, note, labeled_by, labeled_at, source,
  line, every field (a field named like one of these becomes field.<name>), raw.
  --format F      csv or ndjson (default: ndjson for .ndjson/.jsonl/.json, else csv)
  --only-labeled  only records with a label (anomaly, normal or unsure)
  CSV cells a spreadsheet would run as a formula (starting with = + - @) get a leading ' ;
  NDJSON keeps every value exactly. Both re-import: rosas import P2 FILE --format csv|ndjson
  --label-column label (unsure counts as anomaly unless --normal-values normal,unsure).
  The file appears only once complete: Ctrl-C or an error leaves no partial file.`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('export', argv, {
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    'only-labeled': { type: 'boolean' },
    round: { type: 'string' },
  });
  if (values.help) return printBlock(usage), 0;
  const [projectPath] = positionals;
  const out = values.out;
  if (!projectPath || positionals.length > 1 || !out) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  if (values.format !== undefined && !EXPORT_FORMATS.includes(values.format as ExportFormat)) {
    throw new RosasError('usage', `rosas export: --format must be one of ${EXPORT_FORMATS.join(', ')}, got "${values.format}"`);
  }
  const format = (values.format as ExportFormat | undefined) ?? formatFromFileName(out);
  const round = intOption('export', 'round', values.round, 1);

  // Read-only: works while training holds the project open for writing.
  const project = openProject(projectPath, { readonly: true });
  try {
    return await runCancellable({
      cancelling: 'cancelling the export…',
      cancelled: 'export cancelled: no file was written',
      run: (signal, progress) =>
        exportRecords(project.db, {
          out,
          format,
          onlyLabeled: !!values['only-labeled'],
          round,
          signal,
          onProgress: (p) => {
            const pct = p.total ? Math.floor((100 * p.records) / p.total) : 100;
            progress(`exporting: ${pct}% · ${p.records.toLocaleString('en')} of ${p.total.toLocaleString('en')} records`);
          },
        }),
      report: (result) => {
        if (values.json) printJson(result);
        else println(`${result.records.toLocaleString('en')} records exported to ${result.file} (${result.format}${result.round === null ? ', no round yet: by id' : `, ranked by round ${result.round}`})`);
        return 0;
      },
    });
  } finally {
    project.close();
  }
}
