import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainRecord } from '../../src-main/core/explain/explain';
import { setLabels } from '../../src-main/core/labels/labels';
import { trainRound } from '../../src-main/core/rounds/train-round';
import { importInto, newProject } from '../helpers/project';
import { tempDir } from '../helpers/samples';
import { mulberry32 } from '../../src-main/core/util/random';

/** Flow-like records where anomalies differ from the rest in one field only: `bytes`. */
function flows(): string {
  const r = mulberry32(9);
  const lines = ['duration,bytes,packets,proto,kind'];
  for (let i = 0; i < 1500; i++) {
    const anomaly = i % 50 === 7;
    const packets = Math.round(5 + 10 * r());
    lines.push(`${(r() * 2).toFixed(3)},${anomaly ? Math.round(5e6 + 1e6 * r()) : Math.round(300 + 200 * r())},${packets},${r() < 0.5 ? 'tcp' : 'udp'},${anomaly ? 'exfil' : 'benign'}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('explanations', () => {
  it('name the field that makes a record anomalous, for Isolation Forest and for RoSAS rounds', async () => {
    const file = path.join(tempDir(), 'flows.csv');
    fs.writeFileSync(file, flows());
    const project = newProject();
    await importInto(project, file, { labelColumn: 'kind' });
    const anomalyIds = (project.db.prepare('SELECT id FROM records WHERE truth = 1 ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);

    await trainRound(project.db, { method: 'iforest' });
    const cold = await explainRecord(project.db, anomalyIds[0]!);
    expect(cold).toMatchObject({ round: 1, method: 'iforest', technique: 'occlusion' });
    expect(cold.fields[0]!.field).toBe('bytes');
    expect(cold.fields.map((f) => f.field)).not.toContain('kind'); // ground truth is never a feature
    expect(cold.score).toBeGreaterThan(cold.typicalScore);

    setLabels(project.db, anomalyIds.slice(0, 10), 'anomaly', { author: 'test' });
    await trainRound(project.db, { epochs: 5 });
    const e = await explainRecord(project.db, anomalyIds[20]!);
    expect(e).toMatchObject({ round: 2, method: 'rosas', technique: 'integrated-gradients' });
    expect(e.fields[0]!.field).toBe('bytes');
    expect(e.fields[0]!.value).toBeGreaterThan(1e6);
    // Integrated gradients add up to the difference from a typical record.
    const total = e.fields.reduce((s, f) => s + f.contribution, 0);
    expect(total).toBeCloseTo(e.score - e.typicalScore, 1);
    // An older round can still be explained.
    expect((await explainRecord(project.db, anomalyIds[20]!, { round: 1 })).method).toBe('iforest');
    await expect(explainRecord(project.db, 999_999)).rejects.toThrow(/no record 999999/);
    project.close();
  });
});
