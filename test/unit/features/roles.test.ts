import { describe, expect, it } from 'vitest';
import { apache } from '../../../src-main/core/ingest/formats/apache';
import { cicflowmeter } from '../../../src-main/core/ingest/formats/cicflowmeter';
import { cloudtrail } from '../../../src-main/core/ingest/formats/cloudtrail';
import { csv } from '../../../src-main/core/ingest/formats/csv';
import { loghubAlert } from '../../../src-main/core/ingest/formats/loghub-alert';
import { suricataEve } from '../../../src-main/core/ingest/formats/suricata-eve';
import { syslog } from '../../../src-main/core/ingest/formats/syslog';
import { unswNb15 } from '../../../src-main/core/ingest/formats/unsw-nb15';
import { windowsEvents } from '../../../src-main/core/ingest/formats/windows-events';
import { zeekJson } from '../../../src-main/core/ingest/formats/zeek-json';
import { zeekTsv } from '../../../src-main/core/ingest/formats/zeek-tsv';
import type { Format } from '../../../src-main/core/ingest/types';
import { FEATURE_ROLES, inferRole, nameTokens } from '../../../src-main/core/features/roles';
import { ROLES, type Role } from '../../../src-main/core/fields/role';
import { guesses, roles, sampleTable, tableOf } from './fixtures';

/** Asserts roles of named fields; a list means any of those roles is right (see the comment there). */
function expectRoles(actual: Record<string, Role>, expected: Record<string, Role | Role[]>) {
  for (const [name, want] of Object.entries(expected)) {
    expect(actual, `field ${name} missing`).toHaveProperty([name]);
    if (Array.isArray(want)) expect(want, `role of ${name}`).toContain(actual[name]);
    else expect(actual[name], `role of ${name}`).toBe(want);
  }
}

async function sampleRoles(format: Format, rel: string) {
  return roles(await sampleTable(format, rel));
}

describe('roles of real sample fields', () => {
  it('Zeek conn (TSV, epoch ts)', async () => {
    const r = await sampleRoles(zeekTsv, 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled');
    expectRoles(r, {
      ts: 'timestamp',
      uid: 'identifier',
      'id.orig_h': 'ip',
      'id.resp_h': 'ip',
      'id.orig_p': 'port',
      'id.resp_p': 'port',
      proto: 'categorical',
      service: 'categorical',
      conn_state: 'categorical',
      // history: 411 distinct flag strings, but the 20 most frequent cover 88% of connections and
      // they are the signal (a lone `S` is a scan): categorical, with the tail in (other).
      history: 'categorical',
      duration: 'numeric',
      orig_bytes: 'numeric',
      resp_bytes: 'numeric',
      orig_pkts: 'numeric',
      resp_ip_bytes: 'numeric',
      local_orig: 'numeric', // T/F → 0/1
      local_resp: 'numeric',
      tunnel_parents: 'ignore', // always the empty set
      label: 'label',
      detailedlabel: 'label',
    });
  });

  it('Zeek conn with relative ts and IPv6 originators', async () => {
    const t = await sampleTable(zeekTsv, 'zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled');
    const g = guesses(t);
    expect(g.ts!.role).toBe('timestamp');
    expect(g.ts!.why).toMatch(/relative/);
    expectRoles(roles(t), { 'id.orig_h': 'ip', 'id.resp_h': 'ip', missed_bytes: 'ignore', uid: 'identifier' });
  });

  it('Zeek dns: ids, codes, booleans, lists', async () => {
    const r = await sampleRoles(zeekTsv, 'zeek-tsv/wrccdc-2018.dns.log');
    expectRoles(r, {
      trans_id: 'identifier', // random 16-bit transaction ids, not ports or counts
      rtt: 'numeric',
      qtype: 'categorical', // integer codes
      rcode: 'categorical',
      qclass: 'categorical',
      qtype_name: 'categorical',
      AA: 'numeric',
      RD: 'numeric',
      TC: 'ignore', // always F here
      'id.resp_p': 'port',
    });
    expect(['categorical', 'text']).toContain(r.answers);
    expect(['categorical', 'text']).toContain(r.TTLs);
  });

  it('Zeek JSON conn / http / ssl / notice', async () => {
    const conn = await sampleRoles(zeekJson, 'zeek-json/slips-test9-mixed.conn.json.log');
    expectRoles(conn, { ts: 'timestamp', uid: 'identifier', 'id.orig_h': 'ip', 'id.resp_p': 'port', orig_bytes: 'numeric', service: 'categorical' });
    const http = await sampleRoles(zeekJson, 'zeek-json/slips-test9-mixed.http.json.log');
    expectRoles(http, {
      uid: 'identifier',
      method: 'categorical',
      status_code: 'categorical',
      resp_fuids: 'identifier', // lists of file ids
      resp_mime_types: 'categorical', // lists of few values
      tags: 'ignore', // always []
      request_body_len: 'numeric',
      response_body_len: 'numeric',
    });
    expect(['categorical', 'text']).toContain(http.uri);
    const ssl = await sampleRoles(zeekJson, 'zeek-json/wrccdc-2018.ssl.ndjson');
    expectRoles(ssl, {
      ts: 'timestamp', // ISO text
      _path: 'ignore',
      cipher: 'categorical', // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA looks like a token but repeats: a kind
      version: 'categorical',
      established: 'numeric',
      'id.resp_p': 'port',
    });
    const notice = await sampleRoles(zeekJson, 'zeek-json/wrccdc-2018.notice.ndjson');
    expectRoles(notice, { src: 'ip', dst: 'ip', p: 'port', fuid: 'identifier', note: 'ignore', suppress_for: 'ignore' });
  });

  it('Suricata EVE', async () => {
    const r = await sampleRoles(suricataEve, 'suricata-eve/slips-test6-malicious.eve.json');
    expectRoles(r, {
      timestamp: 'timestamp',
      flow_id: 'identifier',
      event_type: 'categorical',
      src_ip: 'ip',
      dest_ip: 'ip',
      src_port: 'port',
      dest_port: 'port',
      proto: 'categorical',
      'alert.signature': 'categorical',
      'alert.signature_id': 'categorical', // a code naming the rule, not an instance
      'alert.category': 'categorical',
      'alert.severity': 'categorical',
      'flow.bytes_toserver': 'numeric',
      'flow.pkts_toclient': 'numeric',
      'flow.start': 'timestamp',
      'flow.alerted': 'numeric',
      'tcp.tcp_flags': 'categorical', // hex flag bytes written as text ("1b", "02")
      host: 'ignore',
    });
  });

  it('CICFlowMeter CSVs: numbers, port, label', async () => {
    const head = await sampleRoles(cicflowmeter, 'cicflowmeter-csv/cicids2017-friday-ddos.machinelearningcve.head.csv');
    expectRoles(head, {
      'Destination Port': 'port',
      'Flow Duration': 'numeric',
      'Flow Bytes/s': 'numeric', // with Infinity / NaN text: numeric with a missing flag
      'Flow Packets/s': 'numeric',
      'Init_Win_bytes_forward': 'numeric', // -1 sentinels
      'Bwd PSH Flags': 'ignore', // constant 0
      'SYN Flag Count': 'numeric',
      Label: 'label',
    });
    const part = await sampleRoles(cicflowmeter, 'cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv');
    const numeric = Object.entries(part).filter(([, role]) => role === 'numeric').length;
    expect(numeric).toBeGreaterThan(60);
    expect(Object.entries(part).filter(([, role]) => !['numeric', 'ignore', 'label'].includes(role))).toEqual([]);
  });

  it('UNSW-NB15', async () => {
    const r = await sampleRoles(unswNb15, 'unsw-nb15-csv/unsw-nb15-testing-set.first4528.odd-ids.csv');
    expectRoles(r, {
      id: 'identifier',
      proto: 'categorical', // 129 values, the top 20 cover 80%
      service: 'categorical',
      state: 'categorical',
      sbytes: 'numeric',
      dur: 'numeric',
      sttl: 'numeric',
      is_sm_ips_ports: 'numeric', // "ports" in the name but 0/1 flags
      label: 'label',
      attack_cat: 'label',
    });
  });

  it('Apache access log', async () => {
    const t = await sampleTable(apache, 'web-access/elastic-examples.apache_logs.log');
    const r = roles(t);
    expectRoles(r, {
      client_ip: 'ip',
      status: 'categorical', // integer codes
      bytes: 'numeric',
      method: 'categorical',
      time: 'timestamp', // text only the parser reads: the spec uses the record's ts
      // path: over 1000 distinct URLs but the 20 most frequent cover about half the requests (a
      // site's assets and feeds): categorical with the rest in (other), or free text if that share
      // falls below half. Either is right; which one is a coverage threshold.
      path: ['categorical', 'text'],
      // user_agent: ~560 distinct agents, the 20 most frequent covering about half: borderline
      // between a categorical (browser families, bots) and free text. Both are acceptable.
      user_agent: ['categorical', 'text'],
      referrer: ['categorical', 'text'],
    });
    expect(guesses(t).client_ip!.why).toMatch(/^100% of values are IP addresses$/);
  });

  it('auth.log (syslog)', async () => {
    const r = await sampleRoles(syslog, 'linux-auth/elastic-examples-suspicious-login.auth.log');
    expectRoles(r, {
      message: 'text', // free text: a different message per pid, user and address
      template: 'categorical', // the message with its variables masked
      src_ip: 'ip',
      src_port: 'port',
      pid: 'identifier',
      program: 'categorical',
      user: 'categorical',
      host: 'ignore',
      timestamp: 'timestamp',
    });
    const ssh = await sampleRoles(syslog, 'linux-auth/loghub-OpenSSH_2k.log');
    expectRoles(ssh, { src_ip: 'ip', template: 'categorical', program: 'ignore', pid: 'identifier' });
  });

  it('CloudTrail', async () => {
    const r = await sampleRoles(cloudtrail, 'aws-cloudtrail/otrf-ec2_proxy_s3_exfiltration.cloudtrail.ndjson');
    expectRoles(r, {
      eventName: 'categorical',
      eventSource: 'categorical',
      sourceIPAddress: 'ip', // 95%: the rest are service names (ec2.amazonaws.com)
      eventID: 'identifier', // GUIDs, whatever the name says
      requestID: 'identifier',
      '@timestamp': 'timestamp',
      userAgent: 'categorical',
      'userIdentity.arn': 'categorical',
      awsRegion: 'ignore',
      recipientAccountId: 'ignore',
    });
  });

  it('Windows events', async () => {
    const r = await sampleRoles(windowsEvents, 'windows-events-json/otrf-cmd_psexec_lsa_secrets_dump.ndjson');
    expectRoles(r, {
      EventID: 'categorical',
      Channel: 'categorical',
      TimeCreated: 'timestamp',
      UtcTime: 'timestamp',
      Message: 'text',
      Hostname: 'ignore',
      SourceAddress: 'ip',
      SourcePort: 'port', // numeric text
      Hashes: 'identifier',
    });
  });

  it('loghub alert-tagged and structured logs', async () => {
    const tb = await sampleRoles(loghubAlert, 'system-logs-loghub/Thunderbird_2k.log');
    expectRoles(tb, { alert: ['label', 'ignore'], epoch: 'timestamp', pid: 'identifier', template: 'categorical', program: 'categorical' });
    const hdfs = await sampleRoles(csv, 'system-logs-loghub/HDFS_2k.log_structured.csv');
    expectRoles(hdfs, { LineId: 'identifier', Level: 'categorical', Component: 'categorical', Content: 'text', EventId: 'categorical', EventTemplate: 'categorical' });
  });

  it('never makes a label a feature, and always says why in a line', async () => {
    const all: Array<[Format, string]> = [
      [zeekTsv, 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled'],
      [unswNb15, 'unsw-nb15-csv/unsw-nb15-testing-set.first4528.odd-ids.csv'],
      [cicflowmeter, 'cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv'],
      [windowsEvents, 'windows-events-json/otrf-empire_shell_net_local_users.ndjson'],
    ];
    for (const [format, rel] of all) {
      const g = guesses(await sampleTable(format, rel));
      for (const [name, guess] of Object.entries(g)) {
        expect(ROLES).toContain(guess.role);
        expect(guess.why.length, `${rel} ${name}: ${guess.why}`).toBeGreaterThan(5);
        expect(guess.why.length, `${rel} ${name}: ${guess.why}`).toBeLessThan(140);
        expect(guess.why).not.toMatch(/\n|undefined|NaN …|… NaN|Infinity …|… Infinity/);
        if (/^(label|detailedlabel|attack_cat)$/i.test(name)) expect(guess.role).toBe('label');
      }
    }
  });
});

describe('inferRole on hand-made fields', () => {
  const role = (records: Array<Record<string, unknown>>, name: string) => {
    const t = tableOf(records as never);
    return inferRole(name, t.stats.get(t.names.indexOf(name))!, t.total);
  };
  const many = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

  it('ignores empty and constant fields, keeps a constant that is sometimes absent', () => {
    expect(inferRole('x', { ...tableOf([{ y: 1 }]).stats.get(0)!, present: 0 }, 10).role).toBe('ignore');
    expect(role(many(50, () => ({ x: 'tcp' })), 'x')).toEqual({ role: 'ignore', why: 'always the same value ("tcp")' });
    const partial = role(many(50, (i) => (i % 5 ? { y: 1 } : { x: 'allowed', y: 1 })), 'x');
    expect(partial.role).toBe('categorical');
    expect(partial.why).toMatch(/present in 20% of records/);
  });

  it('uses names to break ties between integer shapes', () => {
    const ints = many(500, (i) => ({ a: (i * 7919) % 60000, b: (i * 104729) % 65000 }));
    expect(role(ints.map((r) => ({ dst_port: r.a })), 'dst_port').role).toBe('port');
    expect(role(ints.map((r) => ({ SourcePort: r.a })), 'SourcePort').role).toBe('port');
    expect(role(ints.map((r) => ({ orig_bytes: r.a })), 'orig_bytes').role).toBe('numeric');
    expect(role(ints.map((r) => ({ session_id: r.a })), 'session_id').role).toBe('identifier');
    expect(role(ints.map((r) => ({ ProcessId: r.b })), 'ProcessId').role).toBe('identifier');
  });

  it('reads integer codes as categories', () => {
    const codes = many(300, (i) => ({ status: [200, 200, 200, 404, 301, 500][i % 6], EventID: [4624, 4625, 4688][i % 3], severity: (i % 3) + 1 }));
    expect(role(codes, 'status').role).toBe('categorical');
    expect(role(codes, 'EventID').role).toBe('categorical');
    expect(role(codes, 'severity').role).toBe('categorical');
    // The same values under a plain name are numbers.
    expect(role(codes.map((c) => ({ count: c.status })), 'count').role).toBe('numeric');
  });

  it('tells absolute, relative and duration times apart', () => {
    expect(role(many(100, (i) => ({ ts: 1655071198.4 + i * 3.3 })), 'ts').why).toMatch(/^epoch times in s \(2022-06-12/);
    expect(role(many(100, (i) => ({ time: 1655071198400 + i * 3300 })), 'time').why).toMatch(/epoch times in ms/);
    expect(role(many(100, (i) => ({ ts: 15.2 + i * 30 })), 'ts').role).toBe('timestamp'); // relative
    expect(role(many(100, (i) => ({ response_time: 0.02 * (i + 1) })), 'response_time').role).toBe('numeric'); // a duration
    expect(role(many(100, (i) => ({ when: `2024-03-01T0${i % 10}:00:00Z` })), 'when').role).toBe('timestamp'); // by shape
    // Random 32-bit numbers sit in the epoch range too, but spread over a century.
    expect(role(many(300, (i) => ({ seq: ((i * 2654435761) % 4294967296) + 1 })), 'seq').role).not.toBe('timestamp');
  });

  it('recognises IPs, also mixed v4/v6 and with a few non-IP values', () => {
    const ips = many(200, (i) => ({ a: i % 3 ? `10.0.0.${i % 250}` : `fd2d:ab8c:225::${i.toString(16)}`, b: i % 20 ? `1.2.3.${i % 9}` : 'ec2.amazonaws.com' }));
    expect(role(ips, 'a')).toEqual({ role: 'ip', why: '100% of values are IP addresses' });
    expect(role(ips, 'b')).toEqual({ role: 'ip', why: '95% of values are IP addresses' });
  });

  it('finds identifiers by shape, text by length and spread, and keeps repeated tokens categorical', () => {
    const rows = many(400, (i) => ({
      guid: `{${(0x10000000 + i * 7919).toString(16)}-1234-5678-9abc-def012345678}`,
      uid: `C${(1e14 + i * 9973).toString(36)}xYz`,
      msg: `Failed password for user${i} from 10.0.${i % 250}.${(i * 7) % 250} port ${40000 + i} ssh2`,
      cipher: ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'][i % 3],
    }));
    expect(role(rows, 'guid').role).toBe('identifier');
    expect(role(rows, 'uid').role).toBe('identifier');
    expect(role(rows, 'msg').role).toBe('text');
    expect(role(rows, 'cipher').role).toBe('categorical');
  });

  it('treats booleans and 0/1 as numeric, Infinity text as numbers with gaps, labels by name', () => {
    const rows = many(100, (i) => ({ flag: i % 2 === 0, bit: i % 2, rate: i % 10 ? i * 1.5 : 'Infinity', Label: i % 4 ? 'BENIGN' : 'DoS', ' attack_cat ': 'x' }));
    expect(role(rows, 'flag')).toEqual({ role: 'numeric', why: 'true/false values (0/1)' });
    expect(role(rows, 'bit').role).toBe('numeric');
    const rate = role(rows, 'rate');
    expect(rate.role).toBe('numeric');
    expect(rate.why).toMatch(/10 non-finite/);
    expect(role(rows, 'Label').role).toBe('label');
  });

  it('splits names into tokens the way hints expect', () => {
    expect(nameTokens('id.orig_h')).toEqual(['id', 'orig', 'h']);
    expect(nameTokens('SubjectLogonId')).toEqual(['subject', 'logon', 'id']);
    expect(nameTokens('EventID')).toEqual(['event', 'id']);
    expect(nameTokens(' Destination Port')).toEqual(['destination', 'port']);
    expect(nameTokens('sourceIPAddress')).toEqual(['source', 'ip', 'address']);
    expect(nameTokens('@timestamp')).toEqual(['timestamp']);
  });

  it('exports the role list', () => {
    expect(ROLES).toHaveLength(9);
    for (const r of FEATURE_ROLES) expect(ROLES).toContain(r);
  });
});
