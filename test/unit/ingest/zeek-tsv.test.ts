import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zeekTsv, unescapeZeek } from '../../../src-main/core/ingest/formats/zeek-tsv';
import { countBy, feedLines, fieldNames, parseWith } from '../../helpers/parse';
import { samplePath, writeTemp } from '../../helpers/samples';
import { expectSureOfOnly } from '../../helpers/sniff';

const NORMAL = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';
const BOTNET = 'zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled';
const DNS = 'zeek-tsv/wrccdc-2018.dns.log';

const CONN_FIELDS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration',
  'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history',
  'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents', 'label', 'detailedlabel',
];

const HEADER = (fields: string[], types: string[], extra: string[] = []) => [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\ttest',
  ...extra,
  `#fields\t${fields.join('\t')}`,
  `#types\t${types.join('\t')}`,
];

describe('zeek-tsv on the samples', () => {
  it('reads CTU-Normal-40: 5,663 conn records, 23 typed fields, labels kept', async () => {
    const { records, bad, latin1 } = await parseWith(zeekTsv, samplePath(NORMAL));
    expect(bad).toEqual([]);
    expect(latin1).toBe(0);
    expect(records).toHaveLength(5663);
    expect(fieldNames(records)).toEqual([...CONN_FIELDS].sort());

    const first = records[0]!;
    expect(first.line).toBe(9);
    expect(first.ts).toBe(1655071198.444458);
    expect(first.fields).toMatchObject({
      ts: 1655071198.444458,
      'id.orig_h': '147.32.81.167',
      'id.orig_p': 62771,
      'id.resp_p': 443,
      proto: 'tcp',
      service: 'ssl',
      duration: 1.135424,
      orig_bytes: 1596,
      local_orig: true,
      local_resp: false,
      tunnel_parents: [],
      label: 'Benign',
      detailedlabel: 'Microsoft',
    });

    expect(countBy(records, (r) => r.fields.label)).toEqual({ Malicious: 4201, Benign: 1402, Background: 60 });
    // `(empty)` in a string column is the empty string.
    expect(countBy(records, (r) => r.fields.detailedlabel)).toEqual({
      'External-Attack-to-Device': 4201, Microsoft: 652, ESET: 604, Dropbox: 135, 'Cert-Validation': 11, '': 60,
    });
    // `-` is unset: the field is absent, never null.
    expect(records.filter((r) => !('service' in r.fields))).toHaveLength(4846);
    expect(records.filter((r) => !('duration' in r.fields))).toHaveLength(155);
    for (const r of records) {
      expect(Object.values(r.fields)).not.toContain(null);
      expect(r.ts).toBe(r.fields.ts);
    }
    // Not sorted by ts: Zeek writes a connection when it ends.
    expect(records.some((r, i) => i > 0 && r.ts! < records[i - 1]!.ts!)).toBe(true);
  });

  it('reads the NjRAT capture: 992 records, relative ts, IPv6 originators', async () => {
    const { records, bad } = await parseWith(zeekTsv, samplePath(BOTNET));
    expect(bad).toEqual([]);
    expect(records).toHaveLength(992);
    expect(fieldNames(records)).toEqual([...CONN_FIELDS].sort());
    const ts = records.map((r) => r.ts!);
    expect(Math.min(...ts)).toBeCloseTo(15.23, 2);
    expect(Math.max(...ts)).toBeCloseTo(3023.36, 2);
    expect(records.filter((r) => String(r.fields['id.orig_h']).includes(':'))).toHaveLength(661);
    expect(countBy(records, (r) => r.fields.label)).toEqual({ Background: 739, Malicious: 244, Benign: 9 });
  });

  it('reads the WRCCDC dns log: 10,371 records with vector and bool columns', async () => {
    const { records, bad } = await parseWith(zeekTsv, samplePath(DNS));
    expect(bad).toEqual([]);
    expect(records).toHaveLength(10371);
    expect(fieldNames(records)).toHaveLength(24);
    const first = records[0]!.fields;
    expect(first.answers).toEqual(['ise.wrccdc.cpp.edu', '134.71.3.16']);
    expect(first.TTLs).toEqual([2230, 41830]);
    expect(first).toMatchObject({ AA: false, TC: false, RD: true, RA: true, rejected: false, trans_id: 36329, rtt: 0.00087 });
    expect(records.filter((r) => Array.isArray(r.fields.answers))).toHaveLength(8054);
    expect(records.filter((r) => !('rtt' in r.fields))).toHaveLength(2318);
    for (const r of records) {
      for (const b of ['AA', 'TC', 'RD', 'RA', 'rejected']) if (b in r.fields) expect(typeof r.fields[b]).toBe('boolean');
      const ttls = r.fields.TTLs;
      if (ttls !== undefined) expect((ttls as unknown[]).every((t) => typeof t === 'number')).toBe(true);
    }
  });

  it('gives the same records for CRLF line endings', async () => {
    const text = fs.readFileSync(samplePath(BOTNET), 'utf8');
    const crlf = writeTemp('crlf.log', text.replace(/\n/g, '\r\n'));
    const a = await parseWith(zeekTsv, samplePath(BOTNET));
    const b = await parseWith(zeekTsv, crlf);
    expect(b.bad).toEqual([]);
    expect(b.records.map((r) => r.fields)).toEqual(a.records.map((r) => r.fields));
  });
});

describe('zeek-tsv sniffing', () => {
  it('is sure of its own files and scores 0 on every other sample', async () => {
    await expectSureOfOnly(zeekTsv, (rel) => rel.startsWith('zeek-tsv/'), 0.95);
  });

  it('recognises a header whose #separator line is missing', () => {
    const lines = HEADER(['ts', 'uid'], ['time', 'string']).slice(1);
    expect(zeekTsv.sniff({ text: lines.join('\n'), lines })).toBeGreaterThanOrEqual(0.9);
  });
});

describe('zeek-tsv header and values', () => {
  it('types every Zeek value kind', () => {
    const [r] = feedLines(zeekTsv, [
      ...HEADER(
        ['ts', 'n', 'i', 'd', 'b', 'a', 'e', 'st', 'vc', 'vs', 'empty_set', 'empty_str', 'unset'],
        ['time', 'count', 'int', 'double', 'bool', 'addr', 'enum', 'set[string]', 'vector[count]', 'vector[string]', 'set[addr]', 'string', 'interval'],
      ),
      ['1.5', '7', '-3', '1e-07', 'T', '::1', 'udp', 'a,b', '1,2,3', 'x', '(empty)', '(empty)', '-'].join('\t'),
    ]).slice(-1);
    expect(r).toEqual({
      kind: 'record',
      ts: 1.5,
      fields: { ts: 1.5, n: 7, i: -3, d: 1e-7, b: true, a: '::1', e: 'udp', st: ['a', 'b'], vc: [1, 2, 3], vs: ['x'], empty_set: [], empty_str: '' },
    });
  });

  it('reads counts of any length as Number() does', () => {
    const r = feedLines(zeekTsv, [...HEADER(['a', 'b', 'c'], ['count', 'count', 'count']), '18446744073709551615\t9007199254740993\t000123']);
    expect(r.at(-1)).toEqual({ kind: 'record', fields: { a: Number('18446744073709551615'), b: Number('9007199254740993'), c: 123 } });
  });

  it('decodes Zeek escapes, including UTF-8 bytes and escaped separators', () => {
    expect(unescapeZeek('a\\x09b')).toBe('a\tb');
    expect(unescapeZeek('C:\\\\temp')).toBe('C:\\temp');
    expect(unescapeZeek('caf\\xc3\\xa9')).toBe('café');
    expect(unescapeZeek('\\xff')).toBe('\xff');
    expect(unescapeZeek('\\x2d')).toBe('-');
    const results = feedLines(zeekTsv, [...HEADER(['s', 'set'], ['string', 'set[string]']), 'tab\\x09in\tx\\x2cy,z']);
    expect(results.at(-1)).toEqual({ kind: 'record', fields: { s: 'tab\tin', set: ['x,y', 'z'] } });
    // An escaped `-` is the string "-", not unset.
    expect(feedLines(zeekTsv, [...HEADER(['s'], ['string']), '\\x2d']).at(-1)).toEqual({ kind: 'record', fields: { s: '-' } });
  });

  it('honours other set separators and empty/unset markers', () => {
    const lines = [
      '#separator \\x09',
      '#set_separator\t|',
      '#empty_field\tEMPTY',
      '#unset_field\tNONE',
      '#fields\tts\tv\ts',
      '#types\ttime\tvector[string]\tstring',
      '10.0\ta,b|c\tNONE',
      '11.0\tEMPTY\t-',
    ];
    const r = feedLines(zeekTsv, lines).filter((x) => x.kind === 'record');
    expect(r).toEqual([
      { kind: 'record', ts: 10, fields: { ts: 10, v: ['a,b', 'c'] } },
      { kind: 'record', ts: 11, fields: { ts: 11, v: [], s: '-' } },
    ]);
  });

  it('reads a comma separator declared by #separator', () => {
    const r = feedLines(zeekTsv, ['#separator \\x2c', '#fields,ts,n', '#types,time,count', '1.0,5']);
    expect(r.at(-1)).toEqual({ kind: 'record', ts: 1, fields: { ts: 1, n: 5 } });
  });

  it('quarantines a value that contradicts its declared type, naming the field', () => {
    const r = feedLines(zeekTsv, [...HEADER(['ts', 'n', 'b', 'v'], ['time', 'count', 'bool', 'vector[interval]']), '1.0\tabc\tT\t1.0', '1.0\t1\tyes\t1.0', '1.0\t1\tF\t1.0,x', 'x\t1\tT\t1.0']);
    expect(r.slice(-4)).toEqual([
      { kind: 'bad', field: 'n', reason: 'expected count, found "abc"' },
      { kind: 'bad', field: 'b', reason: 'expected bool, found "yes"' },
      { kind: 'bad', field: 'v', reason: 'expected vector[interval], found "1.0,x"' },
      { kind: 'bad', field: 'ts', reason: 'expected time, found "x"' },
    ]);
  });

  it('rejects numbers Zeek never writes, keeps non-finite doubles as text', () => {
    const header = HEADER(['n', 'd'], ['count', 'double']);
    const [a, b, c, d, e] = feedLines(zeekTsv, [...header, '-1\t1', ' 1\t1', '0x10\t1', '1\t0x10', '1\tinf']).slice(-5);
    expect(a).toMatchObject({ kind: 'bad', field: 'n' });
    expect(b).toMatchObject({ kind: 'bad', field: 'n' });
    expect(c).toMatchObject({ kind: 'bad', field: 'n' });
    expect(d).toMatchObject({ kind: 'bad', field: 'd' });
    expect(e).toEqual({ kind: 'record', fields: { n: 1, d: 'inf' } });
  });

  it('quarantines rows with the wrong number of fields', () => {
    const r = feedLines(zeekTsv, [...HEADER(['ts', 'a', 'n'], ['time', 'string', 'count']), '1.0\tx', '1.0\tx\t1\tz', '1.0\t3', '1.0\tx\tnot a count\tz']);
    expect(r.slice(-4)).toEqual([
      { kind: 'bad', reason: 'expected 3 tab-separated fields (from #fields), found 2' },
      { kind: 'bad', reason: 'expected 3 tab-separated fields (from #fields), found 4' },
      { kind: 'bad', reason: 'expected 3 tab-separated fields (from #fields), found 2' },
      // The width is the problem here, not the misplaced text.
      { kind: 'bad', reason: 'expected 3 tab-separated fields (from #fields), found 4' },
    ]);
  });

  it('quarantines lines before any #fields header', () => {
    const r = feedLines(zeekTsv, ['1.0\tx\ty', '#separator \\x09', '#fields\tts', '#types\ttime', '2.0']);
    expect(r[0]).toEqual({ kind: 'bad', reason: 'no #fields header before this line (is this a Zeek TSV log?)' });
    expect(r.at(-1)).toEqual({ kind: 'record', ts: 2, fields: { ts: 2 } });
  });

  it('quarantines records under a header whose #types does not match #fields', () => {
    const r = feedLines(zeekTsv, ['#separator \\x09', '#fields\tts\ta', '#types\ttime', '1.0\tx']);
    expect(r.at(-1)).toEqual({ kind: 'bad', reason: '#types lists 1 columns but #fields lists 2' });
  });

  it('follows a new header block mid-file (concatenated or rotated logs)', () => {
    const r = feedLines(zeekTsv, [
      ...HEADER(['ts', 'a'], ['time', 'count']),
      '1.0\t1',
      '#close\t2024-01-01-00-00-00',
      ...HEADER(['ts', 'query', 'answers'], ['time', 'string', 'vector[string]']),
      '2.0\texample.org\ta,b',
      // A rotated log may restate only #fields/#types.
      '#fields\tts\tflag',
      '#types\ttime\tbool',
      '3.0\tT',
    ]).filter((x) => x.kind !== 'skip');
    expect(r).toEqual([
      { kind: 'record', ts: 1, fields: { ts: 1, a: 1 } },
      { kind: 'record', ts: 2, fields: { ts: 2, query: 'example.org', answers: ['a', 'b'] } },
      { kind: 'record', ts: 3, fields: { ts: 3, flag: true } },
    ]);
  });

  it('keeps duplicate column names apart', () => {
    const r = feedLines(zeekTsv, [...HEADER(['ts', 'x', 'x'], ['time', 'count', 'count']), '1.0\t1\t2']);
    expect(r.at(-1)).toEqual({ kind: 'record', ts: 1, fields: { ts: 1, x: 1, 'x (2)': 2 } });
  });

  it('reads a log without #types as text, and a log without ts as timeless', () => {
    const r = feedLines(zeekTsv, ['#separator \\x09', '#fields\ta\tb', '1\t-']);
    expect(r.at(-1)).toEqual({ kind: 'record', fields: { a: '1' } });
  });

  it('skips blank lines and header lines, and reads a data line starting with # as data', () => {
    const r = feedLines(zeekTsv, [...HEADER(['a', 'b'], ['string', 'string']), '', '#x\ty', '#unknown header']);
    expect(r.slice(-3)).toEqual([
      { kind: 'skip', why: 'blank' },
      { kind: 'record', fields: { a: '#x', b: 'y' } },
      { kind: 'bad', reason: 'expected 2 tab-separated fields (from #fields), found 1' },
    ]);
  });
});

describe('zeek-tsv on damaged files', () => {
  const original = () => fs.readFileSync(samplePath(NORMAL));

  it('quarantines a truncated last line and keeps the rest', async () => {
    const buf = original();
    const cut = buf.subarray(0, buf.length - 40);
    const { records, bad } = await parseWith(zeekTsv, writeTemp('truncated.log', cut));
    expect(records).toHaveLength(5662);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.line).toBe(5671);
    expect(bad[0]!.reason).toMatch(/^expected 23 tab-separated fields \(from #fields\), found \d+$/);
  });

  it('quarantines a line truncated in the middle of the file', async () => {
    const lines = original().toString('utf8').split('\n');
    lines[100] = lines[100]!.split('\t').slice(0, 19).join('\t');
    const { records, bad } = await parseWith(zeekTsv, writeTemp('mid.log', lines.join('\n')));
    expect(records).toHaveLength(5662);
    expect(bad).toEqual([expect.objectContaining({ line: 101, reason: 'expected 23 tab-separated fields (from #fields), found 19' })]);
  });

  it('reads a line with invalid UTF-8 as Latin-1 and keeps it', async () => {
    const lines = original().toString('latin1').split('\n');
    const cells = lines[20]!.split('\t');
    cells[21] = 'Benign\xff\xfe';
    lines[20] = cells.join('\t');
    const { records, bad, latin1 } = await parseWith(zeekTsv, writeTemp('latin1.log', Buffer.from(lines.join('\n'), 'latin1')));
    expect(bad).toEqual([]);
    expect(latin1).toBe(1);
    expect(records[12]!.fields.label).toBe('Benign\xff\xfe');
  });

  it('quarantines garbage bytes in a typed column', async () => {
    const lines = original().toString('utf8').split('\n');
    const cells = lines[30]!.split('\t');
    cells[3] = '\u0001\u0002garbage';
    lines[30] = cells.join('\t');
    const { records, bad } = await parseWith(zeekTsv, writeTemp('garbage.log', lines.join('\n')));
    expect(records).toHaveLength(5662);
    expect(bad).toEqual([expect.objectContaining({ line: 31, field: 'id.orig_p', reason: 'expected port, found "\\u0001\\u0002garbage"' })]);
  });

  it('quarantines a huge line without losing its neighbours', async () => {
    const lines = original().toString('utf8').split('\n');
    lines.splice(50, 0, 'x'.repeat(5 * 1024 * 1024));
    const { records, bad } = await parseWith(zeekTsv, writeTemp('huge.log', lines.join('\n')));
    expect(records).toHaveLength(5663);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.line).toBe(51);
  });

  it('reads a log that has only its header as no records', async () => {
    const header = original().toString('utf8').split('\n').slice(0, 8).join('\n');
    const { records, bad } = await parseWith(zeekTsv, writeTemp('header-only.log', `${header}\n#close\t2022-06-18-00-00-00\n`));
    expect(records).toEqual([]);
    expect(bad).toEqual([]);
  });

  it('quarantines every line of a log whose header was stripped', async () => {
    const lines = original().toString('utf8').split('\n').slice(8);
    const { records, bad } = await parseWith(zeekTsv, writeTemp('headless.log', lines.join('\n')));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(5663);
  });

  it('turns a file of another format into bad units only', async () => {
    for (const rel of ['zeek-json/slips-test9-mixed.conn.json.log', 'cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv', 'linux-auth/loghub-OpenSSH_2k.log']) {
      const { records, bad } = await parseWith(zeekTsv, samplePath(rel));
      expect(records, rel).toHaveLength(0);
      expect(bad.length, rel).toBeGreaterThan(500);
    }
  });
});
