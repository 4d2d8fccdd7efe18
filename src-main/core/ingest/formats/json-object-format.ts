import { isJsonObject } from '../json-documents';
import type { Fields } from '../../fields/values';
import type { FormatName, JsonFormat, ParseResult, Sample } from '../types';

/**
 * A JSON format whose records are objects: anything else is quarantined, and `read` turns an
 * object into its fields and principal time (null when it has none).
 */
export function jsonObjectFormat(def: {
  name: FormatName;
  title: string;
  sniff: (sample: Sample) => number;
  read: (value: Record<string, unknown>) => { fields: Fields; ts: number | null };
}): JsonFormat {
  return {
    name: def.name,
    title: def.title,
    framing: 'json',
    sniff: def.sniff,
    create() {
      return {
        record(value: unknown): ParseResult {
          if (!isJsonObject(value)) return { kind: 'bad', reason: 'expected a JSON object' };
          const { fields, ts } = def.read(value);
          return ts === null ? { kind: 'record', fields } : { kind: 'record', fields, ts };
        },
      };
    },
  };
}
