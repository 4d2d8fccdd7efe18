import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from '../lib/app-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { project } from '../lib/testing/fixtures';
import AnalystName from './AnalystName.svelte';

afterEach(cleanup);

describe('AnalystName', () => {
  it('saves the name labels go under, and says what is used while it is empty', async () => {
    const api = new FakeApi('serve').answer('project.setAnalyst', (r) => project({ analyst: r.name }));
    const app = new AppState(api);
    app.project = project();
    const { getByLabelText, getByRole, getByText, queryByText } = render(AnalystName, { app });
    expect(getByText(/while it is empty, under the user name of this account/)).toBeTruthy();
    const save = getByRole('button', { name: 'Save name' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet
    await fireEvent.input(getByLabelText('Analyst name'), { target: { value: '  Dana K.  ' } });
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    expect(api.requestsOf('project.setAnalyst')).toEqual([{ name: 'Dana K.' }]);
    expect(app.project?.analyst).toBe('Dana K.');
    expect(queryByText(/while it is empty/)).toBeNull();
    // Blank clears it.
    await fireEvent.input(getByLabelText('Analyst name'), { target: { value: '   ' } });
    await fireEvent.click(save);
    expect(api.requestsOf('project.setAnalyst').at(-1)).toEqual({ name: null });
  });
});
