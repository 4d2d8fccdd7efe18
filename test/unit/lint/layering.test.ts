import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../../helpers/samples';

// The layer map is enforced by `npm run lint`: these show that it fails where it should.
const eslint = new ESLint({ cwd: REPO });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return result!.messages.filter((m) => m.ruleId === 'local/code-layering').map((m) => m.message);
}

describe('the core layer map', () => {
  it('refuses an import upward: the model may not use ingest, jobs or the project', async () => {
    expect(await problems('src-main/core/model/x.ts', "import { importFile } from '../ingest/import';\nexport const f = importFile;\n")).toEqual([
      expect.stringMatching(/^core\/model may not import core\/ingest/),
    ]);
    expect(await problems('src-main/core/model/rosas/x.ts', "export { runJob } from '../../jobs/run-job';\n")).toHaveLength(1);
    expect(await problems('src-main/core/fields/x.ts', "const p = import('../project/project');\nexport default p;\n")).toHaveLength(1);
  });

  it('allows imports downward, within a folder, and to the root files', async () => {
    const code = "import { RosasError } from '../errors';\nimport { mulberry32 } from '../util/random';\nimport { other } from './other';\nexport const x = [RosasError, mulberry32, other];\n";
    expect(await problems('src-main/core/features/x.ts', code)).toEqual([]);
  });

  it('names a folder missing from the map', async () => {
    expect(await problems('src-main/core/newfolder/x.ts', "import { mulberry32 } from '../util/random';\nexport const x = mulberry32;\n")).toEqual([
      expect.stringMatching(/not in the layer map/),
    ]);
  });
});

describe('the import cycle check', () => {
  it('finds a cycle and names its files', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = () => b;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import type { a } from './a';\nexport const b = 1 as unknown as typeof a;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "import { a } from './a';\nexport const c = a;\n");
    const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'check-cycles.mjs'), dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/a\.ts\n\s+.*b\.ts/);
    expect(r.stderr).not.toMatch(/c\.ts/);
  });
});
