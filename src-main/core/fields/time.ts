/**
 * Timestamps in logs come in many shapes. All helpers return seconds since the Unix epoch (UTC) as
 * a float with the source's sub-second precision (JS Date keeps only milliseconds), or null.
 * A time with no zone is read as UTC: the analyst's machine zone says nothing about the log's.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** ISO 8601 / RFC 3339 and the common variants: space for T, `+0200` without colon, no zone, up to ns. */
export function parseIsoTime(text: string): number | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, s ? +s : 0);
  if (Number.isNaN(ms) || +mo! < 1 || +mo! > 12 || +d! < 1 || +d! > 31 || +h! > 23 || +mi! > 59 || (s !== undefined && +s > 60)) {
    return null;
  }
  let seconds = ms / 1000 + (frac ? Number(`0.${frac}`) : 0);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 3600 + (digits.length > 2 ? Number(digits.slice(2, 4)) * 60 : 0);
    seconds -= sign * offset;
  }
  return seconds;
}

/** A number or numeric string of epoch (or relative) seconds, as Zeek writes `ts`. */
export function parseEpochSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

/** Either an epoch number or an ISO string: what JSON logs put in their time fields. */
export function parseAnyTime(value: unknown): number | null {
  if (typeof value === 'number') return parseEpochSeconds(value);
  if (typeof value !== 'string') return null;
  return parseEpochSeconds(value) ?? parseIsoTime(value);
}

export const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

/**
 * Year for a timestamp that carries none (syslog `Mar  7 13:06:01`, HDFS `081109`-less clocks).
 * Such a log was written before the file was last modified, so take the latest year that does not
 * put the record after the file's mtime (a day of slack for clock and zone differences).
 * `options.year` from the user wins.
 */
export class YearlessClock {
  private readonly anchorMs: number;
  private readonly fixedYear?: number;

  constructor(fileMtimeMs: number, fixedYear?: number) {
    this.anchorMs = fileMtimeMs + 24 * 3600 * 1000;
    this.fixedYear = fixedYear;
  }

  /** month 0-11. */
  seconds(month: number, day: number, h: number, mi: number, s: number, fracSeconds = 0): number | null {
    if (month < 0 || month > 11 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return null;
    let year = this.fixedYear ?? new Date(this.anchorMs).getUTCFullYear();
    let ms = Date.UTC(year, month, day, h, mi, s);
    if (this.fixedYear === undefined && ms > this.anchorMs) {
      year -= 1;
      ms = Date.UTC(year, month, day, h, mi, s);
    }
    return ms / 1000 + fracSeconds;
  }
}
