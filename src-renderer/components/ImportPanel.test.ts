import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportState } from '../lib/import-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { appInfo, preview, summary } from '../lib/testing/fixtures';
import ImportPanel from './ImportPanel.svelte';

afterEach(cleanup);

function setup(desktop = false) {
  const api = new FakeApi(desktop ? 'desktop' : 'serve').answer('import.preview', preview()).answer('import.start', { jobId: 'j' });
  const imp = new ImportState(api);
  const shown: number[] = [];
  const view = render(ImportPanel, { imp, desktop, roles: appInfo.roles, formats: appInfo.formats, onshowquarantine: (id: number) => shown.push(id) });
  return { api, imp, shown, ...view };
}

describe('ImportPanel', () => {
  it('has a path field in serve mode and a file dialog button on the desktop', () => {
    const serve = setup(false);
    expect(serve.queryByRole('button', { name: 'Choose files…' })).toBeNull();
    expect(serve.getByLabelText('Log file path')).toBeTruthy();
    cleanup();
    // The desktop app reads only files chosen in its dialog: no field to type a path into.
    const desktop = setup(true);
    expect(desktop.getAllByRole('button', { name: 'Choose files…' })).toHaveLength(1);
    expect(desktop.queryByLabelText('Log file path')).toBeNull();
  });

  it('previews a typed path, marks the ground-truth column and starts the import', async () => {
    const { api, imp, getByLabelText, getByRole, findByText } = setup();
    await fireEvent.input(getByLabelText('Log file path'), { target: { value: '/logs/conn.log' } });
    await fireEvent.click(getByRole('button', { name: 'Preview' }));
    await findByText('Zeek TSV log');
    expect(getByRole('button', { name: 'Import file' })).toBeTruthy();
    await fireEvent.click(getByLabelText('label holds ground truth'));
    expect(imp.labelColumn).toBe('label');
    expect((getByLabelText('Role of field label') as HTMLSelectElement).disabled).toBe(true);
    await fireEvent.change(getByLabelText('Role of field orig_bytes'), { target: { value: 'ignore' } });
    await fireEvent.click(getByRole('button', { name: 'Import file' }));
    expect(api.requestsOf('import.start')[0]?.options).toEqual({ labelColumn: 'label', roles: { orig_bytes: 'ignore' } });
    expect(getByRole('progressbar', { name: 'Import progress' })).toBeTruthy();
  });

  it('shows progress, then a summary from which quarantined lines can be opened', async () => {
    const { api, imp, getByRole, getByText, shown } = setup();
    await imp.previewFiles(['/logs/conn.log']);
    await imp.start();
    api.emit('job.progress', {
      jobId: 'j',
      kind: 'import',
      progress: { file: '/logs/conn.log', stage: 'reading', bytesRead: 1024, bytesTotal: 2048, records: 1234, quarantined: 0, fileIndex: 0, files: 1 },
    });
    flushSync();
    expect(getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    expect(getByText(/1,234 records/)).toBeTruthy();
    const lines = { read: 2006, inRecords: 2000, inQuarantine: 3, header: 1, blank: 2, structure: 0 };
    api.emit('job.finished', { jobId: 'j', kind: 'import', result: { imported: [summary({ sourceId: 4, quarantined: 3, lines })], failed: [], cancelled: false } });
    flushSync();
    // Every line of the file is accounted for in the summary.
    expect(getByText('2,006 lines: 2,000 in records, 3 quarantined, 1 header, 2 blank')).toBeTruthy();
    await fireEvent.click(getByRole('button', { name: 'View quarantined lines' }));
    expect(shown).toEqual([4]);
  });

  it('takes several paths, one per line, and offers to import again what was imported before', async () => {
    const { api, imp, getByLabelText, getByRole, findByText } = setup();
    await fireEvent.input(getByLabelText('Log file path'), { target: { value: ' /logs/a.log\n\n/logs/b.log \n' } });
    await fireEvent.click(getByRole('button', { name: 'Preview' }));
    await findByText('Zeek TSV log');
    expect(imp.files).toEqual(['/logs/a.log', '/logs/b.log']);
    expect(api.requestsOf('import.preview')).toEqual([{ file: '/logs/a.log' }]);
    await fireEvent.click(getByRole('button', { name: 'Import 2 files' }));
    expect(api.requestsOf('import.start')[0]?.files).toEqual(['/logs/a.log', '/logs/b.log']);
    const failed = [{ file: '/logs/b.log', code: 'duplicate-source', message: 'already imported (same content as source #1)' }];
    api.emit('job.finished', { jobId: 'j', kind: 'import', result: { imported: [summary({ sourceId: 2 })], failed, cancelled: false } });
    flushSync();
    // No CLI flag in the UI: the action itself.
    expect(getByRole('alert').textContent).not.toMatch(/--again/);
    await fireEvent.click(getByRole('button', { name: 'Import it again anyway' }));
    expect(api.requestsOf('import.start')[1]).toEqual({ files: ['/logs/b.log'], options: { again: true } });
  });
});
