import { flatten } from '../flatten';
import { isJsonObject } from '../json-documents';
import { parseIsoTime } from '../../fields/time';
import type { JsonFormat, Sample } from '../types';
import { jsonObjectFormat } from './json-object-format';

const WRAPPER = /^\s*\{\s*"Records"\s*:\s*\[/;

function sniff(sample: Sample): number {
  const v = sample.firstJson;
  if (isJsonObject(v)) {
    if (typeof v.eventSource !== 'string' || typeof v.eventName !== 'string') return 0;
    return 'eventTime' in v || '@timestamp' in v || 'eventVersion' in v || 'awsRegion' in v ? 0.95 : 0.6;
  }
  // A wrapper whose first event is too big for the sample.
  return WRAPPER.test(sample.text) && sample.text.includes('"eventSource"') ? 0.9 : 0;
}

/**
 * AWS CloudTrail events, from raw `{"Records": [...]}` files or one event a line (Logstash, which
 * renames `eventTime` to `@timestamp`). `requestParameters` and `responseElements` differ by API
 * call and nest without limit: each is kept as one JSON-text field rather than exploded.
 */
export const cloudtrail: JsonFormat = jsonObjectFormat({
  name: 'cloudtrail',
  title: 'AWS CloudTrail',
  sniff,
  read(value) {
    const { requestParameters, responseElements, ...rest } = value;
    const fields = flatten(rest);
    if (requestParameters != null) fields.requestParameters = JSON.stringify(requestParameters);
    if (responseElements != null) fields.responseElements = JSON.stringify(responseElements);
    const time = typeof value.eventTime === 'string' ? value.eventTime : value['@timestamp'];
    return { fields, ts: typeof time === 'string' ? parseIsoTime(time) : null };
  },
});
