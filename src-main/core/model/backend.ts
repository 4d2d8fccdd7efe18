import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import { RosasError } from '../errors';

/** The TensorFlow.js namespace, whichever build provides it. */
export type Tf = typeof TfCore;

const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface LoadedTf {
  tf: Tf;
  backend: BackendName;
  /** Why the faster backends before it were not used. */
  skipped: Array<{ backend: BackendName; reason: string }>;
}

const require = createRequire(import.meta.url);

function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

/**
 * The native backends come with their own copy of TensorFlow.js (with gradients) and are
 * optional dependencies whose install downloads libtensorflow: often absent, so tried first and
 * skipped quietly. The bundled build always loads.
 */
async function tryBackend(name: BackendName): Promise<Tf> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const tf = require(name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node') as Tf;
      await tf.setBackend('tensorflow');
      await tf.ready();
      return tf;
    }
    case 'wasm': {
      const { tf, setWasmPaths } = await import('./tf-bundled');
      // Worker threads cannot start the threaded build's own workers in Node; the SIMD build is used.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      setWasmPaths(`${path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}${path.sep}`);
      if (!(await tf.setBackend('wasm'))) throw new Error('the WebAssembly backend did not initialise');
      await tf.ready();
      return tf as unknown as Tf;
    }
    case 'cpu': {
      const { tf } = await import('./tf-bundled');
      await tf.setBackend('cpu');
      await tf.ready();
      return tf as unknown as Tf;
    }
  }
}

/** The first backend that loads, trying them fastest first from `from` on; why each before it failed. */
async function search(from: BackendName | undefined): Promise<LoadedTf> {
  const order = from ? BACKENDS.slice(BACKENDS.indexOf(from)) : BACKENDS;
  const skipped: LoadedTf['skipped'] = [];
  for (const backend of order) {
    try {
      const tf = await tryBackend(backend);
      // PROD: no debug checks, and no console advice to install the native backend.
      tf.env().set('PROD', true);
      return { tf, backend, skipped };
    } catch (err) {
      skipped.push({ backend, reason: reason(err) });
    }
  }
  throw new Error(`no TensorFlow.js backend could load: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

/** The one load of this process: where its search started, and its result. */
let loaded: { from: BackendName | undefined; result: Promise<LoadedTf> } | null = null;

/**
 * TensorFlow.js on the fastest backend that loads, searching CUDA, native CPU, WebAssembly, then
 * plain JS from `from` on (default: ROSAS_BACKEND, else from the fastest). TF.js's backend is
 * global, so a process loads once and the first call picks the backend. A later call gets that
 * same load when it asks for the same start, for none, or for the very backend loaded; asking for
 * another rejects rather than return a backend the caller did not ask for.
 */
export function loadTf(from: BackendName | undefined = process.env.ROSAS_BACKEND as BackendName | undefined): Promise<LoadedTf> {
  if (from !== undefined && !BACKENDS.includes(from)) {
    return Promise.reject(new RosasError('invalid-argument', `unknown backend "${from}"; backends: ${BACKENDS.join(', ')}`));
  }
  if (!loaded) loaded = { from, result: search(from) };
  const first = loaded;
  if (from === undefined || from === first.from) return first.result;
  return first.result.then((tf) => {
    if (tf.backend === from) return tf;
    throw new RosasError('internal', `TensorFlow.js is already loaded on the ${tf.backend} backend in this process (searched from ${first.from ?? 'the fastest'}); it cannot also load ${from}`);
  });
}
