import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitRecord } from '../../../src-main/core/ingest/formats/csv';
import { UNSW_RAW_COLUMNS, unswNb15 } from '../../../src-main/core/ingest/formats/unsw-nb15';
import { countBy, fieldNames, parseWith } from '../../helpers/parse';
import { samplePath, writeTemp } from '../../helpers/samples';
import { expectSureOfOnly, sampleOf } from '../../helpers/sniff';

const TESTING = 'unsw-nb15-csv/unsw-nb15-testing-set.first4528.odd-ids.csv';

const STIME0 = 1421927414;

/** Raw columns whose partitioned-set name differs beyond case. */
const ALIAS: Record<string, string> = { smeansz: 'smean', dmeansz: 'dmean', res_bdy_len: 'response_body_len', Sintpkt: 'sinpkt', Dintpkt: 'dinpkt' };

/**
 * A headerless raw-layout file (49 columns) built at test time from the partitioned sample's
 * rows: shared columns copied, addresses, ports and Stime/Ltime made up. Normal rows get an empty
 * attack_cat, as in the raw files.
 */
function rawFile(rows: number): { file: string; source: Array<Record<string, string>> } {
  const lines = fs.readFileSync(samplePath(TESTING), 'utf8').replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
  const header = lines[0]!.split(',');
  const source = lines.slice(1, rows + 1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
  const out = source.map((src, i) => {
    const stime = STIME0 + i;
    const made: Record<string, string> = {
      srcip: `10.40.${i >> 8}.${i & 255}`,
      sport: String(1024 + i),
      dstip: i % 2 ? '2001:db8::5' : '192.0.2.7',
      dsport: i % 3 ? '80' : '0x000b',
      Stime: String(stime),
      Ltime: String(stime + Math.ceil(Number(src.dur))),
      attack_cat: src.attack_cat === 'Normal' ? '' : src.attack_cat!,
    };
    return UNSW_RAW_COLUMNS.map((c) => made[c] ?? src[ALIAS[c] ?? c.toLowerCase()]!).join(',');
  });
  return { file: writeTemp('UNSW-NB15_9.csv', out.join('\r\n') + '\r\n'), source };
}

describe('unsw-nb15 on the partitioned testing set', () => {
  it('reads 2,264 rows x 45 columns, BOM stripped from id', async () => {
    const { records, bad } = await parseWith(unswNb15, samplePath(TESTING));
    expect(bad).toEqual([]);
    expect(records).toHaveLength(2264);
    const names = fieldNames(records);
    expect(names).toHaveLength(45);
    expect(names).toContain('id');
    expect(names.some((n) => n.includes('\ufeff'))).toBe(false);
    expect(Object.keys(records[0]!.fields)[0]).toBe('id');
    expect(records[0]!.fields).toMatchObject({ id: 1, dur: 0.000011, proto: 'udp', service: '-', state: 'INT', spkts: 2, sbytes: 496, attack_cat: 'Normal', label: 0 });
    expect(records.every((r) => (r.fields.id as number) % 2 === 1)).toBe(true);
    expect(countBy(records, (r) => r.fields.attack_cat)).toEqual({
      Exploits: 896, DoS: 533, Fuzzers: 368, Reconnaissance: 263, Normal: 122, Analysis: 42, Shellcode: 22, Backdoor: 15, Worms: 3,
    });
    expect(countBy(records, (r) => r.fields.label)).toEqual({ '0': 122, '1': 2142 });
    expect(records.every((r) => r.ts === null)).toBe(true);
  });
});

describe('unsw-nb15 raw files without a header', () => {
  it('uses the official 49 column names and Stime as ts', async () => {
    const { file, source } = rawFile(300);
    expect(unswNb15.sniff(await sampleOf(file))).toBeGreaterThanOrEqual(0.9);
    const { records, bad } = await parseWith(unswNb15, file);
    expect(bad).toEqual([]);
    expect(records).toHaveLength(300);
    expect(records[0]!.line).toBe(1);
    expect(fieldNames(records)).toEqual([...UNSW_RAW_COLUMNS].sort());
    records.forEach((r, i) => {
      expect(r.ts).toBe(STIME0 + i);
      expect(r.fields.Stime).toBe(STIME0 + i);
      expect(r.fields.sbytes).toBe(Number(source[i]!.sbytes));
      expect(r.fields.Label).toBe(Number(source[i]!.label));
      if (source[i]!.attack_cat === 'Normal') expect(r.fields).not.toHaveProperty('attack_cat');
      else expect(r.fields.attack_cat).toBe(source[i]!.attack_cat);
    });
    expect(records[0]!.fields).toMatchObject({ srcip: '10.40.0.0', sport: 1024, dstip: '192.0.2.7', dsport: '0x000b', proto: 'udp', state: 'INT' });
    expect(records[1]!.fields.dstip).toBe('2001:db8::5');
  });

  it('quarantines a raw row with a missing column', async () => {
    const { file } = rawFile(20);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    lines[7] = lines[7]!.split(',').slice(0, 48).join(',');
    const { records, bad } = await parseWith(unswNb15, writeTemp('short.csv', lines.join('\r\n')));
    expect(records).toHaveLength(19);
    expect(bad).toEqual([expect.objectContaining({ line: 8, reason: 'expected 49 fields (like the first row), found 48' })]);
  });

  it('reads a raw file that was given a header line', async () => {
    const { file } = rawFile(10);
    const withHeader = writeTemp('with-header.csv', `${UNSW_RAW_COLUMNS.join(',')}\r\n${fs.readFileSync(file, 'utf8')}`);
    expect(unswNb15.sniff(await sampleOf(withHeader))).toBeGreaterThanOrEqual(0.9);
    const { records } = await parseWith(unswNb15, withHeader);
    expect(records).toHaveLength(10);
    expect(records[0]!.ts).toBe(STIME0);
  });
});

describe('unsw-nb15 sniffing', () => {
  it('is sure of its sample and scores 0 on every other sample', async () => {
    await expectSureOfOnly(unswNb15, (rel) => rel.startsWith('unsw-nb15-csv/'));
  });

  it('does not take any 49-column CSV for a raw file', () => {
    const row = Array.from({ length: 49 }, (_, i) => String(i));
    const lines = [row.join(','), row.join(',')];
    expect(unswNb15.sniff({ text: lines.join('\n'), lines })).toBe(0);
    expect(splitRecord(lines[0]!, ',')).toHaveLength(49);
  });
});

describe('unsw-nb15 on damaged files', () => {
  it('quarantines a truncated last row and garbage, keeps the rest', async () => {
    const buf = fs.readFileSync(samplePath(TESTING));
    const lines = buf.subarray(0, buf.length - 30).toString('latin1').split('\r\n');
    const cells = lines[100]!.split(',');
    cells[4] = '\xfe\xff';
    lines[100] = cells.join(',');
    const { records, bad, latin1 } = await parseWith(unswNb15, writeTemp('damaged.csv', Buffer.from(lines.join('\r\n'), 'latin1')));
    expect(latin1).toBe(1);
    expect(records).toHaveLength(2263);
    expect(bad).toEqual([expect.objectContaining({ line: 2265, reason: expect.stringMatching(/^expected 45 fields \(header\), found \d+$/) })]);
    expect(records[99]!.fields.state).toBe('\xfe\xff');
  });

  it('accounts for every line of a file of another format', async () => {
    const { records, bad } = await parseWith(unswNb15, samplePath('cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv'));
    expect(records.length + bad.length).toBe(3156);
  });
});
