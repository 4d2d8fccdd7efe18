import type { FieldValue } from '../fields/values';

/** Text values that mean "normal" under the default rule; any other class means anomaly. */
export const DEFAULT_NORMAL_VALUES = ['benign', 'normal', 'background', 'false', '-', ''];

/**
 * Maps a ground-truth label value to 1 (anomaly) or 0 (normal). One rule serves the import and
 * every later evaluation:
 * - numbers (and numeric text): non-zero = anomaly;
 * - booleans: true = anomaly;
 * - text: benign, normal, background, false, `-` and empty = normal (case and surrounding
 *   space ignored), any other class = anomaly;
 * - a missing value is normal.
 * With `normalValues` (the user's --normal-values), exactly those values (compared the same way,
 * numbers as their text) are normal, empty and missing stay normal, everything else is anomaly.
 */
export function truthRule(normalValues?: string[]): (value: FieldValue | undefined) => 0 | 1 {
  if (normalValues) {
    const normal = new Set(normalValues.map((v) => v.trim().toLowerCase()));
    normal.add('');
    return (value) => {
      if (value === null || value === undefined) return 0;
      return normal.has(valueText(value)) ? 0 : 1;
    };
  }
  const normal = new Set(DEFAULT_NORMAL_VALUES);
  return (value) => {
    if (value === null || value === undefined) return 0;
    if (typeof value === 'number') return value !== 0 ? 1 : 0;
    if (typeof value === 'boolean') return value ? 1 : 0;
    const text = valueText(value);
    if (normal.has(text)) return 0;
    if (/^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text) !== 0 ? 1 : 0;
    return 1;
  };
}

function valueText(value: Exclude<FieldValue, null>): string {
  return (Array.isArray(value) ? value.join(',') : String(value)).trim().toLowerCase();
}
