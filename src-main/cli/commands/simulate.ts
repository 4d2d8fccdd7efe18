import path from 'node:path';
import { RosasError } from '../../core/errors';
import { runSimulation, SIMULATE_DEFAULTS, type SimulateProgress } from '../../core/bench/simulate';
import { FORMATS, type FormatName } from '../../core/ingest/types';
import { intOption, listOption, parse } from '../args';
import { runCancellable } from '../cancellable';
import { printBlock, printJson, println, printTable } from '../output';

export const usage = `rosas simulate <file> --label-column C [--format F] [--normal-values v1,v2] [--rounds R] [--per-round K] [--anomaly-rate P] [--seed S] [--epochs E] [--normals anchors|unlabeled|ignored] [--keep-project PATH] [--json]
  A simulated analyst on a log with ground truth: imports it into a temporary project, trains the
  cold start (Isolation Forest), then each round labels the top K unlabeled records from the ground
  truth and retrains (RoSAS once an anomaly is labeled). Prints the discovery curve (true anomalies
  found after each round) next to Isolation Forest without retraining, random order and the ideal.
  --rounds R          review rounds (default ${SIMULATE_DEFAULTS.rounds})
  --per-round K       records reviewed per round (default ${SIMULATE_DEFAULTS.perRound})
  --anomaly-rate P    keep every normal record and a seeded sample of the anomalies so that they
                      make up P of the records (e.g. 0.05), deleting the other anomalies from the
                      project after the import (the file is not changed); default: all records
  --seed S            seed of the sample, the random baseline and the rounds (default ${SIMULATE_DEFAULTS.seed})
  --epochs E          RoSAS training epochs, exactly (default: the engine's label-free stopping)
  --normals M         how RoSAS uses records labeled normal: anchors (default), unlabeled, ignored
  --keep-project PATH keep the project there (a new file) instead of deleting it`;

function describe(p: SimulateProgress): string {
  switch (p.stage) {
    case 'import': {
      const i = p.import;
      const pct = i && i.bytesTotal ? Math.floor((100 * i.bytesRead) / i.bytesTotal) : 0;
      return `importing: ${pct}% · ${(i?.records ?? 0).toLocaleString('en')} records`;
    }
    case 'sampling':
      return 'sampling anomalies…';
    case 'training': {
      const t = p.training;
      const what = t?.training ? `epoch ${t.training.epoch}/${t.training.epochs}` : (t?.stage ?? '');
      return `round ${p.round}/${p.rounds}: ${t?.method ?? 'training'} ${what}`;
    }
    case 'review':
      return `round ${p.round}/${p.rounds}: reviewing`;
  }
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('simulate', argv, {
    'label-column': { type: 'string' },
    format: { type: 'string' },
    'normal-values': { type: 'string' },
    rounds: { type: 'string' },
    'per-round': { type: 'string' },
    'anomaly-rate': { type: 'string' },
    seed: { type: 'string' },
    epochs: { type: 'string' },
    normals: { type: 'string' },
    'keep-project': { type: 'string' },
  });
  if (values.help) return printBlock(usage), 0;
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  const labelColumn = values['label-column'];
  if (!labelColumn) throw new RosasError('usage', 'rosas simulate: --label-column is required (the ground truth the simulated analyst labels from)');
  if (values.format && !FORMATS.includes(values.format as FormatName)) {
    throw new RosasError('usage', `unknown format "${values.format}"; known formats: ${FORMATS.join(', ')}`);
  }
  const rounds = intOption('simulate', 'rounds', values.rounds, 1);
  const perRound = intOption('simulate', 'per-round', values['per-round'], 1);
  const seed = intOption('simulate', 'seed', values.seed, 0);
  if (seed !== undefined && seed > 0xffffffff) throw new RosasError('usage', `rosas simulate: --seed must be at most ${0xffffffff}`);
  const epochs = intOption('simulate', 'epochs', values.epochs, 1);
  let anomalyRate: number | undefined;
  if (values['anomaly-rate'] !== undefined) {
    anomalyRate = Number(values['anomaly-rate']);
    if (!(anomalyRate > 0 && anomalyRate < 1)) throw new RosasError('usage', `rosas simulate: --anomaly-rate must be a share between 0 and 1 (e.g. 0.05), got "${values['anomaly-rate']}"`);
  }

  return runCancellable({
    cancelling: 'cancelling…',
    cancelled: 'simulation cancelled',
    run: (signal, progress) =>
      runSimulation(
        file,
        {
          labelColumn,
          format: values.format as FormatName | undefined,
          normalValues: listOption(values['normal-values']),
          rounds,
          perRound,
          anomalyRate,
          seed,
          epochs,
          normalsAs: normalsOption(values.normals),
          keepProject: values['keep-project'],
        },
        { signal, onProgress: (p) => progress(describe(p)) },
      ),
    report: (r) => {
      if (values.json) {
        printJson(r);
        return 0;
      }
      println(`${path.basename(r.file)}: ${r.records.toLocaleString('en')} records, ${r.anomalies_total} true anomalies (${(100 * r.anomaly_share).toFixed(1)}%)`);
      if (r.dropped_anomalies) println(`  ${r.dropped_anomalies} of the file's ${r.file_anomalies} anomalies deleted from the project (seeded sample, --anomaly-rate ${r.anomaly_rate})`);
      println(`  ${r.rounds} rounds × ${r.per_round} records reviewed, seed ${r.seed}, RoSAS ${r.epochs === null ? 'label-free stopping' : `${r.epochs} epochs`}, normals as ${r.normals_as}, backend ${r.backend}`);
      println();
      printTable([
        ['round', 'model', 'reviewed', 'found', 'precision@K', 'IF no retrain', 'random', 'ideal', 'train s'],
        ...r.rounds_detail.map((d, i) => [
          String(i + 1),
          `${d.method} (round ${d.round})`,
          String(r.reviewed[i]),
          String(r.found[i]),
          d.precision_at_k === null ? '–' : d.precision_at_k.toFixed(2),
          String(r.baselines.iforest.found[i]),
          String(r.baselines.random.found[i]),
          String(r.baselines.ideal.found[i]),
          d.train_seconds.toFixed(1),
        ]),
      ]);
      const fin = r.final;
      const auc = fin.auc_pr_unlabeled === null ? 'n/a (one class left)' : `AUC-PR ${fin.auc_pr_unlabeled.toFixed(3)}, AUC-ROC ${fin.auc_roc_unlabeled!.toFixed(3)}`;
      println();
      println(`final model (round ${fin.round}, ${fin.method}) on the ${r.records - r.reviewed[r.reviewed.length - 1]!} records never reviewed: ${auc}`);
      if (r.project) println(`project kept at ${r.project}`);
      for (const w of r.warnings) println(`note: ${w}`);
      return 0;
    },
  });
}

function normalsOption(value: string | undefined): 'anchors' | 'unlabeled' | 'ignored' | undefined {
  if (value === undefined) return undefined;
  if (value === 'anchors' || value === 'unlabeled' || value === 'ignored') return value;
  throw new RosasError('usage', `--normals must be anchors, unlabeled or ignored, got "${value}"`);
}
