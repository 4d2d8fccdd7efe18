import { RosasError } from '../../core/errors';
import { explainRecord } from '../../core/explain/explain';
import { openProject } from '../../core/project/project';
import { intOption, parse } from '../args';
import { printBlock, printJson, println, printTable } from '../output';

export const usage = `rosas explain <project> <id> [--round R] [--json]
  Which fields of a record pushed its score up (or down) against a typical record, in a round
  (default: the newest). RoSAS rounds: integrated gradients; Isolation Forest rounds: occlusion.`;

function shown(value: unknown): string {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value);
  const one = text.replace(/\s+/g, ' ');
  return one.length > 50 ? `${one.slice(0, 49)}…` : one;
}

export async function explainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('explain', argv, { round: { type: 'string' } });
  if (values.help) return printBlock(usage), 0;
  const [projectPath, idText] = positionals;
  const id = intOption('explain', 'id', idText, 1);
  if (!projectPath || id === undefined || positionals.length > 2) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  const project = openProject(projectPath, { readonly: true });
  try {
    const e = await explainRecord(project.db, id, { round: intOption('explain', 'round', values.round, 1) });
    if (values.json) {
      printJson(e);
      return 0;
    }
    println(`record ${e.recordId}, round ${e.round} (${e.method}, ${e.technique}): score ${e.score.toFixed(4)}, a typical record ${e.typicalScore.toFixed(4)}`);
    printTable([
      ['field', 'contribution', 'value', 'columns'],
      ...e.fields
        .filter((f) => Math.abs(f.contribution) > 1e-4)
        .map((f) => [f.field, (f.contribution >= 0 ? '+' : '') + f.contribution.toFixed(4), shown(f.value), f.columns.slice(0, 3).map((c) => c.column).join(', ')]),
    ]);
    return 0;
  } finally {
    project.close();
  }
}
