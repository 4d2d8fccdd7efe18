import fs from 'node:fs';
import { RosasError } from '../errors';

/** The file's stat when it is a regular file to read a log from; else an error that says what it is instead. */
export function statLogFile(abs: string): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new RosasError('not-found', 'no such file', { file: abs });
  }
  if (stat.isDirectory()) throw new RosasError('invalid-argument', 'this is a folder, not a log file: choose the log files in it', { file: abs });
  if (!stat.isFile()) throw new RosasError('invalid-argument', 'not a regular file', { file: abs });
  return stat;
}
