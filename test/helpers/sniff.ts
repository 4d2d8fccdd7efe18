import { expect } from 'vitest';
import { readSample } from '../../src-main/core/ingest/detect';
import { inspectFile } from '../../src-main/core/ingest/read-lines';
import type { Format, Sample } from '../../src-main/core/ingest/types';
import { allSamples, samplePath } from './samples';

/** What sniffing sees of a file: the importer's own sample of it. */
export async function sampleOf(file: string): Promise<Sample> {
  return readSample(file, await inspectFile(file));
}

/** The score `format` gives a shared sample (`folder/file` under samples/). */
export async function sniffSample(format: Format, rel: string): Promise<number> {
  return format.sniff(await sampleOf(samplePath(rel)));
}

/** A sniff score is at least `min` where the format should be sure, and exactly 0 where not. */
export function expectSniff(score: number, sure: boolean, label?: string, min = 0.9): void {
  if (sure) expect(score, label).toBeGreaterThanOrEqual(min);
  else expect(score, label).toBe(0);
}

/** Sniffs every shared sample: `format` is sure (at least `min`) of those `own` picks, and scores 0 on the others. */
export async function expectSureOfOnly(format: Format, own: (rel: string) => boolean, min = 0.9): Promise<void> {
  for (const rel of allSamples()) expectSniff(await sniffSample(format, rel), own(rel), rel, min);
}
