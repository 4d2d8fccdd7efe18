// The cold start's review order, written once: core's rounds/queue.ts uses it and the Review
// screen says it to the analyst.

/** Up to this many of the first 2 × COVER_SLOTS places (every other one) show the largest unreviewed groups, while the latest reviews find few anomalies (core rounds/queue.ts). */
export const COVER_SLOTS = 5;

/** Before anything is labeled, only groups holding at least this share of the records (1 in 200) are picked: frequent kinds, not the merely repeated. */
export const COVER_MIN_SHARE = 0.005;
