import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cicflowmeter, parseCicTime } from '../../../src-main/core/ingest/formats/cicflowmeter';
import type { ParsedUnit } from '../../../src-main/core/ingest/parse-stream';
import { countBy, fieldNames, parseWith } from '../../helpers/parse';
import { samplePath, writeTemp } from '../../helpers/samples';
import { expectSureOfOnly, sampleOf } from '../../helpers/sniff';

const HEAD = 'cicflowmeter-csv/cicids2017-friday-ddos.machinelearningcve.head.csv';
const MULTI = 'cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv';

/** How often each non-numeric value occurs in the given columns. */
function textValues(records: ParsedUnit[], columns: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    for (const c of columns) {
      const v = r.fields[c];
      if (typeof v === 'string') out[v] = (out[v] ?? 0) + 1;
    }
  }
  return out;
}

describe('cicflowmeter on the samples', () => {
  it('reads the MachineLearningCVE head: 9,998 rows x 79 columns, traps included', async () => {
    const { records, bad } = await parseWith(cicflowmeter, samplePath(HEAD));
    expect(bad).toEqual([]);
    expect(records).toHaveLength(9998);
    const names = fieldNames(records);
    expect(names).toHaveLength(79);
    expect(names.filter((n) => n !== n.trim())).toEqual([]);
    // The duplicate header is kept as two fields.
    expect(names).toContain('Fwd Header Length');
    expect(names).toContain('Fwd Header Length (2)');
    expect(names).toContain('Destination Port');
    expect(names).toContain('Label');
    // No column is empty here, so every record has all 79 fields.
    expect(records.every((r) => Object.keys(r.fields).length === 79)).toBe(true);

    expect(records[0]!.fields).toMatchObject({ 'Destination Port': 54865, 'Flow Duration': 3, 'Flow Bytes/s': 4000000, 'Flow Packets/s': 666666.6667, Label: 'BENIGN' });
    expect(textValues(records, ['Flow Bytes/s', 'Flow Packets/s'])).toEqual({ Infinity: 13, NaN: 1 });
    expect(countBy(records, (r) => r.fields.Label)).toEqual({ BENIGN: 9998 });
    expect(records.filter((r) => r.fields.Init_Win_bytes_backward === -1)).toHaveLength(5886);
    // Every other value is a number.
    for (const r of records) {
      for (const [k, v] of Object.entries(r.fields)) {
        if (k !== 'Label' && typeof v !== 'number') expect(['Infinity', 'NaN']).toContain(v);
      }
    }
    expect(records.every((r) => r.ts === null)).toBe(true);
  });

  it('reads the pandas re-save: 3,156 rows x 78 columns, inf as text, empty cells omitted', async () => {
    const { records, bad } = await parseWith(cicflowmeter, samplePath(MULTI));
    expect(bad).toEqual([]);
    expect(records).toHaveLength(3156);
    const names = fieldNames(records);
    expect(names).toHaveLength(78);
    expect(names).toContain('Fwd Header Length.1');
    expect(names).not.toContain('Destination Port');
    expect(textValues(records, ['Flow Bytes/s', 'Flow Packets/s'])).toEqual({ inf: 17 });
    const short = records.filter((r) => Object.keys(r.fields).length !== 78);
    expect(short).toHaveLength(3);
    expect(short.every((r) => Object.keys(r.fields).length === 77 && !('Flow Bytes/s' in r.fields))).toBe(true);
    expect(countBy(records, (r) => r.fields.Label)).toEqual({ WebAttack: 1090, Bot: 983, DoS: 477, BruteForce: 277, PortScan: 197, BENIGN: 115, Infiltration: 17 });
    // Integers printed as floats are numbers.
    expect(records[0]!.fields['Packet Length Variance']).toBe(16800000);
  });

  it('gives the same records for LF and CRLF', async () => {
    const lf = writeTemp('lf.csv', fs.readFileSync(samplePath(MULTI), 'utf8').replace(/\r\n/g, '\n'));
    const a = await parseWith(cicflowmeter, lf);
    const b = await parseWith(cicflowmeter, samplePath(MULTI));
    expect(a.records.map((r) => r.fields)).toEqual(b.records.map((r) => r.fields));
  });
});

describe('cicflowmeter sniffing', () => {
  it('is sure of both CIC variants and scores 0 on every other sample', async () => {
    await expectSureOfOnly(cicflowmeter, (rel) => rel.startsWith('cicflowmeter-csv/'));
  });

  it('recognises CICFlowMeter V4 and Python exports by their spellings', () => {
    const v4 = ['Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Tot Bwd Pkts,TotLen Fwd Pkts,Fwd Pkt Len Max,Flow Byts/s,Flow Pkts/s,Flow IAT Mean,Bwd Pkts/s,Label'];
    expect(cicflowmeter.sniff({ text: v4[0]!, lines: v4 })).toBeGreaterThanOrEqual(0.9);
    const py = ['src_ip,dst_ip,src_port,dst_port,protocol,timestamp,flow_duration,flow_byts_s,flow_pkts_s,fwd_pkts_s,bwd_pkts_s,tot_fwd_pkts,tot_bwd_pkts'];
    expect(cicflowmeter.sniff({ text: py[0]!, lines: py })).toBeGreaterThanOrEqual(0.9);
    const other = ['id,dur,proto,service,state,spkts,dpkts,sbytes,dbytes'];
    expect(cicflowmeter.sniff({ text: other[0]!, lines: other })).toBe(0);
  });
});

describe('CIC timestamps', () => {
  const utc = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

  it('reads day/month/year, as CICFlowMeter writes it', () => {
    expect(parseCicTime('03/07/2017 08:55:58')).toBe(utc(2017, 7, 3, 8, 55, 58));
    expect(parseCicTime('7/7/2017 3:59')).toBe(utc(2017, 7, 7, 3, 59));
    expect(parseCicTime('14/02/2018 08:31:01')).toBe(utc(2018, 2, 14, 8, 31, 1));
    expect(parseCicTime('14/02/2018 01:05:00 PM')).toBe(utc(2018, 2, 14, 13, 5));
    expect(parseCicTime('14/02/2018 12:05:00 AM')).toBe(utc(2018, 2, 14, 0, 5));
    expect(parseCicTime('03/07/2017 08:55:58.250')).toBe(utc(2017, 7, 3, 8, 55, 58) + 0.25);
  });

  it('reads month first when asked, or when the date can only be month first', () => {
    expect(parseCicTime('03/07/2017 08:55', true)).toBe(utc(2017, 3, 7, 8, 55));
    expect(parseCicTime('7/14/2017 10:00')).toBe(utc(2017, 7, 14, 10, 0));
    expect(parseCicTime('14/7/2017 10:00', true)).toBe(utc(2017, 7, 14, 10, 0));
  });

  it('reads ISO times (Python exporter, pandas) and rejects nonsense', () => {
    expect(parseCicTime('2020-10-14 10:26:31')).toBe(utc(2020, 10, 14, 10, 26, 31));
    expect(parseCicTime('13/13/2017 10:00')).toBeNull();
    expect(parseCicTime('03/07/2017 25:00')).toBeNull();
    expect(parseCicTime('yesterday')).toBeNull();
  });

  it('gives records of a V4 export their ts', async () => {
    const file = writeTemp(
      'v4.csv',
      [
        'Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Tot Bwd Pkts,Flow Byts/s,Flow Pkts/s,Flow IAT Mean,Bwd Pkts/s,Label',
        '10.0.0.1-10.0.0.2-1234-80-6,10.0.0.1,1234,10.0.0.2,80,6,03/07/2017 08:55:58,1000,2,1,300,3000,500,1000,BENIGN',
        '10.0.0.1-10.0.0.2-1235-80-6,10.0.0.1,1235,10.0.0.2,80,6,not a time,1000,2,1,300,3000,500,1000,BENIGN',
        'fe80::1-fe80::2-1-2-17,fe80::1,1,fe80::2,2,17,,0,1,0,Infinity,Infinity,0,0,DDoS',
      ].join('\r\n'),
    );
    expect(cicflowmeter.sniff(await sampleOf(file))).toBeGreaterThanOrEqual(0.9);
    const { records, bad } = await parseWith(cicflowmeter, file);
    expect(bad).toEqual([]);
    expect(records.map((r) => r.ts)).toEqual([utc(2017, 7, 3, 8, 55, 58), null, null]);
    expect(records[0]!.fields).toMatchObject({ 'Src IP': '10.0.0.1', 'Src Port': 1234, Timestamp: '03/07/2017 08:55:58', Protocol: 6 });
    expect(records[2]!.fields).not.toHaveProperty('Timestamp');
    expect(records[2]!.fields['Flow Byts/s']).toBe('Infinity');
    const mdy = await parseWith(cicflowmeter, file, { dateOrder: 'mdy' });
    expect(mdy.records[0]!.ts).toBe(utc(2017, 3, 7, 8, 55, 58));
  });
});

describe('cicflowmeter on damaged files', () => {
  it('quarantines a row cut short at the end of the file', async () => {
    const buf = fs.readFileSync(samplePath(HEAD));
    const { records, bad } = await parseWith(cicflowmeter, writeTemp('cut.csv', buf.subarray(0, buf.length - 100)));
    expect(records).toHaveLength(9997);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.line).toBe(9999);
    expect(bad[0]!.reason).toMatch(/^expected 79 fields \(header\), found \d+$/);
  });

  it('quarantines a row missing a cell, and reads a row with garbage bytes as text', async () => {
    const lines = fs.readFileSync(samplePath(MULTI), 'latin1').split('\r\n');
    const cells = lines[5]!.split(',');
    lines[5] = cells.slice(1).join(',');
    const other = lines[6]!.split(',');
    other[3] = '\xff\xfe\x01';
    lines[6] = other.join(',');
    const { records, bad, latin1 } = await parseWith(cicflowmeter, writeTemp('damaged.csv', Buffer.from(lines.join('\r\n'), 'latin1')));
    expect(latin1).toBe(1);
    expect(records).toHaveLength(3155);
    expect(bad).toEqual([expect.objectContaining({ line: 6, reason: 'expected 78 fields (header), found 77' })]);
    expect(records[4]!.fields['Total Length of Fwd Packets']).toBe('\xff\xfe\x01');
  });

  it('keeps records apart from a huge line', async () => {
    const text = fs.readFileSync(samplePath(MULTI), 'utf8').split('\r\n');
    text.splice(3, 0, '1,'.repeat(3 << 20));
    const { records, bad } = await parseWith(cicflowmeter, writeTemp('huge.csv', text.join('\r\n')));
    expect(records).toHaveLength(3156);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.line).toBe(4);
  });

  it('reads a Zeek log forced through it without crashing, accounting for every line', async () => {
    const { records, bad } = await parseWith(cicflowmeter, samplePath('zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled'));
    expect(records.length + bad.length).toBe(999);
  });
});
