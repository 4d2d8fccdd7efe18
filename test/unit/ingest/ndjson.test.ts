import { describe, expect, it } from 'vitest';
import { epochFromNumber, genericTime, ndjson } from '../../../src-main/core/ingest/formats/ndjson';
import { parseValue, parseWith } from '../../helpers/parse';
import { allSamples, samplePath, writeTemp } from '../../helpers/samples';
import { sniffSample } from '../../helpers/sniff';

/** Every JSON sample, with its record count from the samples README. */
const JSON_SAMPLES: Record<string, number> = {
  'zeek-json/slips-test9-mixed.conn.json.log': 576,
  'zeek-json/slips-test9-mixed.http.json.log': 516,
  'zeek-json/wrccdc-2018.ssl.ndjson': 5216,
  'zeek-json/wrccdc-2018.notice.ndjson': 207,
  'suricata-eve/slips-test6-malicious.eve.json': 5000,
  'aws-cloudtrail/otrf-ec2_proxy_s3_exfiltration.cloudtrail.ndjson': 103,
  'windows-events-json/otrf-empire_shell_net_local_users.ndjson': 1907,
  'windows-events-json/otrf-cmd_psexec_lsa_secrets_dump.ndjson': 286,
};

describe('ndjson sniff', () => {
  it('answers low (0.3) for any JSON object input and 0 for the rest', async () => {
    const files = allSamples();
    for (const f of files) {
      const score = await sniffSample(ndjson, f);
      expect(score, f).toBe(f in JSON_SAMPLES ? 0.3 : 0);
    }
    expect(files.filter((f) => f in JSON_SAMPLES)).toHaveLength(Object.keys(JSON_SAMPLES).length);
  });

  it('still claims JSON whose first document does not end within the sample, below the specific formats', () => {
    const lines = ['[', '  {', '    "a": "long"'];
    expect(ndjson.sniff({ text: lines.join('\n'), lines, firstJson: undefined })).toBeLessThanOrEqual(0.3);
    expect(ndjson.sniff({ text: lines.join('\n'), lines, firstJson: undefined })).toBeGreaterThan(0);
    expect(ndjson.sniff({ text: '[Sun Dec 04 04:47:44 2005] [notice] x', lines: [], firstJson: undefined })).toBe(0);
  });
});

describe('ndjson on every JSON sample', () => {
  for (const [file, n] of Object.entries(JSON_SAMPLES)) {
    it(`reads all ${n} records of ${file}`, async () => {
      const { records, bad } = await parseWith(ndjson, samplePath(file));
      expect(records).toHaveLength(n);
      expect(bad).toHaveLength(0);
      // The OTRF psexec export keeps its time in TimeCreated, which is not a generic time key.
      const timed = records.filter((r) => typeof r.ts === 'number').length;
      expect(timed).toBe(file.includes('psexec') ? 0 : n);
    });
  }

  it('flattens nested objects like the specific formats do', async () => {
    const { records } = await parseWith(ndjson, samplePath('suricata-eve/slips-test6-malicious.eve.json'));
    expect(records[0]!.fields['alert.category']).toBe('Misc Attack');
    expect(records[0]!.ts).toBeCloseTo(Date.UTC(2021, 5, 6, 13, 59, 46) / 1000 + 0.457984, 6);
  });
});

describe('ndjson time keys', () => {
  it('takes the first of the usual keys that parses', () => {
    expect(parseValue(ndjson, { ts: 'n/a', timestamp: '2020-01-02T03:04:05Z', time: 5 })).toMatchObject({ ts: Date.UTC(2020, 0, 2, 3, 4, 5) / 1000 });
    expect(parseValue(ndjson, { '@timestamp': '2020-01-02T03:04:05.5+01:00' })).toMatchObject({ ts: Date.UTC(2020, 0, 2, 2, 4, 5) / 1000 + 0.5 });
    expect(parseValue(ndjson, { date: '2020-01-02' })).toMatchObject({ ts: Date.UTC(2020, 0, 2) / 1000 });
    expect(parseValue(ndjson, { eventTime: 1600000000123 })).toMatchObject({ ts: 1600000000.123 });
    const none = parseValue(ndjson, { a: 1, when: '2020-01-02T03:04:05Z' });
    expect(none).toEqual({ kind: 'record', fields: { a: 1, when: '2020-01-02T03:04:05Z' } });
  });

  it('reads epoch numbers in s, ms, µs and ns, and relative seconds as they are', () => {
    expect(epochFromNumber(1600000000.5)).toBe(1600000000.5);
    expect(epochFromNumber(1600000000500)).toBe(1600000000.5);
    expect(epochFromNumber(1600000000500000)).toBe(1600000000.5);
    expect(epochFromNumber(1600000000500000000)).toBeCloseTo(1600000000.5, 3);
    expect(epochFromNumber(22.3)).toBe(22.3);
    expect(genericTime('1600000000')).toBe(1600000000);
    expect(genericTime('2020-13-01')).toBeNull();
    expect(genericTime(true)).toBeNull();
  });

  it('turns a value that is not an object into a bad unit', () => {
    expect(parseValue(ndjson, 'text')).toEqual({ kind: 'bad', reason: 'expected a JSON object' });
  });
});

describe('ndjson on damaged and foreign input', () => {
  it('reads files of other formats as nothing but bad units', async () => {
    for (const [file, lines] of [
      ['system-logs-loghub/HDFS_2k.log', 2000],
      ['cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv', 3157],
    ] as const) {
      const { records, bad } = await parseWith(ndjson, samplePath(file));
      expect(records, file).toHaveLength(0);
      expect(bad, file).toHaveLength(lines);
    }
  });

  it('reports a truncated pretty-printed array and keeps its complete elements', async () => {
    const text = JSON.stringify([{ a: 1 }, { b: { c: [1, 2] } }, { d: 'x' }], null, 2);
    const file = writeTemp('cut.json', text.slice(0, text.indexOf('"d"')));
    const { records, bad } = await parseWith(ndjson, file);
    expect(records.map((r) => r.fields)).toEqual([{ a: 1 }, { 'b.c': [1, 2] }]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.reason).toMatch(/^truncated JSON at end of file/);
    expect(bad[0]!.line).toBe(13);
  });
});
