// Benchmark 9: generation time against spec size. Synthetic spec sets 1×, 2×, 5× and 10× the size of etcd
// v3.6.14's (renamed copies of its paths and definitions, see lib/synthetic-spec.mjs), each generated cold in a
// fresh process, sizes in rotating order round after round. Linear means time = fixed + k × per-unit cost with
// the per-unit cost not growing with k.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repoRoot, specDirOf } from './lib/paths.mjs';
import { shellLine, timeCommand } from './lib/processes.mjs';
import { recordResult } from './lib/results.mjs';
import { writeScaledSpecs } from './lib/synthetic-spec.mjs';
import { bytes, load, median, ms, range, summary, table } from './lib/stats.mjs';

const SIZES = [1, 2, 5, 10];
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const scratch = mkdtempSync(join(tmpdir(), 'bench-scale-'));
const node = process.execPath;
const argv = (k, out) => [node, cli, 'generate', '--spec', join(scratch, `specs-${k}x`), '--out', out];

const loadBefore = load();
const inputBytes = {};
for (const k of SIZES) {
  mkdirSync(join(scratch, `specs-${k}x`));
  inputBytes[k] = writeScaledSpecs(specDirOf(), join(scratch, `specs-${k}x`), k);
}
const times = Object.fromEntries(SIZES.map((k) => [k, []]));
try {
  for (const k of SIZES) timeCommand(argv(k, join(scratch, 'warm'))) && rmSync(join(scratch, 'warm'), { recursive: true, force: true });
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < SIZES.length; i++) {
      const k = SIZES[(i + round) % SIZES.length];
      const out = join(scratch, `out-${k}x-${round}`);
      times[k].push(timeCommand(argv(k, out)));
      rmSync(out, { recursive: true, force: true });
    }
    console.log(`round ${round + 1}: ${SIZES.map((k) => `${k}× ${ms(times[k].at(-1))}`).join(', ')}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Least squares t = a + b·k over the medians.
const xs = SIZES;
const ys = SIZES.map((k) => median(times[k]));
const mean = (v) => v.reduce((s, x) => s + x, 0) / v.length;
const [mx, my] = [mean(xs), mean(ys)];
const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
const intercept = my - slope * mx;
const ssRes = ys.reduce((s, y, i) => s + (y - (intercept + slope * xs[i])) ** 2, 0);
const ssTot = ys.reduce((s, y) => s + (y - my) ** 2, 0);
const r2 = 1 - ssRes / ssTot;
const marginal = SIZES.slice(1).map((k, i) => (ys[i + 1] - ys[i]) / (k - SIZES[i]));
const linear = r2 >= 0.98 && marginal.at(-1) <= 1.5 * marginal[0];

recordResult('scale', {
  title: '9. Scale: generation time against spec size',
  loadBefore,
  markdown: [
    `Command: \`npm run bench -- scale\` (= \`node bench/scale.mjs\` after \`npm run build\`). Spec sets k × etcd v3.6.14 ` +
      '(rpc, v3lock, v3election, each with k-1 renamed copies of its paths and definitions, written to a temporary directory), ' +
      `${ROUNDS} rounds, sizes in rotating order, a fresh process and an empty output directory each run, one untimed run per size first.`,
    '',
    table(
      ['size', 'spec JSON', 'wall time, median (IQR)', 'time per 1× unit', 'marginal cost of one more unit'],
      SIZES.map((k, i) => [
        `${k}×`,
        bytes(inputBytes[k]),
        range(summary(times[k]), ms),
        ms(ys[i] / k),
        i === 0 ? '' : `${ms(marginal[i - 1])} (from ${SIZES[i - 1]}× to ${k}×)`,
      ]),
    ),
    '',
    `Least-squares fit over the medians: time ≈ ${ms(intercept)} + k × ${ms(slope)} (R² = ${r2.toFixed(4)}). The fixed part is Node, ` +
      'loading the TypeScript compiler (ts-morph), prettier and the Swagger schema validator, and the runtime files; each unit of spec adds the same cost. ' +
      `Grows linearly: **${linear ? 'yes' : 'no'}** (R² ≥ 0.98 and the last marginal cost within 1.5× of the first).`,
    '',
    `Timed command: \`${shellLine(argv('<k>', '$TMP/out'), [[repoRoot + '/', ''], [scratch, '$TMP'], [node, 'node']])}\``,
  ].join('\n'),
  data: { sizes: SIZES, rounds: ROUNDS, times, inputBytes, fit: { intercept, slope, r2 }, marginal },
});
