import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnownExports } from '../../../src-main/api/known-exports';
import { tempDir } from '../../helpers/samples';

describe('KnownExports', () => {
  it('knows an export by its path and exact bytes, across restarts', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'config');
    const out = path.join(dir, 'x.ndjson');
    fs.writeFileSync(out, '{"id":1}\n');
    const known = new KnownExports(config);
    expect(await known.isUnchanged(out)).toBe(false);
    await known.remember(out);
    expect(await known.isUnchanged(out)).toBe(true);
    expect(await new KnownExports(config).isUnchanged(out)).toBe(true);

    // Another file with the same bytes at another path is not an export.
    const copy = path.join(dir, 'copy.ndjson');
    fs.copyFileSync(out, copy);
    expect(await known.isUnchanged(copy)).toBe(false);
    // Appended to, or gone: no longer the export.
    fs.appendFileSync(out, '{"id":2}\n');
    expect(await known.isUnchanged(out)).toBe(false);
    await known.remember(out);
    expect(await known.isUnchanged(out)).toBe(true);
    fs.rmSync(out);
    expect(await known.isUnchanged(out)).toBe(false);
  });

  it('notes exports that finish together, and survives a damaged list', async () => {
    const dir = tempDir();
    const known = new KnownExports(path.join(dir, 'config'));
    const files = ['a', 'b', 'c'].map((n) => path.join(dir, `${n}.csv`));
    for (const f of files) fs.writeFileSync(f, f);
    await Promise.all(files.map((f) => known.remember(f)));
    for (const f of files) expect(await known.isUnchanged(f)).toBe(true);

    fs.writeFileSync(path.join(dir, 'config', 'known-exports.json'), '{ not json');
    expect(await known.isUnchanged(files[0]!)).toBe(false);
    await known.remember(files[0]!);
    expect(await known.isUnchanged(files[0]!)).toBe(true);
  });
});
