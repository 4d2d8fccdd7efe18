import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session as electronSession, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import { ApiError, consoleLogger } from '../api/api-error';
import { CALL_NAMES } from '../api/calls';
import type { EventName, EventPayload } from '../api/contract';
import { dispatch } from '../api/dispatch';
import { createHandlers, type Dialogs, type Handlers } from '../api/handlers';
import { grantingDialogs, PathGrants } from '../api/path-grants';
import { desktopPolicy, type PathPolicy } from '../api/paths';
import { RecentProjects } from '../api/recent';
import { Session } from '../api/session';
import { findUp } from '../core/util/find-up';
import { mimeType, resolveStatic, SECURITY_HEADERS } from '../serve/static-files';

/**
 * The desktop app: one window per open project, each with its own session. The page runs
 * sandboxed, loads only our own files (from the rosas://app/ protocol, never the network) and
 * talks to this process only through the contract's calls, checked by the same validate.ts as
 * serve mode.
 */

const SCHEME = 'rosas';
const APP_ORIGIN = `${SCHEME}://app`;
const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, 'preload.cjs');
const log = consoleLogger;

interface WindowContext {
  win: BrowserWindow;
  session: Session;
  handlers: Handlers;
  /** Paths of requests must have been chosen in this window's dialogs (or be recent projects). */
  paths: PathPolicy;
  /** Set once the analyst agreed to close (or nothing was running). */
  closing: boolean;
}

const contexts = new Map<number, WindowContext>();
let quitting = false;

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true } }]);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another instance runs: it opens a new window for us (second-instance below).
  app.quit();
} else {
  app.on('second-instance', () => createWindow());
  app.whenReady().then(start, (err: unknown) => {
    log('startup failed', err);
    app.exit(1);
  });
}

function start(): void {
  const rendererDir = findUp('dist-renderer', here);
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'app' ? resolveStatic(rendererDir, url.pathname) : null;
    if (!file) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    return new Response(await fs.promises.readFile(file), { headers: { 'Content-Type': mimeType(file), ...SECURITY_HEADERS } });
  });
  lockDownSession();
  registerCalls();
  Menu.setApplicationMenu(buildMenu());
  createWindow();
}

/** No remote content, no permissions (camera, notifications, …), nothing fetched from outside. */
function lockDownSession(): void {
  const ses = electronSession.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith(`${APP_ORIGIN}/`) || details.url.startsWith('devtools://') || details.url.startsWith('data:');
    if (!allowed) log(`blocked a request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
}

/**
 * The page is one document that never navigates: no frame may leave it, open a window or embed a
 * webview. will-navigate covers the main frame only; will-frame-navigate covers subframes too.
 */
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked a new window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    log(`blocked a navigation to ${event.url.slice(0, 200)}`);
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

/** Calls are answered only for our own page, in a window we made. */
function contextOf(event: IpcMainInvokeEvent): WindowContext | null {
  const url = event.senderFrame?.url ?? '';
  if (!url.startsWith(`${APP_ORIGIN}/`)) return null;
  const win = BrowserWindow.fromWebContents(event.sender);
  return win ? (contexts.get(win.id) ?? null) : null;
}

function registerCalls(): void {
  for (const call of CALL_NAMES) {
    ipcMain.handle(call, (event, payload: unknown) => {
      const ctx = contextOf(event);
      if (!ctx) return { ok: false, error: { code: 'forbidden', message: 'not a RoSAS Workbench window' } };
      return dispatch(ctx.handlers, call, payload, log, ctx.paths);
    });
  }
}

function nativeDialogs(win: BrowserWindow): Dialogs {
  const projectFilter = [{ name: 'RoSAS Workbench project', extensions: ['rosas'] }];
  return {
    async openProject(create) {
      if (create) {
        const r = await dialog.showSaveDialog(win, { title: 'New project', defaultPath: 'project.rosas', filters: projectFilter, properties: ['createDirectory', 'showOverwriteConfirmation'] });
        return r.canceled || !r.filePath ? null : r.filePath;
      }
      const r = await dialog.showOpenDialog(win, { title: 'Open project', filters: projectFilter, properties: ['openFile'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async openFiles() {
      const r = await dialog.showOpenDialog(win, { title: 'Import log files', properties: ['openFile', 'multiSelections'] });
      return r.canceled ? [] : r.filePaths;
    },
    async saveExport(defaultPath, format) {
      const filters = format === 'csv' ? [{ name: 'CSV', extensions: ['csv'] }] : [{ name: 'NDJSON', extensions: ['ndjson', 'jsonl'] }];
      const r = await dialog.showSaveDialog(win, { title: 'Export records', defaultPath, filters, properties: ['createDirectory', 'showOverwriteConfirmation'] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  };
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 500,
    show: false,
    backgroundColor: '#11151c',
    title: 'RoSAS Workbench',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // The spellchecker downloads dictionaries; this app never goes online.
      spellcheck: false,
    },
  });
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    if (!win.isDestroyed()) win.webContents.send(`event:${event}`, payload);
  };
  const session = new Session({ emit, purpose: 'RoSAS Workbench', log });
  const recent = new RecentProjects(app.getPath('userData'));
  // Per window: a file chosen in one window's dialog is not thereby open to another window's page.
  const grants = new PathGrants(recent);
  const base = createHandlers({ mode: 'desktop', session, recent, dialogs: grantingDialogs(nativeDialogs(win), grants) });
  const ctx: WindowContext = { win, session, closing: false, paths: desktopPolicy(grants), handlers: { ...base, 'project.open': (req) => openHere(ctx, base, req) } };
  contexts.set(win.id, ctx);

  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (ctx.closing) return;
    event.preventDefault();
    void confirmClose(ctx);
  });
  win.on('closed', () => {
    contexts.delete(win.id);
    if (quitting && contexts.size === 0) app.quit();
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** A project file is open in one window at most: asking for it again brings that window up. */
async function openHere(ctx: WindowContext, base: Handlers, req: Parameters<Handlers['project.open']>[0]) {
  const wanted = path.resolve(req.path);
  for (const other of contexts.values()) {
    if (other !== ctx && other.session.projectPath === wanted) {
      other.win.focus();
      throw new ApiError('project-locked', `${wanted} is already open in another window`);
    }
  }
  return base['project.open'](req);
}

/** Closing mid-job asks first; then the job is cancelled and rolled back before the window goes. */
async function confirmClose(ctx: WindowContext): Promise<void> {
  const running = ctx.session.runningJobs();
  if (running.length) {
    const training = running.some((j) => j.kind === 'train');
    const { response } = await dialog.showMessageBox(ctx.win, {
      type: 'question',
      buttons: ['Keep working', training ? 'Cancel training and close' : 'Cancel import and close'],
      defaultId: 0,
      cancelId: 0,
      message: training ? 'A training round is still running.' : 'An import is still running.',
      detail: training
        ? 'Closing cancels it: no round is saved. Your labels are saved already and stay.'
        : 'Closing cancels it: the file being imported is rolled back; files already imported are kept.',
    });
    if (response !== 1) {
      quitting = false;
      return;
    }
  }
  ctx.closing = true;
  try {
    await ctx.session.close();
  } catch (err) {
    log('closing the project failed', err);
  }
  if (!ctx.win.isDestroyed()) ctx.win.close();
}

app.on('before-quit', () => {
  quitting = true;
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin' || quitting) app.quit();
});

app.on('activate', () => {
  if (contexts.size === 0 && app.isReady()) createWindow();
});

function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [{ label: 'New Window', accelerator: 'CmdOrCtrl+N', click: () => createWindow() }, { type: 'separator' }, { role: 'close' }, ...(process.platform === 'darwin' ? [] : [{ role: 'quit' as const }])],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
