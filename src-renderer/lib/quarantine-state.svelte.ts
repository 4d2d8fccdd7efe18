import type { QuarantineRow } from '../../src-main/api/contract';
import type { Api } from './api';
import { messageOf } from './app-state.svelte';

/** A paged view of the lines an import could not read, of one source or of all. */
export class QuarantineState {
  rows = $state.raw<QuarantineRow[]>([]);
  total = $state(0);
  offset = $state(0);
  sourceId = $state<number | undefined>(undefined);
  loading = $state(false);
  error = $state<string | null>(null);

  constructor(
    private readonly api: Api,
    readonly pageSize = 50,
  ) {}

  get hasPrevious(): boolean {
    return this.offset > 0;
  }

  get hasNext(): boolean {
    return this.offset + this.rows.length < this.total;
  }

  /** 1-based positions of the rows shown, for "41–50 of 73". */
  get range(): { from: number; to: number } {
    return { from: this.rows.length ? this.offset + 1 : 0, to: this.offset + this.rows.length };
  }

  async show(sourceId: number | undefined, offset = 0): Promise<void> {
    this.sourceId = sourceId;
    await this.load(offset);
  }

  next(): Promise<void> {
    return this.load(this.offset + this.pageSize);
  }

  previous(): Promise<void> {
    return this.load(Math.max(0, this.offset - this.pageSize));
  }

  private async load(offset: number): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const page = await this.api.invoke('quarantine.list', { offset, limit: this.pageSize, ...(this.sourceId === undefined ? {} : { sourceId: this.sourceId }) });
      this.rows = page.rows;
      this.total = page.total;
      this.offset = offset;
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.loading = false;
    }
  }
}
