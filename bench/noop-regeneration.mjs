// Benchmark 2: no-op regeneration. The output is already up to date (same inputs, options and generator), so
// `generate` must notice from the headers and exit: a fresh process per run, paired with a bare `node -e 0`
// (Node's own start-up, the floor no CLI can go below).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ETCD_VERSION, repoRoot, specsDir } from './lib/paths.mjs';
import { shellLine, timeCommand } from './lib/processes.mjs';
import { recordResult } from './lib/results.mjs';
import { load, ms, pairedRatios, range, ratio, summary, table } from './lib/stats.mjs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 21);
const TARGET_MS = 150;
/** Against Node's own start-up, paired in the same run: the no-op path should load almost nothing. */
const TARGET_RATIO = 1.5;
const scratch = mkdtempSync(join(tmpdir(), 'bench-noop-'));
const out = join(scratch, 'etcd');
const node = process.execPath;
const generateArgv = [node, cli, 'generate', '--etcd', ETCD_VERSION, '--spec-dir', specsDir, '--out', out];
const bareArgv = [node, '-e', '0'];

// BENCH_COMPARE='<label>=<dist dir>,…': also time other builds' no-op path (each on an output it made), for
// before/after records.
const compare = (process.env['BENCH_COMPARE'] ?? '').split(',').filter(Boolean).map((entry) => {
  const [label, dir] = entry.split('=');
  const outOf = join(scratch, `compare-${label}`);
  return { label, argv: [node, join(dir, 'generator/bin.js'), 'generate', '--etcd', ETCD_VERSION, '--spec-dir', specsDir, '--out', outOf], times: [] };
});

const loadBefore = load();
for (const argv of [generateArgv, ...compare.map((c) => c.argv)]) {
  timeCommand(argv); // the cold run that makes the output
  timeCommand(argv); // untimed warm-up of the no-op path
}
const noop = [];
const bare = [];
const arms = [(t) => noop.push(t), (t) => bare.push(t), ...compare.map((c) => (t) => c.times.push(t))];
const argvs = [generateArgv, bareArgv, ...compare.map((c) => c.argv)];
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < arms.length; k++) {
    const arm = (k + round) % arms.length; // rotating order
    arms[arm](timeCommand(argvs[arm]));
  }
}
rmSync(scratch, { recursive: true, force: true });

const s = summary(noop);
const r = pairedRatios(noop, bare);
const met = s.median <= TARGET_MS;
const ratioMet = r.median <= TARGET_RATIO;
const shorten = [[repoRoot + '/', ''], [specsDir, '$ETCD_SPECS_DIR'], [scratch, '$TMP'], [node, 'node']];
const markdown = [
  `Command: \`${compare.length ? `BENCH_COMPARE='${compare.map((c) => `${c.label}=<its dist/>`).join(',')}' ` : ''}npm run bench -- noop-regeneration\` (= \`node bench/noop-regeneration.mjs\` after \`npm run build\`), ${ROUNDS} rounds (the arms in rotating order) after one cold and one untimed no-op run each.`,
  '',
  table(
    ['run', 'wall time, median (IQR)'],
    [
      [`no-op \`generate\` (output up to date)`, range(s, ms)],
      ['`node -e 0` (Node start-up alone)', range(summary(bare), ms)],
      ['generate minus Node start-up, paired', range(summary(noop.map((t, i) => t - bare[i])), ms)],
      ['generate ÷ Node start-up, paired', range(r, ratio)],
      ...compare.flatMap((c) => [
        [`no-op \`generate\` at ${c.label}`, range(summary(c.times), ms)],
        [`${c.label} ÷ Node start-up, paired`, range(pairedRatios(c.times, bare), ratio)],
      ]),
    ],
  ),
  '',
  `Target: ≤ ${TARGET_MS} ms wall — **${met ? 'met' : 'not met'}** (median ${ms(s.median)}); ≤ ${TARGET_RATIO}× \`node -e 0\`, paired — **${ratioMet ? 'met' : 'not met'}** (median ${ratio(r.median)}).`,
  '',
  `Timed command: \`${shellLine(generateArgv, shorten)}\``,
].join('\n');
recordResult('noop-regeneration', {
  title: '2. No-op regeneration',
  markdown,
  loadBefore,
  data: { rounds: ROUNDS, noop, bare, met, ratioMet },
});
