import path from 'node:path';
import { RosasError } from '../errors';
import { ALL_FORMATS, formatByName } from './formats/index';
import { firstJsonValue } from './json-documents';
import { readLines, type FileKind } from './read-lines';
import type { Format, FormatName, Sample } from './types';

const SAMPLE_BYTES = 64 * 1024;
/** Below this, no format is sure enough to read the file. */
const MIN_CONFIDENCE = 0.2;

export function buildSample(text: string): Sample {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const firstJson = /^\s*[[{]/.test(text) ? firstJsonValue(lines) : undefined;
  return { text, lines, firstJson };
}

/**
 * The first 64 KiB of the file's text from its first non-blank line on (a file may open with any
 * number of blank lines). A file of nothing but blank lines is refused as empty.
 */
export async function readSample(file: string, kind: FileKind): Promise<Sample> {
  const lines: string[] = [];
  let size = 0;
  let blanks = 0;
  const controller = new AbortController();
  for await (const batch of readLines(file, kind, { signal: controller.signal })) {
    for (const l of batch.lines) {
      if (!lines.length && l.trim() === '') {
        blanks++;
        continue;
      }
      lines.push(l);
      size += l.length + 1;
      if (size >= SAMPLE_BYTES) break;
    }
    if (size >= SAMPLE_BYTES) {
      controller.abort();
      break;
    }
  }
  if (!lines.length) throw new RosasError('not-a-log', `the file is empty (${blanks.toLocaleString('en')} blank lines and nothing else)`, { file });
  return buildSample(lines.join('\n'));
}

export interface Detection {
  format: Format;
  confidence: number;
  /** Runner-up formats with their confidence, for messages and the import preview. */
  candidates: Array<{ name: FormatName; confidence: number }>;
}

/** The format the content looks like, by sniffing (never by file name). */
export function detectFormat(sample: Sample, file: string): Detection {
  const scored = ALL_FORMATS.map((f) => ({ format: f, confidence: safeSniff(f, sample) }));
  // Stable sort keeps registry order (specific before generic) among equal scores.
  scored.sort((a, b) => b.confidence - a.confidence);
  const best = scored[0]!;
  const candidates = scored.filter((s) => s.confidence > 0).map((s) => ({ name: s.format.name, confidence: s.confidence }));
  if (best.confidence < MIN_CONFIDENCE) {
    throw new RosasError(
      'not-a-log',
      `not a log format this app knows (checked ${ALL_FORMATS.map((f) => f.name).join(', ')}); ` +
        'if it is one of them, choose that format',
      { file: path.basename(file) },
    );
  }
  return { format: best.format, confidence: best.confidence, candidates };
}

function safeSniff(f: Format, sample: Sample): number {
  try {
    return Math.max(0, Math.min(1, f.sniff(sample)));
  } catch {
    return 0;
  }
}

export function resolveFormat(name: string | undefined): Format | undefined {
  if (!name) return undefined;
  const f = ALL_FORMATS.find((x) => x.name === name);
  if (!f) throw new RosasError('usage', `unknown format "${name}"; known formats: ${ALL_FORMATS.map((x) => x.name).join(', ')}`);
  return formatByName(f.name);
}
