import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO } from './samples';

/** The built CLI, as `npm run build:main` leaves it (the tests run it as a user would). */
export const CLI = path.join(REPO, 'dist-main', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rosas <args>` to the end; `env` replaces the environment (default: this process's). */
export function runRosas(args: string[], env?: NodeJS.ProcessEnv): CliRun {
  // Room for a whole small project as JSON (spawnSync's default is 1 MB).
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...(env ? { env } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `rosas <args>`: its exit code, stdout and stderr. */
export function rosas(...args: string[]): CliRun {
  return runRosas(args);
}

/** `rosas <args> --json`, which must succeed: its one JSON document. */
export function rosasJson(...args: string[]) {
  const r = rosas(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
