import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { emptyStats, type FieldStats } from '../ingest/field-stats';
import { parseEpochSeconds, parseIsoTime } from '../ingest/time';
import { cardinality, EPOCH_MAX, EPOCH_MIN, FEATURE_ROLES, isTimestampName, type Role } from './roles';

/**
 * The feature specification: how a record's field values become one row of the model's float32
 * matrix. It is computed once from the field statistics (the first import, or an explicit rebuild)
 * and stored in the project (`feature_specs`), so every round and every later import featurizes
 * the same way: a later import never changes what a column means.
 *
 * Layout. Fields are laid out in order of `pos`; each used field owns a contiguous block of
 * columns starting at `offset`, `width` wide. Within a block (`(missing)` is present only when the
 * field was ever absent or unreadable when the spec was built, and is always the block's last column):
 *
 * | kind        | columns                                                                         |
 * |-------------|---------------------------------------------------------------------------------|
 * | numeric     | `name`, `name (missing)`                                                        |
 * | categorical | `name=v1` … `name=vk`, `name=(other)`, `name (missing)`                         |
 * | ip          | `name internal`, `name frequency`, `name (missing)` (also set for non-IP text)  |
 * | port        | `name 443` … (frequent ports), `name well-known`, `name registered`, `name ephemeral`, `name (missing)` |
 * | timestamp   | `name hour sin`, `name hour cos`, `name (missing)`                              |
 *
 * Values:
 * - numeric `bool`: 0/1 as they are. `linear` / `log`: t = x, or for heavy tails (the range is
 *   over 20 times the IQR) t = sign(x)·log1p(|x| / logUnit) with logUnit = the 10th percentile of
 *   the non-zero magnitudes (at most 1), z = (t − center) / scale with center = median and
 *   scale = IQR of t (fallbacks when the
 *   IQR is 0: the 10–90 or 1–99 percentile spread, then the range, then 1), then a soft clip
 *   clip·tanh(z / clip): bounded in (−clip, clip), monotone, about linear for |z| < clip/2.
 *   Missing, non-finite or non-numeric → 0 and the missing flag.
 * - categorical: one-hot of the frequent values (share ≥ minShare of records, at most maxOneHot
 *   of them); any other value, including ones first seen in a later import, sets `(other)`.
 *   Lists are keyed by their elements joined with `,` (as the field statistics key them).
 * - ip: internal = RFC 1918, loopback, link-local, CGNAT 100.64/10, 0/8, multicast and broadcast,
 *   IPv6 ::1, ::, ULA fc00::/7, link-local fe80::/10, multicast ff00::/8, and IPv4-mapped /
 *   -compatible addresses by their IPv4 part. frequency = log1p(count) / log1p(records counted),
 *   from the stored top-value counts: 1 for an address in every record, 0 for one never seen.
 * - port: one-hot of frequent ports plus the IANA range bucket (< 1024, 1024–49151, ≥ 49152).
 * - timestamp: only for absolute times (epoch s or ms, ISO text): hour of day (UTC, or the log's
 *   own wall clock when it gives no zone) as sin/cos. Relative times give no column. For the
 *   record's time field written in a form only its parser reads (syslog, Apache), the record's
 *   `ts` column is used instead (`source: 'record'`).
 *
 * Caps. At most maxOneHot values (and ports) per field and maxDim columns in all. When the fields
 * need more, the columns that describe the most records are kept (see `allocate`): rare one-hot
 * values go to `(other)` first, then fields present in the fewest records are left out (listed in
 * `excluded` with the reason). maxDim = 256 keeps a million-record matrix at 1 GB and RoSAS's
 * first layer small; typical logs (Zeek conn, CIC, UNSW, auth, Apache) need 40–130.
 */

export const SPEC_VERSION = 1;

export interface SpecLimits {
  /** One-hot columns per categorical or port field, at most. */
  maxOneHot: number;
  /** A value needs at least this share of the field's records to get its own column. */
  minShare: number;
  /** Columns in all, at most. */
  maxDim: number;
  /** Numeric outputs lie in (−clip, clip). */
  clip: number;
}

export const DEFAULT_LIMITS: SpecLimits = { maxOneHot: 20, minShare: 0.005, maxDim: 256, clip: 6 };

interface FeatureBase {
  pos: number;
  name: string;
  offset: number;
  width: number;
  /** The block's last column flags a missing (absent, non-finite, unreadable) value. */
  missing: boolean;
}

export interface NumericFeature extends FeatureBase {
  kind: 'numeric';
  transform: 'bool' | 'linear' | 'log';
  /** `log` reads t = sign(x)·log1p(|x| / logUnit): logUnit is a small typical magnitude (1 otherwise). */
  logUnit: number;
  center: number;
  scale: number;
}

export interface CategoricalFeature extends FeatureBase {
  kind: 'categorical';
  /** Values with their own column, in column order (as text, the way field stats key them). */
  values: string[];
}

export interface IpFeature extends FeatureBase {
  kind: 'ip';
  /** Address -> records holding it, for the frequency column (the field's top values). */
  counts: Record<string, number>;
  /** Records the counts stand for. */
  counted: number;
}

export interface PortFeature extends FeatureBase {
  kind: 'port';
  /** Ports with their own column, in column order. */
  ports: number[];
}

export interface TimestampFeature extends FeatureBase {
  kind: 'timestamp';
  /**
   * `value`: the field's own value (epoch number, numeric text or ISO text). `record`: the
   * record's `ts` column, which the parser derived from this field's text (syslog `Mar 27
   * 13:06:56`, Apache `17/May/2015:10:05:03 +0000`): used for the one timestamp field whose text
   * the featurizer cannot read itself. A record time outside 2000–2100 counts as missing.
   */
  source: 'value' | 'record';
  /** Multiplier that turns a numeric value into epoch seconds (1 for s, 0.001 for ms). */
  unit: number;
}

export type FieldFeature = NumericFeature | CategoricalFeature | IpFeature | PortFeature | TimestampFeature;

export interface ExcludedField {
  pos: number;
  name: string;
  role: Role;
  why: string;
}

export interface FeatureSpec {
  version: typeof SPEC_VERSION;
  /** Records in the project when the spec was built. */
  records: number;
  limits: SpecLimits;
  dim: number;
  /** A readable name per column, e.g. `orig_bytes`, `proto=tcp`, `id.resp_p well-known`. */
  names: string[];
  /** The field each column comes from, for mapping attributions back to log fields. */
  fieldOfColumn: string[];
  /** Fields with columns, in column order. */
  fields: FieldFeature[];
  /** Fields without columns, and why. */
  excluded: ExcludedField[];
}

export interface SpecInputField {
  pos: number;
  name: string;
  /** The effective role: the analyst's override, else the inferred one. */
  role: Role;
  stats: FieldStats;
}

// ---------------------------------------------------------------------------------------------

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

/** A value as a one-line column name part: whitespace runs folded, long values cut. */
function shortValue(value: string): string {
  const v = value.replace(/\s+/g, ' ');
  return v.length > 40 ? `${v.slice(0, 39)}…` : v;
}

function columnNames(f: FieldFeature): string[] {
  const n = f.name;
  const cols: string[] = [];
  switch (f.kind) {
    case 'numeric':
      cols.push(n);
      break;
    case 'categorical':
      for (const v of f.values) cols.push(`${n}=${shortValue(v)}`);
      cols.push(`${n}=(other)`);
      break;
    case 'ip':
      cols.push(`${n} internal`, `${n} frequency`);
      break;
    case 'port':
      for (const p of f.ports) cols.push(`${n} ${p}`);
      cols.push(`${n} well-known`, `${n} registered`, `${n} ephemeral`);
      break;
    case 'timestamp':
      cols.push(`${n} hour sin`, `${n} hour cos`);
      break;
  }
  if (f.missing) cols.push(`${n} (missing)`);
  return cols;
}

// ---------------------------------------------------------------------------------------------
// Storage.

/** Stores a spec; returns its id (rounds refer to it). */
export function saveSpec(db: Database, spec: FeatureSpec): number {
  checkSpec(spec);
  const r = db.prepare('INSERT INTO feature_specs (created_at, spec) VALUES (?, ?)').run(new Date().toISOString(), JSON.stringify(spec));
  return Number(r.lastInsertRowid);
}

/** The spec in force: the most recently stored one, or null before the first import. */
export function latestSpec(db: Database): { id: number; spec: FeatureSpec } | null {
  const row = db.prepare('SELECT id, spec FROM feature_specs ORDER BY id DESC LIMIT 1').get() as { id: number; spec: string } | undefined;
  if (!row) return null;
  return { id: row.id, spec: parseSpec(row.spec, row.id) };
}

/** A spec by id (the one a round was trained with). */
export function specById(db: Database, id: number): FeatureSpec {
  const row = db.prepare('SELECT spec FROM feature_specs WHERE id = ?').get(id) as { spec: string } | undefined;
  if (!row) throw new RosasError('not-found', `no feature spec #${id} in this project`);
  return parseSpec(row.spec, id);
}

function parseSpec(text: string, id: number): FeatureSpec {
  let spec: FeatureSpec;
  try {
    spec = JSON.parse(text) as FeatureSpec;
  } catch {
    throw new RosasError('project-invalid', `feature spec #${id} is not valid JSON`);
  }
  if (typeof spec?.version === 'number' && spec.version > SPEC_VERSION) {
    throw new RosasError('project-newer', `feature spec #${id} has version ${spec.version}; this version of RoSAS Workbench reads up to ${SPEC_VERSION}`);
  }
  try {
    checkSpec(spec);
  } catch (err) {
    throw new RosasError('project-invalid', `feature spec #${id} is damaged: ${(err as Error).message}`);
  }
  return spec;
}

const KINDS = new Set<string>(FEATURE_ROLES);

/** Throws when a spec is not self-consistent (offsets, widths, names, finite parameters). */
export function checkSpec(spec: FeatureSpec): void {
  if (!spec || spec.version !== SPEC_VERSION) throw new Error(`unknown spec version ${String(spec?.version)}`);
  if (!Array.isArray(spec.fields) || !Array.isArray(spec.names) || !Array.isArray(spec.fieldOfColumn)) throw new Error('fields, names or fieldOfColumn missing');
  let offset = 0;
  for (const f of spec.fields) {
    if (!KINDS.has(f.kind)) throw new Error(`unknown feature kind ${String(f.kind)}`);
    if (f.offset !== offset || !Number.isInteger(f.width) || f.width < 1) throw new Error(`field ${f.name}: bad offset or width`);
    if (!Number.isInteger(f.pos) || f.pos < 0) throw new Error(`field ${f.name}: bad pos`);
    const expected = columnNames(f).length;
    if (expected !== f.width) throw new Error(`field ${f.name}: width ${f.width} but ${expected} columns`);
    if (f.kind === 'numeric' && !(Number.isFinite(f.center) && Number.isFinite(f.scale) && f.scale > 0 && Number.isFinite(f.logUnit) && f.logUnit > 0)) {
      throw new Error(`field ${f.name}: bad scaling`);
    }
    if (f.kind === 'timestamp' && (!(Number.isFinite(f.unit) && f.unit > 0) || (f.source !== 'value' && f.source !== 'record'))) {
      throw new Error(`field ${f.name}: bad unit or source`);
    }
    offset += f.width;
  }
  if (offset !== spec.dim || spec.names.length !== spec.dim || spec.fieldOfColumn.length !== spec.dim) throw new Error('dim does not match the columns');
  if (!(spec.limits && Number.isFinite(spec.limits.clip) && spec.limits.clip > 0)) throw new Error('bad limits');
}
