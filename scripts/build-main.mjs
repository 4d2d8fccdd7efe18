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
  'bench-engine': 'test/bench/bench-engine.ts',
  'bench-csv': 'test/bench/bench-csv.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => fs.existsSync(file)));

// TensorFlow.js core and its wasm/cpu backends are bundled from their ES builds (see
// src-main/core/model/tf-bundled.ts); the optional native backends stay in node_modules.
const external = ['better-sqlite3', 'electron', 'ws', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'echarts'];

await build({
  entryPoints: present,
  outdir: 'dist-main',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external,
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  // Bundled CommonJS dependencies may call require() or read __dirname; give the ESM output both.
  banner: {
    js: [
      "import { createRequire as __rosasCreateRequire } from 'node:module';",
      "import { fileURLToPath as __rosasFileURLToPath } from 'node:url';",
      "import __rosasPath from 'node:path';",
      'const require = __rosasCreateRequire(import.meta.url);',
      'const __filename = __rosasFileURLToPath(import.meta.url);',
      'const __dirname = __rosasPath.dirname(__filename);',
    ].join(' '),
  },
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
