import { RosasError, throwIfAborted } from '../errors';
import { JsonDocumentSplitter, type JsonUnit } from './json-documents';
import { OVERSIZED_KEEP_BYTES, MAX_JSON_LINE_BYTES, MAX_LINE_BYTES, readLines, type FileKind } from './read-lines';
import type { Fields } from '../fields/values';
import type { Format, JsonParser, LineParser, ParseContext, ParseResult, SkipReason } from './types';

export interface ParsedUnit {
  kind: 'record';
  fields: Fields;
  ts: number | null;
  line: number;
  raw: string;
}

export interface BadUnit {
  kind: 'bad';
  reason: string;
  field?: string;
  line: number;
  raw: string;
}

/**
 * Where every physical line of the file went: into a record (several lines may make one record,
 * one line may hold several JSON records), into quarantine, or skipped for a counted reason.
 * `read` = `inRecords` + `inQuarantine` + `header` + `blank` + `structure`.
 */
export interface LineCounts extends Record<SkipReason, number> {
  read: number;
  inRecords: number;
  inQuarantine: number;
}

export function emptyLineCounts(): LineCounts {
  return { read: 0, inRecords: 0, inQuarantine: 0, header: 0, blank: 0, structure: 0 };
}

export function addLineCounts(to: LineCounts, from: LineCounts): void {
  for (const k of Object.keys(to) as Array<keyof LineCounts>) to[k] += from[k];
}

export interface UnitBatch {
  units: Array<ParsedUnit | BadUnit>;
  bytesRead: number;
  /** Lines in this batch read as Latin-1 because they were not valid UTF-8. */
  latin1: number;
  /** What became of this batch's lines. */
  lines: LineCounts;
  /** Set on the last batch when the file's gzip data ended early or broke. */
  gzipError?: string;
}

type Units = UnitBatch['units'];

/** Quarantine keeps the raw text of a bad unit up to this size (the reason says when it was cut). */
const QUARANTINE_KEEP_CHARS = OVERSIZED_KEEP_BYTES;
const NUL_REASON = 'line holds a NUL byte (binary data)';
const TAIL_REASON = 'last line before the compressed data ends: it may be cut short';

function keep(raw: string): string {
  return raw.length > QUARANTINE_KEEP_CHARS ? raw.slice(0, QUARANTINE_KEEP_CHARS) : raw;
}

/** Our own errors say what is wrong; anything else is named as the parser's failure. */
function errorText(err: unknown): string {
  if (err instanceof RosasError) return err.message;
  return `could not be read (${err instanceof Error ? `${err.name}: ${err.message}` : String(err)})`;
}

/** A parser's answer, or a bad result when it throws: one line never aborts the file. */
function guarded(run: () => ParseResult): ParseResult {
  try {
    return run();
  } catch (err) {
    return { kind: 'bad', reason: errorText(err) };
  }
}

/**
 * Runs a line parser over lines and accounts for each. A unit that spans lines (a CSV quoted field
 * with a line break) and then fails was most likely one stray quote: its first line is quarantined
 * alone and the lines after it are read again on their own, so one bad byte costs one line.
 */
class LineUnits {
  /** Lines of a unit the parser asked `more` for, with their numbers. */
  private pending: string[] = [];
  private pendingNos: number[] = [];

  constructor(
    private readonly parser: LineParser,
    private readonly counts: () => LineCounts,
  ) {}

  line(text: string, lineNo: number, units: Units): void {
    const first = this.one(text, lineNo, units);
    if (!first) return;
    // A worklist rather than recursion: lines read again can fail again.
    let texts = first.texts;
    let nos = first.nos;
    for (let i = 0; i < texts.length; i++) {
      const again = this.one(texts[i]!, nos[i]!, units);
      if (again) {
        texts = [...again.texts, ...texts.slice(i + 1)];
        nos = [...again.nos, ...nos.slice(i + 1)];
        i = -1;
      }
    }
  }

  /** After the last line: flushes what the parser holds, reading again what a failure gives back. */
  end(_lastLine: number, units: Units): void {
    for (;;) {
      let again: { texts: string[]; nos: number[] } | null = null;
      const results = this.parser.end ? safeEnd(this.parser) : [];
      for (const r of results) again = this.settle(r, null, 0, units) ?? again;
      if (!results.length && this.pending.length) {
        again = this.settle({ kind: 'bad', reason: 'unterminated record at end of file' }, null, 0, units);
      }
      if (!again) return;
      for (let i = 0; i < again.texts.length; i++) this.line(again.texts[i]!, again.nos[i]!, units);
    }
  }

  /** The line is not given to the parser (too long, or cut off): it must not join a pending unit. */
  unreadable(lineNo: number, reason: string, raw: string, units: Units): void {
    units.push({ kind: 'bad', reason, line: lineNo, raw });
    this.counts().inQuarantine++;
  }

  private one(text: string, lineNo: number, units: Units): { texts: string[]; nos: number[] } | null {
    if (!this.pending.length && text.includes('\0')) {
      this.unreadable(lineNo, NUL_REASON, keep(text), units);
      return null;
    }
    const r = guarded(() => this.parser.line(text, lineNo));
    if (r.kind === 'more') {
      this.pending.push(text);
      this.pendingNos.push(lineNo);
      return null;
    }
    return this.settle(r, text, lineNo, units);
  }

  /** A parser's result for the pending lines plus `text` (null: at the end of the file). */
  private settle(r: ParseResult, text: string | null, lineNo: number, units: Units): { texts: string[]; nos: number[] } | null {
    if (text !== null && !this.pending.length) {
      // The common case, one line one unit: no arrays on this path, it runs for every line.
      const counts = this.counts();
      if (r.kind === 'skip') counts[r.why]++;
      else if (r.kind === 'record') counts.inRecords++;
      else if (r.kind === 'bad') counts.inQuarantine++;
      const u = toUnit(r, lineNo, text);
      if (u) units.push(u);
      return null;
    }
    const texts = text === null ? this.pending : [...this.pending, text];
    const nos = text === null ? this.pendingNos : [...this.pendingNos, lineNo];
    this.pending = [];
    this.pendingNos = [];
    const counts = this.counts();
    if (r.kind === 'more' || !texts.length) return null;
    if (r.kind === 'skip') {
      counts[r.why] += texts.length;
      return null;
    }
    const raw = texts.length === 1 ? texts[0]! : texts.join('\n');
    const failed = texts.length > 1 && (r.kind === 'bad' || raw.includes('\0'));
    if (failed) {
      const why = r.kind === 'bad' ? r.reason : NUL_REASON;
      units.push({
        kind: 'bad',
        reason: `${why}; only this line is quarantined: ${nos.length > 2 ? `lines ${nos[1]}–${nos[nos.length - 1]} were` : `line ${nos[1]} was`} read again on their own`,
        line: nos[0]!,
        raw: keep(texts[0]!),
      });
      counts.inQuarantine++;
      return { texts: texts.slice(1), nos: nos.slice(1) };
    }
    if (r.kind === 'record') counts.inRecords += texts.length;
    else counts.inQuarantine += texts.length;
    const u = toUnit(r, nos[0]!, raw);
    if (u) units.push(u);
    return null;
  }
}

function safeEnd(parser: LineParser): ParseResult[] {
  try {
    return parser.end!();
  } catch (err) {
    return [{ kind: 'bad', reason: errorText(err) }];
  }
}

/**
 * Runs a JSON parser over the documents of the file and accounts for each line: lines inside a
 * document go with it; lines outside every document are blank or structure (`[`, `]`, a wrapper).
 */
class JsonUnits {
  private splitter = new JsonDocumentSplitter();
  /** Every line up to this one is accounted for. */
  private covered = 0;

  constructor(
    private readonly parser: JsonParser,
    private readonly counts: () => LineCounts,
  ) {}

  line(text: string, lineNo: number, units: Units): void {
    if (!this.splitter.inDocument() && text.includes('\0')) {
      this.unreadable(lineNo, NUL_REASON, keep(text), units);
      return;
    }
    let docs: JsonUnit[];
    try {
      docs = this.splitter.line(text, lineNo);
    } catch (err) {
      // The splitter's state cannot be trusted after this: start afresh on the next line.
      this.splitter = new JsonDocumentSplitter();
      docs = [{ ok: false, reason: errorText(err), text: keep(text), line: this.covered + 1, end: lineNo }];
    }
    for (const doc of docs) this.document(doc, units);
    if (!this.splitter.inDocument() && this.covered < lineNo) {
      this.counts()[text.trim() === '' ? 'blank' : 'structure']++;
      this.covered = lineNo;
    }
  }

  end(lastLine: number, units: Units): void {
    for (const doc of this.splitter.end(lastLine)) this.document(doc, units);
  }

  unreadable(lineNo: number, reason: string, raw: string, units: Units): void {
    // An open document cannot go on past a line it does not get.
    for (const doc of this.splitter.interrupt(lineNo, reason)) this.document(doc, units);
    units.push({ kind: 'bad', reason, line: lineNo, raw });
    this.counts().inQuarantine++;
    this.covered = lineNo;
  }

  private document(doc: JsonUnit, units: Units): void {
    const r: ParseResult = doc.ok ? guarded(() => this.parser.record(doc.value, doc.line)) : { kind: 'bad', reason: doc.reason };
    // Lines shared with a document before this one (`}, {`) are already counted.
    const from = Math.max(doc.line, this.covered + 1);
    if (doc.end >= from) {
      const counts = this.counts();
      const n = doc.end - from + 1;
      if (r.kind === 'record') counts.inRecords += n;
      else if (r.kind === 'skip') counts[r.why] += n;
      else counts.inQuarantine += n;
      this.covered = doc.end;
    }
    const u = toUnit(r, doc.line, doc.text);
    if (u) units.push(u);
  }
}

function toUnit(r: ParseResult, line: number, raw: string): ParsedUnit | BadUnit | null {
  switch (r.kind) {
    case 'record':
      return { kind: 'record', fields: r.fields, ts: r.ts ?? null, line: r.line ?? line, raw: r.raw ?? raw };
    case 'bad':
      return { kind: 'bad', reason: r.reason, field: r.field, line: r.line ?? line, raw: keep(r.raw ?? raw) };
    default:
      return null;
  }
}

/**
 * Everything between a file and the database: lines or JSON documents of the file, each run
 * through the format's parser, in batches with progress figures and an account of every line.
 * Bounded memory: a batch is one read chunk of the file.
 */
export async function* parseFile(
  file: string,
  kind: FileKind,
  format: Format,
  ctx: ParseContext,
  opts: { signal?: AbortSignal; maxLineBytes?: number } = {},
): AsyncGenerator<UnitBatch> {
  const maxLine = opts.maxLineBytes ?? (format.framing === 'json' ? MAX_JSON_LINE_BYTES : MAX_LINE_BYTES);
  const oversizedReason = `line longer than ${Math.round(maxLine / 1024)} KiB (first ${OVERSIZED_KEEP_BYTES / 1024} KiB kept here)`;
  let counts = emptyLineCounts();
  const current = () => counts;
  const reader = format.framing === 'lines' ? new LineUnits(format.create(ctx), current) : new JsonUnits(format.create(ctx), current);

  let bytesRead = 0;
  let lastLine = 0;
  let gzipError: string | undefined;
  for await (const batch of readLines(file, kind, { signal: opts.signal, maxLineBytes: maxLine })) {
    throwIfAborted(opts.signal, 'import');
    bytesRead = batch.bytesRead;
    if (batch.gzipError !== undefined) gzipError = batch.gzipError;
    const units: Units = [];
    const tail = batch.truncatedTail ? batch.lines.length - 1 : -1;
    let o = 0;
    for (let i = 0; i < batch.lines.length; i++) {
      const lineNo = batch.firstLineNo + i;
      counts.read++;
      lastLine = lineNo;
      if (batch.oversized[o] === i) {
        o++;
        reader.unreadable(lineNo, oversizedReason, batch.lines[i]!, units);
      } else if (i === tail) {
        reader.unreadable(lineNo, TAIL_REASON, keep(batch.lines[i]!), units);
      } else {
        reader.line(batch.lines[i]!, lineNo, units);
      }
    }
    yield { units, bytesRead: batch.bytesRead, latin1: batch.latin1, lines: counts };
    counts = emptyLineCounts();
  }
  throwIfAborted(opts.signal, 'import');
  const units: Units = [];
  reader.end(lastLine, units);
  yield { units, bytesRead, latin1: 0, lines: counts, ...(gzipError === undefined ? {} : { gzipError }) };
}
