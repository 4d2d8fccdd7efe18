import type { RosasOptions } from './types';

export { trainRosas } from './train';
export { scoreMatrix } from './score';
export { rosasTopology } from './network';

/**
 * The reference code's settings (configs.yaml and RoSAS.py), except the training length: the
 * reference trains up to 200 epochs and early-stops on a labeled validation split that an analyst
 * does not have. See docs/rosas-reference.md and the engine benchmark for the label-free choice.
 */
export const DEFAULT_ROSAS_OPTIONS: RosasOptions = {
  seed: 42,
  epochs: 200,
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

export function rosasOptions(partial: Partial<RosasOptions> = {}): RosasOptions {
  const o = { ...DEFAULT_ROSAS_OPTIONS, ...partial };
  if (!Number.isInteger(o.k) || o.k < 2) throw new Error(`k must be an integer ≥ 2, got ${o.k}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new Error(`epochs must be an integer ≥ 1, got ${o.epochs}`);
  return o;
}
