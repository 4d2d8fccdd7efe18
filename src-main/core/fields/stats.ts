import type { FieldValue } from './values';
import { mulberry32 } from '../util/random';
import { isIp } from '../util/ip';

/** Distinct values tracked per field; beyond this the field is "high cardinality". */
export const MAX_DISTINCT = 1000;
/** Numeric values kept per field (uniform reservoir sample) for quantiles. */
export const RESERVOIR = 2048;
/** Past the distinct cap, this many untracked values in a row-share of 95% stop the counting. */
const FUTILE_MISSES = 20_000;
/** String values checked for shape (IP, timestamp) per field: enough to decide, cheap to do. */
const SHAPE_CHECKS = 2000;

/**
 * What the importer learns about a field while it streams past, for role inference and the
 * feature specification. Plain JSON so it can be stored and merged across imports.
 */
export interface FieldStats {
  /** Records where the field has a value. */
  present: number;
  numbers: number;
  /** Numeric values that are integers in 0..65535 (port-like). */
  portLike: number;
  integers: number;
  /** Strings like Infinity / NaN in otherwise numeric fields. */
  nonFinite: number;
  strings: number;
  /** Of the strings checked for shape, how many were IP addresses / numeric text. */
  shapeChecked: number;
  ipLike: number;
  numericText: number;
  booleans: number;
  lists: number;
  min: number | null;
  max: number | null;
  /** Longest string value (chars). */
  maxLength: number;
  totalLength: number;
  /** value (as text) -> count, for the first MAX_DISTINCT distinct values. */
  distinct: Record<string, number>;
  /** True once more than MAX_DISTINCT distinct values were seen. */
  distinctOverflow: boolean;
  /** Uniform sample of numeric values. */
  reservoir: number[];
  /** Numeric values offered to the reservoir (for merging samples by weight). */
  reservoirSeen: number;
}

export function emptyStats(): FieldStats {
  return {
    present: 0, numbers: 0, portLike: 0, integers: 0, nonFinite: 0, strings: 0, shapeChecked: 0, ipLike: 0,
    numericText: 0, booleans: 0, lists: 0, min: null, max: null, maxLength: 0, totalLength: 0,
    distinct: {}, distinctOverflow: false, reservoir: [], reservoirSeen: 0,
  };
}

const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Accumulates FieldStats for many fields at once; `add` is on the import's hot path. */
export class StatsCollector {
  /** By field position; arrays, not Maps: this runs for every value of every record. */
  private readonly stats: Array<FieldStats | undefined> = [];
  /** Distinct-value counts while collecting (a Map is much faster than a plain object here). */
  private readonly distinct: Array<Map<string, number> | undefined> = [];
  /** Values past the cap that were not tracked, and fields where counting stopped for that. */
  private readonly misses: number[] = [];
  private readonly frozen: boolean[] = [];
  /** Values looked up since the field overflowed. */
  private readonly looked: number[] = [];
  private readonly random: () => number;

  constructor(seed = 1) {
    this.random = mulberry32(seed);
  }

  private create(pos: number): FieldStats {
    const s = emptyStats();
    this.stats[pos] = s;
    this.distinct[pos] = new Map();
    return s;
  }

  /**
   * Counts one value. `weight` is how many records this one stands for in the sampled figures
   * (type counts, shapes, distinct values, the reservoir): 1 when every record is looked at, k
   * when one in k is, and 0 to count only the exact figures (present, min, max). Sampling keeps
   * big imports fast while the figures stay unbiased.
   */
  add(pos: number, value: FieldValue, weight = 1): void {
    if (value === null) return;
    const s = this.stats[pos] ?? this.create(pos);
    s.present++;
    if (typeof value === 'number') {
      if (s.min === null || value < s.min) s.min = value;
      if (s.max === null || value > s.max) s.max = value;
    }
    if (weight === 0) return;
    let key: string;
    if (typeof value === 'number') {
      s.numbers += weight;
      if (Number.isInteger(value)) {
        s.integers += weight;
        if (value >= 0 && value <= 65535) s.portLike += weight;
      }
      this.sample(s, value, weight);
      // Past the cap a numeric field is described by its sample; counting its values buys nothing.
      if (s.distinctOverflow) return;
      key = String(value);
    } else if (typeof value === 'string') {
      s.strings += weight;
      const len = value.length;
      if (len > s.maxLength) s.maxLength = len;
      s.totalLength += len * weight;
      if (s.shapeChecked < SHAPE_CHECKS) {
        s.shapeChecked++;
        if (isIp(value)) s.ipLike++;
        else if (NON_FINITE.test(value)) s.nonFinite++;
        else if (NUMERIC_TEXT.test(value)) s.numericText++;
      } else if (s.nonFinite > 0 && NON_FINITE.test(value)) {
        s.nonFinite += weight;
      }
      if (this.frozen[pos]) return;
      key = value;
    } else if (typeof value === 'boolean') {
      s.booleans += weight;
      key = value ? 'true' : 'false';
    } else {
      s.lists += weight;
      if (this.frozen[pos]) return;
      key = value.join(',');
    }
    // Values already tracked keep being counted past the cap, so top-value shares (IP frequency,
    // one-hot columns) describe the whole file, not just its start; unless nearly every value is
    // new (ids, per-host addresses), where the lookups would cost time and count nothing.
    const d = this.distinct[pos]!;
    const c = d.get(key);
    if (c !== undefined) d.set(key, c + weight);
    else if (d.size < MAX_DISTINCT) d.set(key, weight);
    else {
      s.distinctOverflow = true;
      const misses = (this.misses[pos] ?? 0) + 1;
      this.misses[pos] = misses;
      if (misses > FUTILE_MISSES && misses > 0.95 * (this.looked[pos] ?? 0)) this.frozen[pos] = true;
    }
    if (s.distinctOverflow) this.looked[pos] = (this.looked[pos] ?? 0) + 1;
  }

  private sample(s: FieldStats, value: number, weight: number): void {
    s.reservoirSeen += weight;
    if (s.reservoir.length < RESERVOIR) s.reservoir.push(value);
    else {
      const j = Math.floor(this.random() * s.reservoirSeen);
      if (j < RESERVOIR) s.reservoir[j] = value;
    }
  }

  /** The collected stats by field position, with distinct maps folded into plain objects. */
  result(): Map<number, FieldStats> {
    const out = new Map<number, FieldStats>();
    this.stats.forEach((s, pos) => {
      if (!s) return;
      s.distinct = Object.fromEntries(this.distinct[pos]!);
      out.set(pos, s);
    });
    return out;
  }
}

/** Stats of the same field from two imports, as if collected in one pass. */
export function mergeStats(a: FieldStats, b: FieldStats, random: () => number = mulberry32(7)): FieldStats {
  // Keys are values from the data: a map, so "constructor" or "__proto__" are counts like any other.
  const counts = new Map(Object.entries(a.distinct));
  let overflow = a.distinctOverflow || b.distinctOverflow;
  for (const [k, v] of Object.entries(b.distinct)) {
    const c = counts.get(k);
    if (c !== undefined) counts.set(k, c + v);
    else if (counts.size < MAX_DISTINCT) counts.set(k, v);
    else overflow = true;
  }
  const distinct = Object.fromEntries(counts);
  // Reservoirs: draw from each in proportion to how many values it stood for.
  const seen = a.reservoirSeen + b.reservoirSeen;
  let reservoir: number[];
  if (a.reservoir.length + b.reservoir.length <= RESERVOIR) reservoir = [...a.reservoir, ...b.reservoir];
  else {
    const fromA = Math.round((RESERVOIR * a.reservoirSeen) / seen);
    reservoir = [...pick(a.reservoir, Math.min(fromA, a.reservoir.length), random), ...pick(b.reservoir, Math.min(RESERVOIR - fromA, b.reservoir.length), random)];
  }
  const min = a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min);
  const max = a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max);
  return {
    present: a.present + b.present,
    numbers: a.numbers + b.numbers,
    portLike: a.portLike + b.portLike,
    integers: a.integers + b.integers,
    nonFinite: a.nonFinite + b.nonFinite,
    strings: a.strings + b.strings,
    shapeChecked: a.shapeChecked + b.shapeChecked,
    ipLike: a.ipLike + b.ipLike,
    numericText: a.numericText + b.numericText,
    booleans: a.booleans + b.booleans,
    lists: a.lists + b.lists,
    min,
    max,
    maxLength: Math.max(a.maxLength, b.maxLength),
    totalLength: a.totalLength + b.totalLength,
    distinct,
    distinctOverflow: overflow,
    reservoir,
    reservoirSeen: seen,
  };
}

function pick(values: number[], n: number, random: () => number): number[] {
  const copy = values.slice();
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** The dominant kind of value, for display and role inference. */
export function valueType(s: FieldStats): 'number' | 'string' | 'boolean' | 'list' | 'mixed' | 'empty' {
  if (s.present === 0) return 'empty';
  const kinds: Array<['number' | 'string' | 'boolean' | 'list', number]> = [
    ['number', s.numbers + s.nonFinite], // Infinity/NaN text in a numeric column is still a number column
    ['string', s.strings - s.nonFinite],
    ['boolean', s.booleans],
    ['list', s.lists],
  ];
  kinds.sort((x, y) => y[1] - x[1]);
  return kinds[0]![1] >= 0.95 * s.present ? kinds[0]![0] : 'mixed';
}
