import fs from 'node:fs';
import path from 'node:path';
import { inspectFile } from '../../src-main/core/ingest/read-lines';
import { parseFile, type BadUnit, type ParsedUnit } from '../../src-main/core/ingest/parse-stream';
import type { Format } from '../../src-main/core/ingest/types';

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
