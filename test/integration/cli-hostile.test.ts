import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordDetail, ReviewPage } from '../../src-main/api/contract';
import { dispatch } from '../../src-main/api/dispatch';
import { createHandlers } from '../../src-main/api/handlers';
import { RecentProjects } from '../../src-main/api/recent';
import { Session } from '../../src-main/api/session';
import { rosas, rosasJson, type CliRun } from '../helpers/cli';
import { tempDir } from '../helpers/samples';

/**
 * Log fields carry attacker-written text. The CLI's human output must never hand it to the
 * terminal raw (escape sequences, C1 controls, bidi overrides), while --json keeps it exactly;
 * and field names or values that are keys of Object.prototype must stay plain keys everywhere.
 */

/** Characters a terminal acts on, apart from the line ends of the output itself. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectInert(r: CliRun, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).not.toBe(70);
  expect(r.stdout, `${what} stdout`).not.toMatch(RAW_CONTROL);
  expect(r.stderr, `${what} stderr`).not.toMatch(RAW_CONTROL);
}

/** Writes NDJSON lines by hand: JSON.stringify of an object literal would drop a `__proto__` key. */
function ndjson(records: Array<Array<[string, unknown]>>): string {
  return records.map((r) => `{${r.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`).join('\n') + '\n';
}

describe('terminal escapes in log text', () => {
  const OSC52 = '\x1b]52;c;SGk=\x07';
  const CLEAR = '\x1b[2J';
  const TITLE = '\x1b]0;title\x07';
  const CSI = '\x9b31m';
  const CR = 'b\ra';
  const BIDI = 'abc\u202edcba';
  const LAYOUT = 'a\tb\nc';
  const NAME = '\x1b]0;name\x07';
  const RLO_NAME = '\u202eeman';
  let dir: string;
  let project: string;
  let first: Record<string, unknown>;
  let textLine: string;

  beforeAll(() => {
    dir = tempDir();
    project = path.join(dir, 'p.rosas');
    // Two values per field, so each is a categorical feature that explain shows.
    const rows = Array.from({ length: 40 }, (_, i) => {
      const odd = i % 2 === 1;
      return [
        ['ts', 1_700_000_000 + i * 60],
        ['osc52', odd ? OSC52 : 'plain'],
        ['clear', odd ? CLEAR : 'plain'],
        ['title', odd ? TITLE : 'plain'],
        ['csi', odd ? CSI : 'plain'],
        ['cr', odd ? CR : 'plain'],
        ['bidi', odd ? BIDI : 'plain'],
        ['layout', odd ? LAYOUT : 'plain'],
        [NAME, odd ? 'x' : 'y'],
        [RLO_NAME, odd ? 'x' : 'y'],
        ['bytes', i === 1 ? 1e9 : i * 10],
      ] as Array<[string, unknown]>;
    });
    first = Object.fromEntries(rows[1]!);
    fs.writeFileSync(path.join(dir, 'hostile.ndjson'), ndjson(rows));
    // JSON cannot hold raw C0 bytes: a plain-text log puts them in the record's raw text.
    textLine = `u=e ${BIDI}${CSI}${CR}\x7f${OSC52}${CLEAR}${TITLE}`;
    fs.writeFileSync(path.join(dir, 'hostile.log'), [textLine, ...Array.from({ length: 20 }, (_, i) => `u=u${i} fine line ${i}`)].join('\n') + '\n');
    expectInert(rosas('import', project, path.join(dir, 'hostile.ndjson')), 'import');
    expectInert(rosas('import', project, path.join(dir, 'hostile.log'), '--format', 'text'), 'import text');
    expect(rosas('train', project).code).toBe(0);
  });

  it('top, explain, info and fields show them as escapes', () => {
    const top = rosas('top', project, '-n', '100');
    expectInert(top, 'top');
    // The record column of the text line (clipped, whitespace folded) holds every kind.
    expect(top.stdout).toContain('u=e abc\\u202edcba\\x9b31mb a\\x7f\\x1b]52;c;SGk=\\x07\\x1b[2J\\x1b]0;title\\x07');
    // One table line per record: nothing broke the layout.
    expect(top.stdout.trimEnd().split('\n')).toHaveLength(2 + 61);

    const explain = rosas('explain', project, '2');
    expectInert(explain, 'explain');
    expect(explain.stdout).toContain('\\x1b[2J');
    expect(explain.stdout).toContain(`\\x1b]0;name\\x07`);

    for (const cmd of ['info', 'fields']) {
      const r = rosas(cmd, project);
      expectInert(r, cmd);
      expect(r.stdout).toContain('\\x1b]0;name\\x07');
      expect(r.stdout).toContain('\\u202eeman');
      // The field table's columns line up: "type" starts at the same place on every row.
      const table = r.stdout.split('\n').filter((l) => /^\S.*\s(string|number)\s/.test(l));
      expect(table.length).toBeGreaterThanOrEqual(11);
      expect(new Set(table.map((l) => l.search(/\s(string|number)\s/))).size).toBe(1);
    }
  });

  it('error messages quoting names are escaped too', () => {
    const r = rosas('fields', project, '--set', `${NAME}nope=ignore`);
    expect(r.code).toBe(1);
    expectInert(r, 'fields --set');
    expect(r.stderr).toMatch(/^error: no field named "\\x1b\]0;name\\x07nope"/);
    expectInert(rosas(`\x1b[2J`), 'unknown command');
    expectInert(rosas('top', project, '-n', `\x1b]0;x\x07`), 'bad option');
  });

  it('--json keeps every value exactly, with nothing raw for the terminal', () => {
    const top = rosas('top', project, '-n', '100', '--json');
    expect(top.code).toBe(0);
    expect(top.stdout.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
    const records = JSON.parse(top.stdout).records as Array<{ id: number; fields: Record<string, unknown>; raw: string }>;
    expect(records.find((r) => r.id === 2)!.fields).toEqual(first);
    expect(records.find((r) => r.raw.startsWith('u=e '))!.raw).toBe(textLine);

    const explain = rosasJson('explain', project, '2');
    const values = Object.fromEntries((explain.fields as Array<{ field: string; value: unknown }>).map((f) => [f.field, f.value]));
    for (const k of ['osc52', 'clear', 'title', 'csi', 'cr', 'bidi', 'layout', NAME, RLO_NAME]) expect(values[k], k).toBe(first[k]);

    for (const cmd of ['info', 'fields']) {
      const names = (rosasJson(cmd, project).fields as Array<{ name: string }>).map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining([NAME, RLO_NAME]));
    }
  });
});

describe('field names and values that are keys of Object.prototype', () => {
  const KINDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  let dir: string;
  let project: string;
  let rows: Array<Array<[string, unknown]>>;

  beforeAll(() => {
    dir = tempDir();
    project = path.join(dir, 'p.rosas');
    rows = Array.from({ length: 60 }, (_, i) => [
      ['ts', 1_700_000_000 + i * 60],
      ['__proto__', `p${i % 3}`],
      ['constructor', `c${i % 2}`],
      ['toString', i % 7],
      ['kind', KINDS[i % 4]!],
      // An address field whose top values include "__proto__" (kept in the spec's counts).
      ['src', i % 10 === 0 ? '__proto__' : `10.0.0.${i % 5}`],
      ['bytes', i * 10],
    ]);
    // NDJSON: the importer keeps a "__proto__" key as it is (CSV headers get renamed).
    fs.writeFileSync(path.join(dir, 'proto.ndjson'), ndjson(rows));
    expect(rosas('import', project, path.join(dir, 'proto.ndjson')).code).toBe(0);
    expect(rosas('train', project).code).toBe(0);
  });

  const expected = (id: number) => Object.fromEntries(rows[id - 1]!);
  const entries = (o: object) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));

  it('top --json keeps every field', () => {
    const top = rosasJson('top', project, '-n', '60');
    expect(top.records).toHaveLength(60);
    for (const r of top.records as Array<{ id: number; fields: object }>) expect(entries(r.fields)).toEqual(entries(expected(r.id)));
  });

  it('explain --json names each field and its value', () => {
    for (const id of [1, 2, 3, 4]) {
      const e = rosasJson('explain', project, String(id));
      const byName = new Map((e.fields as Array<{ field: string; value: unknown; columns: Array<{ column: string; value: number }> }>).map((f) => [f.field, f]));
      for (const k of ['__proto__', 'constructor', 'kind']) expect(byName.get(k)?.value, `${id} ${k}`).toBe(expected(id)[k]);
      if (id === 1) {
        // "__proto__" is a known address value: its frequency column is not "never seen".
        expect(byName.get('src')!.columns.find((c) => c.column === 'src frequency')?.value).toBeGreaterThan(0);
      }
    }
  });

  it('info --json and fields --json list them, with their values counted; --set works on them', () => {
    for (const cmd of ['info', 'fields']) {
      const fields = rosasJson(cmd, project).fields as Array<{ name: string; role: string; distinct: number }>;
      const by = new Map(fields.map((f) => [f.name, f]));
      expect([...by.keys()]).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'toString', 'kind']));
      expect(by.get('kind')).toMatchObject({ role: 'categorical', distinct: 4 });
      expect(by.get('__proto__')).toMatchObject({ role: 'categorical', distinct: 3 });
      expect(by.get('src')).toMatchObject({ role: 'ip' });
    }
    const set = rosasJson('fields', project, '--set', '__proto__=ignore', '--set', 'constructor=ignore');
    const by = new Map((set.fields as Array<{ name: string; roleOverride: string | null }>).map((f) => [f.name, f.roleOverride]));
    expect([by.get('__proto__'), by.get('constructor'), by.get('toString')]).toEqual(['ignore', 'ignore', null]);
    const back = rosasJson('fields', project, '--set', '__proto__=auto', '--set', 'constructor=auto');
    expect((back.fields as Array<{ roleOverride: string | null }>).every((f) => f.roleOverride === null)).toBe(true);
  });

  it('export keeps them in CSV and NDJSON', () => {
    const nd = path.join(dir, 'out.ndjson');
    expect(rosasJson('export', project, '--out', nd).records).toBe(60);
    const lines = fs.readFileSync(nd, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { id: number });
    for (const l of lines) {
      const fields = Object.fromEntries(Object.entries(l).filter(([k]) => Object.hasOwn(expected(l.id), k)));
      expect(entries(fields)).toEqual(entries(expected(l.id)));
    }
    const csv = path.join(dir, 'out.csv');
    expect(rosasJson('export', project, '--out', csv).records).toBe(60);
    const [header, ...body] = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
    const cols = header!.split(',');
    for (const k of ['__proto__', 'constructor', 'toString', 'kind']) expect(cols).toContain(k);
    for (const line of body) {
      const cells = line.split(',');
      const id = Number(cells[0]);
      for (const k of ['__proto__', 'constructor', 'toString', 'kind']) expect(cells[cols.indexOf(k)], `${id} ${k}`).toBe(String(expected(id)[k]));
    }
  });

  it('the API review calls keep them as plain columns and filter on them', async () => {
    const log = vi.fn();
    const session = new Session({ emit: () => {}, purpose: 'test', log });
    const handlers = createHandlers({ mode: 'serve', session, recent: new RecentProjects(path.join(dir, 'config')) });
    const value = async <T>(name: string, payload: unknown): Promise<T> => {
      const r = await dispatch(handlers, name, payload, log);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };
    session.open(project, false);
    try {
      const columns = ['__proto__', 'constructor', 'toString', 'kind', 'hasOwnProperty'];
      const page = await value<ReviewPage>('review.page', { filter: { label: 'all', fields: [{ field: 'kind', op: 'eq', value: 'constructor' }] }, columns, offset: 0, limit: 100 });
      expect(page.total).toBe(15);
      for (const row of page.rows) {
        const want = expected(row.id);
        expect(Object.keys(row.columns)).toEqual(columns);
        expect(columns.map((c) => row.columns[c])).toEqual([want['__proto__'], want['constructor'], want['toString'], 'constructor', null]);
      }
      const byProto = await value<ReviewPage>('review.page', { filter: { label: 'all', fields: [{ field: '__proto__', op: 'eq', value: 'p1' }] }, columns, offset: 0, limit: 100 });
      expect(byProto.total).toBe(20);
      const detail = await value<RecordDetail>('record.get', { id: 1 });
      expect(entries(Object.fromEntries(detail.fields.map((f) => [f.name, f.value])))).toEqual(entries(expected(1)));
    } finally {
      await session.close();
    }
  });
});
