import { describe, expect, it } from 'vitest';
import { ExportState } from './export-state.svelte';
import { FakeApi } from './testing/fake-api';

describe('ExportState', () => {
  it('exports the labeled findings as CSV beside the project by default', async () => {
    const api = new FakeApi().answer('export.run', (r) => ({ file: `/cases/a-findings.${r.format}`, format: r.format, records: 3, round: 2 }));
    const exp = new ExportState(api);
    expect(await exp.run()).toBe(true);
    expect(api.requestsOf('export.run')).toEqual([{ format: 'csv', onlyLabeled: true }]);
    expect(exp.result).toEqual({ file: '/cases/a-findings.csv', format: 'csv', records: 3, round: 2 });
  });

  it('sends the path, round and format chosen', async () => {
    const api = new FakeApi().answer('export.run', { file: '/tmp/x.ndjson', format: 'ndjson', records: 10, round: 1 });
    const exp = new ExportState(api);
    exp.format = 'ndjson';
    exp.onlyLabeled = false;
    exp.path = '  /tmp/x.ndjson ';
    exp.round = 1;
    await exp.run();
    expect(api.requestsOf('export.run')).toEqual([{ format: 'ndjson', onlyLabeled: false, path: '/tmp/x.ndjson', round: 1 }]);
  });

  it('offers to replace a file that exists, and replaces it only when asked', async () => {
    const api = new FakeApi().fail('export.run', 'exists', '/tmp/x.csv exists already');
    const exp = new ExportState(api);
    exp.path = '/tmp/x.csv';
    expect(await exp.run()).toBe(false);
    expect(exp.exists).toBe(true);
    expect(exp.error).toMatch(/exists already/);
    api.answer('export.run', { file: '/tmp/x.csv', format: 'csv', records: 1, round: 1 });
    expect(await exp.run(true)).toBe(true);
    expect(api.requestsOf('export.run').at(-1)).toMatchObject({ overwrite: true });
    expect(exp.exists).toBe(false);
  });

  it('reports a cancelled save dialog as nothing exported', async () => {
    const api = new FakeApi('desktop').answer('export.run', { file: null, format: 'csv', records: 0, round: 1 });
    const exp = new ExportState(api);
    expect(await exp.run()).toBe(false);
    expect(exp.error).toBeNull();
  });
});
