import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder `name` in the nearest ancestor of this module that has one. The same code runs from
 * src-main/ (tests), dist-main/ (CLI, serve) and app.asar (desktop), so paths are found, not fixed.
 */
export function findUp(name: string, from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${name}/ above ${from}`);
    dir = parent;
  }
}
