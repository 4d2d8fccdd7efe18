import { describe, expect, it, vi } from 'vitest';
import { ImportState } from './import-state.svelte';
import { FakeApi } from './testing/fake-api';
import { preview, summary } from './testing/fixtures';

const progress = (over: Partial<{ fileIndex: number; files: number; bytesRead: number; records: number; stage: 'hashing' | 'reading' | 'saving' }> = {}) => ({
  file: '/logs/conn.log',
  stage: 'reading' as const,
  bytesRead: 512,
  bytesTotal: 2048,
  records: 100,
  quarantined: 1,
  fileIndex: 0,
  files: 1,
  ...over,
});

function setup() {
  const api = new FakeApi().answer('import.preview', preview()).answer('import.start', { jobId: 'job-1' }).answer('job.cancel', null);
  let t = 0;
  const clock = { advance: (ms: number) => (t += ms) };
  const onImported = vi.fn();
  const imp = new ImportState(api, onImported, () => t);
  return { api, imp, clock, onImported };
}

describe('ImportState', () => {
  it('previews the first file and keeps the inferred roles', async () => {
    const { api, imp } = setup();
    await imp.previewFiles([' /logs/conn.log ', '', '/logs/more.log']);
    expect(imp.stage).toBe('preview');
    expect(imp.files).toEqual(['/logs/conn.log', '/logs/more.log']);
    expect(api.requestsOf('import.preview')).toEqual([{ file: '/logs/conn.log' }]);
    expect(imp.roleOf('orig_bytes')).toBe('numeric');
  });

  it('asks for a path instead of calling with none', async () => {
    const { api, imp } = setup();
    await imp.previewFiles(['  ']);
    expect(imp.error).toMatch(/path/);
    expect(api.calls).toHaveLength(0);
  });

  it('goes back to choosing when the preview fails', async () => {
    const { api, imp } = setup();
    api.fail('import.preview', 'not-found', '/nope: no such file');
    await imp.previewFiles(['/nope']);
    expect(imp.stage).toBe('choose');
    expect(imp.error).toBe('/nope: no such file');
  });

  it('sends only the roles the analyst changed, and the ground-truth column apart', async () => {
    const { api, imp } = setup();
    imp.format = 'zeek-tsv';
    await imp.previewFiles(['/logs/conn.log']);
    imp.setRole('orig_bytes', 'ignore');
    imp.setRole('id.orig_h', 'ip'); // unchanged: not sent
    imp.setRole('uri', 'categorical');
    imp.setRole('uri', 'text'); // changed back: not sent
    imp.setLabelColumn('label');
    expect(imp.roleOf('label')).toBe('label');
    await imp.start();
    expect(api.requestsOf('import.start')).toEqual([
      { files: ['/logs/conn.log'], options: { format: 'zeek-tsv', labelColumn: 'label', roles: { orig_bytes: 'ignore' } } },
    ]);
    expect(imp.stage).toBe('running');
    expect(imp.jobId).toBe('job-1');
  });

  it('follows progress of its own job only, with a records/s rate', async () => {
    const { api, imp, clock } = setup();
    await imp.previewFiles(['/logs/conn.log']);
    await imp.start();
    api.emit('job.progress', { jobId: 'other', kind: 'import', progress: progress({ records: 999 }) });
    expect(imp.progress).toBeNull();
    api.emit('job.progress', { jobId: 'job-1', kind: 'import', progress: progress({ records: 100 }) });
    clock.advance(1000);
    api.emit('job.progress', { jobId: 'job-1', kind: 'import', progress: progress({ records: 1100, bytesRead: 1024 }) });
    expect(imp.records).toBe(1100);
    expect(imp.rate).toBe(1000);
    expect(imp.fraction).toBe(0.5);
  });

  it('adds up records over several files', async () => {
    const { api, imp } = setup();
    await imp.previewFiles(['/a', '/b']);
    await imp.start();
    api.emit('job.progress', { jobId: 'job-1', kind: 'import', progress: progress({ records: 300, files: 2, bytesRead: 2048 }) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'import', progress: progress({ records: 50, files: 2, fileIndex: 1, bytesRead: 1024 }) });
    expect(imp.records).toBe(350);
    expect(imp.fraction).toBe(0.75);
  });

  it('shows the summary when the job finishes and tells the project to reload', async () => {
    const { api, imp, onImported } = setup();
    await imp.previewFiles(['/logs/conn.log']);
    await imp.start();
    api.emit('job.finished', { jobId: 'job-1', kind: 'import', result: { imported: [summary()], failed: [], cancelled: false } });
    expect(imp.stage).toBe('done');
    expect(imp.result?.imported[0]?.records).toBe(2);
    expect(onImported).toHaveBeenCalledOnce();
  });

  it('does not miss a job that finishes before its start call returns', async () => {
    const { api, imp } = setup();
    await imp.previewFiles(['/logs/conn.log']);
    api.answer('import.start', () => {
      api.emit('job.finished', { jobId: 'fast', kind: 'import', result: { imported: [summary()], failed: [], cancelled: false } });
      return { jobId: 'fast' };
    });
    await imp.start();
    expect(imp.stage).toBe('done');
  });

  it('cancels its job, and shows a failed job as an error', async () => {
    const { api, imp } = setup();
    await imp.previewFiles(['/logs/conn.log']);
    await imp.start();
    await imp.cancel();
    expect(api.requestsOf('job.cancel')).toEqual([{ jobId: 'job-1' }]);
    expect(imp.cancelling).toBe(true);
    api.emit('job.finished', { jobId: 'job-1', kind: 'import', error: { code: 'internal', message: 'internal error (details are in the log)' } });
    expect(imp.stage).toBe('preview');
    expect(imp.error).toMatch(/internal error/);
    expect(imp.cancelling).toBe(false);
  });

  it('picks up an import still running after a reload', async () => {
    const { api, imp } = setup();
    api.answer('jobs.list', [{ jobId: 'job-9', kind: 'import', progress: progress({ records: 42 }) }]);
    await imp.resume();
    expect(imp.stage).toBe('running');
    expect(imp.records).toBe(42);
    api.emit('job.finished', { jobId: 'job-9', kind: 'import', result: { imported: [summary()], failed: [], cancelled: false } });
    expect(imp.stage).toBe('done');
  });

  it('stays put when nothing is running', async () => {
    const { api, imp } = setup();
    api.answer('jobs.list', []);
    await imp.resume();
    expect(imp.stage).toBe('choose');
  });

  it('stops listening when disposed', () => {
    const { api, imp } = setup();
    expect(api.listenerCount('job.finished')).toBe(1);
    imp.dispose();
    expect(api.listenerCount('job.finished')).toBe(0);
    expect(api.listenerCount('job.progress')).toBe(0);
  });
});
