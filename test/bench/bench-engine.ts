// npm run bench:engine [-- --epochs E] — `rosas bench` (src-main/core/bench/engine.ts) on every
// dataset of shared/datasets with the shared splits (seeds 0–4), next to the official RoSAS code's
// figures in shared/rosas/reference-results.md, plus scoring 1M synthetic rows × 60 features.
//   BENCH_DATASETS=a,b      only these datasets
//   BENCH_SEEDS=0,1         only these seeds
//   BENCH_OUT=file.json     also write every figure as JSON
//   BENCH_SYNTHETIC_ROWS=N  rows of the synthetic scoring run (default 1,000,000; 0 skips it)
//   BENCH_THREADS=N         ensemble members trained at once in worker threads (default 1)
// Timings on a shared machine are noisy: compare ratios measured side by side.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { median, runBench, type BenchResult } from '../../src-main/core/bench/engine';
import { parseReferenceTable, type ReferenceFigure } from '../../src-main/core/bench/protocol';
import { loadTf } from '../../src-main/core/model/backend';
import { initialWeights, rosasTopology } from '../../src-main/core/model/rosas/network';
import { describeTraining, REFERENCE_NO_ES, rosasOptions, scoreMatrix } from '../../src-main/core/model/rosas/rosas';
import { centeredCount } from '../../src-main/core/model/rosas/ensemble';
import type { RosasOptions } from '../../src-main/core/model/rosas/types';
import { mulberry32 } from '../../src-main/core/util/random';

const SYNTHETIC_ROWS = Number(process.env.BENCH_SYNTHETIC_ROWS ?? 1_000_000);
// 1 (default) compares with the reference's one thread; 2 shows what a round takes in the app here.
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const SYNTHETIC_DIM = 60;
const OFFICIAL = 'RoSAS official (early-stops';
const NO_ES = 'RoSAS official, no ES';

function sharedDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [process.env.ROSAS_SHARED, path.resolve(here, '..', '..', 'shared'), path.resolve(here, '..', '..', '..', 'shared'), '/work/shared'].find(
    (d) => d && fs.existsSync(path.join(d, 'datasets')),
  );
  if (!found) throw new Error('cannot find shared/datasets; set ROSAS_SHARED');
  return found;
}

/** Plain numbers of one column of a reference table (parseReferenceTable reads only "mean ± std (n=…)" cells). */
function referenceNumbers(markdown: string, section: string, column: string): Map<string, number> {
  const block = markdown.split(/^## /m).find((b) => b.split('\n', 1)[0]!.includes(section));
  if (!block) throw new Error(`no "${section}" section in the reference results`);
  const rows = block.split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const at = rows[0]?.findIndex((c) => c.startsWith(column)) ?? -1;
  if (at < 0) throw new Error(`no column "${column}" in the "${section}" table`);
  const out = new Map<string, number>();
  for (const cells of rows.slice(2)) {
    const v = Number(cells[at]);
    if (cells[at] && Number.isFinite(v)) out.set(cells[0]!, v);
  }
  return out;
}

/** Dataset name → file: the manifest's order first, then any other CSV in the folder. */
function datasets(dir: string): Array<{ name: string; file: string }> {
  const out: Array<{ name: string; file: string }> = [];
  const manifest = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifest)) {
    for (const e of JSON.parse(fs.readFileSync(manifest, 'utf8')) as Array<{ name: string; file: string }>) out.push({ name: e.name, file: path.join(dir, e.file) });
  }
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^(.*)\.csv(\.gz)?$/.exec(f);
    if (m && !out.some((d) => d.name === m[1])) out.push({ name: m[1]!, file: path.join(dir, f) });
  }
  return out;
}

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const f3 = (v: number) => v.toFixed(3);
const ms = (m: number, s: number) => `${f3(m)} ± ${f3(s)}`;
const ref = (r: ReferenceFigure | undefined) => (r ? `${ms(r.mean, r.std)} (n=${r.n})` : '–');
// The reference figures are rounded to 3 decimals: compare ours as rounded the same way.
const atLeast = (ours: number, r: ReferenceFigure | undefined) => (r ? (Math.round(ours * 1000) >= Math.round((r.mean - r.std) * 1000) ? 'yes' : 'NO') : '');
const int = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : Math.round(v).toLocaleString('en'));

/**
 * Our mean AUC-PR over the seeds the reference ran (seed s = seed<s>.json, so n seeds are 0…n−1),
 * when it ran fewer than we did: the like-for-like comparison. Null when the seeds are the same.
 */
function onSeeds(r: BenchResult, n: number): { mean: number } | null {
  const runs = r.runs.filter((x) => x.seed < n);
  if (runs.length === r.runs.length || runs.length !== n) return null;
  return { mean: runs.reduce((a, x) => a + x.auc_pr, 0) / runs.length };
}

async function syntheticScoring(rows: number) {
  const loaded = await loadTf();
  const rnd = mulberry32(7);
  const x = new Float32Array(rows * SYNTHETIC_DIM);
  for (let i = 0; i < x.length; i++) x[i] = rnd();
  const topology = rosasTopology(SYNTHETIC_DIM, rosasOptions().embedding);
  // Scoring cost does not depend on the weights' values: the initial ones serve.
  const model = { topology, weights: initialWeights(topology, 1) };
  const t0 = performance.now();
  const scores = await scoreMatrix(loaded, model, { x, rows, dim: SYNTHETIC_DIM });
  const seconds = (performance.now() - t0) / 1000;
  if (scores.length !== rows) throw new Error('scoring returned the wrong number of scores');
  return { rows, dim: SYNTHETIC_DIM, seconds, rows_per_s: rows / seconds, backend: loaded.backend };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { epochs: { type: 'string' } }, strict: true });
  const epochs = values.epochs !== undefined ? Number(values.epochs) : (process.env.BENCH_EPOCHS ? Number(process.env.BENCH_EPOCHS) : undefined);
  // BENCH_OPTIONS='{"ensemble":3}' (JSON) tries other engine options; BENCH_REFERENCE=1 runs the
  // reference's own behaviour without its labeled early stopping (200 epochs, last weights).
  const extra = { ...(process.env.BENCH_REFERENCE === '1' ? REFERENCE_NO_ES : {}), ...(process.env.BENCH_OPTIONS ? (JSON.parse(process.env.BENCH_OPTIONS) as Partial<RosasOptions>) : {}) };
  const options = rosasOptions({ ...extra, ...(epochs !== undefined ? { epochs, stopping: 'fixed' as const } : {}) });
  const shared = sharedDir();
  const refText = fs.readFileSync(path.join(shared, 'rosas', 'reference-results.md'), 'utf8');
  const refPr = parseReferenceTable(refText, 'AUC-PR', OFFICIAL);
  const refPrNoEs = parseReferenceTable(refText, 'AUC-PR', NO_ES);
  const refRoc = parseReferenceTable(refText, 'AUC-ROC', OFFICIAL);
  const refFit = referenceNumbers(refText, 'Time', 'official RoSAS fit s');
  const refEpochs = referenceNumbers(refText, 'Time', 'epochs run');
  const refInfer = referenceNumbers(refText, 'Time', 'inference rows/s');

  const only = list(process.env.BENCH_DATASETS);
  const seeds = list(process.env.BENCH_SEEDS)?.map(Number);
  const chosen = datasets(path.join(shared, 'datasets')).filter((d) => !only || only.includes(d.name));
  if (only) for (const n of only) if (!chosen.some((d) => d.name === n)) throw new Error(`no dataset "${n}" in ${path.join(shared, 'datasets')}`);
  process.stderr.write(`bench:engine: ${chosen.length} dataset(s), seeds ${seeds?.join(',') ?? 'all split files'}, ${describeTraining(options)} × ${options.batchesPerEpoch} steps, weight averaging ${options.weightAveraging}, ensemble ${options.ensemble} (${centeredCount(options)} on centered inputs)\n`);

  const results: Array<{ result: BenchResult; reference: Record<string, unknown> }> = [];
  const failures: Array<{ dataset: string; error: string }> = [];
  for (const d of chosen) {
    const splitsDir = path.join(shared, 'rosas', 'splits', d.name);
    let result: BenchResult;
    try {
      result = await runBench(
        d.file,
        { splitsDir: fs.existsSync(splitsDir) ? splitsDir : undefined, seeds, epochs, rosas: extra, threads: THREADS },
        {
          onProgress: (p) => {
            if (p.stage === 'done' && p.result) {
              const r = p.result;
              process.stderr.write(`  ${d.name} seed ${r.seed}: AUC-PR ${f3(r.auc_pr)}, AUC-ROC ${f3(r.auc_roc)}, train ${r.train_seconds.toFixed(1)} s, ${int(r.infer_rows_per_s)} rows/s\n`);
            }
          },
        },
      );
    } catch (err) {
      // One dataset failing (e.g. training diverged) must not cost the others' figures.
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`  ${d.name}: FAILED: ${message}\n`);
      failures.push({ dataset: d.name, error: message });
      continue;
    }
    results.push({
      result,
      reference: {
        auc_pr_official: refPr.get(d.name) ?? null,
        auc_pr_no_es: refPrNoEs.get(d.name) ?? null,
        auc_roc_official: refRoc.get(d.name) ?? null,
        fit_seconds_median: refFit.get(d.name) ?? null,
        epochs_run_median: refEpochs.get(d.name) ?? null,
        infer_rows_per_s: refInfer.get(d.name) ?? null,
      },
    });
  }

  const backend = results[0]?.result.backend ?? (await loadTf()).backend;
  const how = describeTraining(options);
  console.log(
    `RoSAS engine on the shared datasets: ${how} × ${options.batchesPerEpoch} steps, weight averaging ${options.weightAveraging}, ensemble ${options.ensemble} (${centeredCount(options)} on centered inputs; ${THREADS} at a time); no validation labels used; backend ${backend}`,
  );
  console.log('AUC-PR = average precision; ours = mean ± sample std (n−1) over the seeds run; "≥ ref−std": our mean ≥ reference mean − reference std.');
  console.log('Timings: 2-core machine shared with other CPU jobs; reference timings are the official code (PyTorch, 1 thread, incl. per-epoch validation).\n');
  console.log(
    '| dataset | D | seeds | AUC-PR ours | official (ES on labeled val) | ≥ ref−std | ours on the official\'s seeds | ≥ ref−std | official, no ES | ≥ ref−std | AUC-ROC ours | AUC-ROC official | train s (median) | steps/s | ref fit s (epochs) | infer rows/s | ref infer rows/s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { result: r } of results) {
    const n = r.dataset;
    const official = refPr.get(n);
    const same = official ? onSeeds(r, official.n) : null;
    console.log(
      `| ${n} | ${r.dim} | ${r.runs.map((x) => x.seed).join(',')}${r.splits ? '' : ' (gen.)'} | ${ms(r.auc_pr.mean, r.auc_pr.std)} | ${ref(official)} | ${atLeast(r.auc_pr.mean, official)} | ${same ? `${f3(same.mean)} (seeds 0–${official!.n - 1})` : ''} | ${same ? atLeast(same.mean, official) : ''} | ${ref(refPrNoEs.get(n))} | ${atLeast(r.auc_pr.mean, refPrNoEs.get(n))} | ${ms(r.auc_roc.mean, r.auc_roc.std)} | ${ref(refRoc.get(n))} | ${r.train_seconds.median.toFixed(1)} | ${r.steps_per_s.toFixed(0)} | ${refFit.get(n)?.toFixed(1) ?? '–'} (${refEpochs.get(n) ?? '–'}) | ${int(r.infer_rows_per_s)} | ${int(refInfer.get(n))} |`,
    );
  }

  for (const x of failures) console.log(`| ${x.dataset} | | | FAILED: ${x.error.replace(/\|/g, '/')} | ${ref(refPr.get(x.dataset))} | | | | ${ref(refPrNoEs.get(x.dataset))} | | | | | | | | |`);

  const averageOver = (names: string[], pick: (name: string) => number | undefined) => {
    const v = names.map(pick).filter((x): x is number => x !== undefined);
    return v.length === names.length && v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const withOfficial = results.map((x) => x.result.dataset).filter((n) => refPr.has(n));
  const withNoEs = results.map((x) => x.result.dataset).filter((n) => refPrNoEs.has(n));
  const resultOf = (n: string) => results.find((x) => x.result.dataset === n)?.result;
  const ours = (n: string) => resultOf(n)?.auc_pr.mean;
  // Like for like: where the official code ran fewer seeds than we did, ours over those seeds.
  const meanOnTheirSeeds = (r: BenchResult) => {
    const official = refPr.get(r.dataset);
    return official ? (onSeeds(r, official.n)?.mean ?? r.auc_pr.mean) : r.auc_pr.mean;
  };
  const oursOnTheirSeeds = (n: string) => {
    const r = resultOf(n);
    return r ? meanOnTheirSeeds(r) : undefined;
  };
  const averages = {
    official: { datasets: withOfficial, ours: averageOver(withOfficial, ours), reference: averageOver(withOfficial, (n) => refPr.get(n)?.mean) },
    official_seeds: { datasets: withOfficial, ours: averageOver(withOfficial, oursOnTheirSeeds), reference: averageOver(withOfficial, (n) => refPr.get(n)?.mean) },
    no_es: { datasets: withNoEs, ours: averageOver(withNoEs, ours), reference: averageOver(withNoEs, (n) => refPrNoEs.get(n)?.mean) },
  };
  const fmtAvg = (a: { datasets: string[]; ours: number | null; reference: number | null }, what: string) =>
    a.datasets.length ? `average AUC-PR over ${a.datasets.length} dataset(s) with a "${what}" figure: ours ${f3(a.ours!)} vs reference ${f3(a.reference!)}` : `no dataset with a "${what}" figure`;
  const passes = (onTheirSeeds: boolean) =>
    results.filter(({ result: r }) => atLeast(onTheirSeeds ? meanOnTheirSeeds(r) : r.auc_pr.mean, refPr.get(r.dataset)) === 'yes').length;
  console.log();
  if (withOfficial.length) console.log(`at or above the official mean − std on ${passes(false)} of ${withOfficial.length} dataset(s); ${passes(true)} compared on the official's seeds`);
  console.log(fmtAvg(averages.official, 'official'));
  if (withOfficial.some((n) => oursOnTheirSeeds(n) !== ours(n))) console.log(`  the same, ours on the official's seeds: ${f3(averages.official_seeds.ours!)} vs ${f3(averages.official_seeds.reference!)}`);
  console.log(fmtAvg(averages.no_es, 'no ES'));
  const trainMedian = median(results.flatMap((x) => x.result.runs.map((r) => r.train_seconds)));
  if (results.length) console.log(`median training time over all runs: ${trainMedian.toFixed(1)} s`);

  let synthetic: Awaited<ReturnType<typeof syntheticScoring>> | null = null;
  if (SYNTHETIC_ROWS > 0) {
    synthetic = await syntheticScoring(SYNTHETIC_ROWS);
    console.log(
      `scoring ${synthetic.rows.toLocaleString('en')} synthetic rows × ${synthetic.dim} through scoreMatrix: ${synthetic.seconds.toFixed(2)} s = ${int(synthetic.rows_per_s)} rows/s (backend ${synthetic.backend})`,
    );
  }

  if (process.env.BENCH_OUT) {
    const out = {
      generated_at: new Date().toISOString(),
      backend,
      options,
      seeds: seeds ?? null,
      datasets: results.map((x) => ({ ...x.result, reference: x.reference })),
      failures,
      averages,
      synthetic,
    };
    fs.writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(out, null, 2)}\n`);
    process.stderr.write(`wrote ${process.env.BENCH_OUT}\n`);
  }
}

await main();
