import { jsonTerminalSafe, terminalSafe } from './terminal-safe';

/**
 * stdout carries results (one JSON document with --json); stderr carries progress and errors.
 * Human output quotes log text, which attackers write: every function here shows control
 * characters as escapes (terminal-safe.ts), so a command cannot print them raw by forgetting.
 */

export function printJson(value: unknown): void {
  process.stdout.write(`${jsonTerminalSafe(JSON.stringify(value, null, 2))}\n`);
}

/** One line on stdout. A newline inside `text` is shown as `\n`: call once per line. */
export function println(text = ''): void {
  process.stdout.write(`${terminalSafe(text)}\n`);
}

/** One line on stderr (errors, notes), as println. */
export function eprintln(text = ''): void {
  process.stderr.write(`${terminalSafe(text)}\n`);
}

/** Our own multi-line text (usage, a stack trace): its line breaks are kept, each line made safe. */
export function printBlock(text: string, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`${text.split('\n').map(terminalSafe).join('\n')}\n`);
}

/** Rows as aligned columns on stdout; widths are those of the cells as printed (escaped). */
export function printTable(rows: string[][]): void {
  const safe = rows.map((r) => r.map(terminalSafe));
  const widths = safe[0]!.map((_, i) => Math.max(...safe.map((r) => (r[i] ?? '').length)));
  for (const r of safe) println(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** A one-line progress display on stderr, only when a person is watching. */
export function progressLine(): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY;
  let shown = false;
  return {
    update(text) {
      if (!tty) return;
      // Our own control codes (back to the line start, erase it), then the text made safe.
      process.stderr.write(`\r\x1b[2K${terminalSafe(text)}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export { formatBytes, formatLineAccount } from '../../src-shared/format';
