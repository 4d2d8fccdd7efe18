// TensorFlow.js as this app ships it: the core with every gradient, and the WebAssembly and plain
// JS CPU backends. Bundled from their ES module builds (the CommonJS build of tfjs-core carries
// no gradients), so all three share one engine.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf, setWasmPaths };
