import { describe, expect, it } from 'vitest';
import { JsonDocumentSplitter, firstJsonValue, type JsonUnit } from '../../../src-main/core/ingest/json-documents';
import { ndjson } from '../../../src-main/core/ingest/formats/ndjson';
import { parseWith } from '../../helpers/parse';
import { samplePath, writeTemp } from '../../helpers/samples';

function split(text: string, opts?: { maxDocumentChars?: number }): JsonUnit[] {
  const s = new JsonDocumentSplitter(opts);
  const out: JsonUnit[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => out.push(...s.line(l, i + 1)));
  out.push(...s.end(lines.length));
  return out;
}

/** Compact view: `line:value` for documents, `line!reason` for the rest. */
function view(units: JsonUnit[]): string[] {
  return units.map((u) => (u.ok ? `${u.line}:${JSON.stringify(u.value)}` : `${u.line}!${u.reason}`));
}

describe('JsonDocumentSplitter: NDJSON', () => {
  it('gives one document a line, skips blank lines, keeps the line text', () => {
    const units = split('{"a":1}\n\n   \n{"b":[1,2]}\n');
    expect(view(units)).toEqual(['1:{"a":1}', '4:{"b":[1,2]}']);
    expect(units[1]!.text).toBe('{"b":[1,2]}');
  });

  it('reports a bad line and goes on with the next', () => {
    const units = split('{"a":1}\n{"a":2\n{"a":3}\nnot json\n{"a":4}');
    expect(view(units).map((v) => v.replace(/!invalid JSON: .*/, '!invalid'))).toEqual(['1:{"a":1}', '2!invalid', '3:{"a":3}', '4!invalid', '5:{"a":4}']);
    expect(units[1]!.text).toBe('{"a":2');
  });

  it('reports top-level scalars and nulls as not records', () => {
    const units = split('{"a":1}\n42\n"text"\nnull\ntrue');
    expect(units.map((u) => u.ok)).toEqual([true, false, false, false, false]);
    for (const u of units.slice(1)) expect(!u.ok && u.reason).toBe('expected a JSON object');
  });

  it('starts with a scalar line and still reads the objects after it', () => {
    expect(view(split('42\n{"a":1}'))).toEqual(['1!expected a JSON object', '2:{"a":1}']);
  });

  it('tolerates a trailing CR and a BOM on the first line', () => {
    expect(view(split('\ufeff{"a":1}\r\n{"b":2}\r'))).toEqual(['1:{"a":1}', '2:{"b":2}']);
  });

  it('expands a line that holds a whole array or a Records wrapper', () => {
    const units = split('{"a":1}\n[{"x":1}, {"y":2}]\n{"Records":[{"r":1},{"r":2}]}\n[]');
    expect(view(units)).toEqual(['1:{"a":1}', '2:{"x":1}', '2:{"y":2}', '3:{"r":1}', '3:{"r":2}']);
    expect(units[2]!.text).toBe('{"y":2}');
  });

  it('recovers when the very first line is cut short', () => {
    const units = split('{"a":"cut he\n{"b":2}\n{"c":3}\n');
    expect(view(units)).toEqual([
      '1!truncated JSON: the document starting at line 1 is unfinished where a new one starts at line 2',
      '2:{"b":2}',
      '3:{"c":3}',
    ]);
  });

  it('gives nothing for empty input', () => {
    expect(split('')).toEqual([]);
    expect(split('\n\n  \n')).toEqual([]);
  });
});

describe('JsonDocumentSplitter: multi-line JSON', () => {
  it('emits each element of a pretty-printed top-level array with the line it starts on', () => {
    const text = JSON.stringify([{ a: 1, n: { m: [1, 2] } }, { b: 'x' }, { c: true }], null, 2);
    const units = split(text);
    expect(view(units)).toEqual(['2:{"a":1,"n":{"m":[1,2]}}', '11:{"b":"x"}', '14:{"c":true}']);
    expect(units[1]!.text).toBe('{\n    "b": "x"\n  }');
  });

  it('emits each element of a Records array, ignoring the wrapper keys before and after it', () => {
    const text = [
      '{',
      '  "Digest": {"Records": 5, "list": [1, {"x": "]"}]},',
      '  "Records": [',
      '    {"e": 1},',
      '    {',
      '      "e": 2,',
      '      "inner": {"Records": [{"not": "expanded"}]}',
      '    }',
      '  ],',
      '  "Trailer": ["a", "b"]',
      '}',
    ].join('\n');
    expect(view(split(text))).toEqual(['4:{"e":1}', '5:{"e":2,"inner":{"Records":[{"not":"expanded"}]}}']);
  });

  it('emits one pretty-printed object whole, and a stream of them one by one', () => {
    expect(view(split('{\n  "a": {\n    "b": 1\n  },\n  "c": [1, 2]\n}\n'))).toEqual(['1:{"a":{"b":1},"c":[1,2]}']);
    expect(view(split('{\n"a":1\n}\n\n{\n"b":2\n}'))).toEqual(['1:{"a":1}', '5:{"b":2}']);
  });

  it('is not fooled by brackets, quotes and backslashes inside strings', () => {
    const tricky = { s: 'a } ] [ { "x" \\', t: '\\"', u: 'C:\\dir\\', v: '"Records": [' };
    const text = `[\n${JSON.stringify(tricky, null, 1)},\n{"after": 1}\n]`;
    expect(split(text).filter((u) => u.ok).map((u) => (u as { value: unknown }).value)).toEqual([tricky, { after: 1 }]);
  });

  it('reports a bad element, scalars and garbage between elements, and finds the rest', () => {
    const text = '[\n  {"a": 1},\n  {"b": tru},\n  7, "s", garbage,\n  {"c": 3}\n]';
    const v = view(split(text));
    expect(v[0]).toBe('2:{"a":1}');
    expect(v[1]).toMatch(/^3!invalid JSON: /);
    expect(v.slice(2, 4)).toEqual(['4!expected a JSON object', '4!expected a JSON object']);
    expect(v[4]).toMatch(/^4!invalid JSON: /);
    expect(v[5]).toBe('5:{"c":3}');
    expect(v).toHaveLength(6);
  });

  it('reports a stray value after the top-level array, and reads objects that follow it', () => {
    const v = view(split('[\n{"a":1}\n]\nhello world\n{\n"b":2\n}'));
    expect(v[0]).toBe('2:{"a":1}');
    expect(v[1]).toMatch(/^4!invalid JSON/);
    expect(v[2]).toBe('5:{"b":2}');
  });

  it('reports an element cut short and resumes at the next one starting in column 0', () => {
    const v = view(split('[\n{"a":1,\n{"b":2},\n{"c":3}\n]'));
    expect(v).toEqual([
      '2!truncated JSON: the document starting at line 2 is unfinished where a new one starts at line 3',
      '3:{"b":2}',
      '4:{"c":3}',
    ]);
  });

  it('keeps counting depth right after a line cut inside a string', () => {
    const text = '[\n  {\n    "a": "cut in the mid\n  },\n  {\n    "b": 2\n  }\n]';
    const v = view(split(text));
    expect(v[0]).toMatch(/^2!invalid JSON/);
    expect(v[1]).toBe('5:{"b":2}');
  });

  it('reports an unfinished document at end of file', () => {
    const units = split('[\n{"a":1},\n{"b":\n  [1, 2');
    expect(view(units)[0]).toBe('2:{"a":1}');
    const last = units[1]!;
    expect(last.ok).toBe(false);
    expect(!last.ok && last.reason).toMatch(/^truncated JSON at end of file/);
    expect(last.line).toBe(3);
    expect(last.text).toBe('{"b":\n  [1, 2');
  });

  it('skips a document over the size limit, reports it, and finds the next one', () => {
    const text = `[\n{"big": "${'x'.repeat(300)}",\n"more": "${'y'.repeat(300)}"},\n{"small": 1}\n]`;
    const units = split(text, { maxDocumentChars: 200 });
    expect(units).toHaveLength(2);
    expect(units[0]!.ok).toBe(false);
    expect(!units[0]!.ok && units[0]!.reason).toMatch(/starting at line 2 is larger than 200 characters: skipped/);
    expect(units[1]).toMatchObject({ ok: true, value: { small: 1 }, line: 4 });
  });

  it('scans an NDJSON line bigger than the limit for the elements it holds', () => {
    const line = JSON.stringify({ Records: Array.from({ length: 50 }, (_, i) => ({ i, pad: 'p'.repeat(20) })) });
    const units = split(line, { maxDocumentChars: 500 });
    expect(units).toHaveLength(50);
    expect(units.every((u) => u.ok && u.line === 1)).toBe(true);
    const big = split(`{"a":1}\n{"pad": "${'p'.repeat(600)}"}`, { maxDocumentChars: 500 });
    expect(view(big)[1]).toMatch(/^2!JSON document starting at line 2 is larger than 500 characters/);
  });

  it('keeps memory bounded on a document that never ends', () => {
    const s = new JsonDocumentSplitter({ maxDocumentChars: 10_000 });
    const out: JsonUnit[] = [];
    out.push(...s.line('[', 1), ...s.line('{"a": [', 2));
    for (let i = 3; i < 20_000; i++) out.push(...s.line(`"${'z'.repeat(100)}",`, i));
    out.push(...s.end(19_999));
    // One unit for the one document, reported where its lines end (here: the end of the file).
    expect(out.map((u) => !u.ok && u.reason.slice(0, 40))).toEqual(['JSON document starting at line 2 is larg']);
    expect(out.map((u) => [u.line, u.end])).toEqual([[2, 19_999]]);
    expect(out[0]!.text.length).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('firstJsonValue', () => {
  it('returns the first object, from NDJSON, an array or a wrapper', () => {
    expect(firstJsonValue(['', '{"a":1}', '{"b":2}'])).toEqual({ a: 1 });
    expect(firstJsonValue(['[', '  {', '    "a": 1', '  },', '  {"b": 2'])).toEqual({ a: 1 });
    expect(firstJsonValue(['{', '  "Records": [', '    {"eventName": "X"},'])).toEqual({ eventName: 'X' });
    expect(firstJsonValue(['{"a":"cut', '{"b":2}'])).toEqual({ b: 2 });
  });

  it('is undefined when no document completes, or the text is not JSON', () => {
    expect(firstJsonValue(['{', '  "a": 1,'])).toBeUndefined();
    expect(firstJsonValue(['hello {"a":1}'])).toBeUndefined();
    expect(firstJsonValue(['#separator \\x09'])).toBeUndefined();
    expect(firstJsonValue([])).toBeUndefined();
  });
});

describe('JSON documents through the reading pipeline', () => {
  it('reads a pretty-printed array file with CRLF endings, with the right line numbers', async () => {
    const file = writeTemp('array.json', JSON.stringify([{ a: 1 }, { b: { c: 2 } }], null, 2).replace(/\n/g, '\r\n'));
    const { records, bad } = await parseWith(ndjson, file);
    expect(bad).toEqual([]);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [2, { a: 1 }],
      [5, { 'b.c': 2 }],
    ]);
  });

  it('reads the CRLF-terminated OTRF NDJSON without stray CRs', async () => {
    const { records, bad } = await parseWith(ndjson, samplePath('windows-events-json/otrf-cmd_psexec_lsa_secrets_dump.ndjson'));
    expect(records).toHaveLength(286);
    expect(bad).toHaveLength(0);
    expect(records.map((r) => r.line)).toEqual(Array.from({ length: 286 }, (_, i) => i + 1));
    expect(records.some((r) => r.raw.endsWith('\r'))).toBe(false);
  });

  it('quarantines the truncated last line of a file with its line number', async () => {
    const file = writeTemp('cut.ndjson', '{"a":1}\n{"a":2}\n{"a":');
    const { records, bad } = await parseWith(ndjson, file);
    expect(records).toHaveLength(2);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ line: 3, raw: '{"a":' });
    expect(bad[0]!.reason).toMatch(/^invalid JSON/);
  });
});
