// npm run bench:round — times review rounds (rosas train: train + score, and the whole round) on a
// synthetic 1,000,000-record Zeek conn.log, for this build and, side by side, an older build:
// round 1 Isolation Forest, round 2 with 20 normals, round 3 RoSAS (one anomaly, 3 epochs).
//   git worktree add /tmp/base <commit> && (cd /tmp/base && ln -s /work/main/node_modules node_modules && npm run -s build:main)
//   BASE_CLI=/tmp/base/dist-main/cli.js npm run bench:round
// Env: BENCH_RECORDS (1000000), BENCH_REPEATS (1), BENCH_OUT (a JSON file), ROSAS_SHARED.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 1);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CURRENT_CLI = path.join(REPO, 'dist-main', 'cli.js');
const BASE_CLI = process.env.BASE_CLI ? path.resolve(process.env.BASE_CLI) : null;
const NORMALS = 20; // the first build's round 1 top 20 are labeled normal in every build; its 21st anomaly

/** Writes the synthetic log of test/bench/synthetic-zeek.ts (as bench:import's) through its built entry; returns its size. */
function generate(out) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist-main', 'make-zeek-log.js'), out, String(RECORDS)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-zeek-log failed (npm run build:main?): ${r.stderr}`);
  return Number(r.stdout.trim());
}

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** Runs one CLI command; returns its parsed --json output and its wall seconds (process start to exit). */
function rosas(cli, args, cwd) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cli} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}${r.stdout}`);
  return { json: JSON.parse(r.stdout), wall };
}

/** The commit a build was made from (its worktree's HEAD, "+dirty" with uncommitted changes), when it is a git checkout. */
function commitOf(cli) {
  const dir = path.dirname(path.dirname(cli));
  const git = (...a) => spawnSync('git', ['-C', dir, ...a], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return null;
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

/** Copies the closed seed project (and SQLite's side files, if any were left) to a build's own file. */
function copyProject(seed, to) {
  for (const suffix of ['', '-wal', '-shm']) if (fs.existsSync(seed + suffix)) fs.copyFileSync(seed + suffix, to + suffix);
}

function removeProject(file) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
  fs.rmSync(`${file}.lock`, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '-');

/** One step of the scenario for one build: the labels it needs, then its train call, timed. */
function step(round, build, state, dir) {
  const { cli, project } = build;
  const labels = [];
  if (round === 2) labels.push(rosas(cli, ['label', project, ...state.top.slice(0, NORMALS).map(String), '--as', 'normal'], dir));
  if (round === 3) labels.push(rosas(cli, ['label', project, String(state.top[NORMALS]), '--as', 'anomaly'], dir));
  const args = round === 1 ? ['--method', 'iforest'] : round === 3 ? ['--epochs', '3', '--seed', '1'] : [];
  const loadBefore = load();
  const { json, wall } = rosas(cli, ['train', project, ...args], dir);
  const loadAfter = load();
  if (json.round !== round) throw new Error(`${build.name}: train made round ${json.round}, expected ${round}`);
  const expected = round === 3 ? 'rosas' : 'iforest';
  if (json.method !== expected) console.warn(`warning: ${build.name} round ${round} trained ${json.method}, expected ${expected}`);
  if (round === 1 && !state.top) {
    const top = rosas(cli, ['top', project, '-n', String(NORMALS + 1)], dir);
    state.top = top.json.records.map((r) => r.id);
    if (state.top.length < NORMALS + 1) throw new Error(`${build.name}: top -n ${NORMALS + 1} gave ${state.top.length} records`);
  }
  return {
    round,
    build: build.name,
    command: ['train', ...args].join(' '),
    method: json.method,
    epochs: json.epochs ?? null,
    wallSeconds: wall,
    trainSeconds: json.train_seconds ?? null,
    scoreSeconds: json.score_seconds ?? null,
    seconds: json.seconds ?? null,
    recordsScored: json.records_scored ?? null,
    labeledNormals: json.labeled_normals ?? null,
    labeledAnomalies: json.labeled_anomalies ?? null,
    labelWallSeconds: labels.reduce((s, l) => s + l.wall, 0),
    loadBefore,
    loadAfter,
  };
}

async function main() {
  for (const cli of [CURRENT_CLI, BASE_CLI]) if (cli && !fs.existsSync(cli)) throw new Error(`no build at ${cli}${cli === CURRENT_CLI ? ' (npm run build:main)' : ''}`);
  const builds = [...(BASE_CLI ? [{ name: 'base', cli: BASE_CLI, commit: commitOf(BASE_CLI) }] : []), { name: 'current', cli: CURRENT_CLI, commit: commitOf(CURRENT_CLI) }];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-bench-round-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const onSignal = (sig) => {
    cleanup();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = {
      date: new Date().toISOString(),
      host: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? null, memGiB: os.totalmem() / 2 ** 30, node: process.version, platform: `${os.platform()} ${os.release()}` },
      records: RECORDS,
      repeats: REPEATS,
      builds: builds.map(({ name, cli, commit }) => ({ name, cli, commit })),
      runs: [],
    };
    console.log(`bench:round  ${report.date}  ${report.host.cores} cores (${report.host.cpu})  node ${process.version}  load ${load().join(' ')}`);
    for (const b of builds) console.log(`  ${b.name.padEnd(8)} ${b.cli}${b.commit ? `  (${b.commit})` : ''}`);
    if (!BASE_CLI) console.log('  (no BASE_CLI: only this build is measured)');

    const log = path.join(dir, 'conn.log');
    let t = performance.now();
    const bytes = generate(log);
    console.log(`generated ${RECORDS.toLocaleString('en')} Zeek conn records, ${(bytes / 1048576).toFixed(0)} MiB, in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // Imported once, by the oldest build: a newer build migrates an older project, never the reverse.
    const seed = path.join(dir, 'seed.rosas');
    const importer = builds[0];
    const imp = rosas(importer.cli, ['import', seed, log, '--format', 'zeek-tsv'], dir);
    fs.rmSync(log);
    report.import = { build: importer.name, records: imp.json.records, quarantined: imp.json.quarantined, wallSeconds: imp.wall, projectMiB: fs.statSync(seed).size / 1048576 };
    const sideFiles = ['-wal', '-shm'].filter((s) => fs.existsSync(seed + s));
    console.log(
      `imported with ${importer.name}: ${imp.json.records.toLocaleString('en')} records (${imp.json.quarantined} quarantined) in ${imp.wall.toFixed(1)} s, project ${report.import.projectMiB.toFixed(0)} MiB${sideFiles.length ? `, side files ${sideFiles.join(' ')}` : ''}`,
    );

    for (let rep = 1; rep <= REPEATS; rep++) {
      // Base first in odd repeats, current first in even ones, so neither always runs second.
      const order = rep % 2 ? builds : [...builds].reverse();
      const runs = order.map((b) => ({ ...b, project: path.join(dir, `${b.name}-${rep}.rosas`) }));
      // One list of records to label for every build, so that each does the same work.
      const state = {};
      for (const r of runs) copyProject(seed, r.project);
      for (let round = 1; round <= 3; round++) {
        for (const r of runs) {
          const row = { repeat: rep, ...step(round, r, state, dir) };
          report.runs.push(row);
          console.log(
            `  repeat ${rep} round ${round} ${r.name.padEnd(7)} ${row.method.padEnd(7)} wall ${fmt(row.wallSeconds)} s  round ${fmt(row.seconds)} s  load ${row.loadBefore.join(' ')} -> ${row.loadAfter.join(' ')}`,
          );
        }
      }
      for (const r of runs) removeProject(r.project);
    }

    console.log(`\n${'round'.padEnd(6)}${'rep'.padEnd(4)}${'build'.padEnd(9)}${'method'.padEnd(8)}${'wall s'.padStart(8)}${'train s'.padStart(9)}${'score s'.padStart(9)}${'round s'.padStart(9)}${'label s'.padStart(9)}   load 1m before -> after`);
    for (let round = 1; round <= 3; round++) {
      for (const row of report.runs.filter((x) => x.round === round)) {
        console.log(
          `${String(round).padEnd(6)}${String(row.repeat).padEnd(4)}${row.build.padEnd(9)}${row.method.padEnd(8)}${fmt(row.wallSeconds).padStart(8)}${fmt(row.trainSeconds).padStart(9)}${fmt(row.scoreSeconds).padStart(9)}${fmt(row.seconds).padStart(9)}${fmt(row.labelWallSeconds).padStart(9)}   ${fmt(row.loadBefore[0])} -> ${fmt(row.loadAfter[0])}`,
        );
      }
    }

    if (BASE_CLI) {
      report.ratios = [];
      console.log('\ncurrent / base (median over repeats); within ±20 % is 0.80–1.20');
      console.log(`${'round'.padEnd(6)}${'wall'.padStart(8)}${'train'.padStart(8)}${'score'.padStart(8)}${'round'.padStart(8)}`);
      const ratio = (round, key) => {
        const of = (build) => report.runs.filter((x) => x.round === round && x.build === build).map((x) => x[key]);
        const [c, b] = [of('current'), of('base')];
        return c.some((x) => x === null) || b.some((x) => x === null) ? null : median(c) / median(b);
      };
      for (let round = 1; round <= 3; round++) {
        const r = { round, wall: ratio(round, 'wallSeconds'), train: ratio(round, 'trainSeconds'), score: ratio(round, 'scoreSeconds'), seconds: ratio(round, 'seconds') };
        r.wallWithin20 = r.wall !== null && Math.abs(r.wall - 1) <= 0.2;
        report.ratios.push(r);
        console.log(`${String(round).padEnd(6)}${fmt(r.wall, 3).padStart(8)}${fmt(r.train, 3).padStart(8)}${fmt(r.score, 3).padStart(8)}${fmt(r.seconds, 3).padStart(8)}${r.wallWithin20 ? '' : '   <- outside ±20 %'}`);
      }
    }
    report.loadEnd = load();
    if (process.env.BENCH_OUT) {
      fs.writeFileSync(process.env.BENCH_OUT, JSON.stringify(report, null, 2) + '\n');
      console.log(`\nwrote ${process.env.BENCH_OUT}`);
    }
  } finally {
    cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
