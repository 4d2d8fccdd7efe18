import type { Role } from '../../src-main/api/contract';

/**
 * The columns the review table starts with, picked from the fields a project has: the names an
 * analyst looks at first in each log format (time, who talked to whom, what, how much), then by
 * role. The ground-truth column is never a default: seeing it would bias the review.
 */

const PREFERRED: Record<string, string[]> = {
  zeek: [
    'ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state',
    'query', 'qtype_name', 'rcode_name', 'method', 'host', 'uri', 'status_code', 'user_agent', 'server_name', 'version', 'validation_status', 'note', 'msg',
  ],
  'suricata-eve': ['timestamp', 'event_type', 'src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto', 'app_proto', 'alert.signature', 'alert.severity'],
  cloudtrail: ['eventTime', '@timestamp', 'eventSource', 'eventName', 'sourceIPAddress', 'userIdentity.userName', 'userIdentity.arn', 'userAgent', 'errorCode', 'awsRegion'],
  'windows-events': ['TimeCreated', '@timestamp', 'EventID', 'Channel', 'Computer', 'Hostname', 'SourceName', 'SubjectUserName', 'TargetUserName', 'NewProcessName', 'CommandLine', 'SourceAddress', 'DestAddress'],
  apache: ['time', 'client_ip', 'method', 'path', 'status', 'bytes', 'user_agent'],
  syslog: ['timestamp', 'host', 'program', 'event', 'user', 'src_ip', 'message'],
  'loghub-alert': ['timestamp', 'alert', 'node', 'component', 'level', 'message'],
  text: ['timestamp', 'level', 'component', 'message'],
  cicflowmeter: ['Timestamp', 'Source IP', 'Destination IP', 'Destination Port', 'Protocol', 'Flow Duration', 'Total Fwd Packets', 'Total Backward Packets', 'Total Length of Fwd Packets', 'Total Length of Bwd Packets'],
  'unsw-nb15': ['srcip', 'dstip', 'dsport', 'proto', 'service', 'state', 'dur', 'sbytes', 'dbytes', 'spkts', 'dpkts'],
};

const FAMILY: Record<string, string> = { 'zeek-tsv': 'zeek', 'zeek-json': 'zeek' };

/** Roles in the order they are picked when a format names too few columns. */
const ROLE_ORDER: Role[] = ['timestamp', 'ip', 'port', 'categorical', 'text', 'numeric'];

export const MAX_DEFAULT_COLUMNS = 10;

export interface ColumnField {
  name: string;
  role: Role;
}

export function defaultColumns(fields: readonly ColumnField[], formats: readonly string[], max = MAX_DEFAULT_COLUMNS): string[] {
  const usable = fields.filter((f) => f.role !== 'label');
  const byName = new Map(usable.map((f) => [f.name.toLowerCase(), f.name]));
  const out: string[] = [];
  const add = (name: string) => {
    if (out.length < max && !out.some((c) => c.toLowerCase() === name.toLowerCase())) out.push(name);
  };
  for (const format of new Set(formats.map((f) => FAMILY[f] ?? f))) {
    for (const name of PREFERRED[format] ?? []) {
      const actual = byName.get(name.toLowerCase());
      if (actual) add(actual);
    }
  }
  if (out.length < 4) {
    const limit = Math.max(out.length, Math.min(max, 8));
    for (const role of ROLE_ORDER) {
      for (const f of usable) if (f.role === role && out.length < limit) add(f.name);
    }
  }
  return out;
}
