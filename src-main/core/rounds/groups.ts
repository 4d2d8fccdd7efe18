import type { Database } from 'better-sqlite3';
import { listFields } from '../fields/table';
import type { FieldValue } from '../fields/values';

/**
 * Groups of near-duplicate records, which an analyst judges together: for text logs the same
 * message template with the same key fields (host, user, address); otherwise the same feature
 * vector once each value is rounded to GRID (so a scanner's flows to different ports, or repeats
 * of one event, fall together).
 */

/** Feature values are scaled to about unit spread: a quarter of it tells near-duplicates apart. */
const GRID = 0.25;
const PER_UNIT = 1 / GRID;
/** Fields that name who or where: with the template they make a text log's group. */
const KEY_NAME = /(^|[._\- ])(host|hostname|node|user|username|user_name|account|src_ip|dst_ip|client_ip|remote_addr|source_ip)$/i;

/** The key function for buildMatrix when the project has a template field; null: group by feature vector. */
export function templateGroupKey(db: Database): ((values: FieldValue[]) => string | null) | null {
  const fields = listFields(db);
  const template = fields.find((f) => f.name.toLowerCase() === 'template');
  if (!template) return null;
  const keys = fields.filter((f) => f !== template && (f.effectiveRole === 'ip' || KEY_NAME.test(f.name))).map((f) => f.pos);
  const pos = template.pos;
  return (values) => {
    const t = values[pos];
    if (t === undefined || t === null) return null;
    return JSON.stringify([t, ...keys.map((k) => values[k] ?? null)]);
  };
}

/** How many group numbers there are (they are dense, 0 … n − 1; −1 marks none). */
export function groupCount(groups: Int32Array): number {
  let max = -1;
  for (const g of groups) if (g > max) max = g;
  return max + 1;
}

/**
 * Each row's group: the template groups where given (rows without a template by their vector),
 * else the rounded feature vector. Numbers are dense: 0 … groups − 1.
 */
export function groupRows(x: Float32Array, rows: number, dim: number, templateGroups?: Int32Array): Int32Array {
  const out = new Int32Array(rows);
  // A 53-bit hash of the rounded vector (two FNV-1a lanes): no string per row, and a collision
  // among a million groups is a chance in thousands, which would only merge two groups. The keys
  // go in an open-addressing table: a Map of number keys cost 0.4 s per 1M rows.
  let capacity = 16;
  while (capacity < rows * 2) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Float64Array(capacity);
  const slots = new Int32Array(capacity).fill(-1);
  let groups = 0;
  for (let r = 0; r < rows; r++) {
    const t = templateGroups?.[r] ?? -1;
    let key: number;
    let slot: number;
    if (t >= 0) {
      key = -1 - t;
      slot = Math.imul(t, 0x9e3779b1) & mask;
    } else {
      let h1 = 0x811c9dc5;
      let h2 = 0x01000193;
      for (let j = 0; j < dim; j++) {
        const v = x[r * dim + j]!;
        const c = v === v ? Math.round(v * PER_UNIT) : 0x7fffffff;
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ (c + j), 0x5bd1e995);
      }
      key = (h1 >>> 0) * 0x200000 + ((h2 >>> 11) & 0x1fffff);
      // fmix32 (MurmurHash3): FNV's low bits are poor on small integers, and the slot is low bits.
      let h = h1 ^ h2;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      slot = (h ^ (h >>> 16)) & mask;
    }
    while (slots[slot] !== -1 && keys[slot] !== key) slot = (slot + 1) & mask;
    if (slots[slot] === -1) {
      keys[slot] = key;
      slots[slot] = groups++;
    }
    out[r] = slots[slot]!;
  }
  return out;
}
