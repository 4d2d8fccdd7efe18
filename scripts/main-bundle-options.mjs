// How the main-process code is bundled: by scripts/build-main.mjs into dist-main/, and by
// src-main/core/workers/dev-bundle.ts for worker threads started from sources (tests, no build).

// TensorFlow.js core and its wasm/cpu backends are bundled from their ES builds (see
// src-main/core/model/tf-bundled.ts); the optional native backends stay in node_modules.
// esbuild is only ever loaded from sources (dev-bundle.ts): never part of a bundle.
const external = ['better-sqlite3', 'electron', 'ws', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'echarts', 'esbuild'];

/** @type {import('esbuild').BuildOptions} */
export const mainBundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  mainFields: ['module', 'main'],
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
};
