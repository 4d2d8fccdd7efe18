import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apache, parseAccessLogTime } from '../../../src-main/core/ingest/formats/apache';
import type { ParseResult } from '../../../src-main/core/ingest/types';
import { countValues, fieldNames, parseLine, parseWith, recordOf } from '../../helpers/parse';
import { allSamples, samplePath, writeTemp } from '../../helpers/samples';
import { expectSniff, sniffSample } from '../../helpers/sniff';

const ACCESS = 'web-access/elastic-examples.apache_logs.log';

const one = (line: string): ParseResult => parseLine(apache, line);
const fields = (line: string) => recordOf(one(line)).fields;

describe('apache on the elastic sample (combined format)', async () => {
  const { records, bad } = await parseWith(apache, samplePath(ACCESS));

  it('reads all 10,000 lines, none quarantined', () => {
    expect(records).toHaveLength(10_000);
    expect(bad).toHaveLength(0);
  });

  it('has the combined-format fields with their types', () => {
    expect(fieldNames(records)).toEqual(['bytes', 'client_ip', 'method', 'path', 'protocol', 'query', 'referrer', 'status', 'time', 'user_agent']);
    expect(records.filter((r) => typeof r.fields.status !== 'number' || typeof r.fields.bytes !== 'number')).toHaveLength(0);
    // 17 to 20 May 2015.
    expect(records.filter((r) => !(r.ts! >= Date.UTC(2015, 4, 17) / 1000 && r.ts! < Date.UTC(2015, 4, 21) / 1000))).toHaveLength(0);
  });

  it('counts statuses and methods as the README does (plus the truncated line 8899: GET, 200)', () => {
    // README §9a: 200 9,125; 304 445; 404 213; 301 164; 206 45; 500 3; 403 2; 416 2 — those
    // figures leave out line 8899, which a strict regex rejects; it is a GET answered 200.
    expect(countValues(records.map((r) => r.fields.status))).toEqual(
      new Map([[200, 9126], [304, 445], [404, 213], [301, 164], [206, 45], [500, 3], [403, 2], [416, 2]]),
    );
    expect(countValues(records.map((r) => r.fields.method))).toEqual(new Map([['GET', 9952], ['HEAD', 42], ['POST', 5], ['OPTIONS', 1]]));
    expect(new Set(records.map((r) => r.fields.client_ip)).size).toBe(1753);
  });

  it('reads `-` bytes as 0 and omits `-` referrers and user agents', () => {
    expect(records.filter((r) => r.fields.bytes === 0)).toHaveLength(669);
    expect(records.filter((r) => r.fields.referrer === undefined)).toHaveLength(4073);
    expect(records.filter((r) => r.fields.user_agent === undefined)).toHaveLength(190);
    expect(records.some((r) => Object.values(r.fields).includes('-'))).toBe(false);
    expect(records.some((r) => 'ident' in r.fields || 'user' in r.fields)).toBe(false);
  });

  it('accepts line 8899, whose user agent lost its closing quote', () => {
    const r = records.find((x) => x.line === 8899)!;
    expect(r.fields).toMatchObject({
      client_ip: '46.118.127.106',
      method: 'GET',
      path: '/scripts/grok-py-test/configlib.py',
      status: 200,
      bytes: 235,
    });
    expect(r.fields.referrer).toBeUndefined();
    expect(r.fields.user_agent).toMatch(/^Mozilla\/5\.0 \(compatible; Googlebot\/2\.1; \+http:\/\/www\.google\.com\/bot\.html/);
    expect(r.fields.user_agent).not.toContain('"');
  });

  it('reads the time of the first line with its zone', () => {
    expect(records[0]!.ts).toBe(Date.UTC(2015, 4, 17, 10, 5, 3) / 1000);
    expect(records[0]!.fields.time).toBe('17/May/2015:10:05:03 +0000');
  });

  it('splits the query off the path', () => {
    const withQuery = records.filter((r) => r.fields.query !== undefined);
    expect(withQuery.length).toBeGreaterThan(0);
    for (const r of withQuery) {
      expect(r.fields.path).not.toContain('?');
      expect(r.raw).toContain(`${r.fields.path}?${r.fields.query}`);
    }
  });
});

describe('apache line shapes', () => {
  it('applies the zone offset', () => {
    expect(parseAccessLogTime('17/May/2015:10:05:03 +0200')).toBe(Date.UTC(2015, 4, 17, 8, 5, 3) / 1000);
    expect(parseAccessLogTime('01/Jan/2020:00:00:00 -0130')).toBe(Date.UTC(2020, 0, 1, 1, 30, 0) / 1000);
    expect(parseAccessLogTime('17/Foo/2015:10:05:03 +0000')).toBeNull();
  });

  it('reads the common format', () => {
    expect(fields('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326')).toEqual({
      client_ip: '127.0.0.1',
      user: 'frank',
      time: '10/Oct/2000:13:55:36 -0700',
      method: 'GET',
      path: '/apache_pb.gif',
      protocol: 'HTTP/1.0',
      status: 200,
      bytes: 2326,
    });
  });

  it('keeps nginx extra fields after the user agent', () => {
    const f = fields('10.0.0.1 - - [01/Jan/2024:00:00:01 +0000] "POST /api?x=1&y=2 HTTP/2.0" 201 15 "-" "curl/8.0" "203.0.113.9" 0.012 "-"');
    expect(f).toMatchObject({ path: '/api', query: 'x=1&y=2', protocol: 'HTTP/2.0', user_agent: 'curl/8.0', extra_1: '203.0.113.9', extra_2: 0.012 });
    expect(f.extra_3).toBeUndefined();
    expect(f.referrer).toBeUndefined();
  });

  it('unescapes quotes in attack payloads', () => {
    const f = fields(
      '1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET /q?s=\\"><script>alert(1)</script> HTTP/1.1" 400 0 "-" "Mozilla \\"evil\\" ${jndi:ldap://x}"',
    );
    expect(f.query).toBe('s="><script>alert(1)</script>');
    expect(f.user_agent).toBe('Mozilla "evil" ${jndi:ldap://x}');
  });

  it('keeps a request that is not `METHOD TARGET PROTOCOL` raw', () => {
    const probe = fields('1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "\\x16\\x03\\x01\\x00\\xa5\\x01\\x00" 400 166 "-" "-"');
    expect(probe.request).toBe('\\x16\\x03\\x01\\x00\\xa5\\x01\\x00');
    expect(probe.method).toBeUndefined();
    const timeout = fields('1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "-" 408 - "-" "-"');
    expect(timeout).toMatchObject({ status: 408, bytes: 0 });
    expect(timeout.request).toBeUndefined();
    expect(fields('1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "" 400 0 "-" "-"').request).toBe('');
    // A raw quote inside a garbage request: the request ends at the quote before the status.
    expect(fields('1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET /a"b HTTP/1.1" 400 0').path).toBe('/a"b');
  });

  it('reads IPv6 clients and vhost_combined', () => {
    expect(fields('2001:db8::1 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "x"').client_ip).toBe('2001:db8::1');
    expect(fields('www.example.com:443 1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "x"')).toMatchObject({
      vhost: 'www.example.com:443',
      client_ip: '1.2.3.4',
    });
  });

  it('quarantines lines that are not access-log lines, with a reason', () => {
    for (const [line, reason] of [
      ['Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.', /not an access-log line/],
      ['1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.1', /no closing quote/],
      ['1.2.3.4 - - [yesterday] "GET / HTTP/1.1" 200 1', /unreadable time/],
      ['1.2.3.4 - - [01/Jan/2024:00:00:01 +0000', /closing `]`/],
      ['1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] GET / 200 1', /quoted request/],
    ] as const) {
      const r = one(line);
      expect(r.kind, line).toBe('bad');
      if (r.kind === 'bad') expect(r.reason).toMatch(reason);
    }
    expect(one('')).toEqual({ kind: 'skip', why: 'blank' });
  });
});

describe('apache on damaged files', () => {
  const lines = fs.readFileSync(samplePath(ACCESS), 'utf8').split('\n').slice(0, 50);

  it('quarantines truncated lines and reads the rest, garbage bytes and Latin-1 included', async () => {
    const damaged = [
      ...lines.slice(0, 10),
      lines[10]!.slice(0, 60), // cut inside the request
      lines[11]!.slice(0, lines[11]!.length - 10), // cut inside the user agent: still a record
      lines[12]!.replace('GET', 'G\u0001\u00ffT'),
      ...lines.slice(13, 50),
    ].join('\n');
    const latin1 = Buffer.from(`\n${lines[0]!.replace('Mozilla', 'Mozilla\u00e9')}\n`, 'latin1');
    const file = writeTemp('damaged.log', Buffer.concat([Buffer.from(damaged, 'utf8'), latin1]));
    const { records, bad, latin1: latin1Lines } = await parseWith(apache, file);
    expect(bad.map((b) => b.line)).toEqual([11]);
    expect(bad[0]!.reason).toMatch(/no closing quote/);
    expect(records).toHaveLength(50);
    const garbled = records.find((r) => r.line === 13)!.fields;
    expect(garbled.method).toBeUndefined();
    expect(garbled.request).toMatch(/^G\u0001\u00ffT \/\S+ HTTP\/1\.1$/);
    const cutAgent = records.find((r) => r.line === 12)!.fields.user_agent as string;
    expect(cutAgent.length).toBeGreaterThan(20);
    expect(lines[11]!.slice(0, -10).endsWith(`"${cutAgent}`)).toBe(true);
    expect(latin1Lines).toBe(1);
    expect(records.at(-1)!.fields.user_agent).toContain('Mozilla\u00e9');
  });

  it('quarantines a huge line without failing the file', async () => {
    const file = writeTemp('huge.log', `${lines[0]}\n${lines[1]!.replace('"GET /', `"GET /${'a'.repeat(5 * 1024 * 1024)}`)}\n${lines[2]}\n`);
    const { records, bad } = await parseWith(apache, file);
    expect(records).toHaveLength(2);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.reason).toMatch(/longer than/);
  });

  it('turns another format forced through it into bad units only', async () => {
    const { records, bad } = await parseWith(apache, samplePath('linux-auth/loghub-OpenSSH_2k.log'));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(2000);
    const zeek = await parseWith(apache, samplePath('zeek-json/slips-test9-mixed.http.json.log'));
    expect(zeek.records).toHaveLength(0);
    expect(zeek.bad.length).toBeGreaterThan(500);
  });
});

describe('apache sniffing', () => {
  it.each(allSamples())('%s', async (rel) => {
    expectSniff(await sniffSample(apache, rel), rel === ACCESS);
  });

  it('recognises the common format and an empty sample', () => {
    const common = Array.from({ length: 5 }, (_, i) => `10.0.0.${i} - - [10/Oct/2000:13:55:3${i} -0700] "GET /${i} HTTP/1.0" 200 ${i}`);
    expect(apache.sniff({ text: `${common.join('\n')}\n`, lines: common })).toBeGreaterThanOrEqual(0.9);
    expect(apache.sniff({ text: '', lines: [''] })).toBe(0);
  });
});
