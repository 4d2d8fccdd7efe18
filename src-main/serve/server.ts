import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { consoleLogger, type Logger } from '../api/api-error';
import type { ApiErrorCode, ApiResult, EventName, EventPayload } from '../api/contract';
import { hasToken, newToken, Origins, WS_PROTOCOL } from './auth';
import { mimeType, resolveStatic, SECURITY_HEADERS } from './static-files';

/** Only ever this address: the server is for the analyst at this machine, never the network. */
export const HOST = '127.0.0.1';
const MAX_BODY = 1024 * 1024;

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (dist-renderer/). */
  staticDir: string;
  /** Runs one call of the contract; never throws (see api/dispatch.ts). */
  dispatch: (call: string, payload: unknown) => Promise<ApiResult<unknown>>;
  /** Fixed in tests; random otherwise. */
  token?: string;
  log?: Logger;
}

export interface LocalServer {
  /** Where the analyst points the browser; carries the token in the fragment, which no request sends. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Sends an event to every connected page. */
  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

/** HTTP status for a failed call; the body carries {code, message} either way. */
function statusOf(code: ApiErrorCode): number {
  switch (code) {
    case 'unknown-call':
      return 404;
    case 'invalid-argument':
    case 'usage':
      return 400;
    case 'no-project':
    case 'busy':
    case 'project-locked':
      return 409;
    case 'unsupported':
      return 501;
    case 'path-refused':
      return 403;
    case 'internal':
      return 500;
    default:
      return 422;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: ApiErrorCode, message: string, headers?: Record<string, string>): void {
  send(res, status, { ok: false, error: { code, message } }, headers);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Too big: keep draining (so the answer can be sent) but stop keeping it.
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The local server of `rosas serve`: the built UI, the contract at POST /api/<call>, and events on
 * the WebSocket /events. Every call and the WebSocket need the token; static files do not (the
 * page must load before it can read its token) and hold no data.
 */
export async function startServer(opts: ServerOptions): Promise<LocalServer> {
  const token = opts.token ?? newToken();
  const log = opts.log ?? consoleLogger;
  const clients = new Set<WebSocket>();
  let origins = new Origins(opts.port);

  const server = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!origins.hostAllowed(req)) return refuse(res, 403, 'forbidden', 'unexpected Host header');
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname.startsWith('/api/')) {
      api(req, res, pathname.slice('/api/'.length)).catch((err: unknown) => {
        log('serve: request failed', err);
        if (!res.headersSent) refuse(res, 500, 'internal', 'internal error (details are in the log)');
        else res.destroy();
      });
      return;
    }
    staticFile(req, res, pathname);
  });

  async function api(req: IncomingMessage, res: ServerResponse, call: string): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405, 'invalid-argument', 'calls are POST requests', { Allow: 'POST' });
    if (!origins.originAllowed(req)) return refuse(res, 403, 'forbidden', 'requests from other origins are refused');
    if (!hasToken(req, token)) return refuse(res, 401, 'unauthorized', 'missing or wrong token: open the URL that rosas serve printed', { 'WWW-Authenticate': 'Bearer' });
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return refuse(res, 415, 'invalid-argument', 'the body must be application/json');
    const body = await readBody(req);
    if (body === null) return refuse(res, 413, 'invalid-argument', `the body is larger than ${MAX_BODY} bytes`, { Connection: 'close' });
    let payload: unknown;
    try {
      payload = body.trim() === '' ? undefined : JSON.parse(body);
    } catch {
      return refuse(res, 400, 'invalid-argument', 'the body is not valid JSON');
    }
    let name: string;
    try {
      name = decodeURIComponent(call);
    } catch {
      return refuse(res, 404, 'unknown-call', 'unknown call');
    }
    const result = await opts.dispatch(name, payload);
    send(res, result.ok ? 200 : statusOf(result.error.code), result);
  }

  function staticFile(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveStatic(opts.staticDir, pathname);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const size = fs.statSync(file).size;
    // index.html names the hashed bundles of this build: never reuse a stale one.
    res.writeHead(200, { 'Content-Type': mimeType(file), 'Content-Length': size, 'Cache-Control': file.endsWith('.html') ? 'no-store' : 'no-cache' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Answer with the plain protocol name, never echo the one that carries the token.
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname !== '/events') return rejectUpgrade(socket, 404, 'Not Found');
    if (!origins.hostAllowed(req) || !origins.originAllowed(req)) return rejectUpgrade(socket, 403, 'Forbidden');
    if (!hasToken(req, token, true)) return rejectUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
      // The page only listens; anything it sends is ignored.
      ws.on('message', () => {});
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const port = address.port;
  origins = new Origins(port);
  const origin = `http://${HOST}:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    broadcast(event, payload) {
      const text = JSON.stringify({ event, payload });
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    async close() {
      for (const ws of clients) ws.close(1001, 'server stopping');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
