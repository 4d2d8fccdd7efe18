import type { CallRequest, Label, RecordDetail, ReviewPage, ReviewRow } from '../../../src-main/api/contract';
import type { FakeApi } from './fake-api';

/**
 * A review backend for tests: `total` ranked records (id = 1000 + rank), answered a page at a
 * time like the main side does, with views that stay fixed until a request comes without one.
 */
export function reviewBackend(api: FakeApi, total: number, opts: { columns?: (id: number) => Record<string, unknown> } = {}) {
  const labels = new Map<number, { label: Label; note: string | null }>();
  let views = 0;
  let current = { id: '', total };
  const row = (rank: number): ReviewRow => {
    const id = 1000 + rank;
    const l = labels.get(id);
    return {
      id,
      rank,
      score: 1 - rank / (total + 1),
      label: l?.label ?? null,
      note: l?.note ?? null,
      source: 'conn.log',
      sourceId: 1,
      line: rank + 8,
      columns: (opts.columns?.(id) ?? { 'id.orig_h': `10.0.${rank % 256}.1`, proto: rank % 2 ? 'tcp' : 'udp' }) as ReviewRow['columns'],
    };
  };
  const view = (req: { view?: string }) => {
    if (!req.view || req.view !== current.id) current = { id: `view-${++views}`, total };
    return current;
  };
  api.answer('review.page', (req: CallRequest<'review.page'>): ReviewPage => {
    const v = view(req);
    const rows: ReviewRow[] = [];
    for (let i = req.offset; i < Math.min(v.total, req.offset + req.limit); i++) rows.push(row(i + 1));
    return { view: v.id, round: 2, total: v.total, offset: req.offset, rows, scores: { min: 0, max: 1 } };
  });
  api.answer('review.ids', (req) => {
    const v = view(req);
    const ids: number[] = [];
    for (let i = req.offset; i < Math.min(v.total, req.offset + req.limit); i++) ids.push(1000 + i + 1);
    return { view: v.id, total: v.total, ids };
  });
  api.answer('labels.set', (req) => {
    for (const id of req.ids) {
      if (req.label === null) labels.delete(id);
      else labels.set(id, { label: req.label, note: req.note !== undefined ? req.note || null : (labels.get(id)?.note ?? null) });
    }
    const counts = { anomaly: 0, normal: 0, unsure: 0, total: 0 };
    for (const l of labels.values()) {
      counts[l.label]++;
      counts.total++;
    }
    return { changed: req.ids.length, counts, records: req.ids.map((id) => ({ id, label: labels.get(id)?.label ?? null, note: labels.get(id)?.note ?? null })) };
  });
  api.answer('record.get', (req) => detail(req.id, labels.get(req.id)));
  api.answer('record.explain', (req) => ({
    recordId: req.id,
    round: 2,
    method: 'rosas',
    technique: 'integrated-gradients',
    score: 0.9,
    typicalScore: 0.1,
    fields: [
      { field: 'proto', value: 'udp', contribution: 0.5, columns: [] },
      { field: 'id.orig_h', value: '10.0.0.1', contribution: 0.2, columns: [] },
      { field: 'duration', value: null, contribution: -0.1, columns: [] },
    ],
  }));
  return {
    labels,
    /** Later fresh views hold this many records (labeled ones left the queue). */
    setTotal(n: number) {
      total = n;
    },
  };
}

export function detail(id: number, l?: { label: Label; note: string | null }, over: Partial<RecordDetail> = {}): RecordDetail {
  return {
    id,
    sourceId: 1,
    source: 'conn.log',
    line: id - 990,
    ts: 1_655_124_656.5,
    raw: `raw line of ${id}`,
    fields: [
      { name: 'ts', value: 1_655_124_656.5, role: 'timestamp' },
      { name: 'proto', value: 'udp', role: 'categorical' },
    ],
    label: l?.label ?? null,
    note: l?.note ?? null,
    labeledBy: l ? 'ana' : null,
    labeledAt: l ? '2024-06-01T10:00:00.000Z' : null,
    history: l ? [{ id: 1, recordId: id, label: l.label, previous: null, note: l.note, author: 'ana', at: '2024-06-01T10:00:00.000Z' }] : [],
    truth: null,
    round: 2,
    score: 0.9,
    rank: id - 1000,
    ...over,
  };
}
