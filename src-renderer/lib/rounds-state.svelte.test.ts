import { describe, expect, it, vi } from 'vitest';
import type { RoundSummary, TrainRoundProgress, TrainRoundResult } from '../../src-main/api/contract';
import { roundSummary as summary } from './testing/fixtures';
import { RoundsState } from './rounds-state.svelte';
import { FakeApi } from './testing/fake-api';

const flush = () => new Promise((r) => setTimeout(r, 0));

const result = (round: number): TrainRoundResult => ({
  repeats: null,
  coverPicks: 0,
  round,
  method: 'rosas',
  backend: 'wasm',
  seed: 42,
  epochs: 3,
  hiddenAnomalyAuc: null,
  trainSeconds: 1,
  scoreSeconds: 1,
  seconds: 2.5,
  labeledAnomalies: 1,
  labeledNormals: 1,
  labeledUnsure: 0,
  recordsScored: 100,
  featureSpecId: 1,
  dim: 10,
});

const epoch = (n: number, total = 3): TrainRoundProgress => ({
  stage: 'training',
  method: 'rosas',
  done: n,
  total,
  training: { member: 0, members: 1, epoch: n, epochs: total, mode: 'sequential', done: n / total, lossTriplet: 1 / n, lossScore: 0.5 / n, weightTriplet: 1, weightScore: 1, seconds: 0.1 },
});

function setup() {
  let rounds = [summary(1)];
  const api = new FakeApi()
    .answer('rounds.train', { jobId: 'job-1' })
    .answer('job.cancel', null)
    .answer('rounds.list', () => rounds)
    .answer('charts.scoreHistogram', (r) => ({ round: r.round ?? 1, min: 0, max: 1, edges: [0, 0.5, 1], counts: { unlabeled: [1, 1], anomaly: [0, 0], normal: [0, 0], unsure: [0, 0] } }))
    .answer('charts.discovery', { reviewed: 0, found: 0, rounds: [] })
    .answer('charts.precisionRecall', { available: false, records: 0, anomalies: 0, rounds: [] });
  const onTrained = vi.fn();
  const state = new RoundsState(api, onTrained);
  return { api, state, onTrained, setRounds: (r: RoundSummary[]) => (rounds = r) };
}

describe('RoundsState', () => {
  it('lists the rounds and loads the charts of the newest', async () => {
    const { api, state } = setup();
    await state.refresh();
    expect(state.rounds.map((r) => r.round)).toEqual([1]);
    expect(state.histogramRound).toBe(1);
    expect(api.requestsOf('charts.scoreHistogram')).toEqual([{ bins: 40, round: 1 }]);
    expect(state.histogram?.round).toBe(1);
    expect(state.precision?.available).toBe(false);
  });

  it('trains in the background: progress by stage, each epoch once, then the new round', async () => {
    const { api, state, onTrained, setRounds } = setup();
    state.epochsInput = '3';
    expect(await state.train()).toBe(true);
    expect(api.requestsOf('rounds.train')).toEqual([{ epochs: 3 }]);
    expect(state.training).toBe(true);
    expect(state.stageText).toBe('starting');

    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: { stage: 'features', method: null, done: 50, total: 100 } });
    expect(state.fraction).toBeCloseTo(0.05);
    expect(state.stageText).toBe('reading the records');
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: epoch(1) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: epoch(2) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: epoch(2) });
    // Another job's events are not ours.
    api.emit('job.progress', { jobId: 'other', kind: 'train', progress: epoch(3) });
    expect(state.epochs.map((e) => [e.epoch, e.lossTriplet])).toEqual([[1, 1], [2, 0.5]]);
    expect(state.stageText).toBe('training RoSAS: epoch 2 of 3');
    expect(state.fraction).toBeCloseTo(0.1 + 0.75 * (2 / 3));

    setRounds([summary(1), summary(2)]);
    api.emit('job.finished', { jobId: 'job-1', kind: 'train', result: result(2) });
    expect(state.training).toBe(false);
    expect(state.result?.round).toBe(2);
    expect(onTrained).toHaveBeenCalledWith(result(2));
    await flush();
    await flush();
    expect(state.rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(state.histogramRound).toBe(2);
  });

  it('uses the default epochs when the field is empty, and refuses a bad count', async () => {
    const { api, state } = setup();
    state.epochsInput = 'many';
    expect(await state.train()).toBe(false);
    expect(state.trainError).toMatch(/whole number/);
    expect(api.requestsOf('rounds.train')).toHaveLength(0);
    state.epochsInput = ' ';
    await state.train();
    expect(api.requestsOf('rounds.train')).toEqual([{}]);
  });

  it('asks for cross-fitted stopping when chosen, unless a number of epochs is given', async () => {
    const { api, state } = setup();
    state.stopping = 'cross-fit';
    await state.train();
    api.emit('job.finished', { jobId: 'job-1', kind: 'train', result: result(2) });
    state.epochsInput = '7';
    await state.train();
    expect(api.requestsOf('rounds.train')).toEqual([{ stopping: 'cross-fit' }, { epochs: 7 }]);
  });

  it('cancels, and says that nothing was saved and the labels are kept', async () => {
    const { api, state, onTrained } = setup();
    await state.train();
    await state.cancel();
    expect(api.requestsOf('job.cancel')).toEqual([{ jobId: 'job-1' }]);
    expect(state.cancelling).toBe(true);
    api.emit('job.finished', { jobId: 'job-1', kind: 'train', error: { code: 'cancelled', message: 'training cancelled' } });
    expect(state.training).toBe(false);
    expect(state.trainError).toBe('Training cancelled: no round was saved. Your labels are all kept.');
    expect(onTrained).not.toHaveBeenCalled();
  });

  it('shows why training could not start', async () => {
    const { api, state } = setup();
    api.fail('rounds.train', 'busy', 'cannot start training while an import is running');
    expect(await state.train()).toBe(false);
    expect(state.training).toBe(false);
    expect(state.trainError).toMatch(/import is running/);
  });

  it('does not miss a round that finishes before its start call returns', async () => {
    const { api, state, onTrained } = setup();
    api.answer('rounds.train', () => {
      api.emit('job.finished', { jobId: 'fast', kind: 'train', result: result(2) });
      return { jobId: 'fast' };
    });
    await state.train();
    expect(state.training).toBe(false);
    expect(onTrained).toHaveBeenCalledOnce();
  });

  it('picks up a round still training after a reload, with the epochs so far', async () => {
    const { api, state } = setup();
    api.answer('jobs.list', [{ jobId: 'job-7', kind: 'train', progress: epoch(2, 5), epochs: [epoch(1, 5).training!, epoch(2, 5).training!].map(({ epochs: _e, members: _m, ...f }) => f) }]);
    await state.resume();
    expect(state.training).toBe(true);
    expect(state.epochs).toHaveLength(2);
    api.emit('job.progress', { jobId: 'job-7', kind: 'train', progress: epoch(3, 5) });
    expect(state.epochs).toHaveLength(3);
  });

  it('follows an ensemble: each model its share of the bar, each model’s epochs kept apart', async () => {
    const { api, state } = setup();
    await state.train();
    const t = (member: number, ep: number) => ({ stage: 'training' as const, method: 'rosas' as const, done: ep, total: 200, training: { member, members: 3, epoch: ep, epochs: 200, mode: 'sequential' as const, done: (member + ep / 200) / 3, lossTriplet: 1, lossScore: 1, weightTriplet: 1, weightScore: 1, seconds: 0.1 } });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: t(0, 1) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: t(1, 1) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: t(1, 100) });
    expect(state.epochs.map((e) => [e.member, e.epoch])).toEqual([[0, 1], [1, 1], [1, 100]]);
    expect(state.fraction).toBeCloseTo(0.1 + 0.75 * (1.5 / 3));
    expect(state.stageText).toBe('training RoSAS: model 2 of 3, epoch 100 of 200 at most');
  });

  it('follows models trained side by side: the bar moves with the epoch, not the model', async () => {
    const { api, state } = setup();
    await state.train();
    const t = (member: number, ep: number) => ({ stage: 'training' as const, method: 'rosas' as const, done: ep, total: 200, training: { member, members: 3, epoch: ep, epochs: 200, mode: 'lockstep' as const, done: (ep - 1 + (member + 1) / 3) / 200, lossTriplet: 1, lossScore: 1, weightTriplet: 1, weightScore: 1, seconds: 0.1 } });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: t(0, 1) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: t(1, 1) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: t(2, 1) });
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: t(0, 2) });
    expect(state.epochs.map((e) => [e.member, e.epoch])).toEqual([[0, 1], [1, 1], [2, 1], [0, 2]]);
    expect(state.fraction).toBeCloseTo(0.1 + 0.75 * ((1 + 1 / 3) / 200));
    expect(state.stageText).toBe('training RoSAS: 3 models side by side, epoch 2 of 200 at most');
  });

  it('follows models trained in parallel threads by the share the engine reports', async () => {
    const { api, state } = setup();
    await state.train();
    const training = { member: 1, members: 3, epoch: 4, epochs: 200, mode: 'threads' as const, done: 0.5, lossTriplet: 1, lossScore: 1, weightTriplet: 1, weightScore: 1, seconds: 0.1 };
    api.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: { stage: 'training', method: 'rosas', done: 4, total: 200, training } });
    expect(state.fraction).toBeCloseTo(0.1 + 0.75 * 0.5);
    expect(state.stageText).toBe('training RoSAS: 3 models in parallel, up to 200 epochs each (each stops when it has learned)');
    expect(state.epochs).toEqual([{ member: 1, epoch: 4, lossTriplet: 1, lossScore: 1, weightTriplet: 1, weightScore: 1, seconds: 0.1 }]);
  });
});
