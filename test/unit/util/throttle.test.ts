import { afterEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../../src-main/core/util/throttle';

describe('throttle', () => {
  afterEach(() => vi.useRealTimers());

  it('passes a value at most every interval, at once when asked, and the held-back one on flush', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const seen: number[] = [];
    const t = throttle((v: number) => seen.push(v), 100);
    t.push(1);
    t.push(2);
    vi.advanceTimersByTime(50);
    t.push(3, true);
    t.push(4);
    vi.advanceTimersByTime(100);
    t.push(5);
    t.push(6);
    t.flush();
    t.flush();
    expect(seen).toEqual([1, 3, 5, 6]);
  });
});
