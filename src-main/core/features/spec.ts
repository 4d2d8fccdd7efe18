import type { Role } from '../fields/role';
import { FEATURE_ROLES } from './roles';

// The feature specification: how a record's field values become one row of the model's matrix.
// Its layout, value encodings and caps are described in docs/features.md.

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

/** A value as a one-line column name part: whitespace runs folded, long values cut. */
function shortValue(value: string): string {
  const v = value.replace(/\s+/g, ' ');
  return v.length > 40 ? `${v.slice(0, 39)}…` : v;
}

/** A feature's column names in column order (as many as its width; see docs/features.md). */
export function columnNames(f: FieldFeature): string[] {
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
