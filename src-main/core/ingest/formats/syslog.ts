import type { Fields } from '../../fields/values';
import { YearlessClock, parseIsoTime } from '../../fields/time';
import type { LineFormat, LineParser, ParseContext, ParseResult, Sample } from '../types';
import { messageTemplate } from '../template';
import { confidenceOf, lineShare } from '../sniff';
import { authFields } from './auth-events';
import { bsdTime, isoTimeAt, isRfc5424, optionYear, parse5424, readPriority, splitTag } from './syslog-header';

/**
 * Syslog as files hold it, one message a line:
 * - RFC 3164 / BSD (`/var/log/auth.log`): `Mar  7 13:06:56 host program[pid]: message`, with no
 *   year (inferred from the file's mtime, or `options.year`) and optionally a leading `<PRI>`;
 * - RFC 5424: `<34>1 2003-10-11T22:14:15.003Z host app procid msgid [sd-id k="v"] message`;
 * - rsyslog's default file format, an RFC 3339 time in place of the BSD one.
 * The header parts are read in syslog-header.ts. Auth-log messages (sshd, sudo, su, PAM, useradd,
 * cron, logind) also yield `event`, `user`, `src_ip`, `src_port` and the like (auth-events.ts).
 */

const BLANK: ParseResult = { kind: 'skip', why: 'blank' };

function createSyslogParser(ctx: ParseContext): LineParser {
  const clock = new YearlessClock(ctx.fileMtimeMs, optionYear(ctx));

  const finish = (f: Fields, ts: number | null, rest: string): ParseResult => {
    // A host is the token after the time, unless that token is already the tag (no host logged).
    const sp = rest.indexOf(' ');
    const first = sp === -1 ? rest : rest.slice(0, sp);
    let tagged = rest;
    if (first && !first.endsWith(':')) {
      f.host = first;
      tagged = sp === -1 ? '' : rest.slice(sp + 1);
    }
    const head: { program?: string; pid?: number; message: string } = { message: '' };
    splitTag(tagged, head);
    if (head.program !== undefined) f.program = head.program;
    if (head.pid !== undefined) f.pid = head.pid;
    f.message = head.message;
    return { kind: 'record', fields: f, ts };
  };

  const line = (text: string): ParseResult => {
    if (text.trim() === '') return BLANK;
    const f: Fields = {};
    const at = readPriority(text, f);
    if (typeof at === 'string') return { kind: 'bad', reason: at };
    // RFC 5424: `<PRI>1 ` (version) then an RFC 3339 time or `-`.
    if (at > 0 && isRfc5424(text, at)) {
      const r = parse5424(text, at, f);
      if (typeof r === 'string') return { kind: 'bad', reason: r };
      return withAuth(r);
    }
    const rest = at ? text.slice(at) : text;
    const bsd = bsdTime(rest, clock);
    if (bsd) {
      f.timestamp = bsd.text;
      return withAuth(finish(f, bsd.ts, rest.slice(bsd.text.length + 1)));
    }
    const iso = isoTimeAt(rest);
    if (iso !== null) {
      f.timestamp = iso;
      return withAuth(finish(f, parseIsoTime(iso), rest.slice(iso.length + 1)));
    }
    return {
      kind: 'bad',
      reason: 'not a syslog line: expected `Mmm dd HH:mm:ss host program[pid]: message` (or RFC 5424 / RFC 3339 time)',
    };
  };
  return { line };
}

function withAuth(r: ParseResult): ParseResult {
  if (r.kind !== 'record') return r;
  const message = r.fields.message as string;
  r.fields.template = messageTemplate(message);
  authFields(message, r.fields, r.fields.program as string | undefined);
  return r;
}

export const syslog: LineFormat = {
  name: 'syslog',
  title: 'Syslog (RFC 3164 / RFC 5424, auth.log)',
  framing: 'lines',
  sniff(sample: Sample): number {
    const parser = createSyslogParser({ fileName: '', fileMtimeMs: Date.now(), options: {} });
    return confidenceOf(
      lineShare(sample, (l) => {
        const r = parser.line(l, 0);
        // A record with neither host nor program is too weak a sign (a bare time then text).
        return r.kind === 'record' && r.fields.host !== undefined && r.fields.program !== undefined;
      }),
    );
  },
  create: createSyslogParser,
};
