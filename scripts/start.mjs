// npm start (after prestart built main and renderer): the desktop window when Electron can run
// on this machine, else the same UI from the local server (`rosas serve`) in a browser.
// Never downloads anything on its own: the app is for machines without network.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** The Electron binary, or why there is none. Reads what `require('electron')` would, without its download. */
function findElectron() {
  let dir;
  try {
    dir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(dir, 'path.txt');
  const name = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
    return fs.existsSync(bin) ? { bin } : { reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${path.basename(bin)}` };
  }
  const bin = name ? path.join(dir, 'dist', name) : null;
  if (bin && fs.existsSync(bin)) return { bin };
  if (process.env.ROSAS_ELECTRON_DOWNLOAD === '1') {
    console.log('Downloading the Electron binary (ROSAS_ELECTRON_DOWNLOAD=1)…');
    const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], { stdio: 'inherit', timeout: DOWNLOAD_TIMEOUT_MS });
    if (r.status === 0) return findElectronAfterDownload(dir);
    return { reason: `downloading the Electron binary failed${r.error?.code === 'ETIMEDOUT' ? ` (no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s)` : ''}` };
  }
  return { reason: 'the Electron binary is not installed (node_modules/electron/dist is missing; set ROSAS_ELECTRON_DOWNLOAD=1 on a machine with internet to fetch it)' };
}

function findElectronAfterDownload(dir) {
  const name = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
  const bin = path.join(dir, 'dist', name);
  return fs.existsSync(bin) ? { bin } : { reason: 'the Electron download did not produce a binary' };
}

function noDisplay() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

/** Runs a child in the foreground: Ctrl-C reaches it directly; we wait for it and pass on its exit code. */
function run(command, argv, env = process.env) {
  const child = spawn(command, argv, { cwd: repo, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', () => {}); // the terminal sends it to the child too; wait for the child to finish
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + 2 : 1);
  });
}

const electron = findElectron();
const why = 'bin' in electron ? (noDisplay() ? 'there is no display (DISPLAY / WAYLAND_DISPLAY unset)' : null) : electron.reason;
if (why === null) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  run(electron.bin, [repo, ...args], env);
} else {
  console.log(`Desktop window not available: ${why}. Starting the local server instead; open the address below in a browser on this machine.`);
  run(process.execPath, [path.join(repo, 'dist-main', 'cli.js'), 'serve', ...args]);
}
