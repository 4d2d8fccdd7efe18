import type { Database } from 'better-sqlite3';
import { RosasError, throwIfAborted } from '../errors';
import type { FieldValue } from '../ingest/types';
import { parseEpochSeconds, parseIsoTime } from '../ingest/time';
import { EPOCH_MAX, EPOCH_MIN } from './roles';
import { checkSpec, type CategoricalFeature, type FeatureSpec, type FieldFeature, type IpFeature, type NumericFeature, type PortFeature, type TimestampFeature } from './spec';

/**
 * Records → rows of the model's float32 matrix, as a FeatureSpec says (see spec.ts for the
 * layout). `compileSpec` turns the spec into one small writer per field, once; a row then costs a
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

/** IPv4 text as an unsigned 32-bit number, or -1. */
function parseV4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let octet = -1;
  let dots = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      octet = (octet < 0 ? 0 : octet) * 10 + (c - 48);
      if (octet > 255) return -1;
    } else if (c === 46) {
      if (octet < 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = -1;
      digits = 0;
    } else return -1;
  }
  if (dots !== 3 || octet < 0) return -1;
  return value * 256 + octet;
}

function v4Internal(v: number): boolean {
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) & 255;
  return (
    a === 10 || // RFC 1918
    (a === 172 && (b & 0xf0) === 16) ||
    (a === 192 && b === 168) ||
    a === 127 || // loopback
    (a === 169 && b === 254) || // link-local
    (a === 100 && (b & 0xc0) === 64) || // CGNAT 100.64/10
    a === 0 || // "this network"
    a >= 224 // multicast, reserved, broadcast
  );
}

const HEXTET = /^[0-9a-f]{1,4}$/i;

function hextets(part: string, allowV4: boolean, out: number[]): boolean {
  if (part === '') return true;
  const items = part.split(':');
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (allowV4 && i === items.length - 1 && it.includes('.')) {
      const v4 = parseV4(it);
      if (v4 < 0) return false;
      out.push(Math.floor(v4 / 65536), v4 & 0xffff);
    } else if (HEXTET.test(it)) out.push(parseInt(it, 16));
    else return false;
  }
  return true;
}

/** IPv6 text (optionally with a zone `%eth0` or brackets) as 8 hextets, or null. */
function parseV6(text: string): number[] | null {
  let s = text;
  if (s.charCodeAt(0) === 91 && s.charCodeAt(s.length - 1) === 93) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) return null;
    const head: number[] = [];
    const tail: number[] = [];
    if (!hextets(s.slice(0, dbl), false, head) || !hextets(s.slice(dbl + 2), true, tail) || head.length + tail.length > 7) return null;
    return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const all: number[] = [];
  return hextets(s, true, all) && all.length === 8 ? all : null;
}

function v6Internal(g: number[]): boolean {
  const g0 = g[0]!;
  if ((g0 & 0xfe00) === 0xfc00) return true; // ULA fc00::/7
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return true; // link-local, old site-local
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0) {
    if (g[5] === 0xffff) return v4Internal(g[6]! * 65536 + g[7]!); // IPv4-mapped
    if (g[5] === 0) {
      if (g[6] === 0) return g[7] === 0 || g[7] === 1; // :: and ::1
      return v4Internal(g[6]! * 65536 + g[7]!); // IPv4-compatible (deprecated)
    }
  }
  return false;
}

/**
 * Whether an address is internal (private, loopback, link-local, CGNAT, ULA, multicast…; see
 * spec.ts), external (false), or not an IP address at all (null).
 */
export function ipIsInternal(text: string): boolean | null {
  if (text.length < 2 || text.length > 64) return null;
  if (text.includes(':')) {
    const g = parseV6(text);
    return g ? v6Internal(g) : null;
  }
  const v4 = parseV4(text);
  return v4 < 0 ? null : v4Internal(v4);
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
}

export interface Matrix {
  /** Record id of each row. */
  ids: Int32Array;
  /** rows × dim, row-major. */
  x: Float32Array;
  rows: number;
  dim: number;
}

const EMPTY: FieldValue[] = [];

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
  const own = !db.inTransaction;
  if (own) db.exec('BEGIN');
  try {
    const total = (db.prepare('SELECT count(*) AS n FROM records WHERE id >= ? AND id <= ?').get(firstId, lastId) as { n: number }).n;
    if (total * dim > 2 ** 32 - 1) {
      throw new RosasError('invalid-argument', `${total} records × ${dim} features is too large for one matrix; import fewer records or use fewer fields`);
    }
    const ids = new Int32Array(total);
    const x = new Float32Array(total * dim);
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
        let values: unknown;
        try {
          values = JSON.parse(text);
        } catch {
          values = EMPTY;
        }
        featurize(Array.isArray(values) ? (values as FieldValue[]) : EMPTY, x, rows * dim, ts);
        ids[rows++] = id;
      }
      from = batch[batch.length - 1]![0] + 1;
      opts.onProgress?.(rows, total);
    }
    return rows === total ? { ids, x, rows, dim } : { ids: ids.slice(0, rows), x: x.slice(0, rows * dim), rows, dim };
  } finally {
    if (own && db.inTransaction) db.exec('COMMIT');
  }
}
