// Run by labels-kill.test.ts in a child process (bundled with esbuild): labels records one by one,
// each call its own transaction, and prints each id once its call has returned.
import fs from 'node:fs';
import { setLabels } from '../../../src-main/core/labels/labels';
import { openProject } from '../../../src-main/core/project/project';

const [file, from, to] = process.argv.slice(2);
const project = openProject(file!, { purpose: 'label-child' });
for (let id = Number(from); id <= Number(to); id++) {
  setLabels(project.db, [id], id % 3 === 0 ? 'normal' : 'anomaly', { author: 'child', note: `note ${id}` });
  fs.writeSync(1, `${id}\n`);
}
project.close();
