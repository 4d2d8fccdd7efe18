import type { Explanation, Label, RecordDetail } from '../../src-main/api/contract';
import type { Api } from './api';
import { messageOf } from './app-state.svelte';

/**
 * The detail pane: one record, whole (raw text, every field, label history), and the explanation
 * of its score. Loads are tokened: moving on quickly never shows a record that was left behind.
 */
export class RecordPane {
  open = $state(false);
  id = $state<number | null>(null);
  record = $state.raw<RecordDetail | null>(null);
  explanation = $state.raw<Explanation | null>(null);
  loading = $state(false);
  explaining = $state(false);
  error = $state<string | null>(null);
  explainError = $state<string | null>(null);
  /** The note being written; saved with the record's next label (or at once when it has one). */
  noteDraft = $state('');
  /** A word to the analyst next to the note field. */
  hint = $state<string | null>(null);

  private token = 0;
  private round: number | undefined;
  /** Notes written for records and not saved yet (no label given since): kept until they are. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private readonly drafts = new Map<number, string>();

  constructor(private readonly api: Api) {}

  /** True when the note field holds something other than the saved note. */
  get noteDirty(): boolean {
    return this.record !== null && this.noteDraft !== (this.record.note ?? '');
  }

  isOpenFor(id: number): boolean {
    return this.open && this.id === id;
  }

  /** The unsaved note written for a record (in the pane now, or earlier), if any. */
  draftFor(id: number): string | undefined {
    if (this.isOpenFor(id) && this.record) return this.noteDirty ? this.noteDraft : undefined;
    return this.drafts.get(id);
  }

  /** A note was saved for the record: its draft is done. */
  noteSaved(id: number): void {
    this.drafts.delete(id);
  }

  /** Keeps the note being written when the pane moves to another record or closes. */
  private stash(): void {
    if (this.id === null || !this.record) return;
    if (this.noteDirty) this.drafts.set(this.id, this.noteDraft);
    else this.drafts.delete(this.id);
  }

  /**
   * Shows a record. `explainAfter` (ms): wait that long before asking for the explanation, and
   * skip it if the pane has moved on meanwhile (walking down the list with the pane open must not
   * queue an explanation per record: each costs the main side a few hundred ms at 1M records).
   */
  async show(id: number, round?: number, explainAfter = 0): Promise<void> {
    if (this.open && this.id === id && this.round === round && (this.record || this.loading)) return;
    this.stash();
    const t = ++this.token;
    this.open = true;
    this.id = id;
    this.round = round;
    this.record = null;
    this.explanation = null;
    this.error = null;
    this.explainError = null;
    this.hint = null;
    this.noteDraft = '';
    this.loading = true;
    this.explaining = true;
    const req = { id, ...(round !== undefined ? { round } : {}) };
    const record = this.api.invoke('record.get', req).then(
      (r) => {
        if (t !== this.token) return;
        this.record = r;
        this.noteDraft = this.drafts.get(id) ?? r.note ?? '';
      },
      (err: unknown) => {
        if (t === this.token) this.error = messageOf(err);
      },
    );
    const explanation = (explainAfter > 0 ? new Promise((r) => setTimeout(r, explainAfter)) : Promise.resolve()).then(() =>
      t !== this.token
        ? undefined
        : this.api.invoke('record.explain', req).then(
            (e) => {
              if (t === this.token) this.explanation = e;
            },
            (err: unknown) => {
              if (t === this.token) this.explainError = messageOf(err);
            },
          ),
    );
    await record;
    if (t === this.token) this.loading = false;
    await explanation;
    if (t === this.token) this.explaining = false;
  }

  close(): void {
    this.stash();
    this.token++;
    this.open = false;
    this.loading = false;
    this.explaining = false;
    this.hint = null;
  }

  /** Labels just saved: show them, and fetch the record again for its history. */
  async applyLabels(records: Array<{ id: number; label: Label | null; note: string | null }>): Promise<void> {
    const rec = this.record;
    if (!rec) return;
    const mine = records.find((r) => r.id === rec.id);
    if (!mine) return;
    const keepDraft = this.noteDirty && mine.note === rec.note;
    this.record = { ...rec, label: mine.label, note: mine.note };
    if (!keepDraft) this.noteDraft = mine.note ?? '';
    this.hint = null;
    const t = this.token;
    try {
      const r = await this.api.invoke('record.get', { id: rec.id, ...(this.round !== undefined ? { round: this.round } : {}) });
      if (t === this.token && this.record?.id === r.id) this.record = r;
    } catch {
      // The label itself is saved and shown; only the history stays as it was.
    }
  }
}
