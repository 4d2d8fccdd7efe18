import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../lib/api';
import { AppState } from '../lib/app-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { project } from '../lib/testing/fixtures';
import Start from './Start.svelte';

afterEach(cleanup);

describe('Start screen', () => {
  it('serve mode: opens or creates the project typed in the path field', async () => {
    const api = new FakeApi('serve').answer('project.open', (r) => project({ path: r.path })).answer('projects.recent', []);
    const app = new AppState(api);
    const { getByLabelText, getByRole } = render(Start, { app });
    await fireEvent.input(getByLabelText('Project file'), { target: { value: '/cases/new.rosas' } });
    await fireEvent.click(getByRole('button', { name: 'Create new project' }));
    expect(api.requestsOf('project.open')).toEqual([{ path: '/cases/new.rosas', create: true }]);
  });

  it('desktop: offers the native dialogs instead of a path field', () => {
    const app = new AppState(new FakeApi('desktop'));
    const { queryByLabelText, getByRole } = render(Start, { app });
    expect(queryByLabelText('Project file')).toBeNull();
    expect(getByRole('button', { name: 'Open project…' })).toBeTruthy();
    expect(getByRole('button', { name: 'New project…' })).toBeTruthy();
  });

  it('lists recent projects and marks missing ones', async () => {
    const api = new FakeApi('serve').answer('projects.recent', [
      { path: '/cases/a.rosas', openedAt: '2024-06-01T10:00:00.000Z', exists: true },
      { path: '/gone/b.rosas', openedAt: '2024-05-01T10:00:00.000Z', exists: false },
    ]);
    const app = new AppState(api);
    app.recent = await api.invoke('projects.recent');
    const { getByRole } = render(Start, { app });
    expect((getByRole('button', { name: /^\/cases\/a\.rosas/ }) as HTMLButtonElement).disabled).toBe(false);
    expect((getByRole('button', { name: /^\/gone\/b\.rosas.*missing/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('removes a recent project from the list, missing or not', async () => {
    const rows = [
      { path: '/cases/a.rosas', openedAt: '2024-06-01T10:00:00.000Z', exists: true },
      { path: '/gone/b.rosas', openedAt: '2024-05-01T10:00:00.000Z', exists: false },
    ];
    const api = new FakeApi('serve').answer('projects.forget', (r) => rows.filter((x) => x.path !== r.path));
    const app = new AppState(api);
    app.recent = rows;
    const { getByRole, queryByRole } = render(Start, { app });
    await fireEvent.click(getByRole('button', { name: 'Remove /gone/b.rosas from the list' }));
    expect(api.requestsOf('projects.forget')).toEqual([{ path: '/gone/b.rosas' }]);
    expect(queryByRole('button', { name: /^\/gone\/b\.rosas/ })).toBeNull();
    expect(getByRole('button', { name: /^\/cases\/a\.rosas/ })).toBeTruthy();
  });

  it('asks before creating a missing folder, then creates it with the project', async () => {
    let calls = 0;
    const api = new FakeApi('serve').answer('projects.recent', []).answer('project.open', (r) => {
      if (calls++ === 0) throw new ApiCallError('no-folder', 'the folder /new/dir does not exist');
      return project({ path: r.path });
    });
    const app = new AppState(api);
    const { getByLabelText, getByRole, findByText } = render(Start, { app });
    await fireEvent.input(getByLabelText('Project file'), { target: { value: '/new/dir/p.rosas' } });
    await fireEvent.click(getByRole('button', { name: 'Create new project' }));
    expect(await findByText(/does not exist yet/)).toBeTruthy();
    expect(app.project).toBeNull();
    await fireEvent.click(getByRole('button', { name: 'Create the folder and the project' }));
    expect(api.requestsOf('project.open')).toEqual([
      { path: '/new/dir/p.rosas', create: true },
      { path: '/new/dir/p.rosas', create: true, createFolder: true },
    ]);
    expect(app.project?.path).toBe('/new/dir/p.rosas');
  });

  it('offers to open a project that exists instead of creating over it', async () => {
    const api = new FakeApi('serve').answer('projects.recent', []).answer('project.open', (r) => {
      if (r.create) throw new ApiCallError('exists', 'a file exists at /cases/a.rosas already');
      return project({ path: r.path });
    });
    const app = new AppState(api);
    const { getByLabelText, getByRole, findByText } = render(Start, { app });
    await fireEvent.input(getByLabelText('Project file'), { target: { value: '/cases/a.rosas' } });
    await fireEvent.click(getByRole('button', { name: 'Create new project' }));
    expect(await findByText(/a new project would replace it/)).toBeTruthy();
    await fireEvent.click(getByRole('button', { name: 'Open it' }));
    expect(api.requestsOf('project.open').at(-1)).toEqual({ path: '/cases/a.rosas', create: false });
    expect(app.project?.path).toBe('/cases/a.rosas');
  });
});
