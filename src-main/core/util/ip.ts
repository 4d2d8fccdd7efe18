// IP address text, read one way everywhere: what role inference counts as an address (isIp) is
// exactly what the featurizer can classify (ipIsInternal), and what the importers call `src_ip`.

/** IPv4 text (from `start` to `end`) as an unsigned 32-bit number, or -1. Octets of 1–3 digits, 0–255. */
function parseV4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let octet = -1;
  let dots = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      octet = (octet < 0 ? 0 : octet) * 10 + (c - 48);
      if (octet > 255) return -1;
    } else if (c === 46) {
      if (octet < 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = -1;
      digits = 0;
    } else return -1;
  }
  if (dots !== 3 || octet < 0) return -1;
  return value * 256 + octet;
}

const HEXTET = /^[0-9a-f]{1,4}$/i;

function hextets(part: string, allowV4: boolean, out: number[]): boolean {
  if (part === '') return true;
  const items = part.split(':');
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (allowV4 && i === items.length - 1 && it.includes('.')) {
      const v4 = parseV4(it);
      if (v4 < 0) return false;
      out.push(Math.floor(v4 / 65536), v4 & 0xffff);
    } else if (HEXTET.test(it)) out.push(parseInt(it, 16));
    else return false;
  }
  return true;
}

/** IPv6 text (optionally with a zone `%eth0` or in brackets) as 8 hextets, or null. */
function parseV6(text: string): number[] | null {
  let s = text;
  if (s.charCodeAt(0) === 91 && s.charCodeAt(s.length - 1) === 93) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) return null;
    const head: number[] = [];
    const tail: number[] = [];
    if (!hextets(s.slice(0, dbl), false, head) || !hextets(s.slice(dbl + 2), true, tail) || head.length + tail.length > 7) return null;
    return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const all: number[] = [];
  return hextets(s, true, all) && all.length === 8 ? all : null;
}

/** An address: IPv4 as a 32-bit number, IPv6 as 8 hextets; null when the text is neither. */
function parseIp(text: string): number | number[] | null {
  if (text.length < 2 || text.length > 64) return null;
  if (text.includes(':')) return parseV6(text);
  const v4 = parseV4(text);
  return v4 < 0 ? null : v4;
}

/**
 * Whether a value is an IP address: IPv4 as four decimal octets (0–255, up to 3 digits each), or
 * IPv6 in any RFC 4291 text form (`::`, an IPv4 tail), optionally with a zone (`fe80::1%eth0`)
 * or in brackets (`[2001:db8::1]`). Host names, ports and CIDR suffixes are not addresses.
 */
export function isIp(text: string): boolean {
  return parseIp(text) !== null;
}

function v4Internal(v: number): boolean {
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) & 255;
  return (
    a === 10 || // RFC 1918
    (a === 172 && (b & 0xf0) === 16) ||
    (a === 192 && b === 168) ||
    a === 127 || // loopback
    (a === 169 && b === 254) || // link-local
    (a === 100 && (b & 0xc0) === 64) || // CGNAT 100.64/10
    a === 0 || // "this network"
    a >= 224 // multicast, reserved, broadcast
  );
}

function v6Internal(g: number[]): boolean {
  const g0 = g[0]!;
  if ((g0 & 0xfe00) === 0xfc00) return true; // ULA fc00::/7
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return true; // link-local, old site-local
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0) {
    if (g[5] === 0xffff) return v4Internal(g[6]! * 65536 + g[7]!); // IPv4-mapped
    if (g[5] === 0) {
      if (g[6] === 0) return g[7] === 0 || g[7] === 1; // :: and ::1
      return v4Internal(g[6]! * 65536 + g[7]!); // IPv4-compatible (deprecated)
    }
  }
  return false;
}

/**
 * Whether an address is internal (private, loopback, link-local, CGNAT, ULA, multicast…; see
 * docs/features.md), external (false), or not an IP address at all (null, exactly when !isIp).
 */
export function ipIsInternal(text: string): boolean | null {
  const ip = parseIp(text);
  if (ip === null) return null;
  return typeof ip === 'number' ? v4Internal(ip) : v6Internal(ip);
}
