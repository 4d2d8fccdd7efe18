import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjson } from '../../../src-main/core/ingest/formats/ndjson';
import { emptyLineCounts, parseFile, type LineCounts, type UnitBatch } from '../../../src-main/core/ingest/parse-stream';
import { inspectFile } from '../../../src-main/core/ingest/read-lines';
import type { Format, JsonFormat, LineFormat } from '../../../src-main/core/ingest/types';
import { writeTemp } from '../../helpers/samples';

async function run(format: Format, file: string, maxLineBytes?: number) {
  const units: UnitBatch['units'] = [];
  const lines = emptyLineCounts();
  const ctx = { fileName: path.basename(file), fileMtimeMs: fs.statSync(file).mtimeMs, options: {} };
  for await (const b of parseFile(file, await inspectFile(file, { sniff: false }), format, ctx, { maxLineBytes })) {
    units.push(...b.units);
    for (const k of Object.keys(lines) as Array<keyof LineCounts>) lines[k] += b.lines[k];
  }
  const view = units.map((u) => (u.kind === 'record' ? `${u.line}:${u.raw}` : `${u.line}!${u.reason}`));
  return { view, lines };
}

/** A parser that throws where a line says so: a bug in one parser, not bad input. */
const throwing: LineFormat = {
  name: 'text',
  title: 'test',
  framing: 'lines',
  sniff: () => 0,
  create: () => ({
    line(text) {
      if (text === 'boom') throw new TypeError('cannot read x of undefined');
      return text === '' ? { kind: 'skip', why: 'blank' } : { kind: 'record', fields: { t: text } };
    },
  }),
};

describe('one line never aborts the file', () => {
  it('a parser that throws on a line: that line is quarantined with the error, the rest read', async () => {
    const r = await run(throwing, writeTemp('t.log', 'a\nboom\n\nb\n'));
    expect(r.view).toEqual(['1:a', '2!could not be read (TypeError: cannot read x of undefined)', '4:b']);
    expect(r.lines).toEqual({ ...emptyLineCounts(), read: 4, inRecords: 2, inQuarantine: 1, blank: 1 });
  });

  it('a JSON parser that throws on a document', async () => {
    const fmt: JsonFormat = {
      ...ndjson,
      create: () => ({
        record(value) {
          if ((value as { n: number }).n === 2) throw new RangeError('bad n');
          return { kind: 'record', fields: value as Record<string, number> };
        },
      }),
    };
    const r = await run(fmt, writeTemp('t.ndjson', '{"n":1}\n{"n":2}\n{"n":3}\n'));
    expect(r.view).toEqual(['1:{"n":1}', '2!could not be read (RangeError: bad n)', '3:{"n":3}']);
  });
});

describe('every line is accounted for in JSON files', () => {
  it('an array of pretty-printed objects: structure, records, blanks', async () => {
    const text = ['[', '  {', '    "a": 1', '  },', '', '  {"a": 2}, {"a": 3},', '  {"a": ', ']'].join('\n');
    const r = await run(ndjson, writeTemp('a.json', text));
    expect(r.view.map((v) => v.replace(/\s+/g, ' ').slice(0, 12))).toEqual(['2:{ "a": 1 }', '6:{"a": 2}', '6:{"a": 3}', '7!invalid JS']);
    // The unfinished last object runs into the closing bracket: both its lines are quarantined.
    expect(r.lines).toEqual({ ...emptyLineCounts(), read: 8, inRecords: 4, inQuarantine: 2, blank: 1, structure: 1 });
  });

  it('a line too long to read interrupts the open document: both quarantined, counted once each', async () => {
    // Lines are cut where a read chunk (1 MiB) ends with more of the line than the limit.
    const text = ['{', '  "a": 1,', `  "b": "${'x'.repeat(3 << 20)}",`, '  "c": 3', '}', '{"d": 4}'].join('\n');
    const r = await run(ndjson, writeTemp('long.json', text), 1 << 20);
    expect(r.view.map((v) => v.slice(0, 40))).toEqual([
      '1!unfinished JSON: the document starting',
      '3!line longer than 1024 KiB (first 64 Ki',
      '4!invalid JSON: Unexpected non-whitespac',
      '5!invalid JSON: Unexpected token \'}\', "}',
      '6:{"d": 4}',
    ]);
    expect(r.lines.read).toBe(6);
    expect(r.lines.inRecords + r.lines.inQuarantine + r.lines.header + r.lines.blank + r.lines.structure).toBe(6);
  });
});
