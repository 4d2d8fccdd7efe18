import type { ProjectInfo } from '../../src-main/api/contract';
import type { AppState } from './app-state.svelte';
import { defaultColumns } from './columns';
import { loadColumns, saveColumns } from './columns-store';
import { ExportState } from './export-state.svelte';
import { ImportState } from './import-state.svelte';
import { QuarantineState } from './quarantine-state.svelte';
import { ReviewState } from './review-state.svelte';
import { RoundsState } from './rounds-state.svelte';

export type ProjectView = 'review' | 'rounds' | 'export' | 'overview' | 'import' | 'quarantine';

/**
 * The Project screen's model: the state of each of its views, wired to each other and to the app
 * (an import or a trained round reloads the project, a saved label updates its counts, a new round
 * starts the review), and which view is shown. Made for one project: the screen is re-created for
 * each (App keys it by path).
 */
export class ProjectState {
  view = $state<ProjectView>('review');

  readonly imp: ImportState;
  readonly quarantine: QuarantineState;
  readonly review: ReviewState;
  readonly rounds: RoundsState;
  readonly exp: ExportState;

  /** The default review columns for this project's logs. */
  readonly defaults = $derived(
    defaultColumns(
      this.project.fields,
      this.project.sources.map((s) => s.format),
    ),
  );

  private readonly path: string;

  constructor(
    private readonly app: AppState,
    /** Where the review's columns are remembered (per project); none in tests. */
    private readonly storage?: Storage,
  ) {
    this.path = this.project.path;
    if (!this.project.sources.length) this.view = 'import';
    const api = app.api;
    this.imp = new ImportState(api, () => void app.refresh());
    this.quarantine = new QuarantineState(api);
    this.review = new ReviewState(api, { onLabeled: (counts) => app.setLabelCounts(counts) });
    this.rounds = new RoundsState(api, () => {
      void app.refresh().then(() => {
        if (!this.review.ranking.loaded) this.startReview();
      });
    });
    this.exp = new ExportState(api);
  }

  /** The open project; this state lives only while there is one. */
  get project(): ProjectInfo {
    return this.app.project!;
  }

  get importing(): boolean {
    return this.imp.stage === 'running';
  }

  /** Once the screen is there: picks up an import or a round still running, and the ranking. */
  start(): void {
    void this.imp.resume().then(() => {
      if (this.imp.stage === 'running') this.view = 'import';
    });
    void this.rounds.resume();
    if (this.app.project?.rounds) {
      void this.rounds.refresh();
      this.startReview();
    }
  }

  dispose(): void {
    this.imp.dispose();
    this.rounds.dispose();
  }

  /** The first look at the ranking: the remembered columns, else the defaults for these logs. */
  startReview(): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
    const known = new Set(this.project.fields.map((f) => f.name));
    const saved = loadColumns(this.storage, this.path)?.filter((c) => known.has(c));
    this.review.ranking.columns = saved?.length ? saved : this.defaults;
    void this.review.load();
  }

  setColumns(columns: string[]): void {
    saveColumns(this.storage, this.path, columns);
    void this.review.ranking.setColumns(columns);
  }

  /** A round from the Rounds view, in the review (the newest as "newest", which follows new rounds). */
  reviewRound(round: number): void {
    this.view = 'review';
    const newest = this.rounds.latest?.round;
    void this.review.setRound(round === newest ? undefined : round);
  }

  showQuarantine(sourceId: number | undefined): void {
    this.view = 'quarantine';
    void this.quarantine.show(sourceId);
  }

  select(v: ProjectView): void {
    if (v === 'quarantine') this.showQuarantine(this.quarantine.sourceId);
    else this.view = v;
    // Labels given since change what the rounds found: fresh figures each time.
    if (v === 'rounds' && this.project.rounds > 0) void this.rounds.refresh();
  }
}
