import type { Sample } from './types';

/** Lines of a sample that sniffing looks at. */
const SNIFF_LINES = 200;

/**
 * The share of the sample's first non-blank lines that look like the format's. The sample's last
 * line may be cut off by the sample's end, so it is left out when there are others.
 */
export function lineShare(sample: Sample, looksRight: (line: string) => boolean): number {
  const lines = sample.lines.slice(0, SNIFF_LINES).filter((l) => l.trim() !== '');
  if (lines.length > 1 && !sample.text.endsWith('\n')) lines.pop();
  if (!lines.length) return 0;
  let hits = 0;
  for (const l of lines) if (looksRight(l)) hits++;
  return hits / lines.length;
}

/** The confidence of a specific line format from its line share: sure at 80 %, likely at 50 %. */
export function confidenceOf(share: number): number {
  if (share >= 0.8) return 0.95;
  return share >= 0.5 ? 0.6 : 0;
}
