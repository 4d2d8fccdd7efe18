import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { setPlatformAPI } from 'echarts/core';
import { afterEach, describe, expect, it } from 'vitest';
import { RoundsState } from '../lib/rounds-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { project, roundSummary } from '../lib/testing/fixtures';
import Rounds from './Rounds.svelte';

afterEach(cleanup);
// jsdom has no canvas: ECharts measures its text this way instead (a fixed width a character).
setPlatformAPI({ measureText: (text: string) => ({ width: text.length * 7 }) });
const flush = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

function api() {
  const history = [1, 2, 3].map((epoch) => ({ member: 0, epoch, lossTriplet: 1 / epoch, lossScore: 0.5 / epoch, weightTriplet: 1, weightScore: 1, seconds: 0.2 }));
  return new FakeApi()
    .answer('rounds.list', [roundSummary(1, { reviewed: 4, anomaliesFound: 2 }), roundSummary(2, { history, snapshot: { anomaly: 2, normal: 2, unsure: 0 } })])
    .answer('rounds.train', { jobId: 'job-1' })
    .answer('rounds.compare', (r) => ({
      a: r.a,
      b: r.b,
      k: r.k ?? 100,
      records: 100,
      topKOverlap: 40,
      topKOverlapShare: 0.4,
      spearman: 0.812,
      labeledAnomaliesInTopK: { a: 1, b: 2 },
      truth: { records: 100, anomalies: 10, a: { averagePrecision: 0.2, rocAuc: 0.6 }, b: { averagePrecision: 0.4, rocAuc: 0.7 }, heldOut: { records: 96, anomalies: 9, a: { averagePrecision: 0.1, rocAuc: 0.5 }, b: { averagePrecision: 0.3, rocAuc: 0.6 } } },
    }))
    .answer('charts.scoreHistogram', (r) => ({
      round: r.round ?? 2,
      min: 0,
      max: 1,
      edges: [0, 0.25, 0.5, 0.75, 1],
      counts: { unlabeled: [50, 30, 10, 2], anomaly: [0, 0, 1, 2], normal: [1, 0, 0, 0], unsure: [0, 0, 0, 0] },
    }))
    .answer('charts.discovery', { reviewed: 4, found: 2, rounds: [{ round: 1, reviewed: 4, found: 2, points: [[0, 0], [1, 1], [2, 1], [3, 2], [4, 2]] }] })
    .answer('charts.precisionRecall', {
      available: true,
      records: 100,
      anomalies: 10,
      rounds: [1, 2].map((round) => ({ round, averagePrecision: 0.2 * round, heldOutAveragePrecision: 0.1 * round, points: [{ k: 1, precision: 1, recall: 0.1 }, { k: 10, precision: 0.5, recall: 0.5 }, { k: 100, precision: 0.1, recall: 1 }] })),
    });
}

describe('Rounds screen', () => {
  it('shows the history of rounds and its charts (SVG), with AUC-PR when there is ground truth', async () => {
    const a = api();
    const rounds = new RoundsState(a);
    await rounds.refresh();
    const { container } = render(Rounds, { rounds, project: project({ records: 100, rounds: 2, labels: { anomaly: 2, normal: 2, unsure: 0 } }), chartWidth: 600, onreview: () => {} });
    await flush();
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(['2', '1']);
    expect(rows[0]!.textContent).toContain('RoSAS · 5 epochs');
    expect(rows[0]!.textContent).toContain('0.400 (0.200)');
    expect(rows[1]!.textContent).toContain('Isolation Forest');
    for (const name of [/Score histogram of round 2/, /Discovery curve/, /Precision and recall at k/, /Training loss per epoch of round 2/]) {
      const chart = screen.getByRole('img', { name });
      expect(chart.querySelector('svg'), String(name)).not.toBeNull();
    }
    expect(container.textContent).toContain('round 1: 2 anomalies in 4 reviewed');
    // The newest two rounds side by side.
    await fireEvent.click(screen.getByRole('button', { name: 'Compare' }));
    await flush();
    expect(a.requestsOf('rounds.compare')).toEqual([{ a: 1, b: 2, k: 100 }]);
    expect(screen.getAllByRole('status').map((s) => s.textContent).join(' ')).toMatch(/share 40 records \(40%\).*0\.812.*AUC-PR 0\.200 and 0\.400.*96 records neither was trained on: 0\.100 and 0\.300/s);
    // Another round's histogram.
    await fireEvent.change(screen.getByLabelText('Round of the histogram'), { target: { value: '1' } });
    await flush();
    expect(a.requestsOf('charts.scoreHistogram').at(-1)).toEqual({ round: 1, bins: 40 });
  });

  it('retrains with the epochs given, and shows progress, a live loss chart and a cancel button', async () => {
    const a = api();
    const rounds = new RoundsState(a);
    await rounds.refresh();
    render(Rounds, { rounds, project: project({ records: 100, rounds: 2, labels: { anomaly: 2, normal: 2, unsure: 0 } }), chartWidth: 600, onreview: () => {} });
    await flush();
    expect(screen.getByText(/The model is RoSAS/)).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('RoSAS epochs'), { target: { value: '5' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Retrain' }));
    await flush();
    expect(a.requestsOf('rounds.train')).toEqual([{ epochs: 5 }]);
    a.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: { stage: 'training', method: 'rosas', done: 1, total: 5, training: { member: 0, members: 1, epoch: 1, epochs: 5, mode: 'sequential', done: 0.2, lossTriplet: 0.9, lossScore: 0.4, weightTriplet: 1, weightScore: 1, seconds: 0.1 } } });
    await flush();
    expect(screen.getByRole('progressbar', { name: 'Training progress' }).getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText(/epoch 1 of 5/)).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Training loss per epoch:/ }).querySelector('svg')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Cancel training' })).toBeTruthy();
  });

  it('says that the next round is Isolation Forest again while nothing is labeled anomaly', async () => {
    const rounds = new RoundsState(api());
    render(Rounds, { rounds, project: project({ records: 100, rounds: 1 }), chartWidth: 600, onreview: () => {} });
    await flush();
    expect(screen.getByText(/uses Isolation Forest again/)).toBeTruthy();
  });
});
