import { isUtf8 } from 'node:buffer';
import { parseAnyTime } from '../../fields/time';
import type { Fields, Scalar } from '../../fields/values';
import type { LineFormat, LineParser, ParseResult, Sample } from '../types';
import { uniqueNames } from './csv';

/**
 * Zeek's default ASCII logs: `#` header lines (separator, set separator, empty and unset markers,
 * `#fields`, `#types`), then one record per line. Values are typed from `#types` through
 * converters chosen once per header: this is the import's hot path.
 */

const HEADER: ParseResult = { kind: 'skip', why: 'header' };
const BLANK: ParseResult = { kind: 'skip', why: 'blank' };

// How a column's text becomes a value.
const K_STRING = 0;
const K_DOUBLE = 1; // time, interval, double
const K_COUNT = 2; // count, port
const K_INT = 3;
const K_BOOL = 4;

function kindOf(type: string): number {
  switch (type) {
    case 'time':
    case 'interval':
    case 'double':
      return K_DOUBLE;
    case 'count':
    case 'port':
      return K_COUNT;
    case 'int':
      return K_INT;
    case 'bool':
      return K_BOOL;
    default:
      return K_STRING; // addr, subnet, string, enum, pattern, and anything newer
  }
}

/** `set[count]` → `count`; null for a scalar type. */
function elementType(type: string): string | null {
  const open = type.indexOf('[');
  if (open === -1 || !type.endsWith(']')) return null;
  const outer = type.slice(0, open);
  return outer === 'set' || outer === 'vector' ? type.slice(open + 1, -1) : null;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Unsigned decimal integer. */
function toCount(s: string): number | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  for (let i = 0; i < n; i++) if (!isDigit(s.charCodeAt(i))) return undefined;
  return +s;
}

/** `toCount` on `line[from, to)` without making a substring: most Zeek columns are counts. */
function countAt(line: string, from: number, to: number): number | undefined {
  // Beyond 15 digits the running sum may round differently from Number(); let Number() do it.
  if (to - from > 15 || to === from) return toCount(line.slice(from, to));
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}

function toInt(s: string): number | undefined {
  const c = s.charCodeAt(0);
  if (c === 45 || c === 43) {
    const v = toCount(s.slice(1));
    return v === undefined ? undefined : c === 45 ? -v : v;
  }
  return toCount(s);
}

/**
 * A decimal (`1655071198.444458`, `-0.5`, `1e-07`). The edge checks keep Number() from accepting
 * what Zeek never writes (padding, hex, `Infinity`). Non-finite `inf`/`nan` are kept as text.
 */
function toDouble(s: string): number | string | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(n - 1);
  if ((isDigit(a) || a === 45 || a === 46) && (isDigit(z) || z === 46)) {
    if (a === 48 && n > 2) {
      const b = s.charCodeAt(1) | 32;
      if (b === 120 || b === 98 || b === 111) return undefined; // 0x.., 0b.., 0o..
    }
    const v = +s;
    if (v === v) return Number.isFinite(v) ? v : s;
    return undefined;
  }
  const lower = s.toLowerCase();
  return lower === 'inf' || lower === '-inf' || lower === 'nan' || lower === '-nan' ? s : undefined;
}

function convert(s: string, kind: number): Scalar | undefined {
  switch (kind) {
    case K_DOUBLE:
      return toDouble(s);
    case K_COUNT:
      return toCount(s);
    case K_INT:
      return toInt(s);
    case K_BOOL:
      return s === 'T' ? true : s === 'F' ? false : undefined;
    default:
      return s.indexOf('\\') === -1 ? s : unescapeZeek(s);
  }
}

const ESCAPE = /\\(?:x([0-9a-fA-F]{2})|\\)/g;

/**
 * Zeek writes separators, whitespace, non-printable and non-ASCII bytes as `\xHH` and a backslash
 * as `\\` (older versions `\x5c`). Escaped bytes that form UTF-8 are read as UTF-8 text.
 */
export function unescapeZeek(s: string): string {
  let high = false;
  const out = s.replace(ESCAPE, (_m, hex: string | undefined) => {
    if (hex === undefined) return '\\';
    const b = parseInt(hex, 16);
    if (b >= 0x80) high = true;
    return String.fromCharCode(b);
  });
  // Only when every char is a byte can the string be re-read as UTF-8.
  if (!high || /[^\x00-\xff]/.test(out)) return out;
  const bytes = Buffer.from(out, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : out;
}

/** Makes the record from a line, or says why it cannot: a column that does not fit its type, or a wrong field count. */
type Build = (line: string) => Fields | number | 'width';

interface Columns {
  names: string[];
  types: string[];
  build: Build;
  /** Why the header cannot be used, when it cannot. */
  error?: string;
}

/**
 * JS for column `i` of `n`: finds the cell `line[p, e)`, sets `f[name]` from it, or returns `i`
 * when the cell is not of the type. Counts and bools are read in place, without a substring.
 */
function columnCode(i: number, n: number, name: string, type: string): string {
  const key = JSON.stringify(name);
  const el = elementType(type);
  const kind = el === null ? kindOf(type) : -1;
  const put = (expr: string) => `v = ${expr}; if (v === undefined) return ${i}; f[${key}] = v;`;
  let code: string;
  switch (kind) {
    case -1: code = put(`list(l.slice(p, e), ${kindOf(el!)})`); break;
    case K_DOUBLE: code = put('toDouble(l.slice(p, e))'); break;
    case K_COUNT: code = put('countAt(l, p, e)'); break;
    case K_INT: code = put('toInt(l.slice(p, e))'); break;
    case K_BOOL:
      code = `c = e - p === 1 ? l.charCodeAt(p) : 0; if (c === 84) f[${key}] = true; else if (c === 70) f[${key}] = false; else return ${i};`;
      break;
    default: code = `s = l.slice(p, e); f[${key}] = s.indexOf('\\\\') === -1 ? s : unescape(s);`;
  }
  const find =
    i < n - 1
      ? `e = l.indexOf(sep, p); if (e === -1) return 'width';`
      : `if (l.indexOf(sep, p) !== -1) return 'width'; e = l.length;`;
  const isUnset = 'e - p === unset.length && l.startsWith(unset, p)';
  const isEmpty = 'e - p === empty.length && l.startsWith(empty, p)';
  const emptyValue = kind === -1 ? '[]' : "''";
  return `${find}\nif (!(${isUnset})) { if (${isEmpty}) f[${key}] = ${emptyValue}; else { ${code} } }\np = e + sep.length;`;
}

/**
 * The record builder for one header, generated once as straight-line code with a literal
 * property name per column. V8 keeps such objects in fast mode; filling them in a loop with
 * computed keys turns every record into a hash table and made the import several times slower.
 * Scanning the line in place rather than splitting it saves a substring for every count, bool
 * and unset cell. Names enter the code only through JSON.stringify, so a header cannot inject code.
 */
function compile(names: string[], types: string[] | null, sep: string, unset: string, empty: string, setSep: string): Columns {
  const t = types ?? names.map(() => 'string');
  if (t.length !== names.length) {
    return { names, types: t, build: () => 0, error: `#types lists ${t.length} columns but #fields lists ${names.length}` };
  }
  const body = names.map((name, i) => columnCode(i, names.length, name, t[i]!)).join('\n');
  const list = (s: string, kind: number): Scalar[] | undefined => {
    const parts = s.split(setSep);
    for (let j = 0; j < parts.length; j++) {
      const p = parts[j]!;
      // An unset element of a vector has no typed value; keep the marker rather than lose the slot.
      const v = p === unset ? p : convert(p, kind);
      if (v === undefined) return undefined;
      (parts as Scalar[])[j] = v;
    }
    return parts;
  };
  const make = new Function(
    'sep', 'unset', 'empty', 'toDouble', 'countAt', 'toInt', 'unescape', 'list',
    `return function build(l) { const f = {}; let p = 0, e, s, v, c;\n${body}\nreturn f; };`,
  ) as (...deps: unknown[]) => Build;
  return { names, types: t, build: make(sep, unset, empty, toDouble, countAt, toInt, unescapeZeek, list) };
}

function separatorName(sep: string): string {
  if (sep === '\t') return 'tab-separated';
  if (sep === ',') return 'comma-separated';
  return `"${sep}"-separated`;
}

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

const META = new Set(['#set_separator', '#empty_field', '#unset_field', '#path', '#open', '#close', '#fields', '#types']);

class ZeekTsvParser implements LineParser {
  private sep = '\t';
  private setSep = ',';
  private empty = '(empty)';
  private unset = '-';
  private names: string[] | null = null;
  private types: string[] | null = null;
  private cols: Columns | null = null;

  line(text: string): ParseResult {
    if (text.charCodeAt(0) === 35 && this.header(text)) return HEADER;
    if (text.length === 0) return BLANK;
    if (!this.names) return { kind: 'bad', reason: 'no #fields header before this line (is this a Zeek TSV log?)' };
    const cols = (this.cols ??= compile(this.names, this.types, this.sep, this.unset, this.empty, this.setSep));
    if (cols.error) return { kind: 'bad', reason: cols.error };
    const fields = cols.build(text);
    if (typeof fields !== 'object') {
      // A row with the wrong width is reported as such, even when the scan first met a misfit cell.
      const cells = text.split(this.sep);
      const n = cols.names.length;
      if (fields === 'width' || cells.length !== n) {
        return { kind: 'bad', reason: `expected ${n} ${separatorName(this.sep)} fields (from #fields), found ${cells.length}` };
      }
      return { kind: 'bad', field: cols.names[fields]!, reason: `expected ${cols.types[fields]}, found ${shown(cells[fields]!)}` };
    }
    const t = fields.ts;
    const ts = typeof t === 'number' ? t : typeof t === 'string' ? parseAnyTime(t) : null;
    return ts === null ? { kind: 'record', fields } : { kind: 'record', fields, ts };
  }

  /** Handles a header line; false when the line only starts with `#` and is data. */
  private header(text: string): boolean {
    if (text.startsWith('#separator') && (text.charCodeAt(10) === 32 || text.charCodeAt(10) === 9)) {
      // A new header block (logs concatenated, or written anew): forget the previous one.
      this.sep = unescapeZeek(text.slice(11));
      this.setSep = ',';
      this.empty = '(empty)';
      this.unset = '-';
      this.names = null;
      this.types = null;
      this.cols = null;
      return true;
    }
    const cut = text.indexOf(this.sep);
    const key = cut === -1 ? text : text.slice(0, cut);
    if (!META.has(key)) return false;
    const value = cut === -1 ? '' : text.slice(cut + this.sep.length);
    switch (key) {
      case '#set_separator':
        this.setSep = unescapeZeek(value);
        this.cols = null;
        break;
      case '#empty_field':
        this.empty = unescapeZeek(value);
        this.cols = null;
        break;
      case '#unset_field':
        this.unset = unescapeZeek(value);
        this.cols = null;
        break;
      case '#fields':
        this.names = uniqueNames(value.split(this.sep));
        this.types = null;
        this.cols = null;
        break;
      case '#types':
        this.types = value.split(this.sep);
        this.cols = null;
        break;
      default: // #path, #open, #close: nothing the records need
    }
    return true;
  }
}

function sniff(sample: Sample): number {
  const first = sample.lines.find((l) => l.trim() !== '');
  if (first === undefined) return 0;
  if (/^#separator[ \t]/.test(first)) return 0.98;
  // A header whose #separator line was lost: #fields and #types together are still Zeek's.
  const head = sample.lines.slice(0, 20);
  const fields = head.some((l) => l.startsWith('#fields\t'));
  const types = head.some((l) => l.startsWith('#types\t'));
  return fields && types ? 0.9 : 0;
}

export const zeekTsv: LineFormat = {
  name: 'zeek-tsv',
  title: 'Zeek TSV log',
  framing: 'lines',
  sniff,
  create: () => new ZeekTsvParser(),
};
