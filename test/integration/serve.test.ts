import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServeApp, type ServeApp } from '../../src-main/serve/serve-app';
import { samplePath, tempDir } from '../helpers/samples';

const TOKEN = 'test-token-0123456789';
let app: ServeApp;
let dir: string;
let base: string;

/** A raw request: fetch would normalise `..` away before it reaches the server. */
function request(pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: app.server.port, path: pathname, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function api(call: string, body: unknown, headers: Record<string, string> = {}) {
  return request(`/api/${call}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers }, body: JSON.stringify(body) });
}

function connect(opts: { protocols?: string[]; headers?: Record<string, string>; origin?: string }) {
  const ws = new WebSocket(`ws://127.0.0.1:${app.server.port}/events`, opts.protocols ?? [], { headers: opts.headers, origin: opts.origin });
  return new Promise<{ ws: WebSocket; status?: number }>((resolve) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode }));
    ws.once('error', () => resolve({ ws, status: -1 }));
  });
}

beforeAll(async () => {
  dir = tempDir();
  const web = path.join(dir, 'web');
  fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(web, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(web, 'assets', 'app.css'), 'body{}');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(web, 'link.txt'));
  app = await startServeApp({ port: 0, staticDir: web, configDir: path.join(dir, 'config'), token: TOKEN, log: () => {} });
  base = app.server.origin;
});

afterAll(async () => {
  await app?.stop();
});

describe('rosas serve', () => {
  it('listens on 127.0.0.1 only and prints a URL that carries the token in the fragment', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.server.url).toBe(`${base}/#token=${TOKEN}`);
  });

  it('refuses a call without the token (401)', async () => {
    const r = await request('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await api('app.info', {}, { Authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('refuses a call from another origin even with the token (403)', async () => {
    expect((await api('app.info', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('app.info', {}, { Origin: `http://127.0.0.1:${app.server.port + 1}` })).status).toBe(403);
    expect((await api('app.info', {}, { Origin: base, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await api('app.info', {}, { Host: `attacker.example:${app.server.port}` })).status).toBe(403);
  });

  it('answers a call with the token and its own origin (200)', async () => {
    const r = await api('app.info', {}, { Origin: base });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { mode: 'serve', version: expect.any(String) } });
    const viaHeader = await request('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Rosas-Token': TOKEN }, body: '' });
    expect(viaHeader.status).toBe(200);
  });

  it('answers bad requests with a status and {code, message}', async () => {
    expect((await request('/api/app.info', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    expect((await api('app.info', {}, { 'Content-Type': 'text/plain' })).status).toBe(415);
    const unknown = await api('project.delete', {});
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('unknown-call');
    expect((await api('%E0%A4%A', {})).status).toBe(404);
    const junk = await api('project.open', { path: '/x', extra: 1 });
    expect(junk.status).toBe(400);
    expect(JSON.parse(junk.body).error).toEqual({ code: 'invalid-argument', message: 'project.open has an unknown key "extra"' });
    const notJson = await request('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` }, body: '{' });
    expect(notJson.status).toBe(400);
    const big = await request('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` }, body: `"${'x'.repeat(2 * 1024 * 1024)}"` });
    expect(big.status).toBe(413);
    expect((await api('project.info', {})).status).toBe(409);
    expect((await api('dialog.openFiles', {})).status).toBe(501);
  });

  it('serves the UI with the right types and security headers', async () => {
    const index = await request('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await request('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await request('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request('/nope.js')).status).toBe(404);
    expect((await request('/assets')).status).toBe(404);
    expect((await request('/', { method: 'POST' })).status).toBe(405);
  });

  it('refuses to leave the UI folder', async () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/%2fetc%2fpasswd', '/link.txt', '/index.html%00.js', '/%E0%A4%A']) {
      const r = await request(p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toContain('TOP SECRET');
    }
  });

  it('refuses the event socket without the token or from another origin', async () => {
    const none = await connect({ protocols: ['rosas'] });
    expect(none.status).toBe(401);
    const wrong = await connect({ protocols: ['rosas', 'rosas-token.wrong'] });
    expect(wrong.status).toBe(401);
    const foreign = await connect({ protocols: ['rosas', `rosas-token.${TOKEN}`], origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const elsewhere = new WebSocket(`ws://127.0.0.1:${app.server.port}/other`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const status = await new Promise((resolve) => elsewhere.once('unexpected-response', (_q, res) => resolve(res.statusCode)));
    expect(status).toBe(404);
  });

  it('pushes job events to a page that has the token', async () => {
    const { ws, status } = await connect({ protocols: ['rosas', `rosas-token.${TOKEN}`], origin: base });
    expect(status).toBeUndefined();
    // The token is never echoed back as the chosen protocol.
    expect(ws.protocol).toBe('rosas');
    const received: Array<{ event: string; payload: { jobId: string } }> = [];
    const finished = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data));
        received.push(msg);
        if (msg.event === 'job.finished') resolve();
      }),
    );
    expect((await api('project.open', { path: path.join(dir, 'p.rosas'), create: true })).status).toBe(200);
    const started = JSON.parse((await api('import.start', { files: [samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled')], options: { labelColumn: 'label' } })).body);
    await finished;
    ws.close();
    expect(received.some((m) => m.event === 'job.progress' && m.payload.jobId === started.value.jobId)).toBe(true);
    expect(received.at(-1)).toMatchObject({ event: 'job.finished', payload: { jobId: started.value.jobId, result: { imported: [{ records: 5663 }] } } });
    const header = await connect({ headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(header.status).toBeUndefined();
    header.ws.close();
  });

  it('carries the review calls: a round trained over HTTP, a page of it, a label, refused bad ones', async () => {
    // The project of the test before is open and imported.
    const ws = await connect({ protocols: ['rosas', `rosas-token.${TOKEN}`], origin: base });
    const done = new Promise<{ payload: { result?: { round: number } } }>((resolve) =>
      ws.ws.on('message', (data) => {
        const msg = JSON.parse(String(data));
        if (msg.event === 'job.finished') resolve(msg);
      }),
    );
    expect((await api('rounds.train', {})).status).toBe(200);
    expect((await done).payload.result?.round).toBe(1);
    ws.ws.close();
    const page = JSON.parse((await api('review.page', { filter: {}, columns: ['proto', '__proto__'], offset: 0, limit: 5 })).body);
    expect(page).toMatchObject({ ok: true, value: { round: 1, total: 5663 } });
    expect(page.value.rows).toHaveLength(5);
    expect(Object.keys(page.value.rows[0].columns)).toEqual(['proto', '__proto__']);
    const id = page.value.rows[0].id;
    const labeled = await api('labels.set', { ids: [id], label: 'anomaly', note: '<script>x</script>' });
    expect(labeled.status).toBe(200);
    expect(JSON.parse(labeled.body).value.records).toEqual([{ id, label: 'anomaly', note: '<script>x</script>' }]);
    // Bad payloads never reach the project.
    expect((await api('labels.set', { ids: [id], label: 'evil' })).status).toBe(400);
    expect((await api('labels.set', { ids: [id], label: 'normal', author: 'someone else' })).status).toBe(400);
    expect((await api('review.page', { filter: { label: 'none' }, columns: [], offset: -1, limit: 5 })).status).toBe(400);
    expect((await api('record.get', { id: 99_999_999 })).status).toBe(422);
    expect((await api('export.run', { format: 'csv', onlyLabeled: true, path: path.join(dir, 'none', 'x.csv') })).status).toBe(422);
    const record = JSON.parse((await api('record.get', { id })).body);
    expect(record.value).toMatchObject({ id, label: 'anomaly', note: '<script>x</script>', history: [expect.objectContaining({ label: 'anomaly', previous: null })] });
  });

  it('replaces only its own unchanged exports, and opens no special file', async () => {
    // The project of the tests before is open, with a labeled record.
    const refused = async (call: string, body: unknown, message: string) => {
      const r = await api(call, body);
      expect(r.status, message).toBe(403);
      expect(JSON.parse(r.body).error, message).toEqual({ code: 'path-refused', message });
    };
    const mine = path.join(dir, 'notes.txt');
    fs.writeFileSync(mine, 'my own notes\n');
    await refused('export.run', { format: 'csv', onlyLabeled: true, path: mine, overwrite: true }, `refused to replace ${mine}: it is not an export written by RoSAS Workbench, or it changed since; choose another file name`);
    await refused('export.run', { format: 'csv', onlyLabeled: true, path: mine }, `refused to replace ${mine}: it is not an export written by RoSAS Workbench, or it changed since; choose another file name`);
    expect(fs.readFileSync(mine, 'utf8')).toBe('my own notes\n');

    const out = path.join(dir, 'findings.csv');
    expect((await api('export.run', { format: 'csv', onlyLabeled: true, path: out })).status).toBe(200);
    const again = await api('export.run', { format: 'csv', onlyLabeled: true, path: out });
    expect(JSON.parse(again.body).error.code).toBe('exists');
    expect((await api('export.run', { format: 'csv', onlyLabeled: true, path: out, overwrite: true })).status).toBe(200);
    // Edited by the analyst since: theirs now.
    fs.appendFileSync(out, 'my remark\n');
    await refused('export.run', { format: 'csv', onlyLabeled: true, path: out, overwrite: true }, `refused to replace ${out}: it is not an export written by RoSAS Workbench, or it changed since; choose another file name`);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/my remark\n$/);

    // Reading what the analyst types is what serve mode is for; special files are refused, a FIFO without waiting on it.
    expect((await api('import.preview', { file: samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled') })).status).toBe(200);
    const fifo = path.join(dir, 'pipe.log');
    execFileSync('mkfifo', [fifo]);
    await refused('import.preview', { file: fifo }, `not a regular file: ${fifo} is a named pipe (FIFO)`);
    await refused('import.start', { files: [fifo], options: {} }, `not a regular file: ${fifo} is a named pipe (FIFO)`);
    await refused('project.open', { path: fifo }, `not a regular file: ${fifo} is a named pipe (FIFO)`);
    await refused('import.preview', { file: '/dev/zero' }, 'not a regular file: /dev/zero is a character device');
    await refused('import.preview', { file: dir }, `not a regular file: ${dir} is a folder`);
    await refused('export.run', { format: 'csv', onlyLabeled: true, path: '/dev/null', overwrite: true }, 'not a regular file: /dev/null is a character device');
  });
});
