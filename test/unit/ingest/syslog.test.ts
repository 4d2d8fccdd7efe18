import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syslog } from '../../../src-main/core/ingest/formats/syslog';
import type { ParseResult } from '../../../src-main/core/ingest/types';
import { countValues, fieldNames, newParser, parseWith, recordOf } from '../../helpers/parse';
import { allSamples, samplePath, writeTemp } from '../../helpers/samples';
import { expectSniff, sniffSample } from '../../helpers/sniff';

const AUTH = 'linux-auth/elastic-examples-suspicious-login.auth.log';
const OPENSSH = 'linux-auth/loghub-OpenSSH_2k.log';

const parser = (options: Record<string, unknown> = {}, fileMtimeMs = Date.UTC(2024, 5, 1)) => newParser(syslog, { fileMtimeMs, options });
const record = (line: string, options: Record<string, unknown> = {}, mtime?: number) => recordOf(parser(options, mtime).line(line, 1));

describe('syslog on the elastic auth.log', async () => {
  const { records, bad } = await parseWith(syslog, samplePath(AUTH), { year: 2017 });
  const events = countValues(records.map((r) => r.fields.event));

  it('reads all 7,121 lines, none quarantined', () => {
    expect(records).toHaveLength(7121);
    expect(bad).toHaveLength(0);
  });

  it('counts programs as the README does (and 3 groupadd lines it leaves out)', () => {
    expect(countValues(records.map((r) => r.fields.program))).toEqual(
      new Map([
        ['sshd', 4095], ['CRON', 1264], ['sudo', 557], ['systemd-logind', 452], ['chpasswd', 417],
        ['systemd', 238], ['useradd', 50], ['su', 45], ['groupadd', 3],
      ]),
    );
  });

  it('has the header fields with their types', () => {
    expect(records.filter((r) => r.fields.host !== 'ip-10-77-20-248')).toHaveLength(0);
    expect(records.filter((r) => typeof r.fields.message !== 'string' || typeof r.fields.template !== 'string')).toHaveLength(0);
    // `sudo:` and `systemd:` lines carry no pid.
    expect(records.filter((r) => r.fields.pid === undefined).map((r) => r.fields.program).sort()).toEqual(
      records.filter((r) => !/^\S+ +\d+ \S+ \S+ [^ :]+\[\d+\]:/.test(r.raw)).map((r) => r.fields.program).sort(),
    );
    expect(records.filter((r) => r.fields.pid !== undefined && typeof r.fields.pid !== 'number')).toHaveLength(0);
    expect(fieldNames(records)).toEqual(expect.arrayContaining(['event', 'user', 'src_ip', 'src_port', 'sudo_command', 'target_user']));
  });

  it('reads the year from options, and space-padded days', () => {
    expect(records[0]!.fields.timestamp).toBe('Mar 27 13:06:56');
    expect(records[0]!.ts).toBe(Date.UTC(2017, 2, 27, 13, 6, 56) / 1000);
    const padded = records.find((r) => r.raw.startsWith('Apr  1 '))!;
    expect(padded.fields.timestamp).toMatch(/^Apr {2}1 \d\d:\d\d:\d\d$/);
    expect(new Date(padded.ts! * 1000).toISOString().slice(0, 10)).toBe('2017-04-01');
    expect(records.at(-1)!.ts).toBe(Date.UTC(2017, 3, 20, 14, 14, 29) / 1000);
  });

  it('finds the brute force: 1,386 failed-password or auth-failure lines, 760 invalid-user lines', () => {
    const failedPassword = events.get('failed_password')!;
    expect(failedPassword).toBe(records.filter((r) => r.raw.includes('Failed password')).length);
    expect(failedPassword).toBe(713);
    // "authentication failure" lines: PAM's, PAM's "N more", and sshd's "Too many … failures".
    expect(events.get('auth_failure')! + events.get('more_auth_failures')! + events.get('too_many_auth_failures')!).toBe(673);
    expect(failedPassword + 673).toBe(1386);
    expect(records.filter((r) => r.fields.event === 'invalid_user' || r.fields.invalid_user === true)).toHaveLength(760);
  });

  it('finds the 190 accepted passwords of the test accounts', () => {
    const accepted = records.filter((r) => r.fields.event === 'accepted_password');
    expect(accepted).toHaveLength(190);
    expect(accepted.filter((r) => /^elastic_user_\d$/.test(r.fields.user as string))).toHaveLength(190);
    expect(countValues(accepted.map((r) => r.fields.src_ip)).get('127.0.0.1')).toBe(1);
    expect(countValues(accepted.map((r) => r.fields.src_ip)).get('85.245.107.41')).toBe(139);
    expect(accepted.every((r) => typeof r.fields.src_port === 'number' && r.fields.auth_method === 'password')).toBe(true);
    expect(events.get('accepted_publickey')).toBe(36);
    expect(records.filter((r) => r.fields.event === 'new_user').map((r) => r.fields.user).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `elastic_user_${i}`),
    );
  });

  it('reads sudo commands with their spaces and URLs', () => {
    const sudo = records.filter((r) => r.fields.event === 'sudo_command');
    expect(sudo).toHaveLength(186);
    const curl = sudo[0]!.fields;
    expect(curl).toMatchObject({
      user: 'ubuntu',
      target_user: 'root',
      sudo_command: '/usr/bin/curl -L -O https://artifacts.elastic.co/downloads/beats/filebeat/filebeat-5.2.2-amd64.deb',
    });
    expect(records.filter((r) => r.fields.program === 'sudo' && r.raw.includes('COMMAND=')).length).toBe(186);
  });

  it('reads message-repeated lines through to their message', () => {
    const repeated = records.filter((r) => (r.fields.message as string).startsWith('message repeated'));
    expect(repeated.length).toBe(85);
    for (const r of repeated) {
      expect(r.fields.event).toBe('failed_password');
      expect(r.fields.repeat_count).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('syslog on the loghub OpenSSH log (CRLF, trailing spaces)', async () => {
  const { records, bad } = await parseWith(syslog, samplePath(OPENSSH));
  const events = countValues(records.map((r) => r.fields.event));

  it('reads all 2,000 lines, none quarantined', () => {
    expect(records).toHaveLength(2000);
    expect(bad).toHaveLength(0);
    expect(countValues(records.map((r) => r.fields.program))).toEqual(new Map([['sshd', 2000]]));
    expect(records.filter((r) => r.raw.includes('\r'))).toHaveLength(0);
  });

  it('keeps the trailing spaces of 118 messages', () => {
    expect(records.filter((r) => (r.fields.message as string).endsWith(' '))).toHaveLength(118);
  });

  it('counts 1,027 failure lines, 365 invalid-user lines, 1 accept', () => {
    expect(events.get('failed_password')).toBe(520);
    expect(events.get('auth_failure')! + events.get('more_auth_failures')! + events.get('too_many_auth_failures')!).toBe(507);
    expect(records.filter((r) => r.fields.event === 'invalid_user' || r.fields.invalid_user === true)).toHaveLength(365);
    const accepted = records.filter((r) => r.fields.event?.toString().startsWith('accepted'));
    expect(accepted.map((r) => r.fields)).toEqual([
      expect.objectContaining({ event: 'accepted_password', user: 'fztu', src_ip: '119.137.62.142', src_port: 49116 }),
    ]);
  });

  it('finds the top attacker on 867 lines and 85 break-in attempts', () => {
    expect(records.filter((r) => r.fields.src_ip === '183.62.140.253')).toHaveLength(867);
    const breakIn = records.filter((r) => r.fields.event === 'break_in_attempt');
    expect(breakIn).toHaveLength(85);
    expect(breakIn.every((r) => typeof r.fields.src_ip === 'string')).toBe(true);
  });

  it('reads host names from PAM rhost= as src_host', () => {
    const named = records.filter((r) => r.fields.src_host !== undefined);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((r) => !/^\d+\.\d+\.\d+\.\d+$/.test(r.fields.src_host as string))).toBe(true);
  });

  it('infers the year from the file mtime (Dec 10 before a January mtime is last year)', () => {
    const p = parser({}, Date.UTC(2018, 0, 5));
    const r = p.line('Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186', 1);
    expect(r.kind === 'record' && r.ts).toBe(Date.UTC(2017, 11, 10, 6, 55, 46) / 1000);
    const jan = p.line('Jan  4 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186', 2);
    expect(jan.kind === 'record' && jan.ts).toBe(Date.UTC(2018, 0, 4, 6, 55, 46) / 1000);
  });

  it('infers the year of a whole file from its mtime', async () => {
    const file = writeTemp('secure', fs.readFileSync(samplePath(OPENSSH)));
    fs.utimesSync(file, new Date(Date.UTC(2016, 0, 2)), new Date(Date.UTC(2016, 0, 2)));
    const { records: recs } = await parseWith(syslog, file);
    expect(recs[0]!.ts).toBe(Date.UTC(2015, 11, 10, 6, 55, 46) / 1000);
  });
});

describe('syslog line shapes', () => {
  it('reads RFC 5424 with structured data', () => {
    const r = record('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][x@1 a="b\\"c\\]"] \ufeffAn application event log entry...');
    expect(r.ts).toBeCloseTo(Date.UTC(2003, 9, 11, 22, 14, 15) / 1000 + 0.003, 6);
    expect(r.fields).toMatchObject({
      facility: 'local4',
      severity: 'notice',
      timestamp: '2003-10-11T22:14:15.003Z',
      host: 'mymachine.example.com',
      program: 'evntslog',
      msgid: 'ID47',
      'sd.exampleSDID@32473.iut': '3',
      'sd.exampleSDID@32473.eventSource': 'Application',
      'sd.x@1.a': 'b"c]',
      message: 'An application event log entry...',
    });
    expect(r.fields.pid).toBeUndefined();
  });

  it('reads RFC 5424 with nil values and no message', () => {
    const r = record('<34>1 2003-10-11T22:14:15.003+02:00 host su 1234 - -');
    expect(r.ts).toBeCloseTo(Date.UTC(2003, 9, 11, 20, 14, 15) / 1000 + 0.003, 6);
    expect(r.fields).toMatchObject({ facility: 'auth', severity: 'crit', host: 'host', program: 'su', pid: 1234, message: '' });
    expect(r.fields.msgid).toBeUndefined();
    expect(r.fields.structured_data).toBeUndefined();
    const sshd = record('<38>1 2023-01-02T03:04:05Z web01 sshd 811 - - Failed password for root from 2001:db8::7 port 50022 ssh2');
    expect(sshd.fields).toMatchObject({ event: 'failed_password', user: 'root', src_ip: '2001:db8::7', src_port: 50022 });
  });

  it('reads rsyslog ISO time, with or without PRI', () => {
    const r = record('2023-01-02T03:04:05.123456+01:00 web01 sshd[811]: Accepted publickey for deploy from 10.0.0.5 port 50022 ssh2: ED25519 SHA256:abc');
    expect(r.ts).toBeCloseTo(Date.UTC(2023, 0, 2, 2, 4, 5) / 1000 + 0.123456, 6);
    expect(r.fields).toMatchObject({
      timestamp: '2023-01-02T03:04:05.123456+01:00',
      host: 'web01',
      program: 'sshd',
      pid: 811,
      event: 'accepted_publickey',
      user: 'deploy',
      src_ip: '10.0.0.5',
    });
    expect(record('<86>2023-01-02T03:04:05Z web01 sudo: pam_unix(sudo:session): session closed for user root').fields).toMatchObject({
      facility: 'authpriv',
      severity: 'info',
      program: 'sudo',
      event: 'session_closed',
      user: 'root',
    });
  });

  it('reads RFC 3164 with PRI, without pid, and without host', () => {
    expect(record('<34>Oct 11 22:14:15 mymachine su: \'su root\' failed for lonvick on /dev/pts/8').fields).toMatchObject({
      facility: 'auth',
      severity: 'crit',
      host: 'mymachine',
      program: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    const noHost = record('Oct 11 22:14:15 kernel: [  12.345] eth0: link up').fields;
    expect(noHost.host).toBeUndefined();
    expect(noHost).toMatchObject({ program: 'kernel', message: '[  12.345] eth0: link up' });
    const noTag = record('Oct 11 22:14:15 host last message repeated 5 times').fields;
    expect(noTag).toMatchObject({ host: 'host', message: 'last message repeated 5 times' });
    expect(noTag.program).toBeUndefined();
  });

  it('quarantines lines that are not syslog, with a reason', () => {
    for (const line of ['081109 203615 148 INFO dfs.DataNode: x', 'just text', '<999>Oct 11 22:14:15 host x: y', '<34>1 2003-10-11T22:14:15Z host', '<34>1 yesterday host app - - - msg']) {
      const r: ParseResult = parser().line(line, 1);
      expect(r.kind, line).toBe('bad');
      if (r.kind === 'bad') expect(r.reason.length).toBeGreaterThan(10);
    }
    expect(parser().line('   ', 1)).toEqual({ kind: 'skip', why: 'blank' });
  });
});

describe('syslog on damaged files', () => {
  const lines = fs.readFileSync(samplePath(AUTH), 'utf8').split('\n').slice(0, 30);

  it('quarantines truncated and garbage lines, reads Latin-1 lines', async () => {
    const content = Buffer.concat([
      Buffer.from([...lines.slice(0, 10), lines[10]!.slice(0, 12), '\u0001\u0002garbage\u00ff', ...lines.slice(11, 30)].join('\n'), 'utf8'),
      Buffer.from(`\n${lines[0]!.replace('listening', 'listening\u00e9')}\n`, 'latin1'),
    ]);
    const { records, bad, latin1 } = await parseWith(syslog, writeTemp('auth.log', content), { year: 2017 });
    expect(bad.map((b) => b.line)).toEqual([11, 12]);
    expect(records).toHaveLength(30);
    expect(latin1).toBe(1);
    expect(records.at(-1)!.fields.message).toContain('listening\u00e9');
  });

  it('reads a very long message, with a bounded template', async () => {
    const long = `${lines[0]!} ${'A'.repeat(1 << 20)}`;
    const { records, bad } = await parseWith(syslog, writeTemp('long.log', `${long}\n${lines[1]}\n`));
    expect(bad).toHaveLength(0);
    expect((records[0]!.fields.message as string).length).toBeGreaterThan(1 << 20);
    expect((records[0]!.fields.template as string).length).toBeLessThanOrEqual(1001);
  });

  it('turns another format forced through it into bad units only', async () => {
    const { records, bad } = await parseWith(syslog, samplePath('system-logs-loghub/HDFS_2k.log'));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(2000);
  });
});

describe('syslog sniffing', () => {
  it.each(allSamples())('%s', async (rel) => {
    expectSniff(await sniffSample(syslog, rel), rel === AUTH || rel === OPENSSH);
  });

  it('recognises RFC 5424 and ISO-time syslog', () => {
    const lines5424 = ['<34>1 2003-10-11T22:14:15.003Z host su 12 - - msg', '<13>1 2003-10-11T22:14:16Z host app - - [a@1 b="c"] x'];
    expect(syslog.sniff({ text: lines5424.join('\n'), lines: lines5424 })).toBeGreaterThanOrEqual(0.9);
    const iso = ['2023-01-02T03:04:05+01:00 web01 sshd[1]: a', '2023-01-02T03:04:06+01:00 web01 cron[2]: b'];
    expect(syslog.sniff({ text: iso.join('\n'), lines: iso })).toBeGreaterThanOrEqual(0.9);
  });
});
