import { describe, expect, it } from 'vitest';
import type { QuarantineRow } from '../../src-main/api/contract';
import { QuarantineState } from './quarantine-state.svelte';
import { FakeApi } from './testing/fake-api';

const rows = (n: number, from: number): QuarantineRow[] =>
  Array.from({ length: n }, (_, i) => ({ sourceId: 2, fileName: 'bad.log', line: from + i, reason: 'expected 23 fields', raw: 'garbage' }));

describe('QuarantineState', () => {
  it('pages through the quarantined lines of one source', async () => {
    const api = new FakeApi().answer('quarantine.list', (q) => ({ rows: rows(Math.min(q.limit, 25 - q.offset), q.offset + 1), total: 25 }));
    const q = new QuarantineState(api, 10);
    await q.show(2);
    expect(api.requestsOf('quarantine.list')).toEqual([{ sourceId: 2, offset: 0, limit: 10 }]);
    expect(q.range).toEqual({ from: 1, to: 10 });
    expect(q.hasPrevious).toBe(false);
    expect(q.hasNext).toBe(true);
    await q.next();
    await q.next();
    expect(q.range).toEqual({ from: 21, to: 25 });
    expect(q.hasNext).toBe(false);
    await q.previous();
    expect(q.offset).toBe(10);
  });

  it('lists all sources when none is given', async () => {
    const api = new FakeApi().answer('quarantine.list', { rows: [], total: 0 });
    const q = new QuarantineState(api);
    await q.show(undefined);
    expect(api.requestsOf('quarantine.list')).toEqual([{ offset: 0, limit: 50 }]);
    expect(q.range).toEqual({ from: 0, to: 0 });
  });

  it('keeps the error of a failed page', async () => {
    const q = new QuarantineState(new FakeApi().fail('quarantine.list', 'no-project', 'no project is open'));
    await q.show(1);
    expect(q.error).toBe('no project is open');
    expect(q.loading).toBe(false);
  });
});
