import { SvelteMap } from 'svelte/reactivity';
import type { Label, LabelsSetResult, ReviewFilter, ReviewRow } from '../../src-main/api/contract';
import type { Api } from './api';
import { messageOf } from './app-state.svelte';

export interface RankingOptions {
  /** Rows per request. */
  pageSize?: number;
  /** Pages kept in memory; the least recently used go first. */
  maxPages?: number;
  /** A page could not be fetched. */
  onError?: (message: string) => void;
  /** Rows came (a page was stored): whatever follows the cursor may look again. */
  onRows?: () => void;
}

/**
 * A view of a round's ranking (filtered), fetched a page at a time as rows come on screen and
 * kept in a small cache, and the cursor in it. Only pages near what the analyst looks at are ever
 * held, so a 1M-record round costs what a screenful does.
 */
export class RankingView {
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
  /** The row the analyst is at; its page is never evicted. */
  cursor = $state(0);
  /**
   * Records (not label calls) whose label changed since the view was made: they leave the queue
   * at the next reload. A record labeled twice counts once; one labeled and cleared again, not at all.
   */
  labeledSinceLoad = $state(0);
  /** The row at the table's top edge, kept so that the table opens where it was left. */
  topRow = 0;

  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly pages = new SvelteMap<number, ReviewRow[]>();
  private lru: number[] = [];
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private readonly inflight = new Map<number, Promise<void>>();
  /** Where a loaded record is in the view: id → index. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private readonly indexOf = new Map<number, number>();
  /** Bumped whenever cached pages stop being valid: answers to older requests are dropped. */
  private generation = 0;
  /** Records labeled since the view was made: their label then (undefined: not known) and now. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private readonly relabeled = new Map<number, { then: Label | null | undefined; now: Label | null | undefined }>();
  /** How many of those changed label, and records labeled along with a group's (their ids are not sent). */
  private changedRecords = 0;
  private groupMembers = 0;

  constructor(
    private readonly api: Api,
    private readonly opts: RankingOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 100;
    this.maxPages = opts.maxPages ?? 40;
  }

  /** The row at an index of the view, if its page is loaded. */
  rowAt(index: number): ReviewRow | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  get current(): ReviewRow | undefined {
    return this.rowAt(this.cursor);
  }

  /** Pages in memory (for tests and the 1M-record check). */
  get cachedPages(): number {
    return this.pages.size;
  }

  /** An index brought within the view. */
  clamp(index: number): number {
    return Math.min(this.total - 1, Math.max(0, index));
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
    if (!opts.keepCursor) {
      this.cursor = 0;
      this.topRow = 0;
    }
    const p = Math.floor(this.cursor / this.pageSize);
    try {
      const page = await this.api.invoke('review.page', this.request(p, null));
      if (gen !== this.generation) return;
      this.view = page.view;
      this.total = page.total;
      this.shownRound = page.round;
      this.scoreRange = page.scores;
      this.relabeled.clear();
      this.changedRecords = 0;
      this.groupMembers = 0;
      this.labeledSinceLoad = 0;
      this.store(p, page.rows);
      this.loaded = true;
      const last = Math.max(0, page.total - 1);
      if (this.cursor > last) this.cursor = last;
      this.opts.onRows?.();
    } catch (err) {
      if (gen === this.generation) {
        this.opts.onError?.(messageOf(err));
        this.total = 0;
      }
    } finally {
      if (gen === this.generation) this.loading = false;
    }
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

  /** The ids of rows from..to (inclusive) when all are loaded, else null. */
  loadedIds(from: number, to: number): number[] | null {
    const ids: number[] = [];
    for (let i = from; i <= to; i++) {
      const row = this.rowAt(i);
      if (!row) return null;
      ids.push(row.id);
    }
    return ids;
  }

  /** The ids of rows from..to (inclusive), asked of the main side; throws if the view changed meanwhile. */
  async fetchIds(from: number, to: number): Promise<number[]> {
    const view = this.view;
    const r = await this.api.invoke('review.ids', { ...this.base(), offset: from, limit: to - from + 1, ...(view ? { view } : {}) });
    if (r.view !== view) throw new Error('The list changed meanwhile; select again.');
    return r.ids;
  }

  /** Saved labels into the cached rows and the count of records labeled; the view itself stays as it was made. */
  applyLabels(result: Pick<LabelsSetResult, 'records' | 'changed' | 'groupMembers'>): void {
    const { records } = result;
    this.countLabeled(result);
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

  /** Counts records, not calls: a range or a group of 12 is 12, the same record twice is 1. */
  private countLabeled({ records, changed, groupMembers = 0 }: Pick<LabelsSetResult, 'records' | 'changed' | 'groupMembers'>): void {
    let askedChanged = 0;
    for (const r of records) {
      const index = this.indexOf.get(r.id);
      const row = index === undefined ? undefined : this.rowAt(index);
      const known = this.relabeled.get(r.id);
      // Rows not in memory had the label the filter shows, when it shows one label.
      const before = known ? known.now : row ? row.label : this.filterLabel();
      if (before !== r.label) askedChanged++;
      const e = known ?? { then: before, now: before };
      this.relabeled.set(r.id, e);
      if (e.now !== e.then) this.changedRecords--;
      e.now = r.label;
      if (e.now !== e.then) this.changedRecords++;
    }
    // Members that changed: what changed beyond the records asked for (one labeled in two calls counts twice).
    this.groupMembers += Math.min(groupMembers, Math.max(0, changed - askedChanged));
    this.labeledSinceLoad = this.changedRecords + this.groupMembers;
  }

  private filterLabel(): Label | null | undefined {
    const l = this.filter.label ?? 'none';
    return l === 'none' ? null : l === 'any' || l === 'all' ? undefined : l;
  }

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
        this.opts.onRows?.();
      })
      .catch((err: unknown) => {
        if (gen === this.generation) this.opts.onError?.(messageOf(err));
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
