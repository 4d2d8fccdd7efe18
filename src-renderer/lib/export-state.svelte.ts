import type { ExportDone, ExportFormat } from '../../src-main/api/contract';
import { ApiCallError, type Api } from './api';
import { messageOf } from './app-state.svelte';

/** The Export screen: labeled findings (or every record) to CSV or NDJSON. */
export class ExportState {
  format = $state<ExportFormat>('csv');
  onlyLabeled = $state(true);
  /** Serve mode: where to write; empty = beside the project. */
  path = $state('');
  /** The round whose rank and score go with the records; null = the newest. */
  round = $state<number | null>(null);
  running = $state(false);
  result = $state.raw<ExportDone | null>(null);
  error = $state<string | null>(null);
  /** The file exists: the analyst may replace it. */
  exists = $state(false);

  constructor(private readonly api: Api) {}

  async run(overwrite = false): Promise<boolean> {
    this.running = true;
    this.error = null;
    this.exists = false;
    this.result = null;
    try {
      const path = this.path.trim();
      this.result = await this.api.invoke('export.run', {
        format: this.format,
        onlyLabeled: this.onlyLabeled,
        ...(path ? { path } : {}),
        ...(this.round !== null ? { round: this.round } : {}),
        ...(overwrite ? { overwrite: true } : {}),
      });
      return this.result.file !== null;
    } catch (err) {
      this.exists = err instanceof ApiCallError && err.code === 'exists';
      this.error = messageOf(err);
      return false;
    } finally {
      this.running = false;
    }
  }
}
