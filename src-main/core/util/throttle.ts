/** Calls `fn` at most every `ms` milliseconds; `flush` delivers the last value right away. */
export function throttle<T>(fn: (value: T) => void, ms = 100): { push(value: T): void; flush(): void } {
  let last = 0;
  let pending: { value: T } | null = null;
  return {
    push(value) {
      const now = Date.now();
      if (now - last >= ms) {
        last = now;
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
