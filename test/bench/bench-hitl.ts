// npm run bench:hitl — the review loop (`rosas simulate`, src-main/core/bench/simulate.ts) measured
// per analyst action (issue 12, §3) on every labeled log of shared/samples and shared/hitl (5
// rounds × 20 actions, anomalies sampled to 2 %, one record per action and one group per action)
// and on the 13 datasets of shared/datasets (5 rounds × 40 records, as they are), with the issue's
// targets checked per log. Tables: hitl-report.ts. One more log is built from two samples at bench
// time: cic-stealthy-mix (cic-mix.ts), attacks that are not outliers in normal CIC-IDS2017 flows.
//   BENCH_SEEDS=1,2,3     seeds (default 1,2,3); each value in the tables is the mean over them
//   BENCH_FILES=a,b       only these inputs (a file's name, or a dataset's name such as cardio)
//   BENCH_OUT=file.json   also write every run and row as JSON
// Timings on a shared machine are noisy: the load average is printed before and after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSimulation, type SimulateOptions, type SimulateResult } from '../../src-main/core/bench/simulate';
import type { FormatName } from '../../src-main/core/ingest/types';
import { CIC_MIX_LABEL, CIC_MIX_NAME, writeCicMix } from './cic-mix';
import { judge, renderTable, summarize, TARGET, type HitlGroup, type HitlRow } from './hitl-report';

interface Input {
  group: HitlGroup;
  /** The name BENCH_FILES matches, shown in the tables. */
  name: string;
  file: string;
  labelColumn: string;
  format?: FormatName;
  anomalyRate?: number;
  rounds: number;
  perRound: number;
  modes: Array<'record' | 'group'>;
  checkpoints: number[];
}

/** Labeled logs in shared/samples (by folder/file) and their ground-truth column. */
const SAMPLE_LOGS: Array<[string, string]> = [
  ['zeek-tsv/ctu-normal-40-day1.conn.log.labeled', 'label'],
  ['zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled', 'label'],
  ['cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv', 'Label'],
  ['unsw-nb15-csv/unsw-nb15-testing-set.first4528.odd-ids.csv', 'label'],
];
/** Labeled samples left out, and why (a simulation needs at least one anomaly). */
const SKIPPED_SAMPLES: Array<[string, string]> = [
  ['cicflowmeter-csv/cicids2017-friday-ddos.machinelearningcve.head.csv', 'every ` Label` is BENIGN: no anomaly'],
  ['system-logs-loghub/Thunderbird_2k.log', 'every `alert` tag is `-`: no anomaly'],
];
/** shared/hitl's three files (its README.md) and their ground-truth column. */
const HITL_LOGS: Array<[string, string]> = [
  ['ctu-normal-42-day2.conn.log.labeled.malicious-3pct', 'label'],
  ['iot23-ctu-malware-capture-20-1-torii.conn.csv', 'label'],
  ['bgl-sample10k.minus-heldback-lines.log', 'alert'],
];
const LOG_RUN = { anomalyRate: 0.02, rounds: 5, perRound: 20, modes: ['record', 'group'] as Array<'record' | 'group'>, checkpoints: [20, 50, 100] };
const DATASET_RUN = { rounds: 5, perRound: 40, modes: ['record'] as Array<'record' | 'group'>, checkpoints: [40, 100, 200] };

/** The shared folder, found as test/helpers/samples.ts does ($ROSAS_SHARED, ../shared, /work/shared); this file runs bundled from dist-main/. */
function sharedDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.ROSAS_SHARED, path.resolve(here, '..', '..', 'shared'), path.resolve(here, '..', '..', '..', 'shared'), '/work/shared'];
  const found = candidates.find((d) => d && fs.existsSync(path.join(d, 'samples')));
  if (!found) throw new Error('cannot find the shared folder (shared/samples); set ROSAS_SHARED');
  return found;
}

/** Every input; the built mix is written into `tmp`. */
function inputs(shared: string, tmp: string): Input[] {
  const out: Input[] = [];
  for (const [rel, labelColumn] of SAMPLE_LOGS) out.push({ group: 'samples', name: path.basename(rel), file: path.join(shared, 'samples', rel), labelColumn, ...LOG_RUN });
  out.push({ group: 'samples', name: CIC_MIX_NAME, file: writeCicMix(path.join(shared, 'samples'), tmp), labelColumn: CIC_MIX_LABEL, format: 'csv', ...LOG_RUN });
  for (const [name, labelColumn] of HITL_LOGS) out.push({ group: 'hitl', name, file: path.join(shared, 'hitl', name), labelColumn, ...LOG_RUN });
  const dir = path.join(shared, 'datasets');
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^(.*)\.csv(\.gz)?$/.exec(f);
    if (m) out.push({ group: 'datasets', name: m[1]!, file: path.join(dir, f), labelColumn: 'label', format: 'csv', ...DATASET_RUN });
  }
  return out;
}

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const shared = sharedDir();
  const seeds = list(process.env.BENCH_SEEDS)?.map(Number) ?? [1, 2, 3];
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`BENCH_SEEDS must be whole numbers, got ${process.env.BENCH_SEEDS}`);
  const only = list(process.env.BENCH_FILES);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-bench-hitl-'));
  process.once('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const all = inputs(shared, tmp);
  const chosen = all.filter((i) => !only || only.includes(i.name));
  if (only) for (const n of only) if (!all.some((i) => i.name === n) && !SKIPPED_SAMPLES.some(([rel]) => path.basename(rel) === n)) throw new Error(`no input "${n}" (names: ${all.map((i) => i.name).join(', ')})`);
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  console.log(`bench:hitl ${startedAt.toISOString()}, ${os.availableParallelism()} cores, load average ${load()} (1, 5, 15 min); shared ${shared}; seeds ${seeds.join(',')}`);
  for (const [rel, why] of SKIPPED_SAMPLES) if (!only || only.includes(path.basename(rel))) console.log(`skipped samples/${rel}: ${why}`);

  const runs: Array<{ input: string; group: HitlGroup; mode: 'record' | 'group'; result: SimulateResult }> = [];
  const failures: Array<{ input: string; mode: string; seed: number; error: string }> = [];
  const rows: HitlRow[] = [];
  for (const input of chosen) {
    for (const mode of input.modes) {
      const results: SimulateResult[] = [];
      for (const seed of seeds) {
        const opts: SimulateOptions = {
          labelColumn: input.labelColumn,
          format: input.format,
          anomalyRate: input.anomalyRate,
          rounds: input.rounds,
          perRound: input.perRound,
          group: mode === 'group',
          seed,
        };
        try {
          const r = await runSimulation(input.file, opts);
          results.push(r);
          runs.push({ input: input.name, group: input.group, mode, result: r });
          process.stderr.write(
            `  ${input.name} ${mode} seed ${seed}: found ${r.found.join(',')} of ${r.anomalies_total} (ideal ${r.baselines.ideal.found.join(',')}; IF ${r.baselines.iforest.found.join(',')}; no normals ${r.baselines.no_normals.found.join(',')}), ${r.seconds.toFixed(1)} s\n`,
          );
        } catch (err) {
          // One input failing (a file without anomalies, training diverged) must not cost the others.
          const message = err instanceof Error ? err.message : String(err);
          process.stderr.write(`  ${input.name} ${mode} seed ${seed}: FAILED: ${message}\n`);
          failures.push({ input: input.name, mode, seed, error: message });
        }
      }
      if (results.length) rows.push(summarize(input.group, input.name, results, input.checkpoints));
    }
  }

  // The targets, per log: the group row is compared with the same log's record row.
  const judged = rows.map((r) => (r.group === 'datasets' ? r : judge(r, rows.find((x) => x.file === r.file && x.group === r.group && x.mode === 'record'))));
  const titles: Record<HitlGroup, string> = {
    samples: `shared/samples: labeled logs (and cic-stealthy-mix, built from two of them), anomalies sampled to 2 %, ${LOG_RUN.rounds} rounds × ${LOG_RUN.perRound} actions`,
    hitl: `shared/hitl: labeled logs, anomalies sampled to 2 % (files with fewer keep theirs), ${LOG_RUN.rounds} rounds × ${LOG_RUN.perRound} actions`,
    datasets: `shared/datasets: as they are, ${DATASET_RUN.rounds} rounds × ${DATASET_RUN.perRound} records`,
  };
  console.log();
  console.log(`Mean over seeds ${seeds.join(',')}. found@N: true anomalies labeled anomaly after N actions (an action: one record, or with mode group one group of near-duplicates`);
  console.log('labeled with its majority truth). ideal, IF only (the cold start\'s Isolation Forest scores, never retrained) and random take one record per action; no normals is the same');
  console.log('loop (same mode) without learning from confirmed normals. round s: a whole round (train, score, feedback, order, save), mean over the main loop\'s rounds; feedback s: its feedback and order.');
  console.log(
    `Targets (logs): found@${TARGET.actions} ≥ max(${100 * TARGET.idealFloor} % ideal, min(${100 * TARGET.idealCap} % ideal, ${TARGET.ifFactor} × IF only)); first anomaly within ${TARGET.firstWithin} actions on every seed where anomalies ≥ ${100 * TARGET.firstShare} %; group mode: found per action ≥ record mode's.`,
  );
  for (const g of ['samples', 'hitl', 'datasets'] as HitlGroup[]) {
    const these = judged.filter((r) => r.group === g);
    if (!these.length) continue;
    console.log();
    for (const line of renderTable(titles[g], these, g !== 'datasets')) console.log(line);
  }
  for (const f of failures) console.log(`FAILED ${f.input} ${f.mode} seed ${f.seed}: ${f.error}`);
  const finishedAt = new Date();
  console.log();
  console.log(`finished ${finishedAt.toISOString()} after ${((finishedAt.getTime() - startedAt.getTime()) / 60_000).toFixed(1)} min; load average ${load()} (before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);

  if (process.env.BENCH_OUT) {
    const out = {
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      loadavg_before: loadBefore,
      loadavg_after: os.loadavg(),
      cores: os.availableParallelism(),
      seeds,
      skipped: SKIPPED_SAMPLES.map(([file, reason]) => ({ file, reason })),
      rows: judged,
      runs,
      failures,
    };
    fs.writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(out, null, 2)}\n`);
    process.stderr.write(`wrote ${process.env.BENCH_OUT}\n`);
  }
  if (failures.length) process.exitCode = 1;
}

await main();
