import { describe, expect, it } from 'vitest';
import { isOwnKeyTarget, keyAction, KEYMAP } from './review-keys';

describe('the review keyboard map', () => {
  const k = (key: string, mods: Record<string, boolean> = {}) => keyAction({ key, ...mods }, 20);

  it('moves with j/k and the arrows; Shift extends the selection', () => {
    expect(k('j')).toEqual({ type: 'move', delta: 1, extend: false });
    expect(k('ArrowDown')).toEqual({ type: 'move', delta: 1, extend: false });
    expect(k('k')).toEqual({ type: 'move', delta: -1, extend: false });
    expect(k('J', { shiftKey: true })).toEqual({ type: 'move', delta: 1, extend: true });
    expect(k('K', { shiftKey: true })).toEqual({ type: 'move', delta: -1, extend: true });
    expect(k('ArrowUp', { shiftKey: true })).toEqual({ type: 'move', delta: -1, extend: true });
    expect(k('PageDown')).toEqual({ type: 'move', delta: 20, extend: false });
    expect(k('PageUp')).toEqual({ type: 'move', delta: -20, extend: false });
    expect(k('g')).toEqual({ type: 'first', extend: false });
    expect(k('G', { shiftKey: true })).toEqual({ type: 'last', extend: false });
    expect(k('End', { shiftKey: true })).toEqual({ type: 'last', extend: true });
  });

  it('labels with a, n, u; removes a label with Backspace or Delete', () => {
    expect(k('a')).toEqual({ type: 'label', label: 'anomaly' });
    expect(k('n')).toEqual({ type: 'label', label: 'normal' });
    expect(k('u')).toEqual({ type: 'label', label: 'unsure' });
    expect(k('Backspace')).toEqual({ type: 'label', label: null });
    expect(k('Delete')).toEqual({ type: 'label', label: null });
    // Caps: A is not a label key (Shift+a could be a slip).
    expect(k('A', { shiftKey: true })).toBeNull();
  });

  it('opens, closes, filters, notes, reloads, selects, helps', () => {
    expect(k('Enter')).toEqual({ type: 'open-detail' });
    expect(k('Escape')).toEqual({ type: 'close' });
    expect(k('/')).toEqual({ type: 'focus-filter' });
    expect(k('e')).toEqual({ type: 'edit-note' });
    expect(k('r')).toEqual({ type: 'refresh' });
    expect(k('x')).toEqual({ type: 'toggle-select' });
    expect(k(' ')).toEqual({ type: 'toggle-select' });
    expect(k('?', { shiftKey: true })).toEqual({ type: 'help' });
  });

  it('leaves Ctrl, Cmd and Alt combinations and other keys to the browser', () => {
    expect(k('a', { ctrlKey: true })).toBeNull();
    expect(k('r', { metaKey: true })).toBeNull();
    expect(k('j', { altKey: true })).toBeNull();
    expect(k('z')).toBeNull();
    expect(k('Tab')).toBeNull();
  });

  it('documents every key it knows', () => {
    const text = KEYMAP.map((m) => m.keys).join(' ');
    for (const key of ['j', 'k', 'a', 'n', 'u', 'Enter', 'Escape', '/', 'e', 'r', 'x', '?']) expect(text).toContain(key);
  });

  it('knows which elements keep their keys', () => {
    document.body.innerHTML = '<input id="t" type="text"><input id="c" type="checkbox"><textarea id="a"></textarea><select id="s"></select><div id="d" tabindex="0"></div>';
    const el = (id: string) => document.getElementById(id);
    expect(isOwnKeyTarget(el('t'))).toBe(true);
    expect(isOwnKeyTarget(el('a'))).toBe(true);
    expect(isOwnKeyTarget(el('s'))).toBe(true);
    expect(isOwnKeyTarget(el('c'))).toBe(false);
    expect(isOwnKeyTarget(el('d'))).toBe(false);
    expect(isOwnKeyTarget(null)).toBe(false);
  });

  it('never reads typing in an editable element as a label key, whatever its contenteditable says', () => {
    document.body.innerHTML = '<div id="e" contenteditable=""><span id="in">x</span></div><div id="p" contenteditable="plaintext-only"></div><div id="f" contenteditable="false"></div>';
    const el = (id: string) => document.getElementById(id);
    expect(isOwnKeyTarget(el('e'))).toBe(true);
    expect(isOwnKeyTarget(el('in'))).toBe(true);
    expect(isOwnKeyTarget(el('p'))).toBe(true);
    expect(isOwnKeyTarget(el('f'))).toBe(false);
  });

  it('says that Escape closes the keys first', () => {
    expect(KEYMAP.find((m) => m.keys === 'Escape')?.what).toMatch(/^close these keys, else the record/);
  });
});
