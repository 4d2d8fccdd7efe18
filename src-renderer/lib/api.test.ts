import { describe, expect, it, vi } from 'vitest';
import type { ApiResult, RosasBridge } from '../../src-main/api/contract';
import { ApiCallError, bridgeApi, createApi, httpApi, MissingTokenError } from './api';
import { appInfo } from './testing/fixtures';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

class FakeSocket {
  static last: FakeSocket | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.last = this;
  }
}

describe('httpApi', () => {
  it('posts the call with the token in the Authorization header', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: true, value: appInfo }));
    const api = httpApi({ token: 'tok', origin: 'http://127.0.0.1:9', fetch });
    await expect(api.invoke('app.info')).resolves.toEqual(appInfo);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:9/api/app.info');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(init.body).toBe('{}');
  });

  it('turns an error answer into an ApiCallError with its code', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: false, error: { code: 'no-project', message: 'no project is open' } }, 409));
    const api = httpApi({ token: 'tok', origin: 'http://127.0.0.1:9', fetch });
    const err = await api.invoke('project.info').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ code: 'no-project', message: 'no project is open' });
  });

  it('says so when the server is gone', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = httpApi({ token: 'tok', origin: 'http://127.0.0.1:9', fetch });
    await expect(api.invoke('app.info')).rejects.toMatchObject({ code: 'transport' });
  });

  it('opens the event socket with the token as a subprotocol and delivers events by name', () => {
    const api = httpApi({ token: 'tok', origin: 'http://127.0.0.1:9', fetch: vi.fn(), WebSocket: FakeSocket as unknown as typeof WebSocket });
    const seen: unknown[] = [];
    const off = api.on('job.progress', (p) => seen.push(p));
    const ws = FakeSocket.last!;
    expect(ws.url).toBe('ws://127.0.0.1:9/events');
    expect(ws.protocols).toEqual(['rosas', 'rosas-token.tok']);
    ws.onmessage!({ data: JSON.stringify({ event: 'job.progress', payload: { jobId: 'j' } }) });
    ws.onmessage!({ data: JSON.stringify({ event: 'job.finished', payload: { jobId: 'j' } }) });
    ws.onmessage!({ data: 'not json' });
    expect(seen).toEqual([{ jobId: 'j' }]);
    off();
    ws.onmessage!({ data: JSON.stringify({ event: 'job.progress', payload: { jobId: 'k' } }) });
    expect(seen).toHaveLength(1);
  });

  it('reconnects the event socket when it drops', async () => {
    const api = httpApi({ token: 'tok', origin: 'http://127.0.0.1:9', fetch: vi.fn(), WebSocket: FakeSocket as unknown as typeof WebSocket, retryDelay: () => 0 });
    api.on('job.finished', () => {});
    const first = FakeSocket.last!;
    first.onclose!();
    await new Promise((r) => setTimeout(r, 5));
    expect(FakeSocket.last).not.toBe(first);
  });
});

describe('bridgeApi', () => {
  it('unwraps the envelopes of the desktop bridge', async () => {
    const invoke = vi.fn(async (): Promise<ApiResult<unknown>> => ({ ok: false, error: { code: 'unsupported', message: 'nope' } }));
    const bridge = { invoke, on: vi.fn(() => () => {}) } as unknown as RosasBridge;
    const api = bridgeApi(bridge);
    expect(api.mode).toBe('desktop');
    await expect(api.invoke('dialog.openFiles')).rejects.toMatchObject({ code: 'unsupported' });
    expect(invoke).toHaveBeenCalledWith('dialog.openFiles', {});
  });
});

describe('createApi', () => {
  it('uses the preload bridge when there is one, without asking for a token', () => {
    const token = vi.fn(() => null);
    const api = createApi({ rosas: { invoke: vi.fn(), on: vi.fn() } } as unknown as Window, token);
    expect(api.mode).toBe('desktop');
    expect(token).not.toHaveBeenCalled();
  });

  it('needs a token in serve mode', () => {
    expect(() => createApi(window, () => null)).toThrow(MissingTokenError);
    expect(createApi(window, () => 't').mode).toBe('serve');
  });
});
