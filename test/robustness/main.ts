/**
 * npm run robustness -- --seed <n> --episodes <k> [--server <version>] [--json <file>]
 *
 * Runs k episodes (faults in a seeded order, every fault once per ten episodes) against the server of the matrix
 * (test/helpers/servers.ts; default 3.5.30), prints each episode's report and the total, and exits 1 on any
 * violation that is not a known bug of that server. The last line is
 * `robustness: <E> episodes, <N> operations, <V> violations`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serverFacts } from '../helpers/servers.js';
import { runEpisode, type EpisodeResult } from './episode.js';
import { FAULTS } from './faults.js';
import { createRandom } from './random.js';
import { formatEpisode, formatTotal, summarize } from './report.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    episodes: { type: 'string', default: '10' },
    server: { type: 'string', default: '3.5.30' },
    json: { type: 'string' },
  },
});
const seed = Number(values.seed);
const episodes = Number(values.episodes);
if (!Number.isInteger(seed) || !Number.isInteger(episodes) || episodes < 1) {
  console.error('usage: npm run robustness -- --seed <n> --episodes <k> [--server <version>]');
  process.exit(2);
}
const server = serverFacts(values.server!);
process.env['ETCD_SERVER'] = server.version; // test/helpers/etcd.ts starts the binaries of this row

const random = createRandom(seed);
const order = random.shuffle(FAULTS);
const results: EpisodeResult[] = [];
const started = performance.now();
console.log(`robustness: etcd ${server.version}, seed ${seed}, ${episodes} episodes (known bugs: ${server.knownBugs.join(', ') || 'none'})`);
for (let i = 0; i < episodes; i++) {
  const fault = order[i % order.length]!;
  const result = await runEpisode(i, fault, random.fork(`episode-${i}`));
  results.push(result);
  console.log(formatEpisode(result, server.knownBugs));
}
const summary = summarize(results, server.knownBugs, performance.now() - started);
console.log(formatTotal(summary, server.version));
if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(summary, null, 2));
console.log(`robustness: ${results.length} episodes, ${summary.operations} operations, ${summary.violations} violations`);
process.exit(summary.violations > 0 ? 1 : 0);
