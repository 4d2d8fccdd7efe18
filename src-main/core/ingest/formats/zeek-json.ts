import { flatten } from '../flatten';
import { isJsonObject } from '../json-documents';
import { parseIsoTime } from '../../fields/time';
import { epochFromNumber } from './ndjson';
import type { JsonFormat, Sample } from '../types';
import { jsonObjectFormat } from './json-object-format';

/**
 * Zeek's own time fields: epoch (or relative) seconds by default, integer milliseconds under
 * `JSON::TS_MILLIS`, ISO strings under `JSON::TS_ISO8601` and json-streaming-logs.
 */
function zeekTime(v: unknown): number | null {
  if (typeof v === 'number') return epochFromNumber(v);
  return typeof v === 'string' ? parseIsoTime(v) : null;
}

function sniff(sample: Sample): number {
  const v = sample.firstJson;
  if (!isJsonObject(v)) return 0;
  // json-streaming-logs stamps every line with the log type and write time.
  if (typeof v._path === 'string' && '_write_ts' in v) return 0.95;
  if (!('ts' in v)) return 0;
  if ('id.orig_h' in v || 'id.resp_h' in v) return 0.95;
  if (typeof v.uid === 'string' || typeof v.fuid === 'string' || typeof v._path === 'string') return 0.9;
  // Zeek writes record fields as literal dotted keys (`certificate.version`); other JSON nests.
  return Object.keys(v).some((k) => k.includes('.')) ? 0.9 : 0;
}

/**
 * Zeek logs written as JSON: default Zeek JSON (dotted literal keys, epoch `ts`) and the
 * json-streaming-logs flavour (`_path`, `_write_ts`, ISO times). Unset fields are absent.
 * `ts` and `_write_ts` are Zeek `time` values: stored as epoch seconds, as Zeek TSV has them.
 */
export const zeekJson: JsonFormat = jsonObjectFormat({
  name: 'zeek-json',
  title: 'Zeek JSON log',
  sniff,
  read(value) {
    const fields = flatten(value);
    const ts = zeekTime(value.ts);
    if (ts !== null) fields.ts = ts;
    const written = zeekTime(value._write_ts);
    if (written !== null) fields._write_ts = written;
    return { fields, ts };
  },
});
