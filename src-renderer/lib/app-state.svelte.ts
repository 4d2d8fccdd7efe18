import type { AppInfo, LabelCounts, ProjectInfo, RecentProject, Role } from '../../src-main/api/contract';
import { ApiCallError, type Api } from './api';

/** The message to show for a failed action; codes the UI handles itself never get here. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiCallError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** A create the Start screen asks about before going on: a missing folder, or a project there already. */
export interface CreateQuestion {
  path: string;
  why: 'no-folder' | 'exists';
  message: string;
}

/** What the whole UI knows: the app, the recent projects, and the open project. */
export class AppState {
  info = $state.raw<AppInfo | null>(null);
  recent = $state.raw<RecentProject[]>([]);
  project = $state.raw<ProjectInfo | null>(null);
  /** The last failure, shown until the next action or until dismissed. */
  error = $state<string | null>(null);
  busy = $state(false);
  /** Set when a create stopped to ask (createFolder / open instead); cleared by the next action. */
  question = $state.raw<CreateQuestion | null>(null);

  constructor(readonly api: Api) {}

  get mode() {
    return this.api.mode;
  }

  get desktop() {
    return this.api.mode === 'desktop';
  }

  async load(): Promise<void> {
    await this.run(async () => {
      this.info = await this.api.invoke('app.info');
      this.recent = await this.api.invoke('projects.recent');
      // A project may be open already: rosas serve --project, or a reloaded page.
      try {
        this.project = await this.api.invoke('project.info');
      } catch (err) {
        if (!(err instanceof ApiCallError && err.code === 'no-project')) throw err;
      }
    });
  }

  /** Opens or creates; false when it failed or stopped to ask (`question`). */
  async open(path: string, create = false, createFolder = false): Promise<boolean> {
    this.question = null;
    const ok = await this.run(async () => {
      try {
        this.project = await this.api.invoke('project.open', createFolder ? { path, create, createFolder } : { path, create });
      } catch (err) {
        if (create && err instanceof ApiCallError && (err.code === 'no-folder' || err.code === 'exists')) {
          this.question = { path, why: err.code, message: err.message };
          return;
        }
        throw err;
      }
      this.recent = await this.api.invoke('projects.recent');
    });
    return ok && this.question === null;
  }

  /** Drops a project from the recent list; its file stays where it is. */
  async forget(path: string): Promise<boolean> {
    return this.run(async () => {
      this.recent = await this.api.invoke('projects.forget', { path });
    });
  }

  dismissQuestion(): void {
    this.question = null;
  }

  /** Desktop: the native dialog picks the file. Returns false when cancelled or failed. */
  async openWithDialog(create: boolean): Promise<boolean> {
    let chosen: string | null = null;
    const ok = await this.run(async () => {
      chosen = (await this.api.invoke('dialog.openProject', { create })).path;
    });
    if (!ok || chosen === null) return false;
    return this.open(chosen, create);
  }

  async close(): Promise<void> {
    await this.run(async () => {
      await this.api.invoke('project.close');
      this.project = null;
      this.recent = await this.api.invoke('projects.recent');
    });
  }

  async refresh(): Promise<void> {
    await this.run(async () => {
      this.project = await this.api.invoke('project.info');
    });
  }

  async setRole(name: string, role: Role | null): Promise<boolean> {
    return this.run(async () => {
      this.project = await this.api.invoke('fields.setRole', { name, role });
    });
  }

  /** The name labels are saved under in this project; null: the account's user name. */
  async setAnalyst(name: string | null): Promise<boolean> {
    return this.run(async () => {
      this.project = await this.api.invoke('project.setAnalyst', { name });
    });
  }

  /** Labels were saved: the counts shown everywhere follow without reloading the project. */
  setLabelCounts(counts: LabelCounts): void {
    if (this.project) this.project = { ...this.project, labels: { anomaly: counts.anomaly, normal: counts.normal, unsure: counts.unsure } };
  }

  dismissError(): void {
    this.error = null;
  }

  /** Runs an action with the busy flag, catching its failure into `error`; true when it worked. */
  private async run(action: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await action();
      return true;
    } catch (err) {
      this.error = messageOf(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
