import { describe, expect, it } from 'vitest';
import { suricataEve } from '../../../src-main/core/ingest/formats/suricata-eve';
import { buildSpec } from '../../../src-main/core/features/spec-plan';
import { latestSpec, saveSpec, specById } from '../../../src-main/core/features/spec-store';
import { newProject } from '../../helpers/project';
import { sampleTable, specInputs, tableOf } from './fixtures';

describe('stored feature specs', () => {
  it('round-trips through the project file', async () => {
    const t = await sampleTable(suricataEve, 'suricata-eve/slips-test6-malicious.eve.json');
    const spec = buildSpec(specInputs(t), t.total);
    const p = newProject();
    try {
      expect(latestSpec(p.db)).toBeNull();
      const id = saveSpec(p.db, spec);
      const loaded = latestSpec(p.db)!;
      expect(loaded.id).toBe(id);
      expect(loaded.spec).toEqual(spec);
      const second = buildSpec(specInputs(t, { proto: 'ignore' }), t.total);
      const id2 = saveSpec(p.db, second);
      expect(id2).toBeGreaterThan(id);
      expect(latestSpec(p.db)!.spec).toEqual(second);
      expect(specById(p.db, id)).toEqual(spec);
      expect(() => specById(p.db, 999)).toThrow(/no feature spec #999/);
    } finally {
      p.close();
    }
  });

  it('refuses a spec from a newer version or a damaged one', () => {
    const p = newProject();
    try {
      const insert = p.db.prepare("INSERT INTO feature_specs (created_at, spec) VALUES ('now', ?)");
      insert.run(JSON.stringify({ version: 2 }));
      expect(() => latestSpec(p.db)).toThrow(expect.objectContaining({ code: 'project-newer' }));
      const t = tableOf(Array.from({ length: 50 }, (_, i) => ({ n: i })));
      const spec = buildSpec(specInputs(t), t.total);
      insert.run(JSON.stringify({ ...spec, dim: spec.dim + 1 }));
      expect(() => latestSpec(p.db)).toThrow(expect.objectContaining({ code: 'project-invalid' }));
      insert.run('{not json');
      expect(() => latestSpec(p.db)).toThrow(/not valid JSON/);
    } finally {
      p.close();
    }
  });
});
