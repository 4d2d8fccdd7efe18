/**
 * The evaluation protocol of `/work/shared/rosas/splits/README.md` (RoSAS paper §5.1–5.2 as the
 * authors' code runs it): a split file fixes every random choice, this module only applies it, so
 * every implementation trains and is scored on identical data.
 */
import fs from 'node:fs';
import { RosasError } from '../errors';
import type { Matrix } from '../model/rosas/types';
import type { Dataset } from './datasets';

export interface InjectedRow {
  base: number;
  donor: number;
  /** Original column indices taken from the donor. */
  columns: number[];
}

export interface Split {
  seed: number;
  nRows: number;
  nColumns: number;
  droppedColumns: number[];
  /** One role per dataset row: T unlabeled train, L labeled anomaly, R removed, V validation, E test. */
  roles: string;
  injected: InjectedRow[];
  /** Roles the scaler is fitted on. */
  scalerFitRoles: string;
}

export interface PreparedSplit {
  /** Names of the kept columns. */
  names: string[];
  /** Original index of each kept column. */
  columns: Int32Array;
  /** Rows T (file order), then one row per `injected` entry, then L (file order). */
  train: Matrix;
  /** True labels of `train` (T: from the file; injected and L: 1). For evaluation only. */
  trainLabels: Uint8Array;
  /** Rows of `train` labeled anomaly (L). */
  labeled: Int32Array;
  /** Rows of `train` without a label (T + injected). */
  unlabeled: Int32Array;
  validation: Matrix;
  validationLabels: Uint8Array;
  test: Matrix;
  testLabels: Uint8Array;
  /** x′ = (x − min) / range per kept column; range 1 where the train split had none. */
  scaler: { min: Float64Array; range: Float64Array };
}

export function loadSplit(file: string): Split {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new RosasError('format', `cannot read split: ${(e as Error).message}`, { file });
  }
  const bad = (field: string, why: string) => new RosasError('format', why, { file, field });
  const int = (k: string) => {
    const v = o[k];
    if (!Number.isInteger(v) || (v as number) < 0) throw bad(k, `must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const nRows = int('n_rows');
  const nColumns = int('n_columns');
  const isCol = (c: unknown) => Number.isInteger(c) && (c as number) >= 0 && (c as number) < nColumns;
  const isRow = (r: unknown) => Number.isInteger(r) && (r as number) >= 0 && (r as number) < nRows;

  const roles = o.roles;
  if (typeof roles !== 'string' || roles.length !== nRows || !/^[TLRVE]*$/.test(roles)) {
    throw bad('roles', `must be a string of ${nRows} characters from T, L, R, V, E`);
  }
  const dropped = o.dropped_columns;
  if (!Array.isArray(dropped) || !dropped.every(isCol)) throw bad('dropped_columns', `must be a list of column indices below ${nColumns}`);
  if (!Array.isArray(o.injected)) throw bad('injected', 'must be a list');
  const injected = o.injected.map((e: unknown, i): InjectedRow => {
    const ok = Array.isArray(e) && e.length === 3 && isRow(e[0]) && isRow(e[1]) && Array.isArray(e[2]) && (e[2] as unknown[]).every(isCol);
    if (!ok) throw bad('injected', `entry ${i} must be [base_row, donor_row, [columns]] with rows below ${nRows} and columns below ${nColumns}`);
    const [base, donor, columns] = e as [number, number, number[]];
    return { base, donor, columns };
  });
  const fitRoles = o.scaler_fit_roles ?? 'TLR';
  if (typeof fitRoles !== 'string' || !/^[TLRVE]+$/.test(fitRoles)) throw bad('scaler_fit_roles', 'must be a string of roles');
  return { seed: int('seed'), nRows, nColumns, droppedColumns: dropped as number[], roles, injected, scalerFitRoles: fitRoles };
}

export function prepareSplit(dataset: Dataset, split: Split): PreparedSplit {
  const { x, dim, labels } = dataset;
  if (dataset.rows !== split.nRows || dim !== split.nColumns) {
    throw new RosasError('invalid-argument', `split is for ${split.nRows} rows × ${split.nColumns} columns, dataset has ${dataset.rows} × ${dim}`);
  }
  const droppedSet = new Set(split.droppedColumns);
  const columns = Int32Array.from(Array.from({ length: dim }, (_, j) => j).filter((j) => !droppedSet.has(j)));
  const d = columns.length;
  const { roles } = split;

  if (![...roles].some((role) => split.scalerFitRoles.includes(role))) {
    throw new RosasError('invalid-argument', `split has no rows with the scaler's roles ${split.scalerFitRoles}`);
  }
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let r = 0; r < dataset.rows; r++) {
    if (!split.scalerFitRoles.includes(roles[r]!)) continue;
    for (let k = 0; k < d; k++) {
      const v = x[r * dim + columns[k]!]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  // sklearn's MinMaxScaler treats a range below 10·eps as zero and leaves the column unscaled.
  const range = max.map((hi, k) => (hi - min[k]! < 10 * Number.EPSILON ? 1 : hi - min[k]!));
  const scaled = (r: number, k: number) => (x[r * dim + columns[k]!]! - min[k]!) / range[k]!;

  const rowsWith = (role: string) => {
    const out: number[] = [];
    for (let r = 0; r < roles.length; r++) if (roles[r] === role) out.push(r);
    return out;
  };
  const toMatrix = (rs: number[]): Matrix => {
    const m = new Float32Array(rs.length * d);
    rs.forEach((r, i) => {
      for (let k = 0; k < d; k++) m[i * d + k] = scaled(r, k);
    });
    return { x: m, rows: rs.length, dim: d };
  };
  const labelsOf = (rs: number[]) => Uint8Array.from(rs, (r) => labels[r]!);

  const t = rowsWith('T');
  const l = rowsWith('L');
  const nTrain = t.length + split.injected.length + l.length;
  const train = new Float32Array(nTrain * d);
  train.set(toMatrix(t).x);
  // Injected after scaling, as the authors' code does: overwriting columns commutes with per-column
  // scaling, so this equals injecting raw values and scaling afterwards.
  const keptIndex = new Map(Array.from(columns, (c, k) => [c, k] as const));
  split.injected.forEach(({ base, donor, columns: taken }, i) => {
    const row = (t.length + i) * d;
    for (let k = 0; k < d; k++) train[row + k] = scaled(base, k);
    for (const c of taken) {
      const k = keptIndex.get(c);
      // A dropped column is constant over the whole dataset: the donor's value is the same anyway.
      if (k !== undefined) train[row + k] = scaled(donor, k);
    }
  });
  train.set(toMatrix(l).x, (t.length + split.injected.length) * d);

  const trainLabels = new Uint8Array(nTrain).fill(1);
  trainLabels.set(labelsOf(t));
  const nUnlabeled = t.length + split.injected.length;
  const v = rowsWith('V');
  const e = rowsWith('E');
  return {
    names: Array.from(columns, (c) => dataset.names[c]!),
    columns,
    train: { x: train, rows: nTrain, dim: d },
    trainLabels,
    labeled: Int32Array.from({ length: l.length }, (_, i) => nUnlabeled + i),
    unlabeled: Int32Array.from({ length: nUnlabeled }, (_, i) => i),
    validation: toMatrix(v),
    validationLabels: labelsOf(v),
    test: toMatrix(e),
    testLabels: labelsOf(e),
    scaler: { min, range },
  };
}

export interface ReferenceFigure {
  mean: number;
  /** 0 when the reference ran a single seed. */
  std: number;
  n: number;
}

/**
 * One column of a table in `/work/shared/rosas/reference-results.md`, per dataset. `section` picks
 * the table by a word in its heading ("AUC-PR", "AUC-ROC"), `column` the header cell it starts with.
 */
export function parseReferenceTable(markdown: string, section: string, column: string): Map<string, ReferenceFigure> {
  const blocks = markdown.split(/^## /m).filter((b) => b.split('\n', 1)[0]!.includes(section));
  if (blocks.length === 0) throw new Error(`no "${section}" section in the reference results`);
  const rows = blocks[0]!.split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const at = rows[0]?.findIndex((c) => c.startsWith(column)) ?? -1;
  if (at < 0) throw new Error(`no column "${column}" in the "${section}" table`);
  const out = new Map<string, ReferenceFigure>();
  for (const cells of rows.slice(2)) {
    const m = /^([\d.]+)(?: ± ([\d.]+))? \(n=(\d+)\)$/.exec(cells[at] ?? '');
    if (m) out.set(cells[0]!, { mean: Number(m[1]), std: Number(m[2] ?? 0), n: Number(m[3]) });
  }
  return out;
}
