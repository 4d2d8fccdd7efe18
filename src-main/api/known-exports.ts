import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const FILE = 'known-exports.json';
const KEEP = 500;

interface Entry {
  path: string;
  size: number;
  sha256: string;
  writtenAt: string;
}

/** Size and SHA-256 of a regular file; null for anything else. O_NONBLOCK: a FIFO put in its place cannot hang the open. */
async function fingerprint(file: string): Promise<{ size: number; sha256: string } | null> {
  const fh = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const s = await fh.stat();
    if (!s.isFile()) return null;
    const hash = crypto.createHash('sha256');
    await pipeline(fh.createReadStream({ autoClose: false }), hash);
    return { size: s.size, sha256: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}

/**
 * The exports this app wrote on this machine (path, size, SHA-256 of the bytes), in the config
 * folder beside the recent projects: serve mode replaces an existing file only when it is one of
 * them, unchanged. Why not a marker or header in the file: anyone can write one, and an analyst's
 * copy of an export edited in a spreadsheet keeps it, yet is their work. Why not a table in the
 * project: an export runs while an import holds the project's write lock, and the question is about
 * files of this machine, whichever project wrote them. An export edited since, or a file put in its
 * place, no longer matches and is refused.
 */
export class KnownExports {
  private readonly file: string;
  /** Writes one at a time: two exports finishing together must both be noted. */
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly configDir: string) {
    this.file = path.join(configDir, FILE);
  }

  /** Notes a complete export, once it is in place under its name. */
  remember(file: string): Promise<void> {
    const done = this.writing.then(async () => {
      const abs = path.resolve(file);
      const print = await fingerprint(abs);
      if (!print) return;
      const rest = this.read().filter((e) => e.path !== abs);
      this.write([{ path: abs, ...print, writtenAt: new Date().toISOString() }, ...rest].slice(0, KEEP));
    });
    this.writing = done.catch(() => {});
    return done;
  }

  /** True when `file` is an export noted here and still holds exactly the bytes written. */
  async isUnchanged(file: string): Promise<boolean> {
    const abs = path.resolve(file);
    const entry = this.read().find((e) => e.path === abs);
    if (!entry) return false;
    try {
      const s = await fs.promises.stat(abs);
      if (!s.isFile() || s.size !== entry.size) return false;
      return (await fingerprint(abs))?.sha256 === entry.sha256;
    } catch {
      return false;
    }
  }

  private read(): Entry[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      return []; // none yet, or damaged: then no file counts as an export, which only refuses more
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((e): e is Entry => typeof e?.path === 'string' && typeof e?.size === 'number' && typeof e?.sha256 === 'string');
  }

  private write(entries: Entry[]): void {
    fs.mkdirSync(this.configDir, { recursive: true });
    // Write then rename: a crash mid-write leaves the old list, not half a file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(entries, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
  }
}
