import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectAnalyst, setProjectAnalyst } from '../../../src-main/core/project/analyst';
import { projectInfo } from '../../../src-main/core/project/info';
import { openProject } from '../../../src-main/core/project/project';
import { tempDir } from '../../helpers/samples';

describe('the project analyst name', () => {
  it('is stored trimmed in the project, cleared by blank, and refuses control characters and long names', () => {
    const file = path.join(tempDir(), 'p.rosas');
    const p = openProject(file, { create: true });
    expect(projectAnalyst(p.db)).toBeNull();
    expect(setProjectAnalyst(p.db, '  Dana K. ')).toBe('Dana K.');
    expect(projectInfo(p.db, file).analyst).toBe('Dana K.');
    expect(() => setProjectAnalyst(p.db, 'a\u001b[31mb')).toThrow(/control characters/);
    expect(() => setProjectAnalyst(p.db, 'x'.repeat(101))).toThrow(/at most 100/);
    expect(projectAnalyst(p.db)).toBe('Dana K.');
    p.close();
    // Kept in the file: a later open sees it.
    const again = openProject(file);
    expect(projectAnalyst(again.db)).toBe('Dana K.');
    expect(setProjectAnalyst(again.db, '   ')).toBeNull();
    expect(projectAnalyst(again.db)).toBeNull();
    again.close();
  });
});
