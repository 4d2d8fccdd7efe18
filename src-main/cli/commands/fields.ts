import { RosasError } from '../../core/errors';
import { setRoleOverrides } from '../../core/features/field-roles';
import { ROLES, type Role } from '../../core/fields/role';
import { projectInfo } from '../../core/project/info';
import { openProject } from '../../core/project/project';
import { parse } from '../args';
import { printBlock, printJson, println, printTable } from '../output';

export const usage = `rosas fields <project> [--set FIELD=ROLE]... [--json]
  The fields with their roles and why. --set overrides a role (${ROLES.join(', ')}, or "auto" to
  return to the inferred one) and rebuilds the feature specification for the next round.`;

export async function fieldsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('fields', argv, { set: { type: 'string', multiple: true } });
  if (values.help) return printBlock(usage), 0;
  const [projectPath] = positionals;
  if (!projectPath || positionals.length > 1) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  // A Map: a field may be called __proto__, which an object key would lose.
  const changes = new Map<string, Role | null>();
  for (const item of values.set ?? []) {
    const eq = item.lastIndexOf('=');
    const name = item.slice(0, eq);
    const role = item.slice(eq + 1);
    if (eq <= 0 || !(role === 'auto' || ROLES.includes(role as Role))) {
      throw new RosasError('usage', `--set takes FIELD=ROLE with ROLE one of ${ROLES.join(', ')} or auto; got "${item}"`);
    }
    changes.set(name, role === 'auto' ? null : (role as Role));
  }
  const writing = changes.size > 0;
  const project = openProject(projectPath, writing ? { purpose: 'rosas fields' } : { readonly: true });
  try {
    if (writing) setRoleOverrides(project.db, changes);
    const info = projectInfo(project.db, project.path);
    if (values.json) {
      printJson({ fields: info.fields, features: info.features });
      return 0;
    }
    printTable([
      ['field', 'type', 'role', 'present', 'distinct', 'why'],
      ...info.fields.map((f) => [f.name, f.type, f.roleOverride ? `${f.role} (set)` : f.role, String(f.present), f.distinct === null ? '>1000' : String(f.distinct), f.why]),
    ]);
    println();
    println(info.features ? `features: ${info.features.dim} columns (spec #${info.features.specId})` : 'features: none yet');
    return 0;
  } finally {
    project.close();
  }
}
