// Our Isolation Forest against scikit-learn's on the shared splits: same protocol, different random
// streams, so only the mean over seeds 0–4 is compared, within the reference's own spread. The large
// sets (backdoor, cover, campaign) run in test/bench/bench-iforest.ts instead.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src-main/core/bench/datasets';
import { loadSplit, parseReferenceTable, prepareSplit } from '../../src-main/core/bench/protocol';
import { fitIsolationForest, scoreIsolationForest } from '../../src-main/core/model/iforest';
import { averagePrecision } from '../../src-main/core/model/metrics';
import { SHARED, datasetPath } from '../helpers/samples';

const FAST = ['thyroid', 'pendigits', 'cardio', 'satellite', 'shuttle', 'mammography', 'pageblocks', 'optdigits', 'musk', 'spambase'];
const SEEDS = [0, 1, 2, 3, 4];

const reference = parseReferenceTable(fs.readFileSync(path.join(SHARED, 'rosas', 'reference-results.md'), 'utf8'), 'AUC-PR', 'IsolationForest');

describe('Isolation Forest matches scikit-learn on the reference splits (AUC-PR, mean of seeds 0–4)', () => {
  it.each(FAST)('%s', async (name) => {
    const data = await loadDataset(datasetPath(`${name}.csv`));
    const ap = SEEDS.map((seed) => {
      const p = prepareSplit(data, loadSplit(path.join(SHARED, 'rosas', 'splits', name, `seed${seed}.json`)));
      const forest = fitIsolationForest(p.train, { seed });
      return averagePrecision(scoreIsolationForest(forest, p.test), p.testLabels);
    });
    const mean = ap.reduce((a, b) => a + b, 0) / ap.length;
    const ref = reference.get(name)!;
    expect(ref, `no reference figure for ${name}`).toBeDefined();
    expect(Math.abs(mean - ref.mean), `${name}: ours ${mean.toFixed(3)} vs sklearn ${ref.mean} ± ${ref.std}`).toBeLessThanOrEqual(Math.max(2 * ref.std, 0.03));
  });
});
