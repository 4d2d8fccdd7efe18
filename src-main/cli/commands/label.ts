import os from 'node:os';
import { RosasError } from '../../core/errors';
import { isLabel, LABELS, labelsOf, setLabels, type Label } from '../../core/labels/labels';
import { projectAnalyst } from '../../core/project/analyst';
import { openProject } from '../../core/project/project';
import { withGroupMembers } from '../../core/rounds/group-review';
import { parse } from '../args';
import { printBlock, printJson, println } from '../output';

export const usage = `rosas label <project> <id>... (--as anomaly|normal|unsure | --clear) [--group] [--note TEXT] [--author NAME] [--json]
  Labels records (by id, as rosas top lists them) for the next round, or with --clear removes
  their labels. Every change is kept in the label history, record by record.
  --group        also every record of their groups of near-duplicates in the newest round
                 (rosas top --groups shows them)
  --note TEXT    a note kept with the label ("" clears it); with --clear, the reason
  --author NAME  who labels (default: the project's analyst name, set in the app's Overview,
                 else the user name of this account)`;

function defaultAuthor(): string {
  try {
    return os.userInfo().username || process.env.USER || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export async function labelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('label', argv, {
    as: { type: 'string' },
    clear: { type: 'boolean' },
    note: { type: 'string' },
    author: { type: 'string' },
    group: { type: 'boolean' },
  });
  if (values.help) return printBlock(usage), 0;
  const [projectPath, ...idTexts] = positionals;
  if (!projectPath || idTexts.length === 0) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  if (!!values.clear === (values.as !== undefined)) throw new RosasError('usage', 'rosas label: give either --as LABEL or --clear');
  if (values.as !== undefined && !isLabel(values.as)) throw new RosasError('usage', `rosas label: --as must be one of ${LABELS.join(', ')}, got "${values.as}"`);
  const ids = idTexts.flatMap((t) => t.split(',')).filter((t) => t !== '').map((t) => {
    const id = Number(t);
    if (!Number.isSafeInteger(id) || id < 1) throw new RosasError('usage', `rosas label: record ids are positive integers, got "${t}"`);
    return id;
  });
  const label: Label | null = values.clear ? null : (values.as as Label);

  const project = openProject(projectPath, { purpose: 'rosas label' });
  try {
    const author = values.author ?? projectAnalyst(project.db) ?? defaultAuthor();
    const asked = [...new Set(ids)];
    const unique = values.group ? withGroupMembers(project.db, asked) : asked;
    const members = unique.length - asked.length;
    const { changed } = setLabels(project.db, unique, label, { note: values.note, author });
    const now = labelsOf(project.db, unique);
    if (values.json) {
      printJson({
        changed,
        label,
        author,
        ...(values.group ? { group_members: members } : {}),
        records: unique.map((id) => {
          const l = now.get(id);
          return { id, label: l?.label ?? null, note: l?.note ?? null };
        }),
      });
    } else {
      const what = label === null ? 'label removed from' : `labeled ${label}:`;
      println(`${what} ${changed} record(s)${changed < unique.length ? ` (${unique.length - changed} unchanged)` : ''}${values.group ? `, ${members} of them other members of the groups` : ''}`);
    }
    return 0;
  } finally {
    project.close();
  }
}
