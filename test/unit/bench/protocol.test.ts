import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../../../src-main/core/bench/datasets';
import { loadSplit, parseReferenceTable, prepareSplit, type Split } from '../../../src-main/core/bench/protocol';
import { SHARED, datasetPath, writeTemp } from '../../helpers/samples';

const splitPath = (name: string, seed: number) => path.join(SHARED, 'rosas', 'splits', name, `seed${seed}.json`);
const count = (roles: string, role: string) => [...roles].filter((r) => r === role).length;

describe('loadDataset', () => {
  it('reads a plain and a gzipped CSV', async () => {
    const d = await loadDataset(datasetPath('cardio.csv'));
    expect([d.rows, d.dim, d.names.length]).toEqual([1831, 21, 21]);
    expect(d.labels.reduce((a, b) => a + b, 0)).toBe(176);
    expect(d.x[0]).toBeCloseTo(0.004912314661768384, 15);
    const g = await loadDataset(datasetPath('campaign.csv.gz'));
    expect([g.rows, g.dim]).toEqual([41188, 62]);
    expect(g.labels.reduce((a, b) => a + b, 0)).toBe(4640);
  });

  it('points at the file, line and field of bad data', async () => {
    const bad = (body: string) => loadDataset(writeTemp('d.csv', body));
    await expect(bad('a,b,label\n1,2,0\n1,x,1\n')).rejects.toThrow(/d\.csv:3, field "b": "x" is not a finite number/);
    await expect(bad('a,b,label\n1,2,0\n1,2\n')).rejects.toThrow(/d\.csv:3: expected 3 fields, found 2/);
    await expect(bad('a,b,label\n1,,0\n')).rejects.toThrow(/d\.csv:2, field "b"/);
    await expect(bad('a,b,label\n1,2,0.5\n')).rejects.toThrow(/field "label": label must be 0 or 1/);
    await expect(bad('a,b,label\n1,Infinity,0\n')).rejects.toThrow(/not a finite number/);
    await expect(bad('a,b,c\n1,2,0\n')).rejects.toThrow(/d\.csv:1: header must .* end with "label"/);
    await expect(loadDataset(writeTemp('d.csv.gz', 'not gzip at all'))).rejects.toThrow(/d\.csv\.gz: cannot read/);
    await expect(loadDataset('/nonexistent/x.csv')).rejects.toThrow(/not found/);
    const ok = await loadDataset(writeTemp('d.csv', '\uFEFFa,b,label\r\n1,2.5,1\r\n\r\n3,4,0\r\n'));
    expect([...ok.x]).toEqual([1, 2.5, 3, 4]);
    expect([...ok.labels]).toEqual([1, 0]);
  });
});

describe('loadSplit', () => {
  it('rejects malformed split files', () => {
    const write = (o: object) => writeTemp('seed0.json', JSON.stringify(o));
    const good = { seed: 0, n_rows: 3, n_columns: 2, dropped_columns: [], roles: 'TLE', injected: [] };
    expect(loadSplit(write(good)).roles).toBe('TLE');
    expect(() => loadSplit(write({ ...good, roles: 'TX' }))).toThrow(/roles/);
    expect(() => loadSplit(write({ ...good, injected: [[0, 5, []]] }))).toThrow(/injected.*entry 0/);
    expect(() => loadSplit(write({ ...good, dropped_columns: [2] }))).toThrow(/dropped_columns/);
    expect(() => loadSplit(writeTemp('seed0.json', '{'))).toThrow(/cannot read split/);
  });
});

describe('prepareSplit by hand', () => {
  it('scales on T/L/R, only shifts a column constant on train, and injects after dropping', () => {
    // Columns: 0 constant over the dataset (dropped), 1 ordinary, 2 constant on train only.
    const rows = [
      [7, 0, 5, 0], // T
      [7, 10, 5, 0], // T
      [7, 4, 5, 1], // L
      [7, 20, 5, 1], // R: widens the range though it is not trained on
      [7, 30, 9, 1], // E
      [7, 2, 6, 0], // V
    ];
    const dataset = { names: ['a', 'b', 'c'], x: Float64Array.from(rows.flatMap((r) => r.slice(0, 3))), rows: 6, dim: 3, labels: Uint8Array.from(rows, (r) => r[3]!) };
    const split: Split = { seed: 0, nRows: 6, nColumns: 3, droppedColumns: [0], roles: 'TTLREV', injected: [{ base: 0, donor: 1, columns: [0, 1] }], scalerFitRoles: 'TLR' };
    const p = prepareSplit(dataset, split);
    expect(p.names).toEqual(['b', 'c']);
    expect([...p.scaler.min]).toEqual([0, 5]);
    expect([...p.scaler.range]).toEqual([20, 1]);
    // T, T, injected (row 0 with column b from row 1), L.
    expect([...p.train.x]).toEqual([0, 0, 0.5, 0, 0.5, 0, 0.2, 0].map(Math.fround));
    expect([...p.trainLabels]).toEqual([0, 0, 1, 1]);
    expect([...p.unlabeled]).toEqual([0, 1, 2]);
    expect([...p.labeled]).toEqual([3]);
    expect([...p.test.x]).toEqual([1.5, 4]);
    expect([...p.testLabels]).toEqual([1]);
    expect([...p.validation.x]).toEqual([0.1, 1].map(Math.fround));
  });
});

describe('prepareSplit on real splits', () => {
  let optdigits: Dataset;
  let split: Split;
  beforeAll(async () => {
    optdigits = await loadDataset(datasetPath('optdigits.csv'));
    split = loadSplit(splitPath('optdigits', 1));
  });

  it('gives the shapes and role counts of the split file', () => {
    const p = prepareSplit(optdigits, split);
    const { roles } = split;
    // optdigits has two constant columns and injects rows with int(0.05 · 62) = 3 swapped columns.
    expect(split.droppedColumns).toEqual([0, 39]);
    expect(p.train.dim).toBe(62);
    expect(p.names).not.toContain('f0');
    expect(split.injected.length).toBeGreaterThan(0);
    expect(split.injected.every((e) => e.columns.length === 3)).toBe(true);
    expect(p.train.rows).toBe(count(roles, 'T') + split.injected.length + count(roles, 'L'));
    expect(p.labeled.length).toBe(30);
    expect(p.unlabeled.length).toBe(count(roles, 'T') + split.injected.length);
    expect(p.validation.rows).toBe(count(roles, 'V'));
    expect(p.test.rows).toBe(count(roles, 'E'));
    expect(p.train.x.length).toBe(p.train.rows * 62);
    expect(p.test.x.length).toBe(p.test.rows * 62);
  });

  it('labels: L and injected rows are anomalies, V/E keep the file labels', () => {
    const p = prepareSplit(optdigits, split);
    for (const i of p.labeled) expect(p.trainLabels[i]).toBe(1);
    const rowsOf = (role: string) => [...split.roles].flatMap((r, i) => (r === role ? [i] : []));
    expect([...p.testLabels]).toEqual(rowsOf('E').map((r) => optdigits.labels[r]));
    expect([...p.validationLabels]).toEqual(rowsOf('V').map((r) => optdigits.labels[r]));
    // Step 5: unlabeled anomalies (T anomalies + injected) are ~2 % of the unlabeled rows.
    const unlabeledAnomalies = [...p.unlabeled].filter((i) => p.trainLabels[i] === 1).length;
    expect(unlabeledAnomalies / p.unlabeled.length).toBeCloseTo(0.02, 3);
  });

  it('scales to [0, 1] on train (T, L and R rows) with val/test unclipped', () => {
    const p = prepareSplit(optdigits, split);
    const d = p.train.dim;
    for (let k = 0; k < d; k++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = 0; r < p.train.rows; r++) {
        lo = Math.min(lo, p.train.x[r * d + k]!);
        hi = Math.max(hi, p.train.x[r * d + k]!);
      }
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      // optdigits has no R rows, so train (T + L) spans the full range of every non-constant column.
      if (p.scaler.range[k] !== 1 || hi > lo) expect([lo, hi]).toEqual([0, 1]);
    }
    const raw = (r: number, c: number) => optdigits.x[r * optdigits.dim + c]!;
    const firstE = split.roles.indexOf('E');
    for (let k = 0; k < d; k++) {
      const want = (raw(firstE, p.columns[k]!) - p.scaler.min[k]!) / p.scaler.range[k]!;
      expect(p.test.x[k]).toBeCloseTo(want, 6);
    }
  });

  it('builds injected rows from base and donor rows', () => {
    const p = prepareSplit(optdigits, split);
    const nT = count(split.roles, 'T');
    const d = p.train.dim;
    const scaledRaw = (r: number, k: number) => Math.fround((optdigits.x[r * optdigits.dim + p.columns[k]!]! - p.scaler.min[k]!) / p.scaler.range[k]!);
    split.injected.forEach(({ base, donor, columns }, i) => {
      const taken = new Set(columns);
      for (let k = 0; k < d; k++) {
        const from = taken.has(p.columns[k]!) ? donor : base;
        expect(p.train.x[(nT + i) * d + k]).toBe(scaledRaw(from, k));
      }
    });
  });

  it('fits the scaler on R rows too (thyroid removes anomalies)', async () => {
    const thyroid = await loadDataset(datasetPath('thyroid.csv'));
    const s = loadSplit(splitPath('thyroid', 0));
    expect(count(s.roles, 'R')).toBeGreaterThan(0);
    const p = prepareSplit(thyroid, s);
    for (let k = 0; k < thyroid.dim; k++) {
      let lo = Infinity;
      for (let r = 0; r < thyroid.rows; r++) if ('TLR'.includes(s.roles[r]!)) lo = Math.min(lo, thyroid.x[r * thyroid.dim + k]!);
      expect(p.scaler.min[k]).toBe(lo);
    }
    expect(p.labeled.length).toBe(30);
    expect(p.train.rows).toBe(count(s.roles, 'T') + 30);
  });

  it('every dataset and seed labels exactly 30 anomalies', () => {
    for (const name of fs.readdirSync(path.join(SHARED, 'rosas', 'splits')).filter((f) => !f.includes('.'))) {
      for (let seed = 0; seed < 5; seed++) {
        const s = loadSplit(splitPath(name, seed));
        expect(count(s.roles, 'L'), `${name} seed ${seed}`).toBe(30);
        expect(s.seed).toBe(seed);
      }
    }
  });

  it('refuses a split for another dataset', () => {
    expect(() => prepareSplit(optdigits, { ...split, nRows: 10 })).toThrow(/split is for 10 rows/);
  });
});

describe('parseReferenceTable', () => {
  it('reads the IsolationForest columns', () => {
    const md = fs.readFileSync(path.join(SHARED, 'rosas', 'reference-results.md'), 'utf8');
    const pr = parseReferenceTable(md, 'AUC-PR', 'IsolationForest');
    expect(pr.get('thyroid')).toEqual({ mean: 0.138, std: 0.027, n: 5 });
    expect(pr.size).toBe(13);
    expect(parseReferenceTable(md, 'AUC-ROC', 'IsolationForest').get('cover')).toEqual({ mean: 0.868, std: 0.023, n: 3 });
    expect(parseReferenceTable(md, 'AUC-PR', 'RoSAS, DeepOD port').get('cover')).toEqual({ mean: 0.953, std: 0, n: 1 });
  });
});
