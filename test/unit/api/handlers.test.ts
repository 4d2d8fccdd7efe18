import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { ApiResult, EventName, EventPayload, JobFinishedEvent, ProjectInfo } from '../../../src-main/api/contract';
import { dispatch } from '../../../src-main/api/dispatch';
import { createHandlers, type Handlers } from '../../../src-main/api/handlers';
import { RecentProjects } from '../../../src-main/api/recent';
import { Session } from '../../../src-main/api/session';
import type { runJob } from '../../../src-main/core/jobs/run-job';
import { samplePath, tempDir } from '../../helpers/samples';

const ZEEK = samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled');

/** A short Zeek log with a few lines that cannot be read. */
function garbageLog(dir: string): string {
  const lines = fs.readFileSync(ZEEK, 'utf8').split('\n');
  const file = path.join(dir, 'with-garbage.conn.log');
  fs.writeFileSync(file, [...lines.slice(0, 20), 'this is not a zeek line', '\x01\x02 binary junk', 'another broken line', ...lines.slice(20, 30)].join('\n') + '\n');
  return file;
}

function setup(opts: { runJob?: typeof runJob } = {}) {
  const dir = tempDir();
  const events: Array<{ event: EventName; payload: unknown }> = [];
  const finished: Array<(e: JobFinishedEvent) => void> = [];
  const watchers: Array<{ test: (event: EventName, payload: unknown) => boolean; resolve: () => void }> = [];
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    events.push({ event, payload });
    if (event === 'job.finished') for (const f of finished.splice(0)) f(payload as JobFinishedEvent);
    for (const w of [...watchers]) {
      if (w.test(event, payload)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  /** Resolves at the first event that passes `test` from now on. */
  const eventWhere = (test: (event: EventName, payload: unknown) => boolean) => new Promise<void>((resolve) => watchers.push({ test, resolve }));
  const log = vi.fn();
  const session = new Session({ emit, purpose: 'test', runJob: opts.runJob, log });
  const recent = new RecentProjects(path.join(dir, 'config'));
  const handlers = createHandlers({ mode: 'serve', session, recent });
  const call = async (name: string, payload: unknown = {}) => dispatch(handlers, name, payload, log);
  const value = async <T>(name: string, payload: unknown = {}): Promise<T> => {
    const r = await call(name, payload);
    if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  const nextFinished = () => new Promise<JobFinishedEvent>((resolve) => finished.push(resolve));
  return { dir, session, handlers, call, value, events, nextFinished, eventWhere, log, recent };
}

const failure = (r: ApiResult<unknown>) => (r.ok ? null : r.error);

describe('handlers', () => {
  it('need an open project for project calls', async () => {
    const { call } = setup();
    for (const name of ['project.info', 'fields.setRole', 'quarantine.list', 'import.start']) {
      const payload = name === 'fields.setRole' ? { name: 'x', role: null } : name === 'quarantine.list' ? { offset: 0, limit: 1 } : name === 'import.start' ? { files: [ZEEK], options: {} } : {};
      expect(failure(await call(name, payload))?.code, name).toBe('no-project');
    }
  });

  it('refuse the native dialogs in serve mode', async () => {
    const { call } = setup();
    expect(failure(await call('dialog.openProject', { create: false }))).toMatchObject({ code: 'unsupported' });
    expect(failure(await call('dialog.openFiles'))).toMatchObject({ code: 'unsupported' });
  });

  it('open, import with ground truth, list quarantine, set a role, close', async () => {
    const { dir, value, call, nextFinished, session } = setup();
    const file = path.join(dir, 'case.rosas');
    expect(failure(await call('project.open', { path: file }))?.code).toBe('not-found');
    const opened = await value<ProjectInfo>('project.open', { path: file, create: true });
    expect(opened).toMatchObject({ path: file, records: 0 });
    expect(await value('projects.recent')).toEqual([expect.objectContaining({ path: file, exists: true })]);

    const preview = await value<{ format: string; fields: Array<{ name: string }> }>('import.preview', { file: ZEEK });
    expect(preview.format).toBe('zeek-tsv');
    expect(preview.fields.map((f) => f.name)).toContain('label');

    let done = nextFinished();
    const { jobId } = await value<{ jobId: string }>('import.start', { files: [ZEEK], options: { labelColumn: 'label' } });
    expect(session.runningJobs()).toEqual([expect.objectContaining({ jobId, kind: 'import' })]);
    const first = await done;
    expect(first).toMatchObject({ jobId, kind: 'import', result: { cancelled: false, failed: [] } });
    expect(session.hasRunningJobs()).toBe(false);

    const garbage = garbageLog(dir);
    done = nextFinished();
    await value('import.start', { files: [garbage], options: {} });
    await done;

    const info = await value<ProjectInfo>('project.info');
    expect(info.sources).toHaveLength(2);
    expect(info.sources[0]).toMatchObject({ records: 5663, labelColumn: 'label' });
    expect(info.quarantined).toBe(3);

    const all = await value<{ rows: Array<{ raw: string; fileName: string; line: number }>; total: number }>('quarantine.list', { offset: 0, limit: 2 });
    expect(all.total).toBe(3);
    expect(all.rows).toHaveLength(2);
    expect(all.rows[0]).toMatchObject({ fileName: 'with-garbage.conn.log', line: 21, raw: 'this is not a zeek line' });
    const none = await value<{ total: number }>('quarantine.list', { sourceId: info.sources[0]!.id, offset: 0, limit: 10 });
    expect(none.total).toBe(0);

    const proto = info.fields.find((f) => f.name === 'proto')!;
    const changed = await value<ProjectInfo>('fields.setRole', { name: 'proto', role: 'ignore' });
    expect(changed.fields.find((f) => f.name === 'proto')).toMatchObject({ role: 'ignore', roleOverride: 'ignore', inferredRole: proto.inferredRole });
    expect(failure(await call('fields.setRole', { name: 'no-such-field', role: 'ignore' }))?.code).toBe('not-found');

    await value('project.close');
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    expect(failure(await call('project.info'))?.code).toBe('no-project');
  });

  it('create asks before making a folder, never creates over a file, and forget drops a recent entry', async () => {
    const { dir, value, call } = setup();
    const deep = path.join(dir, 'new', 'folder', 'case.rosas');
    expect(failure(await call('project.open', { path: deep, create: true }))?.code).toBe('no-folder');
    expect(fs.existsSync(path.join(dir, 'new'))).toBe(false);
    expect(await value<ProjectInfo>('project.open', { path: deep, create: true, createFolder: true })).toMatchObject({ path: deep, records: 0 });
    await value('project.close');
    // The project exists now: a create refuses, and leaves its bytes alone; an open opens it.
    const before = fs.readFileSync(deep);
    expect(failure(await call('project.open', { path: deep, create: true }))).toMatchObject({ code: 'exists', message: expect.stringContaining(deep) });
    expect(fs.readFileSync(deep).equals(before)).toBe(true);
    expect(await value<ProjectInfo>('project.open', { path: deep })).toMatchObject({ path: deep });
    await value('project.close');
    expect(await value('projects.recent')).toEqual([expect.objectContaining({ path: deep })]);
    expect(await value('projects.forget', { path: deep })).toEqual([]);
    expect(fs.existsSync(deep)).toBe(true);
  });

  it('save labels under the project analyst name once it is set', async () => {
    const { dir, value } = setup();
    const file = path.join(dir, 'case.rosas');
    await value('project.open', { path: file, create: true });
    expect(await value<ProjectInfo>('project.setAnalyst', { name: ' Dana K. ' })).toMatchObject({ analyst: 'Dana K.' });
    expect(await value<ProjectInfo>('project.info')).toMatchObject({ analyst: 'Dana K.' });
    expect(await value<ProjectInfo>('project.setAnalyst', { name: null })).toMatchObject({ analyst: null });
    await value('project.close');
  });

  it('refuse a missing file at once, before any job starts', async () => {
    const { dir, value, call } = setup();
    await value('project.open', { path: path.join(dir, 'p.rosas'), create: true });
    const r = await call('import.start', { files: [path.join(dir, 'nope.log')], options: {} });
    expect(failure(r)).toMatchObject({ code: 'not-found', message: expect.stringContaining('nope.log') });
  });

  it('refuse writes while a job runs, and closing cancels the job and waits for it', async () => {
    let release!: () => void;
    const fakeRun = vi.fn((_kind: string, _input: unknown, opts: { signal?: AbortSignal } = {}) => {
      return new Promise((resolve) => {
        release = () => resolve({ imported: [], failed: [], cancelled: true });
        opts.signal?.addEventListener('abort', () => setTimeout(release, 20));
      });
    }) as unknown as typeof runJob;
    const { dir, value, call, events, session } = setup({ runJob: fakeRun });
    const file = path.join(dir, 'p.rosas');
    await value('project.open', { path: file, create: true });
    const { jobId } = await value<{ jobId: string }>('import.start', { files: [ZEEK], options: {} });
    expect(await value('jobs.list')).toEqual([{ jobId, kind: 'import', progress: null }]);
    expect(failure(await call('fields.setRole', { name: 'proto', role: 'ignore' }))?.code).toBe('busy');
    expect(failure(await call('import.start', { files: [ZEEK], options: {} }))?.code).toBe('busy');
    expect(failure(await call('project.open', { path: path.join(dir, 'other.rosas'), create: true }))?.code).toBe('busy');
    await value('project.close');
    expect(session.hasRunningJobs()).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: 'job.finished', payload: { result: { cancelled: true } } });
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('train a round in the background with per-epoch progress, while labels keep being saved', async () => {
    const { dir, value, call, events, nextFinished, eventWhere, session } = setup();
    const file = path.join(dir, 'train.rosas');
    await value('project.open', { path: file, create: true });
    let done = nextFinished();
    await value('import.start', { files: [ZEEK], options: { labelColumn: 'label' } });
    await done;

    // Round 1: nothing labeled, Isolation Forest.
    done = nextFinished();
    const first = await value<{ jobId: string }>('rounds.train', {});
    expect(await value('jobs.list')).toEqual([expect.objectContaining({ jobId: first.jobId, kind: 'train', epochs: [] })]);
    // One job at a time; writes that would wait on a job are refused, labels are not.
    expect(failure(await call('import.start', { files: [ZEEK], options: {} }))).toMatchObject({ code: 'busy', message: expect.stringContaining('training') });
    expect(failure(await call('rounds.train', {}))?.code).toBe('busy');
    expect(await done).toMatchObject({ jobId: first.jobId, kind: 'train', result: { round: 1, method: 'iforest' } });

    const top = await value<{ rows: Array<{ id: number }> }>('review.page', { filter: {}, columns: [], offset: 0, limit: 10 });
    await value('labels.set', { ids: [top.rows[0]!.id], label: 'anomaly' });
    // With an analyst name set for the project, labels go under it.
    await value('project.setAnalyst', { name: 'Dana K.' });
    await value('labels.set', { ids: [top.rows[1]!.id], label: 'normal' });
    const authors = session.current().db.prepare('SELECT record_id, author FROM label_history ORDER BY id').all() as Array<{ record_id: number; author: string }>;
    expect(authors.map((a) => a.author)).toEqual([expect.not.stringMatching(/^Dana K\.$/), 'Dana K.']);

    // Round 2: RoSAS, a few epochs; the analyst labels while it trains.
    done = nextFinished();
    // Once the round has taken its snapshot of the labels (it is training), label another record.
    const training = eventWhere((e, p) => e === 'job.progress' && (p as { progress: { stage: string } }).progress.stage === 'training');
    const second = await value<{ jobId: string }>('rounds.train', { epochs: 3, seed: 7 });
    await training;
    const during = await call('labels.set', { ids: [top.rows[2]!.id], label: 'unsure', note: 'during training' });
    expect(during.ok).toBe(true);
    const finished = await done;
    expect(finished).toMatchObject({ jobId: second.jobId, kind: 'train', result: { round: 2, method: 'rosas', epochs: 3, seed: 7 } });
    expect(session.hasRunningJobs()).toBe(false);

    type Figures = { member: number; members: number; epoch: number; lossTriplet: number; lossScore: number };
    const epochs = events
      .filter((e) => e.event === 'job.progress' && (e.payload as { jobId: string }).jobId === second.jobId)
      .map((e) => (e.payload as { progress: { training?: Figures } }).progress.training)
      .filter((t) => t !== undefined);
    // Every model of the ensemble reports each of its 3 epochs.
    const members = epochs[0]!.members;
    expect(members).toBeGreaterThanOrEqual(1);
    for (let m = 0; m < members; m++) expect(epochs.filter((t) => t.member === m).map((t) => t.epoch)).toEqual([1, 2, 3]);
    expect(epochs.every((t) => Number.isFinite(t.lossTriplet) && Number.isFinite(t.lossScore))).toBe(true);

    const rounds = await value<Array<{ round: number; method: string; epochs: number | null; snapshot: { anomaly: number; normal: number; unsure: number } }>>('rounds.list');
    expect(rounds.map((r) => [r.round, r.method, r.epochs])).toEqual([[1, 'iforest', null], [2, 'rosas', 3]]);
    // The label given during training is saved and kept for the next round, not this one.
    expect(rounds[1]!.snapshot).toEqual({ anomaly: 1, normal: 1, unsure: 0 });
    const detail = await value<{ label: string; note: string }>('record.get', { id: top.rows[2]!.id });
    expect(detail).toMatchObject({ label: 'unsure', note: 'during training' });
    const explained = await value<{ method: string; technique: string; fields: unknown[] }>('record.explain', { id: top.rows[0]!.id });
    expect(explained).toMatchObject({ method: 'rosas', technique: 'integrated-gradients' });
    await value('project.close');
  }, 120_000);

  it('refuse labels while an import runs, saying why', async () => {
    let release!: () => void;
    const fakeRun = vi.fn(() => new Promise((resolve) => (release = () => resolve({ imported: [], failed: [], cancelled: true })))) as unknown as typeof runJob;
    const { dir, value, call } = setup({ runJob: fakeRun });
    await value('project.open', { path: path.join(dir, 'p.rosas'), create: true });
    await value('import.start', { files: [ZEEK], options: {} });
    expect(failure(await call('labels.set', { ids: [1], label: 'anomaly' }))).toMatchObject({ code: 'busy', message: expect.stringContaining('import') });
    release();
    await value('project.close');
  });

  it('review groups of near-duplicates and label a whole group in one call', async () => {
    const { dir, value, nextFinished } = setup();
    await value('project.open', { path: path.join(dir, 'groups.rosas'), create: true });
    let done = nextFinished();
    await value('import.start', { files: [ZEEK], options: { labelColumn: 'label' } });
    await done;
    done = nextFinished();
    await value('rounds.train', {});
    await done;

    type Groups = { round: number; groups: Array<{ id: number; rank: number; size: number; unlabeled: number }> };
    const page = await value<Groups>('review.groups', { offset: 0, limit: 50 });
    expect(page.round).toBe(1);
    expect(page.groups).toHaveLength(50);
    const big = page.groups.find((g) => g.size > 1)!;
    expect(big.unlabeled).toBe(big.size);
    const next = await value<Groups>('review.groups', { offset: 1, limit: 1 });
    expect(next.groups[0]!.id).toBe(page.groups[1]!.id);

    const r = await value<{ changed: number; groupMembers: number; records: unknown[]; counts: { normal: number } }>('labels.set', { ids: [big.id], label: 'normal', group: true });
    expect(r).toMatchObject({ changed: big.size, groupMembers: big.size - 1, records: [{ id: big.id, label: 'normal', note: null }] });
    expect(r.counts.normal).toBe(big.size);
    const open = await value<Groups>('review.groups', { offset: 0, limit: 50, unlabeledOnly: true });
    expect(open.groups.map((g) => g.id)).not.toContain(big.id);
    await value('project.close');
  });

  it('report internal errors generically and log them', async () => {
    const { handlers, log } = setup();
    const broken = { ...handlers, 'app.info': async () => { throw new Error('SQLITE_CORRUPT at /secret/path'); } } as Handlers;
    const r = await dispatch(broken, 'app.info', {}, log);
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'internal error (details are in the log)' } });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('app.info'), expect.any(Error));
  });
});
