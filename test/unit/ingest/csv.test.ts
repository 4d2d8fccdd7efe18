import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MAX_RECORD_LINES,
  cellValue,
  createDelimitedParser,
  csv,
  headerNames,
  splitRecord,
  tsv,
} from '../../../src-main/core/ingest/formats/csv';
import type { ParseResult } from '../../../src-main/core/ingest/types';
import { feedLines, fieldNames, parseWith } from '../../helpers/parse';
import { allSamples, samplePath, writeTemp } from '../../helpers/samples';
import { sampleOf } from '../../helpers/sniff';

const HDFS = 'system-logs-loghub/HDFS_2k.log_structured.csv';
const CIC_HEAD = 'cicflowmeter-csv/cicids2017-friday-ddos.machinelearningcve.head.csv';
const CSV_SAMPLES = [HDFS, CIC_HEAD, 'cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv', 'unsw-nb15-csv/unsw-nb15-testing-set.first4528.odd-ids.csv'];

describe('splitRecord (RFC 4180)', () => {
  it('splits plain and quoted cells', () => {
    expect(splitRecord('a,b,,c', ',')).toEqual(['a', 'b', '', 'c']);
    expect(splitRecord('"a,b","say ""hi""",c', ',')).toEqual(['a,b', 'say "hi"', 'c']);
    expect(splitRecord('"",x,""', ',')).toEqual(['', 'x', '']);
    expect(splitRecord('a,', ',')).toEqual(['a', '']);
    expect(splitRecord('"a\tb"\tc', '\t')).toEqual(['a\tb', 'c']);
  });

  it('is lenient where real files are not RFC 4180', () => {
    expect(splitRecord('5" disk,x', ',')).toEqual(['5" disk', 'x']);
    expect(splitRecord('"quoted" tail,x', ',')).toEqual(['quoted tail', 'x']);
  });

  it('reports a quoted field that does not close on the line', () => {
    expect(splitRecord('a,"open', ',')).toBeNull();
  });
});

describe('cell values', () => {
  it('reads plain finite decimals as numbers', () => {
    for (const [text, value] of [['10', 10], ['-1', -1], ['3.5', 3.5], ['.5', 0.5], ['1e5', 1e5], ['10200000.0', 10200000], ['0', 0], ['0.25', 0.25], ['-2.5E-3', -0.0025]] as const) {
      expect(cellValue(text), text).toBe(value);
    }
  });

  it('keeps everything else as text', () => {
    for (const text of ['081109', '007', 'Infinity', '-Infinity', 'inf', '-inf', 'NaN', '+5', ' 5', '5 ', '0x10', '1e999', '1.2.3', '-', '1e', 'BENIGN', '12345678901234567890']) {
      expect(cellValue(text), text).toBe(text);
    }
  });
});

describe('header names', () => {
  it('trims, drops a BOM, names blanks and numbers duplicates', () => {
    expect(headerNames(['\ufeffid', ' Flow Duration', 'Fwd Header Length', ' Fwd Header Length', '', 'x', 'x', '__proto__'])).toEqual([
      'id', 'Flow Duration', 'Fwd Header Length', 'Fwd Header Length (2)', 'column 5', 'x', 'x (2)', '__proto__ (2)',
    ]);
  });
});

describe('csv parser', () => {
  it('reads the header from the first non-blank line and omits empty cells', () => {
    const r = feedLines(csv, ['', ' a , b ,c', '1,,x', '', '2,y,']);
    expect(r.filter((x) => x.kind === 'record')).toEqual([
      { kind: 'record', fields: { a: 1, c: 'x' } },
      { kind: 'record', fields: { a: 2, b: 'y' } },
    ]);
  });

  it('accepts extra empty trailing cells, rejects any other width', () => {
    const r = feedLines(csv, ['a,b,c', '1,2,3,,', '1,2', '1,2,3,4', ',,,,']);
    expect(r.slice(1)).toEqual([
      { kind: 'record', fields: { a: 1, b: 2, c: 3 } },
      { kind: 'bad', reason: 'expected 3 fields (header), found 2' },
      { kind: 'bad', reason: 'expected 3 fields (header), found 4' },
      { kind: 'skip', why: 'blank' },
    ]);
  });

  it('joins a quoted field across lines', () => {
    const r = feedLines(csv, ['id,msg,n', '1,"first line', 'second, with comma', 'third ""q""",7', '2,plain,8']);
    expect(r.slice(1)).toEqual([
      { kind: 'more' },
      { kind: 'more' },
      { kind: 'record', fields: { id: 1, msg: 'first line\nsecond, with comma\nthird "q"', n: 7 } },
      { kind: 'record', fields: { id: 2, msg: 'plain', n: 8 } },
    ]);
  });

  it('flushes an unterminated quoted field at the end', () => {
    const r = feedLines(csv, ['a,b', '1,2', '3,"never closed', 'more text']);
    expect(r.slice(2)).toEqual([{ kind: 'more' }, { kind: 'more' }, { kind: 'bad', reason: 'quoted field opened at line 3 is not closed: still open at the end of the file' }]);
  });

  it('gives up on a quoted field after MAX_RECORD_LINES lines and reads on', () => {
    const p = createDelimitedParser({ delimiter: ',' });
    p.line('a,b', 1);
    expect(p.line('1,"open', 2)).toEqual({ kind: 'more' });
    let last: ParseResult = { kind: 'more' };
    let lineNo = 3;
    for (; lineNo < 3 + MAX_RECORD_LINES; lineNo++) {
      last = p.line('x', lineNo);
      if (last.kind !== 'more') break;
    }
    expect(last).toEqual({ kind: 'bad', reason: `quoted field opened at line 2 is not closed: still open after ${MAX_RECORD_LINES.toLocaleString('en')} lines` });
    expect(lineNo).toBe(MAX_RECORD_LINES + 1);
    expect(p.line('5,6', lineNo + 1)).toEqual({ kind: 'record', fields: { a: 5, b: 6 } });
  });

  it('reads a header row split by a quoted line break', () => {
    const r = feedLines(csv, ['"multi', 'line",b', '1,2']);
    expect(r.at(-1)).toEqual({ kind: 'record', fields: { 'multi\nline': 1, b: 2 } });
  });

  it('reads TSV the same way', () => {
    const r = feedLines(tsv, ['name\tvalue\tnote', 'x\t1.5\t"tab\tinside"', 'y\t-\t']);
    expect(r.slice(1)).toEqual([
      { kind: 'record', fields: { name: 'x', value: 1.5, note: 'tab\tinside' } },
      { kind: 'record', fields: { name: 'y', value: '-' } },
    ]);
  });

  it('gives a file with only a header no records', () => {
    expect(feedLines(csv, ['a,b,c'])).toEqual([{ kind: 'skip', why: 'header' }]);
  });
});

describe('csv on the samples', () => {
  it('reads the loghub HDFS structured CSV, keeping leading-zero dates as text', async () => {
    const { records, bad } = await parseWith(csv, samplePath(HDFS));
    expect(bad).toEqual([]);
    expect(records).toHaveLength(2000);
    expect(fieldNames(records)).toEqual(['Component', 'Content', 'Date', 'EventId', 'EventTemplate', 'Level', 'LineId', 'Pid', 'Time'].sort());
    expect(records[0]!.fields).toMatchObject({ LineId: 1, Date: '081109', Time: 203615, Pid: 148, Level: 'INFO', EventId: 'E10' });
    expect(records.every((r) => r.fields.Date === '081109' || typeof r.fields.Date === 'string')).toBe(true);
    const early = records.find((r) => typeof r.fields.Time === 'string');
    expect(early?.fields.Time).toMatch(/^0\d{5}$/);
    expect(records.every((r) => r.ts === null)).toBe(true);
  });

  it('reads a CIC-IDS2017 CSV as a plain table too', async () => {
    const { records, bad } = await parseWith(csv, samplePath(CIC_HEAD));
    expect(bad).toEqual([]);
    expect(records).toHaveLength(9998);
    expect(fieldNames(records)).toHaveLength(79);
  });
});

describe('csv/tsv sniffing', () => {
  it('scores CSV files low but positive, everything else 0', async () => {
    for (const rel of allSamples()) {
      const s = await sampleOf(samplePath(rel));
      const score = csv.sniff(s);
      if (CSV_SAMPLES.includes(rel)) expect(score, rel).toBe(0.3);
      else expect(score, rel).toBe(0);
      expect(tsv.sniff(s), rel).toBe(0);
    }
  });

  it('recognises a TSV table but not a Zeek TSV log', () => {
    const lines = ['name\tvalue\tnote', 'a\t1\tx', 'b\t2\ty', 'c\t3\tz'];
    expect(tsv.sniff({ text: lines.join('\n'), lines })).toBe(0.3);
    expect(csv.sniff({ text: lines.join('\n'), lines })).toBe(0);
    const zeek = ['#separator \\x09', '#set_separator\t,', '#fields\ta\tb\tc', '#types\tstring\tstring\tstring', 'x\ty\tz'];
    expect(tsv.sniff({ text: zeek.join('\n'), lines: zeek })).toBe(0);
  });

  it('counts delimiters outside quotes only', () => {
    const lines = ['a,b,c', '1,"x, y",3', '2,z,4'];
    expect(csv.sniff({ text: lines.join('\n'), lines })).toBe(0.3);
    const ragged = ['a,b,c', '1,2', '3,4,5'];
    expect(csv.sniff({ text: ragged.join('\n'), lines: ragged })).toBe(0);
    const multiline = ['a,b,c', '1,"two', 'lines, really",3', '2,z,4', '3,y,5'];
    expect(csv.sniff({ text: multiline.join('\n'), lines: multiline })).toBe(0.3);
  });

  it('needs more rows to believe in a two-column table', () => {
    const few = ['key,value', 'a,1', 'b,2'];
    expect(csv.sniff({ text: few.join('\n'), lines: few })).toBe(0);
    const many = ['key,value', 'a,1', 'b,2', 'c,3', 'd,4', 'e,5', 'f,6'];
    expect(csv.sniff({ text: many.join('\n'), lines: many })).toBe(0.2);
  });
});

describe('a stray quote costs its own line (the reading pipeline reads the lines after it again)', () => {
  async function read(lines: string[], format = csv) {
    const { records, bad } = await parseWith(format, writeTemp('stray.csv', lines.join('\n') + '\n'));
    return { records: records.map((r) => [r.line, r.raw]), bad: bad.map((b) => [b.line, b.raw, b.reason]) };
  }

  it('never closed: the opening line alone is quarantined, every line after it is a record', async () => {
    const r = await read(['a,b,c,d', '0,0,x,y', '1,2,"Mozilla compatible', '2,4,x,y', '3,6,x,y']);
    expect(r.records).toEqual([
      [2, '0,0,x,y'],
      [4, '2,4,x,y'],
      [5, '3,6,x,y'],
    ]);
    expect(r.bad).toEqual([[3, '1,2,"Mozilla compatible', expect.stringMatching(/^quoted field opened at line 3 is not closed: still open at the end of the file; only this line is quarantined: lines 4–5 were read again/)]]);
  });

  it('closed lines later, but the record then has the wrong number of fields', async () => {
    const r = await read(['a,b,c', '1,"open', '2,y,z', '3,w",q,r', '4,u,v']);
    // Read as one record, lines 2-4 would have 4 fields: the quote on line 2 was stray.
    expect(r.bad).toEqual([
      [2, '1,"open', expect.stringMatching(/^expected 3 fields \(header\), found 4; only this line is quarantined: lines 3–4 were read again/)],
      [4, '3,w",q,r', 'expected 3 fields (header), found 4'],
    ]);
    expect(r.records).toEqual([
      [3, '2,y,z'],
      [5, '4,u,v'],
    ]);
  });

  it('closed lines later with text after the closing quote', async () => {
    const r = await read(['a,b,c', '1,"open,x', '2,y,z', '3,"closed here",w', '4,u,v']);
    expect(r.bad).toEqual([[2, '1,"open,x', expect.stringMatching(/closes at line 4 with text after the closing quote; only this line/)]]);
    expect(r.records).toEqual([
      [3, '2,y,z'],
      [4, '3,"closed here",w'],
      [5, '4,u,v'],
    ]);
  });

  it('gives up as soon as the open record has more fields than the header', async () => {
    const r = await read(['a,b', '1,"open', 'x",p,"q', 'r,s', 't,u']);
    expect(r.bad).toEqual([
      [2, '1,"open', expect.stringMatching(/found more than 2 fields before it closed; only this line is quarantined: line 3 was read again/)],
      [3, 'x",p,"q', expect.stringMatching(/still open at the end of the file/)],
    ]);
    expect(r.records.map((x) => x[0])).toEqual([4, 5]);
  });

  it('TSV, the same rules', async () => {
    const r = await read(['a\tb\tc', '1\t"open', '2\ty\tz', '3\tu\tv'], tsv);
    expect(r.bad.map((b) => b[0])).toEqual([2]);
    expect(r.records.map((x) => x[0])).toEqual([3, 4]);
  });

  it('a well-formed quoted line break stays one record', async () => {
    const r = await read(['id,msg,n', '1,"first', 'second, with comma', 'third ""q""",7', '2,plain,8']);
    expect(r.bad).toEqual([]);
    expect(r.records).toEqual([
      [2, '1,"first\nsecond, with comma\nthird ""q""",7'],
      [5, '2,plain,8'],
    ]);
  });
});

describe('csv on damaged files', () => {
  const text = () => fs.readFileSync(samplePath(HDFS), 'utf8');

  it('gives the same records for LF and CRLF', async () => {
    const lf = await parseWith(csv, writeTemp('lf.csv', text().replace(/\r\n/g, '\n')));
    const crlf = await parseWith(csv, samplePath(HDFS));
    expect(lf.records.map((r) => r.fields)).toEqual(crlf.records.map((r) => r.fields));
  });

  it('quarantines a truncated row and an unterminated quote at the end', async () => {
    const lines = text().split('\r\n');
    lines[10] = lines[10]!.split(',').slice(0, 5).join(',');
    const withQuote = [...lines.slice(0, -1), '2001,081111,"unterminated, row'];
    const { records, bad } = await parseWith(csv, writeTemp('bad.csv', withQuote.join('\r\n')));
    expect(records).toHaveLength(1999);
    expect(bad).toEqual([
      expect.objectContaining({ line: 11, reason: 'expected 9 fields (header), found 5' }),
      expect.objectContaining({ line: 2002, reason: 'quoted field opened at line 2002 is not closed: still open at the end of the file', raw: '2001,081111,"unterminated, row' }),
    ]);
  });

  it('keeps the raw text and start line of a multi-line record', async () => {
    const file = writeTemp('multi.csv', 'id,msg\r\n1,"a\r\nb"\r\n2,c\r\n');
    const { records, bad } = await parseWith(csv, file);
    expect(bad).toEqual([]);
    expect(records.map((r) => [r.line, r.raw, r.fields])).toEqual([
      [2, '1,"a\nb"', { id: 1, msg: 'a\nb' }],
      [4, '2,c', { id: 2, msg: 'c' }],
    ]);
  });

  it('reads garbage bytes as Latin-1 text and a huge line as quarantined', async () => {
    const lines = text().split('\r\n');
    const garbled = Buffer.concat([Buffer.from(lines.slice(0, 5).join('\n') + '\n'), Buffer.from([0x31, 0x2c, 0xff, 0xfe, 0x2c]), Buffer.from(',,,,,,\n'), Buffer.from('x'.repeat(5 << 20) + '\n'), Buffer.from(lines.slice(5, 10).join('\n'))]);
    const { records, bad, latin1 } = await parseWith(csv, writeTemp('garbled.csv', garbled));
    expect(latin1).toBe(1);
    expect(records).toHaveLength(10);
    expect(records[4]!.fields).toEqual({ LineId: 1, Date: '\xff\xfe' });
    expect(bad).toHaveLength(1);
    expect(bad[0]!.line).toBe(7);
  });

  it('leaves an empty file to the reader, and reads a header-only file as no records', async () => {
    await expect(parseWith(csv, writeTemp('empty.csv', ''))).rejects.toThrow(/empty/);
    const { records, bad } = await parseWith(csv, writeTemp('header.csv', '\ufeffa,b,c\r\n\r\n'));
    expect(records).toEqual([]);
    expect(bad).toEqual([]);
  });

  it('accounts for every line of a file of another format', async () => {
    const file = samplePath('web-access/elastic-examples.apache_logs.log');
    const { records, bad } = await parseWith(csv, file);
    // The first line became the header; every other line is a record or quarantined, none lost.
    expect(records.length + bad.length).toBe(9999);
    expect(bad.length).toBeGreaterThan(0);
  });
});
