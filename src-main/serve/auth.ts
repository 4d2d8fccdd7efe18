import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Browsers cannot set headers on a WebSocket: the page offers the token as a subprotocol. */
export const WS_PROTOCOL = 'rosas';
export const WS_TOKEN_PREFIX = 'rosas-token.';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so that the comparison takes the same time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The token a request carries: Authorization: Bearer, X-Rosas-Token, or (upgrades) a subprotocol. */
export function tokenOf(req: IncomingMessage, allowSubprotocol = false): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const header = req.headers['x-rosas-token'];
  if (typeof header === 'string') return header.trim();
  if (allowSubprotocol) {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const carried = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX));
    if (carried) return carried.slice(WS_TOKEN_PREFIX.length);
  }
  return null;
}

export function hasToken(req: IncomingMessage, token: string, allowSubprotocol = false): boolean {
  const given = tokenOf(req, allowSubprotocol);
  return given !== null && sameSecret(given, token);
}

/**
 * What this server answers to, by Host and by Origin. Checking Host defeats DNS rebinding (a web
 * page whose name suddenly points at 127.0.0.1); checking Origin defeats other pages of the
 * browser talking to us. Requests from non-browser clients carry no Origin and rely on the token.
 */
export class Origins {
  private readonly hosts: Set<string>;

  constructor(port: number) {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  }

  hostAllowed(req: IncomingMessage): boolean {
    return this.hosts.has((req.headers.host ?? '').toLowerCase());
  }

  /** No Origin is fine (curl, tests); a foreign one is not; nor is a cross-site fetch. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && !(origin.startsWith('http://') && this.hosts.has(origin.slice('http://'.length).toLowerCase()))) return false;
    const site = req.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
}
