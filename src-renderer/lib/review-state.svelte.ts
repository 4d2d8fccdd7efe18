import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { Label, LabelCounts, ReviewFilter, ReviewRow } from '../../src-main/api/contract';
import type { Api } from './api';
import { messageOf } from './app-state.svelte';
import { RecordPane } from './record-pane.svelte';
import type { ReviewAction } from './review-keys';

/** Records one bulk label may cover (the API's limit). */
export const MAX_SELECTION = 50_000;

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

/** A label being saved: shown at once, confirmed (or taken back) when the call returns. */
interface Pending {
  label: Label | null;
  seq: number;
}

/**
 * The review table's model: a view of a round's ranking (filtered), fetched a page at a time as
 * rows come on screen and kept in a small cache; the cursor, the selection (record ids) and
 * labeling. Only pages near what the analyst looks at are ever held, so a 1M-record round costs
 * what a screenful does.
 *
 * Labels go to the main side in the order they are given (one queue), each saved before its call
 * returns. The row shows the new label at once, marked as saving; if the save fails, the row goes
 * back to the label it had and the error says that the label was not saved.
 */
export class ReviewState {
  /** The round asked for; undefined = the newest. */
  round = $state<number | undefined>(undefined);
  filter = $state.raw<ReviewFilter>({ label: 'none' });
  columns = $state.raw<string[]>([]);

  /** The current view (see ReviewPageRequest.view) and what it holds. */
  view = $state<string | null>(null);
  shownRound = $state<number | null>(null);
  total = $state(0);
  scoreRange = $state.raw<{ min: number; max: number } | null>(null);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  cursor = $state(0);
  readonly selection = new SvelteSet<number>();
  readonly pending = new SvelteMap<number, Pending>();
  /** Records labeled since the view was made: they leave the queue at the next reload. */
  labeledSinceLoad = $state(0);
  saving = $state(0);
  counts = $state.raw<LabelCounts | null>(null);

  readonly detail: RecordPane;
  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly pages = new SvelteMap<number, ReviewRow[]>();
  private lru: number[] = [];
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private readonly inflight = new Map<number, Promise<void>>();
  /** Where a loaded record is in the view: id → index. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private readonly indexOf = new Map<number, number>();
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  /** Shift ranges: where the range started, and the selection before it. */
  private anchor: number | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private rangeBase: Set<number> = new Set();
  private rangeToken = 0;

  constructor(
    private readonly api: Api,
    private readonly opts: ReviewOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 100;
    this.maxPages = opts.maxPages ?? 40;
    this.detail = new RecordPane(api);
  }

  /** The row at an index of the view, if its page is loaded. */
  rowAt(index: number): ReviewRow | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  get current(): ReviewRow | undefined {
    return this.rowAt(this.cursor);
  }

  /** A row's label as the analyst sees it: a pending one first. */
  labelOf(row: ReviewRow): Label | null {
    const p = this.pending.get(row.id);
    return p ? p.label : row.label;
  }

  isPending(id: number): boolean {
    return this.pending.has(id);
  }

  /** Pages in memory (for tests and the 1M-record check). */
  get cachedPages(): number {
    return this.pages.size;
  }

  /**
   * Makes a fresh view (filter, round or columns changed, or a reload) and fetches the page under
   * the cursor. keepCursor: stay at the same position (a reload), else go to the top.
   */
  async load(opts: { keepCursor?: boolean } = {}): Promise<void> {
    const gen = ++this.generation;
    this.clearPages();
    this.view = null;
    this.loading = true;
    this.error = null;
    this.selection.clear();
    this.anchor = null;
    if (!opts.keepCursor) this.cursor = 0;
    const p = Math.floor(this.cursor / this.pageSize);
    try {
      const page = await this.api.invoke('review.page', this.request(p, null));
      if (gen !== this.generation) return;
      this.view = page.view;
      this.total = page.total;
      this.shownRound = page.round;
      this.scoreRange = page.scores;
      this.labeledSinceLoad = 0;
      this.store(p, page.rows);
      this.loaded = true;
      const last = Math.max(0, page.total - 1);
      if (this.cursor > last) this.cursor = last;
      this.syncDetail();
    } catch (err) {
      if (gen === this.generation) {
        this.error = messageOf(err);
        this.total = 0;
      }
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  setFilter(filter: ReviewFilter): Promise<void> {
    this.filter = filter;
    return this.load();
  }

  setRound(round: number | undefined): Promise<void> {
    this.round = round;
    this.detail.close();
    return this.load();
  }

  /** New columns: same view (same records), pages fetched again with the new values. */
  setColumns(columns: string[]): Promise<void> {
    this.columns = columns;
    if (!this.view) return Promise.resolve();
    const wanted = [...this.pages.keys()];
    // Pages on their way carry the old columns: drop them when they come.
    this.generation++;
    this.clearPages();
    return Promise.all(wanted.map((p) => this.fetchPage(p))).then(() => {});
  }

  /** Fetches the pages that rows [first, last) are on, those not loaded or on their way. */
  ensure(first: number, last: number): Promise<void> {
    if (!this.view || this.total === 0) return Promise.resolve();
    const from = Math.max(0, Math.floor(first / this.pageSize));
    const to = Math.floor((Math.min(last, this.total) - 1) / this.pageSize);
    const waits: Array<Promise<void>> = [];
    for (let p = from; p <= to; p++) {
      if (this.pages.has(p)) this.touch(p);
      else waits.push(this.inflight.get(p) ?? this.fetchPage(p));
    }
    return Promise.all(waits).then(() => {});
  }

  // -------------------------------------------------------------------------------------------
  // Cursor and selection.

  moveTo(index: number, extend = false): void {
    if (this.total === 0) return;
    const i = Math.min(this.total - 1, Math.max(0, index));
    if (extend) {
      if (this.anchor === null) {
        this.anchor = this.cursor;
        // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
        this.rangeBase = new Set(this.selection);
      }
      this.cursor = i;
      void this.selectRange(this.anchor, i);
    } else {
      this.anchor = null;
      this.cursor = i;
    }
    void this.ensure(i, i + 1);
    this.syncDetail();
  }

  move(delta: number, extend = false): void {
    this.moveTo(this.cursor + delta, extend);
  }

  /** Selects or unselects the row at index (default: the cursor's); it becomes a range's start. */
  toggle(index = this.cursor): void {
    const row = this.rowAt(index);
    if (!row) return;
    if (this.selection.has(row.id)) this.selection.delete(row.id);
    else this.selection.add(row.id);
    this.anchor = index;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
    this.rangeBase = new Set(this.selection);
    this.rangeBase.delete(row.id);
  }

  /** A click on a row: plain moves the cursor; Shift selects from the range start; Ctrl/Cmd toggles. */
  click(index: number, mods: { shift?: boolean; toggle?: boolean } = {}): void {
    if (mods.shift) return this.moveTo(index, true);
    if (mods.toggle) {
      this.cursor = index;
      this.toggle(index);
      this.syncDetail();
      return;
    }
    this.moveTo(index);
  }

  clearSelection(): void {
    this.selection.clear();
    this.anchor = null;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
    this.rangeBase = new Set();
  }

  /** Selection = what it was before the range started, plus rows a..b. */
  private async selectRange(a: number, b: number): Promise<void> {
    const from = Math.min(a, b);
    const to = Math.max(a, b);
    const token = ++this.rangeToken;
    if (to - from + 1 > MAX_SELECTION) {
      this.error = `Select at most ${MAX_SELECTION.toLocaleString('en')} records at once.`;
      return;
    }
    let ids: number[] = [];
    let missing = false;
    for (let i = from; i <= to; i++) {
      const row = this.rowAt(i);
      if (!row) {
        missing = true;
        break;
      }
      ids.push(row.id);
    }
    if (missing) {
      const view = this.view;
      try {
        const r = await this.api.invoke('review.ids', { ...this.base(), offset: from, limit: to - from + 1, ...(view ? { view } : {}) });
        if (r.view !== view) {
          this.error = 'The list changed meanwhile; select again.';
          return;
        }
        ids = r.ids;
      } catch (err) {
        this.error = messageOf(err);
        return;
      }
    }
    if (token !== this.rangeToken) return;
    this.selection.clear();
    for (const id of this.rangeBase) this.selection.add(id);
    for (const id of ids) this.selection.add(id);
  }

  // -------------------------------------------------------------------------------------------
  // Labels.

  /**
   * Labels the selection, or else the record under the cursor (then moves to the next one). A note
   * written for that record (in the detail pane, now or before) goes with it.
   */
  label(label: Label | null): Promise<boolean> {
    const bulk = this.selection.size > 0;
    const ids = bulk ? [...this.selection] : this.current ? [this.current.id] : [];
    if (!ids.length) return Promise.resolve(false);
    const note = bulk ? undefined : this.detail.draftFor(ids[0]!);
    if (bulk) this.clearSelection();
    else if (this.cursor < this.total - 1) this.move(1);
    return this.save(ids, label, note, bulk);
  }

  /** Labels one record (the detail pane's buttons), with the note being written for it; the cursor stays. */
  labelRecord(id: number, label: Label | null): Promise<boolean> {
    return this.save([id], label, this.detail.draftFor(id), false);
  }

  /** Saves the detail pane's note with the record's label; without a label, asks for one. */
  saveNote(): Promise<boolean> {
    const rec = this.detail.record;
    if (!rec) return Promise.resolve(false);
    const label = this.pending.get(rec.id)?.label ?? rec.label;
    if (!label) {
      this.detail.hint = 'Pick a label (a, n or u): the note is saved with it.';
      return Promise.resolve(false);
    }
    return this.save([rec.id], label, this.detail.noteDraft, false);
  }

  private async save(ids: number[], label: Label | null, note: string | undefined, bulk: boolean): Promise<boolean> {
    const seq = ++this.seq;
    for (const id of ids) this.pending.set(id, { label, seq });
    this.saving++;
    const call = this.queue.then(() => this.api.invoke('labels.set', { ids, label, ...(note !== undefined ? { note } : {}) }));
    this.queue = call.catch(() => {});
    try {
      const r = await call;
      if (note !== undefined) for (const id of ids) this.detail.noteSaved(id);
      this.applyRecords(r.records);
      this.labeledSinceLoad += r.changed;
      this.counts = r.counts;
      this.opts.onLabeled?.(r.counts);
      void this.detail.applyLabels(r.records);
      return true;
    } catch (err) {
      const what = ids.length === 1 ? `record ${ids[0]}` : `${ids.length} records`;
      this.error = `The label for ${what} was NOT saved: ${messageOf(err)}`;
      if (bulk) for (const id of ids) this.selection.add(id);
      return false;
    } finally {
      this.saving--;
      for (const id of ids) if (this.pending.get(id)?.seq === seq) this.pending.delete(id);
    }
  }

  /** Saved labels into the cached rows. */
  private applyRecords(records: Array<{ id: number; label: Label | null; note: string | null }>): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
    const byPage = new Map<number, Array<{ i: number; label: Label | null; note: string | null }>>();
    for (const r of records) {
      const index = this.indexOf.get(r.id);
      if (index === undefined) continue;
      const p = Math.floor(index / this.pageSize);
      let list = byPage.get(p);
      if (!list) byPage.set(p, (list = []));
      list.push({ i: index % this.pageSize, label: r.label, note: r.note });
    }
    for (const [p, changes] of byPage) {
      const rows = this.pages.get(p);
      if (!rows) continue;
      const next = rows.slice();
      for (const c of changes) if (next[c.i]) next[c.i] = { ...next[c.i]!, label: c.label, note: c.note };
      this.pages.set(p, next);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Keyboard.

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
        this.moveTo(this.total - 1, action.extend);
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
        else this.clearSelection();
        return true;
      default:
        return false;
    }
  }

  openDetail(index = this.cursor): void {
    this.cursor = index;
    const row = this.rowAt(index);
    if (row) void this.detail.show(row.id, this.shownRound ?? undefined);
  }

  /** An open detail pane follows the cursor. */
  private syncDetail(): void {
    if (!this.detail.open) return;
    const row = this.current;
    if (row && this.detail.id !== row.id) void this.detail.show(row.id, this.shownRound ?? undefined, this.opts.followDelay ?? 300);
  }

  // -------------------------------------------------------------------------------------------
  // Pages.

  private base(): { round?: number; filter: ReviewFilter } {
    return { ...(this.round !== undefined ? { round: this.round } : {}), filter: this.filter };
  }

  private request(p: number, view: string | null) {
    return { ...this.base(), columns: this.columns, offset: p * this.pageSize, limit: this.pageSize, ...(view ? { view } : {}) };
  }

  private fetchPage(p: number): Promise<void> {
    const gen = this.generation;
    const view = this.view;
    const promise = this.api
      .invoke('review.page', this.request(p, view))
      .then((page) => {
        if (gen !== this.generation) return;
        if (page.view !== this.view) {
          // The main side no longer had our view (too many made since): this is a new one.
          this.clearPages();
          this.view = page.view;
          this.total = page.total;
          this.scoreRange = page.scores;
          if (this.cursor > Math.max(0, page.total - 1)) this.cursor = Math.max(0, page.total - 1);
        }
        this.store(p, page.rows);
        this.syncDetail();
      })
      .catch((err: unknown) => {
        if (gen === this.generation) this.error = messageOf(err);
      })
      .finally(() => {
        if (this.inflight.get(p) === promise) this.inflight.delete(p);
      });
    this.inflight.set(p, promise);
    return promise;
  }

  private store(p: number, rows: ReviewRow[]): void {
    this.pages.set(p, rows);
    rows.forEach((r, i) => this.indexOf.set(r.id, p * this.pageSize + i));
    this.touch(p);
    const keep = Math.floor(this.cursor / this.pageSize);
    while (this.lru.length > this.maxPages) {
      const old = this.lru.find((x) => x !== keep && x !== p);
      if (old === undefined) break;
      this.lru = this.lru.filter((x) => x !== old);
      for (const r of this.pages.get(old) ?? []) this.indexOf.delete(r.id);
      this.pages.delete(old);
    }
  }

  private touch(p: number): void {
    const at = this.lru.indexOf(p);
    if (at >= 0) this.lru.splice(at, 1);
    this.lru.push(p);
  }

  private clearPages(): void {
    this.pages.clear();
    this.lru = [];
    this.inflight.clear();
    this.indexOf.clear();
  }
}
