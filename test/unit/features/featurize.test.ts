import { describe, expect, it } from 'vitest';
import { zeekTsv } from '../../../src-main/core/ingest/formats/zeek-tsv';
import { zeekJson } from '../../../src-main/core/ingest/formats/zeek-json';
import { syslog } from '../../../src-main/core/ingest/formats/syslog';
import type { FieldValue } from '../../../src-main/core/fields/values';
import { buildMatrix, compileSpec, featurizeRow } from '../../../src-main/core/features/featurize';
import { DEFAULT_LIMITS, type FeatureSpec } from '../../../src-main/core/features/spec';
import { buildSpec } from '../../../src-main/core/features/spec-plan';
import { latestSpec, saveSpec } from '../../../src-main/core/features/spec-store';
import { newProject } from '../../helpers/project';
import { allFinite, sampleTable, specInputs, storeTable, tableOf, type Table } from './fixtures';

const many = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

function setup(records: Array<Record<string, unknown>>, overrides = {}): { t: Table; spec: FeatureSpec } {
  const t = tableOf(records as Array<Record<string, FieldValue>>);
  return { t, spec: buildSpec(specInputs(t, overrides), t.total) };
}

/** The row of one record given as {field: value}, by field name. */
function rowOf(spec: FeatureSpec, t: Table, fields: Record<string, unknown>, recordTs?: number | null): Record<string, number> {
  const values: unknown[] = [];
  for (const [name, v] of Object.entries(fields)) values[t.names.indexOf(name)] = v;
  const out = new Float32Array(spec.dim);
  featurizeRow(spec, values as FieldValue[], out, 0, recordTs);
  return Object.fromEntries(spec.names.map((n, i) => [n, out[i]!]));
}

describe('numeric columns', () => {
  // Heavy-tailed bytes: mostly hundreds, some up to 10^9.
  const { t, spec } = setup(many(2000, (i) => ({ bytes: i % 50 === 0 ? 10 ** (2 + (i % 8)) : 100 + ((i * 37) % 900), n: i % 7 === 0 ? null : i })));

  it('are bounded and ordered for any number', () => {
    const xs = [-1e308, -1e9, -1, -0, 0, 1e-300, 0.5, 1, 10, 100, 500, 1000, 1e4, 1e6, 1e9, 1e12, 1e15, 1e300, 1.7976931348623157e308];
    const ys = xs.map((x) => rowOf(spec, t, { bytes: x }).bytes!);
    for (let i = 1; i < ys.length; i++) expect(ys[i]!, `f(${xs[i]}) >= f(${xs[i - 1]})`).toBeGreaterThanOrEqual(ys[i - 1]!);
    for (const y of ys) expect(Math.abs(y)).toBeLessThanOrEqual(DEFAULT_LIMITS.clip);
    // Typical values spread out; the huge ones do not crush them together.
    expect(ys[xs.indexOf(1000)]! - ys[xs.indexOf(100)]!).toBeGreaterThan(0.5);
    expect(ys[xs.indexOf(1e9)]!).toBeGreaterThan(ys[xs.indexOf(1e6)]!);
  });

  it('flag missing and unreadable values and leave the value column at 0', () => {
    expect(spec.names).toContain('n (missing)');
    for (const bad of [null, undefined, 'Infinity', '-Infinity', 'NaN', 'inf', '', ' ', '-', 'abc', [1, 2], {}]) {
      const r = rowOf(spec, t, { n: bad });
      expect(r.n, JSON.stringify(bad)).toBe(0);
      expect(r['n (missing)'], JSON.stringify(bad)).toBe(1);
    }
    expect(rowOf(spec, t, { n: 5 })['n (missing)']).toBe(0);
    expect(rowOf(spec, t, { n: '1000' }).n).toBeCloseTo(rowOf(spec, t, { n: 1000 }).n!, 6);
  });

  it('write booleans as 0/1', () => {
    const b = setup(many(100, (i) => ({ local: i % 3 === 0 })));
    expect(rowOf(b.spec, b.t, { local: true }).local).toBe(1);
    expect(rowOf(b.spec, b.t, { local: false }).local).toBe(0);
  });
});

describe('categorical columns', () => {
  const { t, spec } = setup(many(1000, (i) => ({ proto: ['tcp', 'udp', 'icmp'][i % 3], code: [200, 404][i % 2], tags: i % 2 ? ['a', 'b'] : ['c'], svc: i % 5 ? 'dns' : null })), { code: 'categorical', tags: 'categorical' });

  it('set exactly one column: the value, (other) or (missing)', () => {
    const r = rowOf(spec, t, { proto: 'udp', code: 404, tags: ['a', 'b'], svc: 'dns' });
    expect(r['proto=udp']).toBe(1);
    expect(r['proto=tcp'] + r['proto=icmp']! + r['proto=(other)']!).toBe(0);
    expect(r['code=404']).toBe(1);
    expect(r['tags=a,b']).toBe(1);
    expect(r['svc=dns']).toBe(1);
    expect(r['svc (missing)']).toBe(0);
    const other = rowOf(spec, t, { proto: 'sctp', code: '500', tags: ['z'], svc: null });
    expect(other['proto=(other)']).toBe(1);
    expect(other['code=(other)']).toBe(1);
    expect(other['tags=(other)']).toBe(1);
    expect(other['svc (missing)']).toBe(1);
    expect(other['svc=(other)']).toBe(0);
    // A number stored as text finds its column too (keys are text in the stats).
    expect(rowOf(spec, t, { code: '404' })['code=404']).toBe(1);
  });
});

describe('ip columns', () => {
  it('give frequent addresses a high frequency and unseen ones 0', () => {
    const { t, spec } = setup(many(1000, (i) => ({ src: i % 2 ? '10.0.0.1' : i % 10 === 0 ? `203.0.113.${i % 200}` : '198.51.100.7', dst: i % 50 ? '8.8.8.8' : 'dns.example' })));
    const common = rowOf(spec, t, { src: '10.0.0.1', dst: '8.8.8.8' });
    const rare = rowOf(spec, t, { src: '203.0.113.10' });
    const unseen = rowOf(spec, t, { src: '198.18.0.1' });
    expect(common['src internal']).toBe(1);
    expect(common['src frequency']!).toBeGreaterThan(0.8);
    expect(common['src frequency']!).toBeLessThanOrEqual(1);
    expect(rare['src frequency']!).toBeGreaterThan(0);
    expect(rare['src frequency']!).toBeLessThan(common['src frequency']!);
    expect(unseen['src frequency']).toBe(0);
    expect(unseen['src internal']).toBe(0);
    expect(common['dst internal']).toBe(0);
    expect(common['dst (missing)']).toBe(0);
    const host = rowOf(spec, t, { dst: 'dns.example' });
    expect(host['dst (missing)']).toBe(1); // not an IP
    expect(host['dst frequency']!).toBeGreaterThan(0); // but its frequency is known
    expect(rowOf(spec, t, {})['dst (missing)']).toBe(1);
  });
});

describe('port columns', () => {
  const { t, spec } = setup(many(1000, (i) => ({ 'id.resp_p': i % 2 ? 443 : i % 3 ? 80 : 1024 + i, 'id.orig_p': i % 10 ? 50000 + i : null })));

  it('one-hot frequent ports and always the range bucket', () => {
    const r = rowOf(spec, t, { 'id.resp_p': 443, 'id.orig_p': 60000 });
    expect(r['id.resp_p 443']).toBe(1);
    expect(r['id.resp_p 80']).toBe(0);
    expect(r['id.resp_p well-known']).toBe(1);
    expect(r['id.orig_p ephemeral']).toBe(1);
    expect(r['id.orig_p (missing)']).toBe(0);
    const reg = rowOf(spec, t, { 'id.resp_p': 5000 });
    expect(reg['id.resp_p registered']).toBe(1);
    expect(reg['id.resp_p 443'] + reg['id.resp_p 80']! + reg['id.resp_p well-known']! + reg['id.resp_p ephemeral']!).toBe(0);
    expect(rowOf(spec, t, { 'id.resp_p': '443' })['id.resp_p 443']).toBe(1);
    expect(rowOf(spec, t, { 'id.resp_p': 0 })['id.resp_p well-known']).toBe(1);
    expect(rowOf(spec, t, { 'id.resp_p': 49152 })['id.resp_p ephemeral']).toBe(1);
    for (const bad of [65536, -1, 1.5, 'abc', null]) {
      const row = rowOf(spec, t, { 'id.orig_p': bad });
      expect(row['id.orig_p (missing)'], String(bad)).toBe(1);
      expect(row['id.orig_p well-known']! + row['id.orig_p registered']! + row['id.orig_p ephemeral']!).toBe(0);
    }
  });
});

describe('timestamp columns', () => {
  const hour = (h: number) => [Math.sin((2 * Math.PI * h) / 24), Math.cos((2 * Math.PI * h) / 24)];

  it('give the hour of day of absolute times as sin/cos', () => {
    const base = Date.UTC(2022, 5, 12, 0, 0, 0) / 1000;
    const { t, spec } = setup(
      many(200, (i) => ({ ts: base + i * 3600 + 0.25, iso: new Date((base + i * 1800) * 1000).toISOString(), ms: (base + i) * 1000, rel: 15 + i })),
      { ms: 'timestamp', rel: 'timestamp' },
    );
    expect(spec.names.filter((n) => n.startsWith('rel'))).toEqual([]); // relative: no column
    const at3 = rowOf(spec, t, { ts: base + 3 * 3600, iso: '2022-06-12T05:00:00+0200', ms: (base + 18 * 3600) * 1000 });
    expect(at3['ts hour sin']).toBeCloseTo(hour(3)[0]!, 5);
    expect(at3['ts hour cos']).toBeCloseTo(hour(3)[1]!, 5);
    expect(at3['iso hour sin']).toBeCloseTo(hour(3)[0]!, 5); // 05:00 at +02:00 is 03:00 UTC
    expect(at3['iso hour cos']).toBeCloseTo(hour(3)[1]!, 5);
    expect(at3['ms hour sin']).toBeCloseTo(-1, 5); // 18:00
    expect(at3['ms hour cos']).toBeCloseTo(0, 5);
    // 23:59 and 00:01 are neighbours.
    const late = rowOf(spec, t, { ts: base + 86400 - 60 });
    const early = rowOf(spec, t, { ts: base + 86400 + 60 });
    expect(Math.hypot(late['ts hour sin']! - early['ts hour sin']!, late['ts hour cos']! - early['ts hour cos']!)).toBeLessThan(0.01);
  });

  it("use the record's time for a time only the parser could read", async () => {
    const t = await sampleTable(syslog, 'linux-auth/loghub-OpenSSH_2k.log');
    const spec = buildSpec(specInputs(t), t.total);
    expect(spec.names).toContain('timestamp hour sin');
    const i = t.rows.findIndex((_, k) => t.ts[k] !== null);
    const out = new Float32Array(spec.dim);
    featurizeRow(spec, t.rows[i]!, out, 0, t.ts[i]);
    const h = (((t.ts[i]! % 86400) + 86400) % 86400) / 3600;
    const col = spec.names.indexOf('timestamp hour sin');
    expect(out[col]).toBeCloseTo(hour(h)[0]!, 5);
    expect(out[col + 2]).toBe(0); // not missing
    // Without a record time (or a relative one) it is missing.
    featurizeRow(spec, t.rows[i]!, out, 0, 1234.5);
    expect(out[col + 2]).toBe(1);
    expect(out[col]).toBe(0);
  });
});

describe('robustness', () => {
  const { t, spec } = setup(
    many(500, (i) => ({
      num: i % 9 ? i * 13.7 : null,
      bytes: i % 40 === 0 ? 1e9 : i,
      flag: i % 2 === 0,
      cat: ['a', 'b', 'c'][i % 3],
      list: i % 2 ? ['x', 'y'] : ['z'],
      ip: i % 4 ? `10.0.0.${i % 250}` : `2001:db8::${i.toString(16)}`,
      port: [80, 443, 50000 + i][i % 3],
      ts: 1655071198 + i * 17,
      iso: new Date(Date.UTC(2021, 0, 1) + i * 60000).toISOString(),
    })),
    { list: 'categorical' },
  );
  const garbage: unknown[] = [
    null, undefined, NaN, Infinity, -Infinity, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -0, 0, 2 ** 53 + 1, -(2 ** 63),
    'Infinity', '-Infinity', 'NaN', 'inf', 'nan', '', ' ', '0x1f', '1e400', '-1e400', '١٢٣', 'x'.repeat(10000), '\u0000', '::', '.', '-', 'T', 'F',
    [], [1, 2], ['a'], [null], [[1]], true, false, {}, { a: 1 },
  ];

  it('never writes NaN or Infinity, whatever a field holds', () => {
    expect(new Set(spec.fields.map((f) => f.kind))).toEqual(new Set(['numeric', 'categorical', 'ip', 'port', 'timestamp']));
    expect(spec.fields).toHaveLength(t.names.length);
    const c = compileSpec(spec);
    const out = new Float32Array(spec.dim);
    for (const g of garbage) {
      for (let f = 0; f < t.names.length; f++) {
        const values = t.rows[f % t.rows.length]!.slice() as unknown[];
        values[f] = g;
        out.fill(NaN);
        c.featurize(values as FieldValue[], out, 0, typeof g === 'number' ? g : null);
        expect(allFinite(out), `${t.names[f]} = ${String(g).slice(0, 20)}`).toBe(true);
      }
      // Every field at once, and a record whose array is empty or short.
      const all = t.names.map(() => g) as FieldValue[];
      out.fill(NaN);
      c.featurize(all, out, 0);
      expect(allFinite(out)).toBe(true);
    }
    out.fill(NaN);
    c.featurize([], out, 0);
    expect(allFinite(out)).toBe(true);
  });

  it('writes all of its row and nothing outside it', () => {
    const out = new Float32Array(spec.dim * 3).fill(99);
    featurizeRow(spec, t.rows[1]!, out, spec.dim);
    for (let i = 0; i < spec.dim; i++) expect(out[i]).toBe(99);
    for (let i = 2 * spec.dim; i < 3 * spec.dim; i++) expect(out[i]).toBe(99);
    for (let i = spec.dim; i < 2 * spec.dim; i++) expect(out[i]).not.toBe(99);
    // The same row written over an earlier, different one is the same as on a fresh buffer.
    const fresh = new Float32Array(spec.dim);
    featurizeRow(spec, t.rows[1]!, fresh, 0);
    const reused = new Float32Array(spec.dim);
    featurizeRow(spec, t.rows[2]!, reused, 0);
    featurizeRow(spec, t.rows[1]!, reused, 0);
    expect(reused).toEqual(fresh);
  });
});

describe('buildMatrix', () => {
  function filled(n: number) {
    const { t, spec } = setup(
      many(n, (i) => ({
        ts: 1655071198 + i * 61,
        host: `10.0.${i % 3}.${i % 7}`,
        port: [22, 80, 443][i % 3],
        proto: i % 4 ? 'tcp' : 'udp',
        bytes: i % 5 ? 10 ** (i % 6) : null,
        note: i % 10 ? undefined : 'x',
      })),
    );
    const p = newProject();
    const ids = storeTable(p.db, t);
    return { t, spec, p, ids };
  }

  it('equals featurizeRow row by row, across chunk boundaries', () => {
    const { t, spec, p, ids } = filled(100);
    try {
      let progress: Array<[number, number]> = [];
      const m = buildMatrix(p.db, spec, { chunkRows: 7, onProgress: (d, n) => progress.push([d, n]) });
      expect(m.rows).toBe(100);
      expect(m.dim).toBe(spec.dim);
      expect([...m.ids]).toEqual(ids);
      expect(m.x.length).toBe(100 * spec.dim);
      // In shared memory, so that a round's threads read it without a copy.
      expect(m.x.buffer).toBeInstanceOf(SharedArrayBuffer);
      const row = new Float32Array(spec.dim);
      for (let r = 0; r < 100; r++) {
        featurizeRow(spec, t.rows[r]!, row, 0, t.ts[r]);
        expect(m.x.subarray(r * spec.dim, (r + 1) * spec.dim), `row ${r}`).toEqual(row);
      }
      expect(allFinite(m.x)).toBe(true);
      expect(progress[0]).toEqual([0, 100]);
      expect(progress.at(-1)).toEqual([100, 100]);
      expect(progress.length).toBe(2 + Math.floor(100 / 7)); // start + 15 chunks
      // Any chunk size gives the same matrix.
      for (const chunkRows of [1, 99, 100, 101, 10000]) expect(buildMatrix(p.db, spec, { chunkRows }).x).toEqual(m.x);
      // A range of ids.
      const part = buildMatrix(p.db, spec, { chunkRows: 7, where: { firstId: ids[10], lastId: ids[29] } });
      expect(part.rows).toBe(20);
      expect([...part.ids]).toEqual(ids.slice(10, 30));
      expect(part.x).toEqual(m.x.subarray(10 * spec.dim, 30 * spec.dim));
      progress = [];
      const empty = buildMatrix(p.db, spec, { where: { firstId: 1e9 }, onProgress: (d, n) => progress.push([d, n]) });
      expect(empty).toMatchObject({ rows: 0, dim: spec.dim });
      expect(empty.x.length).toBe(0);
      expect(p.db.inTransaction).toBe(false);
    } finally {
      p.close();
    }
  });

  it('stops when cancelled', () => {
    const { spec, p } = filled(50);
    try {
      const ac = new AbortController();
      expect(() =>
        buildMatrix(p.db, spec, {
          chunkRows: 10,
          signal: ac.signal,
          onProgress: (d) => {
            if (d >= 20) ac.abort();
          },
        }),
      ).toThrow(expect.objectContaining({ code: 'cancelled' }));
      expect(p.db.inTransaction).toBe(false);
    } finally {
      p.close();
    }
  });

  it('reads a saved spec back and featurizes identically (real Zeek logs)', async () => {
    const tsv = await sampleTable(zeekTsv, 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled');
    const spec = buildSpec(specInputs(tsv), tsv.total);
    const p = newProject();
    try {
      storeTable(p.db, tsv);
      saveSpec(p.db, spec);
      const loaded = latestSpec(p.db)!.spec;
      const a = buildMatrix(p.db, spec, { chunkRows: 1000 });
      const b = buildMatrix(p.db, loaded);
      expect(a.rows).toBe(tsv.total);
      expect(b.x).toEqual(a.x);
      expect(allFinite(a.x)).toBe(true);
      let largest = 0;
      for (const v of a.x) largest = Math.max(largest, Math.abs(v));
      expect(largest).toBeLessThanOrEqual(DEFAULT_LIMITS.clip);
      // The hour of `ts` matches the record's time.
      const col = spec.names.indexOf('ts hour cos');
      const h = (((tsv.rows[0]![0] as number) % 86400) / 3600) * ((2 * Math.PI) / 24);
      expect(a.x[col]).toBeCloseTo(Math.cos(h), 5);
    } finally {
      p.close();
    }
  });

  it('keeps column meanings for a later import with new fields and values', async () => {
    const json = await sampleTable(zeekJson, 'zeek-json/slips-test9-mixed.conn.json.log');
    const spec = buildSpec(specInputs(json), json.total);
    const before = JSON.stringify(spec);
    // A later record: unknown proto, a field the spec never saw, a longer array.
    const later: FieldValue[] = json.rows[0]!.slice();
    later[json.names.indexOf('proto')] = 'sctp';
    later[json.names.length + 3] = 'brand new';
    const out = new Float32Array(spec.dim);
    featurizeRow(spec, later, out, 0);
    expect(out[spec.names.indexOf('proto=(other)')]).toBe(1);
    expect(allFinite(out)).toBe(true);
    expect(JSON.stringify(spec)).toBe(before);
  });
});
