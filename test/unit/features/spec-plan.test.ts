import { describe, expect, it } from 'vitest';
import { windowsEvents } from '../../../src-main/core/ingest/formats/windows-events';
import { zeekTsv } from '../../../src-main/core/ingest/formats/zeek-tsv';
import type { FieldValue } from '../../../src-main/core/fields/values';
import {
  checkSpec,
  DEFAULT_LIMITS,
  type CategoricalFeature,
  type FeatureSpec,
  type FieldFeature,
  type NumericFeature,
  type PortFeature,
  type TimestampFeature,
} from '../../../src-main/core/features/spec';
import { buildSpec } from '../../../src-main/core/features/spec-plan';
import { sampleTable, specInputs, tableOf } from './fixtures';

const many = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

function specOf(records: Array<Record<string, unknown>>, overrides = {}, limits = DEFAULT_LIMITS): FeatureSpec {
  const t = tableOf(records as Array<Record<string, FieldValue>>);
  return buildSpec(specInputs(t, overrides), t.total, limits);
}

function field<K extends FieldFeature['kind']>(spec: FeatureSpec, name: string, kind: K): Extract<FieldFeature, { kind: K }> {
  const f = spec.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no feature for ${name}; excluded: ${JSON.stringify(spec.excluded)}`);
  expect(f.kind).toBe(kind);
  return f as Extract<FieldFeature, { kind: K }>;
}

const columns = (spec: FeatureSpec, name: string) => spec.names.filter((_, i) => spec.fieldOfColumn[i] === name);

describe('numeric features', () => {
  it('logs heavy tails, keeps light ones linear, and reads 0/1 as is', () => {
    // Bytes: mostly hundreds, a few up to gigabytes.
    const spec = specOf(
      many(1000, (i) => ({
        bytes: i % 100 === 0 ? 10 ** (3 + (i % 7)) : 200 + ((i * 37) % 800),
        ttl: [64, 128, 255, 62][i % 4],
        flag: i % 3 === 0 ? 1 : 0,
        local: i % 2 === 0,
      })),
      { ttl: 'numeric' },
    );
    const bytes = field(spec, 'bytes', 'numeric');
    expect(bytes.transform).toBe('log');
    expect(bytes.logUnit).toBeGreaterThan(0);
    expect(bytes.logUnit).toBeLessThanOrEqual(1);
    expect(field(spec, 'ttl', 'numeric').transform).toBe('linear');
    expect(field(spec, 'flag', 'numeric').transform).toBe('bool');
    expect(field(spec, 'local', 'numeric').transform).toBe('bool');
    for (const f of spec.fields as NumericFeature[]) {
      expect(Number.isFinite(f.center) && Number.isFinite(f.scale) && f.scale > 0).toBe(true);
      expect(f.missing).toBe(false);
      expect(f.width).toBe(1);
    }
    expect(columns(spec, 'bytes')).toEqual(['bytes']);
  });

  it('falls back to a sane scale when the IQR is 0', () => {
    // 95% zeros (CIC "Active Mean", Zeek missed_bytes).
    const spec = specOf(many(1000, (i) => ({ idle: i % 20 === 0 ? 1000 * (i + 1) : 0 })));
    const f = field(spec, 'idle', 'numeric');
    expect(f.scale).toBeGreaterThan(0);
    expect(Number.isFinite(f.scale)).toBe(true);
    expect(f.center).toBe(0);
  });

  it('adds a missing flag when the field is ever absent or not finite', () => {
    const spec = specOf(
      many(200, (i) => ({
        duration: i % 10 === 0 ? null : i * 0.5,
        rate: i % 50 === 0 ? 'Infinity' : i * 1.5,
        nan: i % 50 === 0 ? 'NaN' : i,
        always: i,
      })),
    );
    for (const name of ['duration', 'rate', 'nan']) {
      expect(field(spec, name, 'numeric').missing, name).toBe(true);
      expect(columns(spec, name)).toEqual([name, `${name} (missing)`]);
    }
    expect(columns(spec, 'always')).toEqual(['always']);
  });

  it('reads numbers written as text', () => {
    const spec = specOf(many(100, (i) => ({ pid_count: String(i * 3) })), { pid_count: 'numeric' });
    const f = field(spec, 'pid_count', 'numeric');
    expect(f.center).toBeGreaterThan(0);
  });
});

describe('categorical features', () => {
  it('one-hot encodes frequent values, most frequent first, plus (other) and (missing)', () => {
    const spec = specOf(many(1000, (i) => ({ proto: i % 10 < 6 ? 'tcp' : i % 10 < 9 ? 'udp' : i === 999 ? 'sctp' : 'icmp', service: i % 4 ? 'http' : null })));
    const proto = field(spec, 'proto', 'categorical');
    expect(proto.values).toEqual(['tcp', 'udp', 'icmp']); // sctp: 1 of 1000 < 0.5% goes to (other)
    expect(proto.missing).toBe(false);
    expect(columns(spec, 'proto')).toEqual(['proto=tcp', 'proto=udp', 'proto=icmp', 'proto=(other)']);
    expect(columns(spec, 'service')).toEqual(['service=http', 'service=(other)', 'service (missing)']);
  });

  it('caps the values per field', () => {
    const spec = specOf(many(5000, (i) => ({ host: `h${i % 60}` })));
    const f = field(spec, 'host', 'categorical');
    expect(f.values).toHaveLength(DEFAULT_LIMITS.maxOneHot);
    expect(f.width).toBe(DEFAULT_LIMITS.maxOneHot + 1);
  });

  it('keys lists by their joined elements', () => {
    const spec = specOf(many(100, (i) => ({ mime: i % 2 ? ['text/plain'] : ['text/html', 'image/png'] })), { mime: 'categorical' });
    expect(field(spec, 'mime', 'categorical').values.sort()).toEqual(['text/html,image/png', 'text/plain']);
  });

  it('leaves out a field with no frequent value', () => {
    const spec = specOf(many(1000, (i) => ({ path: `/p/${i}`, x: i })), { path: 'categorical' });
    expect(spec.fields.find((f) => f.name === 'path')).toBeUndefined();
    expect(spec.excluded.find((e) => e.name === 'path')?.why).toMatch(/no value is frequent enough/);
  });
});

describe('ip, port and time features', () => {
  it('ip: internal and frequency, with counts from the stored top values', () => {
    const spec = specOf(many(300, (i) => ({ src: i % 2 ? '10.0.0.1' : `8.8.${i % 7}.8`, host: i % 30 ? '1.2.3.4' : 'ec2.amazonaws.com' })));
    const src = field(spec, 'src', 'ip');
    expect(src.counts['10.0.0.1']).toBe(150);
    expect(src.counted).toBe(300);
    expect(columns(spec, 'src')).toEqual(['src internal', 'src frequency']);
    // Some values are not IPs: they are flagged.
    expect(columns(spec, 'host')).toEqual(['host internal', 'host frequency', 'host (missing)']);
  });

  it('port: frequent ports and the IANA buckets', () => {
    const spec = specOf(many(1000, (i) => ({ 'id.resp_p': i % 2 ? 443 : i % 3 ? 80 : 1024 + i, 'id.orig_p': 30000 + i })));
    const resp = field(spec, 'id.resp_p', 'port') as PortFeature;
    expect(resp.ports).toEqual([443, 80]);
    expect(columns(spec, 'id.resp_p')).toEqual(['id.resp_p 443', 'id.resp_p 80', 'id.resp_p well-known', 'id.resp_p registered', 'id.resp_p ephemeral']);
    expect(field(spec, 'id.orig_p', 'port').ports).toEqual([]);
  });

  it('timestamp: hour of day for absolute times only', () => {
    const spec = specOf(
      many(100, (i) => ({
        ts: 1655071198.444458 + i * 60,
        ms: 1655071198444 + i * 60000,
        iso: `2021-06-06T15:${String(10 + (i % 50)).padStart(2, '0')}:46.457984+0200`,
        rel: 15.23 + i * 30,
      })),
      { ms: 'timestamp', iso: 'timestamp', rel: 'timestamp' },
    );
    expect(columns(spec, 'ts')).toEqual(['ts hour sin', 'ts hour cos']);
    expect(field(spec, 'ts', 'timestamp')).toMatchObject({ unit: 1, source: 'value' });
    expect(field(spec, 'ms', 'timestamp').unit).toBe(0.001);
    expect(field(spec, 'iso', 'timestamp').source).toBe('value');
    expect(spec.fields.find((f) => f.name === 'rel')).toBeUndefined();
    expect(spec.excluded.find((e) => e.name === 'rel')?.why).toMatch(/relative times \(15\.23 … .*\), not dates: no hour-of-day feature/);
  });

  it("timestamp: uses the record's time for a time field only the parser reads", () => {
    const spec = specOf(many(100, (i) => ({ timestamp: `Mar 27 13:${String(i % 60).padStart(2, '0')}:56`, EventTime: `Mar 27 14:${String(i % 60).padStart(2, '0')}:00` })));
    const f = field(spec, 'timestamp', 'timestamp') as TimestampFeature;
    expect(f.source).toBe('record');
    expect(columns(spec, 'timestamp')).toEqual(['timestamp hour sin', 'timestamp hour cos', 'timestamp (missing)']);
    // Only one field stands for the record's time.
    expect(spec.excluded.find((e) => e.name === 'EventTime')?.why).toMatch(/no value reads as a time/);
  });
});

describe('the spec as a whole', () => {
  it('lists every column with a name and its field, in contiguous blocks', async () => {
    const t = await sampleTable(zeekTsv, 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled');
    const spec = buildSpec(specInputs(t), t.total);
    checkSpec(spec);
    expect(spec.version).toBe(1);
    expect(spec.dim).toBeGreaterThanOrEqual(40);
    expect(spec.dim).toBeLessThanOrEqual(120);
    expect(spec.names).toHaveLength(spec.dim);
    expect(new Set(spec.names).size).toBe(spec.dim);
    expect(spec.fieldOfColumn).toHaveLength(spec.dim);
    for (const want of [
      'ts hour sin',
      'ts hour cos',
      'id.orig_h internal',
      'id.orig_h frequency',
      'id.resp_p 443',
      'id.resp_p well-known',
      'id.resp_p ephemeral',
      'proto=tcp',
      'proto=(other)',
      'orig_bytes',
      'orig_bytes (missing)',
      'service (missing)',
      'local_orig',
    ]) {
      expect(spec.names).toContain(want);
    }
    let offset = 0;
    for (const f of spec.fields) {
      expect(f.offset).toBe(offset);
      for (let c = f.offset; c < f.offset + f.width; c++) expect(spec.fieldOfColumn[c]).toBe(f.name);
      offset += f.width;
    }
    const used = new Set(spec.fields.map((f) => f.name));
    for (const never of ['uid', 'label', 'detailedlabel', 'tunnel_parents']) expect(used.has(never)).toBe(false);
    expect(spec.excluded.map((e) => [e.name, e.why])).toEqual([
      ['uid', 'identifier: excluded'],
      ['tunnel_parents', 'ignored'],
      ['label', 'ground truth: never a feature'],
      ['detailedlabel', 'ground truth: never a feature'],
    ]);
  });

  it('follows role overrides, and says so when the data does not fit the role', () => {
    const records = many(100, (i) => ({ host: `h${i % 3}`, n: i }));
    const spec = specOf(records, { host: 'numeric', n: 'categorical' });
    expect(spec.excluded.find((e) => e.name === 'host')).toMatchObject({ role: 'numeric', why: 'no numeric values' });
    expect(field(spec, 'n', 'categorical').values.length).toBe(20);
    const off = specOf(records, { host: 'ignore', n: 'ignore' });
    expect(off.dim).toBe(0);
    expect(off.fields).toEqual([]);
  });

  it('keeps within maxDim by giving columns to what most records hold', () => {
    // A common field with many values and many rare fields (a per-event-type schema).
    const records = many(2000, (i) => {
      const r: Record<string, unknown> = { EventID: 100 + (i % 30), Channel: `c${i % 5}` };
      if (i % 400 === 0) for (let k = 0; k < 40; k++) r[`rare${k}`] = `v${k}`;
      return r;
    });
    const limits = { ...DEFAULT_LIMITS, maxDim: 60 };
    const spec = specOf(records, {}, limits);
    expect(spec.dim).toBeLessThanOrEqual(60);
    // The common fields keep their values; rare fields are what gets left out.
    expect(field(spec, 'EventID', 'categorical').values).toHaveLength(20);
    expect(field(spec, 'Channel', 'categorical').values).toHaveLength(5);
    const left = spec.excluded.filter((e) => e.name.startsWith('rare'));
    expect(left.length).toBeGreaterThan(20);
    expect(left[0]!.why).toMatch(/capped at 60 columns/);
    checkSpec(spec);
  });

  it('stays under the cap on 165-key Windows events and keeps EventID', async () => {
    const t = await sampleTable(windowsEvents, 'windows-events-json/otrf-empire_shell_net_local_users.ndjson');
    const spec = buildSpec(specInputs(t), t.total);
    expect(spec.dim).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDim);
    expect((field(spec, 'EventID', 'categorical') as CategoricalFeature).values.length).toBeGreaterThan(3);
    expect(spec.names).toContain('Channel=security');
    expect(spec.names.every((n) => !/\s{2,}|\n|\t/.test(n))).toBe(true);
  });
});
