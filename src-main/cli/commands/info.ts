import { RosasError } from '../../core/errors';
import { projectInfo } from '../../core/project/info';
import { openProject } from '../../core/project/project';
import { listRounds } from '../../core/rounds/store';
import { parse } from '../args';
import { formatBytes, printBlock, printJson, println, printTable } from '../output';

export const usage = `rosas info <project> [--json]
  Sources, record counts, fields with their roles, schema version.`;

export async function infoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('info', argv, {});
  if (values.help) return printBlock(usage), 0;
  const [projectPath] = positionals;
  if (!projectPath || positionals.length > 1) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  // Read-only: works while another process has the project open for writing.
  const project = openProject(projectPath, { readonly: true });
  try {
    const info = projectInfo(project.db, project.path);
    if (values.json) {
      printJson(info);
      return 0;
    }
    println(`${info.path}`);
    const upgrade = info.schemaVersion < info.latestSchemaVersion ? ` (upgraded to ${info.latestSchemaVersion} when next opened for writing)` : '';
    println(`schema version ${info.schemaVersion}${upgrade}; created ${info.createdAt ?? '?'}`);
    println(`${info.records.toLocaleString('en')} records, ${info.quarantined.toLocaleString('en')} quarantined, ${info.sources.length} source(s)`);
    println(`labels: ${info.labels.anomaly} anomaly, ${info.labels.normal} normal, ${info.labels.unsure} unsure; ${info.rounds} round(s)`);
    const versions = info.features && info.features.versions > 1 ? `, ${info.features.versions} versions in the project` : '';
    println(info.features ? `features: ${info.features.dim} columns (spec #${info.features.specId}${versions})` : 'features: none yet');
    if (info.sources.length) {
      println();
      println('sources');
      printTable([
        ['#', 'file', 'format', 'size', 'records', 'quarantined', 'label', 'imported'],
        ...info.sources.map((s) => [String(s.id), s.fileName, s.format, formatBytes(s.bytes), String(s.records), String(s.quarantined), s.labelColumn ?? '', s.importedAt]),
      ]);
    }
    if (info.fields.length) {
      println();
      println('fields');
      printTable([
        ['field', 'type', 'role', 'present', 'distinct', 'why'],
        ...info.fields.map((f) => [f.name, f.type, f.roleOverride ? `${f.role} (set)` : f.role, String(f.present), f.distinct === null ? '>1000' : String(f.distinct), f.why]),
      ]);
    }
    const rounds = info.rounds ? listRounds(project.db) : [];
    if (rounds.length) {
      println();
      println('rounds');
      printTable([
        ['#', 'method', 'labels (anomaly/normal)', 'records', 'spec', 'train s', 'backend', 'seed', 'created'],
        ...rounds.map((r) => [
          String(r.round),
          r.method === 'rosas' ? `rosas (${r.epochs ?? '?'} epochs)` : r.method,
          `${r.labeledAnomalies}/${r.labeledNormals}`,
          String(r.recordsScored),
          `#${r.featureSpecId}`,
          r.trainSeconds.toFixed(1),
          r.backend,
          String(r.seed),
          r.createdAt,
        ]),
      ]);
    }
    return 0;
  } finally {
    project.close();
  }
}
