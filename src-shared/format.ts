// Code that runs both in Node (main process, CLI) and in the renderer: plain functions only, no
// Node or DOM APIs (an ESLint rule keeps it that way).

/** A byte count for people: 512 B, 3.4 KiB, 120 MiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
