import { describe, expect, it } from 'vitest';
import { fitIsolationForest, scoreIsolationForest } from '../../../src-main/core/model/iforest';
import { packPlain, reviveForest } from '../../../src-main/core/rounds/model-store';

// The load-time check of a stored Isolation Forest (model-store.test.ts covers the rest of the store).
describe('reviveForest', () => {
  const data = { x: Float32Array.from({ length: 600 }, (_, i) => Math.sin(i * 12.9898) * 3), rows: 200, dim: 3 };
  const forest = fitIsolationForest(data, { seed: 3, trees: 10 });
  const stored = () => {
    const { json, blob } = packPlain(forest);
    return { parsed: JSON.parse(json) as Record<string, unknown>, blob };
  };

  it('revives a stored forest exactly', () => {
    const { parsed, blob } = stored();
    const back = reviveForest(parsed, blob);
    expect(back).toEqual(forest);
    expect(scoreIsolationForest(back, data)).toEqual(scoreIsolationForest(forest, data));
  });

  it('refuses a damaged one as an invalid project, not a crash or garbage scores', () => {
    const invalid = expect.objectContaining({ code: 'project-invalid', message: expect.stringMatching(/stored Isolation Forest model is damaged/) });
    const { parsed, blob } = stored();
    expect(() => reviveForest({}, new Uint8Array(0))).toThrow(invalid);
    expect(() => reviveForest(parsed, blob.subarray(0, blob.length - 8))).toThrow(invalid);
    expect(() => reviveForest({ ...parsed, kind: 'rosas' }, blob)).toThrow(invalid);
    expect(() => reviveForest({ ...parsed, left: { $typed: 'Float32Array', offset: 0, length: 1 } }, blob)).toThrow(invalid);
    // A child index pointing back at its parent: scoring would walk out of the tree.
    const left = new Int32Array(forest.left);
    left[forest.feature.findIndex((f) => f >= 0)] = 0;
    const bent = packPlain({ ...forest, left });
    expect(() => reviveForest(JSON.parse(bent.json), bent.blob)).toThrow(invalid);
  });
});
