/**
 * Log text is written by attackers: printed raw, a record could set the clipboard (OSC 52),
 * retitle the window, clear the screen or reorder what the analyst reads (bidi overrides). These
 * characters are shown as escapes instead, so that what reaches the terminal is inert text.
 */

// C0 controls (tab, newline and CR too: a value must stay on its line), DEL, C1 controls, the
// Unicode line and paragraph separators, and the bidi embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT = new Map([
  ['\t', '\\t'],
  ['\n', '\\n'],
  ['\r', '\\r'],
]);

/** `text` with every character that a terminal would act on shown as an escape: `\x1b`, `\x9b`, `\n`, `\u202e`. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const short = SHORT.get(c);
    if (short !== undefined) return short;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// What JSON.stringify leaves raw inside strings but a terminal may act on: DEL, C1, the separators
// and bidi controls. It escapes C0 itself.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text from JSON.stringify with those characters as \u escapes: the same document (it parses
 * to exactly the same values), safe to print on a terminal. They only occur inside strings.
 */
export function jsonTerminalSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
