import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfigDir, RecentProjects } from '../../../src-main/api/recent';
import { tempDir } from '../../helpers/samples';

describe('RecentProjects', () => {
  it('lists the most recent first, once each, and says which files are gone', () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.rosas');
    fs.writeFileSync(a, '');
    const recent = new RecentProjects(path.join(dir, 'config'));
    expect(recent.list()).toEqual([]);
    recent.add(a, new Date('2024-01-01T00:00:00Z'));
    recent.add(path.join(dir, 'b.rosas'), new Date('2024-01-02T00:00:00Z'));
    recent.add(a, new Date('2024-01-03T00:00:00Z'));
    expect(recent.list()).toEqual([
      { path: a, openedAt: '2024-01-03T00:00:00.000Z', exists: true },
      { path: path.join(dir, 'b.rosas'), openedAt: '2024-01-02T00:00:00.000Z', exists: false },
    ]);
    recent.remove(a);
    expect(recent.list().map((r) => r.path)).toEqual([path.join(dir, 'b.rosas')]);
  });

  it('keeps twenty, and survives a damaged file', () => {
    const dir = tempDir();
    const recent = new RecentProjects(dir);
    for (let i = 0; i < 25; i++) recent.add(path.join(dir, `${i}.rosas`));
    expect(recent.list()).toHaveLength(20);
    expect(recent.list()[0]!.path).toBe(path.join(dir, '24.rosas'));
    fs.writeFileSync(path.join(dir, 'recent-projects.json'), '{ not json');
    expect(recent.list()).toEqual([]);
    fs.writeFileSync(path.join(dir, 'recent-projects.json'), JSON.stringify([{ path: 1 }, { path: '/x', openedAt: 'now' }]));
    expect(recent.list().map((r) => r.path)).toEqual(['/x']);
  });

  it('lives under ROSAS_CONFIG_DIR, else XDG_CONFIG_HOME, else ~/.config', () => {
    expect(defaultConfigDir({ ROSAS_CONFIG_DIR: '/tmp/cfg' })).toBe('/tmp/cfg');
    if (process.platform === 'linux') {
      expect(defaultConfigDir({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/rosas-workbench');
      expect(defaultConfigDir({})).toMatch(/\.config\/rosas-workbench$/);
    }
  });
});
