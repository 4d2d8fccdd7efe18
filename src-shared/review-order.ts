// The cold start's review order, written once: core's rounds/queue.ts uses it and the Review
// screen says it to the analyst.

/** While no record is labeled anomaly, this many of the first 2 × COVER_SLOTS places (every other one) show the largest unreviewed groups. */
export const COVER_SLOTS = 5;
