import { RosasError } from '../../core/errors';
import { DEFAULT_RUNS, MODEL_SEED_BASE, runBench, type BenchProgress } from '../../core/bench/engine';
import { SPLIT_DEFAULTS } from '../../core/bench/make-split';
import { intOption, listOption, parse } from '../args';
import { runCancellable } from '../cancellable';
import { printBlock, printJson, println, printTable } from '../output';

export const usage = `rosas bench <dataset.csv> [--label-column label] [--splits DIR] [--runs N] [--seeds s1,s2] [--epochs E] [--json]
  The RoSAS paper's protocol on a numeric CSV (.csv or .csv.gz): per seed s, a stratified 60/20/20
  split with ${SPLIT_DEFAULTS.labeled} labeled anomalies and ${SPLIT_DEFAULTS.contamination * 100}% contamination, RoSAS (model seed ${MODEL_SEED_BASE} + s) trained without
  the validation split, the test rows scored. Reports AUC-PR (average precision) and AUC-ROC,
  mean ± sample std over the runs, with training and inference speed.
  --label-column C  ground-truth column (default label); every other column is a feature
  --splits DIR      use the split files DIR/seed<s>.json (default: seeded splits made here)
  --runs N          the first N seeds (default: every split file, or ${DEFAULT_RUNS})
  --seeds list      exactly these seeds
  --epochs E        RoSAS training epochs (default: the engine's)`;

function describe(p: BenchProgress): string {
  const head = `run ${p.run + 1}/${p.runs} (seed ${p.seed})`;
  if (p.stage === 'training' && p.training) return `${head}: training, epoch ${p.training.epoch}/${p.training.epochs}`;
  return `${head}: ${p.stage}`;
}

export async function benchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('bench', argv, {
    'label-column': { type: 'string' },
    splits: { type: 'string' },
    runs: { type: 'string' },
    seeds: { type: 'string' },
    epochs: { type: 'string' },
  });
  if (values.help) return printBlock(usage), 0;
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  const runs = intOption('bench', 'runs', values.runs, 1);
  const epochs = intOption('bench', 'epochs', values.epochs, 1);
  const seeds = listOption(values.seeds)?.map((s) => intOption('bench', 'seeds', s, 0)!);
  if (values['label-column'] === '') throw new RosasError('usage', 'rosas bench: --label-column needs a column name');

  return runCancellable({
    cancelling: 'cancelling…',
    cancelled: 'benchmark cancelled',
    run: (signal, progress) =>
      runBench(file, { labelColumn: values['label-column'], splitsDir: values.splits, runs, seeds, epochs }, { signal, onProgress: (p) => progress(describe(p)) }),
    report: (r) => {
      if (values.json) {
        printJson(r);
        return 0;
      }
      const f = (v: number) => v.toFixed(3);
      println(`${r.dataset}: ${r.rows.toLocaleString('en')} rows, ${r.dim} features used (of ${r.columns}), ${r.anomalies} anomalies`);
      println(`RoSAS ${r.options.epochs} epochs × ${r.options.batchesPerEpoch} steps, backend ${r.backend}, splits ${r.splits ?? 'generated (seeded)'}`);
      printTable([
        ['seed', 'AUC-PR', 'AUC-ROC', 'train s', 'steps/s', 'test rows', 'infer rows/s'],
        ...r.runs.map((x) => [
          String(x.seed),
          f(x.auc_pr),
          f(x.auc_roc),
          x.train_seconds.toFixed(1),
          (x.steps / x.train_seconds).toFixed(0),
          String(x.test_rows),
          Math.round(x.infer_rows_per_s).toLocaleString('en'),
        ]),
      ]);
      println(`AUC-PR ${f(r.auc_pr.mean)} ± ${f(r.auc_pr.std)}, AUC-ROC ${f(r.auc_roc.mean)} ± ${f(r.auc_roc.std)} (mean ± sample std over ${r.runs.length} run(s))`);
      println(`train ${r.train_seconds.median.toFixed(1)} s (median), inference ${Math.round(r.infer_rows_per_s).toLocaleString('en')} rows/s (median)`);
      return 0;
    },
  });
}
