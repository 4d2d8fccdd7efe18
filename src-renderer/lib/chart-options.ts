import type { DiscoveryCurve, EpochFigures, PrecisionRecall, ScoreHistogram } from '../../src-main/api/contract';
import type { ChartOption } from './echarts';

/**
 * What each chart of the workbench shows, as ECharts options. Only numbers and our own words go
 * into a chart (series names, axis titles): nothing from a log, since tooltips are HTML.
 */

export const COLORS = {
  anomaly: '#ff7b72',
  normal: '#56d364',
  unsure: '#e3b341',
  unlabeled: '#6e7b8b',
  text: '#c9d1d9',
  muted: '#9ba6b5',
  axis: '#3a4552',
  grid: '#222a33',
};

/** One colour per round, repeating. */
export const ROUND_COLORS = ['#6cb6ff', '#d2a8ff', '#56d364', '#e3b341', '#ff7b72', '#39c5cf', '#f778ba', '#a5d6ff'];

export const roundColor = (round: number) => ROUND_COLORS[(round > 0 ? round - 1 : ROUND_COLORS.length - 1) % ROUND_COLORS.length]!;

const base = {
  animation: false,
  backgroundColor: 'transparent',
  textStyle: { color: COLORS.text, fontFamily: 'system-ui, sans-serif' },
  tooltip: { trigger: 'axis' as const, backgroundColor: '#161b22', borderColor: COLORS.axis, textStyle: { color: COLORS.text } },
  legend: { top: 0, textStyle: { color: COLORS.text }, inactiveColor: '#4b5563' },
};

function axis(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    nameLocation: 'middle' as const,
    nameGap: 28,
    nameTextStyle: { color: COLORS.muted },
    axisLine: { lineStyle: { color: COLORS.axis } },
    axisLabel: { color: COLORS.muted },
    splitLine: { lineStyle: { color: COLORS.grid } },
    ...extra,
  };
}

function short(n: number): string {
  const a = Math.abs(n);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? n.toExponential(1) : n.toFixed(a < 1 ? 3 : 2);
}

/** Two panels over the same score bins: every record (log scale), and the labeled ones by label. */
export function histogramOption(h: ScoreHistogram): ChartOption {
  const bins = h.counts.unlabeled.length;
  const labels = Array.from({ length: bins }, (_, i) => short((h.edges[i]! + h.edges[i + 1]!) / 2));
  const all = h.counts.unlabeled.map((n, i) => n + h.counts.anomaly[i]! + h.counts.normal[i]! + h.counts.unsure[i]!);
  const x = (gridIndex: number, show: boolean) => ({
    type: 'category' as const,
    gridIndex,
    data: labels,
    ...axis(show ? 'score (higher = more anomalous)' : '', { axisLabel: { show, color: COLORS.muted }, axisTick: { show } }),
  });
  const bar = (name: string, data: number[], color: string, grid: number, stack?: string) => ({
    name,
    type: 'bar' as const,
    data: data.map((v) => (v > 0 ? v : null)),
    itemStyle: { color },
    xAxisIndex: grid,
    yAxisIndex: grid,
    barCategoryGap: '10%',
    ...(stack ? { stack } : {}),
  });
  return {
    ...base,
    legend: { ...base.legend, data: ['all records', 'anomaly', 'normal', 'unsure'] },
    grid: [
      { left: 64, right: 16, top: 30, height: '36%' },
      { left: 64, right: 16, top: '58%', bottom: 44 },
    ],
    xAxis: [x(0, false), x(1, true)],
    yAxis: [
      { type: 'log' as const, gridIndex: 0, min: 1, logBase: 10, ...axis('records', { nameGap: 44 }) },
      { type: 'value' as const, gridIndex: 1, minInterval: 1, ...axis('labeled', { nameGap: 44 }) },
    ],
    series: [
      bar('all records', all, COLORS.unlabeled, 0),
      bar('anomaly', h.counts.anomaly, COLORS.anomaly, 1, 'labels'),
      bar('normal', h.counts.normal, COLORS.normal, 1, 'labels'),
      bar('unsure', h.counts.unsure, COLORS.unsure, 1, 'labels'),
    ],
  };
}

export function roundName(round: number): string {
  return round === 0 ? 'before round 1' : `round ${round}`;
}

export function discoveryOption(d: DiscoveryCurve): ChartOption {
  return {
    ...base,
    grid: { left: 56, right: 20, top: 34, bottom: 44 },
    xAxis: { type: 'value' as const, min: 0, minInterval: 1, ...axis('records reviewed (in the order they were labeled)') },
    yAxis: { type: 'value' as const, min: 0, minInterval: 1, ...axis('anomalies found', { nameGap: 36 }) },
    series: d.rounds.map((r) => ({
      name: roundName(r.round),
      type: 'line' as const,
      showSymbol: r.points.length < 40,
      symbolSize: 5,
      data: r.points,
      lineStyle: { width: 2, color: roundColor(r.round) },
      itemStyle: { color: roundColor(r.round) },
    })),
  };
}

export function precisionRecallOption(pr: PrecisionRecall, records = pr.records): ChartOption {
  const series = pr.rounds.flatMap((r) => [
    {
      name: `round ${r.round} precision`,
      type: 'line' as const,
      showSymbol: false,
      data: r.points.map((p) => [p.k, p.precision]),
      lineStyle: { width: 2, color: roundColor(r.round) },
      itemStyle: { color: roundColor(r.round) },
    },
    {
      name: `round ${r.round} recall`,
      type: 'line' as const,
      showSymbol: false,
      data: r.points.map((p) => [p.k, p.recall]),
      lineStyle: { width: 2, type: 'dashed' as const, color: roundColor(r.round) },
      itemStyle: { color: roundColor(r.round) },
    },
  ]);
  return {
    ...base,
    legend: { ...base.legend, type: 'scroll' as const },
    grid: { left: 56, right: 20, top: 40, bottom: 44 },
    xAxis: { type: 'log' as const, min: 1, max: Math.max(2, records), logBase: 10, ...axis('k: records from the top of the ranking') },
    yAxis: { type: 'value' as const, min: 0, max: 1, ...axis('precision (solid) · recall (dashed)', { nameGap: 36 }) },
    series,
  };
}

/** The two losses RoSAS reports each epoch, as the loss chart names them. */
export const LOSS_KINDS = [
  { key: 'lossTriplet', short: 'L′', name: 'L′ (feature triplet loss)', color: '#d2a8ff' },
  { key: 'lossScore', short: 'L', name: 'L (score loss)', color: '#39c5cf' },
] as const;

export interface LossChartOptions {
  /** The most epochs a model may train; a live axis never goes past it. */
  cap?: number;
  /** Models in the ensemble, known from the progress before each has reported an epoch. */
  members?: number;
  /** Training goes on: leave room for the next epochs. */
  live?: boolean;
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (× a power of ten) at or above x, as a whole number. */
function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((s) => s * p >= x - 1e-9) ?? 10;
  return Math.ceil(step * p);
}

/**
 * Where the epoch axis ends: at the epochs trained, and while training, a quarter more (at least
 * one), rounded up so it does not move every epoch. Never past the cap: automatic training
 * usually stops far below it (5 of 200), and a cap-wide axis squeezes the curves into a corner.
 */
export function lossAxisMax(trained: number, { cap, live = false }: Pick<LossChartOptions, 'cap' | 'live'> = {}): number {
  const most = Math.max(1, trained);
  if (!live) return Math.max(2, most);
  const room = niceCeil(Math.max(most + 1, most * 1.25));
  return Math.max(2, cap !== undefined && cap >= most ? Math.min(cap, room) : room);
}

type TooltipPoint = { seriesIndex?: number; value?: unknown; marker?: unknown };

/**
 * Loss per epoch. RoSAS may train several models (an ensemble): each gets its own pair of lines,
 * paler for later models.
 */
export function lossOption(epochs: readonly EpochFigures[], options: LossChartOptions = {}): ChartOption {
  const seen = [...new Set(epochs.map((e) => e.member ?? 0))].sort((a, b) => a - b);
  const models = Math.max(seen.length, options.members ?? 0);
  // One legend entry per loss, toggling that loss's line of every model (what one compares is L′
  // against L; 2 × models entries would crowd it), named with the count so 2 entries for 6 lines is said.
  const name = (kind: (typeof LOSS_KINDS)[number]) => (models > 1 ? `${kind.name} · ${models} models` : kind.name);
  const few = epochs.length < 40;
  const who: string[] = [];
  const series = seen.flatMap((m) => {
    const mine = epochs.filter((e) => (e.member ?? 0) === m).sort((a, b) => a.epoch - b.epoch);
    const fade = models > 1 ? 1 - (0.45 * m) / Math.max(1, models - 1) : 1;
    return LOSS_KINDS.map((kind) => {
      who.push(models > 1 ? `model ${m + 1}, ${kind.short}` : kind.name);
      return { name: name(kind), type: 'line' as const, data: mine.map((e) => [e.epoch, e[kind.key]]), showSymbol: few, lineStyle: { color: kind.color, opacity: fade }, itemStyle: { color: kind.color } };
    });
  });
  // The default tooltip would list the same loss name once per model: say which model each value is.
  const formatter = (params: TooltipPoint | TooltipPoint[]) => {
    const list = Array.isArray(params) ? params : [params];
    const first = list[0]?.value;
    const rows = list.flatMap((p) => {
      const label = who[p.seriesIndex ?? -1];
      return label !== undefined && Array.isArray(p.value) ? [`${typeof p.marker === 'string' ? p.marker : ''}${label}: ${short(Number(p.value[1]))}`] : [];
    });
    return [`epoch ${Array.isArray(first) ? Number(first[0]) : ''}`, ...rows].join('<br>');
  };
  const trained = Math.max(0, ...epochs.map((e) => e.epoch));
  return {
    ...base,
    tooltip: { ...base.tooltip, formatter },
    legend: { ...base.legend, data: LOSS_KINDS.map(name) },
    grid: { left: 56, right: 20, top: 34, bottom: 40 },
    xAxis: { type: 'value' as const, min: 1, max: lossAxisMax(trained, options), minInterval: 1, ...axis(models > 1 ? 'epoch · one pair of lines per model, paler = later model' : 'epoch') },
    yAxis: { type: 'value' as const, scale: true, ...axis('loss', { nameGap: 44 }) },
    series,
  };
}
