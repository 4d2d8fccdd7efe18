// `npm test`: type checks, lint, unit + integration tests, browser tests. Every step runs and the
// summary says which failed. Missing prerequisites fail loudly with what to install, never skip.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Same lookup as test/helpers/samples.ts: $ROSAS_SHARED, a shared/ beside the repo, /work/shared.
const shared = [process.env.ROSAS_SHARED, path.resolve('..', 'shared'), '/work/shared'].find((d) => d && fs.existsSync(path.join(d, 'samples'))) ?? path.resolve('..', 'shared');

const missing = [];
if (!fs.existsSync(chromium)) {
  missing.push(`Chromium not found at ${chromium}: the browser tests need it. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)`);
}
if (!fs.existsSync(path.join(shared, 'samples')) || !fs.existsSync(path.join(shared, 'datasets'))) {
  missing.push(`shared test data not found at ${shared} (samples/ and datasets/): check out the team's shared folder beside the repo or set ROSAS_SHARED`);
}
if (missing.length) {
  for (const m of missing) console.error(`npm test: ${m}`);
  process.exit(1);
}

const steps = [
  ['type check', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['build', 'npm', ['run', '--silent', 'build']],
  // The installers' layout (app.asar, unpacked native and wasm files), without an Electron download.
  ['package layout', 'node', ['scripts/check-package.mjs']],
  ['unit + integration tests', 'npx', ['vitest', 'run']],
  ['browser tests', 'npx', ['playwright', 'test']],
];

const results = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  // The build step's output feeds the later steps; its env skip flag keeps vitest from rebuilding.
  const env = name === 'unit + integration tests' ? { ...process.env, ROSAS_SKIP_BUILD: '1' } : process.env;
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  results.push({ name, ok: r.status === 0, seconds: (Date.now() - started) / 1000 });
  if (name === 'build' && r.status !== 0) break; // later steps need the build
}

console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name} (${r.seconds.toFixed(1)} s)`);
process.exit(results.every((r) => r.ok) && results.length === steps.length ? 0 : 1);
