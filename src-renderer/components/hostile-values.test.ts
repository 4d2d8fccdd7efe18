import { cleanup, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportState } from '../lib/import-state.svelte';
import { QuarantineState } from '../lib/quarantine-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { appInfo, HOSTILE, preview } from '../lib/testing/fixtures';
import FieldsTable from './FieldsTable.svelte';
import ImportPanel from './ImportPanel.svelte';
import QuarantineTable from './QuarantineTable.svelte';
import RecordsTable from './RecordsTable.svelte';

afterEach(cleanup);

/** Log values are attacker-controlled: every one must reach the page as text, never as markup. */
function expectInert(container: HTMLElement) {
  expect(container.querySelector('img')).toBeNull();
  expect(container.querySelector('[onerror]')).toBeNull();
  expect(container.textContent).toContain(HOSTILE);
}

describe('hostile values are shown as text', () => {
  it('in a records table, as values and as column names', () => {
    const { container } = render(RecordsTable, {
      columns: ['uri', HOSTILE],
      records: [{ line: 3, fields: { uri: HOSTILE, [HOSTILE]: [HOSTILE, 'x'] } }],
      caption: 'records',
    });
    expectInert(container);
    expect(container.querySelectorAll('td.value')[0]!.textContent).toBe(HOSTILE);
  });

  it('in the quarantine table', async () => {
    const api = new FakeApi().answer('quarantine.list', { rows: [{ sourceId: 1, fileName: HOSTILE, line: 7, reason: HOSTILE, raw: HOSTILE }], total: 1 });
    const quarantine = new QuarantineState(api);
    await quarantine.show(1);
    const { container } = render(QuarantineTable, { quarantine });
    expectInert(container);
    expect(container.querySelector('td.raw')!.textContent).toBe(HOSTILE);
  });

  it('in the fields table, as a field name', () => {
    const { container, getByLabelText } = render(FieldsTable, {
      fields: [{ name: HOSTILE, type: 'string', role: 'text', inferredRole: 'text', roleOverride: null, why: HOSTILE, present: 1, distinct: 1 }],
      roles: appInfo.roles,
      onsetrole: () => {},
    });
    expectInert(container);
    expect(getByLabelText(`Role of field ${HOSTILE}`)).toBeTruthy();
  });

  it('in the import preview', async () => {
    const api = new FakeApi().answer('import.preview', preview());
    const imp = new ImportState(api);
    await imp.previewFiles(['/logs/conn.log']);
    const { container } = render(ImportPanel, { imp, desktop: false, roles: appInfo.roles, formats: appInfo.formats, onshowquarantine: () => {} });
    expectInert(container);
  });
});
