import { RosasError } from '../../core/errors';
import { runJob } from '../../core/jobs/run-job';
import { DEFAULT_ROSAS_OPTIONS } from '../../core/model/rosas/rosas';
import { openProject } from '../../core/project/project';
import { checkTrainOptions, type TrainRoundOptions } from '../../core/rounds/train-options';
import type { TrainRoundProgress } from '../../core/rounds/train-round';
import { intOption, parse } from '../args';
import { runCancellable } from '../cancellable';
import { printBlock, printJson, println } from '../output';
import { crossFitMinAnomalies, leastEpochsText } from '../../../src-shared/training';

// The engine's defaults, so the help states the numbers the code uses.
const ROSAS = DEFAULT_ROSAS_OPTIONS;

export const usage = `rosas train <project> [--seed S] [--epochs N] [--stopping separation|cross-fit] [--method auto|rosas|iforest] [--json]
  Trains a new round on the labels as they are now and scores every record. auto (default):
  Isolation Forest while no record is labeled anomaly, RoSAS after. Ctrl-C cancels; nothing is saved.
  --seed S     seed of every random draw (default 42)
  --epochs N   RoSAS training epochs, exactly (default: the engine's stopping rule)
  --stopping   how RoSAS chooses its length without --epochs: separation (default: stop once the
               labeled anomalies are separated in embedding space, after at least ${leastEpochsText(ROSAS)}
               epochs for D features, at most ${ROSAS.epochs}) or cross-fit (each of the ${ROSAS.ensemble} models hides
               1/${ROSAS.ensemble} of the anomaly labels; keep the epoch where the hidden ones rank best among
               held-out records; needs ${crossFitMinAnomalies(ROSAS)} labeled anomalies, reports their AUC)`;

function describe(p: TrainRoundProgress): string {
  const pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
  switch (p.stage) {
    case 'features':
      return `features: ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')} records (${pct}%)`;
    case 'training':
      if (p.training) return `training ${p.method}: epoch ${p.training.epoch}/${p.training.epochs} · loss ${p.training.lossTriplet.toFixed(4)} / ${p.training.lossScore.toFixed(4)}`;
      return `training ${p.method ?? ''}…`;
    case 'scoring':
      return `scoring: ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')} records (${pct}%)`;
    case 'saving':
      return 'saving…';
  }
}

/** The flags as train options, checked by the core's one rule (a bad one is a usage error here). */
function trainOptions(values: { seed?: string; epochs?: string; method?: string; stopping?: string }): TrainRoundOptions {
  try {
    return checkTrainOptions(
      { seed: intOption('train', 'seed', values.seed), epochs: intOption('train', 'epochs', values.epochs), method: values.method, stopping: values.stopping },
      (option) => `--${option}`,
    );
  } catch (err) {
    if (err instanceof RosasError && err.code === 'invalid-argument') throw new RosasError('usage', `rosas train: ${err.message}`);
    throw err;
  }
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('train', argv, {
    seed: { type: 'string' },
    epochs: { type: 'string' },
    method: { type: 'string' },
    stopping: { type: 'string' },
  });
  if (values.help) return printBlock(usage), 0;
  const [projectPath] = positionals;
  if (!projectPath || positionals.length > 1) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  const options = trainOptions(values);

  // This process holds the project's writer lock; training runs in a worker thread.
  const project = openProject(projectPath, { purpose: 'rosas train' });
  try {
    return await runCancellable({
      cancelling: 'cancelling: no round will be saved…',
      cancelled: 'training cancelled: no round was saved; earlier rounds are unchanged',
      run: (signal, progress) => runJob('train', { project: project.path, options }, { signal, onProgress: (p) => progress(describe(p)) }),
      report: (r) => {
        if (values.json) {
          printJson({
            round: r.round,
            method: r.method,
            backend: r.backend,
            seed: r.seed,
            epochs: r.epochs,
            hidden_anomaly_auc: r.hiddenAnomalyAuc,
            train_seconds: r.trainSeconds,
            score_seconds: r.scoreSeconds,
            seconds: r.seconds,
            labeled_anomalies: r.labeledAnomalies,
            labeled_normals: r.labeledNormals,
            labeled_unsure: r.labeledUnsure,
            records_scored: r.recordsScored,
            feature_spec_id: r.featureSpecId,
            dim: r.dim,
            repeats_round: r.repeats,
            cover_picks: r.coverPicks,
          });
        } else {
          const heldOut = r.hiddenAnomalyAuc === null ? '' : ` (kept where anomalies each model never saw rank at AUC ${r.hiddenAnomalyAuc.toFixed(3)})`;
          const what = r.method === 'rosas' ? `RoSAS, ${r.epochs} epochs${heldOut}` : 'Isolation Forest and your normals (no labeled anomaly yet)';
          println(`round ${r.round}: ${what}, backend ${r.backend}, seed ${r.seed}`);
          println(`  trained on ${r.labeledAnomalies} anomaly, ${r.labeledNormals} normal label(s) in ${r.trainSeconds.toFixed(1)} s`);
          println(`  scored ${r.recordsScored.toLocaleString('en')} records (${r.dim} features) in ${r.scoreSeconds.toFixed(1)} s`);
          if (r.coverPicks > 0) println(`  review order: ${r.coverPicks} of the first ${2 * r.coverPicks} places show the largest groups nobody has reviewed (the latest reviews found few anomalies)`);
          if (r.repeats !== null) println(`  note: no label, record or option changed since round ${r.repeats}: this round ranks exactly as it did; label more records first`);
        }
        return 0;
      },
    });
  } finally {
    project.close();
  }
}
