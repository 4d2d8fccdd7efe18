/**
 * A cheap "log template" of a free-text message: the parts that vary between messages of the same
 * kind are masked so that, for example, every `Failed password for invalid user X from IP port N
 * ssh2` line shares one categorical value whatever the user, address and port.
 *
 * The message is split at white space (so runs of white space become one space, and the ends are
 * trimmed), and each token is masked on its own, which keeps the cost near one pass over the text:
 * - the token after `user`/`User`/`USER`, and a single token between `for` and `from`, is a name
 *   → `<*>` (so is an empty name, which sshd writes as a second space: `Invalid user  from`);
 * - `key=value` values are variables by nature → `key=<*>` (an empty value stays empty);
 * - UUIDs → `<UUID>`, MAC addresses → `<MAC>`, IPv4/IPv6 addresses → `<IP>`;
 * - `0x…` → `<HEX>`, and so are free-standing hex ids of 8+ characters mixing letters and digits;
 * - free-standing tokens of 16+ base64 characters mixing upper case, lower case and digits (key
 *   fingerprints, session ids, API tokens) → `<*>`;
 * - every other run of digits, with its minus sign unless the hyphen joins words, and with its
 *   decimals → `<NUM>`, also inside words (`blk_-42` → `blk_<NUM>`, `part-00001` → `part-<NUM>`).
 * Quoted strings and paths are left alone (apart from the numbers in them): they are often the
 * meaningful part of a message (`/etc/passwd`), and only a value's position says it is variable.
 * Then a run of the same masked token (`blk_<NUM> blk_<NUM> …`) collapses to one, so that lists
 * of any length share a template. Messages longer than MAX_CHARS are templated on their start.
 */

const MAX_CHARS = 1000;

const HEX4 = '[0-9A-Fa-f]{1,4}';
const QUAD = '\\d{1,3}(?:\\.\\d{1,3}){3}';
const HEXSEQ = `${HEX4}(?::${HEX4}){0,6}`;
const IPV6 =
  `(?<![\\w:.])(?:(?:${HEX4}:){7}${HEX4}|(?:${HEXSEQ})?::(?:${QUAD}|${HEXSEQ}(?::${QUAD})?)?)(?![\\w:]|\\.\\d)`;
const IPV4 = `(?<![\\w.])${QUAD}(?![\\w]|\\.\\d)`;

// Masks within one white-space-free token, applied in this order (an earlier one's output holds
// no digits, so later ones leave it alone). String replacements: a callback per match costs more.
const KEY_VALUE = /(?<=\w=)(?:"[^"]*"|'[^']*'|[^,;&)\]"']+)/g;
const UUID = /(?<![\w-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\w-])/g;
const MAC = /(?<![\w:-])[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}(?![\w:-])/g;
const IP4 = new RegExp(IPV4, 'g');
const IP6 = new RegExp(IPV6, 'g');
const HEX = /(?<![A-Za-z0-9])(?:0[xX][0-9A-Fa-f]+|(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*\d)[0-9A-Fa-f]{8,})(?![A-Za-z0-9])/g;
const RANDOM_ID =
  /(?<![\w+/])(?=[A-Za-z0-9+/]*\d)(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{16,}={0,2}(?![\w+/=])/g;
const NUMBER = /(?:(?<![A-Za-z0-9])-)?\d+(?:\.\d+)?/g;

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function maskToken(t: string): string {
  // One look at the characters decides which masks can apply at all: most tokens need one or two.
  let digitsOnly = true;
  let dots = 0;
  let colons = 0;
  let hyphens = 0;
  let eq = false;
  let hexX = false;
  let hexRun = 0;
  let maxHexRun = 0;
  let alnumRun = 0;
  let maxAlnumRun = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) digitsOnly = false;
    if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (c === 45) hyphens++;
    else if (c === 61) eq = true;
    else if ((c === 120 || c === 88) && t.charCodeAt(i - 1) === 48) hexX = true;
    hexRun = isHexDigit(c) ? hexRun + 1 : 0;
    if (hexRun > maxHexRun) maxHexRun = hexRun;
    alnumRun = isAlnum(c) || c === 43 || c === 47 ? alnumRun + 1 : 0;
    if (alnumRun > maxAlnumRun) maxAlnumRun = alnumRun;
  }
  if (digitsOnly) return '<NUM>';
  if (eq) t = t.replace(KEY_VALUE, '<*>');
  if (hyphens >= 4 && maxHexRun >= 8) t = t.replace(UUID, '<UUID>');
  if (colons + hyphens >= 5) t = t.replace(MAC, '<MAC>');
  if (colons >= 2) t = t.replace(IP6, '<IP>'); // first: `::ffff:1.2.3.4` holds an IPv4
  if (dots >= 3) t = t.replace(IP4, '<IP>');
  if (hexX || maxHexRun >= 8) t = t.replace(HEX, '<HEX>');
  if (maxAlnumRun >= 16) t = t.replace(RANDOM_ID, '<*>');
  return t.replace(NUMBER, '<NUM>');
}

/** A user name as a token: the name itself, then trailing punctuation (`ubuntu.`, `'bob',`). */
const NAME = /^("[^"]*"|'[^']*'|[\w$@.-]*[\w$@-])(.*)$/;

function isUserWord(t: string): boolean {
  return t === 'user' || t === 'User' || t === 'USER';
}

/** Whether `from` follows position i as a whole word. */
function fromFollows(text: string, i: number): boolean {
  if (!text.startsWith(' from', i)) return false;
  const c = text.charCodeAt(i + 5);
  return Number.isNaN(c) || c <= 32;
}

export function messageTemplate(message: string): string {
  const cut = message.length > MAX_CHARS;
  const text = cut ? message.slice(0, MAX_CHARS) : message;
  const n = text.length;
  let out = '';
  let last = ''; // last token written
  let prev = ''; // previous token read
  let i = 0;
  while (i < n) {
    const gap = i;
    while (i < n && text.charCodeAt(i) <= 32) i++;
    if (i >= n) break;
    const start = i;
    // Only tokens with a digit, `:` (IPv6, MAC) or `=` (key=value) need the masks.
    let maskable = false;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c <= 32) break;
      if ((c >= 48 && c <= 58) || c === 61) maskable = true;
    }
    const raw = text.slice(start, i);
    let t = raw;
    const afterUser = isUserWord(prev);
    const afterFor = prev === 'for';
    prev = raw;
    if (afterUser) {
      if (start - gap >= 2 && raw === 'from') {
        // sshd writes an empty user name as a second space: `Invalid user  from`.
        out += ' <*>';
        last = '<*>';
      } else {
        const m = NAME.exec(raw);
        if (m) {
          t = `<*>${m[2]}`;
          prev = ''; // a name is no keyword: `invalid user user from` names the user "user"
        }
      }
    } else if (afterFor && fromFollows(text, i) && NAME.test(raw)) {
      t = '<*>';
    }
    if (maskable) t = maskToken(t);
    // A run of the same masked token (`blk_<NUM> blk_<NUM> …`) is one: lists of any length match.
    if (t === last && t.indexOf('<') !== -1) continue;
    out = out ? `${out} ${t}` : t;
    last = t;
  }
  return cut ? `${out}…` : out;
}

const IP_SCAN = new RegExp(`${IPV4}|${IPV6}`, 'g');

/** The IPv4 and IPv6 addresses in a text, in order of first appearance, without repeats. */
export function findIps(text: string): string[] {
  if (text.indexOf('.') === -1 && text.indexOf(':') === -1) return [];
  const found = text.match(IP_SCAN);
  if (!found) return [];
  return found.length === 1 ? found : [...new Set(found)];
}
