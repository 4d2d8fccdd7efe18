import { afterAll, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES } from '../../../src-main/api/calls';
import { tempDir } from '../../helpers/samples';

/**
 * The desktop app's main process, with Electron replaced by a stand-in: every call of the
 * contract has an IPC handler, each one validates its payload before anything runs, and only our
 * own page may call at all.
 */

type Handler = (event: unknown, payload: unknown) => Promise<unknown> | unknown;

const electron = vi.hoisted(() => {
  const handlers = new Map<string, Handler>();
  const windows: unknown[] = [];
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  class BrowserWindow {
    static fromWebContents = (wc: unknown) => windows.find((w) => (w as { webContents: unknown }).webContents === wc) ?? null;
    id = windows.length + 1;
    webContents = { send: vi.fn() };
    constructor() {
      windows.push(this);
    }
    once() {}
    on() {}
    loadURL() {
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
  }
  return { handlers, windows, ready, whenReady, BrowserWindow };
});

vi.mock('electron', () => {
  const noop = () => {};
  return {
    app: {
      enableSandbox: noop,
      requestSingleInstanceLock: () => true,
      on: noop,
      whenReady: () => electron.whenReady,
      getPath: () => tempDir('rosas-electron-'),
      isPackaged: false,
      quit: noop,
      exit: noop,
    },
    BrowserWindow: electron.BrowserWindow,
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
    ipcMain: { handle: (name: string, fn: Handler) => electron.handlers.set(name, fn) },
    Menu: { setApplicationMenu: noop, buildFromTemplate: (t: unknown) => t },
    protocol: { registerSchemesAsPrivileged: noop, handle: noop },
    session: { defaultSession: { setPermissionRequestHandler: noop, setPermissionCheckHandler: noop, webRequest: { onBeforeRequest: noop } } },
  };
});

vi.mock('../../../src-main/core/util/find-up', () => ({ findUp: (name: string) => `/nonexistent/${name}` }));

afterAll(() => vi.restoreAllMocks());

describe('the desktop main process', () => {
  it('answers every call of the contract, validated, and only for its own page', async () => {
    await import('../../../src-main/electron/main');
    electron.ready();
    await electron.whenReady;
    await new Promise((r) => setTimeout(r, 0));
    expect([...electron.handlers.keys()].sort()).toEqual([...CALL_NAMES].sort());
    const win = electron.windows[0] as { webContents: unknown };
    expect(win).toBeDefined();
    const ours = { senderFrame: { url: 'rosas://app/index.html' }, sender: win.webContents };
    const theirs = { senderFrame: { url: 'https://evil.example/' }, sender: win.webContents };
    for (const call of CALL_NAMES) {
      const handler = electron.handlers.get(call)!;
      expect(await handler(ours, { notInTheContract: 1 }), call).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
      expect(await handler(theirs, {}), call).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // A valid call goes through to the handlers.
    expect(await electron.handlers.get('app.info')!(ours, {})).toMatchObject({ ok: true, value: { mode: 'desktop' } });
    expect(await electron.handlers.get('review.page')!(ours, { filter: {}, columns: [], offset: 0, limit: 10 })).toMatchObject({ ok: false, error: { code: 'no-project' } });
  });
});
