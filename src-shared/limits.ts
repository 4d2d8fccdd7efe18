// Limits that both sides of the app must agree on: the renderer keeps within them, the main side
// (src-main/api/validate.ts) refuses what goes beyond.

/** Records labeled by one call (a bulk selection); the UI keeps selections under this. */
export const MAX_LABEL_IDS = 50_000;

/** RoSAS epochs one round may be asked for: more than any useful training, so a typo cannot run for days. */
export const MAX_EPOCHS = 10_000;
