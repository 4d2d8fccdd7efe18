import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findIps, messageTemplate } from '../../../src-main/core/ingest/template';
import { samplePath } from '../../helpers/samples';

/** The message part of sample lines (after `program[pid]: ` or `component: `). */
function messages(rel: string, after: RegExp): string[] {
  return fs
    .readFileSync(samplePath(rel), 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = after.exec(l);
      return m ? l.slice(m.index + m[0].length) : l;
    });
}

function templatesOf(lines: string[]): Set<string> {
  return new Set(lines.map(messageTemplate));
}

describe('messageTemplate on the samples', () => {
  const openssh = messages('linux-auth/loghub-OpenSSH_2k.log', /\]: /);
  const auth = messages('linux-auth/elastic-examples-suspicious-login.auth.log', /^\S+ +\d+ \S+ \S+ [^:]+: /);
  const hdfs = messages('system-logs-loghub/HDFS_2k.log', /^\d+ \d+ \d+ \w+ \S+: /);

  it('gives all failed-password lines for invalid users one template, whatever user, address, port', () => {
    const failed = [...openssh, ...auth].filter((m) => /^Failed password for invalid user /.test(m));
    expect(failed.length).toBeGreaterThan(100);
    // Distinct users, addresses and ports in the sample…
    expect(new Set(failed.map((m) => m.split(' ')[5])).size).toBeGreaterThan(20);
    // …and one template (the empty user name, written with two spaces, included).
    expect(templatesOf(failed)).toEqual(new Set(['Failed password for invalid user <*> from <IP> port <NUM> ssh<NUM>']));
    expect(failed.some((m) => m.includes('user  from'))).toBe(true);
  });

  it('gives failed passwords of valid users their own single template', () => {
    const failed = openssh.filter((m) => /^Failed password for (?!invalid user)/.test(m));
    expect(templatesOf(failed)).toEqual(new Set(['Failed password for <*> from <IP> port <NUM> ssh<NUM>']));
  });

  it('gives HDFS "Receiving block" lines one template, block ids negative or not', () => {
    const receiving = hdfs.filter((m) => m.startsWith('Receiving block '));
    expect(receiving).toHaveLength(292);
    expect(receiving.some((m) => m.includes('blk_-'))).toBe(true);
    expect(templatesOf(receiving)).toEqual(new Set(['Receiving block blk_<NUM> src: /<IP>:<NUM> dest: /<IP>:<NUM>']));
  });

  it('folds each sample into few templates', () => {
    expect(templatesOf(openssh).size).toBeLessThan(40);
    expect(templatesOf(hdfs).size).toBeLessThan(30);
    expect(templatesOf(auth).size).toBeLessThan(160);
  });

  it('masks PAM key=value lines whatever their values', () => {
    const pam = openssh.filter((m) => m.startsWith('pam_unix(sshd:auth): authentication failure;'));
    expect(templatesOf(pam)).toEqual(
      new Set([
        'pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=<*> ruser= rhost=<*> user=<*>',
        'pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=<*> ruser= rhost=<*>',
      ]),
    );
  });
});

describe('messageTemplate masks', () => {
  it.each([
    ['IPv4 with port', 'from 10.251.73.220:50010 to 1.2.3.4', 'from <IP>:<NUM> to <IP>'],
    ['IPv6 forms', 'fe80::21b:21ff:fe7a:2d3c and 2001:db8:0:0:0:0:0:1 and ::1 and ::ffff:1.2.3.4', '<IP> and <IP> and <IP> and <IP>'],
    ['the unspecified address', 'Server listening on :: port 22.', 'Server listening on <IP> port <NUM>.'],
    ['MAC addresses', 'DHCPDISCOVER from 00:11:43:e3:ba:c3 via eth1', 'DHCPDISCOVER from <MAC> via eth<NUM>'],
    ['UUIDs', 'job 550e8400-e29b-41d4-a716-446655440000 done', 'job <UUID> done'],
    ['hex numbers and ids', 'logon 0x3e7 commit 9fceb02d0ae598e95dc970b74767f19372d61af8', 'logon <HEX> commit <HEX>'],
    ['negative and decimal numbers', 'delta -5 took 3.25 s', 'delta <NUM> took <NUM> s'],
    ['numbers inside words', 'blk_-1608999687919862906 part-00001 ip-10-77-20-248', 'blk_<NUM> part-<NUM> ip-<NUM>-<NUM>-<NUM>-<NUM>'],
    ['key fingerprints', 'RSA SHA256:Kl8kPGZrTiz7g4FO1hyqHdsSBBb5Fge6NCOobz03XJg', 'RSA SHA<NUM>:<*>'],
    ['quoted user names', `user "bob_1" does not exist; failed adding user 'eve', data deleted`, 'user <*> does not exist; failed adding user <*>, data deleted'],
    ['user names with trailing punctuation', 'New session 12 of user elastic_user_0.', 'New session <NUM> of user <*>.'],
    ['white space', '  a \t b   c  ', 'a b c'],
    ['repeated masked tokens', 'ask 10.0.0.1:50010 to delete  blk_1 blk_-2 blk_3', 'ask <IP>:<NUM> to delete blk_<NUM>'],
  ])('%s', (_name, input, expected) => {
    expect(messageTemplate(input)).toBe(expected);
  });

  it('leaves words, paths and times-of-day shape alone', () => {
    expect(messageTemplate('Deleting block file /mnt/hadoop/dfs/data/current/subdir7')).toBe(
      'Deleting block file /mnt/hadoop/dfs/data/current/subdir<NUM>',
    );
    expect(messageTemplate('at 12:01:01 in DataNode::run')).toBe('at <NUM>:<NUM>:<NUM> in DataNode::run');
    expect(messageTemplate('')).toBe('');
  });

  it('is deterministic and bounded on huge messages', () => {
    const huge = 'x'.repeat(5000) + ' 42';
    const t = messageTemplate(huge);
    expect(t.length).toBeLessThanOrEqual(1001);
    expect(t.endsWith('…')).toBe(true);
    expect(messageTemplate(huge)).toBe(t);
  });

  it('is fast', () => {
    const lines = [
      'Failed password for invalid user admin from 183.62.140.253 port 38926 ssh2',
      'Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root',
    ];
    const n = 30_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) messageTemplate(lines[i % 3]!);
    // Generous bound (about 2 µs a line on a laptop): catches an accidental quadratic pass.
    expect((performance.now() - t0) / n).toBeLessThan(0.05);
  });
});

describe('findIps', () => {
  it('finds addresses in order, once each', () => {
    expect(findIps('from 1.2.3.4 to 1.2.3.4 via fe80::1 and 10.0.0.1:22')).toEqual(['1.2.3.4', 'fe80::1', '10.0.0.1']);
    expect(findIps('no addresses here: 1.2.3 or 12:30:00')).toEqual([]);
    expect(findIps('version 1.2.3.4.5')).toEqual([]);
  });
});
