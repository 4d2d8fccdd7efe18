import { execFileSync } from 'node:child_process';

/**
 * Tests that start workers or the CLI run the built bundle: build it once, fresh, before them.
 * ROSAS_SKIP_BUILD=1 skips this when only in-process unit tests are run.
 */
export default function setup(): void {
  if (process.env.ROSAS_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['scripts/build-main.mjs'], { stdio: 'inherit' });
}
