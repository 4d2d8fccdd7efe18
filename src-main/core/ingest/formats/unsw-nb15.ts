import { isIp } from '../../util/ip';
import { parseEpochSeconds } from '../../fields/time';
import type { Fields } from '../../fields/values';
import type { LineFormat, Sample } from '../types';
import { completeLines, createDelimitedParser, splitRecord } from './csv';

/**
 * UNSW-NB15 CSVs: the partitioned training/testing sets (header `id,dur,proto,...,label`, often
 * with a BOM and CRLF from an Excel re-save), and the raw `UNSW-NB15_[1-4].csv` files, which have
 * no header line and 49 columns that include addresses, ports and Stime/Ltime.
 */

/** The raw files' columns, as the dataset's NUSW-NB15_features.csv names them. */
export const UNSW_RAW_COLUMNS: readonly string[] = [
  'srcip', 'sport', 'dstip', 'dsport', 'proto', 'state', 'dur', 'sbytes', 'dbytes', 'sttl', 'dttl',
  'sloss', 'dloss', 'service', 'Sload', 'Dload', 'Spkts', 'Dpkts', 'swin', 'dwin', 'stcpb', 'dtcpb',
  'smeansz', 'dmeansz', 'trans_depth', 'res_bdy_len', 'Sjit', 'Djit', 'Stime', 'Ltime', 'Sintpkt',
  'Dintpkt', 'tcprtt', 'synack', 'ackdat', 'is_sm_ips_ports', 'ct_state_ttl', 'ct_flw_http_mthd',
  'is_ftp_login', 'ct_ftp_cmd', 'ct_srv_src', 'ct_srv_dst', 'ct_dst_ltm', 'ct_src_ltm',
  'ct_src_dport_ltm', 'ct_dst_sport_ltm', 'ct_dst_src_ltm', 'attack_cat', 'Label',
];

const STIME = UNSW_RAW_COLUMNS.indexOf('Stime');

/** Column names (lower case) that only UNSW-NB15 uses, in either the raw or the partitioned files. */
const MARKERS = new Set([
  'sttl', 'dttl', 'sloss', 'dloss', 'sload', 'dload', 'spkts', 'dpkts', 'sinpkt', 'dinpkt', 'sintpkt',
  'dintpkt', 'sjit', 'djit', 'stcpb', 'dtcpb', 'smean', 'dmean', 'smeansz', 'dmeansz', 'synack',
  'ackdat', 'ct_srv_src', 'ct_state_ttl', 'ct_dst_ltm', 'ct_flw_http_mthd', 'is_ftp_login',
  'is_sm_ips_ports', 'ct_src_dport_ltm', 'ct_dst_sport_ltm', 'ct_dst_src_ltm', 'attack_cat',
]);

const EPOCH = /^\d{9,10}$/;

/** A data row of a raw (headerless) file: 49 cells, addresses first and third, epoch Stime/Ltime. */
function isRawRow(cells: string[]): boolean {
  return (
    cells.length === UNSW_RAW_COLUMNS.length &&
    isIp(cells[0]!) &&
    isIp(cells[2]!) &&
    EPOCH.test(cells[STIME]!) &&
    EPOCH.test(cells[STIME + 1]!)
  );
}

function sniff(sample: Sample): number {
  const lines = completeLines(sample, 20);
  if (!lines.length) return 0;
  const first = splitRecord(lines[0]!, ',');
  if (!first) return 0;
  let hits = 0;
  for (const c of first) if (MARKERS.has(c.replace(/^\ufeff/, '').trim().toLowerCase())) hits++;
  if (hits >= 6) return 0.95;
  // Headerless raw file: judge by the shape of the rows.
  for (const l of lines) {
    const cells = splitRecord(l, ',');
    if (!cells || !isRawRow(cells)) return 0;
  }
  return 0.95;
}

/** Stime: epoch seconds of the flow's start (raw files only; the partitioned sets have no time). */
function timeOf(header: readonly string[]) {
  const name = header.find((h) => h.toLowerCase() === 'stime');
  if (name === undefined) return null;
  return (fields: Fields) => parseEpochSeconds(fields[name]);
}

export const unswNb15: LineFormat = {
  name: 'unsw-nb15',
  title: 'UNSW-NB15 flow CSV',
  framing: 'lines',
  sniff,
  create: () =>
    createDelimitedParser({
      delimiter: ',',
      implicitHeader: (cells) => (isRawRow(cells) ? [...UNSW_RAW_COLUMNS] : null),
      timeOf,
    }),
};
