import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSample } from '../../../src-main/core/ingest/detect';
import { text } from '../../../src-main/core/ingest/formats/text';
import { countValues, fieldNames, newParser, parseLine, parseWith, recordOf } from '../../helpers/parse';
import { REPO, SHARED, allSamples, samplePath, writeTemp } from '../../helpers/samples';
import { sampleOf, sniffSample } from '../../helpers/sniff';

const HDFS = 'system-logs-loghub/HDFS_2k.log';
/** Files whose lines start with a timestamp: text scores its low generic confidence on them. */
const TIMESTAMPED = [HDFS, 'linux-auth/elastic-examples-suspicious-login.auth.log', 'linux-auth/loghub-OpenSSH_2k.log'];

const MTIME = Date.UTC(2017, 5, 30);

const record = (line: string, options: Record<string, unknown> = {}) => recordOf(parseLine(text, line, { fileMtimeMs: MTIME, options }));

describe('text on HDFS_2k', async () => {
  const { records, bad } = await parseWith(text, samplePath(HDFS));

  it('reads all 2,000 lines (CRLF), none quarantined', () => {
    expect(records).toHaveLength(2000);
    expect(bad).toHaveLength(0);
  });

  it('reads yyMMdd HHmmss, pid, level and component', () => {
    expect(records[0]!.fields).toEqual({
      timestamp: '081109 203615',
      pid: 148,
      level: 'INFO',
      component: 'dfs.DataNode$PacketResponder',
      message: 'PacketResponder 1 for block blk_38865049064139660 terminating',
      template: 'PacketResponder <NUM> for block blk_<NUM> terminating',
    });
    expect(records[0]!.ts).toBe(Date.UTC(2008, 10, 9, 20, 36, 15) / 1000);
    expect(fieldNames(records)).toEqual(['component', 'ips', 'level', 'message', 'pid', 'template', 'timestamp']);
    expect(records.filter((r) => typeof r.ts !== 'number' || typeof r.fields.pid !== 'number')).toHaveLength(0);
    // All of it is 9 to 11 November 2008.
    expect(records.filter((r) => r.ts! < Date.UTC(2008, 10, 9) / 1000 || r.ts! >= Date.UTC(2008, 10, 12) / 1000)).toHaveLength(0);
  });

  it('counts levels and components', () => {
    expect(countValues(records.map((r) => r.fields.level))).toEqual(new Map([['INFO', 1920], ['WARN', 80]]));
    expect(countValues(records.map((r) => r.fields.component))).toEqual(
      new Map([
        ['dfs.FSNamesystem', 659], ['dfs.DataNode$PacketResponder', 603], ['dfs.DataNode$DataXceiver', 454],
        ['dfs.FSDataset', 263], ['dfs.DataBlockScanner', 20], ['dfs.DataNode', 1],
      ]),
    );
  });

  it('lists the IP addresses of a message', () => {
    const r = records.find((x) => (x.fields.message as string).startsWith('Receiving block'))!;
    const ips = r.fields.ips as string[];
    expect(ips.length).toBeGreaterThanOrEqual(1);
    for (const ip of ips) expect(r.fields.message).toContain(ip);
    expect(records.filter((x) => x.fields.ips !== undefined && !Array.isArray(x.fields.ips))).toHaveLength(0);
    expect(records.filter((x) => (x.fields.message as string).startsWith('PacketResponder') && x.fields.ips)).toHaveLength(0);
  });
});

describe('text line styles', () => {
  it('Zookeeper: ISO with comma millis, dashes, nested-bracket component', () => {
    const r = record('2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200');
    expect(r.ts).toBeCloseTo(Date.UTC(2015, 6, 29, 17, 41, 44) / 1000 + 0.747, 6);
    expect(r.fields).toMatchObject({
      timestamp: '2015-07-29 17:41:44,747',
      level: 'INFO',
      component: 'QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774',
      message: 'Notification time out: 3200',
      template: 'Notification time out: <NUM>',
    });
  });

  it('Hadoop: level, [thread], component:', () => {
    expect(record('2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001').fields).toMatchObject({
      level: 'INFO',
      thread: 'main',
      component: 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster',
      message: 'Created MRAppMaster for application appattempt_1445144423722_0020_000001',
    });
  });

  it('Spark: yy/MM/dd HH:mm:ss', () => {
    const r = record('17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]');
    expect(r.ts).toBe(Date.UTC(2017, 5, 9, 20, 10, 40) / 1000);
    expect(r.fields).toMatchObject({ level: 'INFO', component: 'executor.CoarseGrainedExecutorBackend', message: 'Registered signal handlers for [TERM, HUP, INT]' });
  });

  it('Android logcat: MM-dd with no year, pid, tid, letter level, tag', () => {
    const r = record('03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs opening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992}}');
    expect(r.ts).toBeCloseTo(Date.UTC(2017, 2, 17, 16, 13, 38) / 1000 + 0.811, 6);
    expect(r.fields).toMatchObject({ pid: 1702, tid: 2395, level: 'D', component: 'WindowManager' });
    // The user's year wins over the file's mtime.
    expect(record('03-17 16:13:38.811  1702  2395 D WindowManager: x', { year: 2016 }).ts).toBeCloseTo(Date.UTC(2016, 2, 17, 16, 13, 38) / 1000 + 0.811, 6);
  });

  it('Apache error log: [ctime] [level] message', () => {
    const r = record('[Sun Dec 04 04:47:44 2005] [error] [client 10.0.0.5] File does not exist: /var/www/html/robots.txt');
    expect(r.ts).toBe(Date.UTC(2005, 11, 4, 4, 47, 44) / 1000);
    expect(r.fields).toMatchObject({ timestamp: 'Sun Dec 04 04:47:44 2005', level: 'error', message: '[client 10.0.0.5] File does not exist: /var/www/html/robots.txt', ips: ['10.0.0.5'] });
    expect(r.fields.component).toBeUndefined();
  });

  it('Proxifier: [MM.dd HH:mm:ss] with no level', () => {
    const r = record('[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS');
    expect(r.ts).toBe(Date.UTC(2016, 9, 30, 16, 49, 6) / 1000);
    expect(r.fields.level).toBeUndefined();
    expect(r.fields.message).toBe('chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS');
  });

  it('HealthApp: yyyyMMdd-HH:mm:ss:SSS and pipes', () => {
    const r = record('20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579');
    expect(r.ts).toBeCloseTo(Date.UTC(2017, 11, 23, 22, 15, 29) / 1000 + 0.606, 6);
    expect(r.fields.message).toBe('Step_LSC|30002312|onStandStepChanged 3579');
  });

  it('ISO with zone, brackets, Python logging', () => {
    expect(record('2023-01-02T03:04:05.5+01:00 WARNING disk almost full').ts).toBe(Date.UTC(2023, 0, 2, 2, 4, 5) / 1000 + 0.5);
    expect(record('[2023-01-02 03:04:05] [ERROR] db: connection refused').fields).toMatchObject({ level: 'ERROR', component: 'db', message: 'connection refused' });
    expect(record('2023-01-02 03:04:05,123 - myapp.db - ERROR - connection refused').fields).toMatchObject({ message: 'myapp.db - ERROR - connection refused' });
    expect(record('2023-01-02 03:04:05 warn: low memory').fields).toMatchObject({ level: 'warn', message: 'low memory' });
  });

  it('syslog style: host, program[pid]', () => {
    const r = record('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4');
    expect(r.ts).toBe(Date.UTC(2017, 5, 14, 15, 16, 1) / 1000);
    expect(r.fields).toMatchObject({ host: 'combo', component: 'sshd(pam_unix)', pid: 19939, ips: ['218.188.2.4'] });
  });

  it('access-log time and epoch seconds', () => {
    expect(record('[17/May/2015:10:05:03 +0200] GET /').ts).toBe(Date.UTC(2015, 4, 17, 8, 5, 3) / 1000);
    expect(record('1131566461.25 node-1 INFO up').ts).toBe(1131566461.25);
    expect(record('1131566461250 node-1 up').ts).toBe(1131566461.25);
  });

  it('a line with no structure is still a record, without ts', () => {
    const r = record('   at org.example.Foo.bar(Foo.java:42)');
    expect(r.ts).toBeUndefined();
    expect(r.fields).toEqual({ message: '   at org.example.Foo.bar(Foo.java:42)', template: 'at org.example.Foo.bar(Foo.java:<NUM>)' });
    // A number at the start is an id, not a pid.
    expect(record('134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change').fields.pid).toBeUndefined();
  });

  it('keeps brackets not followed by a level in the message', () => {
    expect(record('[link](http://example.com) is here').fields.message).toBe('[link](http://example.com) is here');
    expect(record('2023-01-02 03:04:05 [main] started').fields).toMatchObject({ message: '[main] started' });
    expect(record('2023-01-02 03:04:05 [main] INFO com.example.App - started').fields).toMatchObject({ component: 'main', level: 'INFO' });
  });

  it('rejects impossible dates as timestamps', () => {
    expect(record('991399 999999 not a date').fields.timestamp).toBeUndefined();
    expect(record('2023-13-02 03:04:05 x').fields.timestamp).toBeUndefined();
  });

  it('skips blank lines', () => {
    const p = newParser(text, { fileMtimeMs: MTIME });
    expect(p.line('', 1)).toEqual({ kind: 'skip', why: 'blank' });
    expect(p.line(' \t ', 2)).toEqual({ kind: 'skip', why: 'blank' });
  });
});

describe('text on damaged files', () => {
  const lines = fs.readFileSync(samplePath(HDFS), 'utf8').split('\r\n').slice(0, 20);

  it('reads truncated, garbage and Latin-1 lines as records, never dropping one', async () => {
    const content = Buffer.concat([
      Buffer.from([...lines.slice(0, 5), lines[5]!.slice(0, 9), '\u0001\u0002garbage\u00ff', '', ...lines.slice(7, 20)].join('\n'), 'utf8'),
      Buffer.from(`\n${lines[0]}\u00e9\n`, 'latin1'),
    ]);
    const { records, bad, latin1 } = await parseWith(text, writeTemp('hdfs.log', content));
    expect(bad).toHaveLength(0);
    expect(records).toHaveLength(21); // 22 lines, one blank
    expect(records[5]!.fields).toEqual({ message: lines[5]!.slice(0, 9), template: '<NUM>' });
    expect(records[6]!.fields.message).toBe('\u0001\u0002garbage\u00ff');
    expect(latin1).toBe(1);
    expect(records.at(-1)!.fields.message).toMatch(/terminating\u00e9$/);
  });

  it('reads another format forced through it without failing', async () => {
    const { records, bad } = await parseWith(text, samplePath('zeek-json/wrccdc-2018.notice.ndjson'));
    expect(records).toHaveLength(207);
    expect(bad).toHaveLength(0);
    expect(records.filter((r) => r.ts !== null)).toHaveLength(0);
  });
});

describe('text sniffing', () => {
  it.each(allSamples())('%s', async (rel) => {
    expect(await sniffSample(text, rel)).toBe(TIMESTAMPED.includes(rel) ? 0.25 : 0);
  });

  it('does not take prose for a log', async () => {
    const readme = path.join(SHARED, 'samples', 'README.md');
    expect(text.sniff(await sampleOf(readme))).toBe(0);
    const own = path.join(REPO, 'package.json');
    expect(text.sniff(await sampleOf(own))).toBe(0);
    const prose = ['# Notes', '', 'Install with npm.', '2023-01-02 was a Monday.', 'Run it daily.'].join('\n');
    expect(text.sniff(buildSample(prose))).toBe(0);
  });

  it('recognises timestamped logs of the styles above', () => {
    const zk = ['2015-07-29 17:41:44,747 - INFO  [main:QuorumPeer@1] - a', '2015-07-29 17:41:45,001 - WARN  [main:QuorumPeer@2] - b'];
    expect(text.sniff(buildSample(zk.join('\n')))).toBe(0.25);
  });
});
