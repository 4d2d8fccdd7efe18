import { RosasError, CancelledError } from '../errors';
import { importFile } from '../ingest/import';
import { openProject } from '../project/project';
import type { TaskControl } from '../util/task';
import type { ImportFilesResult, JobTypes } from './jobs';

type Import = JobTypes['import'];

/**
 * Imports files one after the other, each in its own transaction: a file that is not a log, or
 * any other failure while reading one, fails that file alone; the others land. Cancelling stops at once and keeps the files already finished.
 * Runs inside the job worker, under the lock that the calling process holds.
 */
export async function runImportJob(input: Import['input'], ctl: TaskControl<Import['progress']>): Promise<ImportFilesResult> {
  const project = openProject(input.project, { create: true, lock: false });
  const result: ImportFilesResult = { imported: [], failed: [], cancelled: false };
  try {
    for (const [i, file] of input.files.entries()) {
      try {
        const summary = await importFile(project.db, file, input.options, {
          signal: ctl.signal,
          onProgress: (p) => ctl.onProgress?.({ ...p, fileIndex: i, files: input.files.length }),
        });
        result.imported.push(summary);
      } catch (err) {
        if (err instanceof CancelledError) {
          result.cancelled = true;
          break;
        }
        // Whatever went wrong stays with this file (rolled back); the other files are still read.
        if (err instanceof RosasError) result.failed.push({ file, code: err.code, message: err.message });
        else result.failed.push({ file, code: 'internal', message: `${file}: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  } finally {
    project.close();
  }
  return result;
}
