// npm run bench:import — builds a 1,000,000-record Zeek conn.log from the shared CTU sample (varied
// addresses, ports, sizes and times), imports it the way the app does (worker thread, one
// transaction) in a fresh process, and prints records/s, seconds, peak RSS and where the time goes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../src-main/core/util/random';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SAMPLE = 'samples/zeek-tsv/ctu-normal-40-day1.conn.log.labeled';

function sharedDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [process.env.ROSAS_SHARED, path.resolve(here, '..', '..', 'shared'), path.resolve(here, '..', '..', '..', 'shared'), '/work/shared'].find(
    (d) => d && fs.existsSync(path.join(d, SAMPLE)),
  );
  if (!found) throw new Error(`cannot find shared/${SAMPLE}; set ROSAS_SHARED`);
  return found;
}

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1048576;
}

/** Writes the synthetic log with bounded memory; returns its size. */
function generate(out: string): number {
  const lines = fs.readFileSync(path.join(sharedDir(), SAMPLE), 'utf8').split('\n');
  const header = lines.filter((l) => l.startsWith('#'));
  const rows = lines.filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const cols = header.find((h) => h.startsWith('#fields'))!.split('\t').slice(1);
  const at = (name: string) => cols.indexOf(name);
  const [ts, uid, oh, op, rh, rp, dur, ob, rb] = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'duration', 'orig_bytes', 'resp_bytes'].map(at);
  const rnd = mulberry32(42);
  const fd = fs.openSync(out, 'w');
  fs.writeSync(fd, header.join('\n') + '\n');
  const start = 1655071198;
  let chunk: string[] = [];
  const scale = (v: string) => (v === '-' ? v : String(Math.round(Number(v) * (0.25 + 4 * rnd()))));
  for (let i = 0; i < RECORDS; i++) {
    const r = rows[i % rows.length]!.slice();
    r[ts!] = (start + i * 0.05 + rnd() * 0.05).toFixed(6);
    r[uid!] = `C${(i * 2654435761 >>> 0).toString(36)}${i.toString(36)}`;
    r[oh!] = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    r[op!] = String(1024 + Math.floor(rnd() * 64000));
    if (rnd() < 0.3) r[rh!] = `${1 + Math.floor(rnd() * 223)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
    if (rnd() < 0.1) r[rp!] = String(Math.floor(rnd() * 65536));
    if (r[dur!] !== '-') r[dur!] = (Number(r[dur!]) * (0.5 + rnd())).toFixed(6);
    r[ob!] = scale(r[ob!]!);
    r[rb!] = scale(r[rb!]!);
    chunk.push(r.join('\t'));
    if (chunk.length === 10_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  return fs.statSync(out).size;
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
    const bytes = fs.existsSync(log) ? fs.statSync(log).size : generate(log);
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
