import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUp } from '../util/find-up';
import { devBundle, isDevBundle } from './dev-bundle';

/** A worker thread's code: its bundle in dist-main/ (<name>.js, see scripts/build-main.mjs) and its source. */
export interface WorkerEntry {
  name: string;
  /** The entry's TypeScript file, from the repository's root. */
  source: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Running from TypeScript sources (tests), or from a bundle of them made on the fly. */
const fromSources = fileURLToPath(import.meta.url).endsWith('.ts') || isDevBundle(here);

/** The entry's bundle beside this code: this code runs from dist-main/ (CLI, app, their workers). */
export function bundledWorker(entry: WorkerEntry): string | null {
  const sibling = path.join(here, `${entry.name}.js`);
  return fs.existsSync(sibling) ? sibling : null;
}

function builtWorker(entry: WorkerEntry): string | null {
  let dist: string;
  try {
    dist = findUp('dist-main', here);
  } catch {
    return null;
  }
  const built = path.join(dist, `${entry.name}.js`);
  return fs.existsSync(built) ? built : null;
}

/**
 * The file to start the entry's worker thread from: its bundle beside this code; else the build
 * in dist-main/; else, from sources only, the entry bundled now (tests without a build).
 */
export async function workerFile(entry: WorkerEntry): Promise<string> {
  const found = bundledWorker(entry) ?? builtWorker(entry);
  if (found) return found;
  if (!fromSources) throw new Error(`${path.join(here, `${entry.name}.js`)} is missing: run npm run build:main`);
  const root = path.dirname(findUp('src-main', here));
  return devBundle(entry.name, root, entry.source);
}
