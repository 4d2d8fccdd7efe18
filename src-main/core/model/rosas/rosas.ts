import { crossFitMinAnomalies, leastEpochsText, TRAINING_DEFAULTS } from '../../../../src-shared/training';
import type { RosasOptions } from './types';

export { trainRosas } from './ensemble';
export { scoreMatrix } from './score';
export { rosasTopology } from './network';

/**
 * The reference code's settings (configs.yaml and RoSAS.py), except how long to train and which
 * weights to keep: the reference trains up to 200 epochs and early-stops on a labeled validation
 * split that an analyst does not have. Here training stops when the labeled anomalies are
 * separated in embedding space (or that stalls), but not before minEpochsScale / D epochs on
 * narrow inputs, keeps averaged weights, and averages `ensemble` models, one of which sees
 * centered inputs. See docs/rosas-reference.md ("What we do differently") and `npm run bench:engine` for the figures.
 */
export const DEFAULT_ROSAS_OPTIONS: RosasOptions = {
  seed: 42,
  // TRAINING_DEFAULTS are shared with the help texts; the keys keep their order (stored params).
  epochs: TRAINING_DEFAULTS.epochs,
  stopping: 'separation',
  minEpochs: TRAINING_DEFAULTS.minEpochs,
  minEpochsScale: TRAINING_DEFAULTS.minEpochsScale,
  separationTarget: 0.12,
  plateauWindow: 10,
  plateauDelta: 0.05,
  crossFitMinPerFold: TRAINING_DEFAULTS.crossFitMinPerFold,
  heldOutFraction: 0.2,
  heldOutMax: 5000,
  heldOutTolerance: 0.05,
  patience: 10,
  weightAveraging: 0.99,
  ensemble: TRAINING_DEFAULTS.ensemble,
  centeredMembers: 1,
  batchesPerEpoch: 16,
  batchSize: 32,
  learningRate: 0.005,
  weightDecay: 1e-4,
  embedding: 128,
  alpha: 0.5,
  k: 2,
  margin: 1,
  temperature: 2,
  embeddingNormWeight: 0.01,
  normalsAs: 'anchors',
};

/** The reference code's own behaviour without its labeled early stopping: 200 epochs, last weights. */
export const REFERENCE_NO_ES: Partial<RosasOptions> = { stopping: 'fixed', epochs: 200, weightAveraging: 0, ensemble: 1, centeredMembers: 0 };

/** How long training runs under these options, in words (for CLI and benchmark output). */
export function describeTraining(o: RosasOptions): string {
  if (o.stopping === 'fixed') return `${o.epochs} epochs`;
  const separation = `label-free stopping (${leastEpochsText(o)}–${o.epochs} epochs: triplet loss < ${o.separationTarget} × margin or stalled)`;
  if (o.stopping === 'separation') return separation;
  return `cross-fitted stopping (each of ${o.ensemble} models hides 1/${o.ensemble} of the labeled anomalies; held-out AUC within ${o.heldOutTolerance} of its best, patience ${o.patience}, ${o.minEpochs}–${o.epochs} epochs; under ${crossFitMinAnomalies(o)} labeled anomalies: ${separation})`;
}

export function rosasOptions(partial: Partial<RosasOptions> = {}): RosasOptions {
  const o = { ...DEFAULT_ROSAS_OPTIONS, ...partial };
  if (!Number.isInteger(o.k) || o.k < 2) throw new Error(`k must be an integer ≥ 2, got ${o.k}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new Error(`epochs must be an integer ≥ 1, got ${o.epochs}`);
  if (!Number.isInteger(o.ensemble) || o.ensemble < 1) throw new Error(`ensemble must be an integer ≥ 1, got ${o.ensemble}`);
  if (!Number.isInteger(o.centeredMembers) || o.centeredMembers < 0) throw new Error(`centeredMembers must be an integer ≥ 0, got ${o.centeredMembers}`);
  if (!(o.weightAveraging >= 0 && o.weightAveraging < 1)) throw new Error(`weightAveraging must be in [0, 1), got ${o.weightAveraging}`);
  return o;
}
