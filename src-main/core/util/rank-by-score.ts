// Ordering a million float32 scores without a comparator sort: a radix sort on their bits.

/**
 * Indices + 1 of the non-NaN scores, by descending score, ties by ascending index. LSD radix sort
 * on the float bits mapped to unsigned keys that order as the floats do.
 */
export function rankByScore(scores: Float32Array): Int32Array {
  const n = scores.length;
  const aligned = scores.byteOffset % 4 === 0 ? scores : scores.slice();
  const bits = new Uint32Array(aligned.buffer, aligned.byteOffset, n);
  let m = 0;
  for (let i = 0; i < n; i++) if (aligned[i] === aligned[i]) m++;
  let keys = new Uint32Array(m);
  let ids = new Int32Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    const s = aligned[i]!;
    if (s !== s) continue;
    let u = s === 0 ? 0 : bits[i]!; // -0 and +0 tie
    // Ascending order of floats ↔ ascending unsigned keys; then invert for descending.
    u = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
    keys[j] = ~u >>> 0;
    ids[j++] = i + 1;
  }
  let keys2 = new Uint32Array(m);
  let ids2 = new Int32Array(m);
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[(keys[i]! >>> shift) & 255]!++;
    if (counts[(keys[0]! >>> shift) & 255] === m) continue; // every key shares this byte
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const k = keys[i]!;
      const at = counts[(k >>> shift) & 255]!++;
      keys2[at] = k;
      ids2[at] = ids[i]!;
    }
    [keys, keys2] = [keys2, keys];
    [ids, ids2] = [ids2, ids];
  }
  return ids;
}
