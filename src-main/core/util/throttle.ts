/**
 * Calls `fn` at most every `ms` milliseconds; `push(value, true)` delivers at once whatever the
 * time (a value that must not be missed), and `flush` delivers the last value held back.
 */
export function throttle<T>(fn: (value: T) => void, ms = 100): { push(value: T, now?: boolean): void; flush(): void } {
  let last = 0;
  let pending: { value: T } | null = null;
  return {
    push(value, now = false) {
      const time = Date.now();
      if (now || time - last >= ms) {
        last = time;
        pending = null;
        fn(value);
      } else pending = { value };
    },
    flush() {
      if (pending) fn(pending.value);
      pending = null;
      last = Date.now();
    },
  };
}
