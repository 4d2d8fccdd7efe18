import type { Database } from 'better-sqlite3';
import { RosasError, throwIfAborted } from '../errors';
import { parseFieldValues, type FieldValue } from '../fields/values';
import { parseEpochSeconds, parseIsoTime } from '../fields/time';
import { ipIsInternal } from '../util/ip';
import { inReadTransaction } from '../util/read-tx';
import { EPOCH_MAX, EPOCH_MIN } from './roles';
import { checkSpec, type CategoricalFeature, type FeatureSpec, type FieldFeature, type IpFeature, type NumericFeature, type PortFeature, type TimestampFeature } from './spec';

/**
 * Records → rows of the model's float32 matrix, as a FeatureSpec says (docs/features.md describes
 * the layout). `compileSpec` turns the spec into one small writer per field, once; a row then costs a
 * loop over the fields with no allocation except for the rare value that needs parsing (numeric
 * text, ISO times, addresses outside the stored top values). Every output is finite: anything
 * unreadable becomes the field's missing flag.
 */

/** Writes one field's columns for a value at out[o…o+width). */
type Writer = (v: unknown, out: Float32Array, o: number) => void;

export interface CompiledSpec {
  dim: number;
  /**
   * Writes the row for a record's values (the `records.fields` JSON array) at out[offset…offset+dim).
   * `recordTs` is the record's `ts` column, read by timestamp features with `source: 'record'`.
   */
  featurize(values: ArrayLike<FieldValue | undefined>, out: Float32Array, offset: number, recordTs?: number | null): void;
}

// ---------------------------------------------------------------------------------------------
// Values.

/** A number from text, or NaN: plain decimals only (no hex, no padding, no `Infinity`). */
function textNumber(s: string): number {
  const n = s.length;
  if (n === 0 || n > 64) return NaN;
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(n - 1);
  const digitOrDot = (c: number) => (c >= 48 && c <= 57) || c === 46;
  if (!(digitOrDot(a) || a === 45 || a === 43) || !digitOrDot(z)) return NaN;
  if (n > 1 && a === 48) {
    const b = s.charCodeAt(1) | 32;
    if (b === 120 || b === 98 || b === 111) return NaN; // 0x.. 0b.. 0o..
  }
  return +s;
}

// ---------------------------------------------------------------------------------------------
// Writers, one per kind.

function numericWriter(f: NumericFeature, clip: number): Writer {
  const { center, missing } = f;
  const inv = 1 / f.scale;
  const invUnit = 1 / f.logUnit;
  const invClip = 1 / clip;
  const mode = f.transform === 'bool' ? 0 : f.transform === 'linear' ? 1 : 2;
  return (v, out, o) => {
    let x: number;
    if (typeof v === 'number') x = v;
    else if (typeof v === 'boolean') x = v ? 1 : 0;
    else if (typeof v === 'string') x = textNumber(v);
    else x = NaN;
    // NaN and ±Infinity fail this test.
    if (x - x === 0) {
      let y: number;
      if (mode === 0) y = x < -clip ? -clip : x > clip ? clip : x;
      else {
        const t = mode === 2 ? (x < 0 ? -Math.log1p(-x * invUnit) : Math.log1p(x * invUnit)) : x;
        y = clip * Math.tanh((t - center) * inv * invClip);
        if (y !== y) y = 0; // unreachable with finite inputs; belt and braces
      }
      out[o] = y;
      if (missing) out[o + 1] = 0;
    } else {
      out[o] = 0;
      if (missing) out[o + 1] = 1;
    }
  };
}

function categoricalWriter(f: CategoricalFeature): Writer {
  const strings = new Map<string, number>();
  const numbers = new Map<number, number>();
  f.values.forEach((key, i) => {
    strings.set(key, i);
    // Numbers are keyed by their text in the stats: find them without building that text per row.
    const n = Number(key);
    if (key !== '' && Number.isFinite(n) && String(n) === key) numbers.set(n, i);
  });
  const trueIdx = strings.get('true') ?? -1;
  const falseIdx = strings.get('false') ?? -1;
  const other = f.values.length;
  const { width, missing } = f;
  const missingIdx = width - 1;
  return (v, out, o) => {
    out.fill(0, o, o + width);
    if (v === null || v === undefined) {
      if (missing) out[o + missingIdx] = 1;
      return;
    }
    let i: number | undefined;
    if (typeof v === 'string') i = strings.get(v);
    else if (typeof v === 'number') i = numbers.get(v);
    else if (typeof v === 'boolean') i = v ? trueIdx : falseIdx;
    else if (Array.isArray(v)) i = strings.get(v.join(','));
    out[o + (i === undefined || i < 0 ? other : i)] = 1;
  };
}

function ipWriter(f: IpFeature): Writer {
  // Addresses of the stored top values: their class and frequency, computed once.
  const known = new Map<string, number>();
  const internal: number[] = [];
  const frequency: number[] = [];
  const denominator = Math.log1p(Math.max(1, f.counted));
  for (const [address, count] of Object.entries(f.counts)) {
    known.set(address, internal.length);
    const cls = ipIsInternal(address);
    internal.push(cls === null ? -1 : cls ? 1 : 0);
    frequency.push(Math.min(1, Math.log1p(Math.max(0, count)) / denominator));
  }
  const { missing } = f;
  return (v, out, o) => {
    if (typeof v === 'string' && v.length > 0) {
      const k = known.get(v);
      let cls: number;
      if (k !== undefined) {
        cls = internal[k]!;
        out[o + 1] = frequency[k]!;
      } else {
        const c = ipIsInternal(v);
        cls = c === null ? -1 : c ? 1 : 0;
        out[o + 1] = 0; // never among the top values: rare
      }
      out[o] = cls === 1 ? 1 : 0;
      if (missing) out[o + 2] = cls < 0 ? 1 : 0;
    } else {
      out[o] = 0;
      out[o + 1] = 0;
      if (missing) out[o + 2] = 1;
    }
  };
}

function portWriter(f: PortFeature): Writer {
  const column = new Int8Array(65536).fill(-1);
  f.ports.forEach((p, i) => (column[p] = i));
  const bucket = f.ports.length;
  const { width, missing } = f;
  return (v, out, o) => {
    out.fill(0, o, o + width);
    const p = typeof v === 'number' ? v : typeof v === 'string' ? textNumber(v) : NaN;
    if (p >= 0 && p <= 65535 && Math.floor(p) === p) {
      const c = column[p]!;
      if (c >= 0) out[o + c] = 1;
      out[o + bucket + (p < 1024 ? 0 : p < 49152 ? 1 : 2)] = 1;
    } else if (missing) out[o + width - 1] = 1;
  };
}

const DAY = 86400;
const RADIANS_PER_SECOND = (2 * Math.PI) / DAY;

function timestampWriter(f: TimestampFeature, row: { ts: number | null | undefined }): Writer {
  const { unit, missing } = f;
  const fromRecord = f.source === 'record';
  return (v, out, o) => {
    let t = NaN;
    if (fromRecord) {
      const ts = row.ts;
      // Only dates: a relative record time has no hour of day.
      if (typeof ts === 'number' && ts >= EPOCH_MIN && ts <= EPOCH_MAX && v !== null && v !== undefined) t = ts;
    } else if (typeof v === 'number') t = v * unit;
    else if (typeof v === 'string') {
      const n = parseEpochSeconds(v);
      t = n !== null ? n * unit : (parseIsoTime(v) ?? NaN);
    }
    if (t - t === 0) {
      let s = t % DAY;
      if (s < 0) s += DAY;
      const a = s * RADIANS_PER_SECOND;
      out[o] = Math.sin(a);
      out[o + 1] = Math.cos(a);
      if (missing) out[o + 2] = 0;
    } else {
      out[o] = 0;
      out[o + 1] = 0;
      if (missing) out[o + 2] = 1;
    }
  };
}

function writerOf(f: FieldFeature, clip: number, row: { ts: number | null | undefined }): Writer {
  switch (f.kind) {
    case 'numeric':
      return numericWriter(f, clip);
    case 'categorical':
      return categoricalWriter(f);
    case 'ip':
      return ipWriter(f);
    case 'port':
      return portWriter(f);
    case 'timestamp':
      return timestampWriter(f, row);
  }
}

// ---------------------------------------------------------------------------------------------

/** The fast featurizer for a spec. Compile once, call per row. */
export function compileSpec(spec: FeatureSpec): CompiledSpec {
  checkSpec(spec);
  const n = spec.fields.length;
  // The row being written: what record-time features read.
  const row: { ts: number | null | undefined } = { ts: null };
  const writers = spec.fields.map((f) => writerOf(f, spec.limits.clip, row));
  const pos = Int32Array.from(spec.fields, (f) => f.pos);
  const off = Int32Array.from(spec.fields, (f) => f.offset);
  return {
    dim: spec.dim,
    featurize(values, out, offset, recordTs) {
      row.ts = recordTs;
      const len = values.length;
      for (let i = 0; i < n; i++) {
        const p = pos[i]!;
        writers[i]!(p < len ? values[p] : undefined, out, offset + off[i]!);
      }
    },
  };
}

const compiled = new WeakMap<FeatureSpec, CompiledSpec>();

/**
 * One record's row at out[offset…offset+spec.dim). Compiles the spec on first use (cached per spec
 * object). `recordTs` is the record's `ts` column (see TimestampFeature.source).
 */
export function featurizeRow(spec: FeatureSpec, values: FieldValue[], out: Float32Array, offset: number, recordTs?: number | null): void {
  let c = compiled.get(spec);
  if (!c) {
    c = compileSpec(spec);
    compiled.set(spec, c);
  }
  c.featurize(values, out, offset, recordTs);
}

export interface BuildMatrixOptions {
  /** Records read per query (default 8192): bounds the memory used besides the matrix. */
  chunkRows?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Only records with firstId <= id <= lastId. */
  where?: { firstId?: number; lastId?: number };
  /** A key per record from its field values (e.g. a message template): rows with equal keys share a group number. */
  groupKey?: (values: FieldValue[]) => string | null;
}

export interface Matrix {
  /** Record id of each row. */
  ids: Int32Array;
  /** rows × dim, row-major. */
  x: Float32Array;
  rows: number;
  dim: number;
  /** With BuildMatrixOptions.groupKey: each row's group number (0, 1, … by first appearance); -1 where the key was null. */
  groups?: Int32Array;
}

/**
 * The feature matrix of the project's records (in id order), read in chunks by keyset paging so
 * that only one chunk of record text is held at a time. The reads run in one read transaction
 * (unless the caller has one open), so the count and the rows agree.
 */
export function buildMatrix(db: Database, spec: FeatureSpec, opts: BuildMatrixOptions = {}): Matrix {
  const { dim, featurize } = compileSpec(spec);
  const chunk = Math.max(1, Math.floor(opts.chunkRows ?? 8192));
  const firstId = opts.where?.firstId ?? Number.MIN_SAFE_INTEGER;
  const lastId = opts.where?.lastId ?? Number.MAX_SAFE_INTEGER;
  return inReadTransaction(db, () => {
    const total = (db.prepare('SELECT count(*) AS n FROM records WHERE id >= ? AND id <= ?').get(firstId, lastId) as { n: number }).n;
    if (total * dim > 2 ** 32 - 1) {
      throw new RosasError('invalid-argument', `${total} records × ${dim} features is too large for one matrix; import fewer records or use fewer fields`);
    }
    const ids = new Int32Array(total);
    // Shared memory: a round's threads (RoSAS members, the feedback forest) read it in place.
    const x = new Float32Array(new SharedArrayBuffer(total * dim * Float32Array.BYTES_PER_ELEMENT));
    // Read while the values are parsed anyway: a second pass over 1M records would cost seconds.
    const groups = opts.groupKey ? new Int32Array(total) : undefined;
    const groupOf = new Map<string, number>();
    const page = db.prepare('SELECT id, ts, fields FROM records WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?').raw(true);
    let rows = 0;
    let from = firstId;
    opts.onProgress?.(0, total);
    while (rows < total) {
      throwIfAborted(opts.signal, 'building the feature matrix');
      const batch = page.all(from, lastId, Math.min(chunk, total - rows)) as Array<[number, number | null, string]>;
      if (!batch.length) break;
      for (let i = 0; i < batch.length; i++) {
        const [id, ts, text] = batch[i]!;
        if (id > 2147483647 || id < -2147483648) throw new RosasError('internal', `record id ${id} does not fit the matrix's id column`);
        const values = parseFieldValues(text);
        featurize(values, x, rows * dim, ts);
        if (groups) {
          const key = opts.groupKey!(values);
          let g = key === null ? -1 : groupOf.get(key);
          if (g === undefined) groupOf.set(key!, (g = groupOf.size));
          groups[rows] = g;
        }
        ids[rows++] = id;
      }
      from = batch[batch.length - 1]![0] + 1;
      opts.onProgress?.(rows, total);
    }
    const m: Matrix = rows === total ? { ids, x, rows, dim } : { ids: ids.slice(0, rows), x: x.slice(0, rows * dim), rows, dim };
    if (groups) m.groups = rows === total ? groups : groups.slice(0, rows);
    return m;
  });
}
