import { flatten } from '../flatten';
import { isJsonObject } from '../json-documents';
import { parseIsoTime } from '../../fields/time';
import type { JsonFormat, Sample } from '../types';
import { jsonObjectFormat } from './json-object-format';

type Obj = Record<string, unknown>;

const DOTNET_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;
/** WMI / CIM datetime: `20201019033041.104000-240`, the offset in minutes. */
const CIM_DATE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{1,6})([+-])(\d{3})$/;

function obj(v: unknown): Obj | undefined {
  return isJsonObject(v) ? v : undefined;
}

/**
 * A Windows time field in any of the shapes exporters write: ISO text (with or without zone; no
 * zone reads as UTC), PowerShell's `/Date(ms)/`, a CIM datetime, or an XML-derived object holding
 * `SystemTime`.
 */
export function windowsTime(v: unknown): number | null {
  if (typeof v === 'string') {
    const iso = parseIsoTime(v);
    if (iso !== null) return iso;
    const net = DOTNET_DATE.exec(v);
    if (net) return Number(net[1]) / 1000;
    const cim = CIM_DATE.exec(v);
    if (cim) {
      const [, y, mo, d, h, mi, s, frac, sign, off] = cim;
      const local = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) / 1000 + Number(`0.${frac}`);
      return local - (sign === '-' ? -1 : 1) * Number(off) * 60;
    }
    return null;
  }
  const o = obj(v);
  if (!o) return null;
  const sys = o.SystemTime ?? o['@SystemTime'] ?? obj(o['#attributes'])?.SystemTime;
  return sys === undefined ? null : windowsTime(sys);
}

function firstTime(candidates: unknown[], parse: (v: unknown) => number | null): number | null {
  for (const c of candidates) {
    if (c === undefined || c === null) continue;
    const t = parse(c);
    if (t !== null) return t;
  }
  return null;
}

function isoTime(v: unknown): number | null {
  return typeof v === 'string' ? parseIsoTime(v) : null;
}

/**
 * The event's time: the shipper's `@timestamp` (UTC) first, then Sysmon's `UtcTime` (UTC), then
 * the local-time fields of the event log itself, which carry no zone.
 */
function eventTime(v: Obj): number | null {
  const event = obj(v.Event);
  const at = isoTime(v['@timestamp']);
  if (at !== null) return at;
  const utc = firstTime(
    [v.UtcTime, obj(v.EventData)?.UtcTime, obj(event?.EventData)?.UtcTime, obj(obj(v.winlog)?.event_data)?.UtcTime],
    isoTime,
  );
  if (utc !== null) return utc;
  return firstTime(
    [v.TimeCreated, obj(v.System)?.TimeCreated, obj(event?.System)?.TimeCreated, v.EventTime, v.TimeGenerated],
    windowsTime,
  );
}

/**
 * XML-derived exports list event data as `Data: [{"@Name": "SubjectUserSid", "#text": "S-1-5-18"}]`;
 * named entries become fields of their own, as `EventData.SubjectUserSid`.
 */
function namedData(data: unknown): Obj | null {
  // A single Data element arrives as an object rather than a list of one.
  const list = Array.isArray(data) ? data : isJsonObject(data) ? [data] : [];
  if (list.length === 0) return null;
  const out: Obj = {};
  for (const d of list) {
    const entry = obj(d);
    if (!entry) return null;
    const attrs = obj(entry['#attributes']) ?? entry;
    const name = attrs['@Name'] ?? attrs.Name;
    if (typeof name !== 'string') return null;
    out[name] = entry['#text'] ?? entry.Value ?? entry['#value'];
  }
  return out;
}

function withNamedData(eventData: unknown): Obj | null {
  const ed = obj(eventData);
  const named = ed && namedData(ed.Data);
  if (!ed || !named) return null;
  const { Data: _data, ...rest } = ed;
  return { ...rest, ...named };
}

function normalize(v: Obj): Obj {
  const ed = withNamedData(v.EventData);
  const event = obj(v.Event);
  const inner = event && withNamedData(event.EventData);
  if (!ed && !inner) return v;
  const out: Obj = { ...v };
  if (ed) out.EventData = ed;
  if (event && inner) out.Event = { ...event, EventData: inner };
  return out;
}

function sniff(sample: Sample): number {
  const v = sample.firstJson;
  if (!isJsonObject(v)) return 0;
  if (isJsonObject(v.winlog)) return 0.95; // winlogbeat
  const event = obj(v.Event);
  if (event && isJsonObject(event.System)) return 0.95; // evtx_dump and other XML-derived exports
  const system = obj(v.System);
  if (system && (isJsonObject(v.EventData) || 'EventID' in system)) return 0.95;
  if ('EventID' in v || 'EventId' in v) {
    const source = 'Channel' in v || 'SourceName' in v || 'ProviderName' in v || 'ProviderGuid' in v;
    if (source || 'Computer' in v || 'Hostname' in v || isJsonObject(v.EventData)) return 0.95;
  }
  if ('Id' in v && 'ProviderName' in v && 'LogName' in v) return 0.9; // Get-WinEvent | ConvertTo-Json
  return 0;
}

/**
 * Windows event logs as JSON: NXLog/Logstash, OTRF, winlogbeat (`winlog.event_data.*`) and
 * XML-derived exports (`EventData`, `Event.System`). Fields keep their names, flattened;
 * ids that arrive as strings (`"0x3e7"`) stay strings.
 */
export const windowsEvents: JsonFormat = jsonObjectFormat({
  name: 'windows-events',
  title: 'Windows event log (JSON)',
  sniff,
  read(value) {
    const v = normalize(value);
    return { fields: flatten(v, { maxDepth: 6 }), ts: eventTime(v) };
  },
});
