import { expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/fuzz-import';

// The quick run of the importers' fuzzing suite (test/fuzz/): a fixed seed, so CI is repeatable.
// `npm run fuzz` runs 100,000 cases or more from a fresh seed and prints the figures.
const runs = Number(process.env.ROSAS_FUZZ_RUNS ?? 2000);
const seed = Number(process.env.ROSAS_FUZZ_SEED ?? 20261202);

it(`${runs} mutated files from real samples keep every invariant (seed ${seed})`, async () => {
  const stats = await runFuzz({ runs, seed, importEvery: Number(process.env.ROSAS_FUZZ_IMPORT_EVERY ?? 20) });
  const summary =
    `${stats.cases} cases (${stats.imports} full imports), ${stats.lines} lines, ${stats.quarantined} quarantined, ` +
    `${stats.seconds.toFixed(1)} s, ${Math.round(stats.cases / stats.seconds)} cases/s`;
  // One line for scripts/fuzz.mjs to add up.
  console.log(`FUZZ_STATS ${JSON.stringify({ cases: stats.cases, summary })}`);
  expect(stats.cases).toBe(runs);
}, 3_600_000);
