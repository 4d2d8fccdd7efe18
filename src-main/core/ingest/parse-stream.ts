import { throwIfAborted } from '../errors';
import { JsonDocumentSplitter } from './json-documents';
import { OVERSIZED_KEEP_BYTES, MAX_JSON_LINE_BYTES, MAX_LINE_BYTES, readLines, type FileKind } from './read-lines';
import type { Fields, Format, ParseContext, ParseResult } from './types';

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

export interface UnitBatch {
  units: Array<ParsedUnit | BadUnit>;
  bytesRead: number;
  /** Lines in this batch read as Latin-1 because they were not valid UTF-8. */
  latin1: number;
}

/** Quarantine keeps the raw text of a bad unit up to this size (the reason says when it was cut). */
const QUARANTINE_KEEP_CHARS = OVERSIZED_KEEP_BYTES;

function keep(raw: string): string {
  return raw.length > QUARANTINE_KEEP_CHARS ? raw.slice(0, QUARANTINE_KEEP_CHARS) : raw;
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
 * through the format's parser, in batches with progress figures. Bounded memory: a batch is one
 * read chunk of the file.
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
  const lineParser = format.framing === 'lines' ? format.create(ctx) : null;
  const jsonParser = format.framing === 'json' ? format.create(ctx) : null;
  const splitter = format.framing === 'json' ? new JsonDocumentSplitter() : null;
  // A parser that asks for `more` lines: the unit started at this line, with this raw text so far.
  let pendingLine = 0;
  let pendingRaw: string[] = [];

  const fromLine = (text: string, lineNo: number, units: UnitBatch['units']) => {
    if (lineParser) {
      const r = lineParser.line(text, lineNo);
      if (r.kind === 'more') {
        if (!pendingRaw.length) pendingLine = lineNo;
        pendingRaw.push(text);
        return;
      }
      const startLine = pendingRaw.length ? pendingLine : lineNo;
      const raw = pendingRaw.length ? [...pendingRaw, text].join('\n') : text;
      pendingRaw = [];
      const u = toUnit(r, startLine, raw);
      if (u) units.push(u);
      return;
    }
    for (const doc of splitter!.line(text, lineNo)) pushJson(doc, units);
  };

  const pushJson = (doc: ReturnType<JsonDocumentSplitter['line']>[number], units: UnitBatch['units']) => {
    if (!doc.ok) {
      units.push({ kind: 'bad', reason: doc.reason, line: doc.line, raw: keep(doc.text) });
      return;
    }
    const u = toUnit(jsonParser!.record(doc.value, doc.line), doc.line, doc.text);
    if (u) units.push(u);
  };

  let bytesRead = 0;
  for await (const batch of readLines(file, kind, { signal: opts.signal, maxLineBytes: maxLine })) {
    throwIfAborted(opts.signal, 'import');
    bytesRead = batch.bytesRead;
    const units: UnitBatch['units'] = [];
    let o = 0;
    for (let i = 0; i < batch.lines.length; i++) {
      const lineNo = batch.firstLineNo + i;
      if (batch.oversized[o] === i) {
        o++;
        units.push({ kind: 'bad', reason: oversizedReason, line: lineNo, raw: batch.lines[i]! });
        continue;
      }
      fromLine(batch.lines[i]!, lineNo, units);
    }
    yield { units, bytesRead: batch.bytesRead, latin1: batch.latin1 };
  }
  throwIfAborted(opts.signal, 'import');
  const units: UnitBatch['units'] = [];
  if (lineParser?.end) {
    for (const r of lineParser.end()) {
      const u = toUnit(r, pendingLine, pendingRaw.join('\n'));
      if (u) units.push(u);
    }
  } else if (pendingRaw.length) {
    units.push({ kind: 'bad', reason: 'unterminated record at end of file', line: pendingLine, raw: keep(pendingRaw.join('\n')) });
  }
  if (splitter) for (const doc of splitter.end()) pushJson(doc, units);
  if (units.length) yield { units, bytesRead, latin1: 0 };
}
