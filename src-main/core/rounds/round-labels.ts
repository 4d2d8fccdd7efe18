import type { Label } from '../labels/labels';
import type { TrainLabels } from '../model/rosas/types';

/** The labels of a round's snapshot as rows of its matrix. */
export interface LabeledRows {
  anomalies: Int32Array;
  normals: Int32Array;
  /** Rows with no label or "unsure". */
  unlabeled: Int32Array;
  unsure: number;
  /** 1 for every row with a label, "unsure" included: reviewed. */
  reviewed: Uint8Array;
}

/** Labeled record ids → rows of the matrix (ids ascending). */
export function labeledRows(ids: Int32Array, labels: Array<[number, Label]>): LabeledRows {
  const rows = ids.length;
  const rowOf = (id: number): number => {
    let lo = 0;
    let hi = rows - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  const anomalies: number[] = [];
  const normals: number[] = [];
  let unsure = 0;
  const reviewed = new Uint8Array(rows);
  const taken = new Uint8Array(rows);
  for (const [id, label] of labels) {
    const row = rowOf(id);
    if (row < 0) continue;
    reviewed[row] = 1;
    if (label === 'anomaly') anomalies.push(row);
    else if (label === 'normal') normals.push(row);
    else {
      unsure++;
      continue;
    }
    taken[row] = 1;
  }
  const unlabeled = new Int32Array(rows - anomalies.length - normals.length);
  for (let r = 0, j = 0; r < rows; r++) if (!taken[r]) unlabeled[j++] = r;
  return { anomalies: Int32Array.from(anomalies), normals: Int32Array.from(normals), unlabeled, unsure, reviewed };
}

/**
 * What the model trains on: each group of near-duplicates gives at most ⌈√k⌉ of its k labeled
 * rows of one label (its first ones), so a group labeled in one action (a scanner's thousand
 * flows) counts more than one record but cannot outweigh everything else. The rows left out are
 * known, so they are not unlabeled either. `useNormals: false` treats confirmed normals as
 * unlabeled (the simulation's baseline without normals' feedback).
 */
export function trainingLabels(l: LabeledRows, groups: Int32Array, useNormals: boolean): TrainLabels {
  const anomalies = perGroupCap(l.anomalies, groups);
  if (useNormals) return { anomalies, normals: perGroupCap(l.normals, groups), unlabeled: l.unlabeled };
  return { anomalies, normals: new Int32Array(0), unlabeled: mergeSorted(l.unlabeled, Int32Array.from(l.normals).sort()) };
}

/** Two ascending row lists as one. */
function mergeSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  for (let i = 0, j = 0, k = 0; k < out.length; k++) out[k] = j >= b.length || (i < a.length && a[i]! < b[j]!) ? a[i++]! : b[j++]!;
  return out;
}

function perGroupCap(rows: Int32Array, groups: Int32Array): Int32Array {
  const count = new Map<number, number>();
  for (const r of rows) count.set(groups[r]!, (count.get(groups[r]!) ?? 0) + 1);
  const taken = new Map<number, number>();
  const out: number[] = [];
  for (const r of rows) {
    const g = groups[r]!;
    const t = taken.get(g) ?? 0;
    if (t >= Math.ceil(Math.sqrt(count.get(g)!))) continue;
    taken.set(g, t + 1);
    out.push(r);
  }
  return Int32Array.from(out);
}
