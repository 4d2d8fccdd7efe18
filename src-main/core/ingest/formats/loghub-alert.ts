import type { Fields } from '../../fields/values';
import type { LineFormat, LineParser, ParseResult, Sample } from '../types';
import { messageTemplate } from '../template';
import { authFields } from './auth-events';
import { splitTag } from './syslog-header';
import { confidenceOf, lineShare } from '../sniff';

/**
 * The alert-tagged layout of loghub's supercomputer logs (BGL, Thunderbird, Spirit, Liberty):
 * `<alert> <epoch> <yyyy.MM.dd> <node> <rest>`. The first token is `-` for a normal message and an
 * alert category otherwise (`KERNDTLB`, `VAPI`, …): the ground truth, kept as the `alert` field.
 * The rest comes in two shapes:
 * - BGL: `2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO message`
 *   → `type`, `component`, `level`, `message` (the repeated node is dropped);
 * - Thunderbird and the others: syslog, `Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: message`
 *   → `program`, `pid`, `message`, and the auth-log fields syslog extracts.
 * Anything else after the node is kept whole as `message`.
 */

const BLANK: ParseResult = { kind: 'skip', why: 'blank' };

const HEAD = /^(\S+) (\d{1,12}) (\d{4}\.\d{2}\.\d{2}) (\S+)(?: (.*))?$/;
const BGL = /^\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}(?:\.(\d{1,9}))? \S+ (\S+) (\S+) (\S+)(?: (.*))?$/;
const SYSLOG = /^[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2} \S+ ?/;

function parseLine(line: string): ParseResult {
  if (line.trim() === '') return BLANK;
  const h = HEAD.exec(line);
  if (!h) {
    return { kind: 'bad', reason: 'expected `<alert tag> <epoch seconds> <yyyy.MM.dd> <node> <message>`' };
  }
  const epoch = Number(h[2]);
  const fields: Fields = { alert: h[1]!, epoch, date: h[3]!, node: h[4]! };
  const rest = h[5] ?? '';
  let ts = epoch;
  const bgl = BGL.exec(rest);
  if (bgl) {
    if (bgl[1]) ts += Number(`0.${bgl[1]}`);
    fields.type = bgl[2]!;
    fields.component = bgl[3]!;
    fields.level = bgl[4]!;
    fields.message = bgl[5] ?? '';
  } else {
    const s = SYSLOG.exec(rest);
    if (s) {
      const head: { program?: string; pid?: number; message: string } = { message: '' };
      splitTag(rest.slice(s[0].length), head);
      if (head.program !== undefined) fields.program = head.program;
      if (head.pid !== undefined) fields.pid = head.pid;
      fields.message = head.message;
    } else {
      fields.message = rest;
    }
  }
  const message = fields.message as string;
  fields.template = messageTemplate(message);
  if (!bgl) authFields(message, fields, fields.program as string | undefined);
  return { kind: 'record', fields, ts };
}

export const loghubAlert: LineFormat = {
  name: 'loghub-alert',
  title: 'Alert-tagged supercomputer log (loghub BGL / Thunderbird)',
  framing: 'lines',
  sniff(sample: Sample): number {
    return confidenceOf(lineShare(sample, (l) => HEAD.test(l)));
  },
  create(): LineParser {
    return { line: (text) => parseLine(text) };
  },
};
