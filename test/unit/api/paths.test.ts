import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/api/api-error';
import type { PathKind } from '../../../src-main/api/contract';
import { KnownExports } from '../../../src-main/api/known-exports';
import { desktopPolicy, refuseSpecialFile, servePolicy, userPath, type PathPolicy } from '../../../src-main/api/paths';
import { tempDir } from '../../helpers/samples';

const use = (kind: PathKind, p: string) => ({ kind, path: p, at: 'test.path' });

/** The refusal a policy gives, or null when it lets the path through. */
async function refusal(policy: PathPolicy, kind: PathKind, p: string): Promise<string | null> {
  try {
    await policy(use(kind, p));
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('path-refused');
    return (err as ApiError).message;
  }
}

describe('userPath', () => {
  it('expands ~ like a shell and makes relative paths absolute', () => {
    expect(userPath('~')).toBe(os.homedir());
    expect(userPath('~/a/b.log')).toBe(path.join(os.homedir(), 'a/b.log'));
    expect(userPath('a/../b.log')).toBe(path.resolve('b.log'));
    expect(userPath('/x/./y')).toBe('/x/y');
    expect(userPath('~other/x')).toBe(path.resolve('~other/x'));
  });
});

describe('refuseSpecialFile (every mode)', () => {
  const special: PathPolicy = refuseSpecialFile;

  it('lets regular files, and paths that do not exist yet, through', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, 'x\n');
    for (const kind of ['project', 'read', 'write'] as const) {
      expect(await refusal(special, kind, file)).toBeNull();
      expect(await refusal(special, kind, path.join(dir, 'new.csv'))).toBeNull();
    }
  });

  it('refuses devices, folders, sockets and links to them, naming the path and what it is', async () => {
    const dir = tempDir();
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.log'));
    const sock = path.join(dir, 's.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(await refusal(special, 'read', '/dev/zero')).toBe('not a regular file: /dev/zero is a character device');
      expect(await refusal(special, 'write', '/dev/null')).toBe('not a regular file: /dev/null is a character device');
      expect(await refusal(special, 'read', path.join(dir, 'zero.log'))).toBe(`not a regular file: ${path.join(dir, 'zero.log')} is a character device`);
      expect(await refusal(special, 'project', dir)).toBe(`not a regular file: ${dir} is a folder`);
      expect(await refusal(special, 'read', sock)).toBe(`not a regular file: ${sock} is a socket`);
    } finally {
      server.close();
    }
  });

  it('refuses a FIFO without opening it (opening would wait for a writer forever)', async () => {
    const fifo = path.join(tempDir(), 'pipe.log');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    expect(await refusal(special, 'read', fifo)).toBe(`not a regular file: ${fifo} is a named pipe (FIFO)`);
    expect(await refusal(special, 'project', fifo)).toMatch(/named pipe/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('desktopPolicy', () => {
  const granted = new Set(['read:/logs/a.log', 'write:/out/x.csv']);
  const policy = desktopPolicy({ allows: (kind, p) => granted.has(`${kind}:${p}`) });

  it('lets through only what the grants allow, for their kind, and says how to choose a file instead', async () => {
    expect(await refusal(policy, 'read', '/etc/shadow')).toBe(
      'refused /etc/shadow: the desktop app uses only files chosen in this window\'s own dialogs; choose it with "Choose files…"',
    );
    expect(await refusal(policy, 'write', path.join(os.homedir(), '.bashrc'))).toMatch(/^refused .*\.bashrc: .*export with "Export…", which asks where to save$/);
    expect(await refusal(policy, 'project', '/cases/x.rosas')).toMatch(/"Open project…" or from the recent projects$/);
    // Granted for reading is not granted for writing.
    expect(await refusal(policy, 'write', '/logs/a.log')).toMatch(/^refused \/logs\/a.log/);
    expect(await refusal(policy, 'read', '/logs/a.log')).toBeNull();
    expect(await refusal(policy, 'write', '/out/x.csv')).toBeNull();
  });

  it('still refuses a special file that was granted', async () => {
    const devPolicy = desktopPolicy({ allows: () => true });
    expect(await refusal(devPolicy, 'read', '/dev/zero')).toBe('not a regular file: /dev/zero is a character device');
  });
});

describe('servePolicy', () => {
  function setup() {
    const dir = tempDir();
    const exports = new KnownExports(path.join(dir, 'config'));
    return { dir, exports, policy: servePolicy(exports) };
  }

  it('reads any regular file the analyst types, and writes new files', async () => {
    const { dir, policy } = setup();
    const log = path.join(dir, 'a.log');
    fs.writeFileSync(log, 'x\n');
    expect(await refusal(policy, 'read', log)).toBeNull();
    expect(await refusal(policy, 'project', path.join(dir, 'new.rosas'))).toBeNull();
    expect(await refusal(policy, 'write', path.join(dir, 'new.csv'))).toBeNull();
    expect(await refusal(policy, 'read', '/dev/zero')).toMatch(/^not a regular file/);
  });

  it('replaces an existing file only when it is an earlier export, unchanged', async () => {
    const { dir, exports, policy } = setup();
    const bashrc = path.join(dir, '.bashrc');
    fs.writeFileSync(bashrc, 'alias ls=ls\n');
    expect(await refusal(policy, 'write', bashrc)).toBe(`refused to replace ${bashrc}: it is not an export written by RoSAS Workbench, or it changed since; choose another file name`);

    const out = path.join(dir, 'findings.csv');
    fs.writeFileSync(out, 'id,rank\n1,1\n');
    await exports.remember(out);
    expect(await refusal(policy, 'write', out)).toBeNull();
    // Edited since (same size, other bytes): the analyst's work now, not ours to replace.
    fs.writeFileSync(out, 'id,rank\n1,2\n');
    expect(await refusal(policy, 'write', out)).toMatch(/^refused to replace/);
    // A link put where an export was, pointing at a file: not the export.
    await exports.remember(out);
    const link = path.join(dir, 'link.csv');
    fs.symlinkSync(bashrc, link);
    expect(await refusal(policy, 'write', link)).toMatch(/^refused to replace/);
    // Reading an existing file is the product's function in serve mode.
    expect(await refusal(policy, 'read', bashrc)).toBeNull();
  });
});
