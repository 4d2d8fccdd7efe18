import { describe, expect, it } from 'vitest';
import { loadTf } from '../../../src-main/core/model/backend';
import { CancelledError } from '../../../src-main/core/errors';
import { rosasOptions, trainRosas } from '../../../src-main/core/model/rosas/rosas';
import { labelsFor, synthetic } from '../../helpers/rosas-data';

// Members run in the member worker: built in dist-main/, or bundled on the fly from sources.
describe('ensemble members in worker threads', () => {
  const { data, y } = synthetic(1200, 8, 0.05, 31);
  const labels = labelsFor(y, 10, 5);

  it('gives exactly the weights of training one after another, with progress for every member', async () => {
    const loaded = await loadTf();
    const opts = rosasOptions({ seed: 4, ensemble: 3, epochs: 12, minEpochs: 3 });
    const here = await trainRosas(loaded, data, labels, opts);
    const seen: Array<[number, number, number | undefined]> = [];
    const threaded = await trainRosas(loaded, data, labels, opts, { threads: 2, onProgress: (p) => seen.push([p.member, p.epoch, p.done]) });
    expect(threaded.weights).toEqual(here.weights);
    expect(threaded.epochs).toEqual(here.epochs);
    expect(threaded.history).toEqual(here.history.map((h) => ({ ...h, seconds: expect.any(Number) })));
    expect(new Set(seen.map(([m]) => m))).toEqual(new Set([0, 1, 2]));
    const done = seen.map(([, , d]) => d!);
    expect(done.every((d, i) => d > 0 && d <= 1 && (i === 0 || d >= done[i - 1]!))).toBe(true);
  });

  it('stops every thread when cancelled', async () => {
    const loaded = await loadTf();
    const controller = new AbortController();
    const run = trainRosas(loaded, data, labels, rosasOptions({ seed: 4, ensemble: 3, epochs: 150, stopping: 'fixed' }), {
      threads: 2,
      signal: controller.signal,
      onProgress: (p) => p.epoch === 2 && controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const before = new AbortController();
    before.abort();
    await expect(trainRosas(loaded, data, labels, rosasOptions({ ensemble: 3 }), { threads: 2, signal: before.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
