import { FieldRegistry, numberedName } from '../fields/names';
import { StatsCollector, type FieldStats } from '../fields/stats';
import type { FieldValue } from '../fields/values';
import type { LineCounts, UnitBatch } from './parse-stream';
import { truthRule } from './truth';

/**
 * Records turned into exactly what the database rows need, in a form that crosses threads
 * cheaply: typed arrays (transferred, not copied) and one concatenated string per column.
 */
export interface PreparedBatch {
  count: number;
  lines: Float64Array;
  /** NaN: the record has no time. */
  ts: Float64Array;
  /** -1: no ground truth. */
  truth: Int8Array;
  raws: string;
  rawEnds: Int32Array;
  /** JSON arrays of field values indexed by field position. */
  jsons: string;
  jsonEnds: Int32Array;
  bad: Array<{ line: number; reason: string; raw: string }>;
  bytesRead: number;
  latin1: number;
  lineCounts: LineCounts;
  gzipError?: string;
}

export interface PrepareSetup {
  /** The project's fields before this import. */
  existing: Array<{ pos: number; name: string }>;
  labelColumn?: string;
  normalValues?: string[];
}

export interface PrepareResult {
  added: Array<{ pos: number; name: string }>;
  stats: Array<[number, FieldStats]>;
  /** Whether the label column was found among the fields. */
  labelFound: boolean;
  truth: { anomalies: number; normals: number };
  /** Names that differ only in case from another in the same record, and what they were kept as. */
  renamed: Array<{ from: string; to: string; records: number }>;
}

/** Records whose values all go into the field statistics; after these, one in STATS_EVERY does. */
const STATS_FULL = 65_536;
const STATS_EVERY = 4;

/** Field positions, statistics and ground truth for each parsed record, then its row text. */
export class RecordPreparer {
  private readonly registry: FieldRegistry;
  private readonly stats = new StatsCollector();
  private readonly toTruth: ((v: FieldValue | undefined) => 0 | 1) | null;
  private labelPos: number | undefined;
  private readonly truth = { anomalies: 0, normals: 0 };
  private seen = 0;
  /** Reused for every record; only the positions a record sets are cleared after it. */
  private readonly values: FieldValue[] = [];
  private readonly set: number[] = [];
  /** "from\0to" -> records where `from` was renamed to `to`. */
  private readonly renames = new Map<string, number>();

  constructor(private readonly setup: PrepareSetup) {
    this.registry = new FieldRegistry(setup.existing);
    this.toTruth = setup.labelColumn ? truthRule(setup.normalValues) : null;
    this.labelPos = setup.labelColumn ? this.registry.find(setup.labelColumn) : undefined;
  }

  prepare(batch: UnitBatch): PreparedBatch {
    const n = batch.units.reduce((k, u) => k + (u.kind === 'record' ? 1 : 0), 0);
    const out: PreparedBatch = {
      count: n,
      lines: new Float64Array(n),
      ts: new Float64Array(n),
      truth: new Int8Array(n),
      raws: '',
      rawEnds: new Int32Array(n),
      jsons: '',
      jsonEnds: new Int32Array(n),
      bad: [],
      bytesRead: batch.bytesRead,
      latin1: batch.latin1,
      lineCounts: batch.lines,
      ...(batch.gzipError === undefined ? {} : { gzipError: batch.gzipError }),
    };
    const raws: string[] = [];
    const jsons: string[] = [];
    let rawEnd = 0;
    let jsonEnd = 0;
    let i = 0;
    for (const u of batch.units) {
      if (u.kind === 'bad') {
        out.bad.push({ line: u.line, reason: u.field ? `${u.reason} (field "${u.field}")` : u.reason, raw: u.raw });
        continue;
      }
      const values = this.values;
      const set = this.set;
      const seen = this.seen++;
      const weight = seen < STATS_FULL ? 1 : seen % STATS_EVERY === 0 ? STATS_EVERY : 0;
      let width = 0;
      for (const key in u.fields) {
        const value = u.fields[key]!;
        if (value === null) continue;
        let pos = this.registry.pos(key);
        // Field names are one regardless of case; a record that holds both keeps both.
        if (values[pos] != null) pos = this.distinctPos(key, values);
        values[pos] = value;
        set.push(pos);
        if (pos >= width) width = pos + 1;
        this.stats.add(pos, value, weight);
      }
      values.length = width;
      let t = -1;
      if (this.toTruth) {
        this.labelPos ??= this.registry.find(this.setup.labelColumn!);
        t = this.toTruth(this.labelPos === undefined ? undefined : values[this.labelPos]);
        if (t) this.truth.anomalies++;
        else this.truth.normals++;
      }
      const json = JSON.stringify(values);
      for (const pos of set) values[pos] = null;
      set.length = 0;
      raws.push(u.raw);
      jsons.push(json);
      rawEnd += u.raw.length;
      jsonEnd += json.length;
      out.lines[i] = u.line;
      out.ts[i] = u.ts ?? Number.NaN;
      out.truth[i] = t;
      out.rawEnds[i] = rawEnd;
      out.jsonEnds[i] = jsonEnd;
      i++;
    }
    out.raws = raws.join('');
    out.jsons = jsons.join('');
    return out;
  }

  /** The position of `key (2)` (or ` (3)`, …): the first numbered name this record has not set. */
  private distinctPos(key: string, values: FieldValue[]): number {
    const name = numberedName(key, (n) => values[this.registry.pos(n)] != null);
    const id = `${key}\0${name}`;
    this.renames.set(id, (this.renames.get(id) ?? 0) + 1);
    return this.registry.pos(name);
  }

  finish(): PrepareResult {
    return {
      renamed: [...this.renames].map(([id, records]) => {
        const [from, to] = id.split('\0') as [string, string];
        return { from, to, records };
      }),
      added: this.registry.added,
      stats: [...this.stats.result()],
      labelFound: this.labelPos !== undefined || (this.setup.labelColumn !== undefined && this.registry.find(this.setup.labelColumn) !== undefined),
      truth: this.truth,
    };
  }
}

/** The typed arrays of a batch, to transfer them to another thread without copying. */
export function transferables(b: PreparedBatch): ArrayBuffer[] {
  return [b.lines.buffer, b.ts.buffer, b.truth.buffer, b.rawEnds.buffer, b.jsonEnds.buffer] as ArrayBuffer[];
}
