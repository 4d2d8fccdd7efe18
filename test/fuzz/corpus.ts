import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectFormat, readSample } from '../../src-main/core/ingest/detect';
import { formatByName } from '../../src-main/core/ingest/formats/index';
import { parseFile } from '../../src-main/core/ingest/parse-stream';
import { inspectFile } from '../../src-main/core/ingest/read-lines';
import type { Format } from '../../src-main/core/ingest/types';
import { allSamples, samplePath } from '../helpers/samples';

/** Lines taken from the start of each sample: enough variety, small files per case. */
const LINES_PER_SAMPLE = 300;

/** Real lines of one shared sample, as the fuzz cases start from them. */
export interface Seed {
  sample: string;
  format: Format;
  /** The lines before the first record: CSV header, Zeek `#` lines. Empty for most formats. */
  header: string[];
  /** Lines that are a record on their own. */
  body: string[];
}

/** One seed per shared sample, read with the format that detection gives the whole file. */
export async function loadSeeds(): Promise<Seed[]> {
  const seeds: Seed[] = [];
  for (const rel of allSamples()) {
    const file = samplePath(rel);
    const kind = await inspectFile(file);
    const format = formatByName(detectFormat(await readSample(file, kind), file).format.name);
    const lines = firstLines(file, LINES_PER_SAMPLE);
    const head = path.join(scratchDir(), 'seed');
    fs.writeFileSync(head, lines.join('\n') + '\n');
    let first = Infinity;
    const single = new Set<number>();
    for await (const batch of parseFile(head, kind, format, context(head))) {
      for (const u of batch.units) {
        if (u.kind !== 'record') continue;
        first = Math.min(first, u.line);
        if (!u.raw.includes('\n') && u.raw === lines[u.line - 1]) single.add(u.line);
      }
    }
    const body = lines.filter((_, i) => i + 1 > first && single.has(i + 1));
    if (single.has(first)) body.unshift(lines[first - 1]!);
    seeds.push({ sample: rel, format, header: lines.slice(0, first - 1), body });
  }
  return seeds;
}

function firstLines(file: string, n: number): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const lines: string[] = [];
  let start = 0;
  while (lines.length < n && start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    lines.push(text.slice(start, end).replace(/\r$/, ''));
    start = end + 1;
  }
  return lines;
}

let scratch: string | null = null;

/** One folder per process for the case files, each case overwriting the last; in memory where there is a tmpfs. */
export function scratchDir(): string {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : fs.realpathSync(os.tmpdir());
  scratch ??= fs.mkdtempSync(path.join(base, 'rosas-fuzz-'));
  return scratch;
}

export function removeScratch(): void {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = null;
}

export function context(file: string) {
  return { fileName: path.basename(file), fileMtimeMs: 1_700_000_000_000, options: {} };
}
