import { parseEpochSeconds, parseIsoTime } from '../../fields/time';
import type { Fields } from '../../fields/values';
import type { LineFormat, ParseContext, Sample } from '../types';
import { completeLines, createDelimitedParser, splitRecord } from './csv';

/**
 * CICFlowMeter flow CSVs: the CIC-IDS2017 "MachineLearningCVE" files (padded and duplicate header
 * names, `Infinity`/`NaN`), their pandas re-saves (`inf`, empty cells, `Fwd Header Length.1`),
 * and the CICFlowMeter V3/V4 and Python exports that carry `Flow ID`, `Src IP` and `Timestamp`.
 * The rows are read like any CSV; this format adds sniffing by column names and the time.
 */

/** Header names with case, spaces and punctuation removed: the exporters disagree on all three. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Columns no other tool writes. Each exporter's spelling: CIC-IDS2017, V4 / CSE-CIC-IDS2018, Python. */
const MARKERS = new Set([
  'flowduration',
  'totalfwdpackets', 'totfwdpkts',
  'totalbackwardpackets', 'totbwdpkts',
  'fwdpacketlengthmax', 'fwdpktlenmax',
  'flowbytess', 'flowbytss',
  'flowpacketss', 'flowpktss',
  'flowiatmean',
  'fwdiattotal', 'fwdiattot',
  'bwdpacketss', 'bwdpktss',
  'initwinbytesforward', 'initfwdwinbyts',
  'subflowfwdbytes', 'subflowfwdbyts',
]);

function sniff(sample: Sample): number {
  const first = completeLines(sample, 1)[0];
  if (!first) return 0;
  const cells = splitRecord(first, ',');
  if (!cells || cells.length < 5) return 0;
  let hits = 0;
  for (const c of cells) if (MARKERS.has(normalize(c))) hits++;
  if (hits >= 4) return 0.95;
  return hits === 3 ? 0.7 : 0;
}

const CIC_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?$/;

/**
 * CICFlowMeter writes local time without a zone, day first: `03/07/2017 08:55:58` (V3),
 * `7/7/2017 3:59` (CIC-IDS2017 TrafficLabelling, which lost AM/PM: afternoon flows read as
 * morning, as in the dataset itself), `14/02/2018 08:31:01 AM` (V4, 12-hour clock). We read it
 * day/month/year (`options.dateOrder: 'mdy'` for files re-saved the US way; a date that can only
 * be month-first, such as 7/14/2017, is read so regardless), as UTC like every zone-less time.
 */
export function parseCicTime(text: string, monthFirst = false): number | null {
  const m = CIC_TIME.exec(text.trim());
  if (!m) return parseIsoTime(text);
  const [, a, b, y, h, mi, s, frac, ampm] = m;
  let day = +a!;
  let month = +b!;
  if (day <= 12 && (monthFirst || month > 12)) [day, month] = [month, day];
  let hour = +h!;
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (ampm === 'p' || ampm === 'P' ? 12 : 0);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || +mi! > 59 || (s !== undefined && +s > 60)) return null;
  const ms = Date.UTC(+y!, month - 1, day, hour, +mi!, s ? +s : 0);
  return ms / 1000 + (frac ? Number(`0.${frac}`) : 0);
}

function timeOf(ctx: ParseContext) {
  const monthFirst = ctx.options.dateOrder === 'mdy';
  return (header: readonly string[]) => {
    const name = header.find((h) => normalize(h) === 'timestamp');
    if (name === undefined) return null;
    return (fields: Fields): number | null => {
      const v = fields[name];
      if (typeof v === 'string') return parseCicTime(v, monthFirst);
      if (typeof v !== 'number') return null;
      // An epoch number: milliseconds when it is too large to be seconds.
      const sec = parseEpochSeconds(v);
      return sec !== null && sec > 1e11 ? sec / 1000 : sec;
    };
  };
}

export const cicflowmeter: LineFormat = {
  name: 'cicflowmeter',
  title: 'CICFlowMeter flow CSV (CIC-IDS2017/2018)',
  framing: 'lines',
  sniff,
  create: (ctx) => createDelimitedParser({ delimiter: ',', timeOf: timeOf(ctx) }),
};
