import { EXPORT_FORMATS, type ExportFormat } from '../core/export/export';
import { ROLES, type Role } from '../core/fields/role';
import { FORMATS, type FormatName } from '../core/ingest/types';
import { LABELS, type Label } from '../core/labels/labels';
import { RosasError } from '../core/errors';
import { LABEL_FILTERS, type FieldFilter, type LabelFilter, type RecordFilter } from '../core/records/filter';
import { checkTrainOptions } from '../core/rounds/train-options';
import { MAX_LABEL_IDS } from '../../src-shared/limits';
import { ApiError } from './api-error';
import { isCallName } from './calls';
import type { CallName, CallRequest, ImportOptions, PathKind, TrainRequest } from './contract';
import { userPath, type PathUse } from './paths';

/**
 * Every request is checked here before a handler sees it: a page (or a compromised renderer) can
 * send anything. Objects are strict: an unknown key is an error, not ignored, so a typo in the UI
 * shows up at once instead of silently doing the default.
 */

/**
 * Turns unknown input into T or throws a message naming where in the payload it failed. `paths`
 * collects the request's file paths for the path policy (dispatch.ts); it is not optional so that
 * a combinator that forgot to pass it on fails to compile instead of letting paths go unchecked.
 */
type Check<T> = (value: unknown, at: string, paths: PathUse[]) => T;

const MAX_STRING = 4096;
const MAX_FILES = 1000;
const MAX_PAGE = 1000;
const MAX_ID = Number.MAX_SAFE_INTEGER;

function fail(at: string, what: string): never {
  throw new ApiError('invalid-argument', `${at} ${what}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

const str =
  (opts: { nonEmpty?: boolean; max?: number } = {}): Check<string> =>
  (v, at) => {
    if (typeof v !== 'string') fail(at, `must be a string, got ${describe(v)}`);
    if (opts.nonEmpty && v.trim() === '') fail(at, 'must not be empty');
    if (v.length > (opts.max ?? MAX_STRING)) fail(at, `is longer than ${opts.max ?? MAX_STRING} characters`);
    if (v.includes('\0')) fail(at, 'must not contain NUL characters');
    return v;
  };

const bool: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, `must be true or false, got ${describe(v)}`));

const int =
  (min: number, max: number): Check<number> =>
  (v, at) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(at, `must be an integer, got ${describe(v)}`);
    if (v < min || v > max) fail(at, `must be between ${min} and ${max}, got ${v}`);
    return v;
  };

/** Any finite number (JSON has no NaN or Infinity, but a bridge could send them). */
const num: Check<number> = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(at, `must be a number, got ${describe(v)}`));

const oneOf =
  <T extends string>(values: readonly T[], what: string): Check<T> =>
  (v, at) =>
    typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fail(at, `must be a known ${what} (${values.join(', ')}), got ${JSON.stringify(v)}`);

const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (v, at, paths) =>
    v === null ? null : check(v, at, paths);

const list =
  <T>(item: Check<T>, opts: { min?: number; max: number }): Check<T[]> =>
  (v, at, paths) => {
    if (!Array.isArray(v)) fail(at, `must be a list, got ${describe(v)}`);
    if (v.length < (opts.min ?? 0)) fail(at, `must have at least ${opts.min} item(s)`);
    if (v.length > opts.max) fail(at, `must have at most ${opts.max} items`);
    return v.map((x, i) => item(x, `${at}[${i}]`, paths));
  };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const record =
  <T>(value: Check<T>, maxKeys: number): Check<Record<string, T>> =>
  (v, at, paths) => {
    if (!isPlainObject(v)) fail(at, `must be an object, got ${describe(v)}`);
    const keys = Object.keys(v);
    if (keys.length > maxKeys) fail(at, `must have at most ${maxKeys} keys`);
    // A null-prototype copy: a key named __proto__ stays a key.
    const out = Object.create(null) as Record<string, T>;
    for (const k of keys) {
      str({ nonEmpty: true, max: 256 })(k, `${at} key`, paths);
      out[k] = value(v[k], `${at}.${k}`, paths);
    }
    return out;
  };

type Shape<T> = { [K in keyof T]-?: Check<T[K]> };

/** Marks a key of an object shape as one that may be left out. */
const opt = <T>(check: Check<T>): Check<T | undefined> => Object.assign((v: unknown, at: string, paths: PathUse[]) => check(v, at, paths), { optional: true });

function isOptional(check: Check<unknown>): boolean {
  return (check as { optional?: boolean }).optional === true;
}

/** A strict object: every key of the shape checked, keys outside it refused. */
function obj<T extends object>(shape: Shape<T>): Check<T> {
  return (v, at, paths) => {
    if (!isPlainObject(v)) fail(at, `must be an object, got ${describe(v)}`);
    for (const k of Object.keys(v)) if (!Object.hasOwn(shape, k)) fail(at, `has an unknown key "${k.slice(0, 100)}"`);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(shape) as Array<keyof T & string>) {
      const check = shape[k] as Check<unknown>;
      if (v[k] === undefined) {
        if (isOptional(check)) continue;
        fail(at, `is missing "${k}"`);
      }
      out[k] = check(v[k], `${at}.${k}`, paths);
    }
    return out as T;
  };
}

const empty: Check<Record<string, never>> = (v, at, paths) => {
  // Transports may send nothing at all for a call without arguments.
  if (v === undefined || v === null) return {};
  return obj<Record<string, never>>({})(v, at, paths);
};

/**
 * A file path, made absolute here (~ expanded) so that the path policy checks exactly the path the
 * handler will use, and noted with its kind for that policy.
 */
const pathOf =
  (kind: PathKind): Check<string> =>
  (v, at, paths) => {
    const p = userPath(str({ nonEmpty: true })(v, at, paths));
    paths.push({ kind, path: p, at });
    return p;
  };
const role = oneOf<Role>(ROLES, 'role');
const format = oneOf<FormatName>(FORMATS, 'format');
const scalar: Check<string | number | boolean> = (v, at, paths) =>
  typeof v === 'string' ? str()(v, at, paths) : typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'boolean' ? v : fail(at, `must be a string, number or boolean, got ${describe(v)}`);

const importOptions = obj<ImportOptions>({
  format: opt(format),
  labelColumn: opt(str({ nonEmpty: true, max: 256 })),
  normalValues: opt(list(str({ max: 256 }), { max: 1000 })),
  again: opt(bool),
  roles: opt(record(role, 10_000)),
  formatOptions: opt(record(scalar, 100)),
});

const id = int(1, MAX_ID);
const round = int(1, MAX_ID);
const fieldFilter = obj<FieldFilter>({
  field: str({ nonEmpty: true, max: 256 }),
  op: oneOf<FieldFilter['op']>(['eq', 'contains'], 'operator'),
  value: str({ max: 1024 }),
});
const reviewFilter = obj<RecordFilter>({
  label: opt(oneOf<LabelFilter>(LABEL_FILTERS, 'label filter')),
  sourceId: opt(id),
  scoreMin: opt(num),
  scoreMax: opt(num),
  fields: opt(list(fieldFilter, { max: 8 })),
});
const view = str({ nonEmpty: true, max: 100 });

/** Any value: for keys whose values the core checks itself. */
const anything: Check<unknown> = (v) => v;

/** The keys here (strict, as everywhere); the values by the core's own check, the one rule the CLI keeps too. */
const trainRequest: Check<TrainRequest> = (v, at, paths) => {
  const given = obj<Record<keyof TrainRequest, unknown>>({ epochs: opt(anything), seed: opt(anything), method: opt(anything), stopping: opt(anything) })(v, at, paths);
  try {
    return checkTrainOptions(given, (option) => `${at}.${option}`) as TrainRequest;
  } catch (err) {
    throw err instanceof RosasError ? new ApiError(err.code, err.message) : err;
  }
};

type Req<K extends CallName> = CallRequest<K>;

export const validators: { [K in CallName]: Check<CallRequest<K>> } = {
  'app.info': empty,
  'projects.recent': empty,
  'projects.forget': obj<Req<'projects.forget'>>({ path: pathOf('project') }),
  'project.open': obj<Req<'project.open'>>({ path: pathOf('project'), create: opt(bool), createFolder: opt(bool) }),
  'project.close': empty,
  'project.info': empty,
  'project.setAnalyst': obj<Req<'project.setAnalyst'>>({ name: nullable(str({ max: 1000 })) }),
  'import.preview': obj<Req<'import.preview'>>({ file: pathOf('read'), format: opt(format) }),
  'import.start': obj<Req<'import.start'>>({ files: list(pathOf('read'), { min: 1, max: MAX_FILES }), options: importOptions }),
  'job.cancel': obj<Req<'job.cancel'>>({ jobId: str({ nonEmpty: true, max: 100 }) }),
  'jobs.list': empty,
  'fields.setRole': obj<Req<'fields.setRole'>>({ name: str({ nonEmpty: true, max: 256 }), role: nullable(role) }),
  'quarantine.list': obj<Req<'quarantine.list'>>({ sourceId: opt(int(1, Number.MAX_SAFE_INTEGER)), offset: int(0, Number.MAX_SAFE_INTEGER), limit: int(1, MAX_PAGE) }),
  'dialog.openProject': obj<Req<'dialog.openProject'>>({ create: bool }),
  'dialog.openFiles': empty,
  'review.page': obj<Req<'review.page'>>({
    round: opt(round),
    filter: reviewFilter,
    columns: list(str({ nonEmpty: true, max: 256 }), { max: 64 }),
    offset: int(0, MAX_ID),
    limit: int(1, MAX_PAGE),
    view: opt(view),
  }),
  'review.ids': obj<Req<'review.ids'>>({ round: opt(round), filter: reviewFilter, offset: int(0, MAX_ID), limit: int(1, MAX_LABEL_IDS), view: opt(view) }),
  'record.get': obj<Req<'record.get'>>({ id, round: opt(round) }),
  'record.explain': obj<Req<'record.explain'>>({ id, round: opt(round) }),
  'review.groups': obj<Req<'review.groups'>>({ round: opt(round), offset: int(0, MAX_ID), limit: int(1, MAX_PAGE), unlabeledOnly: opt(bool) }),
  'labels.set': obj<Req<'labels.set'>>({
    ids: list(id, { min: 1, max: MAX_LABEL_IDS }),
    label: nullable(oneOf<Label>(LABELS, 'label')),
    note: opt(str({ max: MAX_STRING })),
    group: opt(bool),
  }),
  'rounds.list': empty,
  'rounds.compare': obj<Req<'rounds.compare'>>({ a: round, b: round, k: opt(int(1, MAX_ID)) }),
  'rounds.train': trainRequest,
  'charts.scoreHistogram': obj<Req<'charts.scoreHistogram'>>({ round: opt(round), bins: int(2, 200) }),
  'charts.discovery': empty,
  'charts.precisionRecall': empty,
  'export.run': obj<Req<'export.run'>>({
    format: oneOf<ExportFormat>(EXPORT_FORMATS, 'export format'),
    onlyLabeled: bool,
    path: opt(pathOf('write')),
    round: opt(round),
    overwrite: opt(bool),
  }),
};

/** Checks a call name and its payload; returns the payload as the handler will see it, and its file paths. */
export function validateRequest(call: unknown, payload: unknown): { call: CallName; request: CallRequest<CallName>; paths: PathUse[] } {
  if (!isCallName(call)) {
    throw new ApiError('unknown-call', `unknown call ${JSON.stringify(typeof call === 'string' ? call.slice(0, 100) : call)}`);
  }
  const paths: PathUse[] = [];
  const request = (validators[call] as Check<CallRequest<CallName>>)(payload, call, paths);
  return { call, request, paths };
}
