import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * Under the repository's node_modules (not os.tmpdir()): the bundle's external packages and its
 * createRequire/findUp lookups must resolve from there, as they do from dist-main/.
 */
const CACHE = path.join('node_modules', '.cache', 'rosas-workers');

/** Whether `dir` is where on-the-fly bundles are kept. */
export function isDevBundle(dir: string): boolean {
  return dir.endsWith(`${path.sep}${CACHE}`);
}

/** Each input file of a bundle: [path from the root, mtime, size] when it was bundled. */
type Inputs = Array<[string, number, number]>;

function unchanged(root: string, manifest: string): boolean {
  try {
    const inputs = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Inputs;
    return inputs.every(([file, mtime, size]) => {
      const s = fs.statSync(path.resolve(root, file));
      return s.mtimeMs === mtime && s.size === size;
    });
  } catch {
    return false;
  }
}

/** Whole or not at all: several test processes may bundle the same entry at once. */
function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

async function bundle(name: string, root: string, source: string): Promise<string> {
  // esbuild is a devDependency: loaded only here, when running from sources.
  const esbuild = await import('esbuild');
  const shared = (await import(pathToFileURL(path.join(root, 'scripts', 'main-bundle-options.mjs')).href)) as { mainBundleOptions: BuildOptions };
  const key = crypto.createHash('sha256').update(JSON.stringify([source, esbuild.version, shared.mainBundleOptions])).digest('hex').slice(0, 16);
  const dir = path.join(root, CACHE);
  // .mjs: no package.json above node_modules/ says this is an ES module.
  const out = path.join(dir, `${name}-${key}.mjs`);
  const manifest = `${out}.inputs.json`;
  if (fs.existsSync(out) && unchanged(root, manifest)) return out;

  const started = Date.now();
  const result = await esbuild.build({
    ...shared.mainBundleOptions,
    entryPoints: [path.join(root, source)],
    absWorkingDir: root,
    outfile: out,
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  fs.mkdirSync(dir, { recursive: true });
  writeAtomic(out, result.outputFiles[0]!.contents);
  const inputs: Inputs = Object.keys(result.metafile.inputs)
    .filter((file) => fs.existsSync(path.resolve(root, file)))
    .map((file) => {
      const s = fs.statSync(path.resolve(root, file));
      return [file, s.mtimeMs, s.size];
    });
  // A file edited while bundling may not be in the bundle: keep no manifest, bundle again next time.
  if (inputs.every(([, mtime]) => mtime < started)) writeAtomic(manifest, JSON.stringify(inputs));
  return out;
}

const building = new Map<string, Promise<string>>();

/**
 * The worker entry `source` (from `root`) bundled as scripts/build-main.mjs bundles it, into a
 * cache kept until one of its input files changes. For tests run from sources without a build.
 */
export function devBundle(name: string, root: string, source: string): Promise<string> {
  const key = path.join(root, source);
  let pending = building.get(key);
  if (!pending) {
    pending = bundle(name, root, source).finally(() => building.delete(key));
    building.set(key, pending);
  }
  return pending;
}
