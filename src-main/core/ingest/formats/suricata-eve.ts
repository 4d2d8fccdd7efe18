import { flatten } from '../flatten';
import { isJsonObject } from '../json-documents';
import { parseIsoTime } from '../time';
import type { JsonFormat, ParseResult, Sample } from '../types';

function sniff(sample: Sample): number {
  const v = sample.firstJson;
  if (!isJsonObject(v)) return 0;
  return typeof v.event_type === 'string' && typeof v.timestamp === 'string' ? 0.95 : 0;
}

/**
 * Suricata EVE JSON: one event a line, schema by `event_type`, nested objects flattened
 * (`alert.signature`, `flow.bytes_toserver`). `timestamp` carries microseconds and a `+0200` offset.
 */
export const suricataEve: JsonFormat = {
  name: 'suricata-eve',
  title: 'Suricata EVE JSON',
  framing: 'json',
  sniff,
  create() {
    return {
      record(value: unknown): ParseResult {
        if (!isJsonObject(value)) return { kind: 'bad', reason: 'expected a JSON object' };
        const fields = flatten(value);
        const ts = typeof value.timestamp === 'string' ? parseIsoTime(value.timestamp) : null;
        return ts === null ? { kind: 'record', fields } : { kind: 'record', fields, ts };
      },
    };
  },
};
