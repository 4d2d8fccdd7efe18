import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { RosasError } from '../../src-main/core/errors';
import { importFile } from '../../src-main/core/ingest/import';
import { parseFile, type LineCounts, type ParsedUnit, type UnitBatch } from '../../src-main/core/ingest/parse-stream';
import { inspectFile } from '../../src-main/core/ingest/read-lines';
import { openProject } from '../../src-main/core/project/project';
import { context, loadSeeds, removeScratch, scratchDir, type Seed } from './corpus';
import { applyMutations, mutation, type Built, type Mutation } from './mutate';

/**
 * Property-based fuzzing of every importer: real lines from the shared samples, mutated, read
 * through the real pipeline. Invariants, for every case:
 * - no exception escapes (a RosasError saying the file is not a log is an answer, not an escape);
 * - every physical line is accounted for: records + quarantine + header + blank + structure = read,
 *   and read is the number of lines a text editor shows;
 * - every seed line that no mutation touched reads exactly as it did in the unmutated file;
 * - for a share of cases, the whole import into a project: its summary adds up and matches the
 *   rows written.
 */

export interface FuzzCase {
  seed: number;
  start: number;
  count: number;
  /** Mutate the header lines too (then the other lines may read differently). */
  header: boolean;
  mutations: Mutation[];
}

export interface FuzzStats {
  cases: number;
  imports: number;
  lines: number;
  quarantined: number;
  seconds: number;
}

const fuzzCase = (seeds: number) =>
  fc.record({
    seed: fc.nat({ max: seeds - 1 }),
    start: fc.nat({ max: 400 }),
    count: fc.integer({ min: 1, max: 30 }),
    header: fc.boolean(),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  });

/** The lines of a case, before mutation: the seed's header and a window of its body lines. */
function baseLines(seed: Seed, c: FuzzCase): string[] {
  const n = seed.body.length;
  const from = n ? c.start % n : 0;
  return [...seed.header, ...seed.body.slice(from, from + c.count)];
}

/** Lines as a text editor counts them: line breaks, plus a last line without one. */
function physicalLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return bytes.length && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
}

async function parse(file: string, seed: Seed) {
  const units: UnitBatch['units'] = [];
  const counts: LineCounts = { read: 0, inRecords: 0, inQuarantine: 0, header: 0, blank: 0, structure: 0 };
  const kind = await inspectFile(file, { sniff: false });
  for await (const b of parseFile(file, kind, seed.format, context(file))) {
    units.push(...b.units);
    for (const k of Object.keys(counts) as Array<keyof LineCounts>) counts[k] += b.lines[k];
  }
  return { units, counts };
}

function fail(what: string, file: Buffer, detail: unknown): never {
  const shown = JSON.stringify(file.toString('latin1')).slice(0, 4000);
  throw new Error(`${what}\n  detail: ${JSON.stringify(detail, null, 1)?.slice(0, 2000)}\n  file (latin1, escaped): ${shown}`);
}

/** The line number (1-based) of each built line, as the reader will number it. */
function lineNumbers(built: Built): number[] {
  const nos: number[] = [];
  let next = 1;
  for (const l of built.lines) {
    nos.push(next);
    for (let i = l.indexOf(10); i !== -1; i = l.indexOf(10, i + 1)) next++;
    next++;
  }
  return nos;
}

function recordsByLine(units: UnitBatch['units']): Map<number, ParsedUnit[]> {
  const m = new Map<number, ParsedUnit[]>();
  for (const u of units) if (u.kind === 'record') m.set(u.line, [...(m.get(u.line) ?? []), u]);
  return m;
}

/** Runs one case and checks the invariants; throws (with a readable repro) when one breaks. */
export async function checkCase(seeds: Seed[], c: FuzzCase, stats: FuzzStats, fullImport: boolean): Promise<void> {
  const seed = seeds[c.seed]!;
  const base = baseLines(seed, c);
  const dir = scratchDir();
  const cleanFile = path.join(dir, 'clean');
  const file = path.join(dir, 'case');
  fs.writeFileSync(cleanFile, base.join('\n') + '\n');
  const built = applyMutations(base, c.mutations, c.header ? 0 : seed.header.length);
  const bytes = Buffer.concat(built.lines.flatMap((l) => [l, Buffer.from('\n')]));
  fs.writeFileSync(file, bytes);

  let result: Awaited<ReturnType<typeof parse>>;
  try {
    result = await parse(file, seed);
  } catch (err) {
    // An empty file is refused whole, with that reason: the one refusal a chosen format allows.
    const empty = err instanceof RosasError && /the file is empty/.test(err.message) && bytes.toString('latin1').trim() === '';
    if (empty) return void stats.cases++;
    fail(`${seed.sample}: an exception escaped the reader`, bytes, String((err as Error).stack ?? err));
  }
  const { units, counts } = result;
  stats.cases++;
  stats.lines += counts.read;
  stats.quarantined += counts.inQuarantine;

  const physical = physicalLines(bytes);
  const sum = counts.inRecords + counts.inQuarantine + counts.header + counts.blank + counts.structure;
  if (counts.read !== physical || sum !== counts.read) fail(`${seed.sample}: lines not accounted for (${physical} in the file)`, bytes, counts);
  for (const u of units) if (!(u.line >= 1 && u.line <= physical)) fail(`${seed.sample}: a unit outside the file`, bytes, u);

  // Untouched lines read as in the unmutated file, at their new line numbers.
  if (!c.header || !c.mutations.length) {
    const clean = recordsByLine((await parse(cleanFile, seed)).units);
    const now = recordsByLine(units);
    const nos = lineNumbers(built);
    built.origin.forEach((o, i) => {
      if (o < 0 || built.touched.has(o)) return;
      const before = clean.get(o + 1);
      if (!before) return; // a header line, or a line that was not a record on its own anyway
      const after = now.get(nos[i]!);
      const same = after?.length === before.length && after.every((u, k) => u.raw === before[k]!.raw && isDeepStrictEqual(u.fields, before[k]!.fields) && u.ts === before[k]!.ts);
      if (!same) fail(`${seed.sample}: untouched line ${o + 1} (now ${nos[i]}) reads differently`, bytes, { before, after });
    });
  }

  if (fullImport) await checkImport(file, seed, bytes, stats);
}

/** The whole import into a project: the summary adds up and is what the tables hold. */
async function checkImport(file: string, seed: Seed, bytes: Buffer, stats: FuzzStats): Promise<void> {
  const projectFile = path.join(scratchDir(), `p${stats.imports}.rosas`);
  const project = openProject(projectFile, { create: true, purpose: 'fuzz' });
  try {
    const s = await importFile(project.db, file, { format: seed.format.name, again: true }, { parallel: false });
    const rows = project.db.prepare('SELECT (SELECT count(*) FROM records) AS r, (SELECT count(*) FROM quarantine) AS q').get() as { r: number; q: number };
    const l = s.lines;
    if (rows.r !== s.records || rows.q !== s.quarantined || l.inRecords + l.inQuarantine + l.header + l.blank + l.structure !== l.read) {
      fail(`${seed.sample}: the import summary does not add up`, bytes, { rows, records: s.records, quarantined: s.quarantined, lines: l });
    }
    stats.imports++;
  } catch (err) {
    // Refusing a file with no record in it is an answer; anything else escaped.
    if (!(err instanceof RosasError && err.code === 'not-a-log')) fail(`${seed.sample}: the import threw`, bytes, String((err as Error).stack ?? err));
  } finally {
    project.close();
    for (const f of [projectFile, `${projectFile}-wal`, `${projectFile}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** Runs `runs` cases from `seed` (fast-check's seed: the same seed gives the same cases). */
export async function runFuzz(opts: { runs: number; seed: number; importEvery: number }): Promise<FuzzStats> {
  const seeds = await loadSeeds();
  const stats: FuzzStats = { cases: 0, imports: 0, lines: 0, quarantined: 0, seconds: 0 };
  const started = performance.now();
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fuzzCase(seeds.length), (c) => checkCase(seeds, c, stats, n++ % opts.importEvery === 0)),
      { numRuns: opts.runs, seed: opts.seed },
    );
  } finally {
    removeScratch();
  }
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}
