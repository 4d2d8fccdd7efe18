import { describe, expect, it } from 'vitest';
import { RosasError } from '../../../src-main/core/errors';
import { checkTrainOptions, MAX_SEED } from '../../../src-main/core/rounds/train-options';
import { MAX_EPOCHS } from '../../../src-shared/limits';

describe('checkTrainOptions, the one check of what a round may be asked', () => {
  it('keeps the options given, and only those', () => {
    expect(checkTrainOptions({})).toEqual({});
    expect(checkTrainOptions({ seed: 0, epochs: 5, method: 'auto', stopping: 'cross-fit', normalsAs: 'ignored' })).toEqual({
      seed: 0,
      epochs: 5,
      method: 'auto',
      stopping: 'cross-fit',
      normalsAs: 'ignored',
    });
    expect(Object.keys(checkTrainOptions({ seed: undefined, epochs: MAX_EPOCHS, method: undefined }))).toEqual(['epochs']);
    expect(checkTrainOptions({ seed: MAX_SEED })).toEqual({ seed: MAX_SEED });
  });

  it('refuses a bad option, named as the caller spells it', () => {
    const refuses = (input: Parameters<typeof checkTrainOptions>[0], message: RegExp, name?: (o: string) => string) => {
      let err: unknown;
      try {
        checkTrainOptions(input, name);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RosasError);
      expect((err as RosasError).code).toBe('invalid-argument');
      expect((err as RosasError).message).toMatch(message);
    };
    refuses({ epochs: 0 }, /^epochs must be between 1 and 10000, got 0$/);
    refuses({ epochs: MAX_EPOCHS + 1 }, /epochs must be between 1/);
    refuses({ epochs: 2.5 }, /epochs must be an integer, got 2.5/);
    refuses({ seed: -1 }, /seed must be between 0 and 4294967295, got -1/);
    refuses({ seed: '7' }, /seed must be an integer, got "7"/);
    refuses({ method: 'svm' }, /method must be a known training method \(auto, rosas, iforest\), got "svm"/);
    refuses({ stopping: 'oracle' }, /^--stopping must be a known stopping rule \(separation, cross-fit\), got "oracle"$/, (o) => `--${o}`);
  });
});
