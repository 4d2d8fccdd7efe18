import type { FieldValue } from '../fields/values';
import type { StoredRecord } from '../records/read';

// The two export formats, a record at a time: CSV cells (quoting, formula injection) and NDJSON
// lines. docs/export.md states the rules.

/** The export's own columns; fields come between `line` and `raw`. */
export const EXPORT_COLUMNS = ['id', 'rank', 'score', 'label', 'note', 'labeled_by', 'labeled_at', 'source', 'line'] as const;
export const RAW_COLUMN = 'raw';
/** Put before a field name that collides with an export column. */
export const FIELD_PREFIX = 'field.';

export interface Column {
  pos: number;
  /** Name in the export. */
  name: string;
}

/**
 * Export names for the fields: the field's own name unless it equals (case-insensitively) an
 * export column, then `field.` in front until it is unique among every name of the export.
 */
export function exportFieldNames(fields: Array<{ pos: number; name: string }>): Column[] {
  const reserved = new Set<string>([...EXPORT_COLUMNS, RAW_COLUMN]);
  const used = new Set<string>(reserved);
  for (const f of fields) if (!reserved.has(f.name.toLowerCase())) used.add(f.name.toLowerCase());
  return fields.map((f) => {
    if (!reserved.has(f.name.toLowerCase())) return { pos: f.pos, name: f.name };
    let name = FIELD_PREFIX + f.name;
    while (used.has(name.toLowerCase())) name = FIELD_PREFIX + name;
    used.add(name.toLowerCase());
    return { pos: f.pos, name };
  });
}

// ---------------------------------------------------------------------------------------------
// CSV cells.

const NEEDS_QUOTES = /[",\r\n]/;
const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** =, +, -, @ and their full-width forms (some spreadsheets take those as formula starts too). */
const FORMULA_START = /^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

/**
 * A text a spreadsheet would evaluate, made inert with a leading `'`. Plain decimal numbers and a
 * lone `-` stay as they are.
 */
export function neutraliseFormula(text: string): string {
  if (text === '' || text === '-') return text;
  const c = text.charCodeAt(0);
  if (c === 9 || c === 13 || FORMULA_START.test(text)) return PLAIN_NUMBER.test(text) ? text : `'${text}`;
  return text;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A text cell: neutralised, then quoted as needed. */
function textCell(text: string | null | undefined): string {
  return text === null || text === undefined ? '' : csvField(neutraliseFormula(text));
}

function valueCell(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : textCell(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return textCell(v.map(String).join(','));
  return textCell(v);
}

// ---------------------------------------------------------------------------------------------

export interface Writer {
  header(): string;
  record(r: StoredRecord, rank: number | null, score: number | null): string;
}

export function csvWriter(columns: Column[]): Writer {
  return {
    header: () => [...EXPORT_COLUMNS, ...columns.map((c) => c.name), RAW_COLUMN].map((n) => textCell(n)).join(',') + '\n',
    record(r, rank, score) {
      let s = `${r.id},${rank ?? ''},${score === null ? '' : String(score)},${r.label ?? ''},${textCell(r.note)},${textCell(r.labeledBy)},${textCell(r.labeledAt)},${textCell(r.source)},${r.line}`;
      for (const c of columns) s += ',' + valueCell(r.values[c.pos]);
      return s + ',' + textCell(r.raw) + '\n';
    },
  };
}

export function ndjsonWriter(columns: Column[]): Writer {
  // Keys are written as JSON text: no object is built, so a field named __proto__ is just a key.
  const keys = columns.map((c) => `,${JSON.stringify(c.name)}:`);
  const j = (v: unknown) => JSON.stringify(v ?? null);
  return {
    header: () => '',
    record(r, rank, score) {
      let s = `{"id":${r.id},"rank":${j(rank)},"score":${j(score)},"label":${j(r.label)},"note":${j(r.note)},"labeled_by":${j(r.labeledBy)},"labeled_at":${j(r.labeledAt)},"source":${j(r.source)},"line":${r.line}`;
      for (let i = 0; i < columns.length; i++) {
        const v = r.values[columns[i]!.pos];
        if (v !== null && v !== undefined) s += keys[i] + JSON.stringify(v);
      }
      return s + `,"raw":${JSON.stringify(r.raw)}}\n`;
    },
  };
}
