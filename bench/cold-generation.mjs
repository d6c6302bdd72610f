// Benchmark 1: cold generation of the full etcd v3.6.14 client (rpc + v3lock + v3election), a fresh process and
// an empty output directory each time, paired round by round with openapi-typescript@5 (types from rpc.swagger.json
// alone), orval and @hey-api/openapi-ts (rpc.swagger.json, fetch clients). The order rotates every round.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchModules, cli, ETCD_VERSION, repoRoot, specDirOf, specsDir } from './lib/paths.mjs';
import { shellLine, timeCommand } from './lib/processes.mjs';
import { recordResult } from './lib/results.mjs';
import { load, ms, pairedRatios, range, ratio, summary, table } from './lib/stats.mjs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 11);
const scratch = mkdtempSync(join(tmpdir(), 'bench-cold-'));
const rpc = join(specDirOf(), 'rpc.swagger.json');
const node = process.execPath;

const oursArgv = (out) => [node, cli, 'generate', '--etcd', ETCD_VERSION, '--spec-dir', specsDir, '--out', out];
/** Our V8 code cache (generator/code-cache.ts) lives in the bench's own cache directory, written by the warm-up. */
const codeCache = { ETCD_GATEWAY_CODEGEN_CACHE_DIR: join(scratch, 'cache') };

/** Each tool: what it is given, and the command (and environment) that produces its output in `out`. */
const tools = [
  {
    id: 'ours',
    label: `etcd-gateway-codegen (full client: rpc + v3lock + v3election), V8 code cache written`,
    argv: oursArgv,
    env: () => codeCache,
  },
  {
    id: 'ours-first-run',
    label: 'etcd-gateway-codegen, first run: empty code cache (it writes it)',
    argv: oursArgv,
    env: (round) => ({ ETCD_GATEWAY_CODEGEN_CACHE_DIR: join(scratch, `first-run-cache-${round}`) }),
  },
  {
    id: 'ours-no-code-cache',
    label: 'etcd-gateway-codegen, `ETCD_GATEWAY_CODEGEN_CODE_CACHE=off`',
    argv: oursArgv,
    env: () => ({ ETCD_GATEWAY_CODEGEN_CODE_CACHE: 'off' }),
  },
  {
    id: 'openapi-typescript',
    label: 'openapi-typescript@5.4.2 (types only, rpc.swagger.json)',
    argv: (out) => [node, join(benchModules, 'openapi-typescript/bin/cli.js'), rpc, '--output', join(out, 'schema.ts')],
  },
  {
    id: 'orval',
    label: 'orval@7.13.2 (fetch client, rpc.swagger.json)',
    argv: (out) => [node, join(benchModules, 'orval/dist/bin/orval.js'), '--input', rpc, '--output', join(out, 'etcd.ts'), '--client', 'fetch'],
  },
  {
    id: 'hey-api',
    label: '@hey-api/openapi-ts@0.95.0 (fetch client, rpc.swagger.json)',
    argv: (out) => [node, join(benchModules, '@hey-api/openapi-ts/bin/run.js'), '-i', rpc, '-o', out, '-c', '@hey-api/client-fetch', '--no-log-file', '-s'],
  },
];
// BENCH_COMPARE='<label>=<dist dir>,…': also time other builds of this generator (e.g. an older commit's dist/), for
// before/after records.
for (const [index, entry] of (process.env['BENCH_COMPARE'] ?? '').split(',').filter(Boolean).entries()) {
  const [label, dir] = entry.split('=');
  tools.splice(3 + index, 0, {
    id: `compare-${label}`,
    label: `etcd-gateway-codegen at ${label}`,
    argv: (out) => [node, join(dir, 'generator/bin.js'), 'generate', '--etcd', ETCD_VERSION, '--spec-dir', specsDir, '--out', out],
  });
}

function runOnce(tool, round) {
  const out = join(scratch, `${tool.id}-${round}`);
  try {
    return timeCommand(tool.argv(out), { cwd: scratch, env: tool.env?.(round) });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const loadBefore = load();
// One untimed run each: the files are in the page cache for everyone, as in a build that just checked them out.
for (const tool of tools) runOnce(tool, 'warm');
const times = Object.fromEntries(tools.map((t) => [t.id, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = tools.map((_, i) => tools[(i + round) % tools.length]);
  for (const tool of order) times[tool.id].push(runOnce(tool, round));
  process.stdout.write(`round ${round + 1}/${ROUNDS}: ${tools.map((t) => `${t.id} ${ms(times[t.id].at(-1))}`).join(', ')}\n`);
}
rmSync(scratch, { recursive: true, force: true });

const ours = times['ours'];
const rows = tools.map((t) => {
  const r = pairedRatios(ours, times[t.id]);
  return [t.label, range(summary(times[t.id]), ms), t.id === 'ours' ? '1.00×' : range(r, ratio)];
});
const vsTypes = pairedRatios(ours, times['openapi-typescript']);
const met = vsTypes.median <= 1.0;
const shorten = [[repoRoot + '/', ''], [specsDir, '$ETCD_SPECS_DIR'], [scratch, '$TMP'], [node, 'node']];
const markdown = [
  `Command: \`npm run bench -- cold-generation\` (= \`node bench/cold-generation.mjs\` after \`npm run build\`), ${ROUNDS} rounds, tools in rotating order, each a fresh process into an empty directory; one untimed warm-up run each.`,
  '',
  table(
    ['tool', 'wall time, median (IQR)', 'ours ÷ tool, paired per round, median (IQR)'],
    rows,
  ),
  '',
  `Target: ours ÷ openapi-typescript@5 ≤ 1.0 — **${met ? 'met' : 'not met'}** (${ratio(vsTypes.median)}).`,
  '',
  'Timed commands (`$TMP/<tool>-<round>` is removed after each run):',
  '',
  ...tools.map((t) => {
    const env = Object.entries(t.env?.('<round>') ?? {}).map(([k, v]) => `${k}=${shellLine([v], shorten)} `).join('');
    return `- \`${env}${shellLine(t.argv(join(scratch, `${t.id}-<round>`)), shorten)}\``;
  }),
].join('\n');
recordResult('cold-generation', {
  title: '1. Cold generation',
  markdown,
  loadBefore,
  data: { rounds: ROUNDS, times, ratioVsOpenapiTypescript: vsTypes, met },
});
