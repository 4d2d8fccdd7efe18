import type { Fields } from '../../fields/values';
import { MONTHS, parseIsoTime, type YearlessClock } from '../../fields/time';
import type { ParseContext, ParseResult } from '../types';

/**
 * The parts of a syslog line before its message: `<PRI>`, the time (BSD `Mar  7 13:06:56`, RFC
 * 3339, or RFC 5424's whole header with its structured data) and the `program[pid]:` tag. The
 * syslog format puts them together (syslog.ts); text.ts and loghub-alert.ts read the tag with them.
 */

const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5',
  'local6', 'local7',
];
const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

const PRI = /^<(\d{1,3})>/;
/** `Mar 27 13:06:56` (day space-padded or not, optional fraction), then the rest. */
const BSD_TIME = /^([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?= |$)/;
/** RFC 3339, as RFC 5424 and rsyslog write it. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?(?= |$)/;
/** `program[pid]: ` or `program: `: the program may hold `/`, `.`, `-` and a `(...)` part. */
const TAG = /^([^\s[:(]+(?:\([^)\s]*\))?)(?:\[(\d+)\])?:(?: |$)/;

/** Splits `program[pid]: message`; without a tag, all of it is the message. */
export function splitTag(rest: string, out: { program?: string; pid?: number; message: string }): void {
  const m = TAG.exec(rest);
  if (!m) {
    out.message = rest;
    return;
  }
  out.program = m[1]!;
  if (m[2] !== undefined) out.pid = Number(m[2]);
  out.message = rest.slice(m[0].length);
}

/**
 * A BSD syslog time at the start of `text` (`Mar  7 13:06:56`): its text and seconds, via a
 * YearlessClock. Null when there is none.
 */
export function bsdTime(text: string, clock: YearlessClock): { text: string; ts: number | null } | null {
  const m = BSD_TIME.exec(text);
  if (!m) return null;
  const month = MONTHS[m[1]!.toLowerCase()];
  if (month === undefined) return null;
  const frac = m[6] ? Number(`0.${m[6]}`) : 0;
  return { text: m[0], ts: clock.seconds(month, +m[2]!, +m[3]!, +m[4]!, +m[5]!, frac) };
}

/** An RFC 3339 time at the start of `text` (as RFC 5424 and rsyslog write it), or null. */
export function isoTimeAt(text: string): string | null {
  return ISO_TIME.exec(text)?.[0] ?? null;
}

/** `options.year` as a number, when the user gave one. */
export function optionYear(ctx: ParseContext): number | undefined {
  const y = ctx.options.year;
  const n = typeof y === 'string' && /^\d{4}$/.test(y.trim()) ? Number(y) : y;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

function setPri(f: Fields, pri: number): void {
  f.facility = FACILITIES[pri >> 3] ?? String(pri >> 3);
  f.severity = SEVERITIES[pri & 7]!;
}

/**
 * A leading `<PRI>` read into `f` as `facility` and `severity`: the length it takes (0 when there
 * is none), or why it is unreadable.
 */
export function readPriority(text: string, f: Fields): number | string {
  const pri = PRI.exec(text);
  if (!pri) return 0;
  const n = Number(pri[1]);
  if (n > 191) return `syslog priority <${n}> is out of range (0-191)`;
  setPri(f, n);
  return pri[0].length;
}

/** Whether an RFC 5424 version (`1 `) follows the `<PRI>` that ends at `at`. */
export function isRfc5424(text: string, at: number): boolean {
  return /^\d{1,2} /.test(text.slice(at, at + 3));
}

/** RFC 5424 STRUCTURED-DATA at `i`: `-` or `[id k="v" …]…`. Returns its end, or -1 if malformed. */
function structuredData(line: string, i: number, f: Fields): number {
  if (line.charCodeAt(i) === 45 /* - */) return i + 1;
  const start = i;
  while (line.charCodeAt(i) === 91 /* [ */) {
    let j = i + 1;
    while (j < line.length && line[j] !== ' ' && line[j] !== ']') j++;
    const id = line.slice(i + 1, j);
    if (!id) return -1;
    for (;;) {
      while (line[j] === ' ') j++;
      if (line[j] === ']') break;
      const eq = line.indexOf('="', j);
      if (eq === -1) return -1;
      const name = line.slice(j, eq);
      let k = eq + 2;
      let value = '';
      for (; k < line.length && line[k] !== '"'; k++) {
        if (line[k] === '\\' && (line[k + 1] === '"' || line[k + 1] === '\\' || line[k + 1] === ']')) k++;
        value += line[k];
      }
      if (k >= line.length) return -1;
      f[`sd.${id}.${name}`] = value;
      j = k + 1;
    }
    i = j + 1;
  }
  if (i === start) return -1;
  f.structured_data = line.slice(start, i);
  return i;
}

/**
 * The rest of an RFC 5424 line after its `<PRI>` (at `at`): header fields and structured data
 * into `f`, then the message; or why the line is not RFC 5424.
 */
export function parse5424(line: string, at: number, f: Fields): ParseResult | string {
  // VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each `-` when nil.
  const parts: string[] = [];
  let i = at;
  for (let k = 0; k < 6; k++) {
    const sp = line.indexOf(' ', i);
    if (sp === -1) return 'RFC 5424 header cut short (expected version, time, host, app, procid, msgid, data)';
    parts.push(line.slice(i, sp));
    i = sp + 1;
  }
  const [, time, host, app, procid, msgid] = parts as [string, string, string, string, string, string];
  let ts: number | null = null;
  if (time !== '-') {
    ts = parseIsoTime(time);
    if (ts === null) return `unreadable RFC 5424 time "${time}"`;
    f.timestamp = time;
  }
  if (host !== '-') f.host = host;
  if (app !== '-') f.program = app;
  if (procid !== '-') {
    if (/^\d+$/.test(procid)) f.pid = Number(procid);
    else f.procid = procid;
  }
  if (msgid !== '-') f.msgid = msgid;
  const end = structuredData(line, i, f);
  if (end === -1) return 'malformed RFC 5424 structured data';
  let message = line.charCodeAt(end) === 32 ? line.slice(end + 1) : line.slice(end);
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  f.message = message;
  return { kind: 'record', fields: f, ts };
}
