import { describe, expect, it } from 'vitest';
import { currentLabels, labelCounts, labelHistory, labelsOf, setLabels } from '../../../src-main/core/labels/labels';
import { RosasError } from '../../../src-main/core/errors';
import { newProject, projectDigest } from '../../helpers/project';
import { addRecords } from './records';

const alice = { author: 'alice' };

describe('setLabels', () => {
  it('labels, relabels and removes, keeping every change in the history with the previous value', () => {
    const p = newProject();
    const [a, b] = addRecords(p.db, 3) as [number, number, number];
    expect(setLabels(p.db, [a, b], 'anomaly', { author: 'alice', note: 'beacon' })).toEqual({ changed: 2 });
    expect(labelsOf(p.db, [a, b, 3]).get(a)).toMatchObject({ recordId: a, label: 'anomaly', note: 'beacon', author: 'alice' });
    expect(labelsOf(p.db, [3]).size).toBe(0);

    expect(setLabels(p.db, [a], 'normal', { author: 'bob' })).toEqual({ changed: 1 });
    // No note given: the record keeps its note.
    expect(labelsOf(p.db, [a]).get(a)).toMatchObject({ label: 'normal', note: 'beacon', author: 'bob' });
    expect(setLabels(p.db, [a], 'normal', { author: 'bob', note: 'false positive' })).toEqual({ changed: 1 });
    expect(setLabels(p.db, [a], null, { author: 'carol', note: 'not sure any more' })).toEqual({ changed: 1 });
    expect(labelsOf(p.db, [a]).size).toBe(0);

    const h = labelHistory(p.db, a);
    expect(h.map((e) => [e.label, e.previous, e.note, e.author])).toEqual([
      ['anomaly', null, 'beacon', 'alice'],
      ['normal', 'anomaly', 'beacon', 'bob'],
      ['normal', 'normal', 'false positive', 'bob'],
      [null, 'normal', 'not sure any more', 'carol'],
    ]);
    for (const e of h) expect(new Date(e.at).toISOString()).toBe(e.at);
    expect(h.map((e) => e.id)).toEqual([...h.map((e) => e.id)].sort((x, y) => x - y));
    expect(labelHistory(p.db, b)).toHaveLength(1);
    p.close();
  });

  it('records nothing when nothing changes (same label, same note; removing no label)', () => {
    const p = newProject();
    const [a, b] = addRecords(p.db, 2) as [number, number];
    setLabels(p.db, [a], 'unsure', { author: 'alice', note: 'x' });
    const before = projectDigest(p);
    expect(setLabels(p.db, [a], 'unsure', { author: 'bob' })).toEqual({ changed: 0 });
    expect(setLabels(p.db, [a], 'unsure', { author: 'bob', note: 'x' })).toEqual({ changed: 0 });
    expect(setLabels(p.db, [b], null, alice)).toEqual({ changed: 0 });
    expect(setLabels(p.db, [], 'anomaly', alice)).toEqual({ changed: 0 });
    expect(projectDigest(p)).toBe(before);
    // Duplicated ids count once.
    expect(setLabels(p.db, [b, b, b], 'normal', alice)).toEqual({ changed: 1 });
    expect(labelHistory(p.db, b)).toHaveLength(1);
    // An empty note clears it.
    expect(setLabels(p.db, [a], 'unsure', { author: 'bob', note: '' })).toEqual({ changed: 1 });
    expect(labelsOf(p.db, [a]).get(a)!.note).toBeNull();
    p.close();
  });

  it('refuses unknown record ids, naming them, and changes nothing', () => {
    const p = newProject();
    const ids = addRecords(p.db, 5);
    setLabels(p.db, [ids[0]!], 'anomaly', alice);
    const before = projectDigest(p);
    let err: unknown;
    try {
      setLabels(p.db, [ids[1]!, 999, ids[2]!, 1000], 'normal', alice);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RosasError);
    expect((err as RosasError).code).toBe('not-found');
    expect((err as Error).message).toMatch(/999, 1000/);
    expect(projectDigest(p)).toBe(before);
    expect(() => setLabels(p.db, [ids[1]!], 'bogus' as never, alice)).toThrow(/unknown label "bogus"/);
    expect(() => setLabels(p.db, [ids[1]!], 'normal', { author: ' ' })).toThrow(/author/);
    expect(() => setLabels(p.db, [1.5], 'normal', alice)).toThrow(/integers/);
    expect(projectDigest(p)).toBe(before);
    p.close();
  });

  it('counts and lists current labels', () => {
    const p = newProject();
    const ids = addRecords(p.db, 10);
    setLabels(p.db, ids.slice(0, 3), 'anomaly', alice);
    setLabels(p.db, ids.slice(3, 7), 'normal', alice);
    setLabels(p.db, ids.slice(7, 8), 'unsure', alice);
    setLabels(p.db, ids.slice(6, 7), null, alice);
    expect(labelCounts(p.db)).toEqual({ anomaly: 3, normal: 3, unsure: 1, total: 7 });
    const all = currentLabels(p.db);
    expect(all.size).toBe(7);
    expect(all.get(ids[0]!)).toBe('anomaly');
    expect(all.get(ids[6]!)).toBeUndefined();
    expect(all.get(ids[7]!)).toBe('unsure');
    p.close();
  });

  it('labels 10k records in one call quickly, in one transaction', () => {
    const p = newProject();
    const ids = addRecords(p.db, 10_000);
    const t0 = performance.now();
    expect(setLabels(p.db, ids, 'normal', alice)).toEqual({ changed: 10_000 });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(labelCounts(p.db).normal).toBe(10_000);
    expect((p.db.prepare('SELECT count(*) AS n FROM label_history').get() as { n: number }).n).toBe(10_000);
    // One call, one transaction: one timestamp.
    expect((p.db.prepare('SELECT count(DISTINCT at) AS n FROM label_history').get() as { n: number }).n).toBe(1);
    const t1 = performance.now();
    expect(setLabels(p.db, ids, 'anomaly', alice)).toEqual({ changed: 10_000 });
    expect(performance.now() - t1).toBeLessThan(2000);
    expect(labelsOf(p.db, ids).size).toBe(10_000);
    p.close();
  });

  it('runs on a project opened for full durability (synchronous = FULL, WAL)', () => {
    const p = newProject();
    addRecords(p.db, 1);
    setLabels(p.db, [1], 'anomaly', alice);
    expect(p.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
    p.close();
  });
});
