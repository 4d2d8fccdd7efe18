// The layers of src-main/core/, lowest first (CODE.md explains each). A folder may import its own
// files, core's root files (errors.ts, version.ts) and any folder of a lower layer: never one of
// its own layer or above, so no import can run upward and no cycle can cross folders.
export const CORE_TIERS = [
  ['util'], // plain helpers that know nothing of the app
  ['workers', 'fields', 'labels'], // worker threads; how a field is typed; the analyst's labels
  ['model', 'features'], // the engines; feature specs and featurization
  ['project', 'ingest', 'records'], // a project file; reading logs in; the records read model
  ['rounds'], // training and ranking rounds
  ['explain', 'export'], // what reads rounds: explanations, exports
  ['jobs'], // the app's background job kinds
  ['bench'], // evaluation: benchmarks and the review-loop simulation
];

/** folder -> the folders it may import. */
export const CORE_LAYERS = Object.fromEntries(CORE_TIERS.flatMap((tier, i) => tier.map((folder) => [folder, CORE_TIERS.slice(0, i).flat()])));
