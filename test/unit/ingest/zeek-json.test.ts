import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zeekJson } from '../../../src-main/core/ingest/formats/zeek-json';
import { fieldNames, newParser, parseWith } from '../../helpers/parse';
import { allSamples, samplePath, writeTemp } from '../../helpers/samples';
import { expectSureOfOnly } from '../../helpers/sniff';

const CONN = 'zeek-json/slips-test9-mixed.conn.json.log';
const HTTP = 'zeek-json/slips-test9-mixed.http.json.log';
const SSL = 'zeek-json/wrccdc-2018.ssl.ndjson';
const NOTICE = 'zeek-json/wrccdc-2018.notice.ndjson';

describe('zeek-json sniff', () => {
  it('is sure of the Zeek JSON samples, of all three dialects, and of nothing else', async () => {
    expect(allSamples().length).toBeGreaterThanOrEqual(20);
    await expectSureOfOnly(zeekJson, (f) => f.startsWith('zeek-json/'));
  });
});

describe('zeek-json on the Slips logs (numeric relative ts)', () => {
  it('reads all 576 conn records with their types, absent fields omitted', async () => {
    const { records, bad } = await parseWith(zeekJson, samplePath(CONN));
    expect(records).toHaveLength(576);
    expect(bad).toHaveLength(0);
    expect(records.map((r) => r.line)).toEqual(Array.from({ length: 576 }, (_, i) => i + 1));
    const first = records[0]!;
    expect(first.fields).toMatchObject({ uid: 'C6ce9q3xECAsonga21', 'id.orig_h': 'fe80::1cf4:44d2:904a:14f7', 'id.resp_p': 5355, proto: 'udp' });
    expect(first.ts).toBe(22.335172);
    expect(first.fields.ts).toBe(22.335172);
    expect(records.filter((r) => !('service' in r.fields))).toHaveLength(44);
    expect(records.filter((r) => !('duration' in r.fields))).toHaveLength(10);
    expect(records.filter((r) => String(r.fields['id.orig_h']).includes(':'))).toHaveLength(16);
    const ts = records.map((r) => r.ts!);
    expect(Math.min(...ts)).toBeCloseTo(18.836741, 6);
    expect(Math.max(...ts)).toBeCloseTo(272.255421, 6);
    for (const r of records) {
      expect(typeof r.fields['id.orig_p']).toBe('number');
      expect(typeof r.fields.orig_bytes === 'number' || !('orig_bytes' in r.fields)).toBe(true);
      expect(Object.values(r.fields).includes(null)).toBe(false);
    }
    expect(records.filter((r) => typeof r.fields.local_orig === 'boolean').length).toBeGreaterThan(0);
    expect(fieldNames(records)).toEqual(expect.arrayContaining(['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'conn_state', 'history']));
  });

  it('reads all 516 http records, with arrays kept as arrays', async () => {
    const { records, bad } = await parseWith(zeekJson, samplePath(HTTP));
    expect(records).toHaveLength(516);
    expect(bad).toHaveLength(0);
    expect(records.filter((r) => !('user_agent' in r.fields))).toHaveLength(110);
    expect(records.filter((r) => !('status_code' in r.fields))).toHaveLength(2);
    expect(records[0]!.fields).toMatchObject({ uri: '/bin.sh', tags: [], resp_fuids: ['FqhaAy4xsmJ3AR63A3'], resp_mime_types: ['text/plain'] });
    expect(records.some((r) => r.fields.uri === '/Mozi.m')).toBe(true);
  });
});

describe('zeek-json on json-streaming-logs (ISO ts, _path)', () => {
  it('reads all 5216 ssl records and turns the ISO times into epoch seconds', async () => {
    const { records, bad } = await parseWith(zeekJson, samplePath(SSL));
    expect(records).toHaveLength(5216);
    expect(bad).toHaveLength(0);
    const first = records[0]!;
    const expected = Date.UTC(2018, 2, 24, 17, 15, 20) / 1000 + 0.615923;
    expect(first.ts).toBeCloseTo(expected, 6);
    expect(first.fields.ts).toBe(first.ts);
    expect(first.fields._write_ts).toBeCloseTo(Date.UTC(2018, 2, 24, 17, 15, 20) / 1000 + 0.629574, 6);
    expect(first.fields).toMatchObject({ _path: 'ssl', resumed: false, established: true, client_cert_chain_fps: [] });
    expect(Array.isArray(first.fields.cert_chain_fps)).toBe(true);
    expect(records.every((r) => typeof r.ts === 'number' && r.fields._path === 'ssl')).toBe(true);
  });

  it('reads all 207 notice records', async () => {
    const { records, bad } = await parseWith(zeekJson, samplePath(NOTICE));
    expect(records).toHaveLength(207);
    expect(bad).toHaveLength(0);
    expect(records.every((r) => r.fields.note === 'SSL::Invalid_Server_Cert')).toBe(true);
    expect(records[0]!.fields).toMatchObject({ actions: ['Notice::ACTION_LOG'], email_dest: [], suppress_for: 3600 });
    expect(String(records[0]!.fields.sub)).toContain('VMware\\, Inc');
  });
});

describe('zeek-json on damaged input', () => {
  it('quarantines broken lines and keeps every good one', async () => {
    const lines = fs.readFileSync(samplePath(CONN), 'utf8').split('\n').filter(Boolean).slice(0, 20);
    const buffers = lines.map((l) => Buffer.from(l + '\n'));
    buffers[2] = Buffer.from(lines[2]!.slice(0, 40) + '\n'); // truncated
    buffers[4] = Buffer.from('\u0001\u0002garbage' + lines[4] + '\n'); // garbage bytes in front
    const [head, tail] = lines[6]!.split('"uid":"');
    buffers[6] = Buffer.concat([Buffer.from(`${head}"uid":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`${tail}\n`)]); // not UTF-8
    buffers[8] = Buffer.from(`{"ts":1.0,"uid":"${'x'.repeat(5 * 1024 * 1024)}"}\n`); // over the line limit
    buffers[19] = Buffer.from(lines[19]!.slice(0, 60)); // cut last line, no newline
    const file = writeTemp('damaged.json.log', Buffer.concat(buffers));
    const { records, bad, latin1 } = await parseWith(zeekJson, file);
    expect(bad.map((b) => b.line)).toEqual([3, 5, 9, 20]);
    expect(bad[0]!.reason).toMatch(/^invalid JSON/);
    expect(bad[2]!.reason).toMatch(/larger than 4 MiB/);
    expect(records).toHaveLength(16);
    expect(latin1).toBe(1);
    expect(String(records.find((r) => r.line === 7)!.fields.uid)).toMatch(/^\u00ff\u00feC/);
  });

  it('reads a file of another format as nothing but bad units', async () => {
    const { records, bad } = await parseWith(zeekJson, samplePath('web-access/elastic-examples.apache_logs.log'));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(10000);
    const tsv = await parseWith(zeekJson, samplePath('zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled'));
    expect(tsv.records).toHaveLength(0);
    expect(tsv.bad).toHaveLength(1000);
  });

  it('reads JSON::TS_MILLIS times as seconds, and sniffs logs without uid by their dotted keys', () => {
    const p = newParser(zeekJson);
    expect(p.record({ ts: 1521911720615, uid: 'C1' }, 1)).toEqual({ kind: 'record', fields: { ts: 1521911720.615, uid: 'C1' }, ts: 1521911720.615 });
    const x509 = { ts: 1521911720.6, id: 'FGP2jt4dhD3bYZ923k', 'certificate.version': 3, 'certificate.serial': '00' };
    expect(zeekJson.sniff({ text: JSON.stringify(x509), lines: [JSON.stringify(x509)], firstJson: x509 })).toBeGreaterThanOrEqual(0.9);
  });

  it('turns a value that is not an object into a bad unit', () => {
    const p = newParser(zeekJson);
    expect(p.record([1, 2], 1)).toEqual({ kind: 'bad', reason: 'expected a JSON object' });
    expect(p.record({ uid: 'C1', ts: 'not a time' }, 1)).toEqual({ kind: 'record', fields: { uid: 'C1', ts: 'not a time' } });
  });
});
