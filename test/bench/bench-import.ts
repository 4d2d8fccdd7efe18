// npm run bench:import — builds a 1,000,000-record Zeek conn.log from the shared CTU sample (varied
// addresses, ports, sizes and times), imports it the way the app does (worker thread, one
// transaction) in a fresh process, and prints records/s, seconds, peak RSS and where the time goes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticZeekConn } from './synthetic-zeek';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1048576;
}

/** Child mode: one measurement in a fresh process so peak RSS is the import's own. */
async function child(mode: string, file: string, project: string): Promise<void> {
  const t0 = performance.now();
  if (mode === 'parse') {
    const { inspectFile } = await import('../../src-main/core/ingest/read-lines');
    const { parseFile } = await import('../../src-main/core/ingest/parse-stream');
    const { zeekTsv } = await import('../../src-main/core/ingest/formats/zeek-tsv');
    const kind = await inspectFile(file);
    let n = 0;
    for await (const b of parseFile(file, kind, zeekTsv, { fileName: 'x', fileMtimeMs: Date.now(), options: {} })) n += b.units.length;
    console.log(JSON.stringify({ mode, seconds: (performance.now() - t0) / 1000, units: n, peakRssMb: peakRssMb() }));
    return;
  }
  if (mode === 'hash') {
    const { sha256File } = await import('../../src-main/core/util/hash');
    await sha256File(file);
    console.log(JSON.stringify({ mode, seconds: (performance.now() - t0) / 1000, peakRssMb: peakRssMb() }));
    return;
  }
  const { openProject } = await import('../../src-main/core/project/project');
  const { runJob } = await import('../../src-main/core/jobs/run-job');
  const p = openProject(project, { create: true, purpose: 'bench' });
  const t1 = performance.now();
  const result = await runJob('import', { project: p.path, files: [file], options: { format: 'zeek-tsv' } });
  const seconds = (performance.now() - t1) / 1000;
  p.close();
  const s = result.imported[0];
  if (!s) throw new Error(`import failed: ${JSON.stringify(result.failed)}`);
  console.log(JSON.stringify({ mode, seconds, records: s.records, quarantined: s.quarantined, peakRssMb: peakRssMb(), projectMb: fs.statSync(project).size / 1048576 }));
}

async function main(): Promise<void> {
  const [, , flag, mode, file, project] = process.argv;
  if (flag === '--child') return child(mode!, file!, project!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-bench-'));
  try {
    // BENCH_FILE keeps the generated log there (and reuses it) for profiling runs.
    const log = process.env.BENCH_FILE ?? path.join(dir, 'conn.log');
    let t = performance.now();
    const bytes = fs.existsSync(log) ? fs.statSync(log).size : writeSyntheticZeekConn(log, RECORDS);
    console.log(`generated ${RECORDS.toLocaleString('en')} Zeek conn records, ${(bytes / 1048576).toFixed(0)} MiB, in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const run = (mode: string) => {
      const project = path.join(dir, `${mode}.rosas`);
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, log, project], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    };
    t = performance.now();
    const hash = run('hash');
    const parse = run('parse');
    const full = run('import');
    // The import reads and parses in one thread while another writes, so the parts overlap.
    const rows = [
      ['whole import (two threads, one transaction)', full.seconds, full.peakRssMb],
      ['  sha256 of the file (before reading)', hash.seconds, hash.peakRssMb],
      ['  read + parse alone, no database (overlaps the writes)', parse.seconds, parse.peakRssMb],
    ] as const;
    console.log(`\nimport of ${full.records!.toLocaleString('en')} records (${full.quarantined} quarantined), project file ${full.projectMb!.toFixed(0)} MiB`);
    console.log(`${'step'.padEnd(58)} ${'seconds'.padStart(8)} ${'peak RSS MiB'.padStart(13)}`);
    for (const [name, s, rss] of rows) console.log(`${name.padEnd(58)} ${s!.toFixed(2).padStart(8)} ${Number.isNaN(rss) ? ''.padStart(13) : rss!.toFixed(0).padStart(13)}`);
    console.log(`\nrecords/s: ${Math.round(full.records! / full.seconds!).toLocaleString('en')}   (target: 1M records in <= 10 s, peak RSS < 1024 MiB)`);
    console.log(`BENCH_JSON ${JSON.stringify({ records: full.records, seconds: full.seconds, recordsPerSecond: full.records! / full.seconds!, peakRssMb: full.peakRssMb, hashSeconds: hash.seconds, parseSeconds: parse.seconds })}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
