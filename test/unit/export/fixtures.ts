import fs from 'node:fs';
import path from 'node:path';
import { setLabels } from '../../../src-main/core/labels/labels';
import type { Project } from '../../../src-main/core/project/project';
import { importInto, newProject } from '../../helpers/project';
import { tempDir } from '../../helpers/samples';
import { storeRound } from '../rounds/fixtures';

/** A CSV whose cells carry what real attack payloads do: formulas, markup, separators, unicode. */
export const HOSTILE_CSV = [
  'host,payload,comment,Score,n',
  `h1,"=cmd|' /C calc'!A0",<script>alert(1)</script>,0.5,-3`,
  'h2,+1+1,"a, b ""quoted""\nnext line",x,12',
  'h3,@SUM(A1),héllo ☃ 日本語 😀,-1,-0.5',
  'h4,-2+3,"tab\there, cr\rthere",-,0',
  'h5,\t=1+2,"  -x",7,',
].join('\n');

/** JSON records with a list and a field named like an export column. */
export const LISTS_NDJSON = '{"host":"h6","tags":["x","=y",3],"label":"evil"}\n';
/** Imported after the round: not scored by it. */
export const LATE_CSV = 'host,n\nh7,7\n';

/** Scores of the round over records 1..6 (record 7 comes later): ranks 2, 5, 3, 6, 1, 4. */
export const SCORES = Float32Array.from([0.1, 0.9, 0.5, -0.25, 0.7, 0.3]);
export const RANKED = [2, 5, 3, 6, 1, 4];

export interface Hostile {
  project: Project;
  dir: string;
  files: { hostile: string; lists: string; late: string };
  round: number;
}

/** The hostile project: 7 records from 3 sources, labels with notes, one stored round over 1..6. */
export async function hostileProject(): Promise<Hostile> {
  const dir = tempDir();
  const files = { hostile: path.join(dir, 'hostile.csv'), lists: path.join(dir, 'lists.ndjson'), late: path.join(dir, 'late.csv') };
  fs.writeFileSync(files.hostile, HOSTILE_CSV);
  fs.writeFileSync(files.lists, LISTS_NDJSON);
  fs.writeFileSync(files.late, LATE_CSV);
  const project = newProject();
  await importInto(project, files.hostile, { format: 'csv' });
  await importInto(project, files.lists, { format: 'ndjson' });
  setLabels(project.db, [1], 'anomaly', { author: 'ana', note: '=HYPERLINK("http://evil.example","click")' });
  setLabels(project.db, [2], 'normal', { author: 'ana', note: 'fine, "really"\nsecond line' });
  setLabels(project.db, [3], 'unsure', { author: '@bob' });
  const round = storeRound(project.db, SCORES);
  await importInto(project, files.late, { format: 'csv' });
  return { project, dir, files, round };
}
