import type { Fields } from '../../fields/values';
import type { LineFormat, LineParser, ParseResult, Sample } from '../types';
import { MONTHS } from '../../fields/time';
import { confidenceOf, lineShare } from '../sniff';

/**
 * Apache / nginx access logs: the common format `%h %l %u %t "%r" %>s %b`, the combined format
 * (plus `"%{Referer}i" "%{User-Agent}i"`), and nginx's default, which is the combined one, at
 * times with more fields after the user agent (kept as `extra_1`, `extra_2`, …).
 *
 * Read by hand rather than by one regex, to be lenient where real logs are: the request and the
 * user agent carry backslash-escaped quotes (attack payloads), and a line cut short inside its last
 * quoted field (the user agent) is still a record, that field running to the end of the line.
 */

const BLANK: ParseResult = { kind: 'skip', why: 'blank' };

/** `17/May/2015:10:05:03 +0000`, optionally with fractional seconds. */
const TIME = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: ([+-])(\d{2}):?(\d{2}))?$/;

/** A request line `METHOD TARGET PROTOCOL`; the target may hold spaces when the client sent them. */
const REQUEST = /^([A-Za-z][A-Za-z0-9_-]*) (.+) ([A-Za-z]+\/\d+(?:\.\d+)?)$/;

/** `%v:%p %h %l %u [`: four tokens before the time. */
const VHOST = /^\S+:\d+ \S+ \S+ \S+ \[/;

const SNIFF = /^\S+ \S+ .*?\[\d{1,2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}[^\]]*\] "/;

/** Seconds since the epoch of an access-log time, with its zone offset applied; null if unreadable. */
export function parseAccessLogTime(text: string): number | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const month = MONTHS[m[2]!.toLowerCase()];
  if (month === undefined) return null;
  const [d, y, h, mi, s] = [+m[1]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  let t = Date.UTC(y, month, d, h, mi, s) / 1000;
  if (m[7]) t += Number(`0.${m[7]}`);
  if (m[8]) t -= (m[8] === '-' ? -1 : 1) * (+m[9]! * 3600 + +m[10]! * 60);
  return t;
}

/** The end of a quoted field whose text starts at i (just after its opening quote), or -1. */
function closingQuote(line: string, i: number): number {
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92) i++; // backslash: the next character is escaped
    else if (c === 34) return i;
  }
  return -1;
}

/** Apache escapes `"` and `\` with a backslash (and other bytes as `\xhh`, which stay as they are). */
function unescape(s: string): string {
  return s.indexOf('\\') === -1 ? s : s.replace(/\\(["\\])/g, '$1');
}

function setUnlessDash(fields: Fields, name: string, value: string): void {
  if (value !== '-') fields[name] = value;
}

function bad(reason: string, field?: string): ParseResult {
  return { kind: 'bad', reason, field };
}

/** Extra nginx fields are often numbers (`$request_time 0.012`): stored as numbers then. */
function extraValue(s: string): string | number {
  return /^-?\d+(?:\.\d+)?$/.test(s) && !/^-?0\d/.test(s) ? Number(s) : s;
}

function parseLine(line: string): ParseResult {
  if (line.trim() === '') return BLANK;
  const fields: Fields = {};
  // %h %l %u: three space-separated tokens before the `[time]`, after `%v:%p` in vhost_combined.
  let start = 0;
  if (VHOST.test(line)) {
    start = line.indexOf(' ') + 1;
    fields.vhost = line.slice(0, start - 1);
  }
  const sp1 = line.indexOf(' ', start);
  const sp2 = sp1 === -1 ? -1 : line.indexOf(' ', sp1 + 1);
  const open = sp2 === -1 ? -1 : line.indexOf(' [', sp2);
  if (open === -1) return bad('not an access-log line: expected `client ident user [time] "request" status bytes`');
  const close = line.indexOf(']', open);
  if (close === -1) return bad('no closing `]` after the time', 'time');
  fields.client_ip = line.slice(start, sp1);
  setUnlessDash(fields, 'ident', line.slice(sp1 + 1, sp2));
  setUnlessDash(fields, 'user', line.slice(sp2 + 1, open));
  const time = line.slice(open + 2, close);
  const ts = parseAccessLogTime(time);
  if (ts === null) return bad(`unreadable time "${time}" (expected like 17/May/2015:10:05:03 +0000)`, 'time');
  fields.time = time;

  if (line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34) {
    return bad('expected a quoted request after the time', 'request');
  }
  // The request ends at the first unescaped quote followed by ` <status> `; a raw quote inside a
  // garbage request (some servers do not escape) is skipped over.
  let reqEnd = close + 2;
  let rest: RegExpExecArray | null = null;
  for (;;) {
    reqEnd = closingQuote(line, reqEnd + 1);
    if (reqEnd === -1) return bad('the request has no closing quote', 'request');
    rest = /^ (\d{3}|-) (\d+|-)(?= |$)/.exec(line.slice(reqEnd + 1, reqEnd + 32));
    if (rest) break;
  }
  const request = unescape(line.slice(close + 3, reqEnd));
  const r = REQUEST.exec(request);
  if (r) {
    fields.method = r[1]!;
    const target = r[2]!;
    const q = target.indexOf('?');
    fields.path = q === -1 ? target : target.slice(0, q);
    if (q !== -1) fields.query = target.slice(q + 1);
    fields.protocol = r[3]!;
  } else {
    setUnlessDash(fields, 'request', request);
  }
  if (rest[1] !== '-') fields.status = Number(rest[1]);
  // Apache writes `-` for a response of zero bytes.
  fields.bytes = rest[2] === '-' ? 0 : Number(rest[2]);

  // Then quoted (or bare) fields: referrer, user agent, and whatever a custom format adds. The first
  // two are the referrer and user agent only when quoted (combined format); else all are extras.
  let i = reqEnd + 1 + rest[0].length;
  let n = 0;
  let extras = 0;
  while (i < line.length) {
    while (line.charCodeAt(i) === 32) i++;
    if (i >= line.length) break;
    let value: string;
    let quoted = false;
    if (line.charCodeAt(i) === 34) {
      const end = closingQuote(line, i + 1);
      // A line cut short inside its last quoted field: the field runs to the end of the line.
      value = unescape(line.slice(i + 1, end === -1 ? line.length : end));
      i = end === -1 ? line.length : end + 1;
      quoted = true;
    } else {
      let end = line.indexOf(' ', i);
      if (end === -1) end = line.length;
      value = line.slice(i, end);
      i = end;
    }
    n++;
    if (n <= 2 && quoted && extras === 0) {
      if (value !== '-') fields[n === 1 ? 'referrer' : 'user_agent'] = value;
      continue;
    }
    extras++;
    if (value !== '-') fields[`extra_${extras}`] = quoted ? value : extraValue(value);
  }
  return { kind: 'record', fields, ts };
}

export const apache: LineFormat = {
  name: 'apache',
  title: 'Apache / nginx access log',
  framing: 'lines',
  sniff(sample: Sample): number {
    return confidenceOf(lineShare(sample, (l) => SNIFF.test(l) && parseLine(l).kind === 'record'));
  },
  create(): LineParser {
    return { line: (text) => parseLine(text) };
  },
};
