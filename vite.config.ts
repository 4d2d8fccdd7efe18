import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The renderer, built to static files that both the desktop app (rosas://app/) and `rosas serve`
// load. Relative base: the same build works under either.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  // The root moved to src-renderer/: point the plugin at the repo's svelte.config.js.
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    // Small assets inline as data: URIs, which the CSP allows for images only; keep files as files.
    assetsInlineLimit: 0,
    sourcemap: true,
    // One bundle (ECharts is most of it) loaded from disk or 127.0.0.1, never over a network.
    chunkSizeWarningLimit: 1024,
  },
});
