import type { AppInfo, ImportPreview, ImportSummary, ProjectInfo, RoundSummary } from '../../../src-main/api/contract';

export const HOSTILE = '<img src=x onerror=alert(1)>';

export const appInfo: AppInfo = {
  version: '0.1.0',
  mode: 'serve',
  roles: ['numeric', 'categorical', 'ip', 'port', 'timestamp', 'identifier', 'text', 'label', 'ignore'],
  formats: ['zeek-tsv', 'csv'],
};

export function project(overrides: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    path: '/cases/a.rosas',
    schemaVersion: 1,
    latestSchemaVersion: 1,
    createdAt: '2024-06-01T10:00:00.000Z',
    records: 0,
    quarantined: 0,
    sources: [],
    fields: [],
    features: null,
    labels: { anomaly: 0, normal: 0, unsure: 0 },
    rounds: 0,
    analyst: null,
    ...overrides,
  };
}

export function preview(): ImportPreview {
  return {
    file: '/logs/conn.log',
    bytes: 2048,
    format: 'zeek-tsv',
    formatTitle: 'Zeek TSV log',
    confidence: 0.95,
    candidates: [{ name: 'zeek-tsv', confidence: 0.95 }],
    records: [
      { kind: 'record', line: 9, ts: 1, raw: 'r1', fields: { 'id.orig_h': '10.0.0.1', orig_bytes: 10, label: 'Benign', uri: HOSTILE } },
      { kind: 'record', line: 10, ts: 2, raw: 'r2', fields: { 'id.orig_h': '10.0.0.2', orig_bytes: 20, label: 'Malicious', uri: '/' } },
    ],
    bad: [],
    fields: [
      { name: 'id.orig_h', type: 'string', role: 'ip', why: 'IPv4 addresses' },
      { name: 'orig_bytes', type: 'number', role: 'numeric', why: 'numbers' },
      { name: 'label', type: 'string', role: 'label', why: 'named like a ground-truth label' },
      { name: 'uri', type: 'string', role: 'text', why: 'free text' },
    ],
  };
}

export function summary(overrides: Partial<ImportSummary> = {}): ImportSummary {
  return {
    sourceId: 1,
    file: '/logs/conn.log',
    format: 'zeek-tsv',
    formatTitle: 'Zeek TSV log',
    sha256: 'abc',
    bytes: 2048,
    records: 2,
    quarantined: 0,
    latin1Lines: 0,
    lines: { read: 4, inRecords: 2, inQuarantine: 0, header: 2, blank: 0, structure: 0 },
    renamedFields: [],
    firstRecordId: 1,
    lastRecordId: 2,
    labelColumn: 'label',
    truth: { anomalies: 1, normals: 1 },
    fields: [],
    featureSpec: { id: 1, previousId: null, newFields: [] },
    seconds: 0.1,
    warnings: [],
    ...overrides,
  };
}

export function roundSummary(round: number, over: Partial<RoundSummary> = {}): RoundSummary {
  return {
    round,
    method: round === 1 ? 'iforest' : 'rosas',
    createdAt: '2024-06-01T10:00:00.000Z',
    featureSpecId: 1,
    seed: 42,
    backend: round === 1 ? 'js' : 'wasm',
    params: {},
    trainSeconds: 1,
    scoreSeconds: 0.5,
    labeledAnomalies: 0,
    labeledNormals: 0,
    snapshot: { anomaly: 0, normal: 0, unsure: 0 },
    recordsScored: 100,
    history: [],
    epochs: round === 1 ? null : 5,
    members: round === 1 ? null : 1,
    hiddenAnomalyAuc: null,
    coverPicks: 0,
    dim: 21,
    reviewed: 0,
    anomaliesFound: 0,
    ...over,
  };
}

