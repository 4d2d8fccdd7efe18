import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { setPlatformAPI } from 'echarts/core';
import { compile } from 'svelte/compiler';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoundComparison } from '../../src-main/api/contract';
import { RoundsState } from '../lib/rounds-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { project, roundSummary } from '../lib/testing/fixtures';
import Rounds from './Rounds.svelte';
import roundsSource from './Rounds.svelte?raw';

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

  it('says the comparison in one sentence, one space between its parts', async () => {
    const truth = { records: 100, anomalies: 10, a: { averagePrecision: 0.2, rocAuc: 0.6 }, b: { averagePrecision: 0.4, rocAuc: 0.7 } };
    const cases: Array<[Partial<RoundComparison>, string]> = [
      [
        { truth: { ...truth, heldOut: { records: 96, anomalies: 9, a: { averagePrecision: 0.1, rocAuc: 0.5 }, b: { averagePrecision: 0.3, rocAuc: 0.6 } } } },
        'Rounds 1 and 2: their top 100 share 40 records (40%); rank correlation (Spearman) 0.812; records labeled anomaly in each top 100: 1 and 2. ' +
          'Against the ground truth, AUC-PR 0.200 and 0.400 (on the 96 records neither was trained on: 0.100 and 0.300).',
      ],
      [{ truth: { ...truth, heldOut: null } }, 'Rounds 1 and 2: their top 100 share 40 records (40%); rank correlation (Spearman) 0.812; records labeled anomaly in each top 100: 1 and 2. Against the ground truth, AUC-PR 0.200 and 0.400.'],
      [{ truth: null, spearman: null }, 'Rounds 1 and 2: their top 100 share 40 records (40%); rank correlation (Spearman) –; records labeled anomaly in each top 100: 1 and 2.'],
    ];
    for (const [over, sentence] of cases) {
      const a = api().answer('rounds.compare', (r) => ({ a: r.a, b: r.b, k: 100, records: 100, topKOverlap: 40, topKOverlapShare: 0.4, spearman: 0.812, labeledAnomaliesInTopK: { a: 1, b: 2 }, truth: null, ...over }));
      const rounds = new RoundsState(a);
      await rounds.refresh();
      const { container } = render(Rounds, { rounds, project: project({ records: 100, rounds: 2 }), chartWidth: 600, onreview: () => {} });
      await fireEvent.click(screen.getByRole('button', { name: 'Compare' }));
      await flush();
      // The text as it is, not whitespace-normalized: a space missing or doubled is a defect.
      expect(container.querySelector('.cmp')?.textContent).toBe(sentence);
      cleanup();
    }
  });

  it('says which feature spec version each round used once there are two', async () => {
    const a = api().answer('rounds.list', [roundSummary(1), roundSummary(2, { featureSpecId: 2, dim: 64 })]);
    const rounds = new RoundsState(a);
    await rounds.refresh();
    render(Rounds, { rounds, project: project({ records: 100, rounds: 2 }), chartWidth: 600, onreview: () => {} });
    await flush();
    const table = screen.getByRole('table');
    expect(within(table).getByRole('columnheader', { name: 'Features' })).toBeTruthy();
    const cells = within(table).getAllByRole('row').map((r) => r.textContent ?? '');
    expect(cells.some((t) => /#2 · 64/.test(t))).toBe(true);
    expect(cells.some((t) => /#1 · 21/.test(t))).toBe(true);
  });

  it('fits the history at 1280 px: short headers explained on hover, no cell wrapping', async () => {
    const heavy = roundSummary(12, { backend: 'tensorflow-gpu', epochs: 200, members: 3, hiddenAnomalyAuc: 1, trainSeconds: 80, scoreSeconds: 3, snapshot: { anomaly: 120, normal: 300, unsure: 20 }, reviewed: 1234, anomaliesFound: 456 });
    const a = api()
      .answer('rounds.list', [roundSummary(1), heavy])
      .answer('charts.precisionRecall', { available: true, records: 100, anomalies: 10, rounds: [1, 12].map((round) => ({ round, averagePrecision: 0.978, heldOutAveragePrecision: 0.787, points: [] })) });
    const rounds = new RoundsState(a);
    await rounds.refresh();
    const { container } = render(Rounds, { rounds, project: project({ records: 100, rounds: 12, labels: { anomaly: 120, normal: 300, unsure: 20 } }), chartWidth: 600, onreview: () => {} });
    await flush();
    const table = screen.getByRole('table');
    const rows = [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()));
    // The widest text of each column, at ~7 px a character (15 px × 0.92 system-ui) and 14 px of
    // padding a cell, within 1280 px less the screen's margins and a scrollbar (~1217 px).
    const columns = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
    expect(columns.reduce((sum, n) => sum + n, 0), rows.map((r) => r.join(' | ')).join('\n')).toBeLessThanOrEqual(Math.floor((1217 - 14 * columns.length) / 7.2));
    // Headers shortened say the rest on hover.
    for (const name of ['Took', 'Labels', 'Reviewed', 'Found', 'Held-out labels', 'AUC-PR (held out)']) {
      expect(within(table).getByRole('columnheader', { name }).getAttribute('title'), name).toBeTruthy();
    }
    // The component's own stylesheet (jsdom applies no Svelte CSS by itself), under the scope class
    // Svelte gave the rendered elements: every cell stays on one line, the box scrolls if it must.
    const css = compile(roundsSource, { css: 'external', filename: 'Rounds.svelte' }).css!.code;
    const scope = /svelte-[a-z0-9]+/.exec(table.getAttribute('class') ?? '')![0];
    const style = document.createElement('style');
    style.textContent = css.replaceAll(/svelte-[a-z0-9]+/g, scope);
    document.head.append(style);
    try {
      for (const td of container.querySelectorAll('tbody td')) expect(getComputedStyle(td).whiteSpace, td.textContent ?? '').toBe('nowrap');
    } finally {
      style.remove();
    }
  });

  it('says what the held-out labels figure of a cross-fitted round measures, and what it does not', async () => {
    const a = api().answer('rounds.list', [roundSummary(1), roundSummary(2, { members: 3, hiddenAnomalyAuc: 1 })]);
    const rounds = new RoundsState(a);
    await rounds.refresh();
    const { container } = render(Rounds, { rounds, project: project({ records: 100, rounds: 2 }), chartWidth: 600, onreview: () => {} });
    await flush();
    expect(container.textContent).not.toMatch(/hidden anomalies AUC/);
    const table = screen.getByRole('table');
    const header = within(table).getByRole('columnheader', { name: 'Held-out labels' });
    expect(header.getAttribute('title')).toMatch(/labeled anomalies each model was not trained on.*not accuracy against all anomalies, nor recall of anomalies not labeled yet/s);
    const [r2, r1] = within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell'));
    const col = [...header.parentElement!.children].indexOf(header);
    expect(r2![col]!.textContent).toBe('AUC 1.000');
    expect(r2![col]!.getAttribute('title')).toMatch(/^Each model trained without 1\/3 of the anomaly labels\./);
    expect(r1![col]!.textContent).toBe('–');
    // Said on the screen too, not only on hover, and tied to the header for screen readers.
    const note = document.getElementById(header.getAttribute('aria-describedby') ?? '');
    expect(note?.textContent).toMatch(/^Held-out labels: how the labeled anomalies .* rank .*It is not accuracy against all anomalies, nor recall of anomalies not labeled yet; with few labeled anomalies it easily reaches 1\.000\. AUC-PR is the figure against all anomalies \(the ground truth\)\.$/);
  });

  it('draws the live loss chart up to the epochs trained, with one legend entry a loss naming the models', async () => {
    const a = api();
    const rounds = new RoundsState(a);
    await rounds.refresh();
    render(Rounds, { rounds, project: project({ records: 100, rounds: 2, labels: { anomaly: 2, normal: 2, unsure: 0 } }), chartWidth: 600, onreview: () => {} });
    await flush();
    await fireEvent.click(screen.getByRole('button', { name: 'Retrain' }));
    for (let epoch = 1; epoch <= 5; epoch++) {
      const training = { member: 0, members: 3, epoch, epochs: 200, mode: 'sequential' as const, done: epoch / 600, lossTriplet: 1 / epoch, lossScore: 0.5 / epoch, weightTriplet: 1, weightScore: 1, seconds: 0.1 };
      a.emit('job.progress', { jobId: 'job-1', kind: 'train', progress: { stage: 'training', method: 'rosas', done: epoch, total: 600, training } });
    }
    await flush();
    const chart = screen.getByRole('img', { name: /^Training loss per epoch: .*, one pair of lines per model$/ });
    const texts = [...chart.querySelectorAll('text')].map((t) => t.textContent ?? '');
    expect(texts).toContain('L′ (feature triplet loss) · 3 models');
    expect(texts).toContain('L (score loss) · 3 models');
    // The epoch axis' labels: whole numbers up to a little past 5, not up to 200.
    const ticks = texts.filter((t) => /^\d+$/.test(t)).map(Number);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(10);
  });
});
