import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES } from '../../../src-main/api/calls';
import type * as FindUp from '../../../src-main/core/util/find-up';
import { samplePath, tempDir } from '../../helpers/samples';

/**
 * The desktop app's main process, with Electron replaced by a stand-in: every call of the
 * contract has an IPC handler, each one validates its payload before anything runs, only our
 * own page may call at all, paths must come from the window's own dialogs, and no frame navigates.
 */

type Handler = (event: unknown, payload: unknown) => Promise<unknown> | unknown;
type Listener = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  const handlers = new Map<string, Handler>();
  const appListeners = new Map<string, Listener[]>();
  const windows: unknown[] = [];
  const menu: { template: unknown } = { template: null };
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  class BrowserWindow {
    static fromWebContents = (wc: unknown) => windows.find((w) => (w as { webContents: unknown }).webContents === wc) ?? null;
    id = windows.length + 1;
    webContents = { send: () => {} };
    constructor() {
      windows.push(this);
    }
    once() {}
    on() {}
    focus() {}
    loadURL() {
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
  }
  return { handlers, appListeners, windows, menu, ready, whenReady, BrowserWindow, userData: { dir: '' } };
});

const dialog = vi.hoisted(() => ({ showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() }));

vi.mock('electron', () => {
  const noop = () => {};
  return {
    app: {
      enableSandbox: noop,
      requestSingleInstanceLock: () => true,
      on: (name: string, fn: Listener) => electron.appListeners.set(name, [...(electron.appListeners.get(name) ?? []), fn]),
      whenReady: () => electron.whenReady,
      // One settings folder for the app, as Electron has: the windows share the recent projects.
      getPath: () => (electron.userData.dir ||= tempDir('rosas-electron-')),
      isPackaged: false,
      quit: noop,
      exit: noop,
    },
    BrowserWindow: electron.BrowserWindow,
    dialog,
    ipcMain: { handle: (name: string, fn: Handler) => electron.handlers.set(name, fn) },
    Menu: { setApplicationMenu: (t: unknown) => (electron.menu.template = t), buildFromTemplate: (t: unknown) => t },
    protocol: { registerSchemesAsPrivileged: noop, handle: noop },
    session: { defaultSession: { setPermissionRequestHandler: noop, setPermissionCheckHandler: noop, webRequest: { onBeforeRequest: noop } } },
  };
});

// No built renderer is needed; the migrations are, to open a project.
vi.mock('../../../src-main/core/util/find-up', async (original) => {
  const real = (await original()) as typeof FindUp;
  return { findUp: (name: string) => (name === 'migrations' ? real.findUp(name) : `/nonexistent/${name}`) };
});

// A copy: the test asks the app to overwrite it, and a shared sample must survive a regression.
const ZEEK = path.join(tempDir(), 'conn.log');
fs.copyFileSync(samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled'), ZEEK);

/** The IPC event of our page in the n-th window (1-based). */
function from(n: number) {
  const win = electron.windows[n - 1] as { webContents: unknown };
  return { senderFrame: { url: 'rosas://app/index.html' }, sender: win.webContents };
}

function call(n: number, name: string, payload: unknown) {
  return electron.handlers.get(name)!(from(n), payload) as Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
}

/** File > New Window of the application menu. */
function newWindow(): void {
  const file = (electron.menu.template as Array<{ label?: string; submenu?: Array<{ label?: string; click?: () => void }> }>).find((m) => m.label === 'File')!;
  file.submenu!.find((i) => i.label === 'New Window')!.click!();
}

beforeAll(async () => {
  await import('../../../src-main/electron/main');
  electron.ready();
  await electron.whenReady;
  await new Promise((r) => setTimeout(r, 0));
});

afterAll(async () => {
  for (let n = 1; n <= electron.windows.length; n++) await call(n, 'project.close', {});
  vi.restoreAllMocks();
});

describe('the desktop main process', () => {
  it('answers every call of the contract, validated, and only for its own page', async () => {
    expect([...electron.handlers.keys()].sort()).toEqual([...CALL_NAMES].sort());
    const win = electron.windows[0] as { webContents: unknown };
    expect(win).toBeDefined();
    const ours = from(1);
    const theirs = { senderFrame: { url: 'https://evil.example/' }, sender: win.webContents };
    for (const name of CALL_NAMES) {
      const handler = electron.handlers.get(name)!;
      expect(await handler(ours, { notInTheContract: 1 }), name).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
      expect(await handler(theirs, {}), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // A valid call goes through to the handlers.
    expect(await call(1, 'app.info', {})).toMatchObject({ ok: true, value: { mode: 'desktop' } });
    expect(await call(1, 'review.page', { filter: {}, columns: [], offset: 0, limit: 10 })).toMatchObject({ ok: false, error: { code: 'no-project' } });
  });

  it('refuses every path the page did not get from a dialog of its window, before any handler runs', async () => {
    const bashrc = path.join(os.homedir(), '.bashrc');
    const refused = [
      ['import.preview', { file: '/etc/shadow' }, '/etc/shadow'],
      ['import.start', { files: [ZEEK], options: {} }, ZEEK],
      ['project.open', { path: '/tmp/anywhere.rosas', create: true }, '/tmp/anywhere.rosas'],
      ['export.run', { format: 'csv', onlyLabeled: false, path: '~/.bashrc', overwrite: true }, bashrc],
    ] as const;
    for (const [name, payload, shown] of refused) {
      const r = await call(1, name, payload);
      expect(r, name).toMatchObject({ ok: false, error: { code: 'path-refused' } });
      expect(r.error!.message, name).toContain(`refused ${shown}: the desktop app uses only files chosen in this window's own dialogs`);
    }
  });

  it('lets the page use what the analyst chose in its dialogs, for what each dialog was for, in that window only', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'case.rosas');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: project });
    expect(await call(1, 'dialog.openProject', { create: true })).toEqual({ ok: true, value: { path: project } });
    expect(await call(1, 'project.open', { path: project, create: true })).toMatchObject({ ok: true, value: { path: project } });

    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [ZEEK] });
    expect(await call(1, 'dialog.openFiles', {})).toEqual({ ok: true, value: { paths: [ZEEK] } });
    // Through to the handler: what the preview makes of the file is the ingest's business, tested with it.
    const preview = await call(1, 'import.preview', { file: ZEEK });
    expect(preview.ok || preview.error!.code !== 'path-refused', JSON.stringify(preview)).toBe(true);
    // Chosen to be read, not to be written over.
    expect(await call(1, 'export.run', { format: 'csv', onlyLabeled: false, path: ZEEK, overwrite: true })).toMatchObject({ ok: false, error: { code: 'path-refused' } });

    // Another window has its own grants: the log chosen in the first is not open to it.
    newWindow();
    expect(electron.windows).toHaveLength(2);
    expect(await call(2, 'import.preview', { file: ZEEK })).toMatchObject({ ok: false, error: { code: 'path-refused' } });
    // A recent project may be opened from any window (here it is open in the first, so it is refused as such).
    expect(await call(2, 'project.open', { path: project })).toMatchObject({ ok: false, error: { code: 'project-locked' } });
    await call(1, 'project.close', {});
    expect(await call(2, 'project.open', { path: project })).toMatchObject({ ok: true, value: { path: project } });
  });

  it('keeps every frame on the app: no navigation, no new window, no webview', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const on = new Map<string, Listener>();
    let openHandler: Listener | null = null;
    const contents = { on: (name: string, fn: Listener) => on.set(name, fn), setWindowOpenHandler: (fn: Listener) => (openHandler = fn) };
    for (const fn of electron.appListeners.get('web-contents-created') ?? []) fn({}, contents);

    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { url: 'https://evil.example/', isMainFrame: false, preventDefault: vi.fn() };
      expect(on.get(name), name).toBeDefined();
      on.get(name)!(event);
      expect(event.preventDefault, name).toHaveBeenCalled();
    }
    expect(openHandler).not.toBeNull();
    expect(openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('blocked a navigation to https://evil.example/'), '');
    log.mockRestore();
  });
});
