import type { Database } from 'better-sqlite3';

/** `n` plain records in one new source, written with SQL (the importer is tested elsewhere); returns their ids. */
export function addRecords(db: Database, n: number): number[] {
  const now = new Date().toISOString();
  const source = Number(
    db
      .prepare(
        `INSERT INTO sources (file_name, file_path, sha256, size_bytes, format, records, quarantined, started_at, finished_at, seconds)
         VALUES ('t.log', '/t.log', 'x', 0, 'ndjson', ?, 0, ?, ?, 0)`,
      )
      .run(n, now, now).lastInsertRowid,
  );
  const insert = db.prepare("INSERT INTO records (source_id, line, ts, truth, raw, fields) VALUES (?, ?, NULL, NULL, ?, '[]')");
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < n; i++) ids.push(Number(insert.run(source, i + 1, `record ${i + 1}`).lastInsertRowid));
  })();
  return ids;
}
