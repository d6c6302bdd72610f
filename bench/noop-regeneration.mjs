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

const loadBefore = load();
timeCommand(generateArgv); // the cold run that makes the output
timeCommand(generateArgv); // untimed warm-up of the no-op path
const noop = [];
const bare = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) {
    noop.push(timeCommand(generateArgv));
    bare.push(timeCommand(bareArgv));
  } else {
    bare.push(timeCommand(bareArgv));
    noop.push(timeCommand(generateArgv));
  }
}
rmSync(scratch, { recursive: true, force: true });

const s = summary(noop);
const r = pairedRatios(noop, bare);
const met = s.median <= TARGET_MS;
const ratioMet = r.median <= TARGET_RATIO;
const shorten = [[repoRoot + '/', ''], [specsDir, '$ETCD_SPECS_DIR'], [scratch, '$TMP'], [node, 'node']];
const markdown = [
  `Command: \`npm run bench -- noop-regeneration\` (= \`node bench/noop-regeneration.mjs\` after \`npm run build\`), ${ROUNDS} paired rounds after one cold and one untimed no-op run.`,
  '',
  table(
    ['run', 'wall time, median (IQR)'],
    [
      [`no-op \`generate\` (output up to date)`, range(s, ms)],
      ['`node -e 0` (Node start-up alone)', range(summary(bare), ms)],
      ['generate minus Node start-up, paired', range(summary(noop.map((t, i) => t - bare[i])), ms)],
      ['generate ÷ Node start-up, paired', range(r, ratio)],
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
