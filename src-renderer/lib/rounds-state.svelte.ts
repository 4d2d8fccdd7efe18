import type {
  DiscoveryCurve,
  EpochFigures,
  PrecisionRecall,
  RoundComparison,
  RoundStopping,
  RoundSummary,
  ScoreHistogram,
  TrainRoundProgress,
  TrainRoundResult,
} from '../../src-main/api/contract';
import { MAX_EPOCHS } from '../../src-shared/limits';
import type { Api } from './api';
import { messageOf } from './app-state.svelte';
import { JobFollower, type JobFinishedOf, type JobProgressOf } from './job-follower.svelte';

export const HISTOGRAM_BINS = 40;

/** Share of the progress bar each stage of a round takes. */
const STAGES: Record<TrainRoundProgress['stage'], [number, number]> = {
  features: [0, 0.1],
  training: [0.1, 0.85],
  scoring: [0.85, 0.98],
  saving: [0.98, 1],
};

/**
 * The Rounds screen's model: the rounds so far, the round being trained (progress, each epoch's
 * losses, cancel) and the charts. Training runs in the background: the analyst keeps labeling.
 */
export class RoundsState {
  rounds = $state.raw<RoundSummary[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);

  training = $state(false);
  progress = $state.raw<TrainRoundProgress | null>(null);
  epochs = $state.raw<EpochFigures[]>([]);
  /** The last round trained here, or why it failed. */
  result = $state.raw<TrainRoundResult | null>(null);
  trainError = $state<string | null>(null);
  /** RoSAS epochs for the next round; empty = the engine's default. */
  epochsInput = $state('');
  /** Without a number of epochs: how RoSAS chooses its length (see TrainRequest). */
  stopping = $state<RoundStopping>('separation');

  histogramRound = $state<number | null>(null);
  histogram = $state.raw<ScoreHistogram | null>(null);
  discovery = $state.raw<DiscoveryCurve | null>(null);
  precision = $state.raw<PrecisionRecall | null>(null);
  chartsError = $state<string | null>(null);
  /** Two rounds side by side: how much their top k agree, and how each does. */
  comparison = $state.raw<RoundComparison | null>(null);
  comparing = $state(false);

  /** The training job, while one runs. */
  private readonly job: JobFollower<'train'>;
  /** The analyst asked for a number of epochs (else the engine stops when it has learned enough). */
  private fixedEpochs = false;

  constructor(
    private readonly api: Api,
    /** Called when a round was saved (reload the project, tell the review). */
    private readonly onTrained: (result: TrainRoundResult) => void = () => {},
  ) {
    this.job = new JobFollower(api, 'train', { progress: (e) => this.onProgress(e.progress), finished: (e) => this.onFinished(e) });
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

  get latest(): RoundSummary | null {
    return this.rounds.at(-1) ?? null;
  }

  /** Overall progress of the round being trained, 0..1. */
  get fraction(): number {
    const p = this.progress;
    if (!p) return 0;
    const [from, to] = STAGES[p.stage];
    // RoSAS says how much of its training is done, however its models train.
    const t = p.training;
    const done = t ? t.done : p.total ? Math.min(1, p.done / p.total) : 0;
    return from + (to - from) * done;
  }

  get stageText(): string {
    const p = this.progress;
    if (!p) return 'starting';
    switch (p.stage) {
      case 'features':
        return 'reading the records';
      case 'training':
        if (p.method === 'iforest') return 'training Isolation Forest';
        if (!p.training) return 'training RoSAS';
        if (p.training.mode === 'threads') return `training RoSAS: ${p.training.members} models in parallel, ${this.fixedEpochs ? `${p.training.epochs} epochs each` : `up to ${p.training.epochs} epochs each (each stops when it has learned)`}`;
        if (p.training.mode === 'lockstep') return `training RoSAS: ${p.training.members} models side by side, epoch ${p.training.epoch} of ${p.training.epochs} at most`;
        return `training RoSAS: ${p.training.members > 1 ? `model ${p.training.member + 1} of ${p.training.members}, ` : ''}epoch ${p.training.epoch} of ${p.training.epochs}${this.fixedEpochs ? '' : ' at most'}`;
      case 'scoring':
        return 'scoring every record';
      case 'saving':
        return 'saving the round';
    }
  }

  /** The epochs field as a number, or undefined (the default); null when it is not a valid count. */
  get epochsValue(): number | undefined | null {
    const t = this.epochsInput.trim();
    if (!t) return undefined;
    const n = Number(t);
    return Number.isInteger(n) && n >= 1 && n <= MAX_EPOCHS ? n : null;
  }

  async refresh(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.rounds = await this.api.invoke('rounds.list');
      if (this.histogramRound === null || !this.rounds.some((r) => r.round === this.histogramRound)) this.histogramRound = this.latest?.round ?? null;
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.loading = false;
    }
    await this.loadCharts();
  }

  async loadCharts(): Promise<void> {
    if (!this.rounds.length) {
      this.histogram = null;
      this.discovery = null;
      this.precision = null;
      return;
    }
    this.chartsError = null;
    try {
      const [histogram, discovery, precision] = await Promise.all([
        this.api.invoke('charts.scoreHistogram', { bins: HISTOGRAM_BINS, ...(this.histogramRound !== null ? { round: this.histogramRound } : {}) }),
        this.api.invoke('charts.discovery'),
        this.api.invoke('charts.precisionRecall'),
      ]);
      this.histogram = histogram;
      this.discovery = discovery;
      this.precision = precision;
    } catch (err) {
      this.chartsError = messageOf(err);
    }
  }

  async showHistogram(round: number): Promise<void> {
    this.histogramRound = round;
    try {
      this.histogram = await this.api.invoke('charts.scoreHistogram', { round, bins: HISTOGRAM_BINS });
    } catch (err) {
      this.chartsError = messageOf(err);
    }
  }

  async compare(a: number, b: number, k = 100): Promise<void> {
    this.comparing = true;
    try {
      this.comparison = await this.api.invoke('rounds.compare', { a, b, k });
    } catch (err) {
      this.chartsError = messageOf(err);
    } finally {
      this.comparing = false;
    }
  }

  /** Starts the next round; false when it could not start (the error says why). */
  async train(): Promise<boolean> {
    const epochs = this.epochsValue;
    if (epochs === null) {
      this.trainError = 'Epochs must be a whole number from 1 to 10,000 (or empty for the default).';
      return false;
    }
    this.training = true;
    this.trainError = null;
    this.result = null;
    this.progress = null;
    this.epochs = [];
    this.fixedEpochs = epochs !== undefined;
    try {
      const request = epochs !== undefined ? { epochs } : this.stopping === 'separation' ? {} : { stopping: this.stopping };
      await this.job.start(() => this.api.invoke('rounds.train', request));
      return true;
    } catch (err) {
      this.training = false;
      this.trainError = messageOf(err);
      return false;
    }
  }

  async cancel(): Promise<void> {
    try {
      await this.job.cancel();
    } catch (err) {
      this.trainError = messageOf(err);
    }
  }

  /** Picks up a round still training, e.g. after the page was reloaded. */
  async resume(): Promise<void> {
    try {
      const running = (await this.api.invoke('jobs.list')).find((j) => j.kind === 'train');
      if (!running || this.training) return;
      this.training = true;
      this.job.follow(running.jobId);
      this.epochs = running.epochs ?? [];
      if (running.progress) this.progress = running.progress as TrainRoundProgress;
    } catch (err) {
      this.trainError = messageOf(err);
    }
  }

  private onProgress(p: JobProgressOf<'train'>): void {
    this.progress = p;
    if (p.training) {
      const { epochs: _most, members: _members, mode: _mode, done: _done, ...figures } = p.training;
      if (!this.epochs.some((e) => e.epoch === figures.epoch && e.member === figures.member)) this.epochs = [...this.epochs, figures];
    }
  }

  private onFinished(e: JobFinishedOf<'train'>): void {
    this.training = false;
    this.job.forget();
    if ('error' in e) {
      this.trainError =
        e.error.code === 'cancelled'
          ? 'Training cancelled: no round was saved. Your labels are all kept.'
          : `Training failed: ${e.error.message}. No round was saved; your labels are all kept. Fewer epochs may help.`;
      return;
    }
    this.result = e.result;
    this.histogramRound = e.result.round;
    this.onTrained(e.result);
    void this.refresh();
  }
}
