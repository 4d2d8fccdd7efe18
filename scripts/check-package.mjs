// Checks the layout of the packaged app without an Electron binary (none can be had here): the
// `--dir` build with a stand-in Electron (see shared/stack.md) gives the real app.asar and the
// unpacked native files. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

for (const built of ['dist-main/electron-main.js', 'dist-main/preload.cjs', 'dist-main/job-worker.js', 'dist-renderer/index.html']) {
  if (!fs.existsSync(path.join(repo, built))) throw new Error(`${built} is missing: run npm run build first`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-package-'));
const electronDist = path.join(tmp, 'electron-dist');
fs.mkdirSync(electronDist);
fs.writeFileSync(path.join(electronDist, 'electron'), '');
const out = path.join(tmp, 'out');

try {
  execFileSync(
    process.execPath,
    [require.resolve('electron-builder/cli.js'), '--linux', 'dir', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
    { cwd: repo, stdio: 'inherit', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );

  const resources = path.join(out, 'linux-unpacked', 'resources');
  const asarFile = path.join(resources, 'app.asar');
  const problems = [];
  if (!fs.existsSync(asarFile)) problems.push(`no app.asar in ${resources}`);
  const native = path.join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(native)) problems.push('better_sqlite3.node is not in app.asar.unpacked (native modules cannot load from inside app.asar)');
  // The bundled TensorFlow.js loads its WebAssembly from the backend package's dist folder.
  const wasm = path.join(resources, 'app.asar.unpacked', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm-simd.wasm');
  if (!fs.existsSync(wasm)) problems.push('tfjs-backend-wasm-simd.wasm is not in app.asar.unpacked (the engine could not load its WebAssembly backend)');

  if (fs.existsSync(asarFile)) {
    const asar = require('@electron/asar');
    const inside = new Set(asar.listPackage(asarFile, {}).map((p) => p.replaceAll('\\', '/')));
    for (const want of ['/package.json', '/dist-main/electron-main.js', '/dist-main/preload.cjs', '/dist-main/job-worker.js', '/dist-main/parse-worker.js', '/dist-main/cli.js', '/dist-renderer/index.html', '/migrations/0001-initial.sql', '/node_modules/ws/package.json']) {
      if (!inside.has(want)) problems.push(`${want} is missing from app.asar`);
    }
    for (const p of inside) {
      if (/^\/(src-main|src-renderer|test|scripts|docs)\//.test(p) || p.endsWith('.map')) {
        problems.push(`app.asar holds ${p}, which does not belong in the app`);
        break;
      }
    }
  }

  if (problems.length) {
    console.error(`check:package failed:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('check:package: app.asar holds the app; better_sqlite3.node and the TensorFlow.js WebAssembly sit in app.asar.unpacked');
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
