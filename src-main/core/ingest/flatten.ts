import { RosasError } from '../errors';
import type { Fields, FieldValue, Scalar } from '../fields/values';

/**
 * Deeper JSON than this is refused (its line quarantined): JSON.stringify recurses, and a line
 * nested tens of thousands of levels overflows the stack. Real logs nest under ten.
 */
export const MAX_JSON_DEPTH = 256;

export interface FlattenOptions {
  /** Levels of nesting expanded into dotted names; a deeper object is kept as JSON text. */
  maxDepth?: number;
  /**
   * Once this many fields exist, the rest of the nested object being expanded is kept as one JSON
   * text under its path, and further objects are not expanded. Top-level keys keep their names.
   */
  maxFields?: number;
}

interface State {
  out: Fields;
  n: number;
  maxDepth: number;
  maxFields: number;
}

function set(st: State, name: string, value: FieldValue): void {
  // Plain assignment to "__proto__" would change the object's prototype instead of adding a key.
  if (name === '__proto__') Object.defineProperty(st.out, name, { value, enumerable: true, writable: true, configurable: true });
  else st.out[name] = value;
  st.n++;
}

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** Whether `v` nests more than `limit` levels of objects and arrays: a walk with a stack, no recursion. */
function nestsDeeper(v: unknown, limit: number): boolean {
  const stack: Array<[object, number]> = [];
  if (typeof v === 'object' && v !== null) stack.push([v, 1]);
  while (stack.length) {
    const [o, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const k in o) {
      const x = (o as Record<string, unknown>)[k];
      if (typeof x === 'object' && x !== null) stack.push([x, depth + 1]);
    }
  }
  return false;
}

/** JSON text of a nested value that stays a field, `depth` levels down in the record. */
function jsonText(v: object, depth: number): string {
  if (nestsDeeper(v, MAX_JSON_DEPTH - depth)) {
    throw new RosasError('format', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return JSON.stringify(v);
}

/** Scalars stay a list (nulls dropped, they carry nothing); a list holding structure stays JSON. */
function arrayValue(a: unknown[], depth: number): FieldValue {
  let nulls = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x === null || x === undefined) nulls++;
    else if (typeof x === 'object') return jsonText(a, depth);
  }
  return nulls ? (a.filter((x) => x !== null && x !== undefined) as Scalar[]) : (a as Scalar[]);
}

/** The entries of `obj` from key `from` on, nulls left out, as JSON text. */
function restAsJson(obj: Record<string, unknown>, from: string, depth: number): string {
  const keys = Object.keys(obj);
  // No prototype: a key "__proto__" stays a key and is written out.
  const rest = Object.create(null) as Record<string, unknown>;
  for (let j = keys.indexOf(from); j < keys.length; j++) if (obj[keys[j]!] != null) rest[keys[j]!] = obj[keys[j]!];
  return jsonText(rest, depth - 1);
}

function walk(obj: Record<string, unknown>, path: string, depth: number, st: State): void {
  for (const k in obj) {
    const v = obj[k];
    if (v === null || v === undefined) continue;
    if (path !== '' && st.n >= st.maxFields) {
      // Out of room: the rest of this object goes under its own path, whole.
      set(st, path, restAsJson(obj, k, depth));
      return;
    }
    const name = path === '' ? k : `${path}.${k}`;
    switch (typeof v) {
      case 'string':
      case 'number':
      case 'boolean':
        set(st, name, v);
        break;
      case 'object':
        if (Array.isArray(v)) set(st, name, arrayValue(v, depth));
        else if (isEmptyObject(v)) break;
        else if (depth >= st.maxDepth || st.n >= st.maxFields) set(st, name, jsonText(v, depth));
        else walk(v as Record<string, unknown>, name, depth + 1, st);
        break;
      default:
        // Not from JSON (bigint, function): keep its text rather than lose it.
        set(st, name, String(v));
    }
  }
}

/**
 * A nested JSON object as one flat level of fields: `{a: {b: 1}}` becomes `a.b`. Keys that
 * already hold dots (Zeek's `id.orig_h`) are kept as they are. JSON null is omitted. Lists of
 * scalars stay lists; lists holding objects or lists, objects nested deeper than maxDepth, and
 * whatever does not fit in maxFields are kept as JSON text under their path, so nothing is lost.
 */
export function flatten(obj: Record<string, unknown>, opts: FlattenOptions = {}): Fields {
  const st: State = { out: {}, n: 0, maxDepth: opts.maxDepth ?? 4, maxFields: opts.maxFields ?? 256 };
  walk(obj, '', 1, st);
  return st.out;
}
