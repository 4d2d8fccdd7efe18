// Isolation Forest on every shared dataset under the paper's protocol (splits seed 0–4), next to
// scikit-learn's figures in reference-results.md, plus fit/score times and a synthetic 1M × 60 run.
// Run: npx esbuild test/bench/bench-iforest.ts --bundle --platform=node --format=esm \
//        --outfile=/tmp/bench-iforest.mjs && node /tmp/bench-iforest.mjs [dataset ...]
// BENCH_SYNTHETIC_ROWS=0 skips the synthetic run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../src-main/core/bench/datasets';
import { loadSplit, parseReferenceTable, prepareSplit, type ReferenceFigure } from '../../src-main/core/bench/protocol';
import { fitIsolationForest, scoreIsolationForest } from '../../src-main/core/model/iforest';
import { averagePrecision, rocAuc } from '../../src-main/core/model/metrics';
import { mulberry32 } from '../../src-main/core/util/random';

const SEEDS = [0, 1, 2, 3, 4];
const SYNTHETIC_ROWS = Number(process.env.BENCH_SYNTHETIC_ROWS ?? 1_000_000);

function sharedDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [process.env.ROSAS_SHARED, path.resolve(here, '..', '..', 'shared'), path.resolve(here, '..', '..', '..', 'shared'), '/work/shared'].find(
    (d) => d && fs.existsSync(path.join(d, 'datasets', 'manifest.json')),
  );
  if (!found) throw new Error('cannot find shared/datasets; set ROSAS_SHARED');
  return found;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Sample std (ddof 1), as the reference table's ± is assumed to be. */
const std = (v: number[]) => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
const fmt = (v: number[]) => `${mean(v).toFixed(3)} ± ${std(v).toFixed(3)}`;
const fmtRef = (r: ReferenceFigure | undefined) => (r ? `${r.mean.toFixed(3)} ± ${r.std.toFixed(3)}` : '–');
const within = (v: number[], r: ReferenceFigure | undefined) => (r ? (Math.abs(mean(v) - r.mean) <= Math.max(2 * r.std, 0.03) ? 'ok' : 'OUT') : '');

async function main(): Promise<void> {
  const shared = sharedDir();
  const manifest = JSON.parse(fs.readFileSync(path.join(shared, 'datasets', 'manifest.json'), 'utf8')) as Array<{ name: string; file: string }>;
  const refText = fs.readFileSync(path.join(shared, 'rosas', 'reference-results.md'), 'utf8');
  const refPr = parseReferenceTable(refText, 'AUC-PR', 'IsolationForest');
  const refRoc = parseReferenceTable(refText, 'AUC-ROC', 'IsolationForest');
  const only = process.argv.slice(2);

  console.log('| dataset | train rows × D | test rows | AUC-PR ours | AUC-PR sklearn | | AUC-ROC ours | AUC-ROC sklearn | | load s | fit ms | score ms | score rows/s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { name, file } of manifest) {
    if (only.length && !only.includes(name)) continue;
    let t0 = performance.now();
    const data = await loadDataset(path.join(shared, 'datasets', file));
    const loadS = (performance.now() - t0) / 1000;
    const pr: number[] = [];
    const roc: number[] = [];
    const fitMs: number[] = [];
    const scoreMs: number[] = [];
    let shape = '';
    let testRows = 0;
    for (const seed of SEEDS) {
      const p = prepareSplit(data, loadSplit(path.join(shared, 'rosas', 'splits', name, `seed${seed}.json`)));
      shape = `${p.train.rows} × ${p.train.dim}`;
      testRows = p.test.rows;
      t0 = performance.now();
      const forest = fitIsolationForest(p.train, { seed });
      fitMs.push(performance.now() - t0);
      t0 = performance.now();
      const s = scoreIsolationForest(forest, p.test);
      scoreMs.push(performance.now() - t0);
      pr.push(averagePrecision(s, p.testLabels));
      roc.push(rocAuc(s, p.testLabels));
    }
    const rate = (testRows / mean(scoreMs)) * 1000;
    console.log(
      `| ${name} | ${shape} | ${testRows} | ${fmt(pr)} | ${fmtRef(refPr.get(name))} | ${within(pr, refPr.get(name))} | ${fmt(roc)} | ${fmtRef(refRoc.get(name))} | ${within(roc, refRoc.get(name))} | ${loadS.toFixed(2)} | ${mean(fitMs).toFixed(0)} | ${mean(scoreMs).toFixed(0)} | ${Math.round(rate)} |`,
    );
  }

  if (SYNTHETIC_ROWS > 0) {
    const dim = 60;
    const rnd = mulberry32(7);
    const x = new Float32Array(SYNTHETIC_ROWS * dim);
    for (let i = 0; i < x.length; i++) x[i] = rnd();
    const m = { x, rows: SYNTHETIC_ROWS, dim };
    let t0 = performance.now();
    const forest = fitIsolationForest(m, { seed: 1 });
    const fitMs = performance.now() - t0;
    t0 = performance.now();
    scoreIsolationForest(forest, m);
    const scoreS = (performance.now() - t0) / 1000;
    console.log(`\nsynthetic ${SYNTHETIC_ROWS} × ${dim} (uniform): fit ${fitMs.toFixed(0)} ms, score ${scoreS.toFixed(2)} s = ${Math.round(SYNTHETIC_ROWS / scoreS)} rows/s (one thread)`);
  }
}

await main();
