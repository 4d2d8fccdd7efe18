import crypto from 'node:crypto';
import fs from 'node:fs';

/** sha256 of a file's bytes as stored (a .gz is hashed compressed). */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    if (signal?.aborted) break;
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
