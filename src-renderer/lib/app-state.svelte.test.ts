import { describe, expect, it } from 'vitest';
import { AppState } from './app-state.svelte';
import { FakeApi } from './testing/fake-api';
import { appInfo, project } from './testing/fixtures';

function fake() {
  return new FakeApi()
    .answer('app.info', appInfo)
    .answer('projects.recent', [{ path: '/cases/a.rosas', openedAt: '2024-06-01T10:00:00.000Z', exists: true }]);
}

describe('AppState', () => {
  it('loads the app info and recent projects; no open project is not an error', async () => {
    const api = fake().fail('project.info', 'no-project', 'no project is open');
    const app = new AppState(api);
    await app.load();
    expect(app.info?.version).toBe('0.1.0');
    expect(app.recent).toHaveLength(1);
    expect(app.project).toBeNull();
    expect(app.error).toBeNull();
  });

  it('picks up a project that is already open (rosas serve --project, a reload)', async () => {
    const app = new AppState(fake().answer('project.info', project({ records: 5 })));
    await app.load();
    expect(app.project?.records).toBe(5);
  });

  it('opens a project and refreshes the recent list', async () => {
    const api = fake().answer('project.open', (r) => project({ path: r.path }));
    const app = new AppState(api);
    expect(await app.open('/cases/new.rosas', true)).toBe(true);
    expect(app.project?.path).toBe('/cases/new.rosas');
    expect(api.requestsOf('project.open')).toEqual([{ path: '/cases/new.rosas', create: true }]);
    expect(api.requestsOf('projects.recent')).toHaveLength(1);
  });

  it('keeps the message of a failed open for the banner', async () => {
    const app = new AppState(fake().fail('project.open', 'project-locked', 'project is open in process 12'));
    expect(await app.open('/cases/a.rosas')).toBe(false);
    expect(app.error).toBe('project is open in process 12');
    expect(app.busy).toBe(false);
    app.dismissError();
    expect(app.error).toBeNull();
  });

  it('opens through the native dialog, and does nothing when it is cancelled', async () => {
    const api = new FakeApi('desktop').answer('projects.recent', []).answer('project.open', (r) => project({ path: r.path }));
    const app = new AppState(api);
    api.answer('dialog.openProject', { path: null });
    expect(await app.openWithDialog(false)).toBe(false);
    expect(api.requestsOf('project.open')).toHaveLength(0);
    api.answer('dialog.openProject', { path: '/picked.rosas' });
    expect(await app.openWithDialog(true)).toBe(true);
    expect(api.requestsOf('project.open')).toEqual([{ path: '/picked.rosas', create: true }]);
  });

  it('sends a role change and shows the project as it comes back', async () => {
    const after = project({ fields: [{ name: 'proto', type: 'string', role: 'ignore', inferredRole: 'categorical', roleOverride: 'ignore', why: '', present: 1, distinct: 1 }] });
    const api = fake().answer('fields.setRole', after);
    const app = new AppState(api);
    await app.setRole('proto', 'ignore');
    expect(api.requestsOf('fields.setRole')).toEqual([{ name: 'proto', role: 'ignore' }]);
    expect(app.project?.fields[0]?.roleOverride).toBe('ignore');
  });

  it('forgets the project when closed', async () => {
    const app = new AppState(fake().answer('project.open', project()).answer('project.close', null));
    await app.open('/cases/a.rosas');
    await app.close();
    expect(app.project).toBeNull();
  });
});
