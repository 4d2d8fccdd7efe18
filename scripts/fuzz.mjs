// `npm run fuzz`: the importers' fuzzing suite (test/fuzz/) at full length: 100,000 cases or more
// (FUZZ_RUNS), split over one process per core, each from its own fresh seed (FUZZ_SEED fixes the
// first). Prints cases/s and, for a failure, fast-check's seed, path and shrunk counterexample.
import { spawn } from 'node:child_process';
import os from 'node:os';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const shards = Math.max(1, Math.min(Number(process.env.FUZZ_SHARDS ?? os.availableParallelism()), runs));
const seed0 = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const started = Date.now();

function shard(i) {
  const n = Math.floor(runs / shards) + (i < runs % shards ? 1 : 0);
  const env = { ...process.env, ROSAS_SKIP_BUILD: '1', ROSAS_FUZZ_RUNS: String(n), ROSAS_FUZZ_SEED: String(seed0 + i), ROSAS_FUZZ_IMPORT_EVERY: '100' };
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', 'test/unit/ingest/fuzz.test.ts', '--reporter=dot'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out, seed: seed0 + i, n }));
  });
}

console.log(`fuzz: ${runs.toLocaleString('en')} cases in ${shards} process(es), seeds ${seed0}..${seed0 + shards - 1}`);
const results = await Promise.all(Array.from({ length: shards }, (_, i) => shard(i)));
let cases = 0;
for (const r of results) {
  const stats = /FUZZ_STATS (\{.*\})/.exec(r.out);
  if (stats) cases += JSON.parse(stats[1]).cases;
  if (r.code !== 0) process.stdout.write(`\n--- seed ${r.seed}: FAILED (rerun: FUZZ_SEED=${r.seed} FUZZ_SHARDS=1 FUZZ_RUNS=${r.n} npm run fuzz)\n${r.out}\n`);
  else console.log(`seed ${r.seed}: ${stats ? JSON.parse(stats[1]).summary : 'no figures'}`);
}
const seconds = (Date.now() - started) / 1000;
const failed = results.filter((r) => r.code !== 0).length;
console.log(`\n${cases.toLocaleString('en')} cases, 0 escapes allowed: ${failed ? `${failed} shard(s) FAILED` : 'all invariants held'}; ${seconds.toFixed(0)} s wall, ${Math.round(cases / seconds)} cases/s`);
process.exit(failed ? 1 : 0);
