// The cold start's review order, written once: core's rounds/queue.ts uses it and the Review
// screen says it to the analyst.

/** While no record is labeled anomaly, up to this many of the first 2 × COVER_SLOTS places (every other one) show the largest unreviewed groups. */
export const COVER_SLOTS = 5;

/** Only groups holding at least this share of the records (1 in 200) are picked: frequent kinds, not the merely repeated. */
export const COVER_MIN_SHARE = 0.005;
