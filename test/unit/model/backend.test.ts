import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTf } from '../../../src-main/core/model/backend';

// A file of its own: it needs this process's first load of TensorFlow.js.
describe('loadTf', () => {
  const env = process.env.ROSAS_BACKEND;
  beforeAll(() => {
    delete process.env.ROSAS_BACKEND;
  });
  afterAll(() => {
    if (env !== undefined) process.env.ROSAS_BACKEND = env;
  });

  it('refuses an unknown backend before loading anything', async () => {
    await expect(loadTf('gpu' as never)).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/unknown backend "gpu"/) });
  });

  it('loads once: the same start, no start, or the backend loaded share it; another backend is refused', async () => {
    const cpu = await loadTf('cpu');
    expect(cpu.backend).toBe('cpu');
    expect(cpu.tf.getBackend()).toBe('cpu');
    expect(await loadTf('cpu')).toBe(cpu);
    expect(await loadTf()).toBe(cpu);
    // Asking for WebAssembly must not quietly hand back the CPU backend (the old memo did).
    await expect(loadTf('wasm')).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/already loaded on the cpu backend.*cannot also load wasm/) });
    expect(cpu.tf.getBackend()).toBe('cpu');
  });
});
