const en = new Intl.NumberFormat('en');

export function formatCount(n: number): string {
  return en.format(n);
}

export { formatBytes, formatLineAccount } from '../../src-shared/format';

export function formatPercent(fraction: number): string {
  return `${Math.floor(Math.max(0, Math.min(1, fraction)) * 100)}%`;
}

/** A parsed value as one line of text; lists joined, objects never occur (see core types). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  return String(v);
}

export function formatDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A score with enough digits to tell neighbours apart. */
export function formatScore(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '';
  return Math.abs(s) >= 1000 ? s.toExponential(3) : s.toFixed(4);
}

/** Epoch seconds as a UTC date and time (logs are read as UTC). */
export function formatEpoch(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return String(seconds);
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, d.getUTCMilliseconds() ? 23 : 19)}`;
}

/** A field value for a table cell: epoch-second timestamps as times, everything else as text. */
export function formatCell(v: unknown, role?: string): string {
  // Between 2001 and 2286 in seconds: an epoch time, not a relative one.
  if (role === 'timestamp' && typeof v === 'number' && v > 1e9 && v < 1e10) return formatEpoch(v);
  return formatValue(v);
}

/** "+0.123" / "−0.045": a contribution with its sign. */
export function formatSigned(n: number): string {
  const s = Math.abs(n) >= 100 ? Math.abs(n).toFixed(0) : Math.abs(n) >= 1 ? Math.abs(n).toFixed(2) : Math.abs(n).toPrecision(2);
  return `${n < 0 ? '−' : '+'}${s}`;
}
