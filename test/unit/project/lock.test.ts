import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { acquireLock, lockPath } from '../../../src-main/core/project/lock';
import { processStart } from '../../../src-main/core/util/process-start';
import { REPO, tempDir } from '../../helpers/samples';

/** lock.ts as a script that plain `node` processes can require. */
function lockModule(dir: string): string {
  const out = path.join(dir, 'lock.cjs');
  buildSync({ entryPoints: [path.join(REPO, 'src-main/core/project/lock.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
  return out;
}

/**
 * A contender: waits for the start signal, takes the lock (retrying while a live process holds
 * it), notes "enter"/"leave" in the log while holding it, and exits without releasing it, so the
 * next contender must take over a stale lock.
 */
const CONTENDER = `
const fs = require('fs');
const [, , mod, project, log, startAt] = process.argv;
const { acquireLock } = require(mod);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
while (Date.now() < Number(startAt)) sleep(1);
for (;;) {
  try { acquireLock(project, 'race'); break; }
  catch (e) { if (e.code !== 'project-locked') throw e; sleep(Math.random() * 2); }
}
fs.appendFileSync(log, 'enter ' + process.pid + '\\n');
sleep(3);
fs.appendFileSync(log, 'leave ' + process.pid + '\\n');
process.exit(0);
`;

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The folder's files besides those given. */
function others(dir: string, ...known: string[]): string[] {
  return fs.readdirSync(dir).filter((f) => !known.includes(f));
}

describe('the project lock', () => {
  it('is held by one process at a time while 8 processes race to take over stale locks', async () => {
    const dir = tempDir();
    const mod = lockModule(dir);
    const script = path.join(dir, 'contender.cjs');
    fs.writeFileSync(script, CONTENDER);
    const project = path.join(dir, 'p.rosas');
    const log = path.join(dir, 'log');
    const rounds = 4;
    const contenders = 8;
    for (let round = 0; round < rounds; round++) {
      // A process takes the lock and ends: the lock everybody then races for is stale.
      const seed = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(mod)}).acquireLock(${JSON.stringify(project)}, 'seed')`]);
      expect(seed.status, String(seed.stderr)).toBe(0);
      expect(fs.existsSync(lockPath(project))).toBe(true);
      const startAt = Date.now() + 1500;
      const children = Array.from({ length: contenders }, () => spawn(process.execPath, [script, mod, project, log, String(startAt)], { stdio: ['ignore', 'ignore', 'pipe'] }));
      const stderr: string[] = children.map(() => '');
      children.forEach((c, i) => c.stderr!.on('data', (d) => (stderr[i] += d)));
      const codes = await Promise.all(children.map(exited));
      expect(codes, stderr.join('\n')).toEqual(children.map(() => 0));
    }
    // Every holder left before the next one entered.
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2 * rounds * contenders);
    for (let i = 0; i < lines.length; i += 2) {
      const pid = lines[i]!.split(' ')[1];
      expect([lines[i], lines[i + 1]], `line ${i + 1}`).toEqual([`enter ${pid}`, `leave ${pid}`]);
    }
    // Nothing left but the last holder's (stale) lock.
    expect(others(dir, 'lock.cjs', 'contender.cjs', 'log', 'p.rosas.lock')).toEqual([]);
  }, 120_000);

  it.skipIf(process.platform !== 'linux')('takes over a lock whose PID now belongs to another process', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'p.rosas');
    const lock = lockPath(project);
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((r) => other.once('spawn', r));
      const start = processStart(other.pid!);
      expect(start).toMatch(/\/\d+$/);
      const writeLock = (started: string) => {
        fs.rmSync(lock, { recursive: true, force: true });
        fs.mkdirSync(lock);
        const info = { pid: other.pid, host: os.hostname(), purpose: 'rosas serve', since: '2024-06-01T10:00:00.000Z', started };
        fs.writeFileSync(path.join(lock, 'owner-0123456789abcdef.json'), JSON.stringify(info));
      };
      // The process that wrote the lock is that one: the project is open there.
      writeLock(start!);
      expect(() => acquireLock(project, 'test')).toThrow(expect.objectContaining({ code: 'project-locked', message: expect.stringContaining(`process ${other.pid} (rosas serve`) }));
      // Its PID was given to another process since: the lock is stale.
      writeLock(start!.replace(/\d+$/, (t) => String(Number(t) - 1)));
      const release = acquireLock(project, 'test');
      const owners = fs.readdirSync(lock);
      expect(owners).toHaveLength(1);
      expect(JSON.parse(fs.readFileSync(path.join(lock, owners[0]!), 'utf8'))).toMatchObject({ pid: process.pid, started: processStart(process.pid) });
      release();
      expect(fs.existsSync(lock)).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('names its path when the project is open elsewhere', async () => {
    const dir = tempDir();
    const mod = lockModule(dir);
    const project = path.join(dir, 'p.rosas');
    const holder = spawn(process.execPath, ['-e', `require(${JSON.stringify(mod)}).acquireLock(${JSON.stringify(project)}, 'rosas serve'); console.log('held'); setInterval(() => {}, 1000)`]);
    try {
      await new Promise((r) => holder.stdout.once('data', r));
      let message = '';
      try {
        acquireLock(project, 'test');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain(`project is open in process ${holder.pid} (rosas serve`);
      expect(message).toContain(lockPath(project));
    } finally {
      holder.kill('SIGKILL');
      await exited(holder);
    }
    // The holder was killed: its lock is taken over, and released without a trace.
    const release = acquireLock(project, 'test');
    release();
    expect(others(dir, 'lock.cjs')).toEqual([]);
  });
});
