import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { currentLabels } from '../../../src-main/core/labels/labels';
import { openProject } from '../../../src-main/core/project/project';
import { REPO, tempDir } from '../../helpers/samples';
import { addRecords } from './records';

/** The child script, bundled inside the repo so that it finds migrations/ and node_modules. */
const CHILD = path.join(REPO, 'node_modules', '.cache', 'rosas-test', `label-child-${process.pid}.mjs`);

beforeAll(async () => {
  await build({
    entryPoints: [path.join(REPO, 'test/unit/labels/label-child.ts')],
    outfile: CHILD,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return () => fs.rmSync(CHILD, { force: true });
});

/** Starts the child on ids [from, to]; kills it with SIGKILL once it has printed `after` ids; returns the ids it printed. */
async function labelAndKill(file: string, from: number, to: number, after: number): Promise<{ printed: number[]; killed: boolean }> {
  const child = spawn(process.execPath, [CHILD, file, String(from), String(to)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let killed = false;
  child.stderr.on('data', (d) => (err += d));
  child.stdout.on('data', (d) => {
    out += d;
    if (!killed && out.split('\n').length - 1 >= after) {
      killed = child.kill('SIGKILL');
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('close', (c, s) => r([c, s])));
  if (!killed) throw new Error(`the child finished before it was killed (exit ${code}): ${err}`);
  expect(signal).toBe('SIGKILL');
  // Only whole lines: a line cut by the kill names an id whose call returned, but we cannot be sure of it.
  const printed = out
    .split('\n')
    .slice(0, -1)
    .map(Number);
  return { printed, killed };
}

describe('a process killed while labeling', () => {
  it('loses no label whose call returned, and keeps no half-written change', async () => {
    const file = path.join(tempDir(), 'p.rosas');
    const setup = openProject(file, { create: true });
    const ids = addRecords(setup.db, 5000);
    setup.close();

    let from = ids[0]!;
    for (const after of [150, 40, 300]) {
      const { printed } = await labelAndKill(file, from, ids[ids.length - 1]!, after);
      expect(printed.length).toBeGreaterThanOrEqual(after);
      expect(printed[0]).toBe(from);

      const p = openProject(file); // takes over the killed process's lock
      expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const labels = currentLabels(p.db);
      const last = printed[printed.length - 1]!;
      // Every id printed has its label; beyond those, at most the one call in flight when killed.
      for (const id of printed) expect(labels.get(id), `record ${id}`).toBe(id % 3 === 0 ? 'normal' : 'anomaly');
      const extra = [...labels.keys()].filter((id) => id > last);
      expect(extra.length).toBeLessThanOrEqual(1);
      if (extra.length) expect(extra[0]).toBe(last + 1);
      // Each label and its history entry landed together or not at all.
      const history = p.db.prepare('SELECT record_id, label, note FROM label_history ORDER BY id').all() as Array<{ record_id: number; label: string; note: string }>;
      expect(history.length).toBe(labels.size);
      for (const h of history) {
        expect(labels.get(h.record_id)).toBe(h.label);
        expect(h.note).toBe(`note ${h.record_id}`);
      }
      from = Math.max(last, ...extra) + 1;
      p.close();
    }
  });
});
