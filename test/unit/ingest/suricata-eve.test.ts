import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { suricataEve } from '../../../src-main/core/ingest/formats/suricata-eve';
import { countBy, fieldNames, parseValue, parseWith } from '../../helpers/parse';
import { samplePath, writeTemp } from '../../helpers/samples';
import { expectSureOfOnly } from '../../helpers/sniff';

const EVE = 'suricata-eve/slips-test6-malicious.eve.json';

describe('suricata-eve sniff', () => {
  it('is sure of the EVE sample and of nothing else', async () => {
    await expectSureOfOnly(suricataEve, (f) => f.startsWith('suricata-eve/'));
  });
});

describe('suricata-eve on the Slips sample', async () => {
  const { records, bad } = await parseWith(suricataEve, samplePath(EVE));

  it('reads all 5000 events, in all seven event types', () => {
    expect(records).toHaveLength(5000);
    expect(bad).toHaveLength(0);
    expect(countBy(records, (r) => r.fields.event_type)).toEqual({ flow: 3512, alert: 745, dns: 680, http: 56, fileinfo: 3, anomaly: 3, tls: 1 });
  });

  it('takes ts from timestamp, with its +0200 offset and microseconds', () => {
    const first = records[0]!;
    expect(first.fields.timestamp).toBe('2021-06-06T15:59:46.457984+0200');
    expect(first.ts).toBeCloseTo(Date.UTC(2021, 5, 6, 13, 59, 46) / 1000 + 0.457984, 6);
    expect(records.every((r) => typeof r.ts === 'number')).toBe(true);
  });

  it('flattens the nested alert and flow objects', () => {
    const alerts = records.filter((r) => r.fields.event_type === 'alert');
    expect(countBy(alerts, (r) => r.fields['alert.category'])).toMatchObject({ 'Misc Attack': 581, 'Potentially Bad Traffic': 151 });
    const a = alerts[0]!.fields;
    expect(a).toMatchObject({ 'alert.signature_id': 2403388, 'alert.severity': 2, 'alert.metadata.tag': ['CINS'], 'flow.bytes_toserver': 60 });
    expect(typeof a['alert.signature']).toBe('string');
    const flows = records.filter((r) => r.fields.event_type === 'flow');
    for (const f of flows) {
      expect(typeof f.fields['flow.pkts_toserver']).toBe('number');
      expect(typeof f.fields['flow.alerted']).toBe('boolean');
      expect(typeof f.fields['flow.start']).toBe('string');
    }
    const names = fieldNames(records);
    expect(names).toEqual(expect.arrayContaining(['flow_id', 'src_ip', 'dest_port', 'proto', 'host', 'app_proto', 'flow.bytes_toclient', 'flow.state', 'flow.reason', 'flow.age']));
    expect(names.some((n) => n === 'alert' || n === 'flow')).toBe(false);
  });

  it('keeps values as they are: upper-case proto, app_proto failed, Cyrillic referers', () => {
    expect(new Set(records.map((r) => r.fields.proto))).toEqual(new Set(['TCP', 'UDP']));
    expect(records.some((r) => r.fields.app_proto === 'failed')).toBe(true);
    expect(records.filter((r) => /[\u0400-\u04ff]/.test(String(r.fields['http.http_refer'] ?? '')))).toHaveLength(2);
    expect(records.every((r) => Object.values(r.fields).every((v) => v !== null))).toBe(true);
  });
});

describe('suricata-eve on damaged input', () => {
  it('quarantines a truncated and a garbage line, keeps the rest', async () => {
    const lines = fs.readFileSync(samplePath(EVE), 'utf8').split('\n').filter(Boolean).slice(0, 10);
    lines[1] = lines[1]!.slice(0, lines[1]!.length - 30);
    lines[3] = `#!${lines[3]}`;
    const file = writeTemp('eve.json', lines.join('\n') + '\n');
    const { records, bad } = await parseWith(suricataEve, file);
    expect(records).toHaveLength(8);
    expect(bad.map((b) => [b.line, b.reason.slice(0, 12)])).toEqual([
      [2, 'invalid JSON'],
      [4, 'invalid JSON'],
    ]);
  });

  it('keeps an event whose timestamp cannot be read, without ts', () => {
    expect(parseValue(suricataEve, { timestamp: 'yesterday', event_type: 'flow' })).toEqual({
      kind: 'record',
      fields: { timestamp: 'yesterday', event_type: 'flow' },
    });
  });

  it('reads a CSV file as nothing but bad units', async () => {
    const { records, bad } = await parseWith(suricataEve, samplePath('unsw-nb15-csv/unsw-nb15-testing-set.first4528.odd-ids.csv'));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(2265);
  });
});
