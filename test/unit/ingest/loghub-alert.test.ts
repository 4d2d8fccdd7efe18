import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loghubAlert } from '../../../src-main/core/ingest/formats/loghub-alert';
import { countValues, fieldNames, newParser, parseLine, parseWith, recordOf } from '../../helpers/parse';
import { allSamples, samplePath, writeTemp } from '../../helpers/samples';
import { expectSniff, sniffSample } from '../../helpers/sniff';

const TBIRD = 'system-logs-loghub/Thunderbird_2k.log';

const record = (line: string) => recordOf(parseLine(loghubAlert, line));

describe('loghub-alert on Thunderbird_2k', async () => {
  const { records, bad } = await parseWith(loghubAlert, samplePath(TBIRD));

  it('reads all 2,000 lines (CRLF, no final newline), none quarantined', () => {
    expect(records).toHaveLength(2000);
    expect(bad).toHaveLength(0);
    expect(records.at(-1)!.line).toBe(2000);
  });

  it('keeps the alert tag: all 2,000 are `-` (normal)', () => {
    expect(countValues(records.map((r) => r.fields.alert))).toEqual(new Map([['-', 2000]]));
  });

  it('has the prefix fields with their types, and ts = epoch', () => {
    expect(fieldNames(records)).toEqual(
      expect.arrayContaining(['alert', 'date', 'epoch', 'message', 'node', 'pid', 'program', 'template']),
    );
    expect(records.filter((r) => typeof r.fields.epoch !== 'number' || r.ts !== r.fields.epoch)).toHaveLength(0);
    expect(records[0]!.fields).toMatchObject({
      alert: '-',
      epoch: 1131566461,
      date: '2005.11.09',
      node: 'dn228',
      program: 'crond(pam_unix)',
      pid: 2915,
      message: 'session closed for user root',
      template: 'session closed for user <*>',
    });
    expect(records.filter((r) => r.fields.date !== '2005.11.09')).toHaveLength(0);
  });

  it('reads the embedded syslog tag', () => {
    const programs = countValues(records.map((r) => r.fields.program));
    expect(programs.get('/apps/x86_64/system/ganglia-3.0.1/sbin/gmetad')).toBe(830);
    expect(programs.get('ntpd')).toBe(571);
    expect(programs.get('ib_sm.x')).toBe(186);
    expect(programs.get('crond(pam_unix)')).toBe(43);
    expect(programs.get('dhcpd')).toBe(40);
    // Kernel lines without a `tag:` (`scsi0 : …`) keep all of it as the message.
    expect(records.filter((r) => r.fields.program === undefined).length).toBeLessThan(10);
    expect(records.filter((r) => r.fields.pid !== undefined && typeof r.fields.pid !== 'number')).toHaveLength(0);
  });

  it('extracts auth events from the PAM lines', () => {
    const sessions = records.filter((r) => r.fields.program === 'crond(pam_unix)');
    expect(countValues(sessions.map((r) => r.fields.event))).toEqual(new Map([['session_closed', 24], ['session_opened', 19]]));
    expect(sessions.every((r) => r.fields.user === 'root')).toBe(true);
  });
});

describe('loghub-alert on BGL-style lines', () => {
  it('reads a normal BGL line with sub-second time', () => {
    const r = record('- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected');
    expect(r.ts).toBeCloseTo(1117838570.675872, 6);
    expect(r.fields).toEqual({
      alert: '-',
      epoch: 1117838570,
      date: '2005.06.03',
      node: 'R02-M1-N0-C:J12-U11',
      type: 'RAS',
      component: 'KERNEL',
      level: 'INFO',
      message: 'instruction cache parity error corrected',
      template: 'instruction cache parity error corrected',
    });
  });

  it('reads alert lines: the tag is the category', () => {
    const r = record('KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt');
    expect(r.fields).toMatchObject({ alert: 'KERNDTLB', level: 'FATAL', component: 'KERNEL', message: 'data TLB error interrupt' });
    const app = record('APPREAD 1117869872 2005.06.04 R04-M1-N4-I:J18-U11 2005-06-04-00.24.32.432192 R04-M1-N4-I:J18-U11 RAS APP FATAL ciod: failed to read message prefix on control stream (CioStream socket to 172.16.96.116:33569');
    expect(app.fields).toMatchObject({ alert: 'APPREAD', component: 'APP', template: 'ciod: failed to read message prefix on control stream (CioStream socket to <IP>:<NUM>' });
    const tb = record('VAPI 1136390405 2006.01.04 cn142 Jan 4 08:00:05 cn142/cn142 kernel: [KERNEL_IB][ib_mad_dispatch][/mnt_projects/sysapps/src/ib/topspin/topspin-src-3.2.0-16/ib/ts_api_ng/mad/obj_host_amd64_custom1_rhel4/ts_ib_mad/mad_filter.c:179]Dropping packet');
    expect(tb.fields).toMatchObject({ alert: 'VAPI', node: 'cn142', program: 'kernel' });
    expect(tb.ts).toBe(1136390405);
  });

  it('keeps a rest of another shape as the message, and an empty one', () => {
    expect(record('- 1131566461 2005.11.09 n1 something odd here').fields.message).toBe('something odd here');
    expect(record('- 1131566461 2005.11.09 n1').fields.message).toBe('');
    expect(record('- 1117838570 2005.06.03 NULL 2005-06-03-15.42.50 NULL RAS KERNEL INFO').fields).toMatchObject({ level: 'INFO', message: '' });
  });

  it('quarantines lines without the alert prefix', () => {
    const p = newParser(loghubAlert);
    for (const line of ['Nov 9 12:01:01 dn228/dn228 crond[2916]: (root) CMD', '- notanepoch 2005.11.09 dn228 x', '- 1131566461 20051109 dn228 x']) {
      const r = p.line(line, 1);
      expect(r.kind, line).toBe('bad');
      if (r.kind === 'bad') expect(r.reason).toMatch(/alert tag/);
    }
    expect(p.line('', 1)).toEqual({ kind: 'skip', why: 'blank' });
  });
});

describe('loghub-alert on damaged files', () => {
  const lines = fs.readFileSync(samplePath(TBIRD), 'utf8').split('\r\n').slice(0, 20);

  it('quarantines truncated lines, reads garbage and Latin-1 in messages', async () => {
    const content = Buffer.concat([
      Buffer.from([...lines.slice(0, 5), lines[5]!.slice(0, 10), `${lines[6]} \u0001\u0002\u00ff`, ...lines.slice(7, 20)].join('\r\n'), 'utf8'),
      Buffer.from(`\r\n${lines[0]}\u00e9\r\n`, 'latin1'),
    ]);
    const { records, bad, latin1 } = await parseWith(loghubAlert, writeTemp('tb.log', content));
    expect(bad.map((b) => b.line)).toEqual([6]);
    expect(records).toHaveLength(20);
    expect(latin1).toBe(1);
    expect(records.at(-1)!.fields.message).toBe('session closed for user root\u00e9');
  });

  it('turns another format forced through it into bad units only', async () => {
    const { records, bad } = await parseWith(loghubAlert, samplePath('linux-auth/elastic-examples-suspicious-login.auth.log'));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(7121);
  });
});

describe('loghub-alert sniffing', () => {
  it.each(allSamples())('%s', async (rel) => {
    expectSniff(await sniffSample(loghubAlert, rel), rel === TBIRD);
  });

  it('recognises BGL', () => {
    const bgl = [
      '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected',
      'KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt',
    ];
    expect(loghubAlert.sniff({ text: bgl.join('\n'), lines: bgl })).toBeGreaterThanOrEqual(0.9);
  });
});
