import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import type { Role } from '../fields/role';
import { fieldPositions, listFields } from '../fields/table';
import type { FieldValue } from '../fields/values';

/**
 * A record's values by name. Records store values by field position; these turn them into named
 * fields. Results have no prototype: field names come from the log, and one may be `__proto__`.
 */

export interface FieldRef {
  pos: number;
  name: string;
  role: Role;
}

/** The project's fields by lower-cased name: names compare without case, as the project compares them. */
export function fieldsByName(db: Database): Map<string, FieldRef> {
  return new Map(listFields(db).map((f) => [f.name.toLowerCase(), { pos: f.pos, name: f.name, role: f.effectiveRole }]));
}

/** A field's position by name; not-found when the project has no such field. */
export function fieldPosition(fields: Map<string, FieldRef>, name: string): number {
  const f = fields.get(name.toLowerCase());
  if (!f) throw new RosasError('not-found', `no field "${name}" in this project`);
  return f.pos;
}

/** Every field a record has (absent and null values left out), by the field's name. */
export function namedFields(db: Database): (values: FieldValue[]) => Record<string, FieldValue> {
  const names: string[] = [];
  for (const f of fieldPositions(db)) names[f.pos] = f.name;
  return (values) => {
    const out = Object.create(null) as Record<string, FieldValue>;
    values.forEach((v, pos) => {
      if (v !== null && v !== undefined) out[names[pos] ?? `field ${pos}`] = v;
    });
    return out;
  };
}

/**
 * The values of the named columns, in their order; null where the record lacks the field. A name
 * the project does not have gives null too: a column chooser may remember another project's field.
 */
export function pickColumns(db: Database, columns: readonly string[]): (values: FieldValue[]) => Record<string, FieldValue> {
  const fields = fieldsByName(db);
  const cols = columns.map((name) => ({ name, pos: fields.get(name.toLowerCase())?.pos }));
  return (values) => {
    const out = Object.create(null) as Record<string, FieldValue>;
    for (const c of cols) out[c.name] = c.pos === undefined ? null : (values[c.pos] ?? null);
    return out;
  };
}

/** Every field a record has, in the project's field order, with its role. */
export function fieldsWithRoles(db: Database, values: FieldValue[]): Array<{ name: string; value: FieldValue; role: Role }> {
  return listFields(db)
    .filter((f) => values[f.pos] !== null && values[f.pos] !== undefined)
    .map((f) => ({ name: f.name, value: values[f.pos]!, role: f.effectiveRole }));
}
