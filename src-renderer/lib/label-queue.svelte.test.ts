import { describe, expect, it, vi } from 'vitest';
import type { Label, LabelsSetResult } from '../../src-main/api/contract';
import { LabelQueue } from './label-queue.svelte';
import { FakeApi } from './testing/fake-api';
import { reviewBackend } from './testing/review-fixtures';

const flush = () => new Promise((r) => setTimeout(r, 0));
const row = (id: number, label: Label | null = null) => ({ id, label });
const ZERO = { anomaly: 0, normal: 0, unsure: 0, total: 0 };

function setup() {
  const api = new FakeApi();
  reviewBackend(api, 100);
  const onSaved = vi.fn();
  const onError = vi.fn();
  const labels = new LabelQueue(api, { onSaved, onError });
  return { api, labels, onSaved, onError };
}

describe('LabelQueue', () => {
  it('shows a label at once as saving, and hands the saved records on before it stops saving', async () => {
    const { api, labels, onSaved } = setup();
    onSaved.mockImplementation((ids: number[]) => expect(labels.isPending(ids[0]!)).toBe(true));
    const done = labels.save([1001], 'anomaly');
    expect(labels.labelOf(row(1001))).toBe('anomaly');
    expect(labels.isPending(1001)).toBe(true);
    expect(labels.saving).toBe(1);
    expect(await done).toBe(true);
    expect(labels.isPending(1001)).toBe(false);
    expect(labels.saving).toBe(0);
    expect(labels.labelOf(row(1001, 'anomaly'))).toBe('anomaly');
    const result: LabelsSetResult = { changed: 1, counts: { anomaly: 1, normal: 0, unsure: 0, total: 1 }, records: [{ id: 1001, label: 'anomaly', note: null }] };
    expect(onSaved).toHaveBeenCalledWith([1001], undefined, result);
    expect(labels.counts).toEqual(result.counts);
    // A note goes with its label.
    await labels.save([1002], 'normal', 'scanner');
    expect(api.requestsOf('labels.set').at(-1)).toEqual({ ids: [1002], label: 'normal', note: 'scanner' });
    expect(onSaved).toHaveBeenLastCalledWith([1002], 'scanner', expect.objectContaining({ records: [{ id: 1002, label: 'normal', note: 'scanner' }] }));
  });

  it('sends labels in the order they were given, one call at a time', async () => {
    const { api, labels } = setup();
    const order: string[] = [];
    let inFlight = 0;
    let most = 0;
    api.answer('labels.set', async (req) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await flush();
      order.push(`${req.ids[0]}:${req.label}`);
      inFlight--;
      return { changed: 1, counts: ZERO, records: req.ids.map((id) => ({ id, label: req.label, note: null })) };
    });
    await Promise.all([labels.save([1001], 'anomaly'), labels.save([1002], 'normal'), labels.save([1003], 'unsure')]);
    expect(order).toEqual(['1001:anomaly', '1002:normal', '1003:unsure']);
    expect(most).toBe(1);
  });

  it('says plainly when a label was not saved, and shows the label the record really has', async () => {
    const { api, labels, onSaved, onError } = setup();
    api.fail('labels.set', 'busy', 'cannot save labels while an import is running');
    expect(await labels.save([1001], 'anomaly')).toBe(false);
    expect(onError).toHaveBeenCalledWith('The label for record 1001 was NOT saved: cannot save labels while an import is running');
    expect(labels.labelOf(row(1001))).toBeNull();
    expect(labels.isPending(1001)).toBe(false);
    expect(await labels.save([1002, 1003], 'normal')).toBe(false);
    expect(onError).toHaveBeenLastCalledWith('The label for 2 records was NOT saved: cannot save labels while an import is running');
    expect(onSaved).not.toHaveBeenCalled();
    // The queue goes on after a failure.
    reviewBackend(api, 100);
    expect(await labels.save([1001], 'unsure')).toBe(true);
  });

  it('a record labeled twice shows the newer label until that one is saved too', async () => {
    const { api, labels } = setup();
    const gates: Array<() => void> = [];
    api.answer('labels.set', (req) => new Promise((resolve) => gates.push(() => resolve({ changed: 1, counts: ZERO, records: req.ids.map((id) => ({ id, label: req.label, note: null })) }))));
    const first = labels.save([1001], 'anomaly');
    const second = labels.save([1001], 'normal');
    expect(labels.labelOf(row(1001))).toBe('normal');
    await flush();
    gates[0]!();
    await first;
    expect(labels.isPending(1001)).toBe(true);
    expect(labels.labelOf(row(1001, 'anomaly'))).toBe('normal');
    await flush();
    gates[1]!();
    await second;
    expect(labels.isPending(1001)).toBe(false);
  });
});
