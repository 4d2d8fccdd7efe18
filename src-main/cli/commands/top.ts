import { RosasError } from '../../core/errors';
import { openProject } from '../../core/project/project';
import { resolveRound } from '../../core/rounds/store';
import { groupRepresentatives } from '../../core/rounds/group-review';
import { topRecords, topRecordsAt, type TopRecord } from '../../core/rounds/top';
import { intOption, parse } from '../args';
import { printBlock, printJson, println, printTable } from '../output';

export const usage = `rosas top <project> [-n N] [--offset K] [--round R] [--unlabeled] [--groups] [--json]
  The records at the top of a round's review order (default: the newest round), most anomalous
  first (while the latest reviews find few anomalies, up to 5 of the first 10 places show the
  largest unreviewed groups instead).
  -n N          how many (default 20)
  --offset K    skip the first K (with --unlabeled: the first K unlabeled)
  --unlabeled   only records without a label
  --groups      one record per group of near-duplicates, with the group's size and how many of
                it are unlabeled (rosas label --group labels a whole group)`;

/** One line of text, at most `max` characters. */
function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export async function topCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('top', argv, {
    n: { type: 'string', short: 'n' },
    offset: { type: 'string' },
    round: { type: 'string' },
    unlabeled: { type: 'boolean' },
    groups: { type: 'boolean' },
  });
  if (values.help) return printBlock(usage), 0;
  const [projectPath] = positionals;
  if (!projectPath || positionals.length > 1) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  const n = intOption('top', 'n', values.n, 0) ?? 20;
  const offset = intOption('top', 'offset', values.offset, 0) ?? 0;
  const requested = intOption('top', 'round', values.round, 1);

  // Read-only: works while training holds the project open for writing.
  const project = openProject(projectPath, { readonly: true });
  try {
    const round = resolveRound(project.db, requested);
    const reps = values.groups ? groupRepresentatives(project.db, { round, n, offset, unlabeledOnly: !!values.unlabeled }).groups : null;
    const records: TopRecord[] = reps ? topRecordsAt(project.db, { round, at: reps }) : topRecords(project.db, { round, n, offset, unlabeledOnly: !!values.unlabeled });
    const groupOf = new Map(reps?.map((g) => [g.id, g]));
    if (values.json) {
      printJson({
        round,
        records: records.map((r) => {
          const g = groupOf.get(r.id);
          return { id: r.id, rank: r.rank, score: r.score, label: r.label, note: r.note, source: r.source, line: r.line, fields: r.fields, raw: r.raw, ...(g ? { group_size: g.size, group_unlabeled: g.unlabeled } : {}) };
        }),
      });
      return 0;
    }
    if (!records.length) {
      println(`round ${round}: no ${values.unlabeled ? 'unlabeled ' : ''}records at this position`);
      return 0;
    }
    const width = Math.max(40, (process.stdout.columns ?? 120) - 60);
    println(`round ${round}`);
    const size = (r: TopRecord) => (reps ? [`${groupOf.get(r.id)?.size ?? 1} (${groupOf.get(r.id)?.unlabeled ?? 0})`] : []);
    printTable([
      ['rank', 'id', 'score', 'label', ...(reps ? ['group (unlabeled)'] : []), 'source', 'record'],
      ...records.map((r) => [String(r.rank), String(r.id), r.score.toFixed(4), r.label ?? '', ...size(r), `${r.source}:${r.line}`, clip(r.raw, width)]),
    ]);
    return 0;
  } finally {
    project.close();
  }
}
