import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
/**
 * The team's shared data: real samples and datasets, read in place and never copied into the repo
 * (several are research-only licensed). $ROSAS_SHARED, else a shared/ beside the repo, else /work/shared.
 */
export const SHARED =
  [process.env.ROSAS_SHARED, path.resolve(REPO, '..', 'shared'), '/work/shared'].find((d) => d && fs.existsSync(path.join(d, 'samples'))) ??
  path.resolve(REPO, '..', 'shared');

export function samplePath(rel: string): string {
  const p = path.join(SHARED, 'samples', rel);
  if (!fs.existsSync(p)) throw new Error(`shared sample missing: ${p} (set ROSAS_SHARED to the shared/ folder)`);
  return p;
}

export function datasetPath(rel: string): string {
  const p = path.join(SHARED, 'datasets', rel);
  if (!fs.existsSync(p)) throw new Error(`shared dataset missing: ${p} (set ROSAS_SHARED to the shared/ folder)`);
  return p;
}

/** A fresh temporary folder for one test. */
export function tempDir(prefix = 'rosas-test-'): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), prefix));
}

/** Every shared sample, as `folder/file` under samples/ (the loose files there, like README.md, left out). */
export function allSamples(): string[] {
  const root = path.join(SHARED, 'samples');
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(root, d.name)).map((f) => `${d.name}/${f}`));
}

/** Writes `content` to a file called `name` in a fresh temporary folder; returns its path. */
export function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}
