import { flatten } from '../flatten';
import { isJsonObject } from '../json-documents';
import { parseIsoTime } from '../../fields/time';
import type { JsonFormat, Sample } from '../types';
import { jsonObjectFormat } from './json-object-format';

function sniff(sample: Sample): number {
  const v = sample.firstJson;
  if (!isJsonObject(v)) return 0;
  return typeof v.event_type === 'string' && typeof v.timestamp === 'string' ? 0.95 : 0;
}

/**
 * Suricata EVE JSON: one event a line, schema by `event_type`, nested objects flattened
 * (`alert.signature`, `flow.bytes_toserver`). `timestamp` carries microseconds and a `+0200` offset.
 */
export const suricataEve: JsonFormat = jsonObjectFormat({
  name: 'suricata-eve',
  title: 'Suricata EVE JSON',
  sniff,
  read(value) {
    return { fields: flatten(value), ts: typeof value.timestamp === 'string' ? parseIsoTime(value.timestamp) : null };
  },
});
