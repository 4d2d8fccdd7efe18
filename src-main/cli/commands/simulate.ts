import path from 'node:path';
import { RosasError } from '../../core/errors';
import { runSimulation, SIMULATE_DEFAULTS, type SimulateProgress } from '../../core/bench/simulate';
import { FORMATS, type FormatName } from '../../core/ingest/types';
import { intOption, listOption, parse } from '../args';
import { runCancellable } from '../cancellable';
import { printBlock, printJson, println, printTable } from '../output';

export const usage = `rosas simulate <file> --label-column C [--format F] [--normal-values v1,v2] [--rounds R] [--per-round K] [--group] [--anomaly-rate P] [--seed S] [--epochs E] [--normals anchors|unlabeled|ignored] [--keep-project PATH] [--json]
  A simulated analyst on a log with ground truth: imports it into a temporary project, trains the
  cold start (Isolation Forest), then each round takes K actions down the round's review order,
  labeling from the ground truth, and retrains (RoSAS once an anomaly is labeled). Prints the
  discovery curve (true anomalies found after each round) next to the same loop without learning
  from confirmed normals (run first, then forgotten), the cold start's Isolation Forest scores
  never retrained, random order and the ideal, each after the same number of actions.
  --rounds R          review rounds (default ${SIMULATE_DEFAULTS.rounds})
  --per-round K       actions per round (default ${SIMULATE_DEFAULTS.perRound}): records, or groups with --group
  --group             one action labels a whole group of near-duplicates (every unlabeled member,
                      with the group's majority truth; ties: anomaly); default: one record
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
      return `${loopName(p)}round ${p.round}/${p.rounds}: ${t?.method ?? 'training'} ${what}`;
    }
    case 'review':
      return `${loopName(p)}round ${p.round}/${p.rounds}: reviewing`;
  }
}

function loopName(p: SimulateProgress): string {
  return p.loop === 'no_normals' ? 'baseline without normals, ' : '';
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('simulate', argv, {
    'label-column': { type: 'string' },
    format: { type: 'string' },
    'normal-values': { type: 'string' },
    rounds: { type: 'string' },
    'per-round': { type: 'string' },
    group: { type: 'boolean' },
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
          group: values.group === true,
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
      const unit = r.mode === 'group' ? 'group actions (a group of near-duplicates each)' : 'records reviewed';
      println(`  ${r.rounds} rounds × ${r.per_round} ${unit}, seed ${r.seed}, RoSAS ${r.epochs === null ? 'label-free stopping' : `${r.epochs} epochs`}, normals as ${r.normals_as}, backend ${r.backend}`);
      println();
      printTable([
        ['round', 'model', 'actions', 'reviewed', 'found', 'precision@K', 'no normals', 'IF no retrain', 'random', 'ideal', 'train s', 'round s'],
        ...r.rounds_detail.map((d, i) => [
          String(i + 1),
          `${d.method} (round ${d.round})`,
          String(r.actions[i]),
          String(r.reviewed[i]),
          String(r.found[i]),
          d.precision_at_k === null ? '–' : d.precision_at_k.toFixed(2),
          String(r.baselines.no_normals.found[i] ?? '–'),
          String(r.baselines.iforest.found[i]),
          String(r.baselines.random.found[i]),
          String(r.baselines.ideal.found[i]),
          d.train_seconds.toFixed(1),
          d.round_seconds.toFixed(1),
        ]),
      ]);
      println();
      const first = (n: number | null) => (n === null ? 'never' : `action ${n}`);
      println(`first anomaly found: ${first(r.first_anomaly_action)} (without normals' feedback: ${first(r.baselines.no_normals.first_anomaly_action)}, Isolation Forest: ${first(r.baselines.iforest.first_anomaly_action)})`);
      println(`anomaly groups found: ${r.anomaly_groups_found} of ${r.anomaly_groups_total}; ${r.records_labeled.toLocaleString('en')} records labeled in ${r.actions[r.actions.length - 1] ?? 0} actions`);
      const wrong = r.mislabeled.anomalies_as_normal + r.mislabeled.normals_as_anomaly;
      if (wrong) println(`labeled against the truth by group majority: ${r.mislabeled.anomalies_as_normal} anomalies as normal, ${r.mislabeled.normals_as_anomaly} normals as anomaly`);
      const fin = r.final;
      const auc = fin.auc_pr_unlabeled === null ? 'n/a (one class left)' : `AUC-PR ${fin.auc_pr_unlabeled.toFixed(3)}, AUC-ROC ${fin.auc_roc_unlabeled!.toFixed(3)}`;
      println(`final model (round ${fin.round}, ${fin.method}) on the ${r.records - r.records_labeled} records never reviewed: ${auc}`);
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
