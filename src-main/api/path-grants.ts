import path from 'node:path';
import type { PathKind } from './contract';
import type { Dialogs } from './handlers';
import type { RecentProjects } from './recent';

/**
 * Desktop: the paths one window may use, kept in the main process for the window's life. A path
 * is granted for the kind its dialog was for: a log picked for import is not thereby a file that
 * an export may replace. Recent projects may always be opened (the Start screen lists them).
 */
export class PathGrants {
  private readonly granted = new Set<string>();

  constructor(private readonly recent: Pick<RecentProjects, 'list'>) {}

  grant(kind: PathKind, paths: readonly string[]): void {
    for (const p of paths) this.granted.add(`${kind}:${path.resolve(p)}`);
  }

  /** `file` is absolute, as validate.ts made it. */
  allows(kind: PathKind, file: string): boolean {
    if (this.granted.has(`${kind}:${file}`)) return true;
    return kind === 'project' && this.recent.list().some((r) => r.path === file);
  }
}

/** The window's native dialogs, each answer granted to that window for what the dialog asked. */
export function grantingDialogs(dialogs: Dialogs, grants: PathGrants): Dialogs {
  return {
    async openProject(create) {
      const chosen = await dialogs.openProject(create);
      if (chosen !== null) grants.grant('project', [chosen]);
      return chosen;
    },
    async openFiles() {
      const chosen = await dialogs.openFiles();
      grants.grant('read', chosen);
      return chosen;
    },
    async saveExport(defaultPath, format) {
      const chosen = await dialogs.saveExport(defaultPath, format);
      if (chosen !== null) grants.grant('write', [chosen]);
      return chosen;
    },
  };
}
