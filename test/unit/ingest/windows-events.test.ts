import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { windowsEvents, windowsTime } from '../../../src-main/core/ingest/formats/windows-events';
import { countBy, fieldNames, parseValue, parseWith, recordOf } from '../../helpers/parse';
import { samplePath, writeTemp } from '../../helpers/samples';
import { expectSureOfOnly } from '../../helpers/sniff';

const EMPIRE = 'windows-events-json/otrf-empire_shell_net_local_users.ndjson';
const PSEXEC = 'windows-events-json/otrf-cmd_psexec_lsa_secrets_dump.ndjson';
const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const utc = (iso: string) => Date.parse(`${iso.replace(' ', 'T')}Z`) / 1000;

const parseOne = (value: unknown) => recordOf(parseValue(windowsEvents, value));

describe('windows-events sniff', () => {
  it('is sure of both Windows samples and of nothing else', async () => {
    await expectSureOfOnly(windowsEvents, (f) => f.startsWith('windows-events-json/'));
  });

  it('recognises winlogbeat, EventData-nested and evtx_dump shapes', () => {
    const sniff = (v: unknown) => windowsEvents.sniff({ text: JSON.stringify(v), lines: [JSON.stringify(v)], firstJson: v });
    expect(sniff({ '@timestamp': '2021-01-01T00:00:00Z', winlog: { event_id: 4624, channel: 'Security' } })).toBeGreaterThanOrEqual(0.9);
    expect(sniff({ EventID: 4624, TimeCreated: '2021-01-01 00:00:00', EventData: { TargetUserName: 'bob' } })).toBeGreaterThanOrEqual(0.9);
    expect(sniff({ Event: { System: { EventID: 1 }, EventData: {} } })).toBeGreaterThanOrEqual(0.9);
    expect(sniff({ eventID: 'uuid', eventName: 'GetObject', eventSource: 's3.amazonaws.com' })).toBe(0);
  });
});

describe('windows-events on the NXLog/Logstash flavour (empire)', async () => {
  const { records, bad } = await parseWith(windowsEvents, samplePath(EMPIRE));

  it('reads all 1907 events, by channel as the README counts them', () => {
    expect(records).toHaveLength(1907);
    expect(bad).toHaveLength(0);
    expect(countBy(records, (r) => r.fields.Channel)).toEqual({
      [SYSMON]: 1266,
      security: 323,
      Security: 77,
      'Windows PowerShell': 116,
      'Microsoft-Windows-PowerShell/Operational': 101,
      System: 19,
      'Microsoft-Windows-WMI-Activity/Operational': 5,
    });
  });

  it('keeps the 165 top-level keys as field names, with their types', () => {
    const names = fieldNames(records);
    expect(names).toHaveLength(165);
    expect(names).toEqual(expect.arrayContaining(['@timestamp', 'EventTime', 'EventReceivedTime', 'UtcTime', 'Hostname', 'host', 'ERROR_EVT_UNRESOLVED', 'port']));
    expect(records.every((r) => typeof r.fields.EventID === 'number')).toBe(true);
    expect(records[0]!.fields.tags).toEqual(['mordorDataset']);
    expect(records.some((r) => String(r.fields.Message ?? '').includes('\r\n\t'))).toBe(true);
    expect(records.some((r) => String(r.fields.Product ?? '').includes('Microsoft® Windows®'))).toBe(true);
  });

  it('takes ts from @timestamp, ahead of UtcTime and EventTime', () => {
    for (const r of records) expect(r.ts).toBe(Date.parse(String(r.fields['@timestamp'])) / 1000);
    expect(records[0]!.ts).toBe(utc('2020-09-21 23:26:07.434'));
  });
});

describe('windows-events on the newer OTRF flavour (psexec, CRLF)', async () => {
  const { records, bad } = await parseWith(windowsEvents, samplePath(PSEXEC));

  it('reads all 286 events, by channel as the README counts them', () => {
    expect(records).toHaveLength(286);
    expect(bad).toHaveLength(0);
    expect(countBy(records, (r) => r.fields.Channel)).toEqual({ [SYSMON]: 241, Security: 43, System: 2 });
    expect(new Set(records.map((r) => r.fields.Hostname))).toEqual(new Set(['WORKSTATION5']));
    expect(records.some((r) => r.raw.endsWith('\r') || Object.values(r.fields).some((v) => typeof v === 'string' && v.endsWith('\r')))).toBe(false);
  });

  it('keeps ids that arrive as strings as strings, hex included', () => {
    expect(records.some((r) => r.fields.SubjectLogonId === '0x3e7')).toBe(true);
    expect(records.some((r) => r.fields.ProcessId === '3304')).toBe(true);
    expect(records.filter((r) => typeof r.fields.NewProcessId === 'string' && r.fields.NewProcessId.startsWith('0x')).length).toBeGreaterThan(0);
    const names = fieldNames(records);
    expect(names).toContain('ProcessId');
    expect(names).toContain('ProcessID');
  });

  it('takes ts from Sysmon UtcTime, else from TimeCreated read as UTC', () => {
    for (const r of records) {
      const expected = r.fields.Channel === SYSMON ? utc(String(r.fields.UtcTime)) : utc(String(r.fields.TimeCreated));
      expect(r.ts).toBeCloseTo(expected, 6);
    }
    expect(records[0]!.ts).toBeCloseTo(utc('2020-10-19 03:30:41.104'), 6);
  });

  it('shows the malicious command lines plainly', () => {
    expect(records.some((r) => /reg\s+save\s+HKLM\\security\\policy\\secrets/i.test(String(r.fields.CommandLine ?? '')))).toBe(true);
  });
});

describe('windows-events on other exports users bring', () => {
  it('flattens winlogbeat nesting and takes ts from @timestamp', () => {
    const r = parseOne({
      '@timestamp': '2021-03-04T05:06:07.123Z',
      event: { code: '4688', provider: 'Microsoft-Windows-Security-Auditing' },
      winlog: { channel: 'Security', event_id: 4688, event_data: { NewProcessName: 'C:\\x.exe', SubjectLogonId: '0x3e7' }, process: { pid: 4 } },
      host: { name: 'ws1' },
    });
    expect(r.ts).toBe(utc('2021-03-04 05:06:07.123'));
    expect(r.fields).toEqual({
      '@timestamp': '2021-03-04T05:06:07.123Z',
      'event.code': '4688',
      'event.provider': 'Microsoft-Windows-Security-Auditing',
      'winlog.channel': 'Security',
      'winlog.event_id': 4688,
      'winlog.event_data.NewProcessName': 'C:\\x.exe',
      'winlog.event_data.SubjectLogonId': '0x3e7',
      'winlog.process.pid': 4,
      'host.name': 'ws1',
    });
  });

  it('reads EventData nesting, named Data lists, and System times', () => {
    const flat = parseOne({ EventID: 4624, TimeCreated: '2021-03-04 05:06:07', EventData: { TargetUserName: 'bob', LogonType: '3' } });
    expect(flat.fields).toEqual({ EventID: 4624, TimeCreated: '2021-03-04 05:06:07', 'EventData.TargetUserName': 'bob', 'EventData.LogonType': '3' });
    expect(flat.ts).toBe(utc('2021-03-04 05:06:07'));

    const xml = parseOne({
      Event: {
        System: { EventID: 4688, Channel: 'Security', TimeCreated: { '#attributes': { SystemTime: '2021-03-04T05:06:07.1234567Z' } } },
        EventData: { Data: [{ '#attributes': { Name: 'NewProcessName' }, '#text': 'C:\\x.exe' }, { '@Name': 'TokenElevationType', '#text': '%%1936' }] },
      },
    });
    expect(xml.fields).toEqual({
      'Event.System.EventID': 4688,
      'Event.System.Channel': 'Security',
      'Event.System.TimeCreated.#attributes.SystemTime': '2021-03-04T05:06:07.1234567Z',
      'Event.EventData.NewProcessName': 'C:\\x.exe',
      'Event.EventData.TokenElevationType': '%%1936',
    });
    expect(xml.ts).toBeCloseTo(utc('2021-03-04 05:06:07') + 0.1234567, 6);

    const single = parseOne({ System: { EventID: 7036 }, EventData: { Data: { '@Name': 'param1', '#text': 'Print Spooler' } } });
    expect(single.fields).toEqual({ 'System.EventID': 7036, 'EventData.param1': 'Print Spooler' });

    const sysmon = parseOne({ System: { EventID: 1, TimeCreated: { SystemTime: '2021-03-04T05:06:09Z' } }, EventData: { UtcTime: '2021-03-04 05:06:08.500' } });
    expect(sysmon.ts).toBe(utc('2021-03-04 05:06:08.500'));
  });

  it('reads PowerShell and WMI time shapes', () => {
    expect(windowsTime('/Date(1603078241104)/')).toBe(1603078241.104);
    expect(windowsTime('20201019033041.104000-240')).toBeCloseTo(utc('2020-10-19 07:30:41.104'), 6);
    expect(windowsTime('yesterday')).toBeNull();
    expect(parseOne({ Id: 4624, ProviderName: 'x', LogName: 'Security', TimeCreated: '/Date(1603078241104)/' }).ts).toBe(1603078241.104);
  });
});

describe('windows-events on damaged input', () => {
  it('quarantines broken lines of a CRLF file and keeps the rest', async () => {
    const lines = fs.readFileSync(samplePath(PSEXEC), 'utf8').split('\r\n').filter(Boolean).slice(0, 12);
    lines[4] = lines[4]!.slice(0, 100);
    lines[7] = 'Event 4624 logged';
    const file = writeTemp('psexec.ndjson', lines.join('\r\n') + '\r\n');
    const { records, bad } = await parseWith(windowsEvents, file);
    expect(records).toHaveLength(10);
    expect(bad.map((b) => b.line)).toEqual([5, 8]);
  });

  it('reads a syslog file as nothing but bad units', async () => {
    const { records, bad } = await parseWith(windowsEvents, samplePath('linux-auth/loghub-OpenSSH_2k.log'));
    expect(records).toHaveLength(0);
    expect(bad).toHaveLength(2000);
  });
});
