import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { listFields } from '../../src-main/core/fields/table';
import type { Project } from '../../src-main/core/project/project';
import { importInto, newProject } from '../helpers/project';
import { samplePath } from '../helpers/samples';

interface Case {
  file: string;
  format: string;
  records: number;
  quarantined: number;
  fields: string[];
  labelColumn?: string;
  truth?: { anomalies: number; normals: number };
  roles?: Record<string, string>;
}

// Figures from shared/samples/README.md; every sample is imported with format detection.
const cases: Case[] = [
  {
    file: 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled', format: 'zeek-tsv', records: 5663, quarantined: 0,
    fields: ['ts', 'uid', 'id.orig_h', 'id.resp_p', 'orig_bytes', 'tunnel_parents', 'label', 'detailedlabel'],
    labelColumn: 'label', truth: { anomalies: 4201, normals: 1462 },
    roles: { uid: 'identifier', 'id.orig_h': 'ip', 'id.resp_p': 'port', orig_bytes: 'numeric', label: 'label', ts: 'timestamp' },
  },
  {
    file: 'zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled', format: 'zeek-tsv', records: 992, quarantined: 0,
    fields: ['ts', 'id.orig_h', 'label'], labelColumn: 'label', truth: { anomalies: 244, normals: 748 },
  },
  { file: 'zeek-tsv/wrccdc-2018.dns.log', format: 'zeek-tsv', records: 10371, quarantined: 0, fields: ['query', 'answers', 'TTLs', 'rcode_name', 'AA'] },
  { file: 'zeek-json/slips-test9-mixed.conn.json.log', format: 'zeek-json', records: 576, quarantined: 0, fields: ['id.orig_h', 'service', 'local_orig'] },
  { file: 'zeek-json/slips-test9-mixed.http.json.log', format: 'zeek-json', records: 516, quarantined: 0, fields: ['uri', 'user_agent', 'status_code'] },
  { file: 'zeek-json/wrccdc-2018.ssl.ndjson', format: 'zeek-json', records: 5216, quarantined: 0, fields: ['_path', 'cert_chain_fps'] },
  { file: 'zeek-json/wrccdc-2018.notice.ndjson', format: 'zeek-json', records: 207, quarantined: 0, fields: ['note', 'actions'] },
  { file: 'suricata-eve/slips-test6-malicious.eve.json', format: 'suricata-eve', records: 5000, quarantined: 0, fields: ['event_type', 'src_ip', 'flow.bytes_toserver', 'alert.signature'] },
  {
    file: 'cicflowmeter-csv/cicids2017-friday-ddos.machinelearningcve.head.csv', format: 'cicflowmeter', records: 9998, quarantined: 0,
    fields: ['Destination Port', 'Flow Duration', 'Flow Bytes/s', 'Fwd Header Length', 'Fwd Header Length (2)', 'Label'],
  },
  {
    file: 'cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv', format: 'cicflowmeter', records: 3156, quarantined: 0,
    fields: ['Flow Duration', 'Label'], labelColumn: 'Label', truth: { anomalies: 3041, normals: 115 },
  },
  {
    file: 'unsw-nb15-csv/unsw-nb15-testing-set.first4528.odd-ids.csv', format: 'unsw-nb15', records: 2264, quarantined: 0,
    fields: ['id', 'proto', 'service', 'attack_cat', 'label'], labelColumn: 'label', truth: { anomalies: 2142, normals: 122 },
  },
  { file: 'system-logs-loghub/HDFS_2k.log', format: 'text', records: 2000, quarantined: 0, fields: ['level', 'message', 'template'] },
  { file: 'system-logs-loghub/HDFS_2k.log_structured.csv', format: 'csv', records: 2000, quarantined: 0, fields: ['LineId', 'Date', 'EventTemplate'] },
  { file: 'system-logs-loghub/Thunderbird_2k.log', format: 'loghub-alert', records: 2000, quarantined: 0, fields: ['alert', 'node', 'message'] },
  { file: 'linux-auth/elastic-examples-suspicious-login.auth.log', format: 'syslog', records: 7121, quarantined: 0, fields: ['host', 'program', 'message', 'template'] },
  { file: 'linux-auth/loghub-OpenSSH_2k.log', format: 'syslog', records: 2000, quarantined: 0, fields: ['program', 'src_ip'] },
  { file: 'windows-events-json/otrf-empire_shell_net_local_users.ndjson', format: 'windows-events', records: 1907, quarantined: 0, fields: ['EventID', 'Channel'] },
  { file: 'windows-events-json/otrf-cmd_psexec_lsa_secrets_dump.ndjson', format: 'windows-events', records: 286, quarantined: 0, fields: ['EventID', 'Hostname'] },
  { file: 'web-access/elastic-examples.apache_logs.log', format: 'apache', records: 10000, quarantined: 0, fields: ['client_ip', 'method', 'path', 'status', 'bytes', 'user_agent'] },
  { file: 'aws-cloudtrail/otrf-ec2_proxy_s3_exfiltration.cloudtrail.ndjson', format: 'cloudtrail', records: 103, quarantined: 0, fields: ['eventName', 'userIdentity.arn', 'requestParameters'] },
];

/** Lines of a file as a text editor counts them: line breaks, plus a last line without one. */
function physicalLines(file: string): number {
  let bytes = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return bytes.length && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
}

describe('importing every shared sample', () => {
  const open: Project[] = [];
  afterAll(() => open.forEach((p) => p.close()));

  for (const c of cases) {
    it(`${c.file}: ${c.format}, ${c.records} records, ${c.quarantined} quarantined`, async () => {
      const project = newProject();
      open.push(project);
      const s = await importInto(project, samplePath(c.file), { labelColumn: c.labelColumn });
      expect(s.format).toBe(c.format);
      expect(s.records).toBe(c.records);
      expect(s.quarantined).toBe(c.quarantined);
      const names = s.fields.map((f) => f.name);
      for (const f of c.fields) expect(names).toContain(f);
      const counts = project.db.prepare('SELECT (SELECT count(*) FROM records) AS r, (SELECT count(*) FROM quarantine) AS q').get();
      expect(counts).toEqual({ r: c.records, q: c.quarantined });
      if (c.truth) {
        expect(s.truth).toEqual(c.truth);
        const t = project.db.prepare('SELECT sum(truth) AS a, count(*) - sum(truth) AS n FROM records').get();
        expect(t).toEqual({ a: c.truth.anomalies, n: c.truth.normals });
      }
      const roles = Object.fromEntries(listFields(project.db).map((f) => [f.name, f.effectiveRole]));
      for (const [field, role] of Object.entries(c.roles ?? {})) expect(`${field}: ${roles[field]}`).toBe(`${field}: ${role}`);
      if (c.labelColumn) expect(roles[c.labelColumn]).toBe('label');
      // Every physical line is accounted for: in a record, in quarantine, or a counted skip.
      const l = s.lines;
      expect(l.read).toBe(physicalLines(samplePath(c.file)));
      expect(l.inRecords + l.inQuarantine + l.header + l.blank + l.structure).toBe(l.read);
      if (c.quarantined === 0) expect(l.inQuarantine).toBe(0);
      // Every stored record keeps its raw text and its line, and its fields parse back.
      const first = project.db.prepare('SELECT line, raw, fields FROM records ORDER BY id LIMIT 1').get() as { line: number; raw: string; fields: string };
      expect(first.raw.length).toBeGreaterThan(0);
      expect(first.line).toBeGreaterThan(0);
      expect(Array.isArray(JSON.parse(first.fields))).toBe(true);
    });
  }
});
