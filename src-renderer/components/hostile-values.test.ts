import { cleanup, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ReviewState } from '../lib/review-state.svelte';
import { detail, reviewBackend } from '../lib/testing/review-fixtures';
import DetailPane from './DetailPane.svelte';
import ExplanationBars from './ExplanationBars.svelte';
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

  it('in the detail pane: raw text, fields, note, history and explanation', async () => {
    const api = new FakeApi();
    reviewBackend(api, 5);
    const l = { label: 'anomaly' as const, note: HOSTILE };
    api.answer('record.get', (r) =>
      detail(r.id, l, {
        raw: `GET /?q=${HOSTILE} <script>alert(2)</script>`,
        fields: [
          { name: HOSTILE, value: HOSTILE, role: 'text' },
          { name: 'url', value: 'javascript:alert(3)', role: 'text' },
          { name: 'list', value: [HOSTILE, 'x'], role: 'text' },
        ],
        source: HOSTILE,
        history: [{ id: 1, recordId: r.id, label: 'anomaly', previous: null, note: HOSTILE, author: HOSTILE, at: '2024-06-01T10:00:00.000Z' }],
      }),
    );
    api.answer('record.explain', (r) => ({ recordId: r.id, round: 1, method: 'iforest', technique: 'occlusion', score: 1, typicalScore: 0, fields: [{ field: HOSTILE, value: HOSTILE, contribution: 0.4, columns: [] }] }));
    const review = new ReviewState(api);
    await review.load();
    review.openDetail();
    await new Promise((r) => setTimeout(r, 0));
    const { container } = render(DetailPane, { review, onclose: () => {}, onleave: () => {} });
    await tick();
    expectInert(container);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('a')).toBeNull();
    expect(container.querySelector('pre.raw')!.textContent).toBe(`GET /?q=${HOSTILE} <script>alert(2)</script>`);
    expect(container.textContent).toContain('javascript:alert(3)');
    expect((container.querySelector('#detail-note') as HTMLInputElement).value).toBe(HOSTILE);
  });

  it('in the explanation bars', () => {
    const { container } = render(ExplanationBars, {
      explanation: { recordId: 1, round: 1, method: 'rosas', technique: 'integrated-gradients', score: 1, typicalScore: 0, fields: [{ field: HOSTILE, value: [HOSTILE], contribution: -0.2, columns: [] }] },
    });
    expectInert(container);
  });
});
