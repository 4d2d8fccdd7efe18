import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/core/project/project';
import { importFile } from '../../src-main/core/ingest/import';
import { projectDigest } from '../helpers/project';
import { CLI } from '../helpers/cli';
import { samplePath, tempDir } from '../helpers/samples';

/** A Zeek conn log big enough that its import takes a few seconds. */
function bigConnLog(dir: string, copies: number): string {
  const lines = fs.readFileSync(samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled'), 'utf8').split('\n');
  const header = lines.filter((l) => l.startsWith('#')).join('\n');
  const rows = lines.filter((l) => l && !l.startsWith('#')).join('\n');
  const file = path.join(dir, 'big.conn.log');
  fs.writeFileSync(file, `${header}\n`);
  for (let i = 0; i < copies; i++) fs.appendFileSync(file, `${rows}\n`);
  return file;
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('killing an import midway', () => {
  it('leaves a project that opens and holds exactly what it held before', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.rosas');
    const first = openProject(file, { create: true });
    await importFile(first.db, samplePath('zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled'));
    const before = projectDigest(first);
    first.close();

    const big = bigConnLog(dir, 80); // ~450k records
    const child = spawn(process.execPath, [CLI, 'import', file, big], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Records are being written once the write-ahead log grows.
    await waitFor(() => fs.existsSync(`${file}-wal`) && fs.statSync(`${file}-wal`).size > 8 * 1024 * 1024, 60_000).catch(() => {
      throw new Error(`the import never got going: ${stderr}`);
    });
    child.kill('SIGKILL');
    expect(await exited).toBe(null);

    const after = openProject(file); // takes over the dead process's lock
    expect(projectDigest(after)).toBe(before);
    expect(after.db.pragma('integrity_check', { simple: true })).toBe('ok');
    after.close();
  });
});
