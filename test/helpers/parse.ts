import fs from 'node:fs';
import path from 'node:path';
import { inspectFile } from '../../src-main/core/ingest/read-lines';
import { parseFile, type BadUnit, type ParsedUnit } from '../../src-main/core/ingest/parse-stream';
import type { Format, JsonFormat, JsonParser, LineFormat, LineParser, ParseContext, ParseResult } from '../../src-main/core/ingest/types';

/** Runs a format over a whole file through the real reading pipeline (no database). */
export async function parseWith(format: Format, file: string, options: Record<string, unknown> = {}) {
  const kind = await inspectFile(file);
  const ctx = { fileName: path.basename(file), fileMtimeMs: fs.statSync(file).mtimeMs, options };
  const records: ParsedUnit[] = [];
  const bad: BadUnit[] = [];
  let latin1 = 0;
  for await (const batch of parseFile(file, kind, format, ctx)) {
    latin1 += batch.latin1;
    for (const u of batch.units) {
      if (u.kind === 'record') records.push(u);
      else bad.push(u);
    }
  }
  return { records, bad, latin1 };
}

/** Every field name seen in any record, sorted. */
export function fieldNames(records: ParsedUnit[]): string[] {
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.fields)) names.add(k);
  return [...names].sort();
}

/** A record as a parser returns it. */
export type ParsedRecord = Extract<ParseResult, { kind: 'record' }>;

const TEST_CONTEXT: ParseContext = { fileName: 'test.log', fileMtimeMs: 0, options: {} };

/** A fresh parser of `format`, for a file with the given context (default: mtime 0, no options). */
export function newParser(format: LineFormat, ctx?: Partial<ParseContext>): LineParser;
export function newParser(format: JsonFormat, ctx?: Partial<ParseContext>): JsonParser;
export function newParser(format: Format, ctx: Partial<ParseContext> = {}): LineParser | JsonParser {
  return format.create({ ...TEST_CONTEXT, ...ctx });
}

/** What a line format makes of `line` as the first line of a file. */
export function parseLine(format: LineFormat, line: string, ctx?: Partial<ParseContext>): ParseResult {
  return newParser(format, ctx).line(line, 1);
}

/** What a JSON format makes of `value` as the first document of a file. */
export function parseValue(format: JsonFormat, value: unknown, ctx?: Partial<ParseContext>): ParseResult {
  return newParser(format, ctx).record(value, 1);
}

/** The result as a record; throws, failing the test, when it is not one. */
export function recordOf(result: ParseResult): ParsedRecord {
  if (result.kind !== 'record') throw new Error(`not a record: ${JSON.stringify(result)}`);
  return result;
}

/** Runs lines through a fresh parser of `format`, end() included. */
export function feedLines(format: LineFormat, lines: string[], ctx?: Partial<ParseContext>): ParseResult[] {
  const p = newParser(format, ctx);
  return [...lines.map((l, i) => p.line(l, i + 1)), ...(p.end?.() ?? [])];
}

/** How often each value occurs. */
export function countValues<T>(values: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** How many items give each key, the keys as strings. */
export function countBy<T>(items: T[], key: (item: T) => unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = String(key(item));
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
