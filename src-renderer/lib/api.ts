import type {
  ApiErrorCode,
  ApiResult,
  AppMode,
  CallName,
  CallRequest,
  CallResponse,
  Empty,
  EventName,
  EventPayload,
  RosasBridge,
} from '../../src-main/api/contract';

declare global {
  interface Window {
    /** Present in the desktop app only (see src-main/electron/preload.ts). */
    rosas?: RosasBridge;
  }
}

/** A call that failed: `code` says why in a way the UI can act on, `message` says it to people. */
export class ApiCallError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** Calls without arguments may be made without a request. */
export type CallArgs<K extends CallName> = Empty extends CallRequest<K> ? [request?: CallRequest<K>] : [request: CallRequest<K>];
export type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** The UI's one way to the main side, whichever transport carries it. */
export interface Api {
  readonly mode: AppMode;
  invoke<K extends CallName>(call: K, ...args: CallArgs<K>): Promise<CallResponse<K>>;
  /** Returns a function that stops listening. */
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
}

function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiCallError(result.error.code, result.error.message);
}

/** The desktop app: calls go through the preload's bridge (Electron IPC). */
export function bridgeApi(bridge: RosasBridge): Api {
  return {
    mode: 'desktop',
    async invoke(call, ...args) {
      return unwrap(await bridge.invoke(call, (args[0] ?? {}) as CallRequest<typeof call>));
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}

export interface HttpApiOptions {
  token: string;
  /** The server's origin, e.g. http://127.0.0.1:5173 (the page's own). */
  origin: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Delay before reconnecting the event socket, by attempt. */
  retryDelay?: (attempt: number) => number;
}

/** Serve mode: calls are POST /api/<call>, events come over the WebSocket /events. */
export function httpApi(opts: HttpApiOptions): Api {
  const doFetch = opts.fetch ?? fetch.bind(globalThis);
  const Socket = opts.WebSocket ?? WebSocket;
  const retryDelay = opts.retryDelay ?? ((n: number) => Math.min(10_000, 250 * 2 ** n));
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let attempt = 0;

  function connect(): void {
    const url = `${opts.origin.replace(/^http/, 'ws')}/events`;
    // Browsers cannot set headers on a WebSocket: the token travels as a subprotocol.
    const ws = new Socket(url, ['rosas', `rosas-token.${opts.token}`]);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
    };
    ws.onmessage = (m: MessageEvent) => {
      let msg: { event?: EventName; payload?: unknown };
      try {
        msg = JSON.parse(String(m.data)) as typeof msg;
      } catch {
        return;
      }
      if (msg.event) for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if ([...listeners.values()].some((s) => s.size)) setTimeout(() => socket ?? connect(), retryDelay(attempt++));
    };
  }

  return {
    mode: 'serve',
    async invoke(call, ...args) {
      let res: Response;
      try {
        res = await doFetch(`${opts.origin}/api/${call}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${opts.token}` },
          body: JSON.stringify(args[0] ?? {}),
        });
      } catch {
        throw new ApiCallError('transport', 'the workbench server does not answer: is rosas serve still running?');
      }
      let body: ApiResult<CallResponse<typeof call>>;
      try {
        body = (await res.json()) as typeof body;
      } catch {
        throw new ApiCallError('transport', `unexpected answer from the server (HTTP ${res.status})`);
      }
      return unwrap(body);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      if (!socket) connect();
      return () => {
        set.delete(l);
      };
    },
  };
}

/** No token in serve mode: the page was not opened from the URL that `rosas serve` printed. */
export class MissingTokenError extends Error {
  constructor() {
    super('This page needs the address that rosas serve printed (it carries an access token). Open that address again.');
    this.name = 'MissingTokenError';
  }
}

export function createApi(win: Window, token: () => string | null): Api {
  if (win.rosas) return bridgeApi(win.rosas);
  const t = token();
  if (!t) throw new MissingTokenError();
  return httpApi({ token: t, origin: win.location.origin });
}
