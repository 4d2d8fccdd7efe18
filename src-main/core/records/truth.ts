import type { Database } from 'better-sqlite3';
import { perConnection } from '../util/per-connection';

/** The ground truth of the records (the import's label column), per record id. */
export interface GroundTruth {
  /** Names the state of the records it was read from (see recordsKey). */
  key: string;
  /** Per record id: -1 no ground truth, 0 normal, 1 anomaly. */
  byId: Int8Array;
  /** Records with ground truth, and the anomalies among them. */
  records: number;
  anomalies: number;
}

/** Records are only ever added, by imports: the newest id and the number of sources name the state. */
function recordsKey(db: Database): string {
  const { maxId, sources } = db.prepare('SELECT (SELECT max(id) FROM records) AS maxId, (SELECT count(*) FROM sources) AS sources').get() as { maxId: number | null; sources: number };
  return `${maxId ?? 0}:${sources}`;
}

const cacheOf = perConnection((): { truth?: GroundTruth } => ({}));

/** The records' ground truth: read once (a pass over the records), then again only after an import. */
export function groundTruth(db: Database): GroundTruth {
  const key = recordsKey(db);
  const cache = cacheOf(db);
  if (cache.truth?.key === key) return cache.truth;
  const maxId = Number(key.split(':')[0]);
  const byId = new Int8Array(maxId + 1).fill(-1);
  let records = 0;
  let anomalies = 0;
  for (const [id, t] of db.prepare('SELECT id, truth FROM records WHERE truth IS NOT NULL').raw(true).iterate() as IterableIterator<[number, number]>) {
    const v = t ? 1 : 0;
    byId[id] = v;
    records++;
    anomalies += v;
  }
  return (cache.truth = { key, byId, records, anomalies });
}
