import { describe, expect, it } from 'vitest';
import { mergeStats, StatsCollector } from '../../../src-main/core/fields/stats';

function statsOf(values: string[]) {
  const c = new StatsCollector();
  for (const v of values) c.add(0, v);
  return c.result().get(0)!;
}

describe('mergeStats', () => {
  it('counts values named like JavaScript internals as values', () => {
    const a = statsOf(['constructor', '__proto__', 'toString', 'x']);
    const b = statsOf(['constructor', '__proto__', 'hasOwnProperty', 'x', 'x']);
    const m = mergeStats(a, b);
    expect(Object.entries(m.distinct).sort()).toEqual([
      ['__proto__', 2],
      ['constructor', 2],
      ['hasOwnProperty', 1],
      ['toString', 1],
      ['x', 3],
    ]);
    expect(m.present).toBe(9);
    // As stored in the project: JSON text that reads back the same.
    expect(JSON.parse(JSON.stringify(m)).distinct).toEqual(m.distinct);
  });
});
