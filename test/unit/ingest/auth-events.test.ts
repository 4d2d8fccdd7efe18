import { describe, expect, it } from 'vitest';
import { authFields } from '../../../src-main/core/ingest/formats/auth-events';
import type { Fields } from '../../../src-main/core/fields/values';

function auth(message: string): Fields {
  const f: Fields = {};
  authFields(message, f);
  return f;
}

describe('auth-log events', () => {
  it.each<[string, Fields]>([
    ['Failed password for invalid user admin from 1.2.3.4 port 22 ssh2', { event: 'failed_password', user: 'admin', invalid_user: true, src_ip: '1.2.3.4', src_port: 22 }],
    ['Failed publickey for git from 1.2.3.4 port 22 ssh2: RSA SHA256:x', { event: 'failed_publickey', user: 'git' }],
    ['Failed keyboard-interactive/pam for root from 1.2.3.4 port 22 ssh2', { event: 'failed_keyboard_interactive', user: 'root' }],
    ['Failed password for root from host.example.org port 22 ssh2', { event: 'failed_password', src_host: 'host.example.org' }],
    ['Invalid user  from 1.2.3.4 port 5', { event: 'invalid_user', user: '', src_ip: '1.2.3.4', src_port: 5 }],
    ['Connection closed by authenticating user root 1.2.3.4 port 22 [preauth]', { event: 'connection_closed', user: 'root', src_ip: '1.2.3.4' }],
    ['Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]', { event: 'disconnect', src_ip: '1.2.3.4' }],
    ['Received disconnect from 2001:db8::1 port 22:11: disconnected by user', { event: 'disconnect', src_ip: '2001:db8::1', src_port: 22 }],
    ['Disconnected from user ubuntu 1.2.3.4 port 22', { event: 'disconnect', user: 'ubuntu', src_ip: '1.2.3.4' }],
    ['error: maximum authentication attempts exceeded for invalid user admin from 1.2.3.4 port 22 ssh2 [preauth]', { event: 'max_auth_attempts', user: 'admin', invalid_user: true }],
    ['Disconnecting: Too many authentication failures for root [preauth]', { event: 'too_many_auth_failures', user: 'root' }],
    ['Did not receive identification string from 1.2.3.4', { event: 'no_identification', src_ip: '1.2.3.4' }],
    ['Address 1.2.3.4 maps to x.example, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!', { event: 'break_in_attempt', src_ip: '1.2.3.4' }],
    ['User bob from 1.2.3.4 not allowed because not listed in AllowUsers', { event: 'user_not_allowed', user: 'bob', src_ip: '1.2.3.4' }],
    ['pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root', { event: 'auth_failure', user: 'root', src_ip: '1.2.3.4' }],
    ['pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4 user=bob', { event: 'auth_failure', user: 'bob' }],
    ['pam_unix(sudo:session): session opened for user root(uid=0) by ubuntu(uid=1000)', { event: 'session_opened', user: 'root', by_user: 'ubuntu' }],
    ['pam_unix(cron:session): session opened for user root by (uid=0)', { event: 'session_opened', user: 'root' }],
    ['pam_unix(passwd:chauthtok): password changed for alice', { event: 'password_changed', user: 'alice' }],
    ['  alice : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/cat /etc/shadow', { event: 'sudo_auth_failure', user: 'alice', target_user: 'root', sudo_command: '/bin/cat /etc/shadow' }],
    ['   mallory : user NOT in sudoers ; TTY=pts/2 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh -c id', { event: 'sudo_denied', user: 'mallory', sudo_command: '/bin/sh -c id' }],
    ['FAILED su for root by mallory', { event: 'su_failure', user: 'mallory', target_user: 'root' }],
    ['(to root) alice on pts/0', { event: 'su_success', user: 'alice', target_user: 'root' }],
    ['- /dev/pts/3 mallory:root', { event: 'su_failure', user: 'mallory', target_user: 'root' }],
    ['new user: name=backdoor, UID=0, GID=0, home=/root, shell=/bin/bash', { event: 'new_user', user: 'backdoor' }],
    ["add 'backdoor' to group 'sudo'", { event: 'group_member_added', user: 'backdoor', group: 'sudo' }],
    ["delete user 'temp'", { event: 'delete_user', user: 'temp' }],
    ['(root) CMD (run-parts /etc/cron.hourly)', { event: 'cron_command', user: 'root', cron_command: 'run-parts /etc/cron.hourly' }],
    ['New session c1 of user gdm.', { event: 'new_session', session_id: 'c1', user: 'gdm' }],
    ['Removed session 12.', { event: 'session_removed', session_id: '12' }],
    ['pop3-login: Disconnected: auth failed, 1 attempts: user=<x>, rip=1.2.3.4, lip=10.0.0.1 from 1.2.3.4', { src_ip: '1.2.3.4' }],
  ])('%s', (message, expected) => {
    expect(auth(message)).toMatchObject(expected);
  });

  it('leaves messages it does not know without an event', () => {
    expect(auth('Watching system buttons on /dev/input/event0 (Power Button)')).toEqual({});
    expect(auth('DHCPDISCOVER from 00:11:43:e3:ba:c3 via eth1')).toEqual({});
  });
});
