import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
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
    expect((getByRole('button', { name: /\/cases\/a\.rosas/ }) as HTMLButtonElement).disabled).toBe(false);
    expect((getByRole('button', { name: /\/gone\/b\.rosas.*missing/ }) as HTMLButtonElement).disabled).toBe(true);
  });
});
