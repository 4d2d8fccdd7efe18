import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rosas, rosasJson } from '../helpers/cli';
import { samplePath, tempDir } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';

interface GroupTop {
  round: number;
  records: Array<{ id: number; rank: number; label: string | null; group_size: number; group_unlabeled: number; fields: Record<string, unknown> }>;
}

describe('rosas top --groups and rosas label --group (groups of near-duplicates)', () => {
  it('shows one record per group with its size, and labels a whole group in one action', () => {
    const project = path.join(tempDir(), 'p.rosas');
    expect(rosas('import', project, samplePath(CONN), '--label-column', 'label').code).toBe(0);
    expect(rosas('label', project, '1', '--as', 'normal', '--group').stderr).toMatch(/no rounds yet/);
    expect(rosasJson('train', project).round).toBe(1);

    const groups = rosasJson('top', project, '--groups', '-n', '5663') as GroupTop;
    // Fewer groups than records, each shown once, sizes adding up to every record.
    expect(groups.records.length).toBeLessThan(5663);
    expect(groups.records.reduce((t, r) => t + r.group_size, 0)).toBe(5663);
    // Representatives come in review order: ranks ascend.
    const ranks = groups.records.map((r) => r.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));

    const big = groups.records.reduce((a, b) => (b.group_size > a.group_size ? b : a));
    expect(big.group_size).toBeGreaterThan(1);
    const labeled = rosasJson('label', project, String(big.id), '--as', 'normal', '--group', '--note', 'known service', '--author', 'ana');
    expect(labeled).toMatchObject({ changed: big.group_size, label: 'normal', group_members: big.group_size - 1 });
    // Each member keeps its own label row and history.
    const after = rosasJson('top', project, '--groups', '-n', '5663') as GroupTop;
    const same = after.records.find((r) => r.id === big.id)!;
    expect(same).toMatchObject({ label: 'normal', group_unlabeled: 0 });
    const info = rosasJson('info', project);
    expect(info.labels.normal).toBe(big.group_size);
    // Without --unlabeled the group is still listed; with it, it is gone.
    const open = rosasJson('top', project, '--groups', '--unlabeled', '-n', '5663') as GroupTop;
    expect(open.records.some((r) => r.id === big.id)).toBe(false);
    expect(open.records.length).toBe(groups.records.length - 1);

    const table = rosas('top', project, '--groups', '-n', '3');
    expect(table.stdout.split('\n')[1]).toMatch(/^rank\s+id\s+score\s+label\s+group \(unlabeled\)/);
  });
});
