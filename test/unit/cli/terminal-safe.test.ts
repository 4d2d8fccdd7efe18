import { describe, expect, it } from 'vitest';
import { jsonTerminalSafe, terminalSafe } from '../../../src-main/cli/terminal-safe';

/** What a terminal could act on: C0, DEL, C1, line/paragraph separators, bidi controls. */
const RAW = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('shows escape sequences as text', () => {
    expect(terminalSafe('\x1b]52;c;SGVsbG8=\x07')).toBe('\\x1b]52;c;SGVsbG8=\\x07');
    expect(terminalSafe('\x1b[2J\x1b]0;title\x07')).toBe('\\x1b[2J\\x1b]0;title\\x07');
    expect(terminalSafe('\x00\x7f')).toBe('\\x00\\x7f');
  });

  it('shows tab, newline and CR in short form: a value stays on its line', () => {
    expect(terminalSafe('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
  });

  it('shows C1 controls, separators and bidi overrides and isolates', () => {
    expect(terminalSafe('\x9b31m\x80\x9f')).toBe('\\x9b31m\\x80\\x9f');
    expect(terminalSafe('abc\u202edcba')).toBe('abc\\u202edcba');
    expect(terminalSafe('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u2028\u2029')).toBe('\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u2028\\u2029');
  });

  it('leaves everything else alone, and is idempotent', () => {
    const plain = 'GET /a?b=c "q" C:\\Users 10.0.0.1 … ≥ é 日本 \u00a0 \u200f 🙂';
    expect(terminalSafe(plain)).toBe(plain);
    const every = Array.from({ length: 0x2070 }, (_, i) => String.fromCharCode(i)).join('');
    const once = terminalSafe(every);
    expect(once).not.toMatch(RAW);
    expect(terminalSafe(once)).toBe(once);
  });
});

describe('jsonTerminalSafe', () => {
  it('escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { '\u202ekey': ['\x1b[2J', '\x7f', '\x9b31m', 'a\u2028b', 'x\u2066y\u2069'], n: 1 };
    const json = JSON.stringify(value, null, 2);
    expect(json).toMatch(RAW); // JSON.stringify alone is not enough
    const safe = jsonTerminalSafe(json);
    expect(safe.replace(/\n/g, '')).not.toMatch(RAW); // newlines are the document's own layout
    expect(JSON.parse(safe)).toEqual(value);
  });
});
