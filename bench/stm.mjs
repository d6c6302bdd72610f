// Benchmark 11: client.stm under ordinary contention (issue 16). 8 clients, each making 100 transfers among 5
// accounts, all with the default options (isolation 'serializable', 20 retries), against one etcd member. Each
// transfer reads two accounts and writes both; a transfer that gives up (StmConflictError) is counted, never
// retried by hand. Reports the attempts per transfer (p50, p99, max), the give-ups and the throughput, round by
// round, and checks that the bank's total holds after each round.
import { importClient, importHarness } from './lib/prepare.mjs';
import { recordResult } from './lib/results.mjs';
import { count, load, quantile, table } from './lib/stats.mjs';

const CLIENTS = Number(process.env['BENCH_STM_CLIENTS'] ?? 8);
const TRANSFERS = Number(process.env['BENCH_STM_TRANSFERS'] ?? 100);
const ACCOUNTS = 5;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const OPENING = 1_000;

const { createClient, StmConflictError } = await importClient();
const { startEtcd } = await importHarness();

/** One round in its own namespace: every transfer's attempts, the give-ups, the wall time and the final total. */
async function round(url, name) {
  const clients = Array.from({ length: CLIENTS }, () => createClient({ endpoints: url }));
  const banks = clients.map((c) => c.namespace(`bench/stm/${name}/`));
  for (let i = 0; i < ACCOUNTS; i++) await banks[0].put(`acct/${i}`, String(OPENING));
  const attempts = [];
  let gaveUp = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    banks.map(async (bank, c) => {
      for (let t = 0; t < TRANSFERS; t++) {
        const from = (c + t) % ACCOUNTS;
        const to = (from + 1 + ((c * 7 + t) % (ACCOUNTS - 1))) % ACCOUNTS;
        let runs = 0;
        try {
          await bank.stm(async (tx) => {
            runs++;
            const a = Number(await tx.getText(`acct/${from}`));
            const b = Number(await tx.getText(`acct/${to}`));
            tx.put(`acct/${from}`, String(a - 1));
            tx.put(`acct/${to}`, String(b + 1));
          });
        } catch (error) {
          if (!(error instanceof StmConflictError)) throw error;
          gaveUp++;
        }
        attempts.push(runs);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const balances = [...(await banks[0].getPrefixText('acct/')).values()].map(Number);
  const total = balances.reduce((sum, x) => sum + x, 0);
  for (const c of clients) c.close();
  if (total !== OPENING * ACCOUNTS) throw new Error(`stm bench: the bank's total is ${total}, not ${OPENING * ACCOUNTS}`);
  return { attempts, gaveUp, seconds, total };
}

const row = (label, r) => [
  label,
  count(r.attempts.length),
  String(Math.ceil(quantile(r.attempts, 0.5))),
  String(Math.ceil(quantile(r.attempts, 0.99))),
  String(Math.max(...r.attempts)),
  String(r.gaveUp),
  `${count(r.attempts.length / r.seconds)}/s`,
];

const loadBefore = load();
const etcd = await startEtcd();
const server = (await (await fetch(`${etcd.url}/version`)).json()).etcdserver;
const rounds = [];
try {
  for (let i = 0; i < ROUNDS; i++) {
    rounds.push(await round(etcd.url, `round-${i}`));
    console.log(`round ${i + 1}: ${row('', rounds[i]).slice(1).join(', ')}`);
  }
} finally {
  await etcd.stop();
}
const all = { attempts: rounds.flatMap((r) => r.attempts), gaveUp: rounds.reduce((n, r) => n + r.gaveUp, 0), seconds: rounds.reduce((s, r) => s + r.seconds, 0) };

recordResult('stm', {
  title: '11. STM under contention',
  loadBefore,
  data: { clients: CLIENTS, transfers: TRANSFERS, accounts: ACCOUNTS, server: server, rounds },
  markdown: [
    `Command: \`npm run bench -- stm\` (= \`node bench/stm.mjs\` after \`npm run build\`; \`ETCD_SERVER=<version>\` picks the server of test/helpers/servers.ts), ` +
      `${ROUNDS} rounds against one etcd ${server} member. Each round: ${CLIENTS} clients × ${TRANSFERS} transfers among ${ACCOUNTS} ` +
      `accounts with \`client.stm(fn)\`'s defaults (serializable, 20 retries); the bank's total checked after each.`,
    '',
    table(
      ['round', 'transfers', 'attempts p50', 'attempts p99', 'attempts max', 'gave up (StmConflictError)', 'transfers per second'],
      [...rounds.map((r, i) => row(String(i + 1), r)), row('all', all)],
    ),
  ].join('\n'),
});
