import { numberedName } from '../../fields/names';
import type { Fields, Scalar } from '../../fields/values';
import type { LineFormat, LineParser, ParseResult, Sample } from '../types';

/**
 * Delimited text (RFC 4180 CSV, and TSV read the same way) with a header row. The row parser here
 * is shared with the CICFlowMeter and UNSW-NB15 formats, which differ only in sniffing, in how
 * they find a record's time, and (UNSW raw files) in having no header line.
 */

const QUOTE = 34;
const HEADER: ParseResult = { kind: 'skip', why: 'header' };
const BLANK: ParseResult = { kind: 'skip', why: 'blank' };
const MORE: ParseResult = { kind: 'more' };

/**
 * A record whose quoted field is still open after this many lines or characters is given up on
 * (the pipeline then quarantines its first line alone and reads the lines after it again).
 */
export const MAX_RECORD_LINES = 10_000;
export const MAX_RECORD_CHARS = 1 << 20;

export interface DelimitedOptions {
  delimiter: ',' | '\t';
  /** Further renaming of a (trimmed) header name, before duplicates are numbered. */
  renameHeader?: (name: string) => string;
  /**
   * Sees the cells of the first row and returns column names when that row is already data (a
   * file without a header line, such as the raw UNSW-NB15 files), or null when it is the header.
   */
  implicitHeader?: (cells: string[]) => string[] | null;
  /** Given the final column names, how to find a record's time (null: the records have none). */
  timeOf?: (header: readonly string[]) => ((fields: Fields) => number | null) | null;
}

/** Progress through a record whose quoted field spans lines. */
interface ScanState {
  cells: string[];
  /** Text of the open quoted field so far. */
  value: string;
  open: boolean;
  /** A quoted field of this record closed with text after its closing quote (not RFC 4180). */
  sloppy: boolean;
}

/**
 * Splits one record (RFC 4180). Continues an open quoted field when `st.open`; returns false when
 * the text ends inside a quoted field (`st` then holds the progress). Lenient where real files
 * are: a quote inside an unquoted field is literal, and text after a closing quote is kept.
 */
function scan(text: string, delim: string, st: ScanState): boolean {
  const n = text.length;
  let i = 0;
  let inQuote = st.open;
  let value = st.value;
  for (;;) {
    if (!inQuote) {
      if (text.charCodeAt(i) === QUOTE) {
        inQuote = true;
        value = '';
        i++;
      } else {
        const end = text.indexOf(delim, i);
        if (end === -1) {
          st.cells.push(text.slice(i));
          break;
        }
        st.cells.push(text.slice(i, end));
        i = end + 1;
        continue;
      }
    }
    const q = text.indexOf('"', i);
    if (q === -1) {
      st.value = value + text.slice(i) + '\n';
      st.open = true;
      return false;
    }
    value += text.slice(i, q);
    if (text.charCodeAt(q + 1) === QUOTE) {
      value += '"';
      i = q + 2;
      continue;
    }
    inQuote = false;
    i = q + 1;
    const end = text.indexOf(delim, i);
    if (end === -1) {
      if (i < n) st.sloppy = true;
      st.cells.push(i < n ? value + text.slice(i) : value);
      break;
    }
    if (end > i) st.sloppy = true;
    st.cells.push(end > i ? value + text.slice(i, end) : value);
    i = end + 1;
  }
  st.open = false;
  st.value = '';
  return true;
}

/** The cells of a one-line record, or null when a quoted field does not close on this line. */
export function splitRecord(text: string, delim: ',' | '\t'): string[] | null {
  if (text.indexOf('"') === -1) return text.split(delim);
  const st: ScanState = { cells: [], value: '', open: false, sloppy: false };
  return scan(text, delim, st) ? st.cells : null;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * A plain decimal as spreadsheets and pandas write them: `10`, `-1`, `3.5`, `.5`, `1e5`,
 * `10200000.0`. Not `081109` (leading zero: an identifier or a date), `+5`, hex, or spaces.
 */
function isPlainNumber(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  if (intDigits > 1 && s.charCodeAt(intStart) === 48) return false;
  let fracDigits = 0;
  if (s.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    fracDigits = i - fracStart;
  }
  if (intDigits + fracDigits === 0) return false;
  if (i < n && (s.charCodeAt(i) | 32) === 101) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const expStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === expStart) return false;
  }
  return i === n;
}

/**
 * A cell's value: a number when it is a plain finite decimal, else the text as it is. Non-finite
 * tokens (`Infinity`, `inf`, `NaN`) stay text: they are data. So do integers too long to be exact
 * as a double (long identifiers would otherwise be silently rounded).
 */
export function cellValue(s: string): Scalar {
  const c = s.charCodeAt(0);
  if (!(isDigit(c) || c === 45 || c === 46) || !isPlainNumber(s)) return s;
  const v = +s;
  if (!Number.isFinite(v)) return s;
  if (s.length > 15 && !Number.isSafeInteger(v) && Number.isInteger(v) && !/[.eE]/.test(s)) return s;
  return v;
}

/**
 * Names made unique by numbering repeats (` (2)`, ` (3)`) so that no column is lost. `__proto__`
 * is numbered too: as a property name it would set the record's prototype instead of a field.
 */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>(['__proto__']);
  return names.map((name) => {
    const unique = seen.has(name) ? numberedName(name, (n) => seen.has(n)) : name;
    seen.add(unique);
    return unique;
  });
}

/** Header names: trimmed, a stray BOM dropped, blanks named by position, duplicates numbered. */
export function headerNames(cells: string[], rename?: (name: string) => string): string[] {
  return uniqueNames(
    cells.map((cell, i) => {
      let name = cell.charCodeAt(0) === 0xfeff ? cell.slice(1) : cell;
      name = name.trim();
      if (rename) name = rename(name);
      return name === '' ? `column ${i + 1}` : name;
    }),
  );
}

type RowBuilder = (cells: string[]) => Fields | null;

/** Beyond this many columns the row builder is a plain loop rather than generated code. */
const MAX_GENERATED_COLUMNS = 2000;

/**
 * The record builder for one header: straight-line code with a literal property name per column,
 * generated once. V8 keeps such objects in fast mode; filling them in a loop with computed keys
 * turns every record of a wide file (CIC: 79 columns) into a hash table and is several times
 * slower. Names enter the code only through JSON.stringify, so a header cannot inject code.
 * Empty cells are omitted; a row with no value at all gives null.
 */
function rowBuilder(header: string[]): RowBuilder {
  if (header.length > MAX_GENERATED_COLUMNS) {
    return (cells) => {
      const fields: Fields = {};
      let n = 0;
      for (let i = 0; i < header.length; i++) {
        const c = cells[i]!;
        if (c !== '') {
          fields[header[i]!] = cellValue(c);
          n++;
        }
      }
      return n ? fields : null;
    };
  }
  const body = header.map((name, i) => `s = c[${i}]; if (s !== '') { f[${JSON.stringify(name)}] = value(s); n++; }`).join('\n');
  const make = new Function('value', `return function build(c) { const f = {}; let s, n = 0;\n${body}\nreturn n ? f : null; };`);
  return (make as (value: typeof cellValue) => RowBuilder)(cellValue);
}

class DelimitedParser implements LineParser {
  private header: string[] | null = null;
  /** What the expected width comes from, for messages. */
  private widthFrom = 'header';
  private build: RowBuilder | null = null;
  private timeOf: ((fields: Fields) => number | null) | null = null;
  private readonly st: ScanState = { cells: [], value: '', open: false, sloppy: false };
  private pendingStart = 0;
  private pendingLines = 0;
  private pendingChars = 0;

  constructor(private readonly opts: DelimitedOptions) {}

  line(text: string, lineNo: number): ParseResult {
    const d = this.opts.delimiter;
    const st = this.st;
    let cells: string[];
    if (st.open) {
      this.pendingLines++;
      this.pendingChars += text.length + 1;
      if (!scan(text, d, st)) {
        // More cells than a row has: this can no longer end as a well-formed record.
        if (this.header && st.cells.length > this.header.length && !allEmpty(st.cells, this.header.length)) return this.giveUp(`found more than ${this.header.length} fields before it closed`);
        if (this.pendingLines < MAX_RECORD_LINES && this.pendingChars < MAX_RECORD_CHARS) return MORE;
        return this.giveUp(`still open after ${this.pendingLines.toLocaleString('en')} lines`);
      }
      // Across lines only a well-formed close counts: a stray quote is likelier than such a field.
      if (st.sloppy) return this.giveUp(`closes at line ${lineNo} with text after the closing quote`);
      cells = st.cells;
      st.cells = [];
    } else if (text.indexOf('"') === -1) {
      if (isBlank(text)) return BLANK;
      cells = text.split(d);
    } else {
      st.sloppy = false;
      if (!scan(text, d, st)) {
        this.pendingStart = lineNo;
        this.pendingLines = 1;
        this.pendingChars = text.length;
        return MORE;
      }
      cells = st.cells;
      st.cells = [];
    }
    return this.row(cells);
  }

  end(): ParseResult[] {
    return this.st.open ? [this.giveUp('still open at the end of the file')] : [];
  }

  private giveUp(why: string): ParseResult {
    this.st.cells = [];
    this.st.value = '';
    this.st.open = false;
    this.st.sloppy = false;
    return { kind: 'bad', reason: `quoted field opened at line ${this.pendingStart} is not closed: ${why}` };
  }

  private row(cells: string[]): ParseResult {
    let header = this.header;
    if (!header) {
      if (cells[0]!.charCodeAt(0) === 0xfeff) cells[0] = cells[0]!.slice(1);
      const implicit = this.opts.implicitHeader?.(cells) ?? null;
      header = this.setHeader(implicit ?? headerNames(cells, this.opts.renameHeader));
      if (!implicit) return HEADER;
      this.widthFrom = 'like the first row';
    }
    const width = header.length;
    if (cells.length !== width) {
      if (cells.length < width || !allEmpty(cells, width)) {
        if (allEmpty(cells, 0)) return BLANK;
        return { kind: 'bad', reason: `expected ${width} fields (${this.widthFrom}), found ${cells.length}` };
      }
    }
    const fields = this.build!(cells);
    if (!fields) return BLANK;
    const ts = this.timeOf ? this.timeOf(fields) : null;
    return ts === null ? { kind: 'record', fields } : { kind: 'record', fields, ts };
  }

  private setHeader(names: string[]): string[] {
    this.header = names;
    this.build = rowBuilder(names);
    this.timeOf = this.opts.timeOf?.(names) ?? null;
    return names;
  }
}

function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  return (c === 32 || c === 9 || c === 0xfeff) && text.replace(/^\ufeff/, '').trim() === '';
}

function allEmpty(cells: string[], from: number): boolean {
  for (let i = from; i < cells.length; i++) if (cells[i] !== '') return false;
  return true;
}

export function createDelimitedParser(opts: DelimitedOptions): LineParser {
  return new DelimitedParser(opts);
}

/** Delimiters outside quotes in each record of the lines (a quoted line break joins lines). */
function delimiterCounts(lines: string[], delim: number): number[] {
  const counts: number[] = [];
  let inQuote = false;
  let n = 0;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === QUOTE) inQuote = !inQuote;
      else if (c === delim && !inQuote) n++;
    }
    if (!inQuote) {
      counts.push(n);
      n = 0;
    }
  }
  return counts;
}

/** Lines a sniffer may trust: the last one of a full sample can be cut off mid-record. */
export function completeLines(sample: Sample, max = 50): string[] {
  const lines = sample.lines.length > 2 ? sample.lines.slice(0, -1) : sample.lines;
  const out: string[] = [];
  for (const l of lines) {
    if (l.trim() === '') continue;
    out.push(l);
    if (out.length >= max) break;
  }
  return out;
}

/**
 * How much the sample looks like a delimited table: every line with the same number of
 * delimiters. Low on purpose (generic format); 0 for JSON and Zeek headers.
 */
function sniffDelimited(sample: Sample, delim: ',' | '\t'): number {
  const lines = completeLines(sample);
  if (lines.length < 2) return 0;
  const first = lines[0]!.replace(/^\ufeff/, '').trimStart();
  if (first.startsWith('{') || first.startsWith('[') || first.startsWith('#separator') || first.startsWith('#fields')) return 0;
  const counts = delimiterCounts(lines, delim.charCodeAt(0));
  const count = counts[0]!;
  if (counts.length < 2 || count === 0 || counts.some((c) => c !== count)) return 0;
  if (count >= 2) return 0.3;
  return counts.length >= 5 ? 0.2 : 0;
}

export const csv: LineFormat = {
  name: 'csv',
  title: 'CSV table with a header row',
  framing: 'lines',
  sniff: (sample) => sniffDelimited(sample, ','),
  create: () => createDelimitedParser({ delimiter: ',' }),
};

export const tsv: LineFormat = {
  name: 'tsv',
  title: 'Tab-separated table with a header row',
  framing: 'lines',
  sniff: (sample) => sniffDelimited(sample, '\t'),
  create: () => createDelimitedParser({ delimiter: '\t' }),
};
