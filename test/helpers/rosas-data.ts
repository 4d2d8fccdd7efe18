import type { Matrix, TrainLabels } from '../../src-main/core/model/rosas/types';
import { mulberry32 } from '../../src-main/core/util/random';

/** Normals around 0.3, anomalies around 0.8 in a few of the columns: easy to separate. */
export function synthetic(rows: number, dim: number, anomalyShare: number, seed: number) {
  const r = mulberry32(seed);
  const x = new Float32Array(rows * dim);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = r() < anomalyShare ? 1 : 0;
    for (let c = 0; c < dim; c++) x[i * dim + c] = (y[i] && c < 3 ? 0.8 : 0.3) + 0.1 * (r() - 0.5);
  }
  return { data: { x, rows, dim } as Matrix, y };
}

/** Labels as an analyst would give them: some anomalies labeled, the rest unlabeled (contaminated). */
export function labelsFor(y: Uint8Array, labeled: number, normals = 0): TrainLabels {
  const anomalies: number[] = [];
  const confirmed: number[] = [];
  const unlabeled: number[] = [];
  y.forEach((v, i) => {
    if (v && anomalies.length < labeled) anomalies.push(i);
    else if (!v && confirmed.length < normals) confirmed.push(i);
    else unlabeled.push(i);
  });
  return { anomalies: Int32Array.from(anomalies), normals: Int32Array.from(confirmed), unlabeled: Int32Array.from(unlabeled) };
}
