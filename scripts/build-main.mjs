// Bundles the main-process code (CLI, job worker, serve, Electron main and preload, benchmarks)
// into dist-main/. Native and heavyweight packages stay external and load from node_modules.
import { build } from 'esbuild';
import fs from 'node:fs';

const entries = {
  cli: 'src-main/cli/main.ts',
  'job-worker': 'src-main/core/jobs/job-worker.ts',
  'parse-worker': 'src-main/core/ingest/parse-worker.ts',
  'electron-main': 'src-main/electron/main.ts',
  'bench-import': 'test/bench/bench-import.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => fs.existsSync(file)));

const external = ['better-sqlite3', 'electron', 'ws', '@tensorflow/*', 'echarts'];

await build({
  entryPoints: present,
  outdir: 'dist-main',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external,
  logLevel: 'warning',
  // Bundled CommonJS dependencies may call require(); give ESM output one.
  banner: { js: "import { createRequire as __rosasCreateRequire } from 'node:module'; const require = __rosasCreateRequire(import.meta.url);" },
});

if (fs.existsSync('src-main/electron/preload.ts')) {
  // Sandboxed preload scripts must be CommonJS.
  await build({
    entryPoints: { preload: 'src-main/electron/preload.ts' },
    outdir: 'dist-main',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning',
  });
}
