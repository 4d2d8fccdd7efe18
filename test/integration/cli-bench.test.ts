import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src-main/core/bench/datasets';
import { makeSplit } from '../../src-main/core/bench/make-split';
import { loadSplit, prepareSplit, type Split } from '../../src-main/core/bench/protocol';
import { rosas, rosasJson } from '../helpers/cli';
import { SHARED, datasetPath, writeTemp } from '../helpers/samples';

const splitsOf = (name: string) => path.join(SHARED, 'rosas', 'splits', name);

const RUN_KEYS = ['seed', 'auc_pr', 'auc_roc', 'train_seconds', 'steps', 'epochs', 'infer_rows_per_s'];
const TOP_KEYS = ['dataset', 'rows', 'dim', 'runs', 'auc_pr', 'auc_roc', 'train_seconds', 'infer_rows_per_s', 'backend', 'options'];

/** Role counts per true class: what the protocol fixes, whichever rows the draw picked. */
function shape(split: Split, labels: Uint8Array) {
  const counts: Record<string, number> = {};
  [...split.roles].forEach((role, i) => {
    const key = `${role}${labels[i]}`;
    counts[key] = (counts[key] ?? 0) + 1;
  });
  return { counts, injected: split.injected.length, swapped: [...new Set(split.injected.map((e) => e.columns.length))], dropped: split.droppedColumns };
}

describe('rosas bench (the JSON contract other tools read)', () => {
  it('runs the protocol on the shared split files: JSON shape and value ranges', () => {
    const out = rosasJson('bench', datasetPath('cardio.csv'), '--splits', splitsOf('cardio'), '--runs', '1', '--epochs', '3');
    for (const k of TOP_KEYS) expect(out, k).toHaveProperty(k);
    expect(out).toMatchObject({ dataset: 'cardio', rows: 1831, dim: 21, label_column: 'label', std: 'sample (n-1)' });
    expect(out.backend).toMatch(/^(tensorflow-gpu|tensorflow|wasm|cpu)$/);
    expect(out.options).toMatchObject({ epochs: 3, batchesPerEpoch: 16, batchSize: 32 });
    expect(out.runs).toHaveLength(1);
    const run = out.runs[0];
    for (const k of RUN_KEYS) expect(run[k], k).toBeTypeOf('number');
    // Seed of run s = 42 + s, as the reference's main.py; 3 epochs × 16 steps.
    // 3 epochs × 16 steps for each of the 3 ensemble members.
    expect(run).toMatchObject({ seed: 0, model_seed: 42, epochs: 3, steps: 144, labeled_anomalies: 30, test_rows: 366, test_anomalies: 35 });
    expect(run.split).toBe(path.join(splitsOf('cardio'), 'seed0.json'));
    // Validation rows are not used: train = T + injected + L of the split file.
    const split = loadSplit(path.join(splitsOf('cardio'), 'seed0.json'));
    expect(run.train_rows).toBe([...split.roles].filter((r) => 'TL'.includes(r)).length + split.injected.length);
    expect(run.auc_pr).toBeGreaterThan(0.2); // base rate 35/366 ≈ 0.1: even 3 epochs beat chance
    expect(run.auc_pr).toBeLessThanOrEqual(1);
    expect(run.auc_roc).toBeGreaterThan(0.5);
    expect(run.auc_roc).toBeLessThanOrEqual(1);
    expect(run.train_seconds).toBeGreaterThan(0);
    expect(run.infer_rows_per_s).toBeGreaterThan(0);
    expect(out.auc_pr).toEqual({ mean: run.auc_pr, std: 0 });
    expect(out.auc_roc).toEqual({ mean: run.auc_roc, std: 0 });
    expect(out.train_seconds).toMatchObject({ mean: run.train_seconds, std: 0 });
    expect(out.infer_rows_per_s).toBe(run.infer_rows_per_s);
  });

  it('without --splits: seeded splits made here, sample std over runs, deterministic per seed', () => {
    const out = rosasJson('bench', datasetPath('cardio.csv'), '--runs', '2', '--epochs', '3');
    expect(out.splits).toBeNull();
    expect(out.runs.map((r: { seed: number; model_seed: number; split: string }) => [r.seed, r.model_seed, r.split])).toEqual([
      [0, 42, 'generated'],
      [1, 43, 'generated'],
    ]);
    for (const r of out.runs) expect(r).toMatchObject({ labeled_anomalies: 30, test_rows: 366, test_anomalies: 35 });
    const [a, b] = out.runs.map((r: { auc_pr: number }) => r.auc_pr);
    expect(out.auc_pr.mean).toBeCloseTo((a + b) / 2, 12);
    expect(out.auc_pr.std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 12); // n − 1
    // The same seed alone gives the same run.
    const again = rosasJson('bench', datasetPath('cardio.csv'), '--seeds', '1', '--epochs', '3');
    expect(again.runs).toHaveLength(1);
    expect(again.runs[0].auc_pr).toBe(out.runs[1].auc_pr);
    expect(again.runs[0].auc_roc).toBe(out.runs[1].auc_roc);
  });

  it('--label-column: any column, text classes through the truth rule; constant columns dropped', () => {
    const lines = ['kind,a,b,c,flat'];
    for (let i = 0; i < 300; i++) {
      const anomaly = i % 6 === 0;
      lines.push(`${anomaly ? 'attack' : 'benign'},${anomaly ? 5 + (i % 7) : i % 5},${(i * 37) % 11},${anomaly ? 9 : 1},3`);
    }
    const file = writeTemp('toy.csv', `${lines.join('\n')}\n`);
    const out = rosasJson('bench', file, '--label-column', 'kind', '--runs', '1', '--epochs', '2');
    expect(out).toMatchObject({ dataset: 'toy', rows: 300, columns: 4, dim: 3, anomalies: 50, label_column: 'kind' });
    expect(out.runs[0].auc_roc).toBeGreaterThan(0.5);
    expect(rosas('bench', file, '--label-column', 'nope', '--runs', '1').stderr).toMatch(/no column "nope"/);
  });

  it('usage errors exit 2, impossible requests exit 1, nothing on stdout', () => {
    const cardio = datasetPath('cardio.csv');
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /usage: rosas bench/],
      [[cardio, '--runs', '0'], 2, /--runs must be an integer ≥ 1/],
      [[cardio, '--epochs', 'x'], 2, /--epochs/],
      [[cardio, '--frobnicate'], 2, /rosas bench/],
      [[cardio, '--splits', splitsOf('cardio'), '--runs', '9'], 1, /9 runs asked for, but the folder has 5 split file/],
      [[cardio, '--splits', path.join(SHARED, 'nowhere')], 1, /split folder not found/],
      [[cardio, '--splits', splitsOf('thyroid'), '--runs', '1', '--epochs', '1'], 1, /split is for 7200 rows/],
      [['/nonexistent/x.csv'], 1, /not found/],
    ];
    for (const [args, code, message] of cases) {
      const r = rosas('bench', ...args, '--json');
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});

describe('makeSplit: the protocol of the shared split files, drawn here', () => {
  it.each(['cardio', 'pendigits', 'thyroid', 'optdigits'])('%s: the same sizes per role and class as the shared split', async (name) => {
    const data = await loadDataset(datasetPath(`${name}.csv`));
    const shared = loadSplit(path.join(splitsOf(name), 'seed0.json'));
    const made = makeSplit(data, 0);
    expect(shape(made, data.labels)).toEqual(shape(shared, data.labels));
    expect(made.roles).not.toBe(shared.roles); // our own draw, not numpy's
    // prepareSplit takes it like a split file.
    const p = prepareSplit(data, made);
    expect(p.labeled.length).toBe(30);
    expect(p.train.rows).toBe(p.labeled.length + p.unlabeled.length);
    // Deterministic per seed, different across seeds.
    expect(makeSplit(data, 0)).toEqual(made);
    expect(makeSplit(data, 1).roles).not.toBe(made.roles);
  });

  it('injects from the unlabeled anomalies, swapping int(0.05·D) kept columns', async () => {
    const data = await loadDataset(datasetPath('optdigits.csv'));
    const made = makeSplit(data, 3);
    expect(made.droppedColumns).toEqual([0, 39]);
    expect(made.injected.length).toBeGreaterThan(0);
    for (const { base, donor, columns } of made.injected) {
      expect(made.roles[base]).toBe('T');
      expect(made.roles[donor]).toBe('T');
      expect(data.labels[base]).toBe(1);
      expect(base).not.toBe(donor);
      expect(columns).toHaveLength(3); // int(0.05 · 62)
      expect(columns.some((c) => made.droppedColumns.includes(c))).toBe(false);
    }
  });
});
