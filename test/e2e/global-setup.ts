import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { CHROMIUM } from '../../playwright.config';

/**
 * Builds the app, then runs `rosas serve` as the analyst would, with its own HOME and config
 * folder, and hands its URL to the tests in ROSAS_E2E_URL. The returned function stops it.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync(CHROMIUM)) {
    // Fail, never skip: a missing browser must not pass as a green run.
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with apt-get install -y chromium (or set ROSAS_CHROMIUM)`);
  }
  const repo = path.resolve(import.meta.dirname, '..', '..');
  if (process.env.ROSAS_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, ['scripts/build-main.mjs'], { cwd: repo, stdio: 'inherit' });
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-e2e-'));
  const env = { ...process.env, HOME: home, ROSAS_CONFIG_DIR: path.join(home, 'config'), XDG_CONFIG_HOME: path.join(home, '.config') };
  const server = spawn(process.execPath, ['dist-main/cli.js', 'serve', '--port', '0', '--json'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  // The server's log (internal errors are logged there, not shown in the page), kept for a failed run.
  fs.mkdirSync(path.join(repo, 'test-results'), { recursive: true });
  const log = fs.createWriteStream(path.join(repo, 'test-results', 'serve.log'));
  server.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    log.write(c);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rosas serve printed no URL within 20 s\n${stderr}`)), 20_000);
    server.once('exit', (code) => reject(new Error(`rosas serve exited with ${code}\n${stderr}`)));
    readline.createInterface({ input: server.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`rosas serve --json printed ${line}`));
      }
    });
  });
  process.env.ROSAS_E2E_URL = url;
  process.env.ROSAS_E2E_HOME = home;

  return async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    log.end();
    fs.rmSync(home, { recursive: true, force: true });
  };
}
