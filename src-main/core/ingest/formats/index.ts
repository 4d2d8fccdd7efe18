import type { Format, FormatName } from '../types';
import { apache } from './apache';
import { cicflowmeter } from './cicflowmeter';
import { cloudtrail } from './cloudtrail';
import { csv, tsv } from './csv';
import { loghubAlert } from './loghub-alert';
import { ndjson } from './ndjson';
import { suricataEve } from './suricata-eve';
import { syslog } from './syslog';
import { text } from './text';
import { unswNb15 } from './unsw-nb15';
import { windowsEvents } from './windows-events';
import { zeekJson } from './zeek-json';
import { zeekTsv } from './zeek-tsv';

/** Every format, in the order ties are broken when sniffing: specific before generic. */
export const ALL_FORMATS: readonly Format[] = [
  zeekTsv,
  zeekJson,
  suricataEve,
  cloudtrail,
  windowsEvents,
  cicflowmeter,
  unswNb15,
  apache,
  syslog,
  loghubAlert,
  ndjson,
  csv,
  tsv,
  text,
];

export function formatByName(name: FormatName): Format {
  const f = ALL_FORMATS.find((x) => x.name === name);
  if (!f) throw new Error(`unknown format ${name}`);
  return f;
}
