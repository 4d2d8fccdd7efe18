import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cloudtrail } from '../../../src-main/core/ingest/formats/cloudtrail';
import { fieldNames, parseWith } from '../../helpers/parse';
import { samplePath, writeTemp } from '../../helpers/samples';
import { expectSureOfOnly, sampleOf } from '../../helpers/sniff';

const TRAIL = 'aws-cloudtrail/otrf-ec2_proxy_s3_exfiltration.cloudtrail.ndjson';

function sampleEvents(): Array<Record<string, unknown>> {
  return fs
    .readFileSync(samplePath(TRAIL), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * A raw S3-style CloudTrail file: `{"Records": [...]}`, pretty-printed, with `eventTime` as
 * CloudTrail writes it, and wrapper keys around the array. Gives the text and the line each event starts on.
 */
function wrapperText(events: Array<Record<string, unknown>>): { text: string; starts: number[] } {
  const lines = ['{', '  "Digest": {"Records": 1},', '  "Records": ['];
  const starts: number[] = [];
  events.forEach((e, i) => {
    const { '@timestamp': at, '@version': _v, ...rest } = e;
    const body = JSON.stringify({ eventTime: String(at).replace('.000Z', 'Z'), ...rest }, null, 2).split('\n');
    starts.push(lines.length + 1);
    body.forEach((l, j) => lines.push(`    ${l}${j === body.length - 1 && i < events.length - 1 ? ',' : ''}`));
  });
  lines.push('  ],', '  "Trailer": true', '}');
  return { text: lines.join('\n') + '\n', starts };
}

describe('cloudtrail sniff', () => {
  it('is sure of the CloudTrail sample and of nothing else', async () => {
    await expectSureOfOnly(cloudtrail, (f) => f.startsWith('aws-cloudtrail/'));
  });

  it('is sure of a raw {"Records": [...]} file too', async () => {
    const file = writeTemp('trail.json', wrapperText(sampleEvents()).text);
    expect(cloudtrail.sniff(await sampleOf(file))).toBeGreaterThanOrEqual(0.9);
  });
});

describe('cloudtrail on the Logstash NDJSON sample', async () => {
  const { records, bad } = await parseWith(cloudtrail, samplePath(TRAIL));

  it('reads all 103 events, ts from @timestamp', () => {
    expect(records).toHaveLength(103);
    expect(bad).toHaveLength(0);
    const ts = records.map((r) => r.ts!);
    expect(Math.min(...ts)).toBe(Date.UTC(2020, 8, 14, 0, 44, 20) / 1000);
    expect(Math.max(...ts)).toBe(Date.UTC(2020, 8, 14, 1, 13, 20) / 1000);
    expect(records[0]!.ts).toBe(Date.parse('2020-09-14T00:44:23.000Z') / 1000);
  });

  it('keeps requestParameters and responseElements as one JSON text each, and flattens the rest', () => {
    const names = fieldNames(records);
    expect(names.filter((n) => n.startsWith('requestParameters') || n.startsWith('responseElements'))).toEqual(['requestParameters', 'responseElements']);
    expect(names).toEqual(
      expect.arrayContaining(['eventName', 'eventSource', 'sourceIPAddress', 'userAgent', 'userIdentity.arn', 'userIdentity.sessionContext.sessionIssuer.userName', '@timestamp']),
    );
    const events = sampleEvents();
    records.forEach((r, i) => {
      const e = events[i]!;
      if (e.requestParameters === null) expect('requestParameters' in r.fields).toBe(false);
      else expect(JSON.parse(String(r.fields.requestParameters))).toEqual(e.requestParameters);
      if (e.responseElements === null) expect('responseElements' in r.fields).toBe(false);
      else expect(JSON.parse(String(r.fields.responseElements))).toEqual(e.responseElements);
    });
    expect(records.filter((r) => 'responseElements' in r.fields)).toHaveLength(5);
    expect(records.filter((r) => 'requestParameters' in r.fields)).toHaveLength(98);
  });

  it('finds the 11 attacker events by the README rule', () => {
    const attacker = records.filter(
      (r) => /BankingWAFRole/.test(String(r.fields['userIdentity.arn'])) && String(r.fields.userAgent).startsWith('[aws-cli/'),
    );
    expect(attacker.map((r) => r.fields.eventName).sort()).toEqual([
      'GetObject', 'GetObject', 'ListBuckets', 'ListBuckets',
      'ListObjects', 'ListObjects', 'ListObjects', 'ListObjects', 'ListObjects', 'ListObjects', 'ListObjects',
    ]);
    expect(records.some((r) => r.fields.sourceIPAddress === 'ec2.amazonaws.com')).toBe(true);
  });
});

describe('cloudtrail on a raw {"Records": [...]} file', () => {
  it('gives the same events, each with the line its element starts on', async () => {
    const events = sampleEvents();
    const { text, starts } = wrapperText(events);
    const file = writeTemp('trail.json', text);
    const ndjson = await parseWith(cloudtrail, samplePath(TRAIL));
    const { records, bad } = await parseWith(cloudtrail, file);
    expect(bad).toHaveLength(0);
    expect(records).toHaveLength(103);
    expect(records.map((r) => r.line)).toEqual(starts);
    records.forEach((r, i) => {
      const { '@timestamp': _at, '@version': _v, ...expected } = ndjson.records[i]!.fields;
      const { eventTime, ...got } = r.fields;
      expect(got).toEqual(expected);
      expect(typeof eventTime).toBe('string');
      expect(r.ts).toBe(ndjson.records[i]!.ts);
    });
  });

  it('reads a gzipped one-line wrapper, as S3 delivers it', async () => {
    const events = sampleEvents();
    const file = writeTemp('trail.json.gz', zlib.gzipSync(JSON.stringify({ Records: events })));
    const { records, bad } = await parseWith(cloudtrail, file);
    expect(bad).toHaveLength(0);
    expect(records).toHaveLength(103);
    expect(records.every((r) => r.line === 1)).toBe(true);
    expect(records[5]!.raw).toBe(JSON.stringify(events[5]));
  });

  it('reports a broken event and a truncated tail, and keeps the others', async () => {
    const { text } = wrapperText(sampleEvents().slice(0, 10));
    // Break the 3rd event's eventName value, and cut the file inside the 10th event.
    let n = 0;
    const broken = text.replace(/"eventName": "/g, (m) => (++n === 3 ? '"eventName": ' : m));
    const file = writeTemp('trail.json', broken.slice(0, broken.lastIndexOf('"eventName"')));
    const { records, bad } = await parseWith(cloudtrail, file);
    expect(records).toHaveLength(8);
    expect(bad).toHaveLength(2);
    expect(bad[0]!.reason).toMatch(/^invalid JSON/);
    expect(bad[1]!.reason).toMatch(/^truncated JSON at end of file/);
  });

  it('reads an apache log as nothing but bad units', async () => {
    const { records, bad } = await parseWith(cloudtrail, samplePath('web-access/elastic-examples.apache_logs.log'));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(10000);
  });
});
