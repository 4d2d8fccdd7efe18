import { afterEach, describe, expect, it } from 'vitest';
import type { FieldInfo, ProjectInfo, Role, TrainRoundResult } from '../../src-main/api/contract';
import { AppState } from './app-state.svelte';
import { saveColumns } from './columns-store';
import { ProjectState } from './project-state.svelte';
import { FakeApi } from './testing/fake-api';
import { project, roundSummary } from './testing/fixtures';
import { reviewBackend } from './testing/review-fixtures';

const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
};

const field = (name: string, role: Role): FieldInfo => ({ name, type: 'string', role, inferredRole: role, roleOverride: null, why: '', present: 1, distinct: 1 });
const FIELDS = [field('ts', 'timestamp'), field('id.orig_h', 'ip'), field('proto', 'categorical'), field('label', 'label')];
const SOURCE = { id: 1, fileName: 'conn.log', filePath: '/logs/conn.log', sha256: 'abc', bytes: 2048, format: 'zeek-tsv', records: 500, quarantined: 0, labelColumn: 'label', importedAt: '2024-06-01T10:00:00.000Z', seconds: 1 };
const PATH = '/cases/state-test.rosas';

const trained = (round: number): TrainRoundResult => ({
  repeats: null,
  coverPicks: 0,
  round,
  method: 'iforest',
  backend: 'js',
  seed: 42,
  epochs: null,
  hiddenAnomalyAuc: null,
  trainSeconds: 1,
  scoreSeconds: 1,
  seconds: 2,
  labeledAnomalies: 0,
  labeledNormals: 0,
  labeledUnsure: 0,
  recordsScored: 500,
  featureSpecId: 1,
  dim: 10,
});

function setup(over: Partial<ProjectInfo> = {}) {
  const api = new FakeApi();
  const info = project({ path: PATH, records: 500, rounds: 2, sources: [SOURCE], fields: FIELDS, ...over });
  api.answer('jobs.list', []).answer('rounds.list', [roundSummary(1), roundSummary(2)]).answer('project.info', () => info);
  reviewBackend(api, 500);
  const app = new AppState(api);
  app.project = info;
  const screen = new ProjectState(app, localStorage);
  return { api, app, screen, info };
}

afterEach(() => localStorage.clear());

describe('ProjectState', () => {
  it('opens on Import for an empty project', () => {
    const { screen } = setup({ records: 0, rounds: 0, sources: [], fields: [] });
    expect(screen.view).toBe('import');
  });

  it('opens on Review with the ranking in the default columns for these logs, never the ground truth', async () => {
    const { api, screen } = setup();
    expect(screen.view).toBe('review');
    screen.start();
    await flush();
    expect(screen.defaults).toEqual(['ts', 'id.orig_h', 'proto']);
    expect(api.requestsOf('review.page')).toEqual([{ filter: { label: 'none' }, columns: ['ts', 'id.orig_h', 'proto'], offset: 0, limit: 100 }]);
    expect(screen.rounds.rounds).toHaveLength(2);
    screen.dispose();
  });

  it('remembers the columns per project, keeping those the project still has', async () => {
    saveColumns(localStorage, PATH, ['proto', 'gone']);
    const { screen } = setup();
    screen.start();
    await flush();
    expect(screen.review.ranking.columns).toEqual(['proto']);
    screen.setColumns(['ts', 'proto']);
    const again = setup().screen;
    again.start();
    await flush();
    expect(again.review.ranking.columns).toEqual(['ts', 'proto']);
  });

  it('starts the review when the first round is trained, and keeps the counts of saved labels current', async () => {
    const { api, app, screen, info } = setup({ rounds: 0 });
    screen.start();
    await flush();
    expect(api.requestsOf('review.page')).toHaveLength(0);
    api.answer('rounds.train', { jobId: 'job-1' }).answer('project.info', () => ({ ...info, rounds: 1 }));
    await screen.rounds.train();
    api.emit('job.finished', { jobId: 'job-1', kind: 'train', result: trained(1) });
    await flush();
    expect(app.project?.rounds).toBe(1);
    expect(screen.review.ranking.total).toBe(500);
    expect(await screen.review.label('anomaly')).toBe(true);
    expect(app.project?.labels).toEqual({ anomaly: 1, normal: 0, unsure: 0 });
  });

  it('switches views: Rounds with fresh figures, a past round in the review, a source’s quarantine', async () => {
    const { api, screen } = setup();
    api.answer('quarantine.list', { total: 0, rows: [] });
    screen.start();
    await flush();
    const listed = api.requestsOf('rounds.list').length;
    screen.select('rounds');
    await flush();
    expect(api.requestsOf('rounds.list')).toHaveLength(listed + 1);
    screen.reviewRound(1);
    expect(screen.view).toBe('review');
    expect(screen.review.ranking.round).toBe(1);
    // The newest is reviewed as "newest", which follows the rounds trained later.
    screen.reviewRound(2);
    expect(screen.review.ranking.round).toBeUndefined();
    screen.showQuarantine(1);
    expect(screen.view).toBe('quarantine');
    expect(api.requestsOf('quarantine.list').at(-1)).toMatchObject({ sourceId: 1, offset: 0 });
  });
});
