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

/** Where a file's lines went, as the import summary counts them. */
export interface LineAccount {
  read: number;
  inRecords: number;
  inQuarantine: number;
  header: number;
  blank: number;
  structure: number;
}

/** "20,001 lines: 19,999 in records, 1 quarantined, 1 header": every line of the file, by fate. */
export function formatLineAccount(l: LineAccount): string {
  const n = (x: number) => x.toLocaleString('en');
  const parts: Array<[number, string]> = [
    [l.inRecords, 'in records'],
    [l.inQuarantine, 'quarantined'],
    [l.header, 'header'],
    [l.blank, 'blank'],
    [l.structure, 'JSON structure'],
  ];
  const shown = parts.filter(([x]) => x > 0).map(([x, what]) => `${n(x)} ${what}`);
  return `${n(l.read)} line${l.read === 1 ? '' : 's'}${shown.length ? `: ${shown.join(', ')}` : ''}`;
}
