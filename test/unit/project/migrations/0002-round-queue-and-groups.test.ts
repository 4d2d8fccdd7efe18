import { describe, expect, it } from 'vitest';
import { createDb, updateToVersion } from '../../../helpers/sql';

describe('0002-round-queue-and-groups', () => {
  it('adds the review order and the groups to a round, empty for the rounds already there', () => {
    const db = createDb();
    updateToVersion(db, 1);
    db.prepare("INSERT INTO feature_specs (id, created_at, spec) VALUES (1, 't', '{}')").run();
    db.prepare("INSERT INTO rounds (method, created_at, feature_spec_id, seed, backend, train_seconds, score_seconds, labeled_anomalies, labeled_normals, records_scored) VALUES ('iforest', 't', 1, 42, 'js', 0, 0, 0, 0, 1)").run();
    db.prepare('INSERT INTO scores (round_id, count, scores) VALUES (1, 1, ?)').run(Buffer.alloc(4));
    updateToVersion(db, 2);
    expect(db.prepare('SELECT count, length(scores) AS s, queue, groups FROM scores').get()).toEqual({ count: 1, s: 4, queue: null, groups: null });
    const ids = Buffer.from(new Int32Array([1]).buffer);
    db.prepare('UPDATE scores SET queue = ?, groups = ? WHERE round_id = 1').run(ids, ids);
    expect(db.prepare('SELECT length(queue) AS q, length(groups) AS g FROM scores').get()).toEqual({ q: 4, g: 4 });
  });
});
