import fs from 'node:fs';
import path from 'node:path';
import { inferRole } from '../features/roles';
import { numberedName } from '../fields/names';
import type { Role } from '../fields/role';
import { StatsCollector, valueType } from '../fields/stats';
import { detectFormat, readSample, resolveFormat } from './detect';
import { parseFile, type BadUnit, type ParsedUnit } from './parse-stream';
import { statLogFile } from './log-file';
import { inspectFile } from './read-lines';
import type { FormatName } from './types';

export interface ImportPreview {
  file: string;
  bytes: number;
  format: FormatName;
  formatTitle: string;
  /** 0..1; 1 when the format was chosen by the user. */
  confidence: number;
  candidates: Array<{ name: FormatName; confidence: number }>;
  /** The first parsed records, as name -> value. */
  records: ParsedUnit[];
  /** Problems among the previewed lines. */
  bad: BadUnit[];
  fields: Array<{ name: string; type: string; role: Role; why: string }>;
}

/** Records read to guess roles: a few first records would make every id look like a category. */
const ROLE_SAMPLE = 5000;

/** Parses the start of a file without importing it: format, first records, fields and roles. */
export async function previewFile(file: string, opts: { format?: FormatName; records?: number } = {}): Promise<ImportPreview> {
  const abs = path.resolve(file);
  statLogFile(abs);
  const want = opts.records ?? 50;
  const kind = await inspectFile(abs, { sniff: !opts.format });
  const forced = resolveFormat(opts.format);
  const detection = forced ? { format: forced, confidence: 1, candidates: [] } : detectFormat(await readSample(abs, kind), abs);
  const format = detection.format;
  const controller = new AbortController();
  const records: ParsedUnit[] = [];
  const bad: BadUnit[] = [];
  const names = new Map<string, number>();
  const stats = new StatsCollector();
  const nameOf = new Map<string, string>();
  let counted = 0;
  const ctx = { fileName: path.basename(abs), fileMtimeMs: fs.statSync(abs).mtimeMs, options: {} };
  try {
    for await (const batch of parseFile(abs, kind, format, ctx, { signal: controller.signal })) {
      for (const u of batch.units) {
        if (u.kind === 'bad') {
          if (bad.length < want) bad.push(u);
          continue;
        }
        if (counted >= ROLE_SAMPLE) continue;
        counted++;
        if (records.length < want) records.push(u);
        // As the import names them: one field regardless of case, a second key of one record numbered.
        const inRecord = new Set<string>();
        for (const [key, v] of Object.entries(u.fields)) {
          const k = inRecord.has(key.toLowerCase()) ? numberedName(key, (n) => inRecord.has(n.toLowerCase())) : key;
          const lower = k.toLowerCase();
          inRecord.add(lower);
          nameOf.set(lower, nameOf.get(lower) ?? k);
          if (!names.has(lower)) names.set(lower, names.size);
          stats.add(names.get(lower)!, v);
        }
      }
      if (counted >= ROLE_SAMPLE) break;
    }
  } finally {
    controller.abort();
  }
  const collected = stats.result();
  const fields = [...names.entries()].map(([key, pos]) => {
    const s = collected.get(pos)!;
    const inferred = inferRole(nameOf.get(key)!, s, counted);
    return { name: nameOf.get(key)!, type: valueType(s), role: inferred.role, why: inferred.why };
  });
  return {
    file: abs,
    bytes: fs.statSync(abs).size,
    format: format.name,
    formatTitle: format.title,
    confidence: detection.confidence,
    candidates: detection.candidates,
    records,
    bad,
    fields,
  };
}
