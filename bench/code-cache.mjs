// The V8 code cache of generator/code-cache.ts, stage by stage: loading ts-morph (the 9 MB TypeScript compiler it
// bundles) and prettier's standalone formatter, each in a fresh process, with the cache written by an earlier run
// and without it, interleaved. The whole-run effect is in the cold-generation block.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDir } from './lib/paths.mjs';
import { recordResult } from './lib/results.mjs';
import { load, ms, pairedRatios, range, ratio, summary, table } from './lib/stats.mjs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const scratch = mkdtempSync(join(tmpdir(), 'bench-code-cache-'));
const cacheDir = join(scratch, 'v8-code-cache');
const stage = (dir) => {
  const result = spawnSync(process.execPath, [join(benchDir, 'lib/code-cache-stage.mjs'), dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench: code-cache stage failed\n${result.stderr}`);
  return JSON.parse(result.stdout);
};

const loadBefore = load();
stage(cacheDir); // the first run writes the cache
const cached = [];
const plain = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) {
    cached.push(stage(cacheDir));
    plain.push(stage('off'));
  } else {
    plain.push(stage('off'));
    cached.push(stage(cacheDir));
  }
}
rmSync(scratch, { recursive: true, force: true });

const row = (label, key) => [
  label,
  range(summary(plain.map((r) => r[key])), ms),
  range(summary(cached.map((r) => r[key])), ms),
  range(pairedRatios(cached.map((r) => r[key]), plain.map((r) => r[key])), ratio),
];
recordResult('code-cache', {
  title: '1b. The V8 code cache, stage by stage',
  loadBefore,
  markdown: [
    `Command: \`npm run bench -- code-cache\` (= \`node bench/code-cache.mjs\` after \`npm run build\`), ${ROUNDS} rounds, a fresh process per stage run (\`bench/lib/code-cache-stage.mjs\`), cached and uncached alternating; the cache written by one untimed run first.`,
    '',
    table(
      ['stage (in-process time)', 'no code cache, median (IQR)', 'code cache, median (IQR)', 'cached ÷ not, paired'],
      [row('load ts-morph and make a `Project`', 'tsMorph'), row("load prettier's standalone formatter, format one line", 'prettier')],
    ),
  ].join('\n'),
  data: { rounds: ROUNDS, cached, plain },
});
