import { flatten } from '../flatten';
import { isJsonObject } from '../json-documents';
import { parseIsoTime } from '../../fields/time';
import type { JsonFormat, Sample } from '../types';
import { jsonObjectFormat } from './json-object-format';

/** Where generic JSON records usually keep their time, in order of preference. */
const TIME_KEYS = ['ts', 'timestamp', '@timestamp', 'time', 'eventTime', 'date', 'datetime'];
const NUMERIC = /^-?\d+(\.\d+)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch numbers come in s, ms, µs or ns; the magnitude tells which (s stays s up to year 5138). */
export function epochFromNumber(n: number): number | null {
  if (!Number.isFinite(n)) return null;
  const a = Math.abs(n);
  if (a >= 1e17) return n / 1e9;
  if (a >= 1e14) return n / 1e6;
  if (a >= 1e11) return n / 1e3;
  return n;
}

/** A generic record's time value: epoch number (any unit), numeric text, ISO text or a bare date. */
export function genericTime(v: unknown): number | null {
  if (typeof v === 'number') return epochFromNumber(v);
  if (typeof v !== 'string') return null;
  if (NUMERIC.test(v)) return epochFromNumber(Number(v));
  const iso = parseIsoTime(v);
  if (iso !== null) return iso;
  const d = DATE_ONLY.exec(v);
  if (!d || +d[2]! < 1 || +d[2]! > 12 || +d[3]! < 1 || +d[3]! > 31) return null;
  return Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!) / 1000;
}

/** JSON objects, or an array of them, opening the text. */
const JSON_START = /^\s*(?:\{\s*"|\[\s*\{)/;

function sniff(sample: Sample): number {
  if (isJsonObject(sample.firstJson)) return 0.3;
  // JSON whose first document does not end within the sample: still worth reading as JSON.
  return JSON_START.test(sample.text) ? 0.25 : 0;
}

/** Any JSON records that no specific format claims: flattened, time from the usual keys. */
export const ndjson: JsonFormat = jsonObjectFormat({
  name: 'ndjson',
  title: 'JSON records',
  sniff,
  read(value) {
    return { fields: flatten(value), ts: firstTime(value) };
  },
});

function firstTime(value: Record<string, unknown>): number | null {
  for (const key of TIME_KEYS) {
    const raw = value[key];
    if (raw === undefined || raw === null) continue;
    const ts = genericTime(raw);
    if (ts !== null) return ts;
  }
  return null;
}
