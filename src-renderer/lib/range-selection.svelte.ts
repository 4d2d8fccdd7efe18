import { SvelteSet } from 'svelte/reactivity';
import { MAX_LABEL_IDS } from '../../src-shared/limits';
import { messageOf } from './app-state.svelte';

/** Where a range's record ids come from (RankingView): the rows loaded, else the main side. */
export interface RangeSource {
  /** Ids of rows from..to (inclusive) when all are loaded, else null. */
  loadedIds(from: number, to: number): number[] | null;
  /** Ids of rows from..to (inclusive) asked of the main side; throws when that fails. */
  fetchIds(from: number, to: number): Promise<number[]>;
}

/**
 * The records selected for a bulk label (by id: they stay selected however the rows are paged),
 * with Shift ranges: a range starts at a row and is added to what was selected before it, so
 * moving the range's end back shrinks it again.
 */
export class RangeSelection {
  readonly ids = new SvelteSet<number>();

  /** Where the range started (a row index), and the selection before it. */
  private anchor: number | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private base: Set<number> = new Set();
  /** Only the newest range may fill the selection: one asked of the main side can come late. */
  private token = 0;

  constructor(
    private readonly source: RangeSource,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Selects or unselects one record (at row `index`); that row becomes a range's start. */
  toggle(index: number, id: number): void {
    if (this.ids.has(id)) this.ids.delete(id);
    else this.ids.add(id);
    this.anchor = index;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
    this.base = new Set(this.ids);
    this.base.delete(id);
  }

  /** Shift: selects from the range's start (row `from` when none started yet) to row `to`. */
  extend(from: number, to: number): Promise<void> {
    if (this.anchor === null) {
      this.anchor = from;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
      this.base = new Set(this.ids);
    }
    return this.selectRange(this.anchor, to);
  }

  /** A plain move: the next Shift starts a new range where the cursor is then. */
  endRange(): void {
    this.anchor = null;
  }

  clear(): void {
    this.ids.clear();
    this.anchor = null;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
    this.base = new Set();
  }

  /** Selects records again (a bulk label that failed, to try again). */
  add(ids: Iterable<number>): void {
    for (const id of ids) this.ids.add(id);
  }

  /** Selection = what it was before the range started, plus rows a..b. */
  private async selectRange(a: number, b: number): Promise<void> {
    const from = Math.min(a, b);
    const to = Math.max(a, b);
    const token = ++this.token;
    if (to - from + 1 > MAX_LABEL_IDS) {
      this.onError(`Select at most ${MAX_LABEL_IDS.toLocaleString('en')} records at once.`);
      return;
    }
    // Loaded rows answer at once (no await), so a Shift+key range is there before the next key.
    let ids = this.source.loadedIds(from, to);
    if (!ids) {
      try {
        ids = await this.source.fetchIds(from, to);
      } catch (err) {
        this.onError(messageOf(err));
        return;
      }
    }
    if (token !== this.token) return;
    this.ids.clear();
    for (const id of this.base) this.ids.add(id);
    for (const id of ids) this.ids.add(id);
  }
}
