import type { Label, LabelCounts, LabelsSetResult, ReviewFilter } from '../../src-main/api/contract';
import type { Api } from './api';
import { LabelQueue } from './label-queue.svelte';
import { RangeSelection } from './range-selection.svelte';
import { RankingView } from './ranking-view.svelte';
import { RecordPane } from './record-pane.svelte';
import type { ReviewAction } from './review-keys';

export interface ReviewOptions {
  /** Rows per request. */
  pageSize?: number;
  /** Pages kept in memory; the least recently used go first. */
  maxPages?: number;
  /** Told about the project's label counts after every saved label. */
  onLabeled?: (counts: LabelCounts) => void;
  /** While the detail pane follows the cursor, wait this long (ms) before explaining a record. */
  followDelay?: number;
}

/**
 * The Review screen's model, composed of one state per concern: the ranking (a paged view and
 * its cursor), the selection, the labels being saved and the detail pane. This class only wires
 * them: what a move, a click, a label or a key does to each.
 */
export class ReviewState {
  /** The last failure of any part, shown in one banner until dismissed or the next load. */
  error = $state<string | null>(null);

  readonly ranking: RankingView;
  readonly selection: RangeSelection;
  readonly labels: LabelQueue;
  readonly detail: RecordPane;

  constructor(
    api: Api,
    private readonly opts: ReviewOptions = {},
  ) {
    const report = (message: string) => (this.error = message);
    this.detail = new RecordPane(api);
    this.ranking = new RankingView(api, { pageSize: opts.pageSize, maxPages: opts.maxPages, onError: report, onRows: () => this.syncDetail() });
    this.selection = new RangeSelection(this.ranking, report);
    this.labels = new LabelQueue(api, { onError: report, onSaved: (ids, note, r) => this.saved(ids, note, r) });
  }

  /** A fresh view (see RankingView.load); the selection belongs to the old one and goes. */
  load(opts: { keepCursor?: boolean } = {}): Promise<void> {
    this.error = null;
    this.selection.clear();
    return this.ranking.load(opts);
  }

  setFilter(filter: ReviewFilter): Promise<void> {
    this.ranking.filter = filter;
    return this.load();
  }

  setRound(round: number | undefined): Promise<void> {
    this.ranking.round = round;
    this.detail.close();
    return this.load();
  }

  // -------------------------------------------------------------------------------------------
  // Cursor and selection.

  /** Moves the cursor; extend (Shift) selects from the range's start to where it lands. */
  moveTo(index: number, extend = false): void {
    const { ranking } = this;
    if (ranking.total === 0) return;
    const i = ranking.clamp(index);
    if (extend) void this.selection.extend(ranking.cursor, i);
    else this.selection.endRange();
    ranking.cursor = i;
    void ranking.ensure(i, i + 1);
    this.syncDetail();
  }

  move(delta: number, extend = false): void {
    this.moveTo(this.ranking.cursor + delta, extend);
  }

  /** Selects or unselects the row at index (default: the cursor's); it becomes a range's start. */
  toggle(index = this.ranking.cursor): void {
    const row = this.ranking.rowAt(index);
    if (row) this.selection.toggle(index, row.id);
  }

  /** A click on a row: plain moves the cursor; Shift selects from the range start; Ctrl/Cmd toggles. */
  click(index: number, mods: { shift?: boolean; toggle?: boolean } = {}): void {
    if (mods.shift) return this.moveTo(index, true);
    if (mods.toggle) {
      this.ranking.cursor = index;
      this.toggle(index);
      this.syncDetail();
      return;
    }
    this.moveTo(index);
  }

  // -------------------------------------------------------------------------------------------
  // Labels.

  /**
   * Labels the selection, or else the record under the cursor (then moves to the next one). A note
   * written for that record (in the detail pane, now or before) goes with it.
   */
  async label(label: Label | null): Promise<boolean> {
    const bulk = this.selection.size > 0;
    const current = this.ranking.current;
    const ids = bulk ? [...this.selection.ids] : current ? [current.id] : [];
    if (!ids.length) return false;
    const note = bulk ? undefined : this.detail.draftFor(ids[0]!);
    if (bulk) this.selection.clear();
    else if (this.ranking.cursor < this.ranking.total - 1) this.move(1);
    const saved = await this.labels.save(ids, label, note);
    // A bulk label that failed stays selected, to try again.
    if (!saved && bulk) this.selection.add(ids);
    return saved;
  }

  /** Labels one record (the detail pane's buttons), with the note being written for it; the cursor stays. */
  labelRecord(id: number, label: Label | null): Promise<boolean> {
    return this.labels.save([id], label, this.detail.draftFor(id));
  }

  /** Saves the detail pane's note with the record's label; without a label, asks for one. */
  saveNote(): Promise<boolean> {
    const rec = this.detail.record;
    if (!rec) return Promise.resolve(false);
    const label = this.labels.pending.get(rec.id)?.label ?? rec.label;
    if (!label) {
      // Said in the note box, where a, n and u are text: name what works from there.
      this.detail.hint = 'Pick a label with the buttons above (or Escape, then a, n or u): the note is saved with it.';
      return Promise.resolve(false);
    }
    return this.labels.save([rec.id], label, this.detail.noteDraft);
  }

  /** A saved label reaches everything that shows it. */
  private saved(ids: number[], note: string | undefined, r: LabelsSetResult): void {
    if (note !== undefined) for (const id of ids) this.detail.noteSaved(id);
    this.ranking.applyLabels(r);
    this.opts.onLabeled?.(r.counts);
    void this.detail.applyLabels(r.records);
  }

  // -------------------------------------------------------------------------------------------
  // Keyboard and the detail pane.

  /** Runs a key's action; returns false for those the screen does itself (focus, help). */
  perform(action: ReviewAction): boolean {
    switch (action.type) {
      case 'move':
        this.move(action.delta, action.extend);
        return true;
      case 'first':
        this.moveTo(0, action.extend);
        return true;
      case 'last':
        this.moveTo(this.ranking.total - 1, action.extend);
        return true;
      case 'label':
        void this.label(action.label);
        return true;
      case 'toggle-select':
        this.toggle();
        return true;
      case 'refresh':
        void this.load({ keepCursor: true });
        return true;
      case 'open-detail':
        this.openDetail();
        return true;
      case 'close':
        if (this.detail.open) this.detail.close();
        else this.selection.clear();
        return true;
      default:
        return false;
    }
  }

  openDetail(index = this.ranking.cursor): void {
    this.ranking.cursor = index;
    const row = this.ranking.rowAt(index);
    if (row) void this.detail.show(row.id, this.ranking.shownRound ?? undefined);
  }

  /** An open detail pane follows the cursor. */
  private syncDetail(): void {
    if (!this.detail.open) return;
    const row = this.ranking.current;
    if (row && this.detail.id !== row.id) void this.detail.show(row.id, this.ranking.shownRound ?? undefined, this.opts.followDelay ?? 300);
  }
}
