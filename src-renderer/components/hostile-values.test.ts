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
import ReviewTable from './ReviewTable.svelte';

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

describe('field names that are keys of Object.prototype stay plain names', () => {
  // As they arrive from the API (JSON.parse keeps "__proto__" an own key).
  const NAMES = ['__proto__', 'constructor', 'toString'];

  it('in the import preview: roles, and the roles sent with the import', async () => {
    const p = preview();
    p.fields = [
      { name: '__proto__', type: 'string', role: 'categorical', why: 'few values' },
      { name: 'constructor', type: 'string', role: 'text', why: 'free text' },
      { name: 'toString', type: 'number', role: 'numeric', why: 'numbers' },
    ];
    const imp = new ImportState(new FakeApi().answer('import.preview', p));
    await imp.previewFiles(['/logs/x.ndjson']);
    expect(NAMES.map((n) => imp.roleOf(n))).toEqual(['categorical', 'text', 'numeric']);
    imp.setRole('__proto__', 'ignore');
    imp.setRole('constructor', 'ignore');
    expect(NAMES.map((n) => imp.roleOf(n))).toEqual(['ignore', 'ignore', 'numeric']);
    expect(JSON.stringify(imp.options().roles)).toBe('{"__proto__":"ignore","constructor":"ignore"}');
    imp.setRole('__proto__', 'categorical'); // back to the inferred role: not sent
    expect(JSON.stringify(imp.options().roles)).toBe('{"constructor":"ignore"}');
  });

  it('in a records table: a record without the field shows nothing', () => {
    const { container } = render(RecordsTable, { columns: NAMES, records: [{ line: 1, fields: JSON.parse('{"__proto__":"p"}') }], caption: 'records' });
    expect([...container.querySelectorAll('td.value')].map((td) => td.textContent)).toEqual(['p', '', '']);
  });

  it('in the review table', async () => {
    const api = new FakeApi();
    reviewBackend(api, 3, { columns: () => JSON.parse('{"__proto__":"p","when":1700000000}') });
    const review = new ReviewState(api);
    review.ranking.columns = [...NAMES, 'when'];
    await review.load();
    const { container } = render(ReviewTable, { review, height: 334, roles: new Map([['when', 'timestamp']]) });
    await new Promise((r) => setTimeout(r, 0));
    await tick();
    const cells = [...container.querySelectorAll('[role="row"][data-index="0"] .value')].map((c) => c.textContent);
    expect(cells).toEqual(['p', '', '', '2023-11-14 22:13:20']);
  });
});
