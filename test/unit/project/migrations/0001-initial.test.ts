import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../../src-main/core/project/project';
import { tempDir } from '../../../helpers/samples';
import { createDb, queryPlan, updateToVersion } from '../../../helpers/sql';

// A test per migration (checked by migrate.test.ts): what the step creates, and the plans of the
// queries it is there for.

describe('0001-initial', () => {
  it('creates every table the later issues rely on, with foreign keys enforced', () => {
    const dir = tempDir();
    const p = openProject(path.join(dir, 'p.rosas'), { create: true });
    const tables = (p.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
    for (const t of ['sources', 'records', 'quarantine', 'fields', 'source_fields', 'feature_specs', 'labels', 'label_history', 'rounds', 'round_labels', 'models', 'scores', 'meta']) {
      expect(tables).toContain(t);
    }
    expect(() => p.db.prepare("INSERT INTO records (source_id, line, raw, fields) VALUES (99, 1, 'x', '[]')").run()).toThrow(/FOREIGN KEY/);
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
    p.close();
  });

  it('labels only known label values', () => {
    const db = createDb();
    updateToVersion(db, 1);
    db.prepare("INSERT INTO sources (file_name, file_path, sha256, size_bytes, format, records, quarantined, started_at, finished_at, seconds) VALUES ('a', '/a', 'h', 1, 'csv', 1, 0, 't', 't', 0)").run();
    db.prepare("INSERT INTO records (source_id, line, raw, fields) VALUES (1, 2, 'x', '[]')").run();
    expect(() => db.prepare("INSERT INTO labels (record_id, label, author, updated_at) VALUES (1, 'evil', 'a', 't')").run()).toThrow(/CHECK/);
  });

  it('finds a source by content hash, and label history and quarantine by record or source, through indexes', () => {
    const db = createDb();
    updateToVersion(db, 1);
    expect(queryPlan(db, 'SELECT id FROM sources WHERE sha256 = ?', 'h').join('\n')).toMatch(/USING (COVERING )?INDEX sources_by_sha256/);
    expect(queryPlan(db, 'SELECT * FROM label_history WHERE record_id = ?', 1).join('\n')).toMatch(/USING INDEX label_history_by_record/);
    expect(queryPlan(db, 'SELECT * FROM quarantine WHERE source_id = ? ORDER BY line', 1).join('\n')).toMatch(/USING INDEX quarantine_by_source/);
  });
});
