import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RosasError } from '../../src-main/core/errors';
import type { ImportSummary } from '../../src-main/core/ingest/import';
import { MAX_JSON_DEPTH } from '../../src-main/core/ingest/flatten';
import { rosasJson } from '../helpers/cli';
import { importInto, newProject, projectDigest } from '../helpers/project';
import { samplePath, tempDir } from '../helpers/samples';

// The repros of issue 10, §1: one bad byte must cost one line, never the file.

function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

/** Every physical line is in a record, in quarantine, or counted with its reason. */
function expectAccounted(s: ImportSummary, physicalLines: number): void {
  const l = s.lines;
  expect(l.read).toBe(physicalLines);
  expect(l.inRecords + l.inQuarantine + l.header + l.blank + l.structure).toBe(l.read);
}

function quarantine(project: ReturnType<typeof newProject>) {
  return project.db.prepare('SELECT line, reason, raw FROM quarantine ORDER BY line').all() as Array<{ line: number; reason: string; raw: string }>;
}

/** A header and `n` rows of 4 cells, the row at index `at` replaced by `bad`. */
function table(delim: string, n: number, at: number, bad: string): string {
  const rows = [['a', 'b', 'c', 'd'].join(delim)];
  for (let i = 0; i < n; i++) rows.push([i, i * 2, `Mozilla ${i}`, `x${i}`].join(delim));
  rows[at + 1] = bad;
  return rows.join('\n') + '\n';
}

describe('an unterminated quote costs its own line only', () => {
  it('CSV: 20,000 rows, `1,2,"Mozilla compatible` at row 100', async () => {
    const project = newProject();
    const s = await importInto(project, writeTemp('q.csv', table(',', 20_000, 99, '1,2,"Mozilla compatible')));
    expect(s.records).toBe(19_999);
    expect(s.quarantined).toBe(1);
    expect(quarantine(project)).toEqual([{ line: 101, reason: expect.stringMatching(/quoted field opened at line 101 is not closed.*only this line is quarantined/), raw: '1,2,"Mozilla compatible' }]);
    expectAccounted(s, 20_001);
    expect(s.lines.header).toBe(1);
    // The rows after the bad one are all there, unchanged.
    const last = project.db.prepare('SELECT line, raw FROM records ORDER BY id DESC LIMIT 1').get();
    expect(last).toEqual({ line: 20_001, raw: '19999,39998,Mozilla 19999,x19999' });
    project.close();
  });

  it('TSV: 3,000 rows, an unterminated quote at row 100', async () => {
    const project = newProject();
    const s = await importInto(project, writeTemp('q.tsv', table('\t', 3000, 99, '1\t2\t"Mozilla compatible')));
    expect([s.records, s.quarantined]).toEqual([2999, 1]);
    expect(quarantine(project).map((q) => q.line)).toEqual([101]);
    expectAccounted(s, 3001);
    project.close();
  });

  it('a quote that closes lines later with the wrong number of fields: the opening line alone', async () => {
    const rows = ['a,b,c', '1,"open,x', '2,y,z', '3,"closed here",w', '4,u,v'];
    const project = newProject();
    const s = await importInto(project, writeTemp('w.csv', rows.join('\n') + '\n'), { format: 'csv' });
    expect(quarantine(project).map((q) => q.line)).toEqual([2]);
    const records = project.db.prepare('SELECT line, raw FROM records ORDER BY line').all();
    expect(records).toEqual([
      { line: 3, raw: '2,y,z' },
      { line: 4, raw: '3,"closed here",w' },
      { line: 5, raw: '4,u,v' },
    ]);
    expectAccounted(s, 5);
    project.close();
  });

  it('a real multi-line quoted field is still one record', async () => {
    const project = newProject();
    const s = await importInto(project, writeTemp('m.csv', 'id,msg,n\n1,"first\nsecond, x\nthird",7\n2,b,8\n'));
    expect([s.records, s.quarantined]).toEqual([2, 0]);
    expect(s.lines).toMatchObject({ read: 5, inRecords: 4, header: 1 });
    project.close();
  });
});

describe('deep JSON nesting is one quarantined line, not an aborted import', () => {
  const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
  const good = (i: number) => JSON.stringify({ ts: 1_600_000_000 + i, user: `u${i}`, n: i });

  it('one line nested 20,000 levels among 3,000', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => good(i));
    lines[1500] = deep(20_000);
    const project = newProject();
    const s = await importInto(project, writeTemp('deep.ndjson', lines.join('\n') + '\n'));
    expect([s.records, s.quarantined]).toEqual([2999, 1]);
    expect(quarantine(project)).toEqual([{ line: 1501, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, raw: expect.stringMatching(/^\{"a":\{"a":/) }]);
    expectAccounted(s, 3000);
    project.close();
  });

  it('nesting up to the cap is kept, as JSON text below the flattened levels', async () => {
    const project = newProject();
    const s = await importInto(project, writeTemp('ok.ndjson', `${good(1)}\n${deep(MAX_JSON_DEPTH - 1)}\n`));
    expect([s.records, s.quarantined]).toEqual([2, 0]);
    project.close();
  });

  it('the other files of a multi-file import land (CLI)', () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.ndjson');
    const b = path.join(dir, 'b.ndjson');
    const c = path.join(dir, 'c.ndjson');
    fs.writeFileSync(a, Array.from({ length: 10 }, (_, i) => good(i)).join('\n'));
    fs.writeFileSync(b, [good(100), deep(20_000), good(101)].join('\n'));
    fs.writeFileSync(c, Array.from({ length: 10 }, (_, i) => good(200 + i)).join('\n'));
    const out = rosasJson('import', path.join(dir, 'p.rosas'), a, b, c);
    expect(out.failed).toEqual([]);
    expect(out.files.map((f: ImportSummary) => [path.basename(f.file), f.records, f.quarantined])).toEqual([
      ['a.ndjson', 10, 0],
      ['b.ndjson', 2, 1],
      ['c.ndjson', 10, 0],
    ]);
  });
});

describe('names that differ only in case are both kept', () => {
  const fieldsOf = (s: ImportSummary) => s.fields.map((f) => [f.name, f.present]);

  it('JSON keys user / User', async () => {
    const project = newProject();
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ user: `u${i}`, User: `U${i}`, n: i }));
    const s = await importInto(project, writeTemp('case.ndjson', lines.join('\n')));
    expect(fieldsOf(s)).toEqual([
      ['user', 50],
      ['User (2)', 50],
      ['n', 50],
    ]);
    expect(s.renamedFields).toEqual([{ from: 'User', to: 'User (2)', records: 50 }]);
    expect(s.warnings.join('\n')).toMatch(/"User" .*differ only in case.*"User \(2\)" \(50 records\)/);
    const row = project.db.prepare('SELECT fields FROM records ORDER BY id LIMIT 1').get() as { fields: string };
    expect(JSON.parse(row.fields)).toEqual(['u0', 'U0', 0]);
    project.close();
  });

  it('CSV headers a,A', async () => {
    const project = newProject();
    const s = await importInto(project, writeTemp('case.csv', 'a,A,b\n1,2,3\n4,5,6\n'));
    expect(fieldsOf(s)).toEqual([
      ['a', 2],
      ['A (2)', 2],
      ['b', 2],
    ]);
    project.close();
  });

  it('Zeek uid / UID', async () => {
    const zeek = ['#separator \\x09', '#fields\tts\tuid\tUID', '#types\ttime\tstring\tstring', '1600000000.0\tCa1\tCB2', '1600000001.0\tCa3\tCB4'];
    const project = newProject();
    const s = await importInto(project, writeTemp('case.log', zeek.join('\n') + '\n'));
    expect(fieldsOf(s)).toEqual([
      ['ts', 2],
      ['uid', 2],
      ['UID (2)', 2],
    ]);
    expectAccounted(s, 5);
    expect(s.lines.header).toBe(3);
    project.close();
  });
});

describe('NUL bytes: binary by share, a stray one quarantines its line', () => {
  const rows = (n: number) => ['a,b,c', ...Array.from({ length: n }, (_, i) => `${i},${i * 2},x${i}`)];

  it('one NUL in the first 64 KiB: the file imports, that line is quarantined', async () => {
    const lines = rows(100);
    lines[5] = '4,8,x\0y';
    const project = newProject();
    const s = await importInto(project, writeTemp('nul.csv', lines.join('\n') + '\n'));
    expect([s.records, s.quarantined]).toEqual([99, 1]);
    expect(quarantine(project)).toEqual([{ line: 6, reason: 'line holds a NUL byte (binary data)', raw: '4,8,x\0y' }]);
    expectAccounted(s, 101);
    project.close();
  });

  it('mostly NUL is binary, unless the format is chosen: then the NUL lines are quarantined', async () => {
    const lines = rows(100).map((l, i) => (i > 0 && i % 2 === 0 ? `${l}\0\0\0\0\0\0\0\0` : l));
    const file = writeTemp('half-binary.csv', lines.join('\n') + '\n');
    const project = newProject();
    const before = projectDigest(project);
    await expect(importInto(project, file)).rejects.toThrow(/binary file/);
    expect(projectDigest(project)).toBe(before);
    const s = await importInto(project, file, { format: 'csv' });
    expect([s.records, s.quarantined]).toEqual([50, 50]);
    expectAccounted(s, 101);
    project.close();
  });
});

describe('blank lines and cut-off .gz files', () => {
  it('over 64 KiB of blank lines before the data', async () => {
    const project = newProject();
    const s = await importInto(project, writeTemp('blank.csv', '\n'.repeat(70_000) + 'a,b,c\n1,2,3\n4,5,6\n'));
    expect(s.format).toBe('csv');
    expect(s.records).toBe(2);
    expect(s.lines).toMatchObject({ read: 70_003, blank: 70_000, header: 1, inRecords: 2 });
    project.close();
  });

  it('only blank lines, more than 64 KiB of them, is an empty file', async () => {
    const project = newProject();
    const err = await importInto(project, writeTemp('blank.log', '\n \n'.repeat(40_000))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RosasError);
    expect((err as Error).message).toMatch(/empty/);
    project.close();
  });

  it('a .gz cut short imports what decompressed, quarantines the unfinished tail and warns', async () => {
    const text = fs.readFileSync(samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled'));
    const whole = newProject();
    const all = await importInto(whole, writeTemp('whole.log', text));
    whole.close();
    const gz = zlib.gzipSync(text);
    const project = newProject();
    const s = await importInto(project, writeTemp('cut.log.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(s.records).toBeGreaterThan(0);
    expect(s.records).toBeLessThan(all.records);
    expect(s.warnings.join('\n')).toMatch(/gzip data ends early/);
    const q = quarantine(project);
    expect(q).toHaveLength(1);
    expect(q[0]!.reason).toMatch(/compressed data ends/);
    expect(q[0]!.line).toBe(s.lines.read);
    expectAccounted(s, s.lines.read);
    // What was read is the start of the file, unchanged.
    const firstRaw = project.db.prepare('SELECT raw FROM records ORDER BY id LIMIT 1').get() as { raw: string };
    expect(text.toString('utf8')).toContain(firstRaw.raw);
    project.close();
  });
});
