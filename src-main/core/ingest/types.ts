import type { Fields } from '../fields/values';

export const FORMATS = [
  'zeek-tsv',
  'zeek-json',
  'suricata-eve',
  'cloudtrail',
  'windows-events',
  'ndjson',
  'cicflowmeter',
  'unsw-nb15',
  'csv',
  'tsv',
  'apache',
  'syslog',
  'loghub-alert',
  'text',
] as const;
export type FormatName = (typeof FORMATS)[number];

/**
 * Why a line is neither a record nor quarantined: a header line (CSV header row, Zeek `#` meta
 * lines), a blank line (or a row with no value at all), or JSON structure around the records
 * (array brackets, a `{"Records": [` wrapper).
 */
export const SKIP_REASONS = ['header', 'blank', 'structure'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** What a parser makes of one unit of input (a line, or one JSON document). */
export type ParseResult =
  | { kind: 'record'; fields: Fields; ts?: number | null; line?: number; raw?: string }
  | { kind: 'bad'; reason: string; field?: string; line?: number; raw?: string }
  /** Not a record and not an error: the reason is counted in the import summary. */
  | { kind: 'skip'; why: SkipReason }
  /** The unit continues on the next line (a CSV quoted field with a line break). */
  | { kind: 'more' };

export interface ParseContext {
  /** Base name of the file, for messages. */
  fileName: string;
  /** Modification time of the file (ms since epoch): anchors timestamps that carry no year. */
  fileMtimeMs: number;
  /** Format options given by the user, e.g. { year: 2017 }. */
  options: Record<string, unknown>;
}

/**
 * A line-oriented parser. The pipeline splits the (decompressed, UTF-8) input into lines, strips
 * the line terminator (LF or CRLF), and calls `line` for each, in order, with its 1-based number.
 * A parser may keep state between lines (Zeek headers, CSV header row).
 * `end` is called once after the last line; a parser that buffers (CSV `more`) flushes there.
 */
export interface LineParser {
  line(text: string, lineNo: number): ParseResult;
  end?(): ParseResult[];
}

/**
 * A parser of JSON records. The pipeline finds the documents (one per line for NDJSON, or the
 * elements of a top-level array or of a `{"Records": [...]}` wrapper), parses them, and calls
 * `record` with each value and the line where it starts. A value that is not valid JSON never
 * reaches the parser: the pipeline quarantines it.
 */
export interface JsonParser {
  record(value: unknown, lineNo: number): ParseResult;
}

/** What sniffing sees: the first bytes of the file, decoded, and split into lines. */
export interface Sample {
  text: string;
  /** Lines without terminators; the last one may be cut off by the sample's end. */
  lines: string[];
  /** The first JSON object of the file, when the file starts with JSON. */
  firstJson?: unknown;
}

interface FormatBase {
  name: FormatName;
  /** Human-readable, e.g. "Zeek TSV log". */
  title: string;
  /**
   * How sure this format is that the sample is its own: 0 = not at all, 1 = certain.
   * Generic formats (csv, ndjson, text) answer low so that specific ones win.
   */
  sniff(sample: Sample): number;
}

export interface LineFormat extends FormatBase {
  framing: 'lines';
  create(ctx: ParseContext): LineParser;
}

export interface JsonFormat extends FormatBase {
  framing: 'json';
  create(ctx: ParseContext): JsonParser;
}

export type Format = LineFormat | JsonFormat;
