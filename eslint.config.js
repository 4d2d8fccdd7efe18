// Lint, mostly to keep process boundaries honest: code that runs in the renderer, in plain Node
// (core), in the API layer, or in Electron's main process may only import what its side can load.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import { codeLayering } from './eslint-rules/code-layering.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'zlib', 'net', 'http', 'url', 'stream'];

/** Which folders may not import what. Paths are matched as written in import specifiers. */
const layers = [
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    patterns: [
      {
        group: ['**/src-main/core/**', '**/src-main/cli/**', '**/src-main/serve/**', '**/src-main/electron/**', '**/src-main/api/*', '!**/src-main/api/contract', '!**/src-main/api/contract.ts'],
        message: 'the renderer may import only src-main/api/contract (types)',
      },
      { group: [...nodeBuiltins, 'better-sqlite3', 'electron', 'ws', '@tensorflow/*'], message: 'the renderer runs in a browser sandbox: no Node or main-process modules' },
    ],
  },
  {
    files: ['src-shared/**/*.ts'],
    patterns: [{ group: [...nodeBuiltins, '**/src-main/**', '**/src-renderer/**', 'better-sqlite3', 'electron', 'ws', '@tensorflow/*'], message: 'src-shared runs in Node and in the renderer: plain code only' }],
  },
  {
    files: ['src-main/core/**/*.ts'],
    patterns: [{ group: ['electron', '**/electron/**', '**/serve/**', '**/cli/**', '**/api/**', '**/src-renderer/**'], message: 'core is plain Node: no Electron, transports, CLI or UI' }],
  },
  {
    files: ['src-main/api/**/*.ts'],
    patterns: [{ group: ['electron', '**/electron/**', '**/serve/**', '**/cli/**', '**/src-renderer/**'], message: 'the API layer is shared by both transports: no Electron, serve or CLI code' }],
  },
  {
    files: ['src-main/serve/**/*.ts', 'src-main/cli/**/*.ts'],
    patterns: [{ group: ['electron', '**/electron/**', '**/src-renderer/**'], message: 'serve and CLI run without Electron' }],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'scratch/', 'dist-main/', 'dist-renderer/', 'dist-packaged/', 'test-results/', 'playwright-report/'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'svelte/no-at-html-tags': 'error',
    },
  },
  ...layers.map(({ files, patterns }) => ({ files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } })),
  {
    // Inside core, folders are layers: each imports only the ones below it (eslint-rules/core-layers.js).
    files: ['src-main/core/**/*.ts'],
    plugins: { local: { rules: { 'code-layering': codeLayering } } },
    rules: { 'local/code-layering': 'error' },
  },
  {
    // The contract is shared with the renderer: types only, so it can never pull Node code along.
    files: ['src-main/api/contract.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['*', '**/*'], allowTypeImports: true, message: 'contract.ts holds types only: use import type' }] }],
    },
  },
);
