// Over 400 lines: one table of auth-log rules, a few lines per message kind; split, they would be harder to compare.
import type { Fields } from '../../fields/values';
import { isIp } from '../../util/ip';

/**
 * Auth-log events (sshd, sudo, su, PAM, useradd, cron, logind): `authFields` reads a syslog
 * message into `event`, `user`, `src_ip`, `src_port` and the like. Each rule names the message's
 * first word and a pattern on the whole message; the first word picks the few rules worth trying,
 * so a line costs one or two regex runs. Used by the syslog and loghub alert formats.
 */

type Apply = (m: RegExpExecArray, f: Fields) => void;
interface Rule {
  re: RegExp;
  apply: Apply;
}

function source(f: Fields, addr: string | undefined, port?: string): void {
  if (addr) {
    // sshd writes host names instead of addresses when UseDNS is on.
    if (isIp(addr)) f.src_ip = addr;
    else f.src_host = addr;
  }
  if (port) f.src_port = Number(port);
}

function authMethodEvent(prefix: string, method: string): string {
  const base = method.split('/')[0]!.toLowerCase().replace(/-with-mic$/, '').replace(/[^a-z0-9]+/g, '_');
  return `${prefix}_${base}`;
}

/** `logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root` as PAM writes it. */
function pamKeyValues(text: string, f: Fields): void {
  const rhost = /\brhost=(\S+)/.exec(text);
  if (rhost) source(f, rhost[1]);
  const user = /(?:^|\s)user=(\S+)/.exec(text);
  if (user) f.user = user[1]!;
}

/** `Disconnecting[ invalid user bob 1.2.3.4 port 22]: Too many authentication failures[ for bob]` */
const DISCONNECTING: Rule = {
  re: /^Disconnecting(?: (?:authenticating|invalid) user (\S*) (\S+) port (\d+))?: (.*?)(?: for (?:invalid user )?(\S*))?(?: \[preauth\])?\s*$/,
  apply: (m, f) => {
    f.event = /too many authentication failures/i.test(m[4]!) ? 'too_many_auth_failures' : 'disconnect';
    const user = m[1] ?? m[5];
    if (user !== undefined) f.user = user;
    source(f, m[2], m[3]);
  },
};

const RULES: Record<string, Rule[]> = {
  Failed: [
    {
      // Failed password for [invalid user ]root from 1.2.3.4 port 22 ssh2
      re: /^Failed (\S+) for (invalid user )?(.*?) from (\S+)(?: port (\d+))?/,
      apply: (m, f) => {
        f.event = authMethodEvent('failed', m[1]!);
        f.auth_method = m[1]!;
        f.user = m[3]!;
        if (m[2]) f.invalid_user = true;
        source(f, m[4], m[5]);
      },
    },
  ],
  FAILED: [
    {
      re: /^FAILED (?:su|SU) (?:for (\S+) by (\S+)|\(to (\S+)\) (\S+) on (\S+))/,
      apply: (m, f) => {
        f.event = 'su_failure';
        f.target_user = m[1] ?? m[3]!;
        f.user = m[2] ?? m[4]!;
      },
    },
  ],
  Accepted: [
    {
      re: /^Accepted (\S+) for (.*?) from (\S+)(?: port (\d+))?/,
      apply: (m, f) => {
        f.event = authMethodEvent('accepted', m[1]!);
        f.auth_method = m[1]!;
        f.user = m[2]!;
        source(f, m[3], m[4]);
      },
    },
  ],
  Invalid: [
    {
      re: /^Invalid user (.*?) from (\S+)(?: port (\d+))?\s*$/,
      apply: (m, f) => {
        f.event = 'invalid_user';
        f.user = m[1]!;
        f.invalid_user = true;
        source(f, m[2], m[3]);
      },
    },
  ],
  'input_userauth_request:': [
    {
      re: /^input_userauth_request: (?:invalid|illegal) user (.*?)(?: \[preauth\])?\s*$/,
      apply: (m, f) => {
        f.event = 'invalid_user';
        f.user = m[1]!;
        f.invalid_user = true;
      },
    },
  ],
  User: [
    {
      re: /^User (\S+) from (\S+) not allowed because/,
      apply: (m, f) => {
        f.event = 'user_not_allowed';
        f.user = m[1]!;
        source(f, m[2]);
      },
    },
    {
      re: /^User (\S+) not allowed because/,
      apply: (m, f) => {
        f.event = 'user_not_allowed';
        f.user = m[1]!;
      },
    },
  ],
  Connection: [
    {
      re: /^Connection (closed|reset) by (?:(?:authenticating|invalid) user (\S*) )?(\S+)(?: port (\d+))?/,
      apply: (m, f) => {
        f.event = m[1] === 'closed' ? 'connection_closed' : 'connection_reset';
        if (m[2] !== undefined) f.user = m[2];
        source(f, m[3], m[4]);
      },
    },
    {
      re: /^Connection from (\S+) port (\d+)/,
      apply: (m, f) => {
        f.event = 'connection';
        source(f, m[1], m[2]);
      },
    },
  ],
  Received: [
    {
      re: /^Received disconnect from (\S+) port (\d+):/,
      apply: (m, f) => {
        f.event = 'disconnect';
        source(f, m[1], m[2]);
      },
    },
    {
      // Older OpenSSH: `Received disconnect from 1.2.3.4: 11: Bye Bye`.
      re: /^Received disconnect from (\S+): \d+:/,
      apply: (m, f) => {
        f.event = 'disconnect';
        source(f, m[1]);
      },
    },
  ],
  Disconnected: [
    {
      re: /^Disconnected from (?:(?:authenticating |invalid )?user (\S*) )?(\S+)(?: port (\d+))?/,
      apply: (m, f) => {
        f.event = 'disconnect';
        if (m[1] !== undefined) f.user = m[1];
        source(f, m[2], m[3]);
      },
    },
  ],
  Disconnecting: [DISCONNECTING],
  'Disconnecting:': [DISCONNECTING],
  maximum: [
    {
      re: /^maximum authentication attempts exceeded for (invalid user )?(.*?) from (\S+)(?: port (\d+))?/,
      apply: (m, f) => {
        f.event = 'max_auth_attempts';
        f.user = m[2]!;
        if (m[1]) f.invalid_user = true;
        source(f, m[3], m[4]);
      },
    },
  ],
  Did: [
    {
      re: /^Did not receive identification string from (\S+)(?: port (\d+))?/,
      apply: (m, f) => {
        f.event = 'no_identification';
        source(f, m[1], m[2]);
      },
    },
  ],
  Bad: [
    {
      re: /^Bad protocol version identification .* from (\S+)(?: port (\d+))?\s*$/,
      apply: (m, f) => {
        f.event = 'bad_protocol';
        source(f, m[1], m[2]);
      },
    },
  ],
  Unable: [
    {
      re: /^Unable to negotiate with (\S+) port (\d+)/,
      apply: (m, f) => {
        f.event = 'negotiation_failed';
        source(f, m[1], m[2]);
      },
    },
  ],
  reverse: [
    {
      re: /^reverse mapping checking getaddrinfo for (\S+) \[([^\]]+)\] failed.*BREAK-IN ATTEMPT/,
      apply: (m, f) => {
        f.event = 'break_in_attempt';
        source(f, m[2]);
      },
    },
  ],
  Address: [
    {
      re: /^Address (\S+) maps to \S+, but this does not map back to the address.*BREAK-IN ATTEMPT/,
      apply: (m, f) => {
        f.event = 'break_in_attempt';
        source(f, m[1]);
      },
    },
  ],
  Server: [
    {
      re: /^Server listening on (\S+) port (\d+)/,
      apply: (_m, f) => {
        f.event = 'server_listening';
      },
    },
  ],
  'PAM:': [
    {
      re: /^PAM: Authentication failure for (?:illegal user )?(\S+) from (\S+)/,
      apply: (m, f) => {
        f.event = 'auth_failure';
        f.user = m[1]!;
        source(f, m[2]);
      },
    },
  ],
  PAM: [
    {
      re: /^PAM (\d+) more authentication failures?;(.*)/,
      apply: (m, f) => {
        f.event = 'more_auth_failures';
        f.repeat_count = Number(m[1]);
        pamKeyValues(m[2]!, f);
      },
    },
    {
      re: /^PAM service\((\S+)\) ignoring max retries/,
      apply: (_m, f) => {
        f.event = 'max_retries';
      },
    },
  ],
  Successful: [
    {
      re: /^Successful su for (\S+) by (\S+)/,
      apply: (m, f) => {
        f.event = 'su_success';
        f.target_user = m[1]!;
        f.user = m[2]!;
      },
    },
  ],
  '+': [
    {
      // su's summary line: `+ /dev/pts/0 ubuntu:root` (`-` when it failed).
      re: /^\+ (\S+) ([^\s:]+):(\S+)\s*$/,
      apply: (m, f) => {
        f.event = 'su_success';
        f.user = m[2]!;
        f.target_user = m[3]!;
      },
    },
  ],
  '-': [
    {
      re: /^- (\S+) ([^\s:]+):(\S+)\s*$/,
      apply: (m, f) => {
        f.event = 'su_failure';
        f.user = m[2]!;
        f.target_user = m[3]!;
      },
    },
  ],
  '(to': [
    {
      re: /^\(to (\S+)\) (\S+) on (\S+)/,
      apply: (m, f) => {
        f.event = 'su_success';
        f.target_user = m[1]!;
        f.user = m[2]!;
      },
    },
  ],
  new: [
    {
      re: /^new user: name=([^,\s]+),/,
      apply: (m, f) => {
        f.event = 'new_user';
        f.user = m[1]!;
      },
    },
    {
      re: /^new group: name=([^,\s]+),/,
      apply: (m, f) => {
        f.event = 'new_group';
        f.group = m[1]!;
      },
    },
  ],
  group: [
    {
      re: /^group added to \S+ name=([^,\s]+)/,
      apply: (m, f) => {
        f.event = 'new_group';
        f.group = m[1]!;
      },
    },
  ],
  failed: [
    {
      re: /^failed adding user '([^']*)'/,
      apply: (m, f) => {
        f.event = 'add_user_failed';
        f.user = m[1]!;
      },
    },
  ],
  delete: [
    {
      re: /^delete user '([^']*)'/,
      apply: (m, f) => {
        f.event = 'delete_user';
        f.user = m[1]!;
      },
    },
  ],
  add: [
    {
      re: /^add '([^']*)' to (?:shadow )?group '([^']*)'/,
      apply: (m, f) => {
        f.event = 'group_member_added';
        f.user = m[1]!;
        f.group = m[2]!;
      },
    },
  ],
  change: [
    {
      re: /^change user '([^']*)' password/,
      apply: (m, f) => {
        f.event = 'password_changed';
        f.user = m[1]!;
      },
    },
  ],
  password: [
    {
      re: /^password for '([^']*)' changed by '([^']*)'/,
      apply: (m, f) => {
        f.event = 'password_changed';
        f.user = m[1]!;
        f.by_user = m[2]!;
      },
    },
  ],
  New: [
    {
      re: /^New session (\S+) of user (.+?)\.?\s*$/,
      apply: (m, f) => {
        f.event = 'new_session';
        f.session_id = m[1]!;
        f.user = m[2]!;
      },
    },
  ],
  Removed: [
    {
      re: /^Removed session (\S+?)\.?\s*$/,
      apply: (m, f) => {
        f.event = 'session_removed';
        f.session_id = m[1]!;
      },
    },
  ],
  Session: [
    {
      re: /^Session (\S+) logged out/,
      apply: (m, f) => {
        f.event = 'session_logout';
        f.session_id = m[1]!;
      },
    },
  ],
};

/** What PAM modules say, after their `pam_unix(sshd:auth): ` prefix. */
const PAM_RULES: Rule[] = [
  {
    re: /^session opened for user (\S+?)(?:\(uid=\d+\))?(?: by (\S*?)(?:\(uid=\d+\))?)?\s*$/,
    apply: (m, f) => {
      f.event = 'session_opened';
      f.user = m[1]!;
      if (m[2]) f.by_user = m[2];
    },
  },
  {
    re: /^session closed for user (\S+?)(?:\(uid=\d+\))?\s*$/,
    apply: (m, f) => {
      f.event = 'session_closed';
      f.user = m[1]!;
    },
  },
  {
    re: /^authentication failure;(.*)/,
    apply: (m, f) => {
      f.event = 'auth_failure';
      pamKeyValues(m[1]!, f);
    },
  },
  {
    re: /^check pass; user unknown/,
    apply: (_m, f) => {
      f.event = 'user_unknown';
    },
  },
  {
    re: /^user "?([^"\s]*)"? does not exist/,
    apply: (m, f) => {
      f.event = 'user_unknown';
      f.user = m[1]!;
    },
  },
  {
    re: /^password changed for (\S+)/,
    apply: (m, f) => {
      f.event = 'password_changed';
      f.user = m[1]!;
    },
  },
  {
    re: /^account (\S+) has expired/,
    apply: (m, f) => {
      f.event = 'account_expired';
      f.user = m[1]!;
    },
  },
];

const PAM_PREFIX = /^pam_\w+\([^)]*\): /;
const REPEATED = /^message repeated (\d+) times: \[ ?(.*?)\]\s*$/;
/** sudo: `  ubuntu : [3 incorrect password attempts ; ]TTY=pts/0 ; PWD=/x ; USER=root ; COMMAND=/bin/ls` */
const SUDO = /^\s*(\S+) : (.*?)\bCOMMAND=(.*)$/;
const CRON_CMD = /^\((\S+)\) CMD \((.*)\)\s*$/;
const FROM_IP = /\bfrom ([0-9A-Fa-f:.]*[0-9A-Fa-f])(?: port (\d+))?/;

function sudoFields(m: RegExpExecArray, f: Fields): void {
  f.user = m[1]!;
  f.sudo_command = m[3]!;
  let note = '';
  for (const part of m[2]!.split(' ; ')) {
    const eq = part.indexOf('=');
    if (eq === -1) note += part;
    else if (part.slice(0, eq) === 'USER') f.target_user = part.slice(eq + 1).trim();
  }
  if (!note) f.event = 'sudo_command';
  else if (/incorrect password/i.test(note)) f.event = 'sudo_auth_failure';
  else f.event = 'sudo_denied'; // NOT in sudoers, command not allowed, a password is required, …
}

function firstWord(message: string): string {
  let i = 0;
  while (message.charCodeAt(i) === 32) i++;
  const end = message.indexOf(' ', i);
  return end === -1 ? message.slice(i) : message.slice(i, end);
}

/**
 * Fields of an auth-log message: `event` (a short name: failed_password, invalid_user,
 * accepted_publickey, session_opened, sudo_command, auth_failure, new_user, break_in_attempt, …),
 * and where the message says them `user`, `src_ip` (or `src_host`), `src_port`, `target_user`,
 * `sudo_command`, `auth_method`, `invalid_user`, `by_user`, `group`, `session_id`,
 * `cron_command`, `repeat_count`. Messages no rule knows may still give `src_ip` from `from <ip>`.
 * `program` matters only for older PAM, which puts the module in the tag (`sshd(pam_unix)[42]:`)
 * rather than in the message (`sshd[42]: pam_unix(sshd:auth): …`).
 */
export function authFields(message: string, f: Fields, program?: string): void {
  let msg = message;
  const rep = REPEATED.exec(msg);
  if (rep) {
    // rsyslog folds repeats: `message repeated 3 times: [ Failed password for root from …]`.
    f.repeat_count = Number(rep[1]);
    msg = rep[2]!;
  }
  let word = firstWord(msg);
  if (word === 'error:' || word === 'fatal:') {
    msg = msg.slice(msg.indexOf(word) + word.length + 1);
    word = firstWord(msg);
  }
  const pam = word.startsWith('pam_') ? PAM_PREFIX.exec(msg) : null;
  if (pam || (program !== undefined && program.indexOf('(pam_') !== -1)) {
    const rest = pam ? msg.slice(pam[0].length) : msg;
    for (const r of PAM_RULES) {
      const m = r.re.exec(rest);
      if (m) return r.apply(m, f);
    }
    if (pam) return;
  }
  const rules = RULES[word];
  if (rules) {
    for (const r of rules) {
      const m = r.re.exec(msg);
      if (m) return r.apply(m, f);
    }
  }
  if (msg.indexOf('COMMAND=') !== -1) {
    const m = SUDO.exec(msg);
    if (m) return sudoFields(m, f);
  }
  if (word.charCodeAt(0) === 40 /* ( */) {
    const m = CRON_CMD.exec(msg);
    if (m) {
      f.event = 'cron_command';
      f.user = m[1]!;
      f.cron_command = m[2]!;
      return;
    }
  }
  if (msg.indexOf('from ') !== -1) {
    const m = FROM_IP.exec(msg);
    if (m && isIp(m[1]!)) source(f, m[1], m[2]);
  }
}
