import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Dialogs } from '../../../src-main/api/handlers';
import { grantingDialogs, PathGrants } from '../../../src-main/api/path-grants';
import { RecentProjects } from '../../../src-main/api/recent';
import { tempDir } from '../../helpers/samples';

function setup() {
  const recent = new RecentProjects(path.join(tempDir(), 'config'));
  const grants = new PathGrants(recent);
  const native: Dialogs = {
    openProject: vi.fn(async (create: boolean) => (create ? '/cases/new.rosas' : '/cases/old.rosas')),
    openFiles: vi.fn(async () => ['/logs/a.log', '/logs/b.log']),
    saveExport: vi.fn(async () => '/out/findings.csv'),
  };
  return { recent, grants, native, dialogs: grantingDialogs(native, grants) };
}

describe('PathGrants (desktop)', () => {
  it('grants nothing until a dialog answers, then exactly its answers, for their kind', async () => {
    const { grants, dialogs } = setup();
    expect(grants.allows('read', '/logs/a.log')).toBe(false);
    expect(await dialogs.openFiles()).toEqual(['/logs/a.log', '/logs/b.log']);
    expect(grants.allows('read', '/logs/a.log')).toBe(true);
    expect(grants.allows('read', '/logs/b.log')).toBe(true);
    expect(grants.allows('read', '/logs/c.log')).toBe(false);
    expect(grants.allows('write', '/logs/a.log')).toBe(false);
    expect(grants.allows('project', '/logs/a.log')).toBe(false);

    expect(await dialogs.openProject(true)).toBe('/cases/new.rosas');
    expect(await dialogs.openProject(false)).toBe('/cases/old.rosas');
    expect(grants.allows('project', '/cases/new.rosas')).toBe(true);
    expect(grants.allows('project', '/cases/old.rosas')).toBe(true);
    expect(grants.allows('read', '/cases/old.rosas')).toBe(false);

    expect(await dialogs.saveExport('/cases/x.csv', 'csv')).toBe('/out/findings.csv');
    expect(grants.allows('write', '/out/findings.csv')).toBe(true);
    expect(grants.allows('read', '/out/findings.csv')).toBe(false);
  });

  it('grants nothing for a cancelled dialog', async () => {
    const { grants, native, dialogs } = setup();
    vi.mocked(native.openProject).mockResolvedValue(null);
    vi.mocked(native.openFiles).mockResolvedValue([]);
    vi.mocked(native.saveExport).mockResolvedValue(null);
    expect(await dialogs.openProject(false)).toBeNull();
    expect(await dialogs.openFiles()).toEqual([]);
    expect(await dialogs.saveExport('/x.csv', 'csv')).toBeNull();
    expect(grants.allows('project', '/x.csv')).toBe(false);
    expect(grants.allows('write', '/x.csv')).toBe(false);
  });

  it('lets a recent project be opened, and only as a project', () => {
    const { recent, grants } = setup();
    expect(grants.allows('project', '/cases/r.rosas')).toBe(false);
    recent.add('/cases/r.rosas');
    expect(grants.allows('project', '/cases/r.rosas')).toBe(true);
    expect(grants.allows('read', '/cases/r.rosas')).toBe(false);
    expect(grants.allows('write', '/cases/r.rosas')).toBe(false);
  });

  it('keeps the grants of one window to that window', async () => {
    const a = setup();
    const b = new PathGrants(a.recent);
    await a.dialogs.openFiles();
    expect(a.grants.allows('read', '/logs/a.log')).toBe(true);
    expect(b.allows('read', '/logs/a.log')).toBe(false);
  });
});
