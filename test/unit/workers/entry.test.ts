import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledWorker, workerFile, type WorkerEntry } from '../../../src-main/core/workers/entry';
import { runTask } from '../../../src-main/core/workers/run-task';

// An entry of its own, written here: changing one of its inputs must bring a new bundle.
const DIR = path.join('node_modules', '.cache', 'rosas-test', `worker-entry-${process.pid}`);
const entry: WorkerEntry = { name: `test-entry-${process.pid}`, source: path.join(DIR, 'entry.ts') };
const made: string[] = [];

function writeAnswer(answer: number, mtime: Date): void {
  const file = path.join(DIR, 'answer.ts');
  fs.writeFileSync(file, `export const answer = ${answer};\n`);
  fs.utimesSync(file, mtime, mtime);
}

afterAll(() => {
  fs.rmSync(DIR, { recursive: true, force: true });
  for (const f of made) fs.rmSync(f, { force: true });
  for (const f of made) fs.rmSync(`${f}.inputs.json`, { force: true });
});

describe('workerFile', () => {
  it('from sources, bundles an entry that has no build, once, and again when one of its inputs changes', async () => {
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(
      path.join(DIR, 'entry.ts'),
      "import { serveTask } from '../../../../src-main/core/workers/serve-task';\nimport { answer } from './answer';\nserveTask(async () => answer);\n",
    );
    writeAnswer(1, new Date(Date.now() - 60_000));
    expect(bundledWorker(entry)).toBeNull();
    const file = await workerFile(entry);
    made.push(file);
    expect(file).toContain(path.join('node_modules', '.cache', 'rosas-workers', `${entry.name}-`));
    const run = () => runTask<null, number, never>(entry, null, { what: 'test', thread: 'the test thread' });
    expect(await run()).toBe(1);

    const bundled = fs.statSync(file).mtimeMs;
    expect(await workerFile(entry)).toBe(file);
    expect(fs.statSync(file).mtimeMs).toBe(bundled);

    writeAnswer(2, new Date(Date.now() - 30_000));
    expect(await workerFile(entry)).toBe(file);
    expect(await run()).toBe(2);
  });
});
