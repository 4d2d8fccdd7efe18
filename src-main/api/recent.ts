import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecentProject } from './contract';

const FILE = 'recent-projects.json';
const KEEP = 20;

interface Stored {
  path: string;
  openedAt: string;
}

/**
 * Where settings live when Electron does not say (serve mode, CLI): ROSAS_CONFIG_DIR, else the
 * platform's usual place. Electron passes app.getPath('userData') instead.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROSAS_CONFIG_DIR) return env.ROSAS_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'rosas-workbench');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'rosas-workbench');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'rosas-workbench');
}

/** The projects opened lately, most recent first, kept in a small JSON file in the config folder. */
export class RecentProjects {
  private readonly file: string;

  constructor(readonly configDir: string) {
    this.file = path.join(configDir, FILE);
  }

  list(): RecentProject[] {
    return this.read().map((r) => ({ ...r, exists: fs.existsSync(r.path) }));
  }

  add(projectPath: string, at = new Date()): void {
    const abs = path.resolve(projectPath);
    const rest = this.read().filter((r) => r.path !== abs);
    this.write([{ path: abs, openedAt: at.toISOString() }, ...rest].slice(0, KEEP));
  }

  remove(projectPath: string): void {
    const abs = path.resolve(projectPath);
    this.write(this.read().filter((r) => r.path !== abs));
  }

  private read(): Stored[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      return []; // none yet, or damaged: a list of shortcuts is not worth failing over
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((r): r is Stored => typeof r?.path === 'string' && typeof r?.openedAt === 'string');
  }

  private write(rows: Stored[]): void {
    fs.mkdirSync(this.configDir, { recursive: true });
    // Write then rename: a crash mid-write leaves the old list, not half a file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(rows, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
  }
}
