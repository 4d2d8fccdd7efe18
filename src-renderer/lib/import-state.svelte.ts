import { SvelteMap } from 'svelte/reactivity';
import type { FormatName, ImportFilesResult, ImportOptions, ImportPreview, Role } from '../../src-main/api/contract';
import type { Api } from './api';
import { messageOf } from './app-state.svelte';
import { JobFollower, type JobFinishedOf, type JobProgressOf } from './job-follower.svelte';

export type ImportStage = 'choose' | 'previewing' | 'preview' | 'running' | 'done';

/**
 * One import, step by step: choose files, look at the preview and adjust roles and the
 * ground-truth column, run it with progress, read the summary.
 */
export class ImportState {
  stage = $state<ImportStage>('choose');
  files = $state<string[]>([]);
  /** '' lets the importer detect the format. */
  format = $state<FormatName | ''>('');
  preview = $state.raw<ImportPreview | null>(null);
  /** Roles the analyst changed in the preview, by field name (a Map: a field may be called __proto__). */
  readonly roles = new SvelteMap<string, Role>();
  /** The field holding ground truth: kept for evaluation, never a feature. */
  labelColumn = $state<string | null>(null);
  progress = $state.raw<JobProgressOf<'import'> | null>(null);
  /** Records per second, smoothed. */
  rate = $state(0);
  result = $state.raw<ImportFilesResult | null>(null);
  error = $state<string | null>(null);

  private readonly job: JobFollower<'import'>;
  private lastSample: { at: number; records: number } | null = null;
  private doneRecords = 0;
  private lastFileIndex = 0;

  constructor(
    private readonly api: Api,
    /** Called after an import finished, so the project view can reload. */
    private readonly onImported: () => void = () => {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.job = new JobFollower(api, 'import', { progress: (e) => this.onProgress(e.progress), finished: (e) => this.onFinished(e) });
  }

  dispose(): void {
    this.job.dispose();
  }

  get jobId(): string | null {
    return this.job.jobId;
  }

  get cancelling(): boolean {
    return this.job.cancelling;
  }

  /** The role a field will get: the analyst's choice, else the inferred one. */
  roleOf(name: string): Role {
    if (this.labelColumn === name) return 'label';
    return this.roles.get(name) ?? this.preview?.fields.find((f) => f.name === name)?.role ?? 'ignore';
  }

  setRole(name: string, role: Role): void {
    const inferred = this.preview?.fields.find((f) => f.name === name)?.role;
    if (role === inferred) this.roles.delete(name);
    else this.roles.set(name, role);
  }

  setLabelColumn(name: string | null): void {
    this.labelColumn = name;
  }

  /** Overall progress over all files, 0..1. */
  get fraction(): number {
    const p = this.progress;
    if (!p) return 0;
    const inFile = p.bytesTotal ? p.bytesRead / p.bytesTotal : 0;
    return (p.fileIndex + (p.stage === 'hashing' ? 0 : inFile)) / Math.max(1, p.files);
  }

  /** Records read so far, over all files. */
  get records(): number {
    return this.doneRecords + (this.progress?.records ?? 0);
  }

  async previewFiles(files: string[]): Promise<void> {
    const list = files.map((f) => f.trim()).filter(Boolean);
    if (!list.length) {
      this.error = 'give the path of a log file';
      return;
    }
    this.files = list;
    this.stage = 'previewing';
    this.error = null;
    this.preview = null;
    this.roles.clear();
    this.labelColumn = null;
    try {
      this.preview = await this.api.invoke('import.preview', { file: list[0]!, ...(this.format ? { format: this.format } : {}) });
      this.stage = 'preview';
    } catch (err) {
      this.error = messageOf(err);
      this.stage = 'choose';
    }
  }

  /** Picks up an import that is still running, e.g. after the page was reloaded in the middle of it. */
  async resume(): Promise<void> {
    try {
      const running = (await this.api.invoke('jobs.list')).find((j) => j.kind === 'import');
      if (!running || this.stage === 'running') return;
      this.stage = 'running';
      this.job.follow(running.jobId);
      if (running.progress) this.onProgress(running.progress);
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  /** Desktop: pick files with the native dialog, then preview them. */
  async chooseWithDialog(): Promise<void> {
    try {
      const { paths } = await this.api.invoke('dialog.openFiles');
      if (paths.length) await this.previewFiles(paths);
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  options(): ImportOptions {
    // Object.fromEntries defines own keys, so "__proto__" stays a key in the request.
    const roles = Object.fromEntries([...this.roles].filter(([name]) => name !== this.labelColumn));
    return {
      ...(this.format ? { format: this.format } : {}),
      ...(this.labelColumn ? { labelColumn: this.labelColumn } : {}),
      ...(Object.keys(roles).length ? { roles } : {}),
    };
  }

  /** Imports these files (refused as already imported) once more, with the same settings. */
  async importAgain(files: string[]): Promise<void> {
    this.files = files;
    await this.start(true);
  }

  async start(again = false): Promise<void> {
    this.stage = 'running';
    this.error = null;
    this.result = null;
    this.progress = null;
    this.rate = 0;
    this.lastSample = null;
    this.doneRecords = 0;
    this.lastFileIndex = 0;
    try {
      const options = again ? { ...this.options(), again: true } : this.options();
      await this.job.start(() => this.api.invoke('import.start', { files: this.files, options }));
    } catch (err) {
      this.error = messageOf(err);
      this.stage = 'preview';
    }
  }

  async cancel(): Promise<void> {
    try {
      await this.job.cancel();
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  /** Back to an empty form, for the next import. */
  reset(): void {
    this.stage = 'choose';
    this.files = [];
    this.format = '';
    this.preview = null;
    this.roles.clear();
    this.labelColumn = null;
    this.job.forget();
    this.progress = null;
    this.result = null;
    this.error = null;
  }

  private onProgress(p: JobProgressOf<'import'>): void {
    const prev = this.progress;
    if (prev && p.fileIndex !== this.lastFileIndex) {
      // Each file counts its records from zero: keep the finished files' total.
      this.doneRecords += prev.records;
      this.lastFileIndex = p.fileIndex;
    }
    this.progress = p;
    const sample = { at: this.now(), records: this.records };
    if (this.lastSample && sample.at > this.lastSample.at) {
      const instant = ((sample.records - this.lastSample.records) * 1000) / (sample.at - this.lastSample.at);
      this.rate = this.rate ? 0.7 * this.rate + 0.3 * instant : instant;
    }
    this.lastSample = sample;
  }

  private onFinished(e: JobFinishedOf<'import'>): void {
    if ('error' in e) {
      this.error = e.error.message;
      this.stage = 'preview';
    } else {
      this.result = e.result;
      this.stage = 'done';
    }
    this.onImported();
  }
}
