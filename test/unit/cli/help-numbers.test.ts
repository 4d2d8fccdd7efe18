import { describe, expect, it } from 'vitest';
import { usage as benchUsage } from '../../../src-main/cli/commands/bench';
import { usage as simulateUsage } from '../../../src-main/cli/commands/simulate';
import { usage as trainUsage } from '../../../src-main/cli/commands/train';
import { DEFAULT_RUNS, MODEL_SEED_BASE } from '../../../src-main/core/bench/engine';
import { SPLIT_DEFAULTS } from '../../../src-main/core/bench/make-split';
import { SIMULATE_DEFAULTS } from '../../../src-main/core/bench/simulate';
import { DEFAULT_ROSAS_OPTIONS, describeTraining } from '../../../src-main/core/model/rosas/rosas';

// Help texts print the numbers the code uses (they are generated from its constants, not copied).
describe('help texts', () => {
  const o = DEFAULT_ROSAS_OPTIONS;

  it('rosas train states the training-length rule and the cross-fit needs of the engine', () => {
    const text = trainUsage.replace(/\s+/g, ' ');
    expect(text).toContain(`after at least max(${o.minEpochs}, ${o.minEpochsScale} / D) epochs for D features, at most ${o.epochs}`);
    expect(text).toContain(`each of the ${o.ensemble} models hides 1/${o.ensemble} of the anomaly labels`);
    expect(text).toContain(`needs ${o.ensemble * o.crossFitMinPerFold} labeled anomalies`);
    expect(describeTraining(o)).toContain(`max(${o.minEpochs}, ${o.minEpochsScale} / D)–${o.epochs} epochs`);
  });

  it('rosas bench and rosas simulate state their defaults', () => {
    const bench = benchUsage.replace(/\s+/g, ' ');
    expect(bench).toContain(`${SPLIT_DEFAULTS.labeled} labeled anomalies and ${SPLIT_DEFAULTS.contamination * 100}% contamination, RoSAS (model seed ${MODEL_SEED_BASE} + s)`);
    expect(bench).toContain(`or ${DEFAULT_RUNS})`);
    const simulate = simulateUsage.replace(/\s+/g, ' ');
    expect(simulate).toContain(`review rounds (default ${SIMULATE_DEFAULTS.rounds})`);
    expect(simulate).toContain(`actions per round (default ${SIMULATE_DEFAULTS.perRound})`);
    expect(simulate).toContain(`the rounds (default ${SIMULATE_DEFAULTS.seed})`);
  });
});
