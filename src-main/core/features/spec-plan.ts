import { emptyStats, type FieldStats } from '../fields/stats';
import type { Role } from '../fields/role';
import { parseEpochSeconds, parseIsoTime } from '../fields/time';
import { cardinality, EPOCH_MAX, EPOCH_MIN, isTimestampName } from './roles';
import { columnNames, DEFAULT_LIMITS, SPEC_VERSION, type ExcludedField, type FeatureSpec, type FieldFeature, type SpecLimits } from './spec';

// Building a feature spec from the field statistics: a plan per field by its role, then the
// columns kept within the caps (docs/features.md says what each kind's columns hold).

export interface SpecInputField {
  pos: number;
  name: string;
  /** The effective role: the analyst's override, else the inferred one. */
  role: Role;
  stats: FieldStats;
}

/** A feature before its offset is known. */
type Unplaced<T> = T extends unknown ? Omit<T, 'offset'> : never;
/**
 * A field's columns at their widest. `counts` (categorical and port) holds how many records each
 * candidate value stands for: the allocation keeps the values that cover the most records.
 */
type Drafted = { feature: Unplaced<FieldFeature>; present: number; counts?: number[] };
type Plan = Drafted | { why: string };

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SAMPLE = 2048;

function quantile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

const firstPositive = (...xs: number[]) => xs.find((x) => Number.isFinite(x) && x > 0);
const signedLog1p = (x: number) => (x < 0 ? -Math.log1p(-x) : Math.log1p(x));

/** Values of a numeric field: the reservoir, else the distinct keys (numeric text, booleans) by count. */
function numericSample(s: FieldStats): number[] {
  if (s.reservoir.length > 0) return s.reservoir.filter((v) => Number.isFinite(v));
  const entries: Array<[number, number]> = [];
  let total = 0;
  for (const [k, c] of Object.entries(s.distinct)) {
    const v = k === 'true' ? 1 : k === 'false' ? 0 : NUMERIC.test(k) ? Number(k) : NaN;
    if (!Number.isFinite(v)) continue;
    entries.push([v, c]);
    total += c;
  }
  const out: number[] = [];
  for (const [v, c] of entries) {
    const n = Math.max(1, Math.round((c * SAMPLE) / total));
    for (let i = 0; i < n && out.length < 4 * SAMPLE; i++) out.push(v);
  }
  return out;
}

/** Records where the field holds something a numeric column cannot read. */
function unreadableNumbers(s: FieldStats): number {
  const numericText = s.shapeChecked > 0 ? Math.round((s.strings * s.numericText) / s.shapeChecked) : 0;
  return Math.max(0, s.present - s.numbers - s.booleans - numericText) + s.nonFinite;
}

function planNumeric(f: SpecInputField, total: number): Plan {
  const s = f.stats;
  const sample = numericSample(s);
  if (!sample.length) return { why: 'no numeric values' };
  let min = Infinity;
  let max = -Infinity;
  for (const v of sample) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (s.numbers > 0 && s.min !== null && s.max !== null && Number.isFinite(s.min) && Number.isFinite(s.max)) {
    min = Math.min(min, s.min);
    max = Math.max(max, s.max);
  }
  const missing = s.present < total || unreadableNumbers(s) > 0;
  const base = { pos: f.pos, name: f.name, width: missing ? 2 : 1, missing, kind: 'numeric' as const };
  if (Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max <= 1 && sample.every((v) => v === 0 || v === 1)) {
    return { feature: { ...base, transform: 'bool', logUnit: 1, center: 0, scale: 1 }, present: s.present };
  }
  const sorted = sample.slice().sort((a, b) => a - b);
  const spread = firstPositive(quantile(sorted, 0.75) - quantile(sorted, 0.25), quantile(sorted, 0.9) - quantile(sorted, 0.1), quantile(sorted, 0.99) - quantile(sorted, 0.01)) ?? 0;
  const maxAbs = Math.max(Math.abs(min), Math.abs(max));
  // Heavy tail: the range dwarfs the bulk (bytes, durations, rates), or a rare big value outside a constant bulk.
  const heavy = maxAbs >= 10 && (spread === 0 ? max > min : max - min > 20 * spread);
  // The log's unit: a low quantile of the non-zero magnitudes, so that a field in small units
  // (durations of microseconds written in seconds) keeps its resolution: log1p is linear below 1.
  const magnitudes = sorted.filter((v) => v !== 0).map(Math.abs).sort((a, b) => a - b);
  const logUnit = heavy ? Math.min(1, Math.max(quantile(magnitudes, 0.1), 1e-9)) : 1;
  const tf = (x: number) => signedLog1p(x / logUnit);
  const t = heavy ? sorted.map(tf) : sorted; // monotone: still sorted
  const tMin = heavy ? tf(min) : min;
  const tMax = heavy ? tf(max) : max;
  const center = quantile(t, 0.5);
  const scale =
    firstPositive(
      quantile(t, 0.75) - quantile(t, 0.25),
      (quantile(t, 0.9) - quantile(t, 0.1)) / 2.56,
      (quantile(t, 0.99) - quantile(t, 0.01)) / 4.65,
      (tMax - tMin) / 4,
    ) ?? 1;
  if (!Number.isFinite(center) || !Number.isFinite(scale)) return { why: 'numeric values out of range' };
  return { feature: { ...base, transform: heavy ? 'log' : 'linear', logUnit, center, scale }, present: s.present };
}

function planCategorical(f: SpecInputField, total: number, limits: SpecLimits): Plan {
  const card = cardinality(f.stats);
  const values: string[] = [];
  const counts: number[] = [];
  // Counts cover the records seen before the distinct map overflowed: scale them to all records.
  const perCount = card.counted > 0 ? f.stats.present / card.counted : 0;
  for (const [v, c] of card.top) {
    if (values.length >= limits.maxOneHot || c < limits.minShare * card.counted) break;
    values.push(v);
    counts.push(c * perCount);
  }
  const missing = f.stats.present < total;
  if (!values.length && !missing) return { why: `no value is frequent enough for a column (≥ ${limits.minShare * 100}% of records)` };
  return {
    feature: { pos: f.pos, name: f.name, kind: 'categorical', values, width: values.length + 1 + (missing ? 1 : 0), missing },
    present: f.stats.present,
    counts,
  };
}

function planIp(f: SpecInputField, total: number): Plan {
  const s = f.stats;
  const card = cardinality(s);
  if (!card.counted) return { why: 'no values' };
  // No prototype: the keys are log values, and one may be __proto__.
  const counts = Object.create(null) as Record<string, number>;
  for (const [v, c] of card.top) counts[v] = c;
  const notIp = s.shapeChecked > s.ipLike || s.numbers + s.booleans + s.lists > 0;
  const missing = s.present < total || notIp;
  return {
    feature: { pos: f.pos, name: f.name, kind: 'ip', counts, counted: card.counted, width: 2 + (missing ? 1 : 0), missing },
    present: s.present,
  };
}

function asPort(key: string): number | null {
  if (!/^\d{1,5}$/.test(key)) return null;
  const p = Number(key);
  return p <= 65535 ? p : null;
}

function planPort(f: SpecInputField, total: number, limits: SpecLimits): Plan {
  const s = f.stats;
  const card = cardinality(s);
  const perCount = card.counted > 0 ? s.present / card.counted : 0;
  const ports: number[] = [];
  const counts: number[] = [];
  let anyPort = s.portLike > 0;
  let nonPort = false;
  for (const [key, c] of card.top) {
    const p = asPort(key);
    if (p === null) {
      nonPort = true;
      continue;
    }
    anyPort = true;
    if (ports.length < limits.maxOneHot && c >= limits.minShare * card.counted) {
      ports.push(p);
      counts.push(c * perCount);
    }
  }
  if (!anyPort) return { why: 'no port numbers' };
  const missing = s.present < total || nonPort || s.numbers > s.portLike || s.booleans + s.lists > 0 || (s.strings > 0 && s.shapeChecked > s.numericText);
  return {
    feature: { pos: f.pos, name: f.name, kind: 'port', ports, width: ports.length + 3 + (missing ? 1 : 0), missing },
    present: s.present,
    counts,
  };
}

function epochShare(values: number[], unit: number): number {
  let n = 0;
  for (const v of values) if (v * unit >= EPOCH_MIN && v * unit <= EPOCH_MAX) n++;
  return values.length ? n / values.length : 0;
}

function planTimestamp(f: SpecInputField, total: number, recordTime: boolean): Plan {
  const s = f.stats;
  const card = cardinality(s);
  // Numbers (and numeric text) with a unit to find; ISO text is absolute seconds already.
  const numbers: number[] = s.reservoir.filter((v) => Number.isFinite(v));
  const iso: number[] = [];
  let unreadable = 0;
  for (const [key] of card.top.slice(0, 500)) {
    const n = parseEpochSeconds(key);
    if (n !== null) {
      if (!s.reservoir.length) numbers.push(n);
      continue;
    }
    const t = parseIsoTime(key);
    if (t === null) unreadable++;
    else iso.push(t);
  }
  if (!numbers.length && !iso.length) {
    if (!recordTime) return { why: 'no value reads as a time: no hour-of-day feature' };
    // The parser read this text into the record's time; use that (missing when it is not a date).
    return { feature: { pos: f.pos, name: f.name, kind: 'timestamp', source: 'record', unit: 1, width: 3, missing: true }, present: s.present };
  }
  let unit = 0;
  if (!numbers.length || epochShare(numbers, 1) >= 0.9) unit = 1;
  else if (epochShare(numbers, 0.001) >= 0.9) unit = 0.001;
  const absolute = unit > 0 && (!iso.length || epochShare(iso, 1) >= 0.9);
  if (!absolute) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of numbers.length ? numbers : iso) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const fmt = (x: number) => String(Number(x.toPrecision(6)));
    return { why: `relative times (${fmt(lo)} … ${fmt(hi)}), not dates: no hour-of-day feature` };
  }
  const missing = s.present < total || unreadable > 0 || s.nonFinite > 0 || s.lists + s.booleans > 0;
  return {
    feature: { pos: f.pos, name: f.name, kind: 'timestamp', source: 'value', unit, width: 2 + (missing ? 1 : 0), missing },
    present: s.present,
  };
}

/** Whether any of a field's values read as a time by themselves (numbers, numeric or ISO text). */
function readableTimes(s: FieldStats): boolean {
  if (s.numbers > 0) return true;
  for (const key of Object.keys(s.distinct).slice(0, 500)) if (parseEpochSeconds(key) !== null || parseIsoTime(key) !== null) return true;
  return false;
}

function plan(f: SpecInputField, total: number, limits: SpecLimits, recordTime: boolean): Plan {
  switch (f.role) {
    case 'numeric':
      return planNumeric(f, total);
    case 'categorical':
      return planCategorical(f, total, limits);
    case 'ip':
      return planIp(f, total);
    case 'port':
      return planPort(f, total, limits);
    case 'timestamp':
      return planTimestamp(f, total, recordTime);
    case 'label':
      return { why: 'ground truth: never a feature' };
    case 'identifier':
      return { why: 'identifier: excluded' };
    case 'text':
      return { why: 'free text: excluded' };
    default:
      return { why: 'ignored' };
  }
}

/** One-hot candidates of a drafted field (categorical values or ports). */
const candidates = (d: Drafted) => d.counts?.length ?? 0;

/**
 * Which columns to keep within maxDim. A field's fixed columns (its value, flags, buckets, `(other)`)
 * come as one unit worth the records holding the field; each one-hot value is a unit worth the
 * records holding that value. Units are taken greedily, most records first, so the budget goes to
 * the columns that describe the most records: the values of a field in every record before a
 * field seen in four, and that field's presence before a rare value of a common one.
 * Returns, per field, how many one-hot candidates it keeps, or -1 when it is left out.
 */
function allocate(drafts: Array<Drafted | null>, maxDim: number): number[] {
  type Unit = { field: number; value: number; benefit: number; width: number };
  const units: Unit[] = [];
  drafts.forEach((d, field) => {
    if (!d) return;
    units.push({ field, value: -1, benefit: d.present, width: d.feature.width - candidates(d) });
    d.counts?.forEach((c, value) => units.push({ field, value, benefit: c, width: 1 }));
  });
  units.sort((a, b) => b.benefit - a.benefit || a.value - b.value || a.field - b.field);
  const keep = drafts.map(() => -1);
  let dim = 0;
  const take = (only: 'all' | 'values') => {
    for (const u of units) {
      if (u.value < 0) {
        if (only === 'values' || keep[u.field]! >= 0 || dim + u.width > maxDim) continue;
        keep[u.field] = 0;
        dim += u.width;
      } else if (keep[u.field] === u.value && dim + 1 <= maxDim) {
        // Values are taken in order (most frequent first), never with a gap.
        keep[u.field] = u.value + 1;
        dim += 1;
      }
    }
  };
  take('all');
  // A categorical field left with no value and no missing flag says nothing: drop it, and give
  // its column to the values still waiting.
  let freed = false;
  drafts.forEach((d, i) => {
    if (d && keep[i] === 0 && d.feature.kind === 'categorical' && !d.feature.missing) {
      keep[i] = -1;
      dim -= d.feature.width - candidates(d);
      freed = true;
    }
  });
  if (freed) take('values');
  return keep;
}

/**
 * The feature spec for these fields. `totalRecords` is the number of records in the project: a
 * field present in fewer records gets a missing flag.
 */
export function buildSpec(fields: SpecInputField[], totalRecords: number, limits: SpecLimits = DEFAULT_LIMITS): FeatureSpec {
  const sorted = fields.map((f) => ({ ...f, stats: { ...emptyStats(), ...f.stats } })).sort((a, b) => a.pos - b.pos);
  // The record's ts column stands in for the first timestamp field named like the record's time
  // whose text the featurizer cannot read (only one: the parser takes one time per record).
  const recordTimePos = sorted.find((f) => f.role === 'timestamp' && isTimestampName(f.name) && !readableTimes(f.stats))?.pos;
  const plans = sorted.map((f) => plan(f, totalRecords, limits, f.pos === recordTimePos));
  const keep = allocate(
    plans.map((p) => ('feature' in p ? p : null)),
    limits.maxDim,
  );

  const out: FieldFeature[] = [];
  const excluded: ExcludedField[] = [];
  const names: string[] = [];
  const fieldOfColumn: string[] = [];
  let offset = 0;
  sorted.forEach((f, i) => {
    const p = plans[i]!;
    if (!('feature' in p)) {
      excluded.push({ pos: f.pos, name: f.name, role: f.role, why: p.why });
      return;
    }
    const k = keep[i]!;
    if (k < 0) {
      const why =
        p.feature.kind === 'categorical' && !p.feature.missing
          ? `no value of it fits within the ${limits.maxDim}-column cap`
          : `left out: present in few records (${p.present}) and the features are capped at ${limits.maxDim} columns`;
      excluded.push({ pos: f.pos, name: f.name, role: f.role, why });
      return;
    }
    let feature = { ...p.feature, offset } as FieldFeature;
    const dropped = candidates(p) - k;
    if (feature.kind === 'categorical') feature = { ...feature, values: feature.values.slice(0, k), width: feature.width - dropped };
    if (feature.kind === 'port') feature = { ...feature, ports: feature.ports.slice(0, k), width: feature.width - dropped };
    const cols = columnNames(feature);
    if (cols.length !== feature.width) throw new Error(`internal: ${f.name} has ${cols.length} names for ${feature.width} columns`);
    names.push(...cols);
    for (let c = 0; c < cols.length; c++) fieldOfColumn.push(f.name);
    out.push(feature);
    offset += feature.width;
  });
  return { version: SPEC_VERSION, records: totalRecords, limits: { ...limits }, dim: offset, names, fieldOfColumn, fields: out, excluded };
}
