// Checks the layout of the packaged app without an Electron binary (none can be had here): the
// `--dir` build with a stand-in Electron (see shared/stack.md) gives the real app.asar and the
// unpacked native files. Run after `npm run build`.
//
// Fuses: the stand-in binary holds a fuse wire laid out as in Electron (the sentinel, version 1,
// eight fuses at Electron's defaults), so electron-builder really flips it from the
// `electronFuses` of electron-builder.yml, and the wire read back must hold the values below.
// That verifies the config is read and applied to the packaged binary. It does not verify, for
// want of a real binary: that Electron 45's own wire has these fuses at these places (it does
// since Electron 29, per @electron/fuses), that Electron honours them at run time, or asar
// integrity, which electron-builder sets up only for macOS and Windows builds.
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

/** @electron/fuses's marker before the wire (src/constants.ts there); '0' off, '1' on. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults, by index: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocolPrivileges. */
const ELECTRON_DEFAULT_WIRE = '10110001';
/** What the packaged binary must hold, whatever the defaults: the hardening this app relies on. */
const WANTED_FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-package-'));
const electronDist = path.join(tmp, 'electron-dist');
fs.mkdirSync(electronDist);
fs.writeFileSync(
  path.join(electronDist, 'electron'),
  Buffer.concat([Buffer.from('stand-in electron\0'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]), Buffer.from(ELECTRON_DEFAULT_WIRE), Buffer.from('\0')]),
);
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
    for (const want of ['/package.json', '/dist-main/electron-main.js', '/dist-main/preload.cjs', '/dist-main/job-worker.js', '/dist-main/member-worker.js', '/dist-main/feedback-worker.js', '/dist-main/parse-worker.js', '/dist-main/cli.js', '/dist-renderer/index.html', '/migrations/0001-initial.sql', '/node_modules/ws/package.json']) {
      if (!inside.has(want)) problems.push(`${want} is missing from app.asar`);
    }
    for (const p of inside) {
      if (/^\/(src-main|src-renderer|test|scripts|docs)\//.test(p) || p.endsWith('.map')) {
        problems.push(`app.asar holds ${p}, which does not belong in the app`);
        break;
      }
    }
  }

  // The packaged binary is the stand-in, renamed: the one file at the top that holds the sentinel.
  const unpacked = path.join(out, 'linux-unpacked');
  const binary = fs
    .readdirSync(unpacked)
    .map((f) => path.join(unpacked, f))
    .find((f) => fs.statSync(f).isFile() && fs.readFileSync(f).includes(FUSE_SENTINEL));
  if (!binary) problems.push(`no Electron binary with a fuse wire in ${unpacked}`);
  else {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
    const wire = await getCurrentFuseWire(binary);
    for (const [name, on] of Object.entries(WANTED_FUSES)) {
      const state = wire[FuseV1Options[name]];
      if (state !== (on ? 49 : 48)) problems.push(`fuse ${name} is ${state === 49 ? 'on' : state === 48 ? 'off' : `in state ${state}`}, expected ${on ? 'on' : 'off'} (electronFuses in electron-builder.yml)`);
    }
  }

  if (problems.length) {
    console.error(`check:package failed:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('check:package: app.asar holds the app; better_sqlite3.node and the TensorFlow.js WebAssembly sit in app.asar.unpacked; the packaged binary\'s fuses are flipped as configured');
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
