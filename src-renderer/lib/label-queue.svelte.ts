import { SvelteMap } from 'svelte/reactivity';
import type { Label, LabelCounts, LabelsSetResult } from '../../src-main/api/contract';
import type { Api } from './api';
import { messageOf } from './app-state.svelte';

/** A label being saved: shown at once, confirmed (or taken back) when the call returns. */
interface Pending {
  label: Label | null;
  seq: number;
}

export interface LabelQueueOptions {
  /**
   * A label was saved. Called before the record stops showing as saving, so that the rows can
   * take the saved label first and never flash the old one.
   */
  onSaved?: (ids: number[], note: string | undefined, result: LabelsSetResult) => void;
  /** A label was not saved: what to tell the analyst. */
  onError?: (message: string) => void;
}

/**
 * Labels on their way to the main side, in the order they are given (one queue), each saved
 * before its call returns. A record shows its new label at once, marked as saving; if the save
 * fails, it goes back to the label it had and the error says that the label was not saved.
 */
export class LabelQueue {
  readonly pending = new SvelteMap<number, Pending>();
  /** Saves not answered yet. */
  saving = $state(0);
  /** The project's label counts after the last save. */
  counts = $state.raw<LabelCounts | null>(null);

  private queue: Promise<unknown> = Promise.resolve();
  /** Which save a pending label belongs to: only the newest one for a record takes it back. */
  private seq = 0;

  constructor(
    private readonly api: Api,
    private readonly opts: LabelQueueOptions = {},
  ) {}

  /** A record's label as the analyst sees it: a pending one first. */
  labelOf(row: { id: number; label: Label | null }): Label | null {
    const p = this.pending.get(row.id);
    return p ? p.label : row.label;
  }

  isPending(id: number): boolean {
    return this.pending.has(id);
  }

  /** Saves a label (and a note, when given) for the records, after those given before; true when saved. */
  async save(ids: number[], label: Label | null, note?: string): Promise<boolean> {
    const seq = ++this.seq;
    for (const id of ids) this.pending.set(id, { label, seq });
    this.saving++;
    const call = this.queue.then(() => this.api.invoke('labels.set', { ids, label, ...(note !== undefined ? { note } : {}) }));
    this.queue = call.catch(() => {});
    try {
      const r = await call;
      this.counts = r.counts;
      this.opts.onSaved?.(ids, note, r);
      return true;
    } catch (err) {
      const what = ids.length === 1 ? `record ${ids[0]}` : `${ids.length} records`;
      this.opts.onError?.(`The label for ${what} was NOT saved: ${messageOf(err)}`);
      return false;
    } finally {
      this.saving--;
      for (const id of ids) if (this.pending.get(id)?.seq === seq) this.pending.delete(id);
    }
  }
}
