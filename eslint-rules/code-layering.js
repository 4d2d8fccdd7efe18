// ESLint rule: an import inside src-main/core/ must follow the layer map in core-layers.js (as
// microsoft/vscode's .eslint-plugin-local/code-layering.ts does for its layers).
import path from 'node:path';
import { CORE_LAYERS } from './core-layers.js';

const CORE = `${path.sep}src-main${path.sep}core${path.sep}`;

/** The core folder a file is in ('' for core's root files), or null outside core. */
function layerOf(file) {
  const at = file.lastIndexOf(CORE);
  if (at === -1) return null;
  const rest = file.slice(at + CORE.length);
  const slash = rest.indexOf(path.sep);
  return slash === -1 ? '' : rest.slice(0, slash);
}

export const codeLayering = {
  meta: {
    type: 'problem',
    docs: { description: 'imports inside src-main/core follow the layer map (eslint-rules/core-layers.js)' },
    schema: [],
    messages: {
      unknown: 'src-main/core/{{layer}}/ is not in the layer map: add it to eslint-rules/core-layers.js (and CODE.md)',
      upward: 'core/{{from}} may not import core/{{to}} (allowed: {{allowed}}); see eslint-rules/core-layers.js and CODE.md',
    },
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (from === null) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = layerOf(path.resolve(path.dirname(file), spec));
      if (to === null || to === from || to === '') return;
      if (from === '') return context.report({ node, messageId: 'upward', data: { from: 'root files', to, allowed: 'nothing' } });
      const allowed = CORE_LAYERS[from];
      if (!allowed) return context.report({ node, messageId: 'unknown', data: { layer: from } });
      if (!allowed.includes(to)) context.report({ node, messageId: 'upward', data: { from, to, allowed: allowed.join(', ') || 'nothing' } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
