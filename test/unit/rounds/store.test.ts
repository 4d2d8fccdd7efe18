import { describe, expect, it } from 'vitest';
import { roundFigures } from '../../../src-main/core/rounds/store';

describe('round figures, parsed from the params once', () => {
  it('reads epochs, models and the cross-fitted AUC of RoSAS rounds, new and old', () => {
    expect(roundFigures('iforest', { iforest: { trees: 100 } })).toEqual({ epochs: null, members: null, hiddenAnomalyAuc: null });
    expect(roundFigures('rosas', { rosas: { epochs: 30, ensemble: 3 }, epochsTrained: [12, 14, 9] })).toEqual({ epochs: 14, members: 3, hiddenAnomalyAuc: null });
    // Older rounds: only what was asked for.
    expect(roundFigures('rosas', { rosas: { epochs: 30 } })).toEqual({ epochs: 30, members: 1, hiddenAnomalyAuc: null });
    expect(roundFigures('rosas', { epochsTrained: [3, 3, 3], crossFit: { heldOutAuc: [0.5, 0.8, 0.7], keptEpoch: 2 } })).toMatchObject({ epochs: 3, hiddenAnomalyAuc: 0.8 });
    expect(roundFigures('rosas', {})).toEqual({ epochs: null, members: 1, hiddenAnomalyAuc: null });
  });
});
