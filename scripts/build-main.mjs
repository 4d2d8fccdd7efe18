// Bundles the main-process code (CLI, the job, member, feedback and parse workers, serve, Electron main and
// preload, benchmarks) into dist-main/. Native and heavyweight packages stay external and load
// from node_modules (see main-bundle-options.mjs).
import { build } from 'esbuild';
import fs from 'node:fs';
import { mainBundleOptions } from './main-bundle-options.mjs';

const entries = {
  cli: 'src-main/cli/main.ts',
  'job-worker': 'src-main/core/jobs/job-worker.ts',
  'member-worker': 'src-main/core/model/rosas/member-worker.ts',
  'feedback-worker': 'src-main/core/model/feedback-worker.ts',
  'parse-worker': 'src-main/core/ingest/parse-worker.ts',
  'electron-main': 'src-main/electron/main.ts',
  'bench-import': 'test/bench/bench-import.ts',
  'bench-engine': 'test/bench/bench-engine.ts',
  'bench-csv': 'test/bench/bench-csv.ts',
  'bench-hitl': 'test/bench/bench-hitl.ts',
  'make-zeek-log': 'test/bench/make-zeek-log.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => fs.existsSync(file)));

await build({
  ...mainBundleOptions,
  entryPoints: present,
  outdir: 'dist-main',
  sourcemap: 'linked',
  logLevel: 'warning',
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
