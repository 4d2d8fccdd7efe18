import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';

/**
 * The analyst's name for this project, kept in its meta table: labels given in the app are saved
 * under it (else under the account's user name), so the label history says who decided.
 */

const KEY = 'analyst';
export const MAX_ANALYST_NAME = 100;

export function projectAnalyst(db: Database): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(KEY) as { value: string } | undefined;
  return row?.value ?? null;
}

/** Sets the name (trimmed), or with null or blank removes it; returns what is stored now. */
export function setProjectAnalyst(db: Database, name: string | null): string | null {
  const clean = (name ?? '').trim();
  if (!clean) {
    db.prepare('DELETE FROM meta WHERE key = ?').run(KEY);
    return null;
  }
  if (clean.length > MAX_ANALYST_NAME) throw new RosasError('invalid-argument', `an analyst name has at most ${MAX_ANALYST_NAME} characters, got ${clean.length}`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(clean)) throw new RosasError('invalid-argument', 'an analyst name cannot hold control characters (tabs, line breaks, escapes)');
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(KEY, clean);
  return clean;
}
