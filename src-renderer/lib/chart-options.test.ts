import { describe, expect, it } from 'vitest';
import type { EpochFigures } from '../../src-main/api/contract';
import { LOSS_KINDS, lossAxisMax, lossOption } from './chart-options';

/** `epochs` epochs of each of `members` models, as a sequential ensemble reports them. */
function history(members: number, epochs: number): EpochFigures[] {
  return Array.from({ length: members }, (_, member) =>
    Array.from({ length: epochs }, (_, i) => ({ member, epoch: i + 1, lossTriplet: 1 / (i + 1), lossScore: 0.5 / (i + 1), weightTriplet: 1, weightScore: 1, seconds: 0.1 })),
  ).flat();
}

type Series = { name: string; data: number[][] };
type Option = {
  xAxis: { min: number; max: number; name: string };
  legend: { data: string[] };
  series: Series[];
  tooltip: { formatter: (p: unknown) => string };
};
const option = (...args: Parameters<typeof lossOption>) => lossOption(...args) as unknown as Option;

describe('loss chart', () => {
  it('ends its epoch axis near the epochs trained, not at the cap of 200 automatic training rarely reaches', () => {
    const live = option(history(1, 5), { cap: 200, live: true });
    expect(live.xAxis.min).toBe(1);
    expect(live.xAxis.max).toBeGreaterThan(5);
    expect(live.xAxis.max).toBeLessThanOrEqual(10);
    // A saved round: exactly what was trained.
    expect(option(history(1, 5), { cap: 200 }).xAxis.max).toBe(5);
    expect(option(history(1, 5)).xAxis.max).toBe(5);
  });

  it('leaves room while training, grows in round steps, and never passes the cap', () => {
    const ends = Array.from({ length: 60 }, (_, i) => lossAxisMax(i + 1, { cap: 200, live: true }));
    ends.forEach((end, i) => {
      expect(end, `after epoch ${i + 1}`).toBeGreaterThan(i + 1);
      expect(end, `after epoch ${i + 1}`).toBeLessThanOrEqual(Math.max(2 * (i + 1), 4));
      expect(Number.isInteger(end)).toBe(true);
      if (i > 0) expect(end).toBeGreaterThanOrEqual(ends[i - 1]!);
    });
    // Far fewer distinct ends than epochs: the axis does not move every epoch.
    expect(new Set(ends).size).toBeLessThan(20);
    // Asked for exactly 5 epochs: the axis stops at 5.
    expect([1, 2, 3, 4, 5].map((e) => lossAxisMax(e, { cap: 5, live: true }))).toEqual([2, 3, 4, 5, 5]);
    // A cap below the epochs seen (an older round) does not cut the curves off.
    expect(lossAxisMax(8, { cap: 5, live: true })).toBeGreaterThanOrEqual(8);
    expect(lossAxisMax(0, { live: true })).toBe(2);
  });

  it('has one legend entry per loss that toggles that loss for every model, and says there is a pair of lines per model', () => {
    const o = option(history(3, 4));
    expect(o.series).toHaveLength(6);
    expect(o.legend.data).toEqual(['L′ (feature triplet loss) · 3 models', 'L (score loss) · 3 models']);
    // ECharts toggles every series named like a legend entry: each entry stands for its 3 lines.
    for (const name of o.legend.data) expect(o.series.filter((s) => s.name === name)).toHaveLength(3);
    expect(o.xAxis.name).toMatch(/one pair of lines per model/);
  });

  it('counts the models the progress announces before each has reported an epoch', () => {
    const o = option(history(1, 2), { cap: 200, members: 3, live: true });
    expect(o.series).toHaveLength(2);
    expect(o.legend.data.every((n) => n.endsWith('· 3 models'))).toBe(true);
  });

  it('names which model each value of the tooltip belongs to', () => {
    const o = option(history(2, 3));
    const points = o.series.map((s, seriesIndex) => ({ seriesIndex, value: s.data[1], marker: '' }));
    const text = o.tooltip.formatter(points).split('<br>');
    expect(text).toEqual(['epoch 2', 'model 1, L′: 0.500', 'model 1, L: 0.250', 'model 2, L′: 0.500', 'model 2, L: 0.250']);
  });

  it('keeps the plain names for a single model', () => {
    const o = option(history(1, 3));
    expect(o.legend.data).toEqual(LOSS_KINDS.map((k) => k.name));
    expect(o.xAxis.name).toBe('epoch');
    expect(o.tooltip.formatter([{ seriesIndex: 1, value: [3, 0.5 / 3], marker: '' }])).toBe('epoch 3<br>L (score loss): 0.167');
  });
});
