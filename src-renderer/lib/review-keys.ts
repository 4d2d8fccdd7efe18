import type { Label } from '../../src-main/api/contract';

/** What a key does on the Review screen. */
export type ReviewAction =
  | { type: 'move'; delta: number; extend: boolean }
  | { type: 'first'; extend: boolean }
  | { type: 'last'; extend: boolean }
  | { type: 'label'; label: Label | null }
  | { type: 'toggle-select' }
  | { type: 'open-detail' }
  | { type: 'close' }
  | { type: 'focus-filter' }
  | { type: 'edit-note' }
  | { type: 'refresh' }
  | { type: 'help' };

export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** The keyboard map, as shown in the help panel. */
export const KEYMAP: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'j / ↓', what: 'next record' },
  { keys: 'k / ↑', what: 'previous record' },
  { keys: 'Shift+j / Shift+k', what: 'extend the selection down / up' },
  { keys: 'PageDown / PageUp', what: 'a screen down / up' },
  { keys: 'g / Home, G / End', what: 'first / last record' },
  { keys: 'x / Space', what: 'select or unselect the record' },
  { keys: 'a', what: 'label anomaly (the selection, else the record)' },
  { keys: 'n', what: 'label normal' },
  { keys: 'u', what: 'label unsure' },
  { keys: 'Backspace / Delete', what: 'remove the label' },
  { keys: 'Enter', what: 'open the record: raw text, fields, explanation' },
  { keys: 'e', what: 'write a note (saved with the label)' },
  { keys: 'Escape', what: 'close these keys, else the record, else clear the selection' },
  { keys: '/', what: 'filter by a field value' },
  { keys: 'r', what: 'reload the list (labeled records leave the queue)' },
  { keys: '?', what: 'show or hide these keys' },
];

/**
 * The action of a key press on the Review screen, or null for keys it leaves alone (anything with
 * Ctrl, Cmd or Alt belongs to the browser and the system).
 */
export function keyAction(e: KeyInput, pageRows: number): ReviewAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const shift = !!e.shiftKey;
  switch (e.key) {
    case 'j':
    case 'J':
    case 'ArrowDown':
      return { type: 'move', delta: 1, extend: shift };
    case 'k':
    case 'K':
    case 'ArrowUp':
      return { type: 'move', delta: -1, extend: shift };
    case 'PageDown':
      return { type: 'move', delta: pageRows, extend: shift };
    case 'PageUp':
      return { type: 'move', delta: -pageRows, extend: shift };
    case 'Home':
    case 'g':
      return { type: 'first', extend: shift && e.key === 'Home' };
    case 'End':
    case 'G':
      return { type: 'last', extend: shift && e.key === 'End' };
    case 'a':
      return { type: 'label', label: 'anomaly' };
    case 'n':
      return { type: 'label', label: 'normal' };
    case 'u':
      return { type: 'label', label: 'unsure' };
    case 'Backspace':
    case 'Delete':
      return { type: 'label', label: null };
    case 'x':
    case ' ':
      return { type: 'toggle-select' };
    case 'Enter':
      return { type: 'open-detail' };
    case 'Escape':
      return { type: 'close' };
    case '/':
      return { type: 'focus-filter' };
    case 'e':
      return { type: 'edit-note' };
    case 'r':
      return { type: 'refresh' };
    case '?':
      return { type: 'help' };
    default:
      return null;
  }
}

/** Keys typed into a text field, a list box or a button are theirs, not the table's. */
export function isOwnKeyTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  // Any contenteditable but "false" is editable ("", "plaintext-only"): typed text, never a label key.
  return !!el.closest('input:not([type="checkbox"]):not([type="radio"]), textarea, select, [contenteditable]:not([contenteditable="false"]), [data-own-keys]');
}
