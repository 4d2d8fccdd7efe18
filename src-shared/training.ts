// How long RoSAS trains by default and how many models it averages, written once: the engine's
// DEFAULT_ROSAS_OPTIONS takes these, and the CLI help and the app's hints print them.

export const TRAINING_DEFAULTS = {
  /** Epochs at most (RosasOptions.epochs). */
  epochs: 200,
  /** Label-free stopping waits max(minEpochs, minEpochsScale / D) epochs for D input features. */
  minEpochs: 5,
  minEpochsScale: 250,
  /** Models in the ensemble; cross-fitting hides 1/ensemble of the anomaly labels from each. */
  ensemble: 3,
  /** Cross-fitting needs this many labeled anomalies per model. */
  crossFitMinPerFold: 2,
};

type Length = Pick<typeof TRAINING_DEFAULTS, 'minEpochs' | 'minEpochsScale'>;
type Folds = Pick<typeof TRAINING_DEFAULTS, 'ensemble' | 'crossFitMinPerFold'>;

/** The least training of label-free stopping, as text: `max(5, 250 / D)` with the defaults. */
export function leastEpochsText(o: Length = TRAINING_DEFAULTS): string {
  return o.minEpochsScale > 0 ? `max(${o.minEpochs}, ${o.minEpochsScale} / D)` : `${o.minEpochs}`;
}

/** Labeled anomalies that cross-fitted stopping needs (fewer: label-free stopping is used). */
export function crossFitMinAnomalies(o: Folds = TRAINING_DEFAULTS): number {
  return o.ensemble * o.crossFitMinPerFold;
}
