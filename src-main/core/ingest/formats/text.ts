import type { Fields } from '../../fields/values';
import type { LineFormat, LineParser, ParseContext, ParseResult, Sample } from '../types';
import { MONTHS, YearlessClock } from '../../fields/time';
import { findIps, messageTemplate } from '../template';
import { optionYear, splitTag } from './syslog-header';
import { lineShare } from '../sniff';

/**
 * The fallback for line-based logs no other format claims (loghub HDFS, Hadoop, Spark, Zookeeper,
 * Android, Apache error logs, …). Each line is read as
 *   [timestamp] [pid [tid]] [level] [component] message
 * where every part but the message is optional: a leading timestamp from a small ordered set of
 * common shapes, a pid (and thread id), a level word (`INFO`, `[warn]`, `E` after Android's ids),
 * and a component (`dfs.DataNode$PacketResponder:`, `[main:QuorumPeer@101]`). A line with none of
 * these is still a record: its `message` and `template`. Sniffing, though, asks that most lines
 * start with a timestamp, so that a README or other prose is not taken for a log.
 */

const BLANK: ParseResult = { kind: 'skip', why: 'blank' };

type Clock = YearlessClock;

interface TimeShape {
  re: RegExp;
  /** Seconds since the epoch, or null when the fields are out of range. */
  ts(m: RegExpExecArray, clock: Clock): number | null;
  /** syslog-style: the host and `program[pid]:` follow. */
  syslog?: boolean;
}

/** Two-digit years: 70-99 are 19xx, the rest 20xx. */
function century(yy: string): number {
  const n = Number(yy);
  return n >= 70 ? 1900 + n : 2000 + n;
}

function frac(s: string | undefined): number {
  return s ? Number(`0.${s}`) : 0;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, f = 0): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 + f;
}

function zone(t: number | null, z: string | undefined): number | null {
  if (t === null || !z || z === 'Z' || z === 'z') return t;
  const digits = z.slice(1).replace(':', '');
  const off = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60;
  return z[0] === '-' ? t + off : t - off;
}

const END = '(?=[\\s\\]|,;]|$)';

// Ordered: the first shape that matches at the line's start wins. Split by the first character.
const DIGIT_SHAPES: TimeShape[] = [
  {
    // 2015-07-29 17:41:44,747 · 2023-01-02T03:04:05.123+01:00 · 2015/07/29 17:41:44
    re: new RegExp(`^(\\d{4})([-/])(\\d{2})\\2(\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?(?: ?(Z|[+-]\\d{2}:?\\d{2}))?${END}`),
    ts: (m) => zone(utc(+m[1]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!, frac(m[8])), m[9]),
  },
  {
    // 20171223-22:15:29:606 (HealthApp)
    re: new RegExp(`^(\\d{4})(\\d{2})(\\d{2})-(\\d{2}):(\\d{2}):(\\d{2})(?:[:.](\\d{1,6}))?${END}`),
    ts: (m) => utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, frac(m[7])),
  },
  {
    // 081109 203615 (HDFS: yyMMdd HHmmss)
    re: /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})(?= |$)/,
    ts: (m) => utc(century(m[1]!), +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!),
  },
  {
    // 17/06/09 20:10:40 (Spark: yy/MM/dd HH:mm:ss)
    re: new RegExp(`^(\\d{2})/(\\d{2})/(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?${END}`),
    ts: (m) => utc(century(m[1]!), +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, frac(m[7])),
  },
  {
    // 03/17/2017 16:13:38 (MM/dd/yyyy HH:mm:ss)
    re: new RegExp(`^(\\d{2})/(\\d{2})/(\\d{4}) (\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?${END}`),
    ts: (m) => utc(+m[3]!, +m[1]!, +m[2]!, +m[4]!, +m[5]!, +m[6]!, frac(m[7])),
  },
  {
    // 03-17 16:13:38.811 (Android logcat: MM-dd, no year)
    re: new RegExp(`^(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?${END}`),
    ts: (m, clock) => clock.seconds(+m[1]! - 1, +m[2]!, +m[3]!, +m[4]!, +m[5]!, frac(m[6])),
  },
  {
    // 10.30 16:49:06 (Proxifier, in brackets: MM.dd, no year)
    re: /^(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2})(?=\])/,
    ts: (m, clock) => clock.seconds(+m[1]! - 1, +m[2]!, +m[3]!, +m[4]!, +m[5]!),
  },
  {
    // 17/May/2015:10:05:03 +0000 (access-log time)
    re: /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: ([+-]\d{4}))?(?=[\s\]]|$)/,
    ts: (m) => {
      const mo = MONTHS[m[2]!.toLowerCase()];
      return mo === undefined ? null : zone(utc(+m[3]!, mo + 1, +m[1]!, +m[4]!, +m[5]!, +m[6]!, frac(m[7])), m[8]);
    },
  },
  {
    // 1131566461 or 1131566461.123 (epoch seconds), 1131566461123 (epoch milliseconds)
    re: /^(\d{10})(?:\.(\d{1,9}))?(?= )|^(\d{13})(?= )/,
    ts: (m) => (m[3] ? Number(m[3]) / 1000 : Number(m[1]) + frac(m[2])),
  },
];

const LETTER_SHAPES: TimeShape[] = [
  {
    // Sun Dec 04 04:47:44 2005 (ctime, as Apache's error log writes it)
    re: new RegExp(`^[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))? (\\d{4})${END}`),
    ts: (m) => {
      const mo = MONTHS[m[1]!.toLowerCase()];
      return mo === undefined ? null : utc(+m[7]!, mo + 1, +m[2]!, +m[3]!, +m[4]!, +m[5]!, frac(m[6]));
    },
  },
  {
    // Jun 14 15:16:01 (syslog, no year)
    re: new RegExp(`^([A-Za-z]{3}) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?= |$)`),
    ts: (m, clock) => {
      const mo = MONTHS[m[1]!.toLowerCase()];
      return mo === undefined ? null : clock.seconds(mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!, frac(m[6]));
    },
    syslog: true,
  },
];

interface FoundTime {
  text: string;
  ts: number | null;
  /** Index just after the timestamp (and its closing bracket). */
  end: number;
  syslog: boolean;
}

function tryShapes(shapes: TimeShape[], text: string): { m: RegExpExecArray; shape: TimeShape } | null {
  for (const shape of shapes) {
    const m = shape.re.exec(text);
    if (m) return { m, shape };
  }
  return null;
}

/** The timestamp the line starts with, bare or in `[...]`. */
export function leadingTime(line: string, clock: Clock): FoundTime | null {
  const bracket = line.charCodeAt(0) === 91; // [
  const text = bracket ? line.slice(1) : line;
  const c = text.charCodeAt(0);
  const shapes = c >= 48 && c <= 57 ? DIGIT_SHAPES : (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? LETTER_SHAPES : null;
  if (!shapes) return null;
  const hit = tryShapes(shapes, text);
  if (!hit) return null;
  const len = hit.m[0].length;
  if (bracket && text.charCodeAt(len) !== 93) return null;
  const ts = hit.shape.ts(hit.m, clock);
  if (ts === null) return null;
  return { text: hit.m[0], ts, end: bracket ? len + 2 : len, syslog: !bracket && hit.shape.syslog === true };
}

const LEVELS = new Set([
  'TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'ERROR', 'ERR', 'FATAL', 'CRITICAL', 'CRIT',
  'SEVERE', 'ALERT', 'EMERG', 'EMERGENCY', 'VERBOSE', 'FINE', 'FINER', 'FINEST',
]);
/** logcat's one-letter levels, recognised only after its pid and tid. */
const LETTER_LEVELS = new Set(['V', 'D', 'I', 'W', 'E', 'F', 'A']);

function isLevel(word: string): boolean {
  return word.length >= 3 && word.length <= 9 && LEVELS.has(word.toUpperCase());
}

/** The end of the `[...]` starting at i (nesting counted), or -1. */
function bracketEnd(line: string, i: number): number {
  let depth = 0;
  for (let j = i; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c === 91) depth++;
    else if (c === 93 && --depth === 0) return j;
  }
  return -1;
}

function skipSeparators(line: string, i: number): number {
  for (;;) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 44 || c === 124) i++; // space, tab, `,`, `|`
    else if (c === 45 && (line.charCodeAt(i + 1) === 32 || i + 1 === line.length)) i++; // a lone `-`
    else return i;
  }
}

function tokenEnd(line: string, i: number): number {
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) break;
    i++;
  }
  return i;
}

const COMPONENT = /^[A-Za-z_$][\w.$/@#-]*(?:\[\d+\])?:$/;
/** A pid: digits without a leading zero. */
const DIGITS = /^(?:0|[1-9]\d*)$/;

export function createTextParser(ctx: ParseContext): LineParser {
  const clock = new YearlessClock(ctx.fileMtimeMs, optionYear(ctx));
  return {
    line(line: string): ParseResult {
      if (line.trim() === '') return BLANK;
      const f: Fields = {};
      let ts: number | null = null;
      let i = 0;
      const t = leadingTime(line, clock);
      if (t) {
        f.timestamp = t.text;
        ts = t.ts;
        i = skipSeparators(line, t.end);
        if (t.syslog) {
          // `host program[pid]: message`, as syslog writes it.
          const e = tokenEnd(line, i);
          if (e > i) f.host = line.slice(i, e);
          const head: { program?: string; pid?: number; message: string } = { message: '' };
          splitTag(line.slice(skipSeparators(line, e)), head);
          if (head.program !== undefined) f.component = head.program;
          if (head.pid !== undefined) f.pid = head.pid;
          return finish(f, head.message, ts);
        }
      }
      // pid and thread id, then the level: within the first few tokens.
      let level: string | undefined;
      let numbers = 0;
      let bracketed: string | undefined; // a `[thread]` seen before the level
      let bracketAt = -1;
      for (let k = 0; k < 4 && i < line.length; k++) {
        if (line.charCodeAt(i) === 91) {
          bracketAt = i;
          const e = bracketEnd(line, i);
          if (e === -1) break;
          const inner = line.slice(i + 1, e);
          if (isLevel(inner)) level = inner;
          else if (bracketed === undefined && !level) bracketed = inner;
          else break;
          i = skipSeparators(line, e + 1);
          if (level) break;
          continue;
        }
        const e = tokenEnd(line, i);
        const word = line.slice(i, e);
        const bare = word.endsWith(':') ? word.slice(0, -1) : word;
        // Numbers are a pid and a thread id only after a timestamp: at the start they are ids.
        if (t && numbers < 2 && bracketed === undefined && DIGITS.test(word)) {
          if (numbers === 0) f.pid = Number(word);
          else f.tid = Number(word);
          numbers++;
          i = skipSeparators(line, e);
          continue;
        }
        if (isLevel(bare) || (numbers > 0 && word.length === 1 && LETTER_LEVELS.has(word))) {
          level = bare;
          i = skipSeparators(line, e);
        }
        break;
      }
      if (level !== undefined) f.level = level;
      else if (bracketed !== undefined) {
        // `[x]` not followed by a level is part of the message (`[client 1.2.3.4] …`, Markdown).
        bracketed = undefined;
        i = bracketAt;
      }
      // The component: `[name]` or `name:` after the level (or at the start of an unlevelled rest).
      if (line.charCodeAt(i) === 91 && level !== undefined) {
        const e = bracketEnd(line, i);
        const inner = e === -1 ? '' : line.slice(i + 1, e);
        const after = e === -1 ? i : skipSeparators(line, e + 1);
        const n = tokenEnd(line, after);
        const next = line.slice(after, n);
        if (e !== -1 && COMPONENT.test(next) && line.charCodeAt(n) === 32) {
          // Hadoop: `INFO [main] org.apache.hadoop.Foo: message`: thread, then component.
          f.thread = inner;
          f.component = next.slice(0, -1);
          i = skipSeparators(line, n);
        } else if (e !== -1 && inner && !/\s/.test(inner)) {
          f.component = inner;
          i = line.charCodeAt(after) === 58 ? skipSeparators(line, after + 1) : after; // `[component]: msg`
        }
        // Else (`[client 1.2.3.4] File does not exist`) the brackets are part of the message.
      } else {
        const e = tokenEnd(line, i);
        const word = line.slice(i, e);
        if ((level !== undefined || t) && COMPONENT.test(word) && (e === line.length || line.charCodeAt(e) === 32)) {
          const pid = /\[(\d+)\]:$/.exec(word);
          f.component = pid ? word.slice(0, word.length - pid[0].length) : word.slice(0, -1);
          if (pid && f.pid === undefined) f.pid = Number(pid[1]);
          i = skipSeparators(line, e);
        }
      }
      if (bracketed !== undefined) {
        if (f.component === undefined) f.component = bracketed;
        else if (f.thread === undefined) f.thread = bracketed;
      }
      return finish(f, i === 0 ? line : line.slice(i), ts);
    },
  };
}

function finish(f: Fields, message: string, ts: number | null): ParseResult {
  f.message = message;
  f.template = messageTemplate(message);
  const ips = findIps(message);
  if (ips.length) f.ips = ips;
  return ts === null ? { kind: 'record', fields: f } : { kind: 'record', fields: f, ts };
}

export const text: LineFormat = {
  name: 'text',
  title: 'Plain-text log',
  framing: 'lines',
  sniff(sample: Sample): number {
    const clock = new YearlessClock(Date.now());
    // Generic: low, so that every specific format wins; and nothing for text without timestamps.
    return lineShare(sample, (l) => leadingTime(l, clock) !== null) >= 0.6 ? 0.25 : 0;
  },
  create: createTextParser,
};
