import { describe, expect, it } from 'vitest';
import { CancelledError, RosasError } from '../../../src-main/core/errors';
import type { WorkerEntry } from '../../../src-main/core/workers/entry';
import { runTask } from '../../../src-main/core/workers/run-task';
import type { TaskInput } from './fixtures/task-worker';

// Not in dist-main/: these run the entry bundled on the fly (dev-bundle.ts).
const ENTRY: WorkerEntry = { name: 'test-task-worker', source: 'test/unit/workers/fixtures/task-worker.ts' };
const run = (input: TaskInput, opts: { signal?: AbortSignal; onProgress?: (p: number) => void; graceMs?: number } = {}) =>
  runTask<TaskInput, number, number>(ENTRY, input, { what: 'task', thread: 'the test thread', ...opts });

describe('runTask', () => {
  it('returns the output, after every progress report', async () => {
    const seen: number[] = [];
    await expect(run({ mode: 'count', n: 5 }, { onProgress: (p) => seen.push(p) })).resolves.toBe(10);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects with the task’s error, code and place kept', async () => {
    const err = await run({ mode: 'fail' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RosasError);
    expect(err).toMatchObject({ code: 'format', message: 'x.log:3: bad line', where: { file: 'x.log', line: 3 } });
  });

  it('names the thread when it ends without an answer', async () => {
    await expect(run({ mode: 'crash' })).rejects.toThrow('the test thread stopped unexpectedly (exit code 7)');
  });

  it('cancels: the task winds down, or its thread is stopped after the grace period', async () => {
    const before = new AbortController();
    before.abort();
    await expect(run({ mode: 'count', n: 1 }, { signal: before.signal })).rejects.toThrow(new CancelledError('task'));

    const polite = new AbortController();
    setTimeout(() => polite.abort(), 200);
    await expect(run({ mode: 'wait' }, { signal: polite.signal })).rejects.toThrow(new CancelledError('waiting'));

    const stubborn = new AbortController();
    setTimeout(() => stubborn.abort(), 200);
    await expect(run({ mode: 'stubborn' }, { signal: stubborn.signal, graceMs: 100 })).rejects.toThrow(new CancelledError('task'));
  });
});
