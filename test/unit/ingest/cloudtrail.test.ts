import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cloudtrail } from '../../../src-main/core/ingest/formats/cloudtrail';
import { firstJsonValue } from '../../../src-main/core/ingest/json-documents';
import type { Sample } from '../../../src-main/core/ingest/types';
import { fieldNames, parseWith } from '../../helpers/parse';
import { SHARED, samplePath, tempDir } from '../../helpers/samples';

/** What sniffing sees of a file: its first 64 KiB, as detect.ts builds it. */
function sampleOf(file: string): Sample {
  const buf = Buffer.alloc(64 * 1024);
  const fd = fs.openSync(file, 'r');
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  const text = buf.subarray(0, n).toString('utf8').replace(/^\ufeff/, '');
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  return { text, lines, firstJson: /^\s*[[{]/.test(text) ? firstJsonValue(lines) : undefined };
}

function allSamples(): string[] {
  const root = path.join(SHARED, 'samples');
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(root, d.name)).map((f) => `${d.name}/${f}`));
}

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
 * CloudTrail writes it, and wrapper keys around the array. Returns the line each event starts on.
 */
function writeWrapper(file: string, events: Array<Record<string, unknown>>): number[] {
  const lines = ['{', '  "Digest": {"Records": 1},', '  "Records": ['];
  const starts: number[] = [];
  events.forEach((e, i) => {
    const { '@timestamp': at, '@version': _v, ...rest } = e;
    const body = JSON.stringify({ eventTime: String(at).replace('.000Z', 'Z'), ...rest }, null, 2).split('\n');
    starts.push(lines.length + 1);
    body.forEach((l, j) => lines.push(`    ${l}${j === body.length - 1 && i < events.length - 1 ? ',' : ''}`));
  });
  lines.push('  ],', '  "Trailer": true', '}');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return starts;
}

describe('cloudtrail sniff', () => {
  it('is sure of the CloudTrail sample and of nothing else', () => {
    for (const f of allSamples()) {
      const score = cloudtrail.sniff(sampleOf(samplePath(f)));
      if (f.startsWith('aws-cloudtrail/')) expect(score, f).toBeGreaterThanOrEqual(0.9);
      else expect(score, f).toBe(0);
    }
  });

  it('is sure of a raw {"Records": [...]} file too', () => {
    const file = path.join(tempDir(), 'trail.json');
    writeWrapper(file, sampleEvents());
    expect(cloudtrail.sniff(sampleOf(file))).toBeGreaterThanOrEqual(0.9);
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
    const file = path.join(tempDir(), 'trail.json');
    const starts = writeWrapper(file, events);
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
    const file = path.join(tempDir(), 'trail.json.gz');
    fs.writeFileSync(file, zlib.gzipSync(JSON.stringify({ Records: events })));
    const { records, bad } = await parseWith(cloudtrail, file);
    expect(bad).toHaveLength(0);
    expect(records).toHaveLength(103);
    expect(records.every((r) => r.line === 1)).toBe(true);
    expect(records[5]!.raw).toBe(JSON.stringify(events[5]));
  });

  it('reports a broken event and a truncated tail, and keeps the others', async () => {
    const file = path.join(tempDir(), 'trail.json');
    writeWrapper(file, sampleEvents().slice(0, 10));
    const text = fs.readFileSync(file, 'utf8');
    // Break the 3rd event's eventName value, and cut the file inside the 10th event.
    let n = 0;
    const broken = text.replace(/"eventName": "/g, (m) => (++n === 3 ? '"eventName": ' : m));
    fs.writeFileSync(file, broken.slice(0, broken.lastIndexOf('"eventName"')));
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
